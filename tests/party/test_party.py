"""Resolution tasks: reported by their owner agency only, the state machine, the computed status,
the history-based indicators, the pages per persona, the reminders and the demo."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.agencies.models import Agency
from core.audit.models import AuditLog
from core.indicators import registry
from core.indicators.registry import LOCAL
from party import services
from party.models import KeyTask, KeyTaskUpdate, PartyDocument, PartyOrganisation
from party.services.documents import document_record
from tests.government.conftest import pdf_bytes

pytestmark = pytest.mark.django_db

PDF = pdf_bytes()


@pytest.fixture
def resolution():
    return document_record(
        organisation=PartyOrganisation.objects.get(code="tinh-uy"),
        kind="nghi_quyet",
        sequence=49,
        number="49-NQ/TU",
        title="Về chuyển đổi số",
        issued_on=dt.date(2021, 9, 28),
    )


@pytest.fixture
def task(resolution):
    return KeyTask.objects.create(
        document=resolution,
        code="NV-01",
        title="IOC",
        owner=Agency.objects.get(code="so-khcn"),
        start_on=dt.date(2026, 1, 1),
        deadline=dt.date(2026, 12, 31),
        target="IOC vận hành",
    )


def test_progress_reports_move_the_task_through_its_states(task, department_official):
    report = services.key_task_report_progress
    report(task=task, actor=department_official, progress=40, note="Đã lắp đặt", reported_on=dt.date(2026, 5, 1))
    task.refresh_from_db()
    assert (task.status, task.progress, task.last_reported_on) == ("in_progress", 40, dt.date(2026, 5, 1))
    report(task=task, actor=department_official, progress=40, note="Đã lắp đặt", reported_on=dt.date(2026, 5, 1))
    assert KeyTaskUpdate.objects.filter(task=task).count() == 1  # same report twice: recorded once
    # A periodic report without progress is still a report (it answers the reporting period).
    report(task=task, actor=department_official, progress=40, note="Chờ thiết bị", reported_on=dt.date(2026, 6, 1))
    assert KeyTaskUpdate.objects.filter(task=task).count() == 2
    report(task=task, actor=department_official, progress=100, note="Xong", reported_on=dt.date(2026, 9, 1))
    task.refresh_from_db()
    assert (task.status, task.completed_on) == ("done", dt.date(2026, 9, 1))
    with pytest.raises(services.PartyError):
        report(task=task, actor=department_official, progress=90)  # reopening needs a note
    report(task=task, actor=department_official, progress=90, note="Phát sinh yêu cầu mới")
    task.refresh_from_db()
    assert (task.status, task.completed_on) == ("in_progress", None)
    assert AuditLog.objects.filter(action="party.key_task.report", object_id=str(task.pk)).count() == 4
    update = KeyTaskUpdate.objects.filter(task=task).first()
    assert update.agency.code == "so-khcn" and update.reported_by == department_official


def test_only_the_owner_agency_reports(task, party_official, province_leader, sysadmin, commune_official):
    from core.errors import NotAllowedError

    for persona in (party_official, province_leader, sysadmin, commune_official):
        with pytest.raises(NotAllowedError):
            services.key_task_report_progress(task=task, actor=persona, progress=50, note="x")
    assert not KeyTaskUpdate.objects.filter(task=task).exists()


def test_on_track_indicator_reads_the_state_at_each_date(task, department_official):
    indicator = registry.get("party.resolution49.tasks_on_track_rate")
    late = registry.get("party.tasks.late_count")
    # 1 May: a third of the year gone, expects ~33%; 40% reported 1 April → on track.
    services.key_task_report_progress(
        task=task, actor=department_official, progress=40, note="a", reported_on=dt.date(2026, 4, 1)
    )

    def at(y, m, d):
        return dt.datetime(y, m, d, tzinfo=LOCAL)

    assert indicator.compute(at(2026, 4, 30), at(2026, 5, 1)) == 100.0
    assert late.compute(at(2026, 4, 30), at(2026, 5, 1)) == 0
    # 1 October: expects ~75%, still 40% → behind.
    assert indicator.compute(at(2026, 9, 30), at(2026, 10, 1)) == 0.0
    assert late.compute(at(2026, 9, 30), at(2026, 10, 1)) == 1
    # Before the task started nothing counts.
    assert indicator.compute(at(2025, 12, 30), at(2025, 12, 31)) is None


def test_pages_by_role(client, login, task, party_official, province_leader, department_official, commune_official):
    login(province_leader)
    page = client.get(reverse("party:tasks")).content.decode()
    assert "IOC" in page
    detail = client.get(reverse("party:task-detail", args=[task.pk])).content.decode()
    assert "Gửi báo cáo" not in detail and "Chỉ cơ quan chủ trì nhiệm vụ được báo cáo tiến độ." in detail
    assert client.post(reverse("party:task-detail", args=[task.pk]), {"progress": 50, "note": "x"}).status_code == 403
    # A Party official reads every task but does not report on another agency's.
    login(party_official)
    assert client.post(reverse("party:task-detail", args=[task.pk]), {"progress": 50, "note": "x"}).status_code == 403
    # The owner agency's official reports; bad input answers on its fields and keeps what was typed.
    login(department_official)
    response = client.post(reverse("party:task-detail", args=[task.pk]), {"progress": "150", "note": "Đã xong phần A"})
    assert response.status_code == 200 and "150" in response.content.decode()
    assert "Đã xong phần A" in response.content.decode()
    response = client.post(
        reverse("party:task-detail", args=[task.pk]),
        {"progress": "50", "note": "Biên bản", "files": [SimpleUploadedFile("bien-ban.txt", b"not a pdf")]},
    )
    assert response.status_code == 200 and "bien-ban.txt" in response.content.decode()
    assert not KeyTaskUpdate.objects.filter(task=task).exists()
    response = client.post(
        reverse("party:task-detail", args=[task.pk]),
        {"progress": "50", "note": "Biên bản nghiệm thu", "files": [SimpleUploadedFile("bien-ban.pdf", PDF)]},
    )
    assert response.status_code == 302
    update = KeyTaskUpdate.objects.get(task=task)
    evidence = update.evidence.get()
    assert evidence.name == "bien-ban.pdf"
    download = client.get(reverse("party:task-evidence", args=[task.pk, evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    # A commune official sees only their own agency's tasks (none here).
    login(commune_official)
    assert "IOC" not in client.get(reverse("party:tasks")).content.decode()
    assert client.get(reverse("party:task-detail", args=[task.pk])).status_code == 404
    assert client.get(reverse("party:task-evidence", args=[task.pk, evidence.pk])).status_code == 404


def test_rollup_by_resolution_and_agency(client, login, task, province_leader):
    login(province_leader)
    page = client.get(reverse("party:task-rollup")).content.decode()
    assert "49-NQ/TU" in page and "Sở Khoa học và Công nghệ" in page


def test_reminders_before_deadline_and_when_overdue_are_sent_once(task, department_official, celery_eager):
    from core.notifications.models import Notification
    from party.tasks import remind_key_tasks

    # 26 December: deadline in 5 days and no report since the start → two reminders.
    assert remind_key_tasks(on="2026-12-26") == 2
    assert remind_key_tasks(on="2026-12-26") == 2  # a second beat the same day sends nothing new
    rows = Notification.objects.filter(event="party.key_task.reminder", recipient=department_official)
    assert rows.count() == 2
    subjects = sorted(rows.values_list("subject", flat=True))
    assert any("sắp đến hạn" in s for s in subjects) and any("chưa có báo cáo" in s for s in subjects)
    services.key_task_report_progress(task=task, actor=department_official, progress=100, note="Xong")
    assert remind_key_tasks(on="2027-01-05") == 0  # done: no more reminders


def test_demo_is_idempotent():
    from party.demo import generate

    generate(scale="small", log=lambda m: None)
    generate(scale="small", log=lambda m: None)
    assert KeyTask.objects.count() == 30
    assert PartyDocument.objects.filter(number="49-NQ/TU").count() == 1


def test_demo_has_committees_at_every_level():
    from party.demo import generate
    from party.models import SteeringCommittee

    generate(scale="small", log=lambda m: None)
    levels = set(SteeringCommittee.objects.values_list("level", flat=True))
    assert levels == {"province", "commune", "village"}
