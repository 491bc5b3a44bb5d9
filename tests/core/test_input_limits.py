"""No input breaks a page or the API (issue 9, "Input"): NUL bytes, numbers beyond 64 bits or not
finite, JSON nested thousands deep, unknown enum values and oversized bodies each answer a clear
400/413 (or the form's own field error) and write nothing; drafts, files and uploads have limits
that match the data; the public signature check is bounded and rate-limited; the schema lists every
error the API answers."""

import io
import json
import struct
import uuid
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from government.models import Dossier
from tests.government.conftest import BIRTH, BIRTH_DATA, draft, procedure, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _api(client, citizen):
    client.force_login(citizen)
    return client


def _patch(client, dossier, body: str | bytes, content_type="application/json"):
    url = reverse("government-api:dossier-detail", kwargs={"uid": dossier.uid})
    return client.patch(url, body, content_type=content_type)


# --- NUL --------------------------------------------------------------------------------------------


def test_nul_in_a_path_a_query_string_or_a_header_is_a_400_not_a_500(client, citizen):
    # Each reached PostgreSQL, which cannot hold NUL in text, as a 500.
    assert client.get("/verify/AB%00CD/").status_code == 400
    api = client.get("/api/v1/government/procedures/a%00b/")
    assert api.status_code == 400 and "NUL" in api.json()["detail"]
    assert client.get("/api/v1/government/procedures/", {"q": "giấy\x00"}).status_code == 400
    assert client.get(reverse("government:lookup"), {"code": "X\x00", "id_last4": "0123"}).status_code == 400
    assert client.get("/api/v1/border-gate/entries/", HTTP_AUTHORIZATION="Api-Key bg_\x00\x00.x").status_code == 400


def test_nul_in_a_form_is_refused_and_writes_nothing(client, citizen):
    client.force_login(citizen)
    before = Dossier.objects.count()
    response = client.post(
        reverse("government:dossier-new", kwargs={"code": BIRTH}), {"commune": "5977\x00", "client_token": "x"}
    )
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert Dossier.objects.count() == before


def test_nul_or_a_lone_surrogate_in_json_is_a_400_and_the_draft_is_unchanged(client, citizen):
    dossier = draft(citizen, data=BIRTH_DATA, files=False)
    _api(client, citizen)
    for body in (
        json.dumps({"data": {"ho_ten_tre": "An\x00"}}),
        '{"data": {"ho_ten_tre": "An\\ud800"}}',
        json.dumps({"data": {"x\x00": "1"}}),
    ):
        response = _patch(client, dossier, body)
        assert response.status_code == 400, body
    dossier.refresh_from_db()
    assert dossier.data["ho_ten_tre"] == BIRTH_DATA["ho_ten_tre"]


# --- numbers ----------------------------------------------------------------------------------------


def test_integers_beyond_64_bits_in_pagination_and_filters_are_400(client, citizen):
    client.force_login(citizen)
    huge = "9" * 25
    assert client.get("/api/v1/core/agencies/", {"offset": huge}).status_code == 400
    assert client.get("/api/v1/core/admin-units/", {"offset": huge}).status_code == 400
    assert client.get("/api/v1/core/admin-units/", {"parent": huge}).status_code == 400
    assert client.get("/api/v1/core/agencies/", {"admin_unit": huge}).status_code == 400
    assert client.get("/api/v1/core/admin-units/", {"code": "0.5"}).status_code == 400
    assert client.get("/api/v1/core/admin-units/", {"code": ""}).status_code == 400
    assert client.get("/api/v1/core/admin-units/", {"code": "5977"}).json()["count"] >= 1
    assert client.get("/api/v1/core/admin-units/", {"limit": huge}).status_code == 400
    # Not a number, or out of range: a 400 naming the parameter (DRF read them as the default).
    for bad in ({"offset": "null"}, {"offset": "-1"}, {"limit": "0"}, {"limit": "١٢"}):
        refused = client.get("/api/v1/core/agencies/", bad)
        assert refused.status_code == 400 and set(refused.json()) == set(bad), bad
    # A limit above the page maximum is lowered, as DRF does with max_limit.
    page = client.get("/api/v1/core/admin-units/", {"limit": 1000})
    assert page.status_code == 200 and len(page.json()["results"]) == 200


