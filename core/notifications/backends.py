"""Channel backends behind one tiny interface: `send(notification) -> str` returns the provider's
message id (or "") and raises on failure; the task records the outcome and retries.

- email: Django's email backend (settings.EMAIL_BACKEND: the file backend locally, SMTP in
  production);
- sms: the class named by settings.PORTAL_SMS_BACKEND — FileSMSBackend locally (one JSON line per
  SMS under settings.PORTAL_SMS_FILE_PATH), HttpSMSGatewayBackend for a real brandname SMS gateway;
- zalo: settings.PORTAL_ZALO_BACKEND — FileZaloBackend locally, ZaloOABackend (Zalo OA OpenAPI);
- loudspeaker: settings.PORTAL_LOUDSPEAKER_BACKEND — FileLoudspeakerBackend locally (the commune's
  schedule as JSON lines), HttpLoudspeakerBackend for a commune IP-loudspeaker system.

When a worker dies between handing a message over and recording it, the sender does not know
whether the provider has it. Two optional answers let it resend without a duplicate:
`find_sent(notification, since=date)` (the provider's message id if it already holds a message
with this notification's reference, else None: the local file backends read their outbox), and
`deduplicates = True` (the provider ignores a repeated `client_ref`). A backend with neither
cannot tell; its interrupted messages stay "unknown" for an official to decide.
"""

import json
import os
import threading
import urllib.parse
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


def post_json(url: str, payload: dict, *, headers: dict, timeout: float, provider: str) -> dict:
    """POST `payload` as JSON to a provider's HTTPS endpoint and return its JSON answer. An HTTP
    error becomes a DeliveryError, permanent for a 4xx (the message itself is refused: retrying
    cannot help). The callers' constructors refuse any URL that is not https."""
    request = urllib.request.Request(  # noqa: S310  # nosec B310: https enforced by the callers' __init__
        url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310: https only
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"{provider} answered {exc.code}", permanent=400 <= exc.code < 500) from exc


def client_ref(notification) -> str:
    """The reference a provider sees for one message: unique across the portal's notifications and
    broadcast deliveries (their ids alone overlap), stable across resends so a provider that
    deduplicates on it ignores a repeat."""
    return f"portal-{notification.event}-{notification.pk}"


def _find_in_outbox(paths, *, ref_key: str, ref: str, event: str) -> str | None:
    """The id of the line written for (`ref`, `event`) in these JSON-lines files, or None."""
    for path in paths:
        try:
            fh = open(path, encoding="utf-8")
        except FileNotFoundError:
            continue
        with fh:
            for line in fh:
                try:
                    item = json.loads(line)
                except ValueError:  # a line cut by a crash mid-write was never sent
                    continue
                if str(item.get(ref_key)) == ref and item.get("event") == event:
                    return str(item.get("id", ""))
    return None


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _days(since, prefix: str, folder: Path) -> list[Path]:
    today = timezone.localdate()
    day, paths = min(since, today), []
    while day <= today:
        paths.append(folder / f"{prefix}-{day:%Y-%m-%d}.jsonl")
        day += timezone.timedelta(days=1)
    return paths


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

    def find_sent(self, notification, *, since) -> str | None:
        folder = Path(settings.PORTAL_SMS_FILE_PATH)
        return _find_in_outbox(
            _days(since, "sms", folder), ref_key="notification_id", ref=str(notification.pk), event=notification.event
        )


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

    deduplicates = True  # the gateway ignores a repeated client_ref

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
        answer = post_json(
            self.url,
            {
                "to": self.international(notification.address),
                "brandname": self.brandname,
                "message": notification.body,
                "client_ref": client_ref(notification),
            },
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=self.timeout,
            provider="gateway",
        )
        return str(answer.get("message_id", ""))


class JsonLinesFileBackend:
    """Local/test backend of a channel without a provider here: one JSON object per message,
    appended to `<PORTAL_OUTBOX_PATH>/<channel>-YYYY-MM-DD.jsonl`."""

    channel = ""
    _lock = threading.Lock()

    def _append(self, record: dict) -> None:
        """One line to today's file of the channel, on disk before returning (a worker killed after
        this call has sent the message; find_sent finds it again)."""
        folder = Path(settings.PORTAL_OUTBOX_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, ensure_ascii=False)
        with (
            self._lock,
            open(folder / f"{self.channel}-{timezone.localdate():%Y-%m-%d}.jsonl", "a", encoding="utf-8") as fh,
        ):
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def send(self, notification) -> str:
        message_id = uuid.uuid4().hex
        self._append(
            {
                "id": message_id,
                "ref": str(notification.pk),
                "to": notification.address,
                "subject": getattr(notification, "subject", ""),
                "body": notification.body,
                "event": notification.event,
                "at": timezone.now().isoformat(),
                # A loudspeaker item's slot in the commune's schedule (None on other channels).
                "play_at": _iso(getattr(notification, "play_at", None)),
            }
        )
        return message_id

    def find_sent(self, notification, *, since) -> str | None:
        folder = Path(settings.PORTAL_OUTBOX_PATH)
        return _find_in_outbox(
            _days(since, self.channel, folder), ref_key="ref", ref=str(notification.pk), event=notification.event
        )


class FileZaloBackend(JsonLinesFileBackend):
    """Local Zalo Official Account backend (the address is the follower's Zalo user id or phone)."""

    channel = "zalo"


