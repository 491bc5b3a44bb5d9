"""The snapshot job every pillar's indicators share: snapshot runs (scheduled, on demand, live),
their execution and recovery, and the generation counter that cached readers key on. Keyword-only
functions, one transaction each, audited. Targets and the DTI self-assessment are the operations
centre's (government.operations_centre.services)."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit.services import audit_record
from core.indicators import registry
from core.indicators.models import IndicatorSnapshot, SnapshotRun
from core.indicators.registry import LOCAL

logger = logging.getLogger(__name__)

FREQUENCIES = ("hourly", "daily")
# A running run whose heartbeat is older than this is considered dead (worker killed) and resumable.
STALE_AFTER = timedelta(minutes=10)
GENERATION_KEY = "indicators:generation"


class SnapshotError(Exception):
    pass


def _frequency_of(indicator: registry.Indicator) -> str:
    return "hourly" if indicator.frequency == "hourly" else "daily"


def period_for(frequency: str, moment: datetime, *, current: bool = False) -> tuple[datetime, datetime]:
    """The half-open period `[start, end)` in local time: the one just ended before `moment`, or with
    `current=True` the one still open (used by on-demand refreshes: a provisional point)."""
    local = moment.astimezone(LOCAL)
    if frequency == "hourly":
        start = local.replace(minute=0, second=0, microsecond=0)
        step = timedelta(hours=1)
    elif frequency == "daily":
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        step = timedelta(days=1)
    else:
        raise ValueError(f"unknown frequency {frequency!r}")
    if not current:
        start = _shift(start, -step, frequency)
    return start, _shift(start, step, frequency)


def _shift(moment: datetime, step: timedelta, frequency: str) -> datetime:
    # Vietnam has no daylight saving time, but shift in wall-clock terms anyway so a day stays a day.
    naive = moment.replace(tzinfo=None) + step
    return naive.replace(tzinfo=LOCAL)


def cache_key(name: str) -> str:
    """Cache keys carry the database name: several databases may share one Redis (parallel test
    runs, staging next to production) and must never read each other's figures."""
    from django.db import connection

    return f"indicators:{connection.settings_dict['NAME']}:{name}"


_local_generation: dict[str, tuple[float, int]] = {}
GENERATION_LOCAL_SECONDS = 2.0


def generation() -> int:
    """A counter bumped whenever snapshots change; cached dashboard payloads are keyed on it. Each
    process remembers it for two seconds (one Redis round trip less per page view; a finished run
    shows up at most two seconds later)."""
    import time

    key = cache_key(GENERATION_KEY)
    hit = _local_generation.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < GENERATION_LOCAL_SECONDS:
        return hit[1]
    value = _generation_from_cache(key)
    _local_generation[key] = (now, value)
    return value


_highest_generation = 0  # the highest generation this process has seen (see _fresh_generation)


