"""The Party organisation tree and member data, per persona: members are seen only by Party
officials of their cell or an organisation above it — never by government officials, a superuser
or a Party official elsewhere in the tree."""

import datetime as dt

import pytest
from django.urls import reverse

from core.audit.models import AuditLog
from party.models import PartyMember, PartyOrganisation
from party.selectors import access

pytestmark = pytest.mark.django_db


def test_reference_tree_has_province_boards_and_every_commune_committee(province_org):
    assert province_org.level == "province" and province_org.symbol == "TU"
    assert PartyOrganisation.objects.filter(parent=province_org, level="commune").count() == 65
    boards = set(PartyOrganisation.objects.filter(level="board").values_list("symbol", flat=True))
    assert {"VPTU", "BTCTU", "UBKTTU", "BTGDVTU"} <= boards
    # Every node's path starts with its parent's: "this organisation and below" is a prefix match.
    for org in PartyOrganisation.objects.exclude(parent=None).select_related("parent"):
        assert org.path.startswith(org.parent.path) and org.path != org.parent.path


def _names(user):
    return set(access.members_visible_to(user).values_list("full_name", flat=True))


def test_member_visibility_per_persona(
    cells,
    party_official,
    commune_party_official,
    commune_b_party_official,
    cell_secretary,
    province_leader,
    department_official,
    commune_official,
    sysadmin,
    citizen,
):
    assert _names(party_official) == {"Đảng Viên A1", "Đảng Viên A2", "Đảng Viên B1"}
    assert _names(commune_party_official) == {"Đảng Viên A1", "Đảng Viên A2"}
    assert _names(commune_b_party_official) == {"Đảng Viên B1"}
    assert _names(cell_secretary) == {"Đảng Viên A1"}
    for outsider in (province_leader, department_official, commune_official, sysadmin, citizen):
        assert _names(outsider) == set()


def test_member_pages_per_persona(
    client, login, cells, commune_party_official, cell_secretary, province_leader, commune_official, sysadmin
):
    a1, a2 = cells["a1"], cells["a2"]
    member_a2 = PartyMember.objects.get(organisation=a2)
    login(commune_party_official)
    page = client.get(reverse("party:organisation-detail", args=[a2.pk])).content.decode()
    assert "Đảng Viên A2" in page
    assert client.get(reverse("party:member-edit", args=[member_a2.pk])).status_code == 200
    # The secretary of cell A1 sees their cell, not the sibling cell.
    login(cell_secretary)
    assert "Đảng Viên A1" in client.get(reverse("party:organisation-detail", args=[a1.pk])).content.decode()
    page = client.get(reverse("party:organisation-detail", args=[a2.pk])).content.decode()
    assert "Đảng Viên A2" not in page and "chỉ cán bộ phụ trách tổ chức" in page
    assert client.get(reverse("party:member-edit", args=[member_a2.pk])).status_code == 404
    assert client.get(reverse("party:member-create", args=[a2.pk])).status_code == 404
    # Government officials never reach the tree; a superuser reaches it but sees no member.
    for persona in (province_leader, commune_official):
        login(persona)
        assert client.get(reverse("party:organisations")).status_code == 403
        assert client.get(reverse("party:organisation-detail", args=[a1.pk])).status_code == 403
    login(sysadmin)
    page = client.get(reverse("party:organisation-detail", args=[a1.pk])).content.decode()
    assert "Đảng Viên A1" not in page
    assert client.get(reverse("party:member-edit", args=[member_a2.pk])).status_code == 404


def test_tree_page_shows_member_counts_only_in_scope(client, login, cells, cell_secretary):
    login(cell_secretary)
    page = client.get(reverse("party:organisations")).content.decode()
    assert cells["a1"].name in page and cells["b1"].name in page  # the tree itself is not secret
    rows = [line for line in page.splitlines() if cells["b1"].name in line]
    assert rows and "—" in rows[0]


