"""Resolution 09/2025/NQ-HĐND as data: rates, vehicle classes, multipliers, mixed loads, admin edits."""

import datetime

import pytest

from border_gate import services
from border_gate.models import FeeMultiplier, FeeRate, FeeTariff

pytestmark = pytest.mark.django_db


def quote(regime="export", journey="normal", goods=(("fresh_vegetables", 1500),), containers=()):
    return services.fee_quote(regime=regime, journey=journey, goods=list(goods), container_sizes=list(containers))


def test_sourced_cells_of_the_resolution():
    # Fresh vegetables, export, vehicle under 2 t: VND 100,000 (laodong 1523318).
    q = quote()
    assert q.amount == 100_000 and q.vehicle_class.code == "lt2" and not q.uses_placeholder
    # 40-ft container of farm goods, temporary import/re-export: VND 4,000,000.
    q = quote(regime="temp_import_reexport", goods=[("fresh_fruit", 25000)], containers=[40])
    assert q.amount == 4_000_000 and q.vehicle_class.code == "c40" and not q.uses_placeholder


def test_vehicle_class_by_weight_band_and_container():
    assert quote(goods=[("general", 1999)]).vehicle_class.code == "lt2"
    assert quote(goods=[("general", 2000)]).vehicle_class.code == "2to4"
    assert quote(goods=[("general", 17999)]).vehicle_class.code == "10to18"
    assert quote(goods=[("general", 18000)]).vehicle_class.code == "ge18"
    # A container decides the class whatever the weight; 45 ft pays as 40 ft.
    assert quote(goods=[("general", 1000)], containers=[20]).vehicle_class.code == "c20"
    assert quote(goods=[("general", 1000)], containers=[20, 45]).vehicle_class.code == "c40"


def test_ore_pays_five_times_on_regular_export():
    base = quote(goods=[("general", 12000)])
    ore = quote(goods=[("ore", 12000)])
    assert ore.amount == 5 * base.amount and ("ore", FeeMultiplier.objects.get(code="ore").factor) in ore.multipliers
    # The ore multiplier is for regular export only.
    assert (
        quote(regime="import", goods=[("ore", 12000)]).amount
        == quote(regime="import", goods=[("general", 12000)]).amount
    )


def test_journey_multipliers():
    base = quote(regime="import", goods=[("general", 12000)])
    inland = quote(regime="import", journey="inland_import", goods=[("general", 12000)])
    wharf = quote(regime="import", journey="wharf_only", goods=[("general", 12000)])
    assert inland.amount == round(base.amount * 1.3)
    assert wharf.amount == round(base.amount * 0.3)


def test_mixed_load_pays_the_highest_rate():
    farm = quote(goods=[("fresh_fruit", 12000)])
    other = quote(goods=[("general", 12000)])
    mixed = quote(goods=[("fresh_fruit", 6000), ("general", 6000)])
    assert mixed.amount == max(farm.amount, other.amount) and len(mixed.candidates) == 2
    # Ore in a mixed load: the ×5 line is the highest.
    assert quote(goods=[("fresh_fruit", 6000), ("ore", 6000)]).amount == 5 * other.amount


def test_placeholder_rates_are_flagged():
    q = quote(goods=[("general", 12000)])
    assert q.uses_placeholder


def test_administrator_edits_are_used_and_kept_by_the_loader():
    rate = FeeRate.objects.get(regime="export", goods_group="other", vehicle_class__code="10to18")
    rate.amount_vnd = 1_234_000
    rate.confidence = "found"
    rate.save()
    assert quote(goods=[("general", 12000)]).amount == 1_234_000
    from border_gate.reference import load

    load()
    assert FeeRate.objects.get(pk=rate.pk).amount_vnd == 1_234_000


def test_the_tariff_in_force_on_the_date():
    old = FeeTariff.objects.create(
        code="01/2019/NQ-HĐND",
        title="old",
        effective_from=datetime.date(2019, 1, 1),
        effective_to=datetime.date(2025, 5, 7),
    )
    assert services.active_tariff(datetime.date(2024, 1, 1)) == old
    assert services.active_tariff(datetime.date(2025, 5, 8)).code == "09/2025/NQ-HĐND"
    with pytest.raises(services.BorderGateError):
        services.fee_quote(regime="export", journey="normal", goods=[("general", 1000)], on=datetime.date(2024, 1, 1))


def test_declaration_carries_its_fee(declare):
    entry = declare(goods=[services.GoodsData("26011100", "Quặng sắt", "ore", 30000, 100_000_000)])
    assert entry.fee_amount == quote(goods=[("ore", 30000)]).amount
