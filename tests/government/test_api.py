"""The government REST API: public catalogue and lookup, a citizen's own dossiers only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from government import services
from government.models import Dossier
from tests.government.conftest import BIRTH, BIRTH_DATA, HOUSEHOLD_BUSINESS, pdf_bytes, png_bytes, submitted

pytestmark = pytest.mark.django_db
API = "/api/v1/government"


def test_catalogue_is_public_and_filterable(client):
    response = client.get(f"{API}/procedures/")
    assert response.status_code == 200
    assert response.json()["count"] >= 12
    hits = client.get(f"{API}/procedures/", {"topic": "kinh-doanh"}).json()["results"]
    assert {p["code"] for p in hits} == {"1.001612", "2.000720"}
    detail = client.get(f"{API}/procedures/{HOUSEHOLD_BUSINESS}/").json()
    assert detail["fee_base"] == 150000 and detail["processing_days"] == 3
    assert detail["documents"][0]["accepted_types"] == ["pdf", "docx"]
    assert client.get(f"{API}/procedures/0.000000/").status_code == 404


def test_whole_citizen_flow_over_the_api(login, citizen):
    c = login(citizen)
    created = c.post(
        f"{API}/dossiers/",
        {"procedure": BIRTH, "data": {"ho_ten_tre": "An"}, "client_token": "1b4e28ba-2fa1-11d2-883f-0016d3cca427"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    uid = created.json()["uid"]
    assert created.json()["status"] == "draft" and created.json()["agency"] == "ubnd-xa-5977"
    # Submitting an incomplete draft: field-level Vietnamese errors.
    early = c.post(f"{API}/dossiers/{uid}/submit/", content_type="application/json")
    assert early.status_code == 400
    body = early.json()
    assert body["ngay_sinh"] == ["Trường này là bắt buộc."] and "doc_giay-chung-sinh" in body
    patched = c.patch(f"{API}/dossiers/{uid}/", {"data": BIRTH_DATA}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["data"]["ho_ten_tre"] == "Hoàng Minh An"
    wrong = c.post(
        f"{API}/dossiers/{uid}/files/",
        {"document": "giay-chung-sinh", "file": SimpleUploadedFile("a.pdf", b"plain text" * 9)},
    )
    assert wrong.status_code == 400 and "file" in wrong.json()
    unknown_doc = c.post(
        f"{API}/dossiers/{uid}/files/", {"document": "khong-co", "file": SimpleUploadedFile("a.pdf", pdf_bytes())}
    )
    assert unknown_doc.status_code == 400 and "document" in unknown_doc.json()
    ok = c.post(
        f"{API}/dossiers/{uid}/files/",
        {"document": "giay-chung-sinh", "file": SimpleUploadedFile("a.png", png_bytes())},
    )
    assert ok.status_code == 201 and ok.json()["mime_type"] == "image/png"
    submitted_ = c.post(f"{API}/dossiers/{uid}/submit/", content_type="application/json")
    assert submitted_.status_code == 200
    code = submitted_.json()["code"]
    assert code.startswith("05977.H37-") and submitted_.json()["status"] == "reception"
    again = c.post(f"{API}/dossiers/{uid}/submit/", content_type="application/json")
    assert again.status_code == 409
    assert Dossier.objects.get(uid=uid).code == code
    listing = c.get(f"{API}/dossiers/").json()
    assert [d["code"] for d in listing] == [code]
    status_ = c.get(f"{API}/dossiers/{uid}/").json()
    assert [e["verb"] for e in status_["events"]] == ["submit"]


def test_pay_link_for_a_fee_dossier(login, citizen):
    dossier = submitted(citizen, HOUSEHOLD_BUSINESS)
    c = login(citizen)
    response = c.post(f"{API}/dossiers/{dossier.uid}/pay/")
    assert response.status_code == 200
    assert response.json()["amount"] == 150000 and "/payments/p/" in response.json()["payment_url"]
    free = submitted(citizen, BIRTH)
    assert c.post(f"{API}/dossiers/{free.uid}/pay/").status_code == 409


def test_supplement_over_the_api(login, citizen, commune_official):
    dossier = submitted(citizen, BIRTH)
    services.dossier_request_supplement(dossier=dossier, actor=commune_official, reason="Bổ sung")
    c = login(citizen)
    assert c.get(f"{API}/dossiers/{dossier.uid}/").json()["open_supplement_request"] == "Bổ sung"
    assert c.post(f"{API}/dossiers/{dossier.uid}/supplement/", {}, content_type="application/json").status_code == 400
    assert (
        c.post(f"{API}/dossiers/{dossier.uid}/files/", {"file": SimpleUploadedFile("b.pdf", pdf_bytes())}).status_code
        == 201
    )
    done = c.post(f"{API}/dossiers/{dossier.uid}/supplement/", {"note": "xong"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "reception"


def test_a_citizen_never_reaches_another_persons_dossier(login, citizen, citizen2):
    dossier = submitted(citizen, BIRTH)
    c = login(citizen2)
    assert c.get(f"{API}/dossiers/").json() == []
    assert c.get(f"{API}/dossiers/{dossier.uid}/").status_code == 404
    assert c.patch(f"{API}/dossiers/{dossier.uid}/", {"data": {}}, content_type="application/json").status_code == 404
    for action in ("submit", "pay", "supplement"):
        assert c.post(f"{API}/dossiers/{dossier.uid}/{action}/", content_type="application/json").status_code == 404
    files = c.post(f"{API}/dossiers/{dossier.uid}/files/", {"file": SimpleUploadedFile("b.pdf", pdf_bytes())})
    assert files.status_code == 404


def test_officials_and_anonymous_have_no_citizen_api(login, commune_official, citizen):
    dossier = submitted(citizen, BIRTH)
    assert Client().get(f"{API}/dossiers/").status_code in (401, 403)
    c = login(commune_official)
    assert c.get(f"{API}/dossiers/{dossier.uid}/").status_code == 403


def test_public_lookup_api(client, citizen):
    from tests.government.test_pages import fresh_ip

    ip = fresh_ip()
    dossier = submitted(citizen, BIRTH)
    found = client.get(f"{API}/lookup/", {"code": dossier.code, "id_last4": "0123"}, **ip)
    assert found.status_code == 200
    body = found.json()
    assert body["status"] == "reception" and body["history"][0]["status"] == "reception"
    assert "Hoàng" not in str(body) and "0912345678" not in str(body)
    assert client.get(f"{API}/lookup/", {"code": dossier.code, "id_last4": "0000"}, **ip).status_code == 404
    bad = client.get(f"{API}/lookup/", {"code": "", "id_last4": "abc"})
    assert bad.status_code == 400 and set(bad.json()) == {"code", "id_last4"}


def test_create_errors_are_field_level(login, citizen, outsider):
    c = login(citizen)
    bad = c.post(f"{API}/dossiers/", {"procedure": "0.000"}, content_type="application/json")
    assert bad.status_code == 400 and "procedure" in bad.json()
    no_commune = c.post(f"{API}/dossiers/", {"procedure": BIRTH, "commune": 1}, content_type="application/json")
    assert no_commune.status_code == 400 and "commune" in no_commune.json()


def test_openapi_schema_documents_the_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    for path in (
        "/api/v1/government/procedures/",
        "/api/v1/government/dossiers/{uid}/submit/",
        "/api/v1/government/lookup/",
    ):
        assert path in text
