"""Writes of periodic reporting: periods opened and locked, reports saved, submitted, accepted and
returned, locked periods reopened, the province's aggregate computed. One transaction each, the
report row locked, every state change audited (ADR 1602).

The report's state machine:  draft --submit--> submitted --accept--> accepted
                                                submitted --return--> returned --submit--> submitted
A draft is saved and submitted only while its period is open (before the deadline, or during a
reopening); a returned report may be corrected and resubmitted after the lock, since the return
itself asks for it."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import ConflictError, InvalidTransitionError, NotAllowedError, ServiceError
from government.reporting import permissions
from government.reporting.models import (
    Frequency,
    ProvinceAggregate,
    Report,
    ReportForm,
    ReportIndicator,
    ReportPeriod,
)

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_REOPEN_DAYS = 30
MAX_TEXT = 2000
MAX_NUMBER = Decimal("1e15")


# --- periods ----------------------------------------------------------------------------------------


def period_bounds(frequency: str, year: int, number: int) -> tuple[date, date]:
    if frequency == Frequency.MONTHLY:
        return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])
    if frequency == Frequency.QUARTERLY:
        first = 3 * number - 2
        return date(year, first, 1), date(year, first + 2, calendar.monthrange(year, first + 2)[1])
    return date(year, 1, 1), date(year, 12, 31)


def period_number_of(frequency: str, day: date) -> tuple[int, int]:
    if frequency == Frequency.MONTHLY:
        return day.year, day.month
    if frequency == Frequency.QUARTERLY:
        return day.year, (day.month - 1) // 3 + 1
    return day.year, 1


def _deadline(form: ReportForm, ends_on: date) -> datetime:
    # Due at the end of the due day, local time: accepted while now < the next midnight.
    return datetime.combine(ends_on + timedelta(days=form.due_days + 1), time.min, tzinfo=LOCAL)


def period_get_or_create(*, form: ReportForm, year: int, number: int) -> ReportPeriod:
    """The period of `form` numbered (year, number); created with its dates and deadline if new.
    Idempotent (the unique constraint settles two creators)."""
    starts_on, ends_on = period_bounds(form.frequency, year, number)
    try:
        with transaction.atomic():
            period, _created = ReportPeriod.objects.get_or_create(
                form=form,
                year=year,
                number=number,
                defaults={"starts_on": starts_on, "ends_on": ends_on, "deadline": _deadline(form, ends_on)},
            )
    except IntegrityError:
        period = ReportPeriod.objects.get(form=form, year=year, number=number)
    return period


def periods_ensure(*, today: date | None = None) -> int:
    """Create the period just ended (the one being reported now) and the current one of every
    active form. Idempotent; returns how many periods exist for those dates."""
    today = today or timezone.localdate()
    count = 0
    for form in ReportForm.objects.filter(is_active=True):
        year, number = period_number_of(form.frequency, today)
        starts_on, _end = period_bounds(form.frequency, year, number)
        prev_year, prev_number = period_number_of(form.frequency, starts_on - timedelta(days=1))
        for y, n in ((prev_year, prev_number), (year, number)):
            period_get_or_create(form=form, year=y, number=n)
            count += 1
    return count


def periods_lock_expired(*, now: datetime | None = None) -> list[int]:
    """Record the lock of every period past its deadline (and past any reopening). Idempotent:
    a locked period is not locked again. Returns the ids locked now."""
    now = now or timezone.now()
    locked = []
    candidates = ReportPeriod.objects.filter(locked_at=None, deadline__lte=now).exclude(reopened_until__gt=now)
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            period = ReportPeriod.objects.select_for_update().select_related("form").get(pk=pk)
            if period.locked_at is not None or period.is_open(now):
                continue
            period.locked_at = now
            period.save(update_fields=["locked_at"])
            audit_record(
                actor=None,
                action="reporting.period.lock",
                obj=period,
                after={"locked_at": now.isoformat()},
                actor_label="system",
            )
            locked.append(pk)
    return locked


def period_reopen(*, actor, period: ReportPeriod, reason: str, until: datetime) -> ReportPeriod:
    """The province reopens a locked (or past-deadline) period until `until`, with a reason.
    Raises NotAllowedError, ServiceError (fields `reason`, `until`). Audited with the reason."""
    if not permissions.may_review(actor, period.form):
        raise NotAllowedError(_("Chỉ cơ quan tổng hợp hoặc lãnh đạo tỉnh được mở lại kỳ báo cáo."))
    reason = (reason or "").strip()
    now = timezone.now()
    errors = {}
    if len(reason) < 10:
        errors["reason"] = _("Nêu lý do mở lại kỳ báo cáo (ít nhất 10 ký tự).")
    if until is None or until <= now:
        errors["until"] = _("Thời hạn mở lại phải sau thời điểm hiện tại.")
    elif until > now + timedelta(days=MAX_REOPEN_DAYS):
        errors["until"] = _("Chỉ mở lại tối đa %(n)s ngày.") % {"n": MAX_REOPEN_DAYS}
    if errors:
        raise ServiceError(_("Chưa mở lại được kỳ báo cáo."), errors=errors)
    with transaction.atomic():
        locked = ReportPeriod.objects.select_for_update().select_related("form").get(pk=period.pk)
        if locked.is_open(now) and locked.reopened_until is None:
            raise InvalidTransitionError(_("Kỳ báo cáo vẫn còn trong hạn nộp, không cần mở lại."))
        before = {
            "locked_at": locked.locked_at.isoformat() if locked.locked_at else None,
            "reopened_until": locked.reopened_until.isoformat() if locked.reopened_until else None,
        }
        locked.locked_at = None
        locked.reopened_until = until
        locked.save(update_fields=["locked_at", "reopened_until"])
        audit_record(
            actor=actor,
            action="reporting.period.reopen",
            obj=locked,
            before=before,
            after={"reopened_until": until.isoformat(), "reason": reason},
        )
    return locked


# --- values -----------------------------------------------------------------------------------------


def clean_value(indicator: ReportIndicator, raw) -> tuple[object, str | None]:
    """(value, error message) for one typed-in value; blank gives (None, None)."""
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return None, None
    if indicator.kind == ReportIndicator.Kind.TEXT:
        if len(text) > MAX_TEXT:
            return None, _("Tối đa %(n)s ký tự.") % {"n": MAX_TEXT}
        return text, None
    if indicator.kind == ReportIndicator.Kind.CHOICE:
        if text not in (indicator.choices or []):
            return None, _("Chọn một trong các giá trị cho phép.")
        return text, None
    normalised = _normalise_number(text)
    try:
        number = Decimal(normalised)
    except InvalidOperation:
        return None, _("Nhập một số.")
    if not number.is_finite() or abs(number) >= MAX_NUMBER:
        return None, _("Số quá lớn.")
    if indicator.kind == ReportIndicator.Kind.INTEGER and number != number.to_integral_value():
        return None, _("Nhập một số nguyên.")
    if indicator.kind == ReportIndicator.Kind.PERCENT and not Decimal(0) <= number <= Decimal(100):
        return None, _("Tỷ lệ phải từ 0 đến 100.")
    if indicator.min_value is not None and number < indicator.min_value:
        return None, _("Không được nhỏ hơn %(v)s.") % {"v": _plain(indicator.min_value)}
    if indicator.max_value is not None and number > indicator.max_value:
        return None, _("Không được lớn hơn %(v)s.") % {"v": _plain(indicator.max_value)}
    if indicator.kind == ReportIndicator.Kind.INTEGER:
        return int(number), None
    return float(number), None


def _normalise_number(text: str) -> str:
    """Numbers as people type them: in Vietnamese "1.250" is one thousand two hundred and fifty and
    "85,5" is eighty-five and a half; in English "1,250" and "85.5". A plain "85.5" is accepted in
    both. Grouping is recognised only in groups of three digits."""
    text = text.replace(" ", "").replace("\u00a0", "")
    group, decimal = (",", ".") if (get_language() or "vi").startswith("en") else (".", ",")
    if re.fullmatch(rf"[+-]?\d{{1,3}}(\{group}\d{{3}})+(\{decimal}\d+)?", text):
        return text.replace(group, "").replace(decimal, ".")
    return text.replace(",", ".") if decimal == "," else text


def REQUIRED_MESSAGE() -> str:  # noqa: N802 - one message for the form and the service
    return _("Chỉ tiêu này bắt buộc.")


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def values_clean(*, form: ReportForm, raw: dict, require_all: bool) -> dict:
    """Every indicator's value, typed. Raises ServiceError with one message per bad field (field
    name = indicator code)."""
    values, errors = {}, {}
    for indicator in form.indicators.all():
        value, error = clean_value(indicator, raw.get(indicator.code))
        if error:
            errors[indicator.code] = error
        elif value is None and indicator.required and require_all:
            errors[indicator.code] = REQUIRED_MESSAGE()
        elif value is not None:
            values[indicator.code] = value
    if errors:
        raise ServiceError(_("Số liệu báo cáo chưa hợp lệ: xem các ô được đánh dấu."), errors=errors)
    return values


# --- reports ----------------------------------------------------------------------------------------


def report_save(
    *, actor, period: ReportPeriod, values: dict, note: str = "", version: int | None = None, submit: bool = False
) -> Report:
    """Save the actor's unit's report of `period` (created on first save) and, with `submit`,
    submit it. Raises NotAllowedError (not a submitter of this form), InvalidTransitionError (the
    period is locked, or the report is submitted or accepted), ConflictError (someone saved it
    since the form was opened: `version`), ServiceError with one error per bad value."""
    form = period.form
    if not permissions.may_submit(actor, form):
        raise NotAllowedError(_("Đơn vị của bạn không thuộc diện báo cáo biểu mẫu này."))
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise ServiceError(errors={"note": _("Tối đa %(n)s ký tự.") % {"n": MAX_TEXT}})
    clean = values_clean(form=form, raw=values, require_all=submit)
    now = timezone.now()
    with transaction.atomic():
        Report.objects.get_or_create(period=period, agency_id=actor.agency_id)
        report = (
            Report.objects.select_for_update()
            .select_related("period__form")
            .get(period=period, agency_id=actor.agency_id)
        )
        if report.status in (Report.Status.SUBMITTED, Report.Status.ACCEPTED):
            raise InvalidTransitionError(_("Báo cáo đã nộp; chỉ sửa được khi bị trả lại."))
        if report.status == Report.Status.DRAFT and not report.period.is_open(now):
            raise InvalidTransitionError(
                _("Kỳ báo cáo đã khóa từ %(t)s; đề nghị cơ quan tổng hợp mở lại.")
                % {"t": timezone.localtime(report.period.deadline).strftime("%d/%m/%Y %H:%M")}
            )
        if version is not None and report.version != version:
            raise ConflictError(_("Báo cáo vừa được người khác lưu; tải lại trang để xem bản mới nhất."))
        before = {"status": report.status, "values": report.values}
        report.values = clean
        report.note = note
        report.version += 1
        if submit:
            report.status = Report.Status.SUBMITTED
            report.submitted_at = now
            report.submitted_by = actor
            if report.first_submitted_at is None:
                report.first_submitted_at = now
                report.on_time = now < report.period.deadline
        report.save()
        audit_record(
            actor=actor,
            action="reporting.report.submit" if submit else "reporting.report.save",
            obj=report,
            before=before,
            after={"status": report.status, "values": report.values, "on_time": report.on_time},
            agency=report.agency_id,
        )
    return report


def report_accept(*, actor, report: Report) -> Report:
    """Accept a submitted report; the province's aggregate of its period is recomputed."""
    from government.reporting import tasks

    with transaction.atomic():
        locked = _locked_for_review(actor, report)
        if locked.status != Report.Status.SUBMITTED:
            raise InvalidTransitionError(_("Chỉ duyệt được báo cáo đã nộp và chưa duyệt."))
        locked.status = Report.Status.ACCEPTED
        locked.reviewed_at, locked.reviewed_by = timezone.now(), actor
        locked.version += 1
        locked.save()
        audit_record(
            actor=actor,
            action="reporting.report.accept",
            obj=locked,
            before={"status": Report.Status.SUBMITTED},
            after={"status": locked.status},
            agency=locked.agency_id,
        )
        transaction.on_commit(lambda: tasks.aggregate_period.delay(locked.period_id))
    return locked


