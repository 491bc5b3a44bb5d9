"""Fixtures of the operations-centre tests: a controlled registry (so the snapshot job's behaviour is
tested on indicators whose values we know) and helpers to write snapshots."""

import datetime as dt

import pytest

from border_gate import congestion
from core.indicators import registry
from core.indicators.registry import LOCAL, Indicator

COMMUNE_A, COMMUNE_B = 5977, 6184


class Calls:
    """Records compute calls, and can be told to fail on a given commune (simulated crash)."""

    def __init__(self):
        self.log: list[tuple] = []
        self.fail_on: int | None = None


@pytest.fixture
def calls():
    return Calls()


@pytest.fixture
def fake_registry(calls, monkeypatch):
    """Replace the registry with three indicators: a daily by-commune share (computed per commune, no
    bulk function, so each commune is one resumable step), a daily province count and an hourly one."""
    items: dict[str, Indicator] = {}

    def share(period_start, period_end, commune_code=None):
        calls.log.append(("share", period_end, commune_code))
        if commune_code is not None and commune_code == calls.fail_on:
            raise RuntimeError("pillar database unavailable")
        if commune_code is None:
            return 55.0
        return float(commune_code % 100)

    def count(period_start, period_end, commune_code=None):
        calls.log.append(("count", period_end, commune_code))
        return float(period_end.astimezone(LOCAL).day)

    def hourly(period_start, period_end, commune_code=None):
        calls.log.append(("hourly", period_end, commune_code))
        return 7.0

    for ind in [
        Indicator(
            code="test.share",
            pillar="economy",
            name="Tỷ lệ thử",
            unit="%",
            compute=share,
            by_commune=True,
            public=True,
            detail_url_name="economy:communes",
        ),
        Indicator(code="test.count", pillar="society", name="Số đếm thử", unit="lượt", compute=count, public=False),
        Indicator(
            code="test.waiting",
            pillar="border_gate",
            name="Xe chờ",
            unit="xe",
            compute=hourly,
            frequency="hourly",
            higher_is_better=False,
            extra={"crossing": "huu-nghi", "band": congestion.band},
        ),
    ]:
        items[ind.code] = ind
    monkeypatch.setattr(registry, "_registry", items)
    return items


def at(y, m, d, h=0) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=LOCAL)


@pytest.fixture
def snapshot():
    """Write a snapshot row directly (for read-side tests)."""
    from core.indicators.models import IndicatorSnapshot

    def _write(code, end, value, commune=None, hours=24, provisional=False):
        return IndicatorSnapshot.objects.create(
            indicator_code=code,
            period_start=end - dt.timedelta(hours=hours),
            period_end=end,
            commune_code=commune,
            value=value,
            provisional=provisional,
        )

    return _write


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    """Never cache.clear(): Redis is shared with other test runs. Bumping the generation retires every
    cached dashboard payload; the per-database key prefix isolates parallel runs."""
    from django.core.cache import cache

    from core.indicators.services import bump_generation, cache_key

    bump_generation()
    cache.delete_many([cache_key("commune-names"), cache_key("communes-geojson:v1")])
