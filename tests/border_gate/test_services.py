"""The pipeline's services: order enforcement, conditional steps, lanes, corrections, holds,
rejections, yards, the queue and audit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from border_gate import congestion, selectors, services
from border_gate.models import Entry, EntryStep, EntryVersion, GoodsLine, Yard, YardEvent
from core.audit.models import AuditLog

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]

FRUIT = services.GoodsData("08106000", "Sầu riêng tươi", "fresh_fruit", 20000, 900_000_000, True)
MACHINES = services.GoodsData("84248200", "Máy phun tưới", "general", 8000, 500_000_000, False)
SHRIMP = services.GoodsData("03061700", "Tôm đông lạnh", "seafood", 10000, 700_000_000, True)


def codes(entry):
    return [s.step.code for s in entry.steps.select_related("step").order_by("position") if s.status != "skipped"]


def current(entry):
    return Entry.objects.get(pk=entry.pk).current_step


def test_declaration_materialises_the_pipeline_with_conditional_steps(declare):
    fruit = declare()
    assert codes(fruit) == [
        "checkin",
        "health",
        "yard_entry",
        "plant_quarantine",
        "customs",
        "fee",
        "immigration",
        "exit_control",
    ]
    machines = declare(goods=[MACHINES], vehicle_plate="29C-555.66")
    assert "plant_quarantine" not in codes(machines) and "animal_quarantine" not in codes(machines)
    shrimp = declare(goods=[SHRIMP], vehicle_plate="29C-555.67")
    assert "animal_quarantine" in codes(shrimp) and "plant_quarantine" not in codes(shrimp)
    assert fruit.status == "declared" and fruit.current_step.step.code == "checkin"
    assert fruit.perishable and fruit.is_fruit and fruit.version == 1
    assert fruit.versions.get().number == 1
    assert AuditLog.objects.filter(action="border_gate.entry.declare", object_id=str(fruit.pk)).exists()


def test_import_pipeline_starts_at_the_border_guard_barrier(declare):
    entry = declare(direction="import", regime="import", goods=[MACHINES])
    assert codes(entry)[0] == "border_control" and codes(entry)[-1] == "gate_exit"


def test_declaration_rejects_bad_input_field_by_field(declare):
    with pytest.raises(ValidationError) as exc:
        declare(
            vehicle_plate="桂AB1234",
            driver_phone="12345",
            driver_id_number="999",
            customs_declaration_number="12",
            containers=[("CSQU3054384", 40)],
            goods=[services.GoodsData("7700", "", "nonsense", 0, -1)],
            expected_arrival=timezone.now() - datetime.timedelta(days=2),
        )
    errors = exc.value.message_dict
    for key in (
        "vehicle_plate",
        "driver_phone",
        "driver_id_number",
        "customs_declaration_number",
        "containers",
        "goods-1-hs_code",
        "goods-1-description",
        "goods-1-goods_type",
        "goods-1-weight_kg",
        "goods-1-value_vnd",
        "expected_arrival",
    ):
        assert key in errors, key
    assert Entry.objects.count() == 0


def test_foreign_plates_are_their_own_validated_kind(declare):
    entry = declare(vehicle_plate="桂A·12345", vehicle_country="CN")
    assert entry.vehicle.plate_kind == "foreign" and entry.vehicle.plate == "桂A12345"
    with pytest.raises(ValidationError):
        declare(vehicle_plate="12C-123.45", vehicle_country="CN")


def test_same_submission_key_returns_the_same_entry(enterprise_rep):
    data = {
        "crossing": selectors.Crossing.objects.get(code="huu-nghi"),
        "direction": "export",
        "regime": "export",
        "vehicle_plate": "12C-123.45",
        "driver_name": "A",
        "driver_id_kind": "cccd",
        "driver_id_number": "020090000999",
        "driver_phone": "0912000111",
        "expected_arrival": timezone.now() + datetime.timedelta(hours=1),
        "goods": [FRUIT],
    }
    first = services.entry_declare(actor=enterprise_rep, data=services.DeclarationData(**data), submission_key="k1")
    second = services.entry_declare(actor=enterprise_rep, data=services.DeclarationData(**data), submission_key="k1")
    assert first.pk == second.pk and Entry.objects.count() == 1


def test_no_step_can_be_skipped_or_done_twice(declare, officer_factory):
    entry = declare()
    health = entry.steps.get(step__code="health")
    health_officer = officer_factory("health_quarantine")
    # The health step is not current yet: it cannot be taken nor decided.
    with pytest.raises(services.TransitionError):
        services.step_take(officer=health_officer, entry_step=health)
    with pytest.raises(services.TransitionError):
        services.step_pass(actor=None, entry_step=health, actor_label="system")
    checkin = entry.current_step
    gate = officer_factory("gate_board")
    services.step_take(officer=gate, entry_step=checkin)
    services.step_pass(actor=gate, entry_step=checkin)
    # Passing again (double submit) changes nothing.
    services.step_pass(actor=gate, entry_step=checkin)
    assert AuditLog.objects.filter(action="border_gate.entry.pass", object_id=str(entry.pk)).count() == 1
    assert current(entry).step.code == "health"
    # Another officer cannot decide the passed step again.
    other_gate = officer_factory("gate_board", n=1)
    with pytest.raises(services.TransitionError):
        services.step_pass(actor=other_gate, entry_step=checkin)
    entry.refresh_from_db()
    assert entry.status == "in_progress" and entry.arrived_at is not None


def test_an_officer_acts_only_at_their_force_and_crossing(declare, officer_factory, customs_officer):
    entry = declare()
    with pytest.raises(services.TransitionError):
        services.step_take(officer=customs_officer, entry_step=entry.current_step)  # check-in is the gate board's
    tan_thanh_gate = officer_factory("gate_board", crossing="tan-thanh")
    with pytest.raises(services.TransitionError):
        services.step_take(officer=tan_thanh_gate, entry_step=entry.current_step)
    assert services.step_take_next(officer=tan_thanh_gate) is None


def test_decisions_require_taking_first(declare, officer_factory):
    entry = declare()
    gate = officer_factory("gate_board")
    with pytest.raises(services.TransitionError):
        services.step_pass(actor=gate, entry_step=entry.current_step)


def test_take_next_orders_perishables_first_then_arrival(declare, officer_factory, run_pipeline):
    slow = declare(goods=[MACHINES], vehicle_plate="29C-111.11")
    fast = declare(vehicle_plate="29C-222.22")
    # Both at the health step; the machines truck arrived first.
    run_pipeline(slow, until="health")
    run_pipeline(fast, until="health")
    health = officer_factory("health_quarantine")
    first = services.step_take_next(officer=health)
    assert first.entry_id == fast.pk  # perishable first despite arriving later
    # The officer asking again gets the step they already hold, not a second one.
    assert services.step_take_next(officer=health).pk == first.pk
    second = services.step_take_next(officer=officer_factory("health_quarantine", n=1))
    assert second.entry_id == slow.pk
    assert services.step_take_next(officer=officer_factory("health_quarantine", n=2)) is None


def test_hold_then_resume_then_pass(declare, officer_factory, run_pipeline):
    entry = run_pipeline(declare(), until="health")
    officer = officer_factory("health_quarantine")
    es = services.step_take_next(officer=officer)
    with pytest.raises(ValidationError):
        services.step_hold(actor=officer, entry_step=es, reason="  ")
    services.step_hold(actor=officer, entry_step=es, reason="Lái xe sốt, chờ xét nghiệm")
    entry.refresh_from_db()
    assert entry.status == "held" and entry.current_step.status == "held"
    assert selectors.step_queue(es.step)[0].status == "held"
    # A colleague resumes it.
    colleague = officer_factory("health_quarantine", n=1)
    services.step_take(officer=colleague, entry_step=es)
    services.step_pass(actor=colleague, entry_step=es)
    entry.refresh_from_db()
    assert entry.status == "in_progress" and entry.current_step.step.code == "yard_entry"


def test_reject_closes_the_entry_and_frees_the_yard(declare, officer_factory, run_pipeline):
    entry = run_pipeline(declare(), until="plant_quarantine")
    assert entry.current_yard is not None
    officer = officer_factory("plant_quarantine")
    es = services.step_take_next(officer=officer)
    services.step_reject(actor=officer, entry_step=es, reason="Phát hiện sinh vật gây hại")
    entry.refresh_from_db()
    assert entry.status == "rejected" and entry.closed_at and entry.current_step is None
    assert entry.current_yard is None
    assert YardEvent.objects.filter(entry=entry, kind="out").exists()
    with pytest.raises(services.TransitionError):
        services.step_take(officer=officer, entry_step=es)
    log = AuditLog.objects.get(action="border_gate.entry.reject", object_id=str(entry.pk))
    assert log.after["reason"] == "Phát hiện sinh vật gây hại"


def test_certificate_required_at_quarantine(declare, officer_factory, run_pipeline):
    run_pipeline(declare(), until="plant_quarantine")
    officer = officer_factory("plant_quarantine")
    es = services.step_take_next(officer=officer)
    with pytest.raises(ValidationError) as exc:
        services.step_pass(actor=officer, entry_step=es, data={})
    assert "certificate_number" in exc.value.message_dict
    services.step_pass(actor=officer, entry_step=es, data={"certificate_number": "KDTV 123/2026"})
    assert EntryStep.objects.get(pk=es.pk).data["certificate_number"] == "KDTV 123/2026"


def test_yard_capacity_is_enforced(declare, officer_factory, run_pipeline):
    yard = Yard.objects.filter(crossing__code="huu-nghi").first()
    yard.capacity = 1
    yard.save()
    run_pipeline(declare(vehicle_plate="29C-111.11"), until="plant_quarantine")
    second = run_pipeline(declare(vehicle_plate="29C-222.22"), until="yard_entry")
    gate = officer_factory("gate_board")
    es = services.step_take(officer=gate, entry_step=second.current_step)
    with pytest.raises(ValidationError) as exc:
        services.step_pass(actor=gate, entry_step=es, data={"yard": yard.pk})
    assert "yard" in exc.value.message_dict
    other = Yard.objects.filter(crossing__code="huu-nghi").exclude(pk=yard.pk).first()
    services.step_pass(actor=gate, entry_step=es, data={"yard": other.pk})


def test_customs_lanes_and_random_inspection(declare, customs_officer, run_pipeline):
    green = run_pipeline(declare(vehicle_plate="29C-111.11"), until="customs")
    services.customs_assign_lane(actor=customs_officer, entry=green, lane="green", rand=lambda: 0.99)
    green.refresh_from_db()
    assert green.lane == "green" and not green.inspection_required
    drawn = run_pipeline(declare(vehicle_plate="29C-222.22"), until="customs")
    services.customs_assign_lane(actor=customs_officer, entry=drawn, lane="yellow", rand=lambda: 0.01)
    drawn.refresh_from_db()
    assert drawn.inspection_required and drawn.inspection_random
    red = run_pipeline(declare(vehicle_plate="29C-333.33"), until="customs")
    services.customs_assign_lane(actor=customs_officer, entry=red, lane="red", rand=lambda: 0.99)
    red.refresh_from_db()
    assert red.inspection_required and not red.inspection_random
    # Passing customs needs a lane, and an inspection result when inspection is required.
    es = services.step_take(officer=customs_officer, entry_step=red.current_step)
    with pytest.raises(ValidationError) as exc:
        services.step_pass(actor=customs_officer, entry_step=es, data={})
    assert "inspection_result" in exc.value.message_dict
    services.step_pass(actor=customs_officer, entry_step=es, data={"inspection_result": "Đúng khai báo"})
    # After the decision the lane cannot be changed.
    with pytest.raises(services.TransitionError):
        services.customs_assign_lane(actor=customs_officer, entry=red, lane="green")


def test_customs_step_without_lane_cannot_pass(declare, customs_officer, run_pipeline):
    entry = run_pipeline(declare(), until="customs")
    es = services.step_take(officer=customs_officer, entry_step=entry.current_step)
    with pytest.raises(ValidationError) as exc:
        services.step_pass(actor=customs_officer, entry_step=es)
    assert "lane" in exc.value.message_dict


def test_random_inspection_share_is_the_crossings(declare, huu_nghi):
    import random

    huu_nghi.random_inspection_share = 0.2
    huu_nghi.save()
    rng = random.Random(42)
    drawn = 0
    n = 300
    for i in range(n):
        e = declare(vehicle_plate=f"29C-{100 + i // 100:03d}.{i % 100:02d}")
        services.customs_assign_lane(actor=None, entry=e, lane="green", actor_label="test", rand=rng.random)
        drawn += Entry.objects.get(pk=e.pk).inspection_random
    assert 0.13 * n < drawn < 0.27 * n


def test_full_export_journey_reaches_crossed(declare, run_pipeline, officer_factory):
    entry = run_pipeline(declare())
    assert entry.status == "crossed" and entry.closed_at is not None
    assert not entry.steps.filter(status__in=["pending", "taken", "held"]).exclude(step__condition="animal").exists()
    assert AuditLog.objects.filter(action="border_gate.entry.cross", object_id=str(entry.pk)).count() == 1
    assert entry.called_at is not None


def test_exit_control_waits_for_the_call(declare, run_pipeline, border_guard, officer_factory):
    entry = run_pipeline(declare(), until="exit_control")
    es = entry.current_step
    with pytest.raises(services.TransitionError):
        services.step_take(officer=border_guard, entry_step=es)
    assert services.step_take_next(officer=border_guard) is None
    called = services.queue_call_next(
        actor=officer_factory("gate_board"), crossing=entry.crossing, direction="export", count=1
    )
    assert [e.pk for e in called] == [entry.pk]
    assert services.step_take_next(officer=border_guard).pk == es.pk


def test_call_next_follows_the_queue_order(declare, run_pipeline, officer_factory, huu_nghi):
    machines = run_pipeline(declare(goods=[MACHINES], vehicle_plate="29C-111.11"), until="exit_control")
    fruit = run_pipeline(declare(vehicle_plate="29C-222.22"), until="exit_control")
    at_customs = run_pipeline(declare(vehicle_plate="29C-333.33"), until="customs")
    gate = officer_factory("gate_board")
    # Driver pages: perishables first (by arrival), then the machines truck although it came first.
    assert selectors.driver_status(Entry.objects.get(pk=fruit.pk))["position"] == 1
    assert selectors.driver_status(Entry.objects.get(pk=at_customs.pk))["position"] == 2
    assert selectors.driver_status(Entry.objects.get(pk=machines.pk))["position"] == 3
    called = services.queue_call_next(actor=gate, crossing=huu_nghi, direction="export", count=5)
    # Only trucks ready for the barrier are called (not the one still at customs), perishables first.
    assert [e.pk for e in called] == [fruit.pk, machines.pk]
    with pytest.raises(services.TransitionError):
        services.queue_call_next(actor=officer_factory("customs"), crossing=huu_nghi, direction="export")


def test_correction_is_a_new_version_with_diff(declare, enterprise_rep, officer_factory, run_pipeline):
    entry = run_pipeline(declare(), until="health")
    with pytest.raises(ValidationError):
        services.entry_correct(
            actor=enterprise_rep, entry=entry, field_name="driver_phone", value="0988777666", reason=""
        )
    version = services.entry_correct(
        actor=enterprise_rep, entry=entry, field_name="driver_phone", value="0988 777 666", reason="Đổi lái xe dự phòng"
    )
    entry.refresh_from_db()
    assert entry.version == 2 and entry.driver_phone == "0988777666"
    assert version.changes == {"driver_phone": ["0912000111", "0988777666"]}
    assert version.author == enterprise_rep and version.reason == "Đổi lái xe dự phòng"
    # Nothing else was redone: the check-in stays passed, the entry stays at health.
    assert entry.current_step.step.code == "health"
    assert entry.steps.get(step__code="checkin").status == "passed"
    # The same correction submitted twice yields the same version.
    again = services.entry_correct(
        actor=enterprise_rep, entry=entry, field_name="driver_phone", value="0988777666", reason="Đổi lái xe dự phòng"
    )
    assert again.pk == version.pk and EntryVersion.objects.filter(entry=entry).count() == 2
    with pytest.raises(ValidationError) as exc:
        services.entry_correct(actor=enterprise_rep, entry=entry, field_name="driver_phone", value="123", reason="x")
    assert "value" in exc.value.message_dict


def test_correcting_goods_switches_conditional_steps_and_fee(declare, enterprise_rep):
    entry = declare(goods=[MACHINES])
    assert "plant_quarantine" not in codes(entry)
    fee_before = entry.fee_amount
    services.entry_correct(
        actor=enterprise_rep,
        entry=entry,
        field_name="goods.hs_code",
        value="0810.60.00",
        line_no=1,
        reason="Nhầm mã HS",
    )
    services.entry_correct(
        actor=enterprise_rep,
        entry=entry,
        field_name="goods.goods_type",
        value="fresh_fruit",
        line_no=1,
        reason="Nhầm nhóm hàng",
    )
    entry.refresh_from_db()
    assert "plant_quarantine" in codes(entry)
    assert entry.fee_amount != fee_before and entry.version == 3
    assert GoodsLine.objects.get(entry=entry).hs_code == "08106000"


def test_closed_entries_cannot_be_corrected(declare, enterprise_rep, run_pipeline):
    entry = run_pipeline(declare())
    with pytest.raises(services.TransitionError):
        services.entry_correct(actor=enterprise_rep, entry=entry, field_name="driver_name", value="B", reason="x")


def test_cancel_only_before_arrival(declare, enterprise_rep, run_pipeline):
    a = declare(vehicle_plate="29C-111.11")
    services.entry_cancel(actor=enterprise_rep, entry=a, reason="Hủy chuyến")
    assert Entry.objects.get(pk=a.pk).status == "cancelled"
    b = run_pipeline(declare(vehicle_plate="29C-222.22"), until="health")
    with pytest.raises(services.TransitionError):
        services.entry_cancel(actor=enterprise_rep, entry=b, reason="x")


def test_expiry_of_declarations_never_arrived(declare):
    entry = declare()
    assert not services.entry_expire(entry_id=entry.pk)  # not yet late enough
    later = entry.expected_arrival + services.EXPIRY_GRACE + datetime.timedelta(minutes=1)
    assert services.entry_expire(entry_id=entry.pk, now=later)
    assert not services.entry_expire(entry_id=entry.pk, now=later)  # idempotent
    entry.refresh_from_db()
    assert entry.status == "expired"
    assert AuditLog.objects.filter(action="border_gate.entry.expire", object_id=str(entry.pk)).count() == 1


def test_stale_takes_return_to_the_queue(declare, officer_factory):
    entry = declare()
    gate = officer_factory("gate_board")
    es = services.step_take(officer=gate, entry_step=entry.current_step)
    assert services.release_stale_takes() == 0
    assert services.release_stale_takes(now=timezone.now() + services.TAKE_TIMEOUT + datetime.timedelta(seconds=1)) == 1
    assert EntryStep.objects.get(pk=es.pk).status == "pending"


def test_yard_event_passes_the_yard_entry_step(declare, run_pipeline):
    entry = run_pipeline(declare(), until="yard_entry")
    yard = Yard.objects.filter(crossing=entry.crossing).first()
    event = services.yard_event_record(entry=entry, yard=yard, kind="in", external_id="X-1", actor_label="yard-sys")
    entry.refresh_from_db()
    assert entry.current_yard == yard and entry.current_step.step.code == "plant_quarantine"
    # A retry of the same event records nothing twice.
    again = services.yard_event_record(entry=entry, yard=yard, kind="in", external_id="X-1", actor_label="yard-sys")
    assert again.pk == event.pk and YardEvent.objects.filter(entry=entry, kind="in").count() == 1


def test_board_counts_yards_and_bands(declare, run_pipeline, huu_nghi):
    run_pipeline(declare(), until="customs")
    board = selectors.board_compute(huu_nghi)
    assert sum(y["vehicles"] for y in board["yards"]) == 1
    assert board["waiting"] == 1 and board["band"] == "green"
    assert [congestion.band(n) for n in (0, 499, 500, 1000, 1001, 5000, 5001)] == [
        "green",
        "green",
        "yellow",
        "yellow",
        "orange",
        "orange",
        "red",
    ]


def test_daily_report(declare, run_pipeline):
    crossed = run_pipeline(declare(vehicle_plate="29C-111.11"))
    run_pipeline(declare(vehicle_plate="29C-222.22"), until="customs")  # fruit backlog
    run_pipeline(declare(goods=[MACHINES], vehicle_plate="29C-333.33"), until="health")  # other backlog
    declare(vehicle_plate="29C-444.44", expected_arrival=timezone.now() + datetime.timedelta(minutes=1))
    report = services.daily_report_generate(
        date=timezone.localdate(), now=timezone.now() + datetime.timedelta(minutes=5)
    )
    hn = next(r for r in report.data["crossings"] if r["crossing"] == "huu-nghi")
    assert hn["cleared"] == 1 and hn["export_fruit"] == 1 and hn["import"] == 0
    assert report.data["backlog"] == {"fruit": 1, "other": 1, "outside_gate_area": 1, "total": 3, "delta": None}
    assert crossed.status == "crossed"
    again = services.daily_report_generate(date=timezone.localdate())
    assert again.pk == report.pk


# -- deciding straight from the entry page (take and decide in one transaction) -------------------


def test_decide_with_implicit_take_is_one_transition(declare, officer_factory):
    entry = declare()
    gate = officer_factory("gate_board")
    es = services.step_pass(actor=gate, entry_step=entry.current_step, take=True)
    es.refresh_from_db()
    assert es.status == "passed" and es.taken_by == gate and es.decided_by == gate and not es.is_current
    assert current(entry).step.code == "health"
    log = AuditLog.objects.get(action="border_gate.entry.pass", object_id=str(entry.pk))
    assert log.after["taken"] is True and log.after["next_step"] == "health"
    # Nobody ever saw the step "taken": no separate take row.
    assert not AuditLog.objects.filter(action="border_gate.entry.take", object_id=str(entry.pk)).exists()
    # The same decision posted twice (double click) records nothing more.
    services.step_pass(actor=gate, entry_step=es, take=True)
    assert AuditLog.objects.filter(action="border_gate.entry.pass", object_id=str(entry.pk)).count() == 1


def test_implicit_take_never_takes_from_another_officer(declare, officer_factory):
    entry = declare()
    first = officer_factory("gate_board")
    second = officer_factory("gate_board", n=1)
    services.step_take(officer=first, entry_step=entry.current_step)
    with pytest.raises(services.TransitionError, match="cán bộ khác"):
        services.step_pass(actor=second, entry_step=entry.current_step, take=True)
    es = EntryStep.objects.get(pk=entry.current_step_id)
    assert es.status == "taken" and es.taken_by == first
    # The holder decides as usual.
    services.step_pass(actor=first, entry_step=es)
    # A step already decided cannot be decided again, taken implicitly or not.
    with pytest.raises(services.TransitionError):
        services.step_pass(actor=second, entry_step=es, take=True)


def test_implicit_take_keeps_scope_order_and_call_rules(declare, officer_factory, run_pipeline, customs_officer):
    entry = declare()
    with pytest.raises(services.TransitionError):  # not the customs officer's step
        services.step_pass(actor=customs_officer, entry_step=entry.current_step, take=True)
    health = entry.steps.get(step__code="health")
    with pytest.raises(services.TransitionError):  # not the current step: no skipping ahead
        services.step_pass(actor=officer_factory("health_quarantine"), entry_step=health, take=True)
    entry = run_pipeline(entry, until="exit_control")
    with pytest.raises(services.TransitionError, match="chưa được gọi"):
        services.step_pass(actor=officer_factory("border_guard"), entry_step=entry.current_step, take=True)
    assert EntryStep.objects.get(pk=entry.current_step_id).status == "pending"
    # Nothing recorded by the refusals.
    assert not AuditLog.objects.filter(action="border_gate.entry.cross", object_id=str(entry.pk)).exists()


def test_implicit_take_with_hold_and_reject(declare, officer_factory, run_pipeline):
    entry = run_pipeline(declare(), until="health")
    officer = officer_factory("health_quarantine")
    services.step_hold(actor=officer, entry_step=entry.current_step, reason="Chờ xét nghiệm", take=True)
    es = EntryStep.objects.get(pk=entry.current_step_id)
    assert es.status == "held" and es.taken_by is None and Entry.objects.get(pk=entry.pk).status == "held"
    # A colleague rejects the held truck straight away.
    colleague = officer_factory("health_quarantine", n=1)
    services.step_reject(actor=colleague, entry_step=es, reason="Dương tính", take=True)
    entry.refresh_from_db()
    assert entry.status == "rejected" and entry.current_step is None
    assert not EntryStep.objects.filter(entry=entry, is_current=True).exists()
    log = AuditLog.objects.get(action="border_gate.entry.reject", object_id=str(entry.pk))
    assert log.after["taken"] is True and log.actor == colleague


def test_a_failed_decision_leaves_the_step_untaken(declare, officer_factory, run_pipeline):
    entry = run_pipeline(declare(), until="plant_quarantine")
    officer = officer_factory("plant_quarantine")
    with pytest.raises(ValidationError):  # no certificate number
        services.step_pass(actor=officer, entry_step=entry.current_step, data={}, take=True)
    es = EntryStep.objects.get(pk=entry.current_step_id)
    assert es.status == "pending" and es.taken_by is None  # one transaction: the take rolled back too


def test_the_pipeline_moves_on_with_the_locked_rows(declare, officer_factory, run_pipeline):
    """Passing moves `is_current` to the next undecided step (conditional steps skipped), keeps one
    current step per entry, and crosses after the last."""
    machines = declare(goods=[MACHINES], vehicle_plate="29C-555.66")  # no quarantine steps
    entry = run_pipeline(machines, until="customs")
    assert EntryStep.objects.filter(entry=entry, is_current=True).count() == 1
    assert [s.step.code for s in entry.steps.filter(status="passed").order_by("position")] == [
        "checkin",
        "health",
        "yard_entry",
    ]
    entry = run_pipeline(entry)
    assert entry.status == "crossed" and entry.current_yard is None and entry.current_step is None
    assert not EntryStep.objects.filter(entry=entry, is_current=True).exists()
    assert YardEvent.objects.filter(entry=entry, kind="out").count() == 1


def test_scope_and_step_definition_copies_follow_edits(huu_nghi, officer_factory):
    """The per-process copies of reference data (officers' scope, step definitions) are cleared
    when an agency, crossing or step definition is saved."""
    from border_gate import locking
    from border_gate.models import StepDefinition

    officer = officer_factory("customs")
    assert services.officer_scope(officer).crossing == huu_nghi
    agency = officer.agency
    agency.crossing_code = "tan-thanh"
    agency.save()
    officer = type(officer).objects.get(pk=officer.pk)  # a new request's user
    assert services.officer_scope(officer).crossing.code == "tan-thanh"

    step = StepDefinition.objects.filter(crossing=huu_nghi).first()
    assert locking.step_definition(step.pk).name == step.name
    step.name = "Tên mới"
    step.save()
    assert locking.step_definition(step.pk).name == "Tên mới"
