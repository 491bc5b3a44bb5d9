"""Party agencies pillar: key-task state machine, history-based "on track" indicator, pages."""

import datetime as dt

import pytest
from django.urls import reverse

from core.agencies.models import Agency
from core.audit.models import AuditLog
from core.indicators import registry
from core.indicators.targets import LOCAL
from party import services
from party.models import KeyTask, KeyTaskUpdate, PartyDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def task():
    doc = PartyDocument.objects.create(
        number="49-NQ/TU",
        kind="nghi_quyet",
        title="Về chuyển đổi số",
        issued_on=dt.date(2021, 9, 28),
        issuer=Agency.objects.get(code="tinh-uy"),
    )
    return KeyTask.objects.create(
        document=doc,
        code="NV-01",
        title="IOC",
        owner=Agency.objects.get(code="so-khcn"),
        start_on=dt.date(2026, 1, 1),
        deadline=dt.date(2026, 12, 31),
    )


def test_progress_reports_move_the_task_through_its_states(task, party_official):
    services.key_task_report_progress(task=task, actor=party_official, progress=40, reported_on=dt.date(2026, 5, 1))
    task.refresh_from_db()
    assert (task.status, task.progress) == ("in_progress", 40)
    services.key_task_report_progress(task=task, actor=party_official, progress=40, reported_on=dt.date(2026, 5, 1))
    assert KeyTaskUpdate.objects.filter(task=task).count() == 1  # same report twice: nothing new
    services.key_task_report_progress(task=task, actor=party_official, progress=100, reported_on=dt.date(2026, 9, 1))
    task.refresh_from_db()
    assert (task.status, task.completed_on) == ("done", dt.date(2026, 9, 1))
    with pytest.raises(services.PartyError):
        services.key_task_report_progress(task=task, actor=party_official, progress=90)  # reopening needs a note
    services.key_task_report_progress(task=task, actor=party_official, progress=90, note="Phát sinh yêu cầu mới")
    task.refresh_from_db()
    assert (task.status, task.completed_on) == ("in_progress", None)
    assert AuditLog.objects.filter(action="party.key_task.report", object_id=str(task.pk)).count() == 3


def test_on_track_indicator_reads_the_state_at_each_date(task, party_official):
    indicator = registry.get("party.resolution49.tasks_on_track_rate")
    # 1 May: a third of the year gone, expects ~33%; 40% reported 1 April → on track.
    services.key_task_report_progress(task=task, actor=party_official, progress=40, reported_on=dt.date(2026, 4, 1))

    def at(y, m, d):
        return dt.datetime(y, m, d, tzinfo=LOCAL)

    assert indicator.compute(at(2026, 4, 30), at(2026, 5, 1)) == 100.0
    # 1 October: expects ~75%, still 40% → behind.
    assert indicator.compute(at(2026, 9, 30), at(2026, 10, 1)) == 0.0
    # Before the task started nothing counts.
    assert indicator.compute(at(2025, 12, 30), at(2025, 12, 31)) is None


def test_pages_by_role(client, login, task, party_official, province_leader, commune_official):
    login(province_leader)
    page = client.get(reverse("party:tasks")).content.decode()
    assert ("IOC" in page and "Chậm tiến độ" in page) or "Đúng tiến độ" in page
    assert "Báo cáo tiến độ" not in client.get(reverse("party:task-detail", args=[task.pk])).content.decode()
    assert client.post(reverse("party:task-detail", args=[task.pk]), {"progress": 50}).status_code == 403
    login(party_official)
    response = client.post(reverse("party:task-detail", args=[task.pk]), {"progress": "150"})
    assert response.status_code == 200 and "150" in response.content.decode()
    assert client.post(reverse("party:task-detail", args=[task.pk]), {"progress": "50"}).status_code == 302
    login(commune_official)
    assert client.get(reverse("party:tasks")).status_code == 403


def test_demo_is_idempotent():
    from party.demo import generate

    generate(scale="small", log=lambda m: None)
    generate(scale="small", log=lambda m: None)
    assert KeyTask.objects.count() == 30
    assert PartyDocument.objects.filter(number="49-NQ/TU").count() == 1