def report_return(*, actor, report: Report, reason: str) -> Report:
    """Return a submitted (or accepted) report to its unit for correction, with the reason."""
    from government.reporting import tasks

    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ServiceError(errors={"reason": _("Nêu lý do trả lại để đơn vị sửa (ít nhất 5 ký tự).")})
    with transaction.atomic():
        locked = _locked_for_review(actor, report)
        if locked.status not in (Report.Status.SUBMITTED, Report.Status.ACCEPTED):
            raise InvalidTransitionError(_("Chỉ trả lại được báo cáo đã nộp."))
        was = locked.status
        locked.status = Report.Status.RETURNED
        locked.return_reason = reason[:MAX_TEXT]
        locked.reviewed_at, locked.reviewed_by = timezone.now(), actor
        locked.version += 1
        locked.save()
        audit_record(
            actor=actor,
            action="reporting.report.return",
            obj=locked,
            before={"status": was},
            after={"status": locked.status, "reason": locked.return_reason},
            agency=locked.agency_id,
        )
        if was == Report.Status.ACCEPTED:
            transaction.on_commit(lambda: tasks.aggregate_period.delay(locked.period_id))
    return locked


def _locked_for_review(actor, report: Report) -> Report:
    locked = Report.objects.select_for_update().select_related("period__form").get(pk=report.pk)
    if not permissions.may_review(actor, locked.period.form):
        raise NotAllowedError(_("Chỉ cơ quan tổng hợp hoặc lãnh đạo tỉnh được duyệt báo cáo này."))
    return locked


