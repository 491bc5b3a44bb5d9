"""Writes of the machine clients: issue a client and its first key, rotate a key with an overlap,
revoke a key or a whole client, authenticate a presented key, count calls against the client's
rate limit, and log every call. Each state change is one transaction and audited."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api_clients import registry
from core.api_clients.models import ApiCall, ApiClient, ApiKey
from core.audit.services import audit_record
from core.errors import InvalidTransitionError, NotAllowedError, ServiceError

logger = logging.getLogger(__name__)

# New keys read "ls_<prefix>.<secret>"; the border gate's keys issued before the move read
# "bg_<prefix>.<secret>" and keep working (same prefix column, same hash).
KEY_TAG = "ls"
MAX_OVERLAP_HOURS = 24 * 30


def key_hash(raw: str) -> str:
    # Keys are 256-bit random: a plain SHA-256 is enough (no dictionary to resist, unlike passwords).
    return hashlib.sha256(raw.encode()).hexdigest()


def key_prefix_of(raw: str) -> str:
    """The lookup prefix of a presented key ("" when it is not shaped like one of ours)."""
    tag, sep, rest = raw.partition("_")
    if not sep or not tag.isalnum() or len(tag) > 4:
        return ""
    prefix = rest.partition(".")[0]
    return prefix if 4 <= len(prefix) <= 12 and prefix.isalnum() else ""


def may_manage(user, client: ApiClient | None = None, *, agency=None) -> bool:
    """The owning agency's administrators (officials of the agency holding the permission) and the
    system administrators. With `agency`: may this user issue clients owned by that agency."""
    from core.users import roles

    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.has_role(roles.SYSTEM_ADMIN):
        return True
    target = agency.pk if agency is not None else (client.owner_agency_id if client is not None else None)
    return (
        target is not None
        and user.agency_id == target
        and user.is_official
        and user.has_perm("api_clients.manage_api_clients")
    )


def _new_key(*, client: ApiClient, actor) -> tuple[ApiKey, str]:
    prefix = secrets.token_hex(4)
    raw = f"{KEY_TAG}_{prefix}.{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        client=client, prefix=prefix, key_hash=key_hash(raw), created_by=actor if _is_user(actor) else None
    )
    return key, raw


def _is_user(actor) -> bool:
    return getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) is not None


def client_check(
    *, kind_code: str, services: list[str], owner_agency, units=(), all_units: bool = False, rate_limit: int = 120
) -> None:
    """The one rule for what a client may be given. Raises ServiceError with field errors."""
    errors: dict[str, str] = {}
    kind = registry.kind(kind_code)
    if kind is None:
        errors["kind"] = _("Loại hệ thống không hợp lệ.")
    else:
        if owner_agency is not None and not kind.issuable_by(owner_agency):
            errors["kind"] = _("Cơ quan này không cấp được loại hệ thống này.")
        if not services:
            errors["services"] = _("Chọn ít nhất một dịch vụ dữ liệu.")
        elif set(services) - kind.allowed_services() or any(registry.service(s) is None for s in services):
            errors["services"] = _("Dịch vụ không hợp lệ cho loại hệ thống này.")
        if not kind.uses_units and (units or all_units):
            errors["units"] = _("Loại hệ thống này không gắn với đơn vị hành chính.")
        elif kind.uses_units and not units and not all_units:
            errors["units"] = _("Chọn các xã, phường được xem, hoặc chọn toàn tỉnh.")
        elif units and all_units:
            errors["units"] = _("Đã chọn toàn tỉnh thì không chọn từng xã, phường.")
    if not 1 <= int(rate_limit or 0) <= 100_000:
        errors["rate_limit_per_minute"] = _("Giới hạn phải từ 1 đến 100.000 lượt mỗi phút.")
    if errors:
        raise ServiceError(_("Thông tin hệ thống kết nối chưa hợp lệ."), errors=errors)


def client_create(
    *,
    actor,
    name: str,
    organisation: str,
    kind: str,
    services: list[str],
    owner_agency=None,
    units=(),
    all_units: bool = False,
    rate_limit_per_minute: int = 120,
    binding: dict | None = None,
    check_actor: bool = True,
    request_token=None,
) -> tuple[ApiClient, str | None]:
    """Register a client with its first key; returns (client, raw key): the raw key is shown once
    and never stored; a second submit of the same form (`request_token`) returns (client, None)
    instead of issuing another client. The kind's `bind` stores the pillar's own binding (yards...) in the same
    transaction. Raises ServiceError (fields) or NotAllowedError. Audited."""
    if check_actor and not may_manage(actor, agency=owner_agency) and not (owner_agency is None and may_manage(actor)):
        raise NotAllowedError(_("Bạn không quản lý hệ thống kết nối của cơ quan này."))
    units = list(units)
    name, organisation = (name or "").strip(), (organisation or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Nhập tên hệ thống.")
    if not organisation:
        errors["organisation"] = _("Nhập tên tổ chức sở hữu hệ thống.")
    try:
        client_check(
            kind_code=kind,
            services=services,
            owner_agency=owner_agency,
            units=units,
            all_units=all_units,
            rate_limit=rate_limit_per_minute,
        )
    except ServiceError as e:
        errors.update({f: m[0] for f, m in e.errors.items()})
    if errors:
        raise ServiceError(_("Thông tin hệ thống kết nối chưa hợp lệ."), errors=errors)
    if request_token is not None:
        existing = ApiClient.objects.filter(request_token=request_token).first()
        if existing is not None:
            return existing, None
    with transaction.atomic():
        try:
            # The unique token turns two simultaneous submits of one form into one client.
            with transaction.atomic():
                client = ApiClient.objects.create(
                    request_token=request_token,
                    name=name,
                    organisation=organisation,
                    kind=kind,
                    owner_agency=owner_agency,
                    services=sorted(set(services)),
                    all_units=all_units,
                    rate_limit_per_minute=rate_limit_per_minute,
                    created_by=actor if _is_user(actor) else None,
                )
        except IntegrityError:
            return ApiClient.objects.get(request_token=request_token), None
        client.units.set(units)
        bind = registry.kind(kind).bind
        if bind is not None:
            bind(client, binding or {})
        key, raw = _new_key(client=client, actor=actor)
        audit_record(
            actor=actor,
            action="api_clients.client.create",
            obj=client,
            after={
                "name": name,
                "organisation": organisation,
                "kind": kind,
                "services": client.services,
                "units": sorted(u.code for u in units),
                "all_units": all_units,
                "rate_limit_per_minute": rate_limit_per_minute,
                "key": key.prefix,
            },
        )
    return client, raw


def key_rotate(*, actor, key: ApiKey, overlap_hours: int = 24) -> tuple[ApiKey, str]:
    """Issue a new key for the key's client; the old key stays valid for `overlap_hours` (0: ends
    now), so the client's system switches without downtime. Rotating a key that is already being
    replaced (expiring) is refused: a double submit creates one new key, not two."""
    if not may_manage(actor, key.client):
        raise NotAllowedError(_("Bạn không quản lý hệ thống kết nối này."))
    try:
        overlap_hours = int(overlap_hours)
    except (TypeError, ValueError):
        overlap_hours = -1
    if not 0 <= overlap_hours <= MAX_OVERLAP_HOURS:
        raise ServiceError(
            errors={"overlap_hours": _("Thời gian dùng song song phải từ 0 đến %(n)s giờ.") % {"n": MAX_OVERLAP_HOURS}}
        )
    now = timezone.now()
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().select_related("client").get(pk=key.pk)
        if locked.state(now) != "active":
            raise InvalidTransitionError(_("Khóa này đã được đổi hoặc thu hồi."))
        locked.expires_at = now + timedelta(hours=overlap_hours)
        locked.save(update_fields=["expires_at"])
        new, raw = _new_key(client=locked.client, actor=actor)
        audit_record(
            actor=actor,
            action="api_clients.key.rotate",
            obj=locked.client,
            before={"key": locked.prefix},
            after={"key": new.prefix, "old_key_valid_until": locked.expires_at.isoformat()},
        )
    return new, raw


def key_revoke(*, actor, key: ApiKey) -> ApiKey:
    """Revoke one key at once (a leaked key). Revoking a revoked key changes nothing."""
    if not may_manage(actor, key.client):
        raise NotAllowedError(_("Bạn không quản lý hệ thống kết nối này."))
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().select_related("client").get(pk=key.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            audit_record(actor=actor, action="api_clients.key.revoke", obj=locked.client, after={"key": locked.prefix})
    return locked


def client_revoke(*, actor, client: ApiClient) -> ApiClient:
    """Revoke a client: every key of it stops working at once."""
    if not may_manage(actor, client):
        raise NotAllowedError(_("Bạn không quản lý hệ thống kết nối này."))
    with transaction.atomic():
        locked = ApiClient.objects.select_for_update().get(pk=client.pk)
        if locked.is_active:
            now = timezone.now()
            locked.is_active, locked.revoked_at = False, now
            locked.save(update_fields=["is_active", "revoked_at"])
            ApiKey.objects.filter(client=locked, revoked_at=None).update(revoked_at=now)
            audit_record(actor=actor, action="api_clients.client.revoke", obj=locked, after={"is_active": False})
    return locked


def authenticate(raw: str) -> ApiKey | None:
    """The valid key matching `raw`, or None. The hash is compared in constant time; an unknown
    prefix costs the same hash."""
    prefix = key_prefix_of(raw)
    key = ApiKey.objects.select_related("client").filter(prefix=prefix).first() if prefix else None
    presented = key_hash(raw)
    if key is None or not hmac.compare_digest(key.key_hash, presented) or not key.is_valid():
        return None
    # One write a minute at most per key: a busy client must not turn every read into a write.
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def rate_allow(client: ApiClient) -> tuple[bool, int]:
    """Count one call against the client's per-minute limit in Redis (a fixed window per client).
    Returns (allowed, seconds until the window ends). With the cache unreachable the call is
    allowed: the data services only read or are idempotent, and keys still authenticate."""
    now = timezone.now()
    window = int(now.timestamp()) // 60
    cache_key = f"api_clients:rate:{client.pk}:{window}"
    retry = 60 - int(now.timestamp()) % 60
    try:
        cache.add(cache_key, 0, timeout=120)
        count = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, timeout=120)
        count = 1
    except Exception:  # noqa: BLE001 - any cache failure: see the docstring
        logger.warning("api client %s: rate limit not counted, cache unavailable", client.pk)
        return True, 0
    return count <= client.rate_limit_per_minute, retry


def call_log(
    *,
    key: ApiKey | None,
    key_prefix: str,
    service: str,
    method: str,
    path: str,
    params: dict,
    status: int,
    rows: int | None,
    size_bytes: int,
    duration_ms: int,
    ip: str | None,
) -> ApiCall:
    """Append one row to the call log. Not audited: the log is itself the record of calls."""
    return ApiCall.objects.create(
        client=key.client if key is not None else None,
        key_prefix=(key.prefix if key is not None else key_prefix)[:12],
        service=service[:60],
        method=method[:10],
        path=path[:300],
        params=params,
        status=status,
        rows=rows,
        size_bytes=size_bytes,
        duration_ms=duration_ms,
        ip=ip or None,
    )


def calls_purge(*, older_than_days: int, archive_dir=None, batch: int = 5000, now=None) -> int:
    """Remove call-log rows older than `older_than_days` (the retention period), oldest first, in
    batches of `batch` rows, each batch its own transaction. With `archive_dir`, each batch is first
    written there as gzip-compressed JSON Lines named by its first and last row ids, so a batch whose
    deletion failed is written again to the same file on the next run, never twice. Idempotent: a second
    run finds nothing older. Returns the number of rows removed. Not audited row by row: one audit entry
    per run that removed anything (`api_clients.calls.purge`)."""
    import gzip
    import json
    from pathlib import Path

    from django.core.serializers.json import DjangoJSONEncoder

    if older_than_days < 1:
        raise ServiceError(_("Thời hạn lưu nhật ký phải từ 1 ngày trở lên."))
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    removed = 0
    while True:
        with transaction.atomic():
            rows = list(
                ApiCall.objects.select_for_update(skip_locked=True)
                .filter(at__lt=cutoff)
                .order_by("pk")
                .values(
                    "pk",
                    "at",
                    "client_id",
                    "key_prefix",
                    "service",
                    "method",
                    "path",
                    "params",
                    "status",
                    "rows",
                    "size_bytes",
                    "duration_ms",
                    "ip",
                )[:batch]
            )
            if not rows:
                break
            if archive_dir is not None:
                folder = Path(archive_dir)
                folder.mkdir(parents=True, exist_ok=True)
                target = folder / f"api-calls-{rows[0]['pk']:012d}-{rows[-1]['pk']:012d}.jsonl.gz"
                partial = target.with_suffix(".part")
                with gzip.open(partial, "wt", encoding="utf-8") as out:
                    for row in rows:
                        out.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n")
                partial.replace(target)
            ApiCall.objects.filter(pk__in=[r["pk"] for r in rows]).delete()
            removed += len(rows)
        if len(rows) < batch:
            break
    if removed:
        audit_record(
            actor=None,
            actor_label="celery:api_clients.purge_calls",
            action="api_clients.calls.purge",
            object_type="api_clients.apicall",
            after={"removed": removed, "older_than": cutoff.isoformat(), "archived": archive_dir is not None},
        )
    return removed
