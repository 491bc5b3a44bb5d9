"""Broadcasts: officials write an announcement (from a template with placeholders), a leader
approves it, then every recipient gets it once per channel through core.notifications' backends.

Never twice: one BroadcastDelivery row per (broadcast, recipient, channel) by a unique constraint;
a worker claims pending rows with `FOR UPDATE SKIP LOCKED` and commits them as SENDING before it
calls the provider, then records SENT or FAILED. A row left SENDING by a dead worker is marked
UNKNOWN by the beat job, then settled by `deliveries_settle_unknown`: SENT when the provider
already holds the message (its reference found), sent again when the provider says it does not
or ignores a repeated reference — at most MAX_ATTEMPTS hand-overs in all, then FAILED. A channel
whose provider can neither tell nor deduplicate keeps the row UNKNOWN for an official: a message
received twice cannot be taken back (ADR 1402).
"""

import logging
import string

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import InvalidTransitionError, NotAllowedError, ServiceError
from core.notifications.backends import DeliveryError, get_backend
from core.permissions import user_has_role
from core.users import roles
from society.models import BROADCAST_CHANNELS, Broadcast, BroadcastDelivery, TechTeamMember
from society.permissions import commune_scope
from society.selectors import loudspeaker_slots

# The commune radio's slots live in services/loudspeakers.py; these names stay importable here.
from society.services.loudspeakers import (  # noqa: F401
    DEFAULT_LOUDSPEAKER_SLOTS,
    LOUDSPEAKER_EARLIEST,
    LOUDSPEAKER_LATEST,
    MAX_LOUDSPEAKER_SLOTS,
    loudspeaker_slots_set,
    next_loudspeaker_slot,
    slot_field,
)

logger = logging.getLogger(__name__)

PLACEHOLDERS = {"ho_ten", "xa", "ngay"}
BATCH = 200
STALE_SENDING_SECONDS = 300
MAX_ATTEMPTS = 3
# `error` of an UNKNOWN delivery: interrupted (to be settled), or settled as undecidable.
ERROR_INTERRUPTED = "worker stopped while sending"
ERROR_CANNOT_TELL = "provider cannot tell whether it was received"
AUTHOR_ROLES = (roles.COMMUNE_OFFICIAL, roles.DEPARTMENT_OFFICIAL, roles.PROVINCE_LEADER, roles.SYSTEM_ADMIN)
APPROVER_ROLES = (roles.PROVINCE_LEADER,)


def check_template(body: str) -> None:
    """Refuse unknown placeholders ({ten} instead of {ho_ten}) or broken braces before anything is sent."""
    try:
        names = {f for _t, f, _s, _c in string.Formatter().parse(body) if f is not None}
    except ValueError:
        raise ServiceError(errors={"body": [_("Dấu ngoặc { } trong nội dung không khớp.")]}) from None
    unknown = names - PLACEHOLDERS
    if unknown:
        raise ServiceError(
            errors={
                "body": [
                    _("Chỉ dùng được {ho_ten}, {xa}, {ngay}; không có: %(names)s.")
                    % {"names": ", ".join("{" + n + "}" for n in sorted(unknown))}
                ]
            }
        )


def render_body(body: str, *, name: str, commune: str) -> str:
    return body.format_map({"ho_ten": name, "xa": commune, "ngay": timezone.localdate().strftime("%d/%m/%Y")})


def broadcast_create(*, actor, title: str, body: str, communes, group: str, channels: list[str], template=None):
    """Save a draft. A commune official writes only to their own commune."""
    if not user_has_role(actor, *AUTHOR_ROLES):
        raise NotAllowedError(_("Bạn không được gửi thông báo đến người dân."))
    check_template(body)
    communes = list(communes)
    errors = {}
    if not communes:
        errors["communes"] = [_("Chọn ít nhất một xã, phường.")]
    scope = commune_scope(actor)
    if scope is not None and any(c.pk != scope.pk for c in communes):
        errors["communes"] = [_("Cán bộ xã chỉ gửi thông báo đến xã của mình.")]
    if not channels or set(channels) - {c for c, _l in BROADCAST_CHANNELS}:
        errors["channels"] = [_("Chọn ít nhất một kênh.")]
    if errors:
        raise ServiceError(errors=errors)
    with transaction.atomic():
        broadcast = Broadcast.objects.create(
            title=title[:200],
            body=body,
            group=group,
            channels=sorted(set(channels)),
            created_by=actor,
            template=template,
        )
        broadcast.communes.set(communes)
        audit_record(actor=actor, action="society.broadcast.create", obj=broadcast, after={"title": broadcast.title})
    return broadcast


def _locked(broadcast: Broadcast) -> Broadcast:
    return Broadcast.objects.select_for_update().get(pk=broadcast.pk)


