"""Community technology teams in the field: a member records a household visit on a phone form
(no JS), a double submit records once, only members record, and the commune indicators count it."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from core.audit.models import AuditLog
from core.geo.models import AdministrativeUnit as Unit
from core.indicators import registry
from core.indicators.registry import LOCAL
from society.models import HouseholdVisit, TechTeam, TechTeamMember
from tests.conftest import COMMUNE_A, COMMUNE_B, make_user

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]


@pytest.fixture
def team():
    commune = Unit.objects.get(structure="2025", level="commune", code=COMMUNE_A)
    team = TechTeam.objects.create(
        commune=commune, village="Thôn Nà Pàn", name="Tổ CNS thôn Nà Pàn", members=3, established_on=dt.date(2022, 1, 1)
    )
    member = make_user("thanhvien@example.vn", full_name="Hoàng Văn Tổ")
    TechTeamMember.objects.create(team=team, user=member)
    return team, member


def _form(page_html: str) -> dict:
    token = page_html.split('name="token" value="', 1)[1].split('"', 1)[0]
    return {
        "household": "Hộ ông Lộc Văn Sáng",
        "visited_on": timezone.localdate().isoformat(),
        "help": ["vneid", "fraud"],
        "outcome": "done",
        "note": "",
        "token": token,
    }


def test_a_member_records_a_visit_and_a_double_submit_records_once(client, login, team):
    team, member = team
    login(member)
    assert "Tổ CNS thôn Nà Pàn" in client.get(reverse("society:my-teams")).content.decode()
    url = reverse("society:household-visit-new", args=[team.pk])
    page = client.get(url).content.decode()
    assert 'type="checkbox"' in page and "<script" not in page.split("<main", 1)[1]
    form = _form(page)
    first = client.post(url, form, follow=True).content.decode()
    second = client.post(url, form, follow=True).content.decode()  # the same form again (weak connection)
    assert "Đã ghi lượt hỗ trợ hộ Hộ ông Lộc Văn Sáng." in first
    assert "Lượt hỗ trợ này đã được ghi trước đó." in second
    visit = HouseholdVisit.objects.get()
    assert visit.member == member and visit.help == ["fraud", "vneid"] and visit.outcome == "done"
    assert AuditLog.objects.filter(action="society.household_visit.record").count() == 1
    # A new form (new token) records a second visit.
    client.post(url, _form(client.get(url).content.decode()))
    assert HouseholdVisit.objects.count() == 2


def test_bad_input_keeps_what_was_typed(client, login, team):
    team, member = team
    login(member)
    url = reverse("society:household-visit-new", args=[team.pk])
    form = _form(client.get(url).content.decode())
    bad = client.post(url, {**form, "help": [], "visited_on": "2099-01-01"}).content.decode()
    assert "Ngày hỗ trợ không được sau hôm nay." in bad or "Trường này là bắt buộc." in bad
    assert "Hộ ông Lộc Văn Sáng" in bad
    assert HouseholdVisit.objects.count() == 0
    future = client.post(url, {**form, "visited_on": "2099-01-01"}).content.decode()
    assert "Ngày hỗ trợ không được sau hôm nay." in future


def test_only_members_record(client, login, team, commune_official, outsider):
    team, _member = team
    url = reverse("society:household-visit-new", args=[team.pk])
    for who in (commune_official, outsider):
        login(who)
        assert client.get(url).status_code == 404
        assert client.post(url, {"household": "x", "token": str(uuid.uuid4())}).status_code == 404
    assert HouseholdVisit.objects.count() == 0


def test_commune_indicators_count_the_visits(team):
    team, member = team
    other = TechTeam.objects.create(
        commune=Unit.objects.get(structure="2025", level="commune", code=COMMUNE_B),
        village="Bản Khun",
        name="Tổ CNS bản Khun",
        members=2,
        established_on=dt.date(2022, 1, 1),
    )
    day = dt.date(2026, 11, 20)
    for t, help, outcome in [(team, ["vneid"], "done"), (team, ["payment"], "done"), (other, ["vneid"], "partly")]:
        HouseholdVisit.objects.create(
            team=t, member=member, household="Hộ", visited_on=day, help=help, outcome=outcome, submit_token=uuid.uuid4()
        )
    start = dt.datetime(2026, 11, 20, tzinfo=LOCAL)
    end = start + dt.timedelta(days=1)
    assert registry.get("society.tech_teams.visits").compute_by_commune(start, end) == {COMMUNE_A: 2, COMMUNE_B: 1}
    assert registry.get("society.tech_teams.vneid").compute_by_commune(start, end) == {COMMUNE_A: 1}
    assert registry.get("society.tech_teams.vneid").compute(start, end) == 1