def test_non_finite_huge_and_deep_json_is_a_400(client, citizen):
    dossier = draft(citizen, data=BIRTH_DATA, files=False)
    _api(client, citizen)
    bodies = [
        '{"data": {"ho_ten_tre": 1e400}}',  # parses as infinity
        '{"data": {"ho_ten_tre": NaN}}',
        '{"data": {"ho_ten_tre": -Infinity}}',
        '{"data": {"ho_ten_tre": ' + "9" * 30 + "}}",  # beyond 64 bits
        '{"data": {"ho_ten_tre": ' + "9" * 5000 + "}}",  # beyond what Python reads
        '{"data": ' + "[" * 5000 + "1" + "]" * 5000 + "}",  # deeper than the interpreter's stack
        '{"data": {"ho_ten_tre": ' + "[" * 40 + "1" + "]" * 40 + "}}",  # deeper than the portal allows
    ]
    for body in bodies:
        response = _patch(client, dossier, body)
        assert response.status_code == 400, (body[:60], response.status_code)
        assert response.json()["detail"]
    dossier.refresh_from_db()
    assert dossier.data["ho_ten_tre"] == BIRTH_DATA["ho_ten_tre"]


def test_a_json_error_is_in_the_users_language(client, citizen):
    dossier = draft(citizen, data=BIRTH_DATA, files=False)
    _api(client, citizen)
    vi = _patch(client, dossier, '{"data": {"a": 1e400}}').json()["detail"]
    client.cookies["portal_language"] = "en"
    en = _patch(client, dossier, '{"data": {"a": 1e400}}').json()["detail"]
    assert "Số quá lớn" in vi and "too large" in en.lower()


# --- enums --------------------------------------------------------------------------------------------


def test_an_unknown_status_or_direction_is_a_400(client, sysadmin):
    from border_gate import services
    from border_gate.models import Crossing

    _key, raw = services.api_key_create(
        actor=sysadmin,
        organisation="Hải quan Hữu Nghị",
        crossing=Crossing.objects.get(code="huu-nghi"),
        scopes=["border_gate.entries"],
        kind="customs",
    )
    url = reverse("border_gate-api:entries")
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}
    assert client.get(url, {"status": "declared"}, **headers).status_code == 200
    bad = client.get(url, {"status": "nope"}, **headers)
    assert bad.status_code == 400 and "status" in bad.json()
    assert client.get(url, {"direction": "sideways"}, **headers).status_code == 400
    assert client.get(url, {"updated_since": "yesterday"}, **headers).status_code == 400
    assert client.get(url, {"updated_since": ""}, **headers).status_code == 400


# --- sizes --------------------------------------------------------------------------------------------


def test_an_api_body_is_capped_at_hundreds_of_kb(client, citizen, settings):
    dossier = draft(citizen, data=BIRTH_DATA, files=False)
    _api(client, citizen)
    body = json.dumps({"data": {"ho_ten_tre": "A" * (settings.PORTAL_API_MAX_JSON_BYTES + 10)}})
    response = _patch(client, dossier, body)
    assert response.status_code == 413
    assert settings.PORTAL_API_MAX_JSON_BYTES <= 512 * 1024


def test_a_request_larger_than_any_accepted_file_is_refused_unread(client, settings):
    response = client.post(
        reverse("signing:upload"),
        data=b"x" * 10,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(settings.PORTAL_MAX_REQUEST_BYTES + 1),
    )
    assert response.status_code == 413


