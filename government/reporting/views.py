"""Pages of periodic reporting. Thin: a selector decides what the user sees (404 outside it), a
service does each action, a refused action shows its message on the form with what was typed."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import ServiceError, apply_to_form
from core.permissions import role_required
from government.reporting import exports, permissions, selectors, services
from government.reporting.forms import ReopenForm, ReportValuesForm, ReturnForm
from government.reporting.models import ProvinceAggregate, Report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@role_required(*permissions.READER_ROLES)
def index(request):
    context = {
        "mine": selectors.my_periods(request.user),
        "review": selectors.review_periods(request.user),
        "now": timezone.now(),
    }
    return render(request, "reporting/index.html", context)


@role_required(*permissions.READER_ROLES)
@require_http_methods(["GET", "POST"])
def report_fill(request, period_id):
    period = selectors.period_for(request.user, period_id)
    if period is None or not permissions.may_submit(request.user, period.form):
        raise Http404
    report = Report.objects.filter(period=period, agency_id=request.user.agency_id).first()
    editable = report is None or report.status in (Report.Status.DRAFT, Report.Status.RETURNED)
    if request.method == "POST":
        form = ReportValuesForm(request.POST, form=period.form, submitting="submit" in request.POST)
        if form.is_valid():
            try:
                report = services.report_save(
                    actor=request.user,
                    period=period,
                    values=form.raw_values(),
                    note=form.cleaned_data["note"],
                    version=form.cleaned_data.get("version"),
                    submit="submit" in request.POST,
                )
            except ServiceError as e:
                apply_to_form(form, e)
            else:
                if report.status == Report.Status.SUBMITTED:
                    messages.success(request, _("Đã nộp báo cáo."))
                else:
                    messages.success(request, _("Đã lưu bản nháp."))
                return redirect("reporting:fill", period_id=period.pk)
    else:
        initial = {"version": report.version if report else 0, "note": report.note if report else ""}
        if report:
            initial.update(report.values)
        form = ReportValuesForm(initial=initial, form=period.form)
    context = {
        "period": period,
        "report": report,
        "form": form,
        "editable": editable,
        "open": period.is_open() or (report is not None and report.status == Report.Status.RETURNED),
    }
    return render(request, "reporting/fill.html", context)


@role_required(*permissions.READER_ROLES)
def period_detail(request, period_id):
    period = selectors.period_for(request.user, period_id)
    if period is None:
        raise Http404
    if not permissions.may_review(request.user, period.form):
        return redirect("reporting:fill", period_id=period.pk)
    context = {
        "period": period,
        "rows": selectors.period_overview(period),
        "aggregate": ProvinceAggregate.objects.filter(period=period).first(),
        "indicators": list(period.form.indicators.all()),
        "reopen_form": ReopenForm(),
        "is_open": period.is_open(),
    }
    return render(request, "reporting/period.html", context)


@role_required(*permissions.READER_ROLES)
@require_POST
def period_reopen(request, period_id):
    period = selectors.period_for(request.user, period_id)
    if period is None or not permissions.may_review(request.user, period.form):
        raise Http404
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.period_reopen(
                actor=request.user, period=period, reason=form.cleaned_data["reason"], until=form.cleaned_data["until"]
            )
        except ServiceError as e:
            apply_to_form(form, e)
        else:
            messages.success(request, _("Đã mở lại kỳ báo cáo."))
            return redirect("reporting:period", period_id=period.pk)
    context = {
        "period": period,
        "rows": selectors.period_overview(period),
        "aggregate": ProvinceAggregate.objects.filter(period=period).first(),
        "indicators": list(period.form.indicators.all()),
        "reopen_form": form,
        "is_open": period.is_open(),
    }
    return render(request, "reporting/period.html", context, status=400)


@role_required(*permissions.READER_ROLES)
def report_detail(request, pk):
    report = selectors.report_for(request.user, pk)
    if report is None:
        raise Http404
    context = {
        "report": report,
        "period": report.period,
        "rows": [(i, report.values.get(i.code)) for i in report.period.form.indicators.all()],
        "may_review": permissions.may_review(request.user, report.period.form),
        "return_form": ReturnForm(),
    }
    return render(request, "reporting/report.html", context)


def _reviewed(request, pk) -> Report:
    report = selectors.report_for(request.user, pk)
    if report is None or not permissions.may_review(request.user, report.period.form):
        raise Http404
    return report


@role_required(*permissions.READER_ROLES)
@require_POST
def report_accept(request, pk):
    report = _reviewed(request, pk)
    try:
        services.report_accept(actor=request.user, report=report)
    except ServiceError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("Đã duyệt báo cáo."))
    return redirect("reporting:report", pk=report.pk)


@role_required(*permissions.READER_ROLES)
@require_POST
def report_return(request, pk):
    report = _reviewed(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.report_return(actor=request.user, report=report, reason=form.cleaned_data["reason"])
        except ServiceError as e:
            apply_to_form(form, e)
        else:
            messages.success(request, _("Đã trả lại báo cáo để đơn vị sửa."))
            return redirect("reporting:report", pk=report.pk)
    context = {
        "report": report,
        "period": report.period,
        "rows": [(i, report.values.get(i.code)) for i in report.period.form.indicators.all()],
        "may_review": True,
        "return_form": form,
    }
    return render(request, "reporting/report.html", context, status=400)


@role_required(*permissions.READER_ROLES)
def report_xlsx(request, pk):
    report = selectors.report_for(request.user, pk)
    if report is None:
        raise Http404
    response = HttpResponse(exports.report_xlsx(report), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{report.pk}.xlsx"'
    return response


@role_required(*permissions.READER_ROLES)
def period_xlsx(request, period_id):
    period = selectors.period_for(request.user, period_id)
    if period is None:
        raise Http404
    reports = selectors.reports_for(request.user, period).order_by("agency__name")
    aggregate = (
        ProvinceAggregate.objects.filter(period=period).first()
        if permissions.may_review(request.user, period.form)
        else None
    )
    response = HttpResponse(exports.period_xlsx(period, reports, aggregate), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ky-bao-cao-{period.pk}.xlsx"'
    return response
