"""A dossier is submitted only with what the public lookup needs: the applicant's ID number."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from government.models import Dossier
from tests.conftest import COMMUNE_A, make_user
from tests.government.conftest import BIRTH, BIRTH_DATA, draft, png_bytes

pytestmark = pytest.mark.django_db
API = "/api/v1/government"
MISSING = "Nhập số CCCD của người nộp (12 chữ số): cần để tra cứu hồ sơ."


@pytest.fixture
def no_id_citizen(db):
    return make_user("khong.cccd@example.vn", roles=["citizen"], full_name="Lộc Văn Chưa", phone="0912000111")


def test_page_asks_for_the_id_number_before_submitting_then_the_lookup_finds_it(login, client, no_id_citizen):
    dossier = draft(no_id_citizen, BIRTH, {}, files=False, commune=COMMUNE_A)
    c = login(no_id_citizen)
    edit = reverse("government:dossier-edit", kwargs={"uid": dossier.uid})
    payload = {**BIRTH_DATA, "action": "submit", "applicant_id_number": ""}
    payload["doc_giay-chung-sinh"] = SimpleUploadedFile("chung-sinh.png", png_bytes())
    response = c.post(edit, payload)
    page = response.content.decode()
    assert response.status_code == 400
    assert MISSING in page and 'id="id_applicant_id_number_errors"' in page
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.DRAFT and not dossier.code

    bad = c.post(edit, {**BIRTH_DATA, "action": "submit", "applicant_id_number": "12345"})
    assert bad.status_code == 400 and "Số CCCD phải gồm đúng 12 chữ số." in bad.content.decode()
    assert 'value="12345"' in bad.content.decode()  # kept as typed

    ok = c.post(edit, {**BIRTH_DATA, "action": "submit", "applicant_id_number": "020090007788"})
    assert ok.status_code == 302
    dossier.refresh_from_db()
    assert dossier.code and dossier.applicant_id_number == "020090007788"
    found = client.get(reverse("government:lookup"), {"code": dossier.code, "id_last4": "7788"})
    assert found.status_code == 200 and "Chờ tiếp nhận" in found.content.decode()


def test_api_refuses_submission_without_the_id_number_with_a_field_error(login, no_id_citizen):
    dossier = draft(no_id_citizen, BIRTH, BIRTH_DATA, commune=COMMUNE_A)
    c = login(no_id_citizen)
    refused = c.post(f"{API}/dossiers/{dossier.uid}/submit/", content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["applicant_id_number"] == [MISSING]
    saved = c.patch(
        f"{API}/dossiers/{dossier.uid}/",
        {"data": BIRTH_DATA, "applicant_id_number": "020090007788"},
        content_type="application/json",
    )
    assert saved.status_code == 200 and saved.json()["applicant_id_number"] == "020090007788"
    submitted = c.post(f"{API}/dossiers/{dossier.uid}/submit/", content_type="application/json")
    assert submitted.status_code == 200 and submitted.json()["code"]


def test_the_citizen_id_on_the_account_is_filled_in(login, citizen):
    dossier = draft(citizen, BIRTH, BIRTH_DATA, files=False)
    page = login(citizen).get(reverse("government:dossier-edit", kwargs={"uid": dossier.uid})).content.decode()
    assert 'value="020090000123"' in page
