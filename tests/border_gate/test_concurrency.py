"""40 officers taking work at the same time, each thread on its own database connection:
no entry is handled twice at a step, none is lost."""

import datetime
import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.conftest import make_user

N_OFFICERS = 40
N_ENTRIES = 120


@pytest.mark.django_db(transaction=True)
def test_forty_officers_take_work_at_once():
    from border_gate import services
    from border_gate.models import Crossing, Entry, EntryStep
    from core.agencies.models import Agency
    from core.audit.models import AuditLog

    call_command("load_reference_data", verbosity=0)
    crossing = Crossing.objects.get(code="huu-nghi")
    declarant = make_user("decl@example.vn", roles=["enterprise_representative"])
    gate = make_user(
        "gate@langson.gov.vn", roles=["border_officer"], agency=Agency.objects.get(code="huu-nghi-gate_board")
    )
    health_agency = Agency.objects.get(code="huu-nghi-health_quarantine")
    officers = [
        make_user(f"yte{i}@langson.gov.vn", roles=["border_officer"], agency=health_agency) for i in range(N_OFFICERS)
    ]
    for i in range(N_ENTRIES):
        entry = services.entry_declare(
            actor=declarant,
            data=services.DeclarationData(
                crossing=crossing,
                direction="export",
                regime="export",
                vehicle_plate=f"29C-{100 + i:03d}.{i % 100:02d}",
                driver_name="Lái Xe",
                driver_id_kind="cccd",
                driver_id_number=f"020090{i:06d}",
                driver_phone="0912000111",
                expected_arrival=timezone.now() + datetime.timedelta(hours=1),
                goods=[services.GoodsData("84248200", "Máy", "general", 5000, 1_000_000, i % 3 == 0)],
            ),
        )
        services.step_take(officer=gate, entry_step=entry.current_step)
        services.step_pass(actor=gate, entry_step=entry.current_step)
    assert EntryStep.objects.filter(step__code="health", is_current=True, status="pending").count() == N_ENTRIES

    barrier = threading.Barrier(N_OFFICERS)
    handled: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(officer):
        try:
            barrier.wait()
            while True:
                es = services.step_take_next(officer=officer)
                if es is None:
                    break
                services.step_pass(actor=officer, entry_step=es)
                with lock:
                    handled.append((officer.pk, es.entry_id))
                # Hand the connection back to the pool so 40 threads share it as 40 tablets would.
                connection.close()
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    per_entry = Counter(entry_id for _o, entry_id in handled)
    assert len(per_entry) == N_ENTRIES and set(per_entry.values()) == {1}  # none lost, none twice
    assert len({o for o, _e in handled}) > 1  # the work really was shared
    takes = Counter(
        int(a.object_id) for a in AuditLog.objects.filter(action="border_gate.entry.take", before__step="health")
    )
    assert set(takes.values()) == {1} and len(takes) == N_ENTRIES
    assert not EntryStep.objects.filter(step__code="health", status__in=["pending", "taken"]).exists()
    assert Entry.objects.filter(current_step__step__code="yard_entry").count() == N_ENTRIES


@pytest.mark.django_db(transaction=True)
def test_officers_deciding_the_same_truck_at_once_decide_it_once():
    """Six officers of one force post "pass" for the same truck at the same moment, straight from
    the entry page (implicit take): exactly one decision is recorded, the others are refused."""
    from border_gate import services
    from border_gate.models import Crossing, EntryStep
    from core.agencies.models import Agency
    from core.audit.models import AuditLog

    call_command("load_reference_data", verbosity=0)
    crossing = Crossing.objects.get(code="huu-nghi")
    declarant = make_user("decl2@example.vn", roles=["enterprise_representative"])
    agency = Agency.objects.get(code="huu-nghi-gate_board")
    officers = [make_user(f"gate{i}@langson.gov.vn", roles=["border_officer"], agency=agency) for i in range(6)]
    entry = services.entry_declare(
        actor=declarant,
        data=services.DeclarationData(
            crossing=crossing,
            direction="export",
            regime="export",
            vehicle_plate="29C-999.99",
            driver_name="Lái Xe",
            driver_id_kind="cccd",
            driver_id_number="020090999999",
            driver_phone="0912000111",
            expected_arrival=timezone.now() + datetime.timedelta(hours=1),
            goods=[services.GoodsData("84248200", "Máy", "general", 5000, 1_000_000, False)],
        ),
    )
    step = entry.current_step
    barrier = threading.Barrier(len(officers))
    outcomes: list[str] = []
    lock = threading.Lock()

    def work(officer):
        try:
            barrier.wait()
            services.step_pass(actor=officer, entry_step=step, take=True)
            result = f"passed:{officer.pk}"
        except services.TransitionError:
            result = "refused"
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            result = f"error:{e!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=work, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    winners = [o for o in outcomes if o.startswith("passed")]
    assert len(winners) == 1 and outcomes.count("refused") == len(officers) - 1
    es = EntryStep.objects.get(pk=step.pk)
    assert es.status == "passed" and f"passed:{es.decided_by_id}" == winners[0] and es.taken_by_id == es.decided_by_id
    assert AuditLog.objects.filter(action="border_gate.entry.pass", object_id=str(entry.pk)).count() == 1