def test_a_draft_is_json_only(client, citizen):
    """A form body cannot carry the declaration (DRF read `data` from one as an empty object)."""
    dossier = draft(citizen, data=BIRTH_DATA, files=False)
    _api(client, citizen)
    url = reverse("government-api:dossier-detail", kwargs={"uid": dossier.uid})
    response = client.patch(url, "data=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    dossier.refresh_from_db()
    assert dossier.data == BIRTH_DATA


def _limit(name: str) -> int:
    from government.fields import draft_value_limit

    return draft_value_limit(next(f for f in procedure(BIRTH).form_fields if f["name"] == name))


def test_each_fields_maximum_length_holds_through_the_api(client, citizen):
    dossier = draft(citizen, data=BIRTH_DATA, files=False)
    _api(client, citizen)
    limit = _limit("ho_ten_tre")
    too_long = {**BIRTH_DATA, "ho_ten_tre": "A" * (limit + 1), "noi_sinh": {"nested": "object"}}
    response = _patch(client, dossier, json.dumps({"data": too_long}))
    assert response.status_code == 400
    body = response.json()
    assert str(limit) in body["ho_ten_tre"][0] and body["noi_sinh"]
    dossier.refresh_from_db()
    assert dossier.data["ho_ten_tre"] == BIRTH_DATA["ho_ten_tre"]
    # Creating a draft with the same data is refused the same way.
    created = client.post(
        reverse("government-api:dossier-list"),
        {"procedure": BIRTH, "commune": 5977, "data": {"ho_ten_tre": "A" * (limit + 1)}},
        content_type="application/json",
    )
    assert created.status_code == 400 and "ho_ten_tre" in created.json()


def test_each_fields_maximum_length_holds_on_the_page_with_what_was_typed_kept(client, citizen):
    dossier = draft(citizen, data=BIRTH_DATA, files=False)
    client.force_login(citizen)
    limit = _limit("ho_ten_tre")
    typed = {**BIRTH_DATA, "ho_ten_tre": "Ă" * (limit + 1), "action": "save"}
    response = client.post(reverse("government:dossier-edit", kwargs={"uid": dossier.uid}), typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ă" * (limit + 1) in page  # kept in the field
    assert f"Tối đa {limit} ký tự" in page  # the field's own error
    dossier.refresh_from_db()
    assert dossier.data["ho_ten_tre"] == BIRTH_DATA["ho_ten_tre"]


def test_a_citizen_has_a_cap_on_open_drafts(client, citizen, settings):
    settings.PORTAL_MAX_OPEN_DRAFTS = 3
    client.force_login(citizen)
    url = reverse("government-api:dossier-list")
    statuses = [
        client.post(url, {"procedure": BIRTH, "commune": 5977}, content_type="application/json").status_code
        for _ in range(4)
    ]
    assert statuses == [201, 201, 201, 400]
    assert Dossier.objects.filter(applicant=citizen, status="draft").count() == 3
    refused = client.post(url, {"procedure": BIRTH, "commune": 5977}, content_type="application/json").json()
    assert "3" in refused["procedure"][0]
    # The page says the same, on the form.
    page = client.post(
        reverse("government:dossier-new", kwargs={"code": BIRTH}),
        {"commune": "5977", "client_token": str(uuid.uuid4())},
    )
    assert page.status_code == 200 and "hồ sơ nháp" in page.content.decode()


def test_a_draft_has_a_cap_on_files(client, citizen, settings):
    settings.PORTAL_MAX_FILES_PER_DOSSIER = 2
    dossier = draft(citizen, data=BIRTH_DATA, files=False)
    client.force_login(citizen)
    url = reverse("government-api:dossier-files", kwargs={"uid": dossier.uid})
    statuses = [client.post(url, {"document": "giay-chung-sinh", "file": upload()}).status_code for _ in range(3)]
    assert statuses == [201, 201, 400]
    assert dossier.files.count() == 2


# --- uploads parsed within bounds -------------------------------------------------------------------


def _png_declaring(width: int, height: int) -> bytes:
    """A valid PNG header declaring width × height pixels, with one tiny compressed row."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + idat + chunk(b"IEND", b"")


def test_an_image_declaring_too_many_pixels_is_refused_before_decoding():
    from core.uploads import check_upload

    # 80 million pixels (240 MB decoded) is under Pillow's own ceiling: it would decode it.
    for width, height in ((10_000, 8_000), (60_000, 60_000)):
        bomb = SimpleUploadedFile("anh.png", _png_declaring(width, height), content_type="image/png")
        with pytest.raises(ValidationError) as refused:
            check_upload(bomb, accepted_types=["png"], max_size_bytes=5 * 1024 * 1024)
        assert refused.value.code == "too_complex", (width, height)


def _docx(document_xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document_xml)
    return buffer.getvalue()


def test_an_office_file_that_unpacks_beyond_the_cap_is_refused(settings):
    from core.uploads import check_upload

    small = SimpleUploadedFile("don.docx", _docx(b"<w:document/>"))
    assert check_upload(small, accepted_types=["docx"], max_size_bytes=1024 * 1024).kind == "docx"
    settings.PORTAL_UPLOAD_MAX_UNZIPPED_BYTES = 100_000
    bomb = SimpleUploadedFile("don.docx", _docx(b"<w:document>" + b" " * 200_000 + b"</w:document>"))
    assert len(bomb) < 5_000  # compresses to almost nothing: only the declared size tells
    with pytest.raises(ValidationError) as refused:
        check_upload(bomb, accepted_types=["docx"], max_size_bytes=1024 * 1024)
    assert refused.value.code == "too_complex"


def _signed_pdf() -> bytes:
    from core.agencies.models import Agency
    from core.pdf import render_pdf
    from core.signing.services import sign_pdf

    data = render_pdf("core/pdf/document.html", {"title": "GIẤY XÁC NHẬN", "paragraphs": ["Lạng Sơn"], "rows": []})
    return sign_pdf(pdf_bytes=data, title="Giấy xác nhận", signer_agency=Agency.objects.get(code="so-khcn")).file.read()


def test_the_verification_page_checks_a_bounded_number_of_signatures(client, settings):
    signed = _signed_pdf()
    settings.PORTAL_VERIFY_MAX_SIGNATURES = 0
    response = client.post(reverse("signing:upload"), {"file": SimpleUploadedFile("a.pdf", signed, "application/pdf")})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Không kiểm tra được" in page and "Chữ ký số hợp lệ" not in page


def test_the_verification_page_is_rate_limited_per_address(client, settings):
    from django.core.cache import cache

    cache.delete("ratelimit:signing-verify:127.0.0.1")
    settings.PORTAL_VERIFY_RATE_PER_HOUR = 2
    pdf = upload().read()
    statuses = [
        client.post(
            reverse("signing:upload"), {"file": SimpleUploadedFile("a.pdf", pdf, "application/pdf")}
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    cache.delete("ratelimit:signing-verify:127.0.0.1")


# --- the schema -------------------------------------------------------------------------------------


def test_every_operation_documents_every_error_it_can_answer(client, citizen):
    client.force_login(citizen)
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    assert "Error" in schema["components"]["schemas"]
    missing = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            codes = {"400", "401", "403", "404", "429"} | ({"409", "413"} if method != "get" else set())
            for code in codes - set(operation["responses"]):
                missing.append(f"{method.upper()} {path}: {code}")
    assert not missing, missing
    entries = schema["paths"]["/api/v1/border-gate/entries/"]["get"]["parameters"]
    status = next(p for p in entries if p["name"] == "status")
    assert "declared" in (
        status["schema"].get("enum")
        or schema["components"]["schemas"][status["schema"]["$ref"].rsplit("/", 1)[-1]]["enum"]
    )
    assert procedure(BIRTH)  # the reference data the other tests use is there
