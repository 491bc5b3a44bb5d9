"""Incoming documents from registration by the clerk to closure, with who may do what."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from core.audit.models import AuditLog
from core.errors import ConflictError, InvalidTransitionError, NotAllowedError, ServiceError
from government.documents import selectors, services
from government.documents.models import Status
from tests.documents.conftest import pdf_upload, registered

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]


def test_registration_to_closure(clerk, leader, department_official):
    d = registered(clerk)
    assert d.status == Status.REGISTERED and d.arrival_number == 1 and d.files.get().is_main
    second = registered(clerk, number_symbol="126/UBND-KT")
    assert second.arrival_number == 2
    deadline = timezone.localdate() + dt.timedelta(days=5)
    services.document_assign(
        document=d,
        actor=leader,
        handler_id=department_official.pk,
        handling_unit="Phòng Quản lý công nghệ",
        deadline=deadline,
        direction_note="Giao phòng QLCN chủ trì, báo cáo trước ngày 30",
    )
    d.refresh_from_db()
    assert d.status == Status.ASSIGNED and d.handler == department_official and d.direction_by == leader
    with pytest.raises(NotAllowedError):
        services.document_start(document=d, actor=clerk)
    services.document_start(document=d, actor=department_official)
    services.document_report(document=d, actor=department_official, result_note="Đã tham mưu văn bản trả lời")
    with pytest.raises(NotAllowedError):
        services.document_close(document=d, actor=department_official)
    services.document_close(document=d, actor=clerk)
    d.refresh_from_db()
    assert d.status == Status.CLOSED and d.closed_at is not None
    verbs = list(d.events.values_list("verb", flat=True))
    assert verbs == ["register", "assign", "start", "report", "close"]
    assert AuditLog.objects.filter(object_type="documents.document", object_id=str(d.pk)).count() == 5
    with pytest.raises(InvalidTransitionError):
        services.document_start(document=d, actor=department_official)


def test_only_the_clerk_registers_and_only_a_leader_assigns(clerk, leader, department_official):
    with pytest.raises(NotAllowedError):
        registered(department_official)
    d = registered(clerk)
    with pytest.raises(NotAllowedError):
        services.document_assign(
            document=d, actor=clerk, handler_id=department_official.pk, handling_unit="P", deadline=None
        )


def test_bad_input_is_refused_field_by_field(clerk, leader, commune_clerk):
    with pytest.raises(ServiceError) as refused:
        registered(clerk, number_symbol=" ", issued_on=timezone.localdate() + dt.timedelta(days=1))
    assert set(refused.value.errors) == {"number_symbol", "issued_on"}
    d = registered(clerk)
    with pytest.raises(ServiceError) as refused:
        services.document_assign(
            document=d,
            actor=leader,
            handler_id=commune_clerk.pk,  # works at another agency
            handling_unit="",
            deadline=timezone.localdate() - dt.timedelta(days=1),
        )
    assert "handler" in refused.value.errors


def test_the_same_document_twice(clerk, department_official, dept):
    from tests.conftest import make_user

    first = registered(clerk)
    assert registered(clerk).pk == first.pk  # a double submit: the first registration, no new number
    other_clerk = make_user("vanthu2@langson.gov.vn", roles=["department_official", "document_clerk"], agency=dept)
    with pytest.raises(ConflictError) as refused:
        registered(other_clerk)
    assert "số đến 1" in refused.value.errors["number_symbol"][0]
    assert registered(clerk, number_symbol="999/UBND-KT").arrival_number == 2  # the number was given back


def test_overdue_is_flagged(clerk, leader, department_official):
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        d = registered(clerk)
        services.document_assign(
            document=d,
            actor=leader,
            handler_id=department_official.pk,
            handling_unit="Văn phòng",
            deadline=dt.date(2026, 12, 3),
        )
        d.refresh_from_db()
        assert not d.is_overdue
    with time_machine.travel(dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC), tick=False):
        d.refresh_from_db()
        assert d.is_overdue
        assert list(selectors.search(leader, overdue=True)) == [d]
        assert selectors.inbox_counts(leader)["overdue"] == 1


def test_who_sees_what(clerk, leader, department_official, commune_clerk, commune_leader):
    ordinary = registered(clerk)
    secret = registered(clerk, number_symbol="01/MẬT", confidentiality="confidential", abstract="Tài liệu mật")
    assert set(selectors.visible_documents(department_official)) == {ordinary}
    assert set(selectors.visible_documents(leader)) == {ordinary, secret}
    # Another agency sees neither, until one is addressed to someone there (a task from it).
    assert not selectors.visible_documents(commune_clerk).exists()
    assert selectors.document_for(commune_leader, ordinary.uid) is None
    # Addressed: the handler of the confidential document reads it.
    services.document_assign(
        document=secret,
        actor=leader,
        handler_id=department_official.pk,
        handling_unit="Văn phòng",
        deadline=timezone.localdate(),
    )
    assert selectors.document_for(department_official, secret.uid) is not None


def test_a_task_from_a_document_is_reported_and_reminded_once_a_day(clerk, leader, department_official):
    from core.notifications.models import Notification
    from government.documents.models import Task

    d = registered(clerk)
    today = timezone.localdate()
    t = services.task_assign(
        actor=leader,
        assignee_id=department_official.pk,
        title="Tổng hợp số liệu chuyển đổi số quý IV",
        deadline=today + dt.timedelta(days=1),
        document=d,
    )
    assert services.reminders_send(today=today) == 1
    assert services.reminders_send(today=today) == 1  # counted again, but nothing sent twice
    assert Notification.objects.filter(event="documents.task.reminder", recipient=department_official).count() == 1
    services.task_progress(task=t, actor=department_official, progress=40, note="Đã có số liệu 30 xã")
    with pytest.raises(ServiceError):
        services.task_progress(task=t, actor=department_official, progress=20)
    services.task_progress(task=t, actor=department_official, progress=100)
    t.refresh_from_db()
    assert t.status == Task.Status.DONE and t.completed_at is not None
    with pytest.raises(NotAllowedError):
        services.task_cancel(task=t, actor=department_official, reason="x")


def test_reminders_link_the_work_and_tell_the_assigner_once_when_it_is_late(clerk, leader, department_official):
    """The assignee's reminder names the document and links the task; the handler's links the document;
    the leader who gave the task hears once, not every morning, that it went past its deadline;
    a deactivated official is not written to."""
    from django.conf import settings
    from django.urls import reverse

    from core.notifications.models import Notification
    from government.documents.models import Document, Task

    site = settings.SITE_URL.rstrip("/")
    today = timezone.localdate()
    d = registered(clerk, deadline=today)
    services.document_assign(
        document=d, actor=leader, handler_id=department_official.pk, handling_unit="Phòng KHTC", deadline=today
    )
    t = services.task_assign(
        actor=leader, assignee_id=department_official.pk, title="Tổng hợp số liệu", deadline=today, document=d
    )
    own = services.task_assign(actor=leader, assignee_id=leader.pk, title="Việc tự giao", deadline=today, document=d)
    Task.objects.filter(pk__in=[t.pk, own.pk]).update(deadline=today - dt.timedelta(days=2))
    Document.objects.filter(pk=d.pk).update(deadline=today - dt.timedelta(days=1))

    services.reminders_send(today=today)
    mine = Notification.objects.get(event="documents.task.reminder", recipient=department_official)
    assert mine.subject == "Công việc quá hạn: Tổng hợp số liệu"
    assert "Từ văn bản: 125/UBND-KT" in mine.body and f"{site}{reverse('documents:task', args=[t.uid])}" in mine.body
    late_doc = Notification.objects.get(event="documents.document.overdue", recipient=department_official)
    assert f"{site}{reverse('documents:detail', args=[d.uid])}" in late_doc.body
    told = Notification.objects.filter(event="documents.task.overdue_to_assigner", recipient=leader)
    assert [n.subject for n in told] == ["Công việc bạn giao đã quá hạn: Tổng hợp số liệu"]  # not for their own
    assert "Người thực hiện: Chu Văn Sở" in told[0].body

    # The next morning the assignee is reminded again, the leader is not told again.
    services.reminders_send(today=today + dt.timedelta(days=1))
    assert Notification.objects.filter(event="documents.task.reminder", recipient=department_official).count() == 2
    assert Notification.objects.filter(event="documents.task.overdue_to_assigner").count() == 1

    # Someone who left is not written to.
    department_official.is_active = False
    department_official.save(update_fields=["is_active"])
    services.reminders_send(today=today + dt.timedelta(days=2))
    # two mornings of one task and one document, nothing on the third
    assert Notification.objects.filter(recipient=department_official).count() == 4


def test_register_with_an_attachment_that_is_not_what_it_claims(clerk, login):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    c = login(clerk)
    response = c.post(
        reverse("documents:incoming-new"),
        {
            "doc_type": "CV",
            "number_symbol": "77/SYT-KHTC",
            "issued_on": "2026-11-20",
            "issuing_body": "Sở Y tế",
            "abstract": "Về tiêm chủng",
            "urgency": "normal",
            "confidentiality": "normal",
            "main_file": SimpleUploadedFile("a.pdf", b"not a pdf at all", content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nội dung tệp không phải định dạng được chấp nhận" in body
    assert 'value="77/SYT-KHTC"' in body  # what was typed is kept
    ok = c.post(
        reverse("documents:incoming-new"),
        {
            "doc_type": "CV",
            "number_symbol": "77/SYT-KHTC",
            "issued_on": "2026-11-20",
            "issuing_body": "Sở Y tế",
            "abstract": "Về tiêm chủng",
            "urgency": "normal",
            "confidentiality": "normal",
            "main_file": pdf_upload(),
        },
    )
    assert ok.status_code == 302
