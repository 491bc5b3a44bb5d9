"""Reads of the pillar, already scoped to what the user may see."""

from __future__ import annotations

import datetime
import re
import time

from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone

from border_gate import congestion
from border_gate.models import (
    ClientBinding,
    Crossing,
    DailyReport,
    Direction,
    Enterprise,
    EnterpriseMember,
    Entry,
    EntryStep,
    StepDefinition,
    Yard,
    YardEvent,
)
from border_gate.scope import officer_scope
from border_gate.validators import normalise_plate_query

WAIT_WINDOW = datetime.timedelta(hours=3)


# -- declarants ----------------------------------------------------------------------------------


def enterprises_of(user) -> QuerySet[Enterprise]:
    if not user.is_authenticated:
        return Enterprise.objects.none()
    return Enterprise.objects.filter(memberships__user=user).order_by("name")


def is_manager(user, enterprise: Enterprise) -> bool:
    return EnterpriseMember.objects.filter(user=user, enterprise=enterprise, is_manager=True).exists()


def entries_for_declarant(user) -> QuerySet[Entry]:
    """What a declarant may see: what they declared and their enterprises' entries."""
    if not user.is_authenticated:
        return Entry.objects.none()
    return (
        Entry.objects.filter(Q(declared_by=user) | Q(enterprise__memberships__user=user))
        .distinct()
        .select_related("crossing", "vehicle", "current_step__step")
        .order_by("-created_at")
    )


def entry_for_declarant(user, code: str) -> Entry | None:
    return entries_for_declarant(user).filter(code=code).first()


# -- officers ------------------------------------------------------------------------------------


def entries_for_client(key: ClientBinding) -> QuerySet[Entry]:
    """The entries a machine client (by its binding) may read: at its crossing, and
    - an enterprise's key: that enterprise's trucks only;
    - a yard operator's key: the trucks assigned to or recorded at one of its yards;
    - the customs system's key: every truck at the crossing.
    Anything else (an unknown kind, a yard key without yards) reads nothing."""
    qs = Entry.objects.filter(crossing_id=key.crossing_id)
    if key.kind == ClientBinding.Kind.CUSTOMS:
        return qs
    if key.kind == ClientBinding.Kind.ENTERPRISE and key.enterprise_id:
        return qs.filter(enterprise_id=key.enterprise_id)
    if key.kind == ClientBinding.Kind.YARD_OPERATOR:
        yard_ids = key.yards.values("pk")
        seen_at_yards = YardEvent.objects.filter(yard_id__in=yard_ids).values("entry_id")
        return qs.filter(Q(current_yard_id__in=yard_ids) | Q(pk__in=seen_at_yards))
    return qs.none()


def client_shows_personal_data(key: ClientBinding, entry: Entry) -> bool:
    """Driver names and goods values go only to the truck's own enterprise and to customs; a yard
    operator sees the plate, containers, goods and step it needs to handle the truck."""
    if key.kind == ClientBinding.Kind.CUSTOMS:
        return True
    return (
        key.kind == ClientBinding.Kind.ENTERPRISE
        and key.enterprise_id is not None
        and key.enterprise_id == entry.enterprise_id
    )


def traffic_by_day(*, date_from: datetime.date, date_to: datetime.date, crossing: str | None = None) -> list[dict]:
    """Trucks arrived per local day, crossing and direction (LGSP's border-traffic service)."""
    from django.db.models.functions import TruncDate

    tz = timezone.get_default_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    qs = Entry.objects.filter(arrived_at__gte=start, arrived_at__lt=end)
    if crossing:
        qs = qs.filter(crossing__code=crossing)
    rows = (
        qs.annotate(day=TruncDate("arrived_at", tzinfo=tz))
        .values("day", "crossing__code", "direction")
        .annotate(trucks=Count("pk"))
        .order_by("day", "crossing__code", "direction")
    )
    return [
        {"day": r["day"], "crossing": r["crossing__code"], "direction": r["direction"], "trucks": r["trucks"]}
        for r in rows
    ]


def entries_for_officer(user) -> QuerySet[Entry]:
    scope = officer_scope(user)
    if scope is None:
        return Entry.objects.none()
    qs = Entry.objects.select_related("crossing", "vehicle", "trailer", "enterprise", "current_step__step")
    return qs if scope.crossing is None else qs.filter(crossing=scope.crossing)


