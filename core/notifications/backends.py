"""Channel backends behind one tiny interface: `send(notification) -> str` returns the provider's
message id (or "") and raises on failure; the task records the outcome and retries.

- email: Django's email backend (settings.EMAIL_BACKEND: the file backend locally, SMTP in
  production);
- sms: the class named by settings.PORTAL_SMS_BACKEND — FileSMSBackend locally (one JSON line per
  SMS under settings.PORTAL_SMS_FILE_PATH), HttpSMSGatewayBackend for a real brandname SMS gateway.
"""

import json
import os
import threading
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    """A backend could not hand the message over; `permanent` means retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class EmailBackend:
    def send(self, notification) -> str:
        message_id = f"<{uuid.uuid4().hex}@{settings.SITE_URL.split('://')[-1].split(':')[0] or 'portal'}>"
        email = EmailMessage(
            subject=notification.subject or notification.event,
            body=notification.body,
            to=[notification.address],
            headers={"Message-ID": message_id, "X-Portal-Notification": str(notification.pk)},
        )
        sent = email.send(fail_silently=False)
        if sent != 1:
            raise DeliveryError("email backend accepted no message")
        return message_id


class BaseSMSBackend:
    def send(self, notification) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class FileSMSBackend(BaseSMSBackend):
    """Local/test SMS: appends one JSON object per line to `<PORTAL_SMS_FILE_PATH>/sms-YYYY-MM-DD.jsonl`."""

    _lock = threading.Lock()

    def send(self, notification) -> str:
        folder = Path(settings.PORTAL_SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        message_id = uuid.uuid4().hex
        line = json.dumps(
            {
                "id": message_id,
                "notification_id": notification.pk,
                "to": notification.address,
                "body": notification.body,
                "event": notification.event,
                "at": timezone.now().isoformat(),
            },
            ensure_ascii=False,
        )
        path = folder / f"sms-{timezone.localdate():%Y-%m-%d}.jsonl"
        # O_APPEND writes of one short line are atomic between processes; the lock covers threads.
        with self._lock, open(path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        return message_id


class HttpSMSGatewayBackend(BaseSMSBackend):
    """A brandname SMS gateway reached over HTTPS with JSON (the shape Vietnamese carriers'
    aggregators use). Settings:

    - PORTAL_SMS_HTTP_URL: the gateway's send endpoint, e.g. https://sms.example.vn/api/v1/send
    - PORTAL_SMS_HTTP_TOKEN: bearer token issued by the gateway
    - PORTAL_SMS_BRANDNAME: the registered sender name (e.g. "UBNDLANGSON")
    - PORTAL_SMS_HTTP_TIMEOUT: seconds (default 10)

    Request: POST {"to": "84912345678", "brandname": ..., "message": ..., "client_ref": "<id>"}
    with `Authorization: Bearer <token>`; a 2xx answer with {"message_id": "..."} is success, 4xx is
    permanent (bad number, content refused), 5xx/timeouts are retried by the task.
    Not exercised by the test suite (no gateway here)."""

    def __init__(self):
        self.url = getattr(settings, "PORTAL_SMS_HTTP_URL", "")
        self.token = getattr(settings, "PORTAL_SMS_HTTP_TOKEN", "")
        self.brandname = getattr(settings, "PORTAL_SMS_BRANDNAME", "")
        self.timeout = float(getattr(settings, "PORTAL_SMS_HTTP_TIMEOUT", 10))
        if not (self.url.startswith("https://") and self.token and self.brandname):
            raise ImproperlyConfigured(
                "HttpSMSGatewayBackend needs PORTAL_SMS_HTTP_URL (https), PORTAL_SMS_HTTP_TOKEN "
                "and PORTAL_SMS_BRANDNAME"
            )

    @staticmethod
    def international(phone: str) -> str:
        digits = "".join(c for c in phone if c.isdigit())
        return "84" + digits[1:] if digits.startswith("0") else digits

    def send(self, notification) -> str:
        payload = json.dumps(
            {
                "to": self.international(notification.address),
                "brandname": self.brandname,
                "message": notification.body,
                "client_ref": f"portal-{notification.pk}",
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - https enforced in __init__
            self.url,
            data=payload,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - https enforced
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"gateway answered {exc.code}", permanent=400 <= exc.code < 500) from exc
        return str(answer.get("message_id", ""))


def get_backend(channel: str):
    if channel == "email":
        return EmailBackend()
    if channel == "sms":
        return import_string(settings.PORTAL_SMS_BACKEND)()
    raise ImproperlyConfigured(f"unknown notification channel {channel!r}")