class ZaloOABackend:
    """Zalo Official Account messages through Zalo's OpenAPI (production). Settings:

    - PORTAL_ZALO_OA_ACCESS_TOKEN: the OA's access token (refreshed by the operator, 25 h lifetime)
    - PORTAL_ZALO_OA_URL: default https://openapi.zalo.me/v3.0/oa/message/cs
    - PORTAL_ZALO_TIMEOUT: seconds (default 10)

    Request: POST {"recipient": {"user_id": <address>}, "message": {"text": <body>}} with header
    `access_token`; an answer with "error": 0 is success (its message_id returned), a negative
    error for an unknown follower is permanent, other errors and 5xx are retried. Zalo allows
    free-form messages only to followers who interacted within 7 days; announcements to everyone
    go through the OA's broadcast (ZNS templates) — configure the template id in the URL then.
    Not exercised by the test suite (no Zalo access here)."""

    def __init__(self):
        self.url = getattr(settings, "PORTAL_ZALO_OA_URL", "https://openapi.zalo.me/v3.0/oa/message/cs")
        self.token = getattr(settings, "PORTAL_ZALO_OA_ACCESS_TOKEN", "")
        self.timeout = float(getattr(settings, "PORTAL_ZALO_TIMEOUT", 10))
        if not (self.url.startswith("https://") and self.token):
            raise ImproperlyConfigured("ZaloOABackend needs PORTAL_ZALO_OA_URL (https) and PORTAL_ZALO_OA_ACCESS_TOKEN")

    def send(self, notification) -> str:
        answer = post_json(
            self.url,
            {"recipient": {"user_id": notification.address}, "message": {"text": notification.body[:2000]}},
            headers={"access_token": self.token},
            timeout=self.timeout,
            provider="zalo",
        )
        if answer.get("error", 0) != 0:
            raise DeliveryError(f"zalo error {answer.get('error')}", permanent=answer.get("error", 0) in (-213, -201))
        return str(answer.get("data", {}).get("message_id", ""))


class FileLoudspeakerBackend(JsonLinesFileBackend):
    """Local commune loudspeaker backend: the address is the commune's code; the line is the item
    added to that commune's broadcast schedule (the commune radio reads it out at its next slot)."""

    channel = "loudspeaker"

    def reschedule(self, notification, *, provider_id: str, play_at) -> None:
        """Move the item the schedule holds (by its id) to another slot: a line `{"op":
        "reschedule", "id", "play_at"}`; a reader of the schedule takes an item's last line. Asking
        twice with the same slot changes nothing the radio plays."""
        self._append(
            {
                "op": "reschedule",
                "id": provider_id,
                "ref": str(notification.pk),
                "to": notification.address,
                "event": notification.event,
                "at": timezone.now().isoformat(),
                "play_at": _iso(play_at),
            }
        )


class HttpLoudspeakerBackend:
    """The commune loudspeaker systems (IP speakers, "truyền thanh thông minh") scheduled through
    their vendor's HTTPS API (production). Settings:

    - PORTAL_LOUDSPEAKER_URL: the schedule endpoint, e.g. https://truyenthanh.example.vn/api/schedules
    - PORTAL_LOUDSPEAKER_TOKEN: bearer token
    - PORTAL_LOUDSPEAKER_TIMEOUT: seconds (default 10)

    Request: POST {"area_code": <commune code>, "text": <body>, "client_ref": "<id>", "play_at":
    <ISO time of the commune radio's slot>, "tts": true} — the vendor converts the text to speech
    and plays it in that slot (its next one when play_at is null);
    `client_ref` lets it ignore a repeated request. 2xx with {"schedule_id": ...} is success.
    Moving a held item (`reschedule`): POST <url>/<schedule_id>/reschedule {"play_at": <ISO>} —
    setting the same slot twice leaves one item there. Not exercised by the test suite."""

    deduplicates = True  # the vendor ignores a repeated client_ref

    def __init__(self):
        self.url = getattr(settings, "PORTAL_LOUDSPEAKER_URL", "")
        self.token = getattr(settings, "PORTAL_LOUDSPEAKER_TOKEN", "")
        self.timeout = float(getattr(settings, "PORTAL_LOUDSPEAKER_TIMEOUT", 10))
        if not (self.url.startswith("https://") and self.token):
            raise ImproperlyConfigured("HttpLoudspeakerBackend needs PORTAL_LOUDSPEAKER_URL (https) and a token")

    def send(self, notification) -> str:
        answer = post_json(
            self.url,
            {
                "area_code": notification.address,
                "text": notification.body,
                "client_ref": client_ref(notification),
                "play_at": _iso(getattr(notification, "play_at", None)),
                "tts": True,
            },
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=self.timeout,
            provider="loudspeaker",
        )
        return str(answer.get("schedule_id", ""))

    def reschedule(self, notification, *, provider_id: str, play_at) -> None:
        if not provider_id:
            raise DeliveryError("no schedule id to move", permanent=True)
        post_json(
            f"{self.url.rstrip('/')}/{urllib.parse.quote(provider_id, safe='')}/reschedule",
            {"play_at": _iso(play_at), "client_ref": client_ref(notification)},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=self.timeout,
            provider="loudspeaker",
        )


def get_backend(channel: str):
    if channel == "email":
        return EmailBackend()
    if channel == "sms":
        return import_string(settings.PORTAL_SMS_BACKEND)()
    if channel == "zalo":
        return import_string(settings.PORTAL_ZALO_BACKEND)()
    if channel == "loudspeaker":
        return import_string(settings.PORTAL_LOUDSPEAKER_BACKEND)()
    raise ImproperlyConfigured(f"unknown notification channel {channel!r}")
