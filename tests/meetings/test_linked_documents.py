"""A meeting's papers can be documents already registered on the portal (linked by number, not
uploaded again): the organiser links one they may read; participants from other agencies download
its main file through the meeting; confidential, unknown or unreadable documents are refused by field."""

import pytest
from django.test import Client
from django.urls import reverse

from core.audit.models import AuditLog
from core.errors import ServiceError
from tests.documents.conftest import registered
from tests.meetings.test_meetings import _meeting

pytestmark = pytest.mark.django_db


def test_link_a_registered_document_and_participants_read_it(
    clerk, leader, department_official, commune_leader, commune_clerk, login
):
    doc = registered(clerk, number_symbol="88/SXD-QLCL", abstract="Kế hoạch nâng cấp đường giao thông nông thôn")
    secret = registered(clerk, number_symbol="01/MẬT", confidentiality="confidential", abstract="Tài liệu mật")
    m = _meeting(clerk, leader, [commune_leader.email])
    c = login(clerk)
    url = reverse("meetings:detail", args=[m.uid])

    unknown = c.post(url, {"action": "link", "link-number_symbol": "999/KHÔNG-CÓ"})
    body = unknown.content.decode()
    assert unknown.status_code == 200 and "Không tìm thấy văn bản số" in body and 'value="999/KHÔNG-CÓ"' in body
    refused = c.post(url, {"action": "link", "link-number_symbol": "01/MẬT"})
    assert "Văn bản mật không được đưa vào" in refused.content.decode()
    assert not m.linked_documents.filter(document=secret).exists()

    for _ in range(2):  # a double submit links it once
        done = c.post(url, {"action": "link", "link-number_symbol": " 88/sxd-qlcl "})
        assert done.status_code == 302
    assert list(m.linked_documents.values_list("document_id", flat=True)) == [doc.pk]
    assert AuditLog.objects.filter(action="meetings.meeting.link_document").count() == 1

    # A participant of another agency, who cannot open the document in the documents book, reads it here.
    participant = login(commune_leader, Client())
    assert participant.get(reverse("documents:detail", args=[doc.uid])).status_code == 404
    page = participant.get(url).content.decode()
    assert "88/SXD-QLCL" in page and "Kế hoạch nâng cấp đường giao thông" in page
    link = m.linked_documents.get()
    download = participant.get(reverse("meetings:linked-file", args=[m.uid, link.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    # Someone who may not see the meeting gets nothing.
    outsider = login(commune_clerk, Client())
    assert outsider.get(reverse("meetings:linked-file", args=[m.uid, link.pk])).status_code == 404


def test_only_what_the_organiser_may_read_can_be_linked(clerk, leader, commune_clerk, commune_leader):
    from government.meetings import services

    other_agency_doc = registered(commune_clerk, number_symbol="7/UBND-VP")
    m = _meeting(clerk, leader, [])
    with pytest.raises(ServiceError) as refused:
        services.meeting_link_document(meeting=m, actor=clerk, number_symbol=other_agency_doc.number_symbol)
    assert "number_symbol" in refused.value.errors
    with pytest.raises(ServiceError) as empty:
        services.meeting_link_document(meeting=m, actor=clerk, number_symbol="  ")
    assert "number_symbol" in empty.value.errors
