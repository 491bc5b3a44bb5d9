"""Decision 766 indicators computed from real dossiers, for the province and per commune."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.indicators.registry import all_indicators, get
from government import services
from government.indicators import breakdown
from government.models import Dossier
from tests.government.conftest import BIRTH, HOUSEHOLD_BUSINESS, pay, submitted

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 11, 30, tzinfo=VN)
END = dt.datetime(2026, 12, 8, tzinfo=VN)


def at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=VN), tick=False)


@pytest.fixture
def dossiers(citizen, citizen2, commune_official):
    with at(2026, 11, 30, 9, 0):
        on_time = submitted(citizen, BIRTH)
        services.dossier_reject(dossier=on_time, actor=commune_official, reason="Sai tên")
        services.dossier_rate(dossier=on_time, actor=citizen, score=3)
        late = submitted(citizen, HOUSEHOLD_BUSINESS)
        pay(late)  # due Thursday 3/12
        still_open = submitted(citizen2, BIRTH)  # due today, never handled
    Dossier.objects.filter(pk=still_open.pk).update(channel=Dossier.Channel.IN_PERSON, is_digitised=False)
    with at(2026, 12, 7, 10, 0):
        services.dossier_reject(dossier=late, actor=commune_official, reason="Trùng tên")
    return on_time, late, still_open


def value(code, commune=None):
    return get(f"government.dossiers.{code}").compute(START, END, commune)


def test_values_for_the_province_and_each_commune(dossiers):
    assert value("on_time_rate") == 33.33  # 1 of 3: one finished late, one open past its date
    assert value("on_time_rate", 5977) == 50.0
    assert value("on_time_rate", 6184) == 0.0
    assert value("online_share") == 66.67
    assert value("digitised_share", 6184) == 0.0
    assert value("online_payment_share") == 100.0
    assert value("satisfaction") == 50.0  # 100% − (1 late + 0 unhappy) / 2 finished
    assert value("received") == 3
    assert value("overdue_open") == 1


def test_by_commune_matches_compute(dossiers):
    for indicator in all_indicators("government"):
        assert indicator.by_commune
        if indicator.compute_by_commune is None:  # land's: computed commune by commune (no fast path)
            continue
        by_commune = indicator.compute_by_commune(START, END)
        for commune in (5977, 6184):
            assert by_commune.get(commune) == indicator.compute(START, END, commune), indicator.code


def test_no_data_is_none_not_zero():
    assert value("on_time_rate") is None
    assert value("satisfaction", 5977) is None
    assert value("received") == 0


def test_unhappy_ratings_lower_satisfaction(dossiers):
    on_time = dossiers[0]
    on_time.rating.delete()
    services.dossier_rate(dossier=on_time, actor=on_time.applicant, score=1)
    assert value("satisfaction") == 0.0


def test_breakdown_by_agency_and_procedure(dossiers):
    assert breakdown("received", START, END, by="agency") == {"ubnd-xa-5977": 2, "ubnd-xa-6184": 1}
    assert breakdown("on_time_rate", START, END, by="procedure") == {BIRTH: 50.0, HOUSEHOLD_BUSINESS: 0.0}