# --- aggregation ------------------------------------------------------------------------------------


def expected_agencies(form: ReportForm):
    from core.agencies.models import Agency

    return Agency.objects.filter(kind=permissions.SUBMITTER_AGENCY_KIND[form.submitters], is_active=True)


def aggregate_compute(*, period_id: int) -> ProvinceAggregate | None:
    """Compute the province's figures of one period from its accepted reports (sum or average of
    each numeric indicator, as the indicator says) and store them. Idempotent: the row is replaced
    by the same figures. None for an unknown period."""
    period = ReportPeriod.objects.select_related("form").filter(pk=period_id).first()
    if period is None:
        return None
    indicators = [i for i in period.form.indicators.all() if i.numeric and i.aggregate != "none"]
    accepted = list(
        Report.objects.filter(period=period, status=Report.Status.ACCEPTED).values_list("values", flat=True)
    )
    values = {}
    for indicator in indicators:
        numbers = [Decimal(str(v[indicator.code])) for v in accepted if v.get(indicator.code) is not None]
        if not numbers:
            continue
        total = sum(numbers, Decimal(0))
        result = total if indicator.aggregate == "sum" else total / len(numbers)
        values[indicator.code] = (
            int(result) if indicator.kind == "integer" and result == int(result) else float(round(result, 4))
        )
    with transaction.atomic():
        aggregate, _created = ProvinceAggregate.objects.update_or_create(
            period=period,
            defaults={
                "values": values,
                "reports_accepted": len(accepted),
                "reports_expected": expected_agencies(period.form).count(),
                "computed_at": timezone.now(),
            },
        )
    return aggregate