def _fresh_generation() -> int:
    """Where a counter starts when Redis has none (first start, or Redis flushed or restarted: it is
    not the source of truth). Not 1: web processes keep payloads keyed by generation in memory
    (government.operations_centre.caching), and a counter starting again at 1 would hand them the
    keys of payloads computed from older snapshots. Microseconds since the epoch are beyond any
    value a previous counter reached by bumps — unless the clock was set back (NTP stepping it, a
    restored VM), so the start is also above every generation this process has seen."""
    import time

    return max(time.time_ns() // 1000, _highest_generation + 1)


def _seen(value: int) -> int:
    global _highest_generation
    _highest_generation = max(_highest_generation, value)
    return value


def _generation_from_cache(key: str) -> int:
    value = cache.get(key)
    if value is None:
        cache.add(key, _fresh_generation(), timeout=None)
        value = cache.get(key) or _fresh_generation()
    return _seen(value)


def bump_generation() -> None:
    key = cache_key(GENERATION_KEY)
    _local_generation.pop(key, None)
    try:
        _seen(cache.incr(key))
    except ValueError:
        cache.set(key, _seen(_fresh_generation()), timeout=None)


def _enqueue(run: SnapshotRun) -> None:
    from core.indicators import tasks

    transaction.on_commit(lambda: tasks.snapshot_run_execute.delay(run.pk))


def snapshot_schedule(*, frequency: str, now: datetime | None = None, enqueue: bool = True) -> SnapshotRun:
    """Create the scheduled run for the `frequency` period that has just ended (or return the one that
    exists: beat firing twice does no harm) and enqueue it after commit."""
    if frequency not in FREQUENCIES:
        raise ValueError(f"unknown frequency {frequency!r}")
    start, end = period_for(frequency, now or timezone.now())
    with transaction.atomic():
        run, created = SnapshotRun.objects.get_or_create(
            kind=SnapshotRun.Kind.SCHEDULED,
            frequency=frequency,
            period_end=end,
            defaults={"period_start": start},
        )
        if created:
            audit_record(
                actor=None,
                actor_label="celery-beat",
                action="indicators.snapshot_run.schedule",
                obj=run,
                after={"frequency": frequency, "period_start": start, "period_end": end},
            )
            if enqueue:
                _enqueue(run)
    return run


def snapshot_refresh_request(*, indicator_code: str, actor, now: datetime | None = None) -> SnapshotRun:
    """An official asks to recompute one indicator now. Computes the current, still-open period (a
    provisional point the scheduled run later finalises). A second request while one is under way
    returns that run instead of starting another. Raises KeyError for an unknown indicator."""
    indicator = registry.get(indicator_code)
    frequency = _frequency_of(indicator)
    start, end = period_for(frequency, now or timezone.now(), current=True)
    try:
        with transaction.atomic():
            existing = (
                SnapshotRun.objects.select_for_update()
                .filter(kind=SnapshotRun.Kind.ON_DEMAND, indicator_code=indicator_code, status__in=SnapshotRun.ACTIVE)
                .first()
            )
            if existing:
                return existing
            run = SnapshotRun.objects.create(
                kind=SnapshotRun.Kind.ON_DEMAND,
                frequency=frequency,
                indicator_code=indicator_code,
                period_start=start,
                period_end=end,
                provisional=True,
                requested_by=actor,
            )
            audit_record(
                actor=actor,
                action="indicators.snapshot_run.request",
                obj=run,
                after={"indicator": indicator_code, "period_start": start, "period_end": end},
            )
            _enqueue(run)
            return run
    except IntegrityError:
        # Two clicks raced past the check: the partial unique constraint let one through.
        return SnapshotRun.objects.get(
            kind=SnapshotRun.Kind.ON_DEMAND, indicator_code=indicator_code, status__in=SnapshotRun.ACTIVE
        )


def snapshot_live_refresh(*, now: datetime | None = None) -> SnapshotRun:
    """A provisional point of the current hour for every hourly indicator (the live border panel).
    Joins the live run already under way, if any (same rule as an official's refresh)."""
    start, end = period_for("hourly", now or timezone.now(), current=True)
    try:
        with transaction.atomic():
            existing = SnapshotRun.objects.filter(
                kind=SnapshotRun.Kind.ON_DEMAND, indicator_code="", status__in=SnapshotRun.ACTIVE
            ).first()
            if existing:
                return existing
            run = SnapshotRun.objects.create(
                kind=SnapshotRun.Kind.ON_DEMAND,
                frequency="hourly",
                indicator_code="",
                period_start=start,
                period_end=end,
                provisional=True,
            )
            audit_record(
                actor=None,
                actor_label="celery-beat",
                action="indicators.snapshot_run.live",
                obj=run,
                after={"period_start": start, "period_end": end},
            )
            _enqueue(run)
            return run
    except IntegrityError:
        return SnapshotRun.objects.get(
            kind=SnapshotRun.Kind.ON_DEMAND, indicator_code="", status__in=SnapshotRun.ACTIVE
        )


def snapshot_backfill(*, frequency: str, periods: int, now: datetime | None = None, log=None) -> int:
    """Compute the last `periods` periods of `frequency` synchronously, oldest first (history for a new
    installation, demo data, benchmarks). Idempotent: a period whose run is done is skipped."""
    now = now or timezone.now()
    step = timedelta(hours=1) if frequency == "hourly" else timedelta(days=1)
    computed = 0
    for k in range(periods, 0, -1):
        moment = now - step * (k - 1)
        run = snapshot_schedule(frequency=frequency, now=moment, enqueue=False)
        if run.status == SnapshotRun.Status.DONE:
            continue
        snapshot_run_execute(run_id=run.pk, now=moment)
        computed += 1
        if log and computed % 50 == 0:
            log(f"{frequency}: {computed} periods computed")
    return computed


@dataclass(frozen=True)
class Step:
    indicator_code: str
    kind: str  # province | by_commune | commune
    commune_code: int | None = None


def run_indicators(run: SnapshotRun) -> list[registry.Indicator]:
    if run.indicator_code:
        try:
            return [registry.get(run.indicator_code)]
        except KeyError:
            return []
    return [i for i in registry.all_indicators() if _frequency_of(i) == run.frequency]


def run_steps(run: SnapshotRun) -> list[Step]:
    """The run's steps in a fixed order, so `completed_steps` says exactly where to resume."""
    steps: list[Step] = []
    communes = None
    for indicator in run_indicators(run):
        steps.append(Step(indicator.code, "province"))
        if not indicator.by_commune:
            continue
        if indicator.compute_by_commune is not None:
            steps.append(Step(indicator.code, "by_commune"))
        else:
            communes = communes if communes is not None else registry.commune_codes()
            steps.extend(Step(indicator.code, "commune", code) for code in communes)
    return steps


def _clean(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if value != value else value  # NaN → no data


def _compute_step(step: Step, run: SnapshotRun) -> list[tuple[int | None, float | None]]:
    indicator = registry.get(step.indicator_code)
    if step.kind == "province":
        return [(None, _clean(indicator.compute(run.period_start, run.period_end)))]
    if step.kind == "by_commune":
        values = indicator.compute_by_commune(run.period_start, run.period_end) or {}
        return [(int(code), _clean(value)) for code, value in values.items()]
    return [(step.commune_code, _clean(indicator.compute(run.period_start, run.period_end, step.commune_code)))]


def _store(run: SnapshotRun, indicator_code: str, values: list[tuple[int | None, float | None]]) -> None:
    now = timezone.now()
    rows = [
        IndicatorSnapshot(
            indicator_code=indicator_code,
            period_start=run.period_start,
            period_end=run.period_end,
            commune_code=code,
            value=value,
            provisional=run.provisional,
            computed_at=now,
            run=run,
        )
        for code, value in values
    ]
    if not rows:
        return
    IndicatorSnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["indicator_code", "period_end", "commune_code"],
        update_fields=["value", "period_start", "provisional", "computed_at", "run"],
    )


def _claim(run_id: int, now: datetime) -> tuple[SnapshotRun | None, int]:
    """Lock the run and move it to running. Returns (run, steps) or (None, 0) when there is nothing to do."""
    with transaction.atomic():
        run = SnapshotRun.objects.select_for_update(skip_locked=True).filter(pk=run_id).first()
        if run is None or run.status == SnapshotRun.Status.DONE:
            return None, 0
        if run.status == SnapshotRun.Status.RUNNING and run.heartbeat_at and now - run.heartbeat_at < STALE_AFTER:
            return None, 0  # another worker is on it
        steps = len(run_steps(run))
        before = {"status": run.status, "completed_steps": run.completed_steps}
        resuming = run.status == SnapshotRun.Status.RUNNING or run.completed_steps > 0
        run.status = SnapshotRun.Status.RUNNING
        run.attempts += 1
        run.total_steps = steps
        run.completed_steps = min(run.completed_steps, steps)
        run.started_at = run.started_at or now
        run.heartbeat_at = now
        run.error = ""
        run.save()
        audit_record(
            actor=None,
            actor_label="celery",
            action="indicators.snapshot_run.resume" if resuming else "indicators.snapshot_run.start",
            obj=run,
            before=before,
            after={"status": run.status, "completed_steps": run.completed_steps, "total_steps": steps},
        )
        return run, steps


def _finish(run: SnapshotRun, status: str, error: str = "") -> None:
    with transaction.atomic():
        locked = SnapshotRun.objects.select_for_update().get(pk=run.pk)
        before = {"status": locked.status}
        locked.status = status
        locked.error = error[:4000]
        locked.finished_at = timezone.now()
        locked.heartbeat_at = locked.finished_at
        locked.save(update_fields=["status", "error", "finished_at", "heartbeat_at"])
        audit_record(
            actor=None,
            actor_label="celery",
            action=f"indicators.snapshot_run.{'complete' if status == SnapshotRun.Status.DONE else 'fail'}",
            obj=locked,
            before=before,
            after={"status": status, "completed_steps": locked.completed_steps, "error": error[:200]},
        )
        transaction.on_commit(bump_generation)
    run.refresh_from_db()


def snapshot_run_execute(*, run_id: int, now: datetime | None = None) -> SnapshotRun | None:
    """Compute every step of the run still to do, storing each step's values and progress in its own
    transaction (so an official polling the run sees the progress, and a crash loses at most one
    step). Idempotent: a finished run is left alone; values are upserted by (indicator, period end,
    commune). A failing indicator marks the run failed with the error and re-raises nothing: the run
    can be retried (snapshot_run_retry) and resumes at the failed step."""
    run, _total = _claim(run_id, now or timezone.now())
    if run is None:
        return SnapshotRun.objects.filter(pk=run_id).first()
    steps = run_steps(run)
    position = run.completed_steps
    for step in steps[position:]:
        try:
            values = _compute_step(step, run)
        except Exception as exc:
            logger.exception("indicator %s failed in run %s", step.indicator_code, run.pk)
            _finish(run, SnapshotRun.Status.FAILED, f"{step.indicator_code}: {exc!r}")
            return run
        with transaction.atomic():
            _store(run, step.indicator_code, values)
            # Guarded by the expected position: if another worker resumed this run meanwhile, stop.
            moved = SnapshotRun.objects.filter(
                pk=run.pk, status=SnapshotRun.Status.RUNNING, completed_steps=position
            ).update(completed_steps=position + 1, heartbeat_at=timezone.now())
            if not moved:
                transaction.set_rollback(True)
                return SnapshotRun.objects.get(pk=run.pk)
        position += 1
    _finish(run, SnapshotRun.Status.DONE)
    return run


def snapshot_run_retry(*, run: SnapshotRun, actor=None) -> SnapshotRun:
    """failed → pending: the run resumes at the step that failed."""
    with transaction.atomic():
        locked = SnapshotRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != SnapshotRun.Status.FAILED:
            raise SnapshotError("only a failed run can be retried")
        locked.status = SnapshotRun.Status.PENDING
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor,
            actor_label="" if actor else "celery-beat",
            action="indicators.snapshot_run.retry",
            obj=locked,
            before={"status": SnapshotRun.Status.FAILED},
            after={"status": SnapshotRun.Status.PENDING},
        )
        _enqueue(locked)
    return locked


def snapshot_runs_recover(*, now: datetime | None = None, max_attempts: int = 3) -> list[int]:
    """Beat safety net (the database is the source of truth): re-enqueue runs whose message was lost
    (pending for long), whose worker died (running with a stale heartbeat), and scheduled runs that
    failed fewer than `max_attempts` times."""
    now = now or timezone.now()
    ids: list[int] = []
    stale = now - STALE_AFTER
    lost = SnapshotRun.objects.filter(status=SnapshotRun.Status.PENDING, created_at__lt=stale)
    dead = SnapshotRun.objects.filter(status=SnapshotRun.Status.RUNNING, heartbeat_at__lt=stale)
    for run in list(lost) + list(dead):
        with transaction.atomic():
            _enqueue(run)
        ids.append(run.pk)
    failed = SnapshotRun.objects.filter(
        status=SnapshotRun.Status.FAILED, kind=SnapshotRun.Kind.SCHEDULED, attempts__lt=max_attempts
    )
    for run in failed:
        snapshot_run_retry(run=run)
        ids.append(run.pk)
    return ids
