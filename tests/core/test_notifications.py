import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.notifications.backends import DeliveryError
from core.notifications.models import Notification
from core.notifications.services import MAX_ATTEMPTS, notification_deliver, notify

pytestmark = pytest.mark.django_db


class FailingSMS:
    calls = 0

    def send(self, notification):
        FailingSMS.calls += 1
        raise ConnectionError("gateway down")


class RefusingSMS:
    def send(self, notification):
        raise DeliveryError("number refused", permanent=True)


@pytest.fixture(autouse=True)
def eager(settings, tmp_path, celery_eager):
    """Tasks run in-process (the real worker is exercised in test_health.py); SMS to a temp outbox."""
    settings.PORTAL_SMS_FILE_PATH = tmp_path / "sms"
    settings.PORTAL_SMS_BACKEND = "core.notifications.backends.FileSMSBackend"


@pytest.fixture
def no_propagation():
    from lang_son_portal.celery import app

    # Eager retries run only when Retry is not propagated out of apply().
    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


def _sms_lines(settings) -> list[dict]:
    return [json.loads(line) for f in settings.PORTAL_SMS_FILE_PATH.glob("*.jsonl") for line in f.open()]


def test_notify_user_sends_email_and_sms_after_commit(citizen, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        records = notify(
            event="government.dossier.received", subject="Hồ sơ đã tiếp nhận", body="Mã hồ sơ 001", user=citizen
        )
    assert {(n.channel, n.address) for n in records} == {("email", citizen.email), ("sms", "0912345678")}
    assert all(n.recipient == citizen for n in records)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [citizen.email] and mail.outbox[0].subject == "Hồ sơ đã tiếp nhận"
    assert [(m["to"], m["body"]) for m in _sms_lines(settings)] == [("0912345678", "Mã hồ sơ 001")]
    for n in Notification.objects.all():
        assert n.status == "sent" and n.attempts == 1 and n.sent_at is not None


def test_explicit_addresses_and_channels(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        records = notify(event="x", subject="s", body="b", user=citizen, email="other@example.vn", channels=("email",))
    assert [(n.channel, n.address) for n in records] == [("email", "other@example.vn")]
    assert mail.outbox[0].to == ["other@example.vn"]


def test_channels_without_an_address_are_skipped(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        records = notify(event="border.queue.called", subject="", body="Mời xe vào bãi", phone="0987654321")
    assert [n.channel for n in records] == ["sms"]
    assert notify(event="x", subject="s", body="b") == []
    with pytest.raises(ValueError):
        notify(event="x", subject="s", body="b", email="a@b.vn", channels=("fax",))


def test_same_dedupe_key_never_sends_twice(citizen, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(event="e", subject="s", body="b", user=citizen, dedupe_key="dossier-1-received")
        second = notify(event="e", subject="s", body="b", user=citizen, dedupe_key="dossier-1-received")
    assert [n.pk for n in first] == [n.pk for n in second]
    assert Notification.objects.count() == 2  # one per channel
    assert len(mail.outbox) == 1 and len(_sms_lines(settings)) == 1


def test_nothing_sent_when_the_transaction_rolls_back(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(event="e", subject="s", body="b", user=citizen)
                raise RuntimeError("the action failed")
        except RuntimeError:
            pass
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_deliver_is_idempotent(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (email,) = notify(event="e", subject="s", body="b", user=citizen, channels=("email",))
    from core.notifications.tasks import deliver

    deliver.delay(email.pk)
    deliver.delay(email.pk)
    email.refresh_from_db()
    assert email.attempts == 1 and len(mail.outbox) == 1
    assert deliver.delay(10**9).get() == "skipped"  # missing row: nothing to do, no error


def test_transient_failures_are_retried_then_failed(settings, django_capture_on_commit_callbacks, no_propagation):
    settings.PORTAL_SMS_BACKEND = "tests.core.test_notifications.FailingSMS"
    FailingSMS.calls = 0
    with django_capture_on_commit_callbacks(execute=True):
        (sms,) = notify(event="e", subject="", body="b", phone="0912345678")
    sms.refresh_from_db()
    # Eager mode runs the retries at once (a worker waits 30 s, 2 min, 8 min, ...).
    assert FailingSMS.calls == MAX_ATTEMPTS
    assert sms.status == "failed" and sms.attempts == MAX_ATTEMPTS
    assert "gateway down" in sms.last_error and sms.sent_at is None


def test_permanent_failure_is_not_retried(settings):
    settings.PORTAL_SMS_BACKEND = "tests.core.test_notifications.RefusingSMS"
    (sms,) = notify(event="e", subject="", body="b", phone="0912345678")
    outcome = notification_deliver(notification_id=sms.pk)
    assert outcome.status == "failed" and not outcome.retry
    sms.refresh_from_db()
    assert sms.attempts == 1 and "number refused" in sms.last_error


def test_requeue_stale_sends_lost_messages(citizen):
    # Recorded without its task ever running (e.g. the broker was down at commit time).
    (email,) = notify(event="e", subject="s", body="b", user=citizen, channels=("email",))
    from core.notifications.tasks import requeue_stale

    assert requeue_stale.delay().get() == 0  # too recent to be called lost
    Notification.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(minutes=30))
    assert requeue_stale.delay().get() == 1
    email.refresh_from_db()
    assert email.status == "sent" and len(mail.outbox) == 1
    assert requeue_stale.delay().get() == 0


def test_broker_outage_at_commit_keeps_the_row_pending(citizen, monkeypatch, django_capture_on_commit_callbacks):
    from core.notifications import tasks

    def down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(tasks.deliver, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        (email,) = notify(event="e", subject="s", body="b", user=citizen, channels=("email",))
    email.refresh_from_db()
    assert email.status == "pending"


def test_http_gateway_backend_refuses_to_start_unconfigured(settings):
    from django.core.exceptions import ImproperlyConfigured

    from core.notifications.backends import HttpSMSGatewayBackend

    with pytest.raises(ImproperlyConfigured):
        HttpSMSGatewayBackend()
    settings.PORTAL_SMS_HTTP_URL = "https://sms.example.vn/api/v1/send"
    settings.PORTAL_SMS_HTTP_TOKEN = "t"
    settings.PORTAL_SMS_BRANDNAME = "UBNDLANGSON"
    assert HttpSMSGatewayBackend().international("0912 345 678") == "84912345678"


def test_staff_see_delivery_status_in_admin(client, sysadmin, citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(event="government.dossier.received", subject="s", body="b", user=citizen)
    client.force_login(sysadmin)
    response = client.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "government.dossier.received" in html and "0912345678" in html and "Đã gửi" in html


def test_the_gateways_post_json_and_classify_errors():
    """The SMS, Zalo and loudspeaker gateways share one HTTP call: its answer is the provider's JSON,
    a 4xx is a permanent failure (the message is refused) and a 5xx one worth retrying."""
    import http.server
    import json
    import threading

    from core.notifications.backends import DeliveryError, post_json

    seen = []

    class Provider(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            seen.append(
                (
                    self.path,
                    self.headers["Authorization"],
                    json.loads(self.rfile.read(int(self.headers["Content-Length"]))),
                )
            )
            status = {"/ok": 200, "/refused": 400, "/down": 503}[self.path]
            body = json.dumps({"message_id": "m-1"}).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        answer = post_json(
            base + "/ok", {"to": "84912345678"}, headers={"Authorization": "Bearer t"}, timeout=5, provider="sms"
        )
        assert answer == {"message_id": "m-1"} and seen[0] == ("/ok", "Bearer t", {"to": "84912345678"})
        with pytest.raises(DeliveryError) as refused:
            post_json(base + "/refused", {}, headers={}, timeout=5, provider="sms")
        assert refused.value.permanent and "sms answered 400" in str(refused.value)
        with pytest.raises(DeliveryError) as down:
            post_json(base + "/down", {}, headers={}, timeout=5, provider="zalo")
        assert not down.value.permanent
    finally:
        server.shutdown()