def officer_steps(user) -> list[StepDefinition]:
    scope = officer_scope(user)
    return list(scope.steps().order_by("crossing__position", "direction", "position")) if scope else []


def step_queue(step: StepDefinition, *, limit: int = 50) -> list[EntryStep]:
    """Entries waiting at this step, in the order `step_take_next` hands them out."""
    qs = (
        EntryStep.objects.filter(
            step=step,
            is_current=True,
            status__in=[EntryStep.Status.PENDING, EntryStep.Status.HELD, EntryStep.Status.TAKEN],
        )
        .filter(entry__status__in=Entry.OPEN_STATUSES)
        .select_related("entry", "entry__vehicle", "taken_by")
        .order_by("-entry__perishable", "entry__arrived_at", "entry__expected_arrival", "pk")
    )
    if step.requires_call:
        qs = qs.filter(entry__called_at__isnull=False)
    return list(qs[:limit])


def queue_counts(steps: list[StepDefinition]) -> dict[int, int]:
    rows = (
        EntryStep.objects.filter(
            step__in=steps, is_current=True, status__in=[EntryStep.Status.PENDING, EntryStep.Status.HELD]
        )
        .values("step_id")
        .annotate(n=Count("pk"))
    )
    return {r["step_id"]: r["n"] for r in rows}


def taken_by(user) -> list[EntryStep]:
    return list(
        EntryStep.objects.filter(status=EntryStep.Status.TAKEN, taken_by=user).select_related(
            "entry", "step", "entry__vehicle"
        )
    )


# What a gate scanner types when it reads the driver's QR code: the driver page's URL (any host,
# with or without a trailing slash or query string), from which the page's token is taken.
_DRIVER_URL = re.compile(r"/d/(?P<token>[A-Za-z0-9_-]{16,64})/?(?:[?#].*)?$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{24,64}$")


def driver_token_in(query: str) -> str | None:
    """The driver-page token a scanned QR code (its URL) or a pasted token carries, else None."""
    text = (query or "").strip()
    match = _DRIVER_URL.search(text)
    if match:
        return match["token"]
    return text if _TOKEN.match(text) else None


def find_for_officer(user, query: str) -> list[Entry]:
    """The entries the officer may see that a search names. Scanning the driver's QR code is the
    main way a truck is found at the gate, so the query may be the driver page's URL or its token,
    as well as an entry code or a plate (any punctuation)."""
    raw = (query or "").strip()
    if not raw:
        return []
    qs = entries_for_officer(user)
    token = driver_token_in(raw)
    if token:
        by_token = list(qs.filter(token=token)[:1])
        if by_token:
            return by_token
    q = raw.upper()
    by_code = list(qs.filter(code=q)[:1])
    if by_code:
        return by_code
    plate = normalise_plate_query(q)
    return list(
        qs.filter(Q(vehicle__plate=plate) | Q(trailer__plate=plate)).order_by(
            F("closed_at").desc(nulls_first=True), "-created_at"
        )[:10]
    )


def entry_history(entry: Entry) -> list:
    """The truck's audit trail as officers read it: each row carries `action_label` and
    `step_name` (the step's name, not its code)."""
    from border_gate.labels import action_label
    from core.audit.models import AuditLog

    rows = list(
        AuditLog.objects.filter(object_type="border_gate.entry", object_id=str(entry.pk)).order_by("at", "id")[:200]
    )
    names = {
        s.code: s.display_name
        for s in StepDefinition.objects.filter(crossing_id=entry.crossing_id, direction=entry.direction)
    }
    for row in rows:
        row.action_label = action_label(row.action)
        code = (row.after or {}).get("step") or (row.before or {}).get("step")
        row.step_name = names.get(code, "") if isinstance(code, str) else ""
    return rows


def entry_versions(entry: Entry) -> list:
    return list(entry.versions.select_related("author").order_by("number"))


def entry_steps(entry: Entry) -> list[EntryStep]:
    return list(entry.steps.select_related("step", "decided_by", "taken_by").order_by("position"))


# -- boards --------------------------------------------------------------------------------------


# The boards are polled (officers' tablets, the public page, the operations centre every few
# seconds): they read a copy the queue task stores after the yard/crossed steps (coalesced, see
# services.common.enqueue_queue_recompute) and the beat job every minute. A copy older than
# BOARD_MAX_AGE (no worker running, a lost message) is recomputed by one request while the others
# keep serving it; BOARD_KEEP bounds how long a copy may live at all.
BOARD_MAX_AGE = 5.0
BOARD_KEEP = 600