def test_member_form_rejects_bad_input_on_its_fields_and_keeps_it(client, login, cells, commune_party_official):
    login(commune_party_official)
    url = reverse("party:member-create", args=[cells["a1"].pk])
    response = client.post(
        url,
        {
            "organisation": cells["a1"].pk,
            "full_name": "Lương Thị Mới",
            "birth_date": "2015-01-01",
            "admitted_on": "2030-01-01",
            "status": "full",
            "card_number": "0000a2",  # already A2's card
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Đảng viên phải đủ 18 tuổi." in page
    assert "Ngày vào Đảng không được ở tương lai." in page
    assert "Số thẻ đảng viên này đã có trong hệ thống." in page
    assert 'value="Lương Thị Mới"' in page
    assert not PartyMember.objects.filter(full_name="Lương Thị Mới").exists()
    # A cell of another commune is not even offered.
    response = client.post(
        url,
        {
            "organisation": cells["b1"].pk,
            "full_name": "Lương Thị Mới",
            "birth_date": "1990-01-01",
            "admitted_on": "2015-01-01",
            "status": "probationary",
        },
    )
    assert response.status_code == 200 and not PartyMember.objects.filter(full_name="Lương Thị Mới").exists()


def test_member_create_then_double_submit_and_transfer_are_audited(client, login, cells, commune_party_official):
    login(commune_party_official)
    data = {
        "organisation": cells["a1"].pk,
        "full_name": "Lương Thị Mới",
        "birth_date": "1990-01-01",
        "admitted_on": "2015-01-01",
        "status": "probationary",
        "card_number": "777",
    }
    assert client.post(reverse("party:member-create", args=[cells["a1"].pk]), data).status_code == 302
    member = PartyMember.objects.get(full_name="Lương Thị Mới")
    edit = reverse("party:member-edit", args=[member.pk])
    # Transfer to the sibling cell, twice (the second changes nothing).
    data.update(organisation=cells["a2"].pk, status="full")
    assert client.post(edit, data).status_code == 302
    assert client.post(edit, data).status_code == 302
    member.refresh_from_db()
    assert (member.organisation, member.status) == (cells["a2"], "full")
    actions = list(
        AuditLog.objects.filter(object_id=str(member.pk), action__startswith="party.member").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["party.member.create", "party.member.update"]
    # Personal data stays out of the audit rows (readable more widely than the members).
    for row in AuditLog.objects.filter(object_id=str(member.pk), action__startswith="party.member"):
        assert "Lương Thị Mới" not in str(row.after) and "1990" not in str(row.after)
    assert member.birth_date == dt.date(1990, 1, 1)


def test_member_search_with_or_without_diacritics(client, login, cells, commune_party_official):
    login(commune_party_official)
    url = reverse("party:organisation-detail", args=[cells["a1"].parent_id])
    assert "Đảng Viên A1" in client.get(url, {"q": "dang vien a1"}).content.decode()
    page = client.get(url, {"q": "Đảng Viên A2"}).content.decode()
    assert "Đảng Viên A2" in page and "Đảng Viên A1" not in page


def test_officer_assignment_refuses_government_officials(cells, department_official):
    from party.services import PartyError
    from party.services.organisations import officer_assign

    with pytest.raises(PartyError):
        officer_assign(organisation=cells["a1"], user=department_official)


def test_positions_given_within_scope(client, login, cells, commune_party_official, cell_secretary):
    member = PartyMember.objects.get(organisation=cells["a1"])
    login(commune_party_official)
    url = reverse("party:member-position", args=[member.pk])
    committee = cells["a1"].parent
    assert (
        client.post(url, {"organisation": committee.pk, "role": "committee", "since": "2025-07-01"}).status_code == 302
    )
    page = client.get(reverse("party:member-edit", args=[member.pk])).content.decode()
    assert "Cấp ủy viên — " + committee.name in page
    # The cell's secretary may give positions in the cell only, not in the committee above.
    login(cell_secretary)
    client.post(url, {"organisation": committee.pk, "role": "secretary", "since": "2025-07-01"})
    assert not member.positions.filter(role="secretary").exists()
    client.post(url, {"organisation": cells["a1"].pk, "role": "secretary", "since": "2025-07-01"})
    assert member.positions.filter(role="secretary", organisation=cells["a1"]).exists()
    assert AuditLog.objects.filter(action="party.member.position", object_id=str(member.pk)).count() == 2
