"""Steering committees: seats and roles, one head at a time, every change audited, a meeting's
conclusion opened as a Party document; managed only by Party officials of the leading organisation
or above."""

import datetime as dt

import pytest
from django.urls import reverse

from core.audit.models import AuditLog
from party.models import CommitteeMember, PartyDocument, SteeringCommittee
from party.services import committees as svc

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(committee_a):
    c = svc.committee_create(
        actor=None,
        system=True,
        organisation=committee_a,
        level=SteeringCommittee.Level.COMMUNE,
        name="Ban Chỉ đạo chuyển đổi số phường Đông Kinh",
        established_on=dt.date(2025, 7, 15),
    )
    svc.committee_member_add(
        actor=None,
        system=True,
        committee=c,
        full_name="Hoàng Văn Trưởng",
        position="Bí thư Đảng ủy",
        role="head",
        since=dt.date(2025, 7, 15),
    )
    return c


def test_membership_changes_through_the_page_are_audited(
    client, login, committee, commune_party_official, commune_b_party_official, province_leader
):
    url = reverse("party:committee-member-add", args=[committee.pk])
    login(commune_party_official)
    # A second head is refused on the role field; what was typed stays.
    page = client.post(
        url, {"full_name": "Nông Thị Phó", "position": "Chủ tịch UBND phường", "role": "head", "since": "2025-08-01"}
    ).content.decode()
    assert "đã có Trưởng ban" in page and 'value="Nông Thị Phó"' in page
    data = {"full_name": "Nông Thị Phó", "position": "Chủ tịch UBND phường", "role": "deputy", "since": "2025-08-01"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # double submit: one seat
    seat = CommitteeMember.objects.get(committee=committee, full_name="Nông Thị Phó")
    head = CommitteeMember.objects.get(committee=committee, role="head")
    change = reverse("party:committee-member-change", args=[committee.pk, head.pk])
    leave = {"action": "leave", f"seat{head.pk}-until": "2025-10-01", f"seat{head.pk}-reason": ""}
    page = client.post(change, leave).content.decode()
    assert "Ghi rõ lý do thôi nhiệm vụ." in page
    assert client.post(change, {**leave, f"seat{head.pk}-reason": "Nghỉ hưu"}).status_code == 302
    promote = reverse("party:committee-member-change", args=[committee.pk, seat.pk])
    assert client.post(promote, {"action": "role", "role": "head"}).status_code == 302
    seat.refresh_from_db()
    head.refresh_from_db()
    assert seat.role == "head" and head.until == dt.date(2025, 10, 1)
    rows = AuditLog.objects.filter(object_id=str(committee.pk), action__startswith="party.committee.member")
    assert sorted(rows.values_list("action", flat=True)) == [
        "party.committee.member_add",
        "party.committee.member_add",
        "party.committee.member_change",
        "party.committee.member_remove",
    ]
    change_row = rows.get(action="party.committee.member_change")
    assert change_row.before["role"] == "deputy" and change_row.after["role"] == "head"
    page = client.get(reverse("party:committee-detail", args=[committee.pk])).content.decode()
    assert "Đã thôi nhiệm vụ" in page and "Hoàng Văn Trưởng" in page
    # Another commune's Party official and a province leader read but do not change.
    for persona in (commune_b_party_official,):
        login(persona)
        client.post(url, {**data, "full_name": "Người Lạ", "role": "member"})
        assert not CommitteeMember.objects.filter(full_name="Người Lạ").exists()
    login(province_leader)
    page = client.get(reverse("party:committee-detail", args=[committee.pk])).content.decode()
    assert "Nông Thị Phó" in page and "Bổ sung thành viên" not in page
    assert client.post(url, {**data, "full_name": "Người Lạ", "role": "member"}).status_code == 403


def test_meeting_conclusion_becomes_a_party_document(client, login, committee, commune_party_official):
    login(commune_party_official)
    response = client.post(
        reverse("party:committee-meeting", args=[committee.pk]),
        {
            "held_on": "2025-09-10",
            "subject": "Sơ kết quý III",
            "conclusion_title": "Thông báo kết luận phiên họp quý III",
            "summary": "Đẩy nhanh cấp chữ ký số.",
        },
    )
    doc = PartyDocument.objects.get(title="Thông báo kết luận phiên họp quý III")
    assert response.status_code == 302 and response["Location"] == reverse("party:document-detail", args=[doc.pk])
    assert (
        doc.status == "draft" and doc.organisation == committee.organisation and doc.meeting.subject == "Sơ kết quý III"
    )
    page = client.get(reverse("party:committee-detail", args=[committee.pk])).content.decode()
    assert "Thông báo kết luận phiên họp quý III" in page
