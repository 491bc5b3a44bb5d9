"""Commune officials set up community technology teams in their villages and manage members with
a portal account; a new member then records visits. Officials of another commune and people
without an editing role cannot see or change the team; every change is audited."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.audit.models import AuditLog
from core.geo.models import AdministrativeUnit as Unit
from society.models import TechTeam, TechTeamMember
from tests.conftest import COMMUNE_A, COMMUNE_B, make_user

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]


def _team_form(commune_code, **overrides):
    data = {
        "commune": commune_code,
        "village": "Thôn Khuổi Khe",
        "name": "Tổ công nghệ số thôn Khuổi Khe",
        "members": "4",
        "established_on": "2025-03-01",
    }
    data.update(overrides)
    return data


def test_a_commune_official_sets_up_a_team_and_adds_members(client, login, commune_official):
    login(commune_official)
    page = client.get(reverse("society:teams")).content.decode()
    assert reverse("society:team-new") in page
    response = client.post(reverse("society:team-new"), _team_form(COMMUNE_A))
    team = TechTeam.objects.get(name="Tổ công nghệ số thôn Khuổi Khe")
    assert response.url == reverse("society:team-members", args=[team.pk])
    assert team.commune.code == COMMUNE_A and team.members == 4 and team.village == "Thôn Khuổi Khe"
    # A person with an account, found by phone; a leader by e-mail.
    member = make_user("be.tam@example.vn", full_name="Bế Văn Tám", phone="0987654321")
    make_user("hoang.lan@example.vn", full_name="Hoàng Thị Lan")
    client.post(reverse("society:team-members", args=[team.pk]), {"account": "0987654321"})
    client.post(reverse("society:team-members", args=[team.pk]), {"account": "HOANG.LAN@example.vn", "is_leader": "on"})
    again = client.post(reverse("society:team-members", args=[team.pk]), {"account": "0987654321"}, follow=True)
    assert "Bế Văn Tám đã là thành viên của tổ." in again.content.decode()
    page = client.get(reverse("society:team-members", args=[team.pk])).content.decode()
    assert "Bế Văn Tám" in page and "Hoàng Thị Lan" in page and "Tổ trưởng" in page
    assert TechTeamMember.objects.filter(team=team, is_active=True).count() == 2
    # The new member sees the team and its visit form on their phone.
    login(member)
    assert "Tổ công nghệ số thôn Khuổi Khe" in client.get(reverse("society:my-teams")).content.decode()
    assert client.get(reverse("society:household-visit-new", args=[team.pk])).status_code == 200
    # A member who leaves no longer records.
    login(commune_official)
    row = TechTeamMember.objects.get(team=team, user=member)
    client.post(reverse("society:team-member-remove", args=[team.pk, row.pk]))
    login(member)
    assert client.get(reverse("society:household-visit-new", args=[team.pk])).status_code == 404
    actions = set(AuditLog.objects.filter(object_id=str(team.pk)).values_list("action", flat=True))
    assert {"society.tech_team.create", "society.tech_team.member_add", "society.tech_team.member_remove"} <= actions


def test_bad_input_gets_field_messages_and_keeps_what_was_typed(client, login, commune_official):
    login(commune_official)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("society:team-new"), _team_form(COMMUNE_A, name="Tổ Nà Sla", members="0", established_on=tomorrow)
    )
    page = response.content.decode()
    assert response.status_code == 200 and not TechTeam.objects.exists()
    assert "Tổ Nà Sla" in page and "Thôn Khuổi Khe" in page
    assert response.context["form"].errors["members"]  # members ≥ 1, shown next to the field
    good = client.post(reverse("society:team-new"), _team_form(COMMUNE_A, established_on=tomorrow))
    assert "Ngày thành lập không được sau hôm nay." in good.content.decode()
    team = TechTeam.objects.create(
        commune=Unit.objects.get(structure="2025", level="commune", code=COMMUNE_A),
        village="Thôn Pò Mã",
        name="Tổ Pò Mã",
        members=1,
        established_on=dt.date(2024, 1, 1),
    )
    missing = client.post(reverse("society:team-members", args=[team.pk]), {"account": "nobody@example.vn"})
    assert "người đó cần đăng ký trước" in missing.content.decode() and "nobody@example.vn" in missing.content.decode()
    # Adding a second account raises the head count; lowering it below them is refused.
    make_user("a@example.vn")
    make_user("b@example.vn")
    client.post(reverse("society:team-members", args=[team.pk]), {"account": "a@example.vn"})
    client.post(reverse("society:team-members", args=[team.pk]), {"account": "b@example.vn"})
    team.refresh_from_db()
    assert team.members == 2
    edit = client.post(
        reverse("society:team-edit", args=[team.pk]),
        {
            "village": "Thôn Pò Mã",
            "name": "Tổ Pò Mã",
            "members": "1",
            "established_on": "2024-01-01",
            "is_active": "on",
        },
    )
    assert "không được ít hơn" in edit.content.decode()
    team.refresh_from_db()
    assert team.members == 2


def test_officials_of_another_commune_and_viewers_cannot_manage(
    client, login, commune_official, other_commune_official, province_leader, department_official, outsider
):
    login(commune_official)
    # A commune official cannot set up a team in another commune (not even by forging the form).
    response = client.post(reverse("society:team-new"), _team_form(COMMUNE_B))
    assert response.status_code == 200 and not TechTeam.objects.exists()
    client.post(reverse("society:team-new"), _team_form(COMMUNE_A))
    team = TechTeam.objects.get()
    for person, status in ((other_commune_official, 404), (province_leader, 403), (outsider, 403)):
        login(person)
        assert client.get(reverse("society:team-members", args=[team.pk])).status_code == status
        assert client.get(reverse("society:team-edit", args=[team.pk])).status_code == status
        client.post(reverse("society:team-members", args=[team.pk]), {"account": outsider.email})
    assert not TechTeamMember.objects.exists()
    # A department official manages teams anywhere in the province.
    login(department_official)
    client.post(reverse("society:team-members", args=[team.pk]), {"account": outsider.email})
    assert TechTeamMember.objects.filter(team=team, user=outsider).exists()
