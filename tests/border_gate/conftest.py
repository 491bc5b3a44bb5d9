import datetime

import pytest
from django.utils import timezone

from tests.conftest import make_user


def _agency(code):
    from core.agencies.models import Agency

    return Agency.objects.get(code=code)


@pytest.fixture(autouse=True)
def _fresh_officer_scopes():
    """The border officers' scope cache is per process (border_gate.scope.SCOPE_CACHE_SECONDS)
    and outlives each test's rolled-back transaction and the flushes of transactional tests."""
    from border_gate import services

    services.clear_reference_copies()


@pytest.fixture(autouse=True)
def _boards_always_fresh(monkeypatch):
    """Board copies live in Redis, which outlives each test's rolled-back transaction: a copy
    stored by one test must not be served to the next. Tests of the caching itself set
    BOARD_MAX_AGE back."""
    from border_gate import selectors

    monkeypatch.setattr(selectors, "BOARD_MAX_AGE", 0)


@pytest.fixture
def huu_nghi(db):
    from border_gate.models import Crossing

    return Crossing.objects.get(code="huu-nghi")


@pytest.fixture
def officer_factory(db):
    """officer_factory("health_quarantine") -> a border officer of that force at Hữu Nghị."""
    made = {}

    def make(force: str, crossing: str = "huu-nghi", n: int = 0):
        key = (force, crossing, n)
        if key not in made:
            made[key] = make_user(
                f"{force}.{crossing}.{n}@langson.gov.vn",
                roles=["border_officer"],
                full_name=f"Cán bộ {force} {n}",
                agency=_agency(f"{crossing}-{force}"),
                totp=True,
            )
        return made[key]

    return make


def _durian():
    from border_gate import services

    return services.GoodsData("08106000", "Sầu riêng tươi", "fresh_fruit", 20000, 900_000_000, True)


@pytest.fixture
def declare(enterprise_rep, huu_nghi):
    """declare(**overrides) -> a declared Entry (a 20 t durian export truck at Hữu Nghị by default)."""
    from border_gate import services

    def _declare(actor=None, enterprise=None, goods=None, **overrides):
        DURIAN = _durian()  # noqa: N806
        data = {
            "crossing": huu_nghi,
            "direction": "export",
            "regime": "export",
            "vehicle_plate": "12C-123.45",
            "driver_name": "Hoàng Văn Lái",
            "driver_id_kind": "cccd",
            "driver_id_number": "020090000999",
            "driver_phone": "0912000111",
            "expected_arrival": timezone.now() + datetime.timedelta(hours=3),
            "goods": goods or [DURIAN],
        }
        data.update(overrides)
        return services.entry_declare(
            actor=actor or enterprise_rep, data=services.DeclarationData(**data), enterprise=enterprise
        )

    return _declare


@pytest.fixture
def run_pipeline(officer_factory):
    """run_pipeline(entry, until="customs") passes every step before `until` as the owning officers."""
    from border_gate import services
    from border_gate.models import Entry, Yard

    def _run(entry, until=None, lane="green"):
        while True:
            entry = Entry.objects.get(pk=entry.pk)
            es = entry.current_step
            if es is None or es.step.code == until:
                return entry
            officer = officer_factory(es.step.force)
            if es.step.requires_call and entry.called_at is None:
                services.queue_call_next(
                    actor=officer_factory("gate_board"), crossing=entry.crossing, direction=entry.direction, count=100
                )
            services.step_take(officer=officer, entry_step=es)
            data = {}
            if es.step.data_kind == "yard":
                data["yard"] = Yard.objects.filter(crossing=entry.crossing).first().pk
            elif es.step.data_kind == "certificate":
                data["certificate_number"] = "KDTV-2026-0001"
            elif es.step.data_kind == "lane":
                if not entry.lane:
                    services.customs_assign_lane(actor=officer, entry=entry, lane=lane, rand=lambda: 0.99)
                data["inspection_result"] = "Không phát hiện sai lệch"
            elif es.step.data_kind == "receipt":
                data["receipt_number"] = "BL-0001"
            services.step_pass(actor=officer, entry_step=es, data=data)

    return _run