def broadcast_submit(*, actor, broadcast: Broadcast) -> Broadcast:
    with transaction.atomic():
        broadcast = _locked(broadcast)
        if broadcast.created_by_id != actor.pk:
            raise NotAllowedError(_("Chỉ người soạn được trình duyệt thông báo."))
        if broadcast.status == Broadcast.Status.SUBMITTED:
            return broadcast
        if broadcast.status != Broadcast.Status.DRAFT:
            raise InvalidTransitionError(_("Thông báo này không còn là bản nháp."))
        broadcast.status = Broadcast.Status.SUBMITTED
        broadcast.save(update_fields=["status"])
        audit_record(actor=actor, action="society.broadcast.submit", obj=broadcast, after={"status": "submitted"})
    return broadcast


def _recipients(broadcast: Broadcast):
    """The broadcast's communes and [(user, the commune named in their message)]: a citizen's own
    commune, or for team members the commune of their team (their account may name none)."""
    from core.users.models import User

    communes = list(broadcast.communes.all())
    if broadcast.group == Broadcast.Group.TEAM_MEMBERS:
        team_commune = dict(
            TechTeamMember.objects.filter(team__commune__in=communes, is_active=True, team__is_active=True)
            .order_by("team__commune__name")
            .values_list("user_id", "team__commune__name")
        )
        users = User.objects.filter(pk__in=team_commune, is_active=True).order_by("pk")
        return communes, [(u, team_commune[u.pk]) for u in users]
    users = User.objects.filter(admin_unit__in=communes, is_active=True, groups__name=roles.CITIZEN)
    users = users.select_related("admin_unit").distinct().order_by("pk")
    return communes, [(u, u.admin_unit.name if u.admin_unit_id else "") for u in users]


def broadcast_approve(*, actor, broadcast: Broadcast, note: str = "") -> Broadcast:
    """A leader approves: the deliveries are created (one per recipient and channel, the unique
    constraint refusing any second one) and sending starts after commit. Approving twice is harmless."""
    with transaction.atomic():
        broadcast = _locked(broadcast)
        if not user_has_role(actor, *APPROVER_ROLES):
            raise NotAllowedError(_("Chỉ lãnh đạo được duyệt thông báo."))
        if broadcast.created_by_id == actor.pk:
            raise NotAllowedError(_("Người soạn không tự duyệt thông báo của mình."))
        if broadcast.status == Broadcast.Status.APPROVED:
            return broadcast
        if broadcast.status != Broadcast.Status.SUBMITTED:
            raise InvalidTransitionError(_("Thông báo chưa được trình duyệt."))
        communes, users = _recipients(broadcast)
        now = timezone.now()
        commune_slots = loudspeaker_slots([c.pk for c in communes]) if "loudspeaker" in broadcast.channels else {}
        rows = []
        for channel in broadcast.channels:
            if channel == "loudspeaker":
                for c in communes:
                    body = render_body(broadcast.body, name=_("bà con"), commune=c.name)
                    rows.append(
                        BroadcastDelivery(
                            broadcast=broadcast,
                            recipient_key=f"commune:{c.code}",
                            channel=channel,
                            address=str(c.code),
                            body=body,
                            scheduled_for=next_loudspeaker_slot(now, commune_slots.get(c.pk)),
                        )
                    )
                continue
            for u, commune_name in users:
                address = u.email if channel == "email" else u.phone
                if not address:
                    continue
                body = render_body(broadcast.body, name=u.get_full_name(), commune=commune_name)
                rows.append(
                    BroadcastDelivery(
                        broadcast=broadcast,
                        recipient_key=f"user:{u.pk}",
                        user=u,
                        channel=channel,
                        address=address,
                        body=body,
                    )
                )
        BroadcastDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        broadcast.status, broadcast.decided_by, broadcast.decided_at = Broadcast.Status.APPROVED, actor, timezone.now()
        broadcast.decision_note = note[:300]
        broadcast.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(actor=actor, action="society.broadcast.approve", obj=broadcast, after={"deliveries": len(rows)})
        transaction.on_commit(lambda: _enqueue(broadcast.pk))
    return broadcast


def broadcast_reject(*, actor, broadcast: Broadcast, note: str) -> Broadcast:
    if not (note or "").strip():
        raise ServiceError(errors={"note": [_("Ghi lý do không duyệt.")]})
    with transaction.atomic():
        broadcast = _locked(broadcast)
        if not user_has_role(actor, *APPROVER_ROLES):
            raise NotAllowedError(_("Chỉ lãnh đạo được duyệt thông báo."))
        if broadcast.status != Broadcast.Status.SUBMITTED:
            raise InvalidTransitionError(_("Thông báo chưa được trình duyệt."))
        broadcast.status, broadcast.decided_by, broadcast.decided_at = Broadcast.Status.REJECTED, actor, timezone.now()
        broadcast.decision_note = note.strip()[:300]
        broadcast.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            actor=actor, action="society.broadcast.reject", obj=broadcast, after={"note": broadcast.decision_note}
        )
    return broadcast


