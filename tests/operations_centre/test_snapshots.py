"""The snapshot job: periods, idempotence, history, resumability, on-demand refresh."""

import datetime as dt
from unittest import mock

import pytest

from core.audit.models import AuditLog
from core.indicators import services
from core.indicators.models import IndicatorSnapshot, SnapshotRun
from tests.operations_centre.conftest import COMMUNE_A, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker():
    # Runs are executed explicitly in these tests; never publish to the shared Redis broker.
    with mock.patch("core.indicators.tasks.snapshot_run_execute.delay") as delay:
        yield delay


def test_periods_are_local_days_and_hours():
    start, end = services.period_for("daily", at(2026, 11, 27, 0) + dt.timedelta(minutes=20))
    assert (start, end) == (at(2026, 11, 26), at(2026, 11, 27))
    start, end = services.period_for("daily", at(2026, 11, 27, 10), current=True)
    assert (start, end) == (at(2026, 11, 27), at(2026, 11, 28))
    start, end = services.period_for("hourly", at(2026, 11, 27, 10) + dt.timedelta(minutes=5))
    assert (start, end) == (at(2026, 11, 27, 9), at(2026, 11, 27, 10))


def test_scheduled_run_computes_province_and_every_commune(fake_registry, calls):
    run = services.snapshot_schedule(frequency="daily", now=at(2026, 11, 27, 0), enqueue=False)
    run = services.snapshot_run_execute(run_id=run.pk)
    assert run.status == SnapshotRun.Status.DONE
    # share: province + 65 communes; count: province only; the hourly indicator is not in a daily run.
    assert run.total_steps == run.completed_steps == 1 + 65 + 1
    rows = IndicatorSnapshot.objects.filter(period_end=at(2026, 11, 27))
    assert rows.filter(indicator_code="test.share", commune_code__isnull=True).get().value == 55.0
    assert rows.get(indicator_code="test.share", commune_code=COMMUNE_A).value == float(COMMUNE_A % 100)
    assert rows.filter(indicator_code="test.share").count() == 66
    assert rows.get(indicator_code="test.count").value == 27.0  # the fake returns the end day
    assert not rows.filter(indicator_code="test.waiting").exists()
    actions = set(AuditLog.objects.filter(object_id=str(run.pk)).values_list("action", flat=True))
    assert {
        "indicators.snapshot_run.schedule",
        "indicators.snapshot_run.start",
        "indicators.snapshot_run.complete",
    } <= actions


def test_beat_firing_twice_and_running_twice_change_nothing(fake_registry, calls):
    first = services.snapshot_schedule(
        frequency="daily",
        now=at(
            2026,
            11,
            27,
            0,
        ),
        enqueue=False,
    )
    again = services.snapshot_schedule(
        frequency="daily", now=at(2026, 11, 27, 0) + dt.timedelta(minutes=3), enqueue=False
    )
    assert first.pk == again.pk
    services.snapshot_run_execute(run_id=first.pk)
    before = IndicatorSnapshot.objects.count()
    n_calls = len(calls.log)
    services.snapshot_run_execute(run_id=first.pk)
    assert IndicatorSnapshot.objects.count() == before
    assert len(calls.log) == n_calls  # a finished run is not recomputed


def test_history_is_kept_one_point_per_period(fake_registry):
    for day in (25, 26, 27):
        run = services.snapshot_schedule(frequency="daily", now=at(2026, 11, day, 1), enqueue=False)
        services.snapshot_run_execute(run_id=run.pk)
    history = list(
        IndicatorSnapshot.objects.filter(indicator_code="test.count", commune_code__isnull=True)
        .order_by("period_end")
        .values_list("period_end", "value")
    )
    assert history == [(at(2026, 11, 25), 25.0), (at(2026, 11, 26), 26.0), (at(2026, 11, 27), 27.0)]


