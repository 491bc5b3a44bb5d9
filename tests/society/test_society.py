"""Digital society pillar: visits (scoped, audited, double submit harmless), indicators, lists."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from core.audit.models import AuditLog
from core.geo.models import AdministrativeUnit as Unit
from core.indicators import registry
from core.indicators.registry import LOCAL
from society.models import School, TechTeam, TechTeamVisit
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
A, B = 5977, 6184


@pytest.fixture
def data():
    a = Unit.objects.get(structure="2025", level="commune", code=A)
    b = Unit.objects.get(structure="2025", level="commune", code=B)
    School.objects.create(
        code="S1", name="Trường A", level="tieu_hoc", commune=a, on_platform_since=dt.date(2022, 1, 1)
    )
    School.objects.create(code="S2", name="Trường B", level="thcs", commune=b)
    ta = TechTeam.objects.create(
        commune=a, village="Thôn 1", name="Tổ CNS thôn 1 A", members=4, established_on=dt.date(2022, 1, 1)
    )
    tb = TechTeam.objects.create(
        commune=b, village="Thôn 2", name="Tổ CNS thôn 2 B", members=3, established_on=dt.date(2022, 1, 1)
    )
    return ta, tb


def test_indicators(data):
    start, end = dt.datetime(2026, 11, 26, tzinfo=LOCAL), dt.datetime(2026, 11, 27, tzinfo=LOCAL)
    assert registry.get("society.schools.platform_share").compute_by_commune(start, end) == {A: 100.0, B: 0.0}
    assert registry.get("society.schools.platform_share").compute(start, end) == 50.0
    assert registry.get("society.transcripts.signed").compute(start, end) == 0  # real transcripts: test_transcripts
    assert registry.get("society.tech_teams.members").compute_by_commune(start, end) == {A: 4, B: 3}
    from society.models import HouseholdVisit

    for day, help, outcome in [
        (26, ["vneid"], "done"),
        (26, ["dvc"], "done"),
        (25, ["vneid"], "done"),
        (26, ["vneid"], "follow_up"),
    ]:
        HouseholdVisit.objects.create(
            team=data[0],
            member=make_user(f"m{day}{help[0]}{outcome}@example.vn"),
            household="Hộ ông A",
            visited_on=dt.date(2026, 11, day),
            help=help,
            outcome=outcome,
            submit_token=uuid.uuid4(),
        )
    assert registry.get("society.tech_teams.visits").compute(start, end) == 3  # a flow: that day only
    assert registry.get("society.tech_teams.vneid").compute_by_commune(start, end) == {A: 1}


def test_record_visit_through_the_page(client, login, data, commune_official, other_commune_official):
    ta, tb = data
    login(commune_official)
    url = reverse("society:team-detail", args=[ta.pk])
    form = {"visited_on": "2026-11-20", "topic": "dvc", "households_reached": "12", "note": "Hướng dẫn nộp hồ sơ"}
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # double submit
    assert TechTeamVisit.objects.filter(team=ta).count() == 1
    assert AuditLog.objects.filter(action="society.tech_team_visit.record").count() == 1
    bad = client.post(url, {**form, "households_reached": "0", "visited_on": "2099-01-01"})
    assert "Ngày hỗ trợ không được sau hôm nay." in bad.content.decode()
    # Another commune's team does not exist for this official.
    assert client.get(reverse("society:team-detail", args=[tb.pk])).status_code == 404
    login(other_commune_official)
    assert client.post(url, form).status_code == 404


def test_lists_are_scoped(client, login, data, commune_official, province_leader):
    login(commune_official)
    page = client.get(reverse("society:teams")).content.decode()
    assert "Tổ CNS thôn 1 A" in page and "Tổ CNS thôn 2 B" not in page
    assert "Trường B" not in client.get(reverse("society:schools")).content.decode()
    login(province_leader)
    page = client.get(reverse("society:schools") + "?on_platform=0").content.decode()
    assert "Trường B" in page and "Trường A" not in page
