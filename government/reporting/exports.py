"""XLSX exports (openpyxl): one unit's report, and a period with every unit the reader may see and
the province's aggregate. Numbers are written as numbers (not text), so they sum in a spreadsheet."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

BOLD = Font(bold=True)


def _safe(value):
    # A text cell starting with "=" would be a formula in the reader's spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_xlsx(report) -> bytes:
    period = report.period
    wb = Workbook()
    ws = wb.active
    ws.title = _("Báo cáo")[:31]
    ws.append([_safe(period.form.title)])
    ws["A1"].font = BOLD
    ws.append([_("Kỳ báo cáo"), period.label])
    ws.append([_("Đơn vị báo cáo"), _safe(report.agency.name)])
    ws.append([_("Trạng thái"), str(report.get_status_display())])
    submitted = timezone.localtime(report.submitted_at).strftime("%d/%m/%Y %H:%M") if report.submitted_at else ""
    ws.append([_("Nộp lúc"), submitted])
    ws.append([])
    ws.append([_("Mã"), _("Chỉ tiêu"), _("Đơn vị tính"), _("Giá trị")])
    for cell in ws[ws.max_row]:
        cell.font = BOLD
    for indicator in period.form.indicators.all():
        ws.append([indicator.code, _safe(indicator.label), indicator.unit, _safe(report.values.get(indicator.code))])
    if report.note:
        ws.append([])
        ws.append([_("Ghi chú"), _safe(report.note)])
    ws.column_dimensions["B"].width = 60
    return _bytes(wb)


def period_xlsx(period, reports, aggregate=None) -> bytes:
    indicators = list(period.form.indicators.all())
    wb = Workbook()
    ws = wb.active
    ws.title = _("Tổng hợp")[:31]
    ws.append([_safe(period.form.title), period.label])
    ws["A1"].font = BOLD
    header = [_("Đơn vị"), _("Trạng thái"), _("Đúng hạn")] + [
        f"{i.label} ({i.unit})" if i.unit else i.label for i in indicators
    ]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = BOLD
    for report in reports:
        on_time = "" if report.on_time is None else (_("Có") if report.on_time else _("Không"))
        ws.append(
            [_safe(report.agency.name), str(report.get_status_display()), on_time]
            + [_safe(report.values.get(i.code)) for i in indicators]
        )
    if aggregate is not None:
        ws.append(
            [_("Toàn tỉnh (báo cáo đã duyệt)"), f"{aggregate.reports_accepted}/{aggregate.reports_expected}", ""]
            + [aggregate.values.get(i.code) for i in indicators]
        )
        for cell in ws[ws.max_row]:
            cell.font = BOLD
    ws.column_dimensions["A"].width = 40
    return _bytes(wb)