def test_a_crashed_run_resumes_at_the_failed_step(fake_registry, calls):
    calls.fail_on = 6184  # a commune in the middle of the list
    run = services.snapshot_schedule(frequency="daily", now=at(2026, 11, 27, 1), enqueue=False)
    run = services.snapshot_run_execute(run_id=run.pk)
    assert run.status == SnapshotRun.Status.FAILED
    assert "pillar database unavailable" in run.error
    done_before = run.completed_steps
    assert 0 < done_before < run.total_steps
    assert AuditLog.objects.filter(action="indicators.snapshot_run.fail", object_id=str(run.pk)).exists()

    calls.fail_on = None
    calls.log.clear()
    services.snapshot_run_retry(run=run)
    run = services.snapshot_run_execute(run_id=run.pk)
    assert run.status == SnapshotRun.Status.DONE
    assert run.completed_steps == run.total_steps
    # Only the remaining steps were computed: the failed commune first, nothing before it again.
    assert len(calls.log) == run.total_steps - done_before
    assert calls.log[0] == ("share", at(2026, 11, 27), 6184)
    assert IndicatorSnapshot.objects.filter(indicator_code="test.share", period_end=at(2026, 11, 27)).count() == 66


def test_a_run_whose_worker_died_is_taken_over_after_the_stale_delay(fake_registry):
    run = services.snapshot_schedule(frequency="daily", now=at(2026, 11, 27, 1), enqueue=False)
    SnapshotRun.objects.filter(pk=run.pk).update(
        status="running", heartbeat_at=at(2026, 11, 27, 1), completed_steps=10, total_steps=67
    )
    # Fresh heartbeat: another worker is on it, leave it alone.
    assert (
        services.snapshot_run_execute(run_id=run.pk, now=at(2026, 11, 27, 1) + dt.timedelta(minutes=1)).status
        == "running"
    )
    resumed = services.snapshot_run_execute(run_id=run.pk, now=at(2026, 11, 27, 2))
    assert resumed.status == SnapshotRun.Status.DONE
    assert AuditLog.objects.filter(action="indicators.snapshot_run.resume", object_id=str(run.pk)).exists()


def test_recover_re_enqueues_lost_and_dead_runs(fake_registry, _no_broker, django_capture_on_commit_callbacks):
    lost = services.snapshot_schedule(frequency="daily", now=at(2026, 11, 20, 1), enqueue=False)
    SnapshotRun.objects.filter(pk=lost.pk).update(created_at=at(2026, 11, 20, 1))
    with django_capture_on_commit_callbacks(execute=True):
        ids = services.snapshot_runs_recover(now=at(2026, 11, 20, 2))
    assert lost.pk in ids
    _no_broker.assert_called_with(lost.pk)


def test_on_demand_refresh_is_provisional_and_a_double_click_joins_the_same_run(
    fake_registry, province_leader, _no_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.snapshot_refresh_request(
            indicator_code="test.share", actor=province_leader, now=at(2026, 11, 27, 10)
        )
        again = services.snapshot_refresh_request(
            indicator_code="test.share", actor=province_leader, now=at(2026, 11, 27, 10)
        )
    assert run.pk == again.pk
    _no_broker.assert_called_once_with(run.pk)
    assert (run.period_start, run.period_end, run.provisional) == (at(2026, 11, 27), at(2026, 11, 28), True)
    services.snapshot_run_execute(run_id=run.pk)
    point = IndicatorSnapshot.objects.get(
        indicator_code="test.share", commune_code__isnull=True, period_end=at(2026, 11, 28)
    )
    assert point.provisional
    # The nightly run for that day later finalises the same point (same key), not a second one.
    final = services.snapshot_schedule(frequency="daily", now=at(2026, 11, 28, 0), enqueue=False)
    services.snapshot_run_execute(run_id=final.pk)
    point.refresh_from_db()
    assert not point.provisional
    assert AuditLog.objects.filter(action="indicators.snapshot_run.request", actor=province_leader).count() == 1


def test_unknown_indicator_cannot_be_refreshed(fake_registry, province_leader):
    with pytest.raises(KeyError):
        services.snapshot_refresh_request(indicator_code="nope", actor=province_leader)


def test_backfill_computes_history_and_is_idempotent(fake_registry, calls):
    assert services.snapshot_backfill(frequency="daily", periods=3, now=at(2026, 11, 27, 1)) == 3
    assert services.snapshot_backfill(frequency="daily", periods=3, now=at(2026, 11, 27, 1)) == 0
    assert IndicatorSnapshot.objects.filter(indicator_code="test.count").count() == 3