def cache_key(*parts) -> str:
    # Namespaced by database: the Redis cache is shared by every database on the host (the run
    # profile, each engineer's and each xdist worker's test database), whose crossings share ids.
    return ":".join(["border_gate", connection.settings_dict["NAME"], *map(str, parts)])


def board_cache_key(crossing_id: int) -> str:
    return cache_key("board", crossing_id)


def public_board_cache_key() -> str:
    return cache_key("public")


def cache_store(key: str, data) -> None:
    cache.set(key, (time.time(), data), timeout=BOARD_KEEP)


def _cached(key: str, compute):
    """Serve the stored copy while fresh; when stale, one caller (SET NX lock) recomputes it and the
    others keep serving the stale copy; when missing, compute it."""
    item = cache.get(key)
    if item is not None and time.time() - item[0] < BOARD_MAX_AGE:
        return item[1]
    if item is not None and not cache.add(f"{key}:lock", 1, timeout=10):
        return item[1]
    data = compute()
    cache_store(key, data)
    if item is not None:
        cache.delete(f"{key}:lock")
    return data


def _waiting(crossing: Crossing, direction: str | None = None) -> QuerySet[Entry]:
    qs = Entry.objects.filter(
        crossing=crossing, status__in=[Entry.Status.IN_PROGRESS, Entry.Status.HELD], called_at__isnull=True
    )
    return qs if direction is None else qs.filter(direction=direction)


def throughput_per_hour(crossing: Crossing, direction: str, now: datetime.datetime) -> float:
    recent = Entry.objects.filter(
        crossing=crossing, direction=direction, called_at__gte=now - WAIT_WINDOW, called_at__lte=now
    ).count()
    per_hour = recent / (WAIT_WINDOW.total_seconds() / 3600)
    # Night or a fresh crossing: fall back to its nominal capacity rather than "infinite wait".
    return per_hour if per_hour >= 1 else float(crossing.hourly_capacity)


def board_compute(crossing: Crossing, *, now: datetime.datetime | None = None, queue_limit: int = 30) -> dict:
    now = now or timezone.now()
    yards = []
    inside = dict(
        Entry.objects.filter(current_yard__crossing=crossing)
        .values("current_yard_id")
        .annotate(n=Count("pk"))
        .values_list("current_yard_id", "n")
    )
    for y in Yard.objects.filter(crossing=crossing, is_active=True).order_by("code"):
        n = inside.get(y.pk, 0)
        yards.append(
            {
                "code": y.code,
                "name": y.name,
                "capacity": y.capacity,
                "vehicles": n,
                "percent": round(100 * n / y.capacity) if y.capacity else 0,
            }
        )
    directions = []
    for direction, label in Direction.choices:
        waiting = _waiting(crossing, direction)
        queue = list(
            waiting.filter(arrived_at__isnull=False)
            .select_related("vehicle", "current_step__step")
            .order_by("-perishable", "arrived_at", "pk")[:queue_limit]
        )
        directions.append(
            {
                "direction": direction,
                "label": str(label),
                "waiting": waiting.count(),
                # the same figure as the operations centre's indicator over the same hours
                "avg_wait_minutes": average_wait_minutes(
                    now - WAIT_WINDOW, now, crossing=crossing, direction=direction
                ),
                "throughput_per_hour": round(throughput_per_hour(crossing, direction, now), 1),
                "queue": [
                    {
                        "position": i,
                        "code": e.code,
                        "plate": e.vehicle.plate_display,
                        "perishable": e.perishable,
                        "arrived_at": timezone.localtime(e.arrived_at).isoformat(),
                        "step": e.current_step.step.name if e.current_step else "",
                        "ready": bool(e.current_step and e.current_step.step.requires_call),
                    }
                    for i, e in enumerate(queue, start=1)
                ],
            }
        )
    waiting_total = sum(d["waiting"] for d in directions)
    return {
        "crossing": crossing.code,
        "name": crossing.name,
        "yards": yards,
        "directions": directions,
        "waiting": waiting_total,
        "band": congestion.band(waiting_total),
        "computed_at": timezone.localtime(now).isoformat(),
        "window_hours": wait_window_hours(),
    }


def board(crossing: Crossing) -> dict:
    """The crossing's board, from the copy the queue task stores (see BOARD_MAX_AGE)."""
    return _cached(board_cache_key(crossing.pk), lambda: board_compute(crossing))


