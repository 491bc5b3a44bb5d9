"""The party API applies the pages' rules: an organisation's inbox only to its officials, read
acknowledgement once, tasks per persona, progress reports by the owner agency only."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.agencies.models import Agency
from party.models import KeyTask, KeyTaskUpdate, PartyOrganisation
from party.services import documents as svc
from tests.government.conftest import pdf_bytes

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]


@pytest.fixture
def sent(party_official, committee_a, committee_b):
    province = PartyOrganisation.objects.get(code="tinh-uy")
    doc = svc.document_create_draft(actor=party_official, organisation=province, kind="chi_thi", title="Chỉ thị số hóa")
    return svc.document_issue(
        actor=party_official, document=doc, recipients=[committee_a, committee_b], signer_title="Bí thư"
    )


def test_inbox_and_acknowledgement(
    client, login, sent, commune_party_official, commune_b_party_official, province_leader
):
    login(commune_party_official)
    body = client.get("/api/v1/party/inbox/").json()
    assert [r["document"]["number"] for r in body["results"]] == ["1-CT/TU"]
    row = body["results"][0]
    assert row["read_at"] is None and row["organisation"]["code"] == "dang-uy-xa-5977"
    ack = client.post(f"/api/v1/party/inbox/{row['id']}/acknowledge/")
    assert ack.status_code == 200 and ack.json()["read_by"] == commune_party_official.get_full_name()
    first = ack.json()["read_at"]
    assert client.post(f"/api/v1/party/inbox/{row['id']}/acknowledge/").json()["read_at"] == first
    assert client.get("/api/v1/party/inbox/?state=unread").json()["results"] == []
    # Commune B's row is not commune A's to acknowledge: 404, and it stays unread.
    login(commune_b_party_official)
    theirs = client.get("/api/v1/party/inbox/").json()["results"][0]
    login(commune_party_official)
    assert client.post(f"/api/v1/party/inbox/{theirs['id']}/acknowledge/").status_code == 404
    assert client.get("/api/v1/party/inbox/?state=bogus").status_code == 400
    login(province_leader)
    assert client.get("/api/v1/party/inbox/").status_code == 403


def test_tasks_per_persona_and_owner_reports(client, login, party_official, department_official, commune_official):
    resolution = svc.document_record(
        organisation=PartyOrganisation.objects.get(code="tinh-uy"),
        kind="nghi_quyet",
        sequence=49,
        number="49-NQ/TU",
        title="CĐS",
        issued_on=dt.date(2021, 9, 28),
    )
    today = dt.date.today()
    task = KeyTask.objects.create(
        document=resolution,
        code="NV-01",
        title="IOC",
        owner=Agency.objects.get(code="so-khcn"),
        start_on=today - dt.timedelta(days=100),
        deadline=today + dt.timedelta(days=100),
    )
    login(commune_official)
    assert client.get("/api/v1/party/tasks/").json()["results"] == []
    assert client.get(f"/api/v1/party/tasks/{task.pk}/").status_code == 404
    login(party_official)
    listed = client.get("/api/v1/party/tasks/").json()["results"]
    assert [(t["code"], t["assessment"]) for t in listed] == [("NV-01", "late")]
    response = client.post(f"/api/v1/party/tasks/{task.pk}/reports/", {"progress": 60, "note": "x"})
    assert response.status_code == 403
    login(department_official)
    response = client.post(f"/api/v1/party/tasks/{task.pk}/reports/", {"progress": 150, "note": "x"})
    assert response.status_code == 400 and "progress" in response.json()
    response = client.post(
        f"/api/v1/party/tasks/{task.pk}/reports/",
        {"progress": 60, "note": "Đã vận hành thử", "files": [SimpleUploadedFile("bb.pdf", pdf_bytes())]},
    )
    assert response.status_code == 201, response.content
    assert (response.json()["progress"], response.json()["assessment"]) == (60, "on_track")
    assert KeyTaskUpdate.objects.get(task=task).evidence.count() == 1
