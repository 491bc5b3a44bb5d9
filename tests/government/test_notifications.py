"""The applicant's notifications: recorded after the step commits by a task that takes the event's
id, once, in the applicant's language, and re-enqueued by the beat job when a message was lost."""

import datetime as dt

import pytest
from django.utils import timezone

from core.notifications.models import Notification
from government import services, tasks
from government.models import DossierEvent
from tests.government.conftest import BIRTH, HOUSEHOLD_BUSINESS, submitted

pytestmark = pytest.mark.django_db


def _owed():
    return list(DossierEvent.objects.filter(notify_pending=True).values_list("verb", flat=True))


def test_nothing_is_recorded_before_the_step_commits(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dossier = submitted(citizen, BIRTH)
    # The step itself wrote only the owed flag; the notification waits for the commit.
    assert Notification.objects.count() == 0
    assert _owed() == ["submit"]
    for callback in callbacks:
        callback()  # the commit: the task runs (eagerly in tests)
    sent = Notification.objects.filter(event="government.dossier.submit", recipient=citizen)
    assert sorted(sent.values_list("channel", flat=True)) == ["email", "sms"]
    email = sent.get(channel="email")
    assert dossier.code is not None and dossier.code in email.subject
    assert "Trạng thái: Chờ tiếp nhận" in email.body and str(dossier.uid) in email.body
    assert _owed() == []


def test_a_rolled_back_step_owes_nothing_and_enqueues_nothing(citizen, django_capture_on_commit_callbacks):
    from django.db import transaction

    from tests.government.conftest import BIRTH_DATA, draft

    dossier = draft(citizen, BIRTH, BIRTH_DATA)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.dossier_submit(dossier=dossier, actor=citizen)
            raise RuntimeError("died after the code was drawn")
    assert callbacks == [] and _owed() == [] and Notification.objects.count() == 0


def test_the_task_is_idempotent(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted(citizen, BIRTH)
    event = DossierEvent.objects.get(verb="submit")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.notify_dossier_event(event.pk) == 0  # already recorded: nothing more
        assert tasks.notify_dossier_event(10**9) == 0  # a missing event is not an error
    assert Notification.objects.filter(event="government.dossier.submit").count() == 2  # email + SMS, once


def test_a_lost_message_is_requeued_by_the_beat_job(citizen, django_capture_on_commit_callbacks):
    # The message never reached a worker (broker down at commit): the on-commit callbacks are dropped.
    with django_capture_on_commit_callbacks(execute=False):
        submitted(citizen, BIRTH)
    assert _owed() == ["submit"]
    assert tasks.requeue_dossier_notifications() == 0  # too recent: its task may still be on its way
    DossierEvent.objects.filter(verb="submit").update(at=timezone.now() - dt.timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_dossier_notifications() == 1
    assert Notification.objects.filter(event="government.dossier.submit", recipient=citizen).count() == 2
    assert _owed() == [] and tasks.requeue_dossier_notifications() == 0


def test_steps_without_a_message_owe_nothing(citizen, commune_official, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted(citizen, BIRTH)
        services.dossier_claim(dossier=dossier, actor=commune_official)
    assert DossierEvent.objects.get(verb="claim").notify_pending is False
    assert not Notification.objects.filter(event="government.dossier.claim").exists()


def test_written_in_the_applicants_language_whoever_acted(
    citizen, commune_official, django_capture_on_commit_callbacks
):
    from django.utils import translation

    citizen.preferred_language = "en"
    citizen.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted(citizen, BIRTH)
        with translation.override("vi"):  # the official works in Vietnamese
            services.dossier_reject(dossier=dossier, actor=commune_official, reason="Thiếu chữ ký")
    email = Notification.objects.get(event="government.dossier.reject", channel="email")
    assert dossier.code in email.subject and "Thiếu chữ ký" in email.body
    assert "Hồ sơ" not in email.subject  # the English catalogue, not the official's Vietnamese


def test_the_apology_message_gives_the_new_date(citizen, commune_official, django_capture_on_commit_callbacks):
    from zoneinfo import ZoneInfo

    import time_machine

    from tests.government.conftest import pay

    vn = ZoneInfo("Asia/Ho_Chi_Minh")
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=vn), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            dossier = submitted(citizen, HOUSEHOLD_BUSINESS)
            pay(dossier)  # due Thursday 3/12
    with time_machine.travel(dt.datetime(2026, 12, 4, 9, 0, tzinfo=vn), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.dossier_apologise(
                dossier=dossier, actor=commune_official, reason="Chờ xác minh", new_due_date=dt.date(2026, 12, 9)
            )
    body = Notification.objects.get(event="government.dossier.apologise", channel="email").body
    assert "09/12/2026" in body