def public_board() -> list[dict]:
    """Per crossing: vehicles waiting, congestion band, cleared today. No personal data.
    From the copy the queue task stores (see BOARD_MAX_AGE)."""
    return _cached(public_board_cache_key(), public_board_compute)


def public_board_compute() -> list[dict]:
    today = timezone.localdate()
    start = datetime.datetime.combine(today, datetime.time.min, tzinfo=timezone.get_current_timezone())
    waiting = dict(
        Entry.objects.filter(status__in=[Entry.Status.IN_PROGRESS, Entry.Status.HELD], called_at__isnull=True)
        .values("crossing_id")
        .annotate(n=Count("pk"))
        .values_list("crossing_id", "n")
    )
    cleared = dict(
        Entry.objects.filter(status=Entry.Status.CROSSED, closed_at__gte=start)
        .values("crossing_id")
        .annotate(n=Count("pk"))
        .values_list("crossing_id", "n")
    )
    outside = dict(
        Entry.objects.filter(status=Entry.Status.DECLARED, expected_arrival__lte=timezone.now())
        .values("crossing_id")
        .annotate(n=Count("pk"))
        .values_list("crossing_id", "n")
    )
    rows = []
    for c in Crossing.objects.filter(is_active=True).order_by("position"):
        n = waiting.get(c.pk, 0)
        rows.append(
            {
                "code": c.code,
                "name": c.name,
                "waiting": n,
                "band": congestion.band(n),
                "cleared_today": cleared.get(c.pk, 0),
                "expected_outside": outside.get(c.pk, 0),
            }
        )
    return rows


def driver_status(entry: Entry, *, now: datetime.datetime | None = None) -> dict:
    """What the driver's page shows: status, step, queue position and estimated wait."""
    now = now or timezone.now()
    position = None
    eta_minutes = None
    if entry.status in (Entry.Status.IN_PROGRESS, Entry.Status.HELD) and entry.called_at is None and entry.arrived_at:
        ahead = (
            _waiting(entry.crossing, entry.direction)
            .filter(arrived_at__isnull=False)
            .filter(
                Q(perishable__gt=entry.perishable)
                | Q(perishable=entry.perishable, arrived_at__lt=entry.arrived_at)
                | Q(perishable=entry.perishable, arrived_at=entry.arrived_at, pk__lt=entry.pk)
            )
            .count()
        )
        position = ahead + 1
        eta_minutes = round(60 * position / throughput_per_hour(entry.crossing, entry.direction, now))
    # The estimate comes from the trucks called in the board's window (throughput_per_hour), the
    # period both pages state.
    return {"position": position, "eta_minutes": eta_minutes, "window_hours": wait_window_hours()}


def entry_for_driver(code: str, phone: str) -> Entry | None:
    """The entry whose code and driver's phone (normalised) both match; None otherwise, with no hint
    of which one did not (the page must not tell whether a code exists)."""
    if not code or not phone:
        return None
    return Entry.objects.filter(code=code, driver_phone=phone).only("token").first()


def entry_by_token(token: str) -> Entry | None:
    if not token or len(token) > 64:
        return None
    return (
        Entry.objects.select_related("crossing", "vehicle", "current_step__step", "current_yard")
        .filter(token=token)
        .first()
    )


# -- reports and indicators ---------------------------------------------------------------------


def reports(limit: int = 60) -> list[DailyReport]:
    return list(DailyReport.objects.order_by("-date")[:limit])


def average_wait_minutes(start, end, *, crossing: Crossing | None = None, direction: str | None = None) -> float | None:
    """The one waiting time the portal reports — the board, the operations centre's indicator and
    the daily figures: from a truck's arrival at the crossing to its call, averaged over the trucks
    called in [start, end). None when no truck was called then."""
    qs = Entry.objects.filter(called_at__gte=start, called_at__lt=end, arrived_at__isnull=False)
    if crossing is not None:
        qs = qs.filter(crossing=crossing)
    if direction:
        qs = qs.filter(direction=direction)
    avg = qs.aggregate(avg=Avg(F("called_at") - F("arrived_at")))["avg"]
    return round(avg.total_seconds() / 60, 1) if avg is not None else None


def wait_window_hours() -> int:
    """The board's and the driver's estimate's period, in hours (said on both pages)."""
    return int(WAIT_WINDOW.total_seconds() // 3600)
