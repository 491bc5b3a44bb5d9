import hashlib
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.audit.models import AuditLog
from core.pdf import render_pdf
from core.signing.models import SignedDocument, SigningCertificate
from core.signing.services import SigningError, sign_pdf, signing_ca_get_or_create, signing_certificate_for
from core.signing.verification import verify_pdf

pytestmark = pytest.mark.django_db

VIETNAMESE = "Giấy chứng nhận đăng ký hộ kinh doanh — Phường Đông Kinh, tỉnh Lạng Sơn: ưởng ặ ỹ Đ"


def _pdf(**extra) -> bytes:
    return render_pdf(
        "core/pdf/document.html",
        {"title": "GIẤY XÁC NHẬN", "paragraphs": [VIETNAMESE], "rows": [("Họ và tên", "Hoàng Văn Dân")], **extra},
    )


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def agency():
    from core.agencies.models import Agency

    return Agency.objects.get(code="so-khcn")


def test_render_pdf_is_a4_and_keeps_vietnamese_diacritics():
    data = _pdf()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = _text(data)
    assert VIETNAMESE in " ".join(text.split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    fonts = {str(f) for page in reader.pages for f in (page["/Resources"]["/Font"].values())}
    assert fonts  # fonts embedded
    names = " ".join(
        str(reader.get_object(ref)["/BaseFont"]) for ref in reader.pages[0]["/Resources"]["/Font"].values()
    )
    assert "DejaVu" in names


def test_render_pdf_refuses_remote_resources():
    # A citizen's text printed into a PDF must never make the server fetch a URL.
    data = render_pdf("core/pdf/document.html", {"title": "X", "paragraphs": ['<img src="http://10.0.0.1/x.png">']})
    assert data.startswith(b"%PDF-")  # escaped by the template: no fetch, no crash


def test_ca_is_created_once_and_is_a_ca():
    ca = signing_ca_get_or_create()
    assert signing_ca_get_or_create().pk == ca.pk
    assert SigningCertificate.objects.filter(kind="ca").count() == 1
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(ca.certificate_pem.encode())
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert "ENCRYPTED PRIVATE KEY" in ca.encrypted_key_pem
    assert AuditLog.objects.filter(action="signing.ca.create", object_id=str(ca.pk)).count() == 1


def test_signing_init_ca_command_is_idempotent(tmp_path):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("signing_init_ca", export=str(tmp_path / "ca.pem"), stdout=out)
    call_command("signing_init_ca", stdout=out)
    assert SigningCertificate.objects.filter(kind="ca").count() == 1
    assert (tmp_path / "ca.pem").read_text().startswith("-----BEGIN CERTIFICATE-----")


def test_agency_certificate_issued_by_ca_once(agency):
    cert = signing_certificate_for(agency=agency)
    assert signing_certificate_for(agency=agency).pk == cert.pk
    assert cert.issuer.kind == "ca" and cert.common_name == agency.name
    from cryptography import x509

    leaf = x509.load_pem_x509_certificate(cert.certificate_pem.encode())
    ca = x509.load_pem_x509_certificate(cert.issuer.certificate_pem.encode())
    leaf.verify_directly_issued_by(ca)
    assert leaf.extensions.get_extension_for_class(x509.KeyUsage).value.content_commitment


def test_sign_validate_and_tamper(agency, department_official, settings):
    settings.SITE_URL = "https://portal.langson.gov.vn"
    signed = sign_pdf(
        pdf_bytes=_pdf(), title="Giấy xác nhận", signer_agency=agency, obj=agency, actor=department_official
    )
    data = signed.file.read()
    assert hashlib.sha256(data).hexdigest() == signed.sha256
    assert signed.get_verification_url() == f"/verify/{signed.verification_code}/"
    assert signed.signer_name == agency.name and signed.signed_at is not None

    result = verify_pdf(data)
    assert result.valid and result.main.intact and result.main.trusted and result.main.covers_whole_file
    assert result.main.signer_name == agency.name
    assert result.document == signed

    # Signing keeps the document's Vietnamese text intact.
    assert VIETNAMESE in " ".join(_text(data).split())

    # One byte changed inside the signed content → invalid.
    index = data.index(b"stream", len(data) // 4) + 20
    tampered = data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]
    bad = verify_pdf(tampered)
    assert not bad.valid
    assert bad.sha256 != signed.sha256 and bad.document is None

    # Appending an incremental update after signing → no longer covers the whole file.
    appended = data + b"\n% appended after signing\n"
    assert not verify_pdf(appended).valid

    assert AuditLog.objects.filter(action="signing.document.sign", object_id=str(signed.pk)).exists()


def _stamp_appearance(data: bytes):
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[-1]
    widgets = [a.get_object() for a in page["/Annots"] if a.get_object()["/Subtype"] == "/Widget"]
    assert len(widgets) == 1
    return reader, page, widgets[0]["/AP"]["/N"].get_object()


def _qr_modules(xobject, seen=None) -> set[tuple[int, int]]:
    """The dark modules pyHanko drew (`col row 1 1 re` per module) in the stamp's QR XObject."""
    seen = seen if seen is not None else set()
    modules = set()
    data = xobject.get_data()
    for match in re.finditer(rb"(\d+) (\d+) 1 1 re", data):
        modules.add((int(match.group(2)), int(match.group(1))))
    for ref in (xobject.get("/Resources", {}).get("/XObject", {}) or {}).values():
        if id(ref) not in seen:
            seen.add(id(ref))
            modules |= _qr_modules(ref.get_object(), seen)
    return modules


def test_stamp_text_and_qr_code_point_to_the_verification_url(agency, settings):
    settings.SITE_URL = "https://portal.langson.gov.vn"
    signed = sign_pdf(pdf_bytes=_pdf(), title="Giấy xác nhận", signer_agency=agency)
    url = f"https://portal.langson.gov.vn/verify/{signed.verification_code}/"
    reader, page, appearance = _stamp_appearance(signed.file.read())

    stamp_text = page._extract_text(appearance, reader, content_key=None)
    assert f"Ký số bởi: {agency.name}" in stamp_text
    assert f"Kiểm tra tại: {url}" in stamp_text
    assert f"Mã kiểm tra: {signed.verification_code}" in stamp_text

    # Rebuild the QR code of the expected URL and compare module by module with what was drawn.
    import qrcode

    expected = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    expected.add_data(url)
    expected.make(fit=True)
    dark = {(r, c) for r, row in enumerate(expected.modules) for c, v in enumerate(row) if v}
    assert _qr_modules(appearance) == dark


def test_person_certificate_signs_with_the_person_name(department_official):
    signed = sign_pdf(pdf_bytes=_pdf(), title="Tờ trình", signer_user=department_official)
    assert signed.certificate.kind == "person" and signed.certificate.user == department_official
    assert signed.signer_name == department_official.full_name
    assert signed.signer_agency == department_official.agency
    result = verify_pdf(signed.file.read())
    assert result.valid and result.main.signer_name == "Chu Văn Sở"


def test_a_pdf_signed_by_another_ca_is_not_trusted(agency):
    from core.signing import crypto

    signed = sign_pdf(pdf_bytes=_pdf(), title="X", signer_agency=agency)
    data = signed.file.read()
    # Rotate: the only CA is now another one, so the document no longer chains to a trusted root.
    SigningCertificate.objects.filter(kind="ca").update(
        certificate_pem=crypto.cert_pem(
            crypto.make_ca_certificate(
                crypto.new_key(), common_name="Other", organization="Other", now=signed.signed_at
            )
        )
    )
    result = verify_pdf(data)
    assert result.main.intact and not result.main.trusted and not result.valid


def test_sign_requires_a_signer_and_a_readable_pdf(agency):
    with pytest.raises(SigningError):
        sign_pdf(pdf_bytes=_pdf(), title="X")
    with pytest.raises(SigningError):
        sign_pdf(pdf_bytes=b"not a pdf", title="X", signer_agency=agency)
    assert not SignedDocument.objects.exists()


def test_unreadable_and_unsigned_files_are_reported_not_raised():
    assert not verify_pdf(b"garbage").readable
    unsigned = verify_pdf(_pdf())
    assert unsigned.readable and not unsigned.signed and not unsigned.valid


# --- HTTP --------------------------------------------------------------------------------------


def test_public_verification_page_without_login(client, agency):
    signed = sign_pdf(pdf_bytes=_pdf(), title="Giấy phép xây dựng", signer_agency=agency)
    response = client.get(signed.get_verification_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chữ ký số hợp lệ" in html
    assert agency.name in html
    assert signed.sha256 in html
    assert "Giấy phép xây dựng" in html


def test_verification_page_shows_invalid_when_stored_file_was_altered(client, agency):
    signed = sign_pdf(pdf_bytes=_pdf(), title="Giấy phép", signer_agency=agency)
    data = signed.file.read()
    index = data.index(b"stream", len(data) // 4) + 20
    with open(signed.file.path, "wb") as fh:
        fh.write(data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :])
    html = client.get(signed.get_verification_url()).content.decode()
    assert "KHÔNG hợp lệ" in html
    assert "không khớp" in html


def test_unknown_code_is_404(client):
    assert client.get(reverse("signing:verify", kwargs={"code": "NOPE"})).status_code == 404


def test_upload_a_copy_valid_and_tampered(client, agency):
    signed = sign_pdf(pdf_bytes=_pdf(), title="Giấy phép", signer_agency=agency)
    data = signed.file.read()
    from django.core.files.uploadedfile import SimpleUploadedFile

    ok = client.post(reverse("signing:upload"), {"file": SimpleUploadedFile("a.pdf", data, "application/pdf")})
    assert ok.status_code == 200
    assert "Chữ ký số hợp lệ" in ok.content.decode()
    assert signed.get_verification_url() in ok.content.decode()

    index = data.index(b"stream", len(data) // 4) + 20
    tampered = data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]
    bad = client.post(reverse("signing:upload"), {"file": SimpleUploadedFile("a.pdf", tampered, "application/pdf")})
    assert bad.status_code == 200
    assert "KHÔNG hợp lệ" in bad.content.decode() or "Không đọc được" in bad.content.decode()
    assert "Chữ ký số hợp lệ" not in bad.content.decode()


def test_upload_rejects_non_pdf_with_a_field_error(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("signing:upload"), {"file": SimpleUploadedFile("a.txt", b"hello", "text/plain")})
    assert response.status_code == 200
    assert "Tệp không phải là PDF." in response.content.decode()
    empty = client.post(reverse("signing:upload"), {})
    assert empty.status_code == 200 and "errorlist" in empty.content.decode()


def test_lookup_by_code_redirects(client, agency):
    signed = sign_pdf(pdf_bytes=_pdf(), title="Giấy phép", signer_agency=agency)
    code = signed.verification_code
    response = client.post(reverse("signing:upload"), {"code": " " + code.lower() + " "})
    assert response.status_code == 302 and response["Location"] == signed.get_verification_url()
    missing = client.post(reverse("signing:upload"), {"code": "ZZZZ"})
    assert "Không tìm thấy" in missing.content.decode()


def test_ca_certificate_download(client):
    response = client.get(reverse("signing:ca-certificate"))
    assert response.status_code == 200
    assert re.match(r"^-----BEGIN CERTIFICATE-----", response.content.decode())


def test_verification_page_in_english(client, agency):
    signed = sign_pdf(pdf_bytes=_pdf(), title="Giấy phép", signer_agency=agency)
    client.cookies["portal_language"] = "en"
    assert "Valid digital signature" in client.get(signed.get_verification_url()).content.decode()


def test_ca_download_before_provisioning_is_404_and_creates_nothing(client):
    # A GET never writes: the CA comes from provisioning (load_reference_data) or the first signing.
    SigningCertificate.objects.filter(kind="ca").update(is_active=False)
    response = client.get(reverse("signing:ca-certificate"))
    assert response.status_code == 404
    assert not SigningCertificate.objects.filter(kind="ca", is_active=True).exists()


def test_provisioning_creates_the_ca_once():
    from django.core.management import call_command

    SigningCertificate.objects.filter(kind="ca").update(is_active=False)
    from core.signing.reference import load

    call_command("load_reference_data", verbosity=0)
    load()  # idempotent, like every reference loader
    assert SigningCertificate.objects.filter(kind="ca", is_active=True).count() == 1
