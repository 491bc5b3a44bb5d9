"""Reads of periodic reporting, already limited to what the user may see: a unit sees its own
reports; the collecting agency, the province's leaders and the administrators see every unit's."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from government.reporting import permissions
from government.reporting.models import Report, ReportForm, ReportPeriod
from government.reporting.services import expected_agencies


def forms_to_submit(user) -> list[ReportForm]:
    return [
        f
        for f in ReportForm.objects.filter(is_active=True).select_related("owner_agency")
        if permissions.may_submit(user, f)
    ]


def forms_to_review(user) -> list[ReportForm]:
    return [f for f in ReportForm.objects.select_related("owner_agency") if permissions.may_review(user, f)]


@dataclass
class UnitRow:
    period: ReportPeriod
    report: Report | None


def my_periods(user, *, limit: int = 24) -> list[UnitRow]:
    """The periods of the forms the user's unit files, newest first, with the unit's report."""
    forms = forms_to_submit(user)
    periods = list(ReportPeriod.objects.filter(form__in=forms).select_related("form").order_by("-deadline")[:limit])
    reports = {r.period_id: r for r in Report.objects.filter(period__in=periods, agency_id=user.agency_id)}
    return [UnitRow(p, reports.get(p.pk)) for p in periods]


def review_periods(user, *, limit: int = 36):
    forms = forms_to_review(user)
    return (
        ReportPeriod.objects.filter(form__in=forms)
        .select_related("form")
        .annotate(
            submitted=Count("reports", filter=Q(reports__status__in=["submitted", "accepted"])),
            accepted=Count("reports", filter=Q(reports__status="accepted")),
            on_time=Count("reports", filter=Q(reports__on_time=True)),
        )
        .order_by("-deadline")[:limit]
    )


def period_for(user, pk) -> ReportPeriod | None:
    period = ReportPeriod.objects.select_related("form__owner_agency").filter(pk=pk).first()
    if period is None:
        return None
    if permissions.may_review(user, period.form) or permissions.may_submit(user, period.form):
        return period
    return None


def reports_for(user, period: ReportPeriod) -> QuerySet[Report]:
    qs = Report.objects.filter(period=period).select_related("agency", "submitted_by", "reviewed_by")
    if permissions.may_review(user, period.form):
        return qs
    if permissions.may_submit(user, period.form):
        return qs.filter(agency_id=user.agency_id)
    return qs.none()


def report_for(user, pk) -> Report | None:
    report = Report.objects.select_related("period__form__owner_agency", "agency").filter(pk=pk).first()
    if report is None:
        return None
    if permissions.may_review(user, report.period.form):
        return report
    if permissions.may_submit(user, report.period.form) and report.agency_id == user.agency_id:
        return report
    return None


def period_overview(period: ReportPeriod) -> list[tuple]:
    """Every expected unit with its report (or None), for the collecting agency's page."""
    reports = {r.agency_id: r for r in Report.objects.filter(period=period)}
    return [(agency, reports.get(agency.pk)) for agency in expected_agencies(period.form).order_by("name")]
