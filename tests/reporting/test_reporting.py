"""Periodic reporting (government.reporting, ADR 1602): a commune files its monthly report on a
form defined as data, the collecting department returns it and accepts it after correction, the
province's figures are aggregated by a job, a period locks at its deadline and is reopened with a
reason, XLSX exports hold the figures, and every unit sees only its own reports."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.audit.models import AuditLog
from government.reporting import services, tasks
from government.reporting.indicators import on_time_rate
from government.reporting.models import ProvinceAggregate, Report, ReportForm, ReportPeriod
from tests.conftest import COMMUNE_A, _agency, make_user

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]

GOOD = {
    "ho-so-truc-tuyen": "120",
    "ty-le-truc-tuyen": "85,5",
    "to-cong-nghe": "12",
    "luot-ho-tro": "340",
    "ho-cua-hang-so": "1.250",
    "ket-noi-mang": "Tốt",
    "kho-khan": "Thiếu thiết bị đầu cuối ở thôn xa.",
}


@pytest.fixture(autouse=True)
def _eager(celery_eager):
    from django.utils import translation

    translation.activate("vi")


@pytest.fixture
def form():
    return ReportForm.objects.get(code="cds-xa-hang-thang")


def make_period(form, *, open_=True, number=10):
    period = services.period_get_or_create(form=form, year=2026, number=number)
    deadline = timezone.now() + (timedelta(days=3) if open_ else -timedelta(hours=1))
    ReportPeriod.objects.filter(pk=period.pk).update(deadline=deadline, locked_at=None, reopened_until=None)
    period.refresh_from_db()
    return period


@pytest.fixture
def reviewer(department_official):
    """department_official works at the Department of Science and Technology, which collects the form."""
    return department_official


@pytest.fixture
def other_department_official(db):
    return make_user(
        "so.yte@langson.gov.vn",
        roles=["department_official"],
        full_name="Sở Y Tế",
        agency=_agency("so-y-te"),
        totp=True,
    )


def fill(client, period, data=None, *, submit=True, version=None):
    body = dict(data or GOOD)
    if version is not None:
        body["version"] = str(version)
    body["submit" if submit else "save"] = "1"
    return client.post(reverse("reporting:fill", args=[period.pk]), body)


# --- validation -----------------------------------------------------------------------------------


def test_bad_values_are_field_errors_in_vietnamese_and_the_input_is_kept(client, login, commune_official, form):
    period = make_period(form)
    login(commune_official)
    bad = {**GOOD, "ho-so-truc-tuyen": "mười hai", "ty-le-truc-tuyen": "150", "to-cong-nghe": "2,5", "ket-noi-mang": ""}
    response = fill(client, period, bad)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["ho-so-truc-tuyen"] == ["Nhập một số."]
    assert errors["ty-le-truc-tuyen"] == ["Tỷ lệ phải từ 0 đến 100."]
    assert errors["to-cong-nghe"] == ["Nhập một số nguyên."]
    assert errors["ket-noi-mang"] == ["Chỉ tiêu này bắt buộc."]
    assert 'value="mười hai"' in response.content.decode()
    assert not Report.objects.filter(status="submitted").exists()

    # A draft may leave required values empty, not write wrong ones.
    assert fill(client, period, {"ho-so-truc-tuyen": "7"}, submit=False).status_code == 302
    report = Report.objects.get()
    assert report.status == "draft" and report.values == {"ho-so-truc-tuyen": 7}


# --- return, resubmit, accept, aggregate -------------------------------------------------------------


def test_return_and_resubmit_then_accept_and_aggregate(
    client, login, commune_official, other_commune_official, reviewer, form, django_capture_on_commit_callbacks
):
    period = make_period(form)
    login(commune_official)
    assert fill(client, period).status_code == 302
    report = Report.objects.get(agency=commune_official.agency)
    assert report.status == "submitted" and report.on_time is True and report.values["ho-cua-hang-so"] == 1250
    assert report.values["ty-le-truc-tuyen"] == 85.5
    # A double submit changes nothing.
    again = fill(client, period, version=report.version)
    assert again.status_code == 200 and "Báo cáo đã nộp" in again.content.decode()

    login(reviewer)
    short = client.post(reverse("reporting:return", args=[report.pk]), {"reason": "sai"})
    assert short.status_code == 400 and "ít nhất 5 ký tự" in short.content.decode()
    reason = "Số hộ có cửa hàng số chưa khớp số liệu của sàn."
    assert client.post(reverse("reporting:return", args=[report.pk]), {"reason": reason}).status_code == 302

    login(commune_official)
    page = client.get(reverse("reporting:fill", args=[period.pk]))
    assert reason in page.content.decode()
    report.refresh_from_db()
    assert fill(client, period, {**GOOD, "ho-cua-hang-so": "1.200"}, version=report.version).status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.values["ho-cua-hang-so"] == 1200 and report.on_time is True

    login(other_commune_official)
    assert (
        fill(
            client, period, {**GOOD, "ho-so-truc-tuyen": "30", "ty-le-truc-tuyen": "50", "ho-cua-hang-so": "800"}
        ).status_code
        == 302
    )
    other = Report.objects.get(agency=other_commune_official.agency)

    login(reviewer)
    for r in (report, other):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("reporting:accept", args=[r.pk])).status_code == 302
    aggregate = ProvinceAggregate.objects.get(period=period)
    assert aggregate.values["ho-so-truc-tuyen"] == 150
    assert aggregate.values["ho-cua-hang-so"] == 2000
    assert aggregate.values["ty-le-truc-tuyen"] == pytest.approx(67.75)
    assert "ket-noi-mang" not in aggregate.values and aggregate.reports_accepted == 2
    assert aggregate.reports_expected == 65

    # The job takes the period's id and is idempotent.
    tasks.aggregate_period.delay(period.pk)
    tasks.aggregate_period.delay(period.pk)
    assert ProvinceAggregate.objects.filter(period=period).count() == 1
    assert ProvinceAggregate.objects.get(period=period).values == aggregate.values
    actions = list(
        AuditLog.objects.filter(object_type="reporting.report", object_id=str(report.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions.count("reporting.report.submit") == 2 and "reporting.report.return" in actions


# --- lock and reopen --------------------------------------------------------------------------------


def test_a_period_locks_at_its_deadline_and_the_province_reopens_it_with_a_reason(
    client, login, commune_official, province_leader, form
):
    period = make_period(form, open_=False)
    login(commune_official)
    response = fill(client, period)
    assert response.status_code == 200 and "Kỳ báo cáo đã khóa" in response.content.decode()
    assert not Report.objects.filter(status="submitted").exists()

    assert tasks.lock_expired_periods.delay().get() >= 1
    assert tasks.lock_expired_periods.delay().get() == 0  # idempotent
    period.refresh_from_db()
    assert period.locked_at is not None
    assert AuditLog.objects.filter(action="reporting.period.lock", object_id=str(period.pk)).count() == 1

    # A commune cannot reopen; the province must give a reason.
    until = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert (
        client.post(reverse("reporting:reopen", args=[period.pk]), {"reason": "xin mở lại", "until": until}).status_code
        == 404
    )
    login(province_leader)
    short = client.post(reverse("reporting:reopen", args=[period.pk]), {"reason": "muộn", "until": until})
    assert short.status_code == 400 and "ít nhất 10 ký tự" in short.content.decode()
    assert 'value="muộn"' in short.content.decode() or "muộn</textarea>" in short.content.decode()
    reason = "Mất điện diện rộng ngày cuối hạn ở các xã biên giới."
    assert (
        client.post(reverse("reporting:reopen", args=[period.pk]), {"reason": reason, "until": until}).status_code
        == 302
    )
    period.refresh_from_db()
    assert period.locked_at is None and period.is_open()
    audit = AuditLog.objects.get(action="reporting.period.reopen", object_id=str(period.pk))
    assert audit.after["reason"] == reason and audit.actor == province_leader

    login(commune_official)
    assert fill(client, period).status_code == 302
    report = Report.objects.get()
    assert report.status == "submitted" and report.on_time is False  # after the deadline: late
    # While reopened the lock job leaves it alone.
    assert period.pk not in services.periods_lock_expired()


# --- exports ----------------------------------------------------------------------------------------


def test_exports_open_in_openpyxl_with_the_figures(
    client, login, commune_official, other_commune_official, reviewer, form, django_capture_on_commit_callbacks
):
    period = make_period(form)
    login(commune_official)
    fill(client, period)
    login(other_commune_official)
    fill(client, period, {**GOOD, "ho-so-truc-tuyen": "=SUM(A1:A9)"})  # rejected: not a number
    fill(client, period, {**GOOD, "ho-so-truc-tuyen": "30", "kho-khan": '=HYPERLINK("x")'})
    login(reviewer)
    for r in Report.objects.all():
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("reporting:accept", args=[r.pk]))

    response = client.get(reverse("reporting:period-xlsx", args=[period.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[1]
    column = header.index("Hồ sơ thủ tục hành chính tiếp nhận trực tuyến (hồ sơ)")
    by_unit = {row[0]: row for row in rows[2:]}
    assert by_unit[commune_official.agency.name][column] == 120
    assert by_unit[other_commune_official.agency.name][column] == 30
    total = next(row for row in rows if str(row[0]).startswith("Toàn tỉnh"))
    assert total[column] == 150 and total[1] == "2/65"
    # A text starting with "=" is written as text, never as a formula.
    text_column = header.index("Khó khăn, kiến nghị")
    assert by_unit[other_commune_official.agency.name][text_column].startswith("'=")

    login(commune_official)
    mine = Report.objects.get(agency=commune_official.agency)
    sheet = load_workbook(io.BytesIO(client.get(reverse("reporting:report-xlsx", args=[mine.pk])).content)).active
    values = {row[0]: row[3] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["ho-so-truc-tuyen"] == 120 and values["ho-cua-hang-so"] == 1250 and values["ty-le-truc-tuyen"] == 85.5
    # The unit's own export of the period holds its own row only.
    rows = list(
        load_workbook(
            io.BytesIO(client.get(reverse("reporting:period-xlsx", args=[period.pk])).content)
        ).active.iter_rows(values_only=True)
    )
    assert [r[0] for r in rows[2:]] == [commune_official.agency.name]


# --- access per unit --------------------------------------------------------------------------------


def test_each_unit_sees_only_its_own_reports(
    client, login, commune_official, other_commune_official, other_department_official, citizen, form
):
    period = make_period(form)
    login(commune_official)
    fill(client, period)
    mine = Report.objects.get()

    login(other_commune_official)
    assert client.get(reverse("reporting:report", args=[mine.pk])).status_code == 404
    assert client.get(reverse("reporting:report-xlsx", args=[mine.pk])).status_code == 404
    # The period overview is the collecting agency's; a commune lands on its own report.
    assert client.get(reverse("reporting:period", args=[period.pk])).url == reverse("reporting:fill", args=[period.pk])
    assert client.post(reverse("reporting:accept", args=[mine.pk])).status_code == 404

    login(other_department_official)  # a department that neither files nor collects this form
    assert client.get(reverse("reporting:period", args=[period.pk])).status_code == 404
    assert client.get(reverse("reporting:report", args=[mine.pk])).status_code == 404
    assert client.get(reverse("reporting:fill", args=[period.pk])).status_code == 404
    assert form.title not in client.get(reverse("reporting:index")).content.decode()

    login(citizen)
    assert client.get(reverse("reporting:index")).status_code == 403
    mine.refresh_from_db()
    assert mine.status == "submitted"


def test_the_on_time_rate_counts_late_and_missing_reports(client, login, commune_official, form):
    period = make_period(form)
    login(commune_official)
    fill(client, period)
    start, end = period.deadline - timedelta(days=1), period.deadline + timedelta(days=1)
    assert on_time_rate(start, end) == pytest.approx(round(100 / 65, 1))
    assert on_time_rate(start, end, commune_code=COMMUNE_A) == 100.0
    from government.reporting.indicators import on_time_by_commune

    by_commune = on_time_by_commune(start, end)
    assert by_commune[COMMUNE_A] == 100.0 and len(by_commune) == 65 and sorted(set(by_commune.values())) == [0.0, 100.0]
