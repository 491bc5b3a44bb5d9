"""The daily report pages."""

import datetime
import io

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from border_gate import selectors
from border_gate.models import DailyReport
from border_gate.views.common import REPORT_ROLES
from core.permissions import role_required


@role_required(*REPORT_ROLES)
def reports(request):
    return render(request, "border_gate/reports.html", {"reports": selectors.reports()})


@role_required(*REPORT_ROLES)
def report_xlsx(request, date):
    try:
        day = datetime.date.fromisoformat(date)
    except ValueError:
        raise Http404 from None
    report = get_object_or_404(DailyReport, date=day)
    from border_gate.reports import report_workbook

    buffer = io.BytesIO()
    report_workbook(report).save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="bao-cao-cua-khau-{day:%Y-%m-%d}.xlsx"'
    return response