def _enqueue(broadcast_id: int) -> None:
    from society.tasks import send_broadcast

    try:
        send_broadcast.delay(broadcast_id)
    except Exception:  # the beat job picks pending deliveries up
        logger.exception("could not enqueue broadcast %s", broadcast_id)


def broadcast_send(*, broadcast_id: int, limit: int | None = None) -> int:
    """Send pending deliveries of a broadcast in batches; safe to run in several workers at once.
    Returns how many this call handed to a provider."""
    handed = 0
    while limit is None or handed < limit:
        with transaction.atomic():
            batch = list(
                BroadcastDelivery.objects.select_for_update(skip_locked=True)
                .filter(broadcast_id=broadcast_id, status=BroadcastDelivery.Status.PENDING)
                .order_by("pk")[:BATCH]
            )
            if not batch:
                break
            now = timezone.now()
            BroadcastDelivery.objects.filter(pk__in=[d.pk for d in batch]).update(
                status=BroadcastDelivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
        # Committed as SENDING: from here a crash leaves them SENDING (→ UNKNOWN), never PENDING.
        for delivery in batch:
            try:
                provider_id = get_backend(delivery.channel).send(delivery)
            except (DeliveryError, OSError) as exc:
                BroadcastDelivery.objects.filter(pk=delivery.pk).update(
                    status=BroadcastDelivery.Status.FAILED, error=str(exc)[:300]
                )
            else:
                # provider_play_at: the slot the loudspeaker system now holds (None elsewhere);
                # a change of the commune's times since the claim is caught up by loudspeaker_sync.
                BroadcastDelivery.objects.filter(pk=delivery.pk).update(
                    status=BroadcastDelivery.Status.SENT,
                    provider_id=provider_id[:100],
                    sent_at=timezone.now(),
                    provider_play_at=delivery.scheduled_for,
                )
            handed += 1
    return handed


def broadcasts_recover() -> tuple[int, int]:
    """Beat job: deliveries left SENDING by a dead worker become UNKNOWN and are settled (see
    `deliveries_settle_unknown`); broadcasts with pending deliveries are enqueued again (lost
    messages). Returns (newly unknown, broadcasts enqueued)."""
    stale = timezone.now() - timezone.timedelta(seconds=STALE_SENDING_SECONDS)
    unknown = BroadcastDelivery.objects.filter(status=BroadcastDelivery.Status.SENDING, claimed_at__lt=stale).update(
        status=BroadcastDelivery.Status.UNKNOWN, error=ERROR_INTERRUPTED
    )
    unsettled = set(
        BroadcastDelivery.objects.filter(status=BroadcastDelivery.Status.UNKNOWN, error=ERROR_INTERRUPTED)
        .values_list("broadcast_id", flat=True)
        .distinct()
    )
    for broadcast_id in unsettled:
        _enqueue_settle(broadcast_id)
    pending = set(
        BroadcastDelivery.objects.filter(status=BroadcastDelivery.Status.PENDING)
        .values_list("broadcast_id", flat=True)
        .distinct()
    )
    for broadcast_id in pending:
        _enqueue(broadcast_id)
    return unknown, len(pending)


def _enqueue_settle(broadcast_id: int) -> None:
    from society.tasks import settle_unknown_deliveries

    try:
        settle_unknown_deliveries.delay(broadcast_id)
    except Exception:  # the beat job tries again
        logger.exception("could not enqueue settling broadcast %s", broadcast_id)


def deliveries_settle_unknown(*, broadcast_id: int) -> dict[str, int]:
    """Settle a broadcast's interrupted (UNKNOWN) deliveries without ever sending one twice:
    - the provider already holds it (`find_sent`): SENT, with the provider's id;
    - it says it does not, or it ignores a repeated reference (`deduplicates`): back to PENDING
      and sent again after commit, unless MAX_ATTEMPTS hand-overs were made: then FAILED;
    - the provider cannot tell: left UNKNOWN, marked so the page shows it needs an official.
    Idempotent: rows are locked (SKIP LOCKED) and only UNKNOWN ones not yet found undecidable
    are looked at. Returns how many became sent / pending / failed / undecidable."""
    result = {"sent": 0, "pending": 0, "failed": 0, "undecidable": 0}
    with transaction.atomic():
        rows = list(
            BroadcastDelivery.objects.select_for_update(skip_locked=True)
            .filter(broadcast_id=broadcast_id, status=BroadcastDelivery.Status.UNKNOWN, error=ERROR_INTERRUPTED)
            .select_related("broadcast")
            .order_by("pk")
        )
        backends = {}
        for delivery in rows:
            if delivery.channel not in backends:
                backends[delivery.channel] = get_backend(delivery.channel)
            backend = backends[delivery.channel]
            found = None
            if hasattr(backend, "find_sent"):
                since = timezone.localdate(delivery.claimed_at or timezone.now())
                found = backend.find_sent(delivery, since=since)
            if found is not None:
                delivery.status, delivery.provider_id, delivery.error = BroadcastDelivery.Status.SENT, found[:100], ""
                delivery.sent_at = delivery.sent_at or delivery.claimed_at
                result["sent"] += 1
            elif not (hasattr(backend, "find_sent") or getattr(backend, "deduplicates", False)):
                delivery.error = ERROR_CANNOT_TELL
                result["undecidable"] += 1
            elif delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = BroadcastDelivery.Status.FAILED
                delivery.error = f"not received after {delivery.attempts} attempts"
                result["failed"] += 1
            else:
                delivery.status, delivery.error = BroadcastDelivery.Status.PENDING, ""
                result["pending"] += 1
        BroadcastDelivery.objects.bulk_update(rows, ["status", "provider_id", "error", "sent_at"])
        if rows:
            audit_record(
                actor=None,
                actor_label="system:broadcasts",
                action="society.broadcast.settle_unknown",
                obj=rows[0].broadcast,
                after=result,
            )
        if result["pending"]:
            transaction.on_commit(lambda: _enqueue(broadcast_id))
    return result


def undecidable_deliveries(broadcast: Broadcast):
    """Interrupted deliveries the provider could not confirm: the official decides (resend)."""
    return broadcast.deliveries.filter(status=BroadcastDelivery.Status.UNKNOWN, error=ERROR_CANNOT_TELL).select_related(
        "user"
    )


def deliveries_resend(*, actor, broadcast: Broadcast, seen: dict[int, int]) -> int:
    """An official sends again deliveries whose sending was interrupted and that the provider
    cannot confirm (e-mail, Zalo OA): {delivery id: attempts the official saw on the page}.
    Only rows still in that state with that many attempts go back to PENDING (sent after
    commit), so pressing the button twice, or two officials pressing it, sends once. Bounded:
    a delivery handed over MAX_ATTEMPTS times is refused with a message. Audited
    `society.broadcast.resend`; returns how many were put back."""
    if not user_has_role(actor, *AUTHOR_ROLES):
        raise NotAllowedError(_("Bạn không được gửi thông báo đến người dân."))
    with transaction.atomic():
        rows = list(
            undecidable_deliveries(broadcast).select_for_update(of=("self",)).filter(pk__in=list(seen)).order_by("pk")
        )
        rows = [d for d in rows if d.attempts == seen[d.pk]]
        exhausted = [d for d in rows if d.attempts >= MAX_ATTEMPTS]
        if exhausted:
            raise ServiceError(
                _("Đã gửi %(n)s lần, không gửi lại nữa: %(who)s.")
                % {"n": MAX_ATTEMPTS, "who": ", ".join(d.address for d in exhausted[:5])}
            )
        if not rows:
            return 0
        BroadcastDelivery.objects.filter(pk__in=[d.pk for d in rows]).update(
            status=BroadcastDelivery.Status.PENDING, error=""
        )
        audit_record(
            actor=actor,
            action="society.broadcast.resend",
            obj=broadcast,
            after={"deliveries": [d.pk for d in rows], "channels": sorted({d.channel for d in rows})},
        )
        transaction.on_commit(lambda: _enqueue(broadcast.pk))
    return len(rows)


def delivery_counts(broadcast: Broadcast) -> list[dict]:
    """Per channel: its label and [(status label, n, status)] for the broadcast's page; interrupted
    deliveries the provider could not settle are counted apart ("needs an official")."""
    channels = dict(BROADCAST_CHANNELS)
    statuses = dict(BroadcastDelivery.Status.choices)
    counts: dict[str, dict[str, int]] = {}
    rows = broadcast.deliveries.values("channel", "status", "error").annotate(n=Count("id"))
    for row in rows:
        status = row["status"]
        if status == BroadcastDelivery.Status.UNKNOWN and row["error"] == ERROR_CANNOT_TELL:
            status = "undecidable"
        by_status = counts.setdefault(row["channel"], {})
        by_status[status] = by_status.get(status, 0) + row["n"]
    labels = {**statuses, "undecidable": _("Không rõ, nhà cung cấp không xác nhận được: cần cán bộ kiểm tra")}
    return [
        {
            "channel": channel,
            "label": channels.get(channel, channel),
            "statuses": [(labels[status], n, status) for status, n in sorted(by_status.items())],
        }
        for channel, by_status in sorted(counts.items())
    ]
