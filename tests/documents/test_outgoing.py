"""Outgoing documents: drafted, reviewed, signed, numbered and issued, then delivered on the portal to
another agency where the signatures are checked with pyHanko against the provincial CA."""

import pytest
from django.conf import settings
from django.utils import timezone

from core.audit.models import AuditLog
from core.errors import NotAllowedError, ServiceError
from core.signing.verification import verify_pdf
from government.documents import services
from government.documents.models import Document, Status
from government.documents.tasks import check_incoming_signature
from tests.documents.conftest import pdf_upload, signed_outgoing

pytestmark = pytest.mark.django_db


def _main_bytes(d: Document) -> bytes:
    with d.files.get(is_main=True).file.open("rb") as fh:
        return fh.read()


def test_issued_document_arrives_at_the_other_agency_with_its_signatures_checked(
    department_official, leader, clerk, commune, commune_clerk, celery_eager, django_capture_on_commit_callbacks
):
    d = signed_outgoing(department_official, leader, recipients=[commune])
    assert d.status == Status.SIGNED and verify_pdf(_main_bytes(d)).valid  # the signer's own signature
    with django_capture_on_commit_callbacks(execute=True):
        services.outgoing_issue(document=d, actor=clerk)
    d.refresh_from_db()
    year = timezone.localdate().year
    assert d.status == Status.ISSUED and d.number == 1 and d.number_symbol == "01/QĐ-SKHCN"
    assert d.book_year == year and d.signed_document.title.startswith("Quyết định số 01/QĐ-SKHCN")
    # Two signatures on the issued file: the leader's, then the agency's with the number.
    report = verify_pdf(_main_bytes(d))
    assert report.valid and [s.signer_name for s in report.signatures] == ["Hoàng Văn Giám Đốc", d.agency.name]

    arrived = Document.objects.get(agency=commune, source=d)
    assert arrived.direction == "in" and arrived.status == Status.RECEIVED
    assert arrived.number_symbol == "01/QĐ-SKHCN" and arrived.sender_agency == d.agency
    assert arrived.signature_valid is True and arrived.signature_signers.splitlines() == [
        "Hoàng Văn Giám Đốc",
        d.agency.name,
    ]
    assert "2 chữ ký" in arrived.signature_text
    # The commune's clerk registers it in their own incoming book.
    services.document_receive(document=arrived, actor=commune_clerk)
    arrived.refresh_from_db()
    assert arrived.status == Status.REGISTERED and arrived.arrival_number == 1
    assert AuditLog.objects.filter(action="documents.document.issue", object_id=str(d.pk)).exists()
    assert AuditLog.objects.filter(action="documents.document.check_signature", object_id=str(arrived.pk)).exists()


@pytest.mark.parametrize(
    "language, sent, received",
    [
        ("vi", ["Soạn dự thảo", "Trình duyệt", "Duyệt, trình ký", "Ký số", "Cấp số, phát hành"],
         ["Nhận qua cổng", "Kiểm tra chữ ký số", "Vào sổ văn bản nhận trên cổng"]),
        ("en", ["Draft written", "Submitted for review", "Approved for signature", "Digitally signed",
                "Numbered and issued"],
         ["Arrived through the portal", "Digital signature checked", "Registered from the portal"]),
    ],
)  # fmt: skip
def test_the_history_names_each_step_in_the_readers_language_never_a_code(
    client, language, sent, received, department_official, leader, clerk, commune, commune_clerk, celery_eager,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    import re

    d = signed_outgoing(department_official, leader, recipients=[commune])
    with django_capture_on_commit_callbacks(execute=True):
        services.outgoing_issue(document=d, actor=clerk)
    arrived = Document.objects.get(agency=commune, source=d)
    services.document_receive(document=arrived, actor=commune_clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for reader, doc, steps in ((clerk, d, sent), (commune_clerk, arrived, received)):
        client.force_login(reader)
        page = client.get(f"/van-ban/{doc.uid}/")
        history = re.search(r'<ol id="history"[^>]*>(.*?)</ol>', page.content.decode(), re.S).group(1)
        shown = re.findall(r"<strong>(.*?)</strong>", history)
        assert shown == steps
        assert "<code>" not in history
    # The arrival's signature check, written in the reader's language when the page is shown.
    signature = re.search(r'<dd id="signature">(.*?)</dd>', page.content.decode(), re.S).group(1)
    assert signature.startswith({"vi": "Hợp lệ: 2 chữ ký", "en": "Valid: 2 signatures"}[language])


def test_a_file_changed_after_signing_arrives_as_invalid_and_cannot_be_registered(
    department_official, leader, clerk, commune, commune_clerk
):
    d = signed_outgoing(department_official, leader, recipients=[commune])
    services.outgoing_issue(document=d, actor=clerk)
    arrived = Document.objects.get(agency=commune, source=d)
    stored = arrived.files.get(is_main=True)
    data = _main_bytes(arrived)
    # Someone appends bytes on the way (a changed file keeps its name).
    with stored.file.open("wb") as fh:
        fh.write(data + b"\n% appended after signing\n")
    check_incoming_signature(arrived.pk)
    arrived.refresh_from_db()
    assert arrived.signature_valid is False and arrived.signature_text.startswith("Không hợp lệ: chữ ký không tin cậy")
    with pytest.raises(ServiceError, match="không hợp lệ"):
        services.document_receive(document=arrived, actor=commune_clerk)
    services.document_refuse(document=arrived, actor=commune_clerk, reason="Chữ ký số không hợp lệ")
    arrived.refresh_from_db()
    assert arrived.status == Status.REFUSED


def test_a_document_still_being_checked_waits(department_official, leader, clerk, commune, commune_clerk):
    d = signed_outgoing(department_official, leader, recipients=[commune])
    services.outgoing_issue(document=d, actor=clerk)  # no worker ran the check
    arrived = Document.objects.get(agency=commune, source=d)
    with pytest.raises(ServiceError, match="đang được kiểm tra"):
        services.document_receive(document=arrived, actor=commune_clerk)
    check_incoming_signature(arrived.pk)
    check_incoming_signature(arrived.pk)  # twice: idempotent
    assert arrived.events.filter(verb="check_signature").count() == 1


def test_review_and_signature_are_each_the_named_persons(department_official, leader, clerk):
    d = services.outgoing_create(actor=department_official, doc_type="KH", abstract="Kế hoạch", main_file=pdf_upload())
    with pytest.raises(ServiceError) as refused:
        services.outgoing_submit(document=d, actor=department_official, reviewer_id=leader.pk, signer_id=clerk.pk)
    assert "signer" in refused.value.errors  # the signer must be a leader
    services.outgoing_submit(document=d, actor=department_official, reviewer_id=clerk.pk, signer_id=leader.pk)
    with pytest.raises(NotAllowedError):
        services.outgoing_approve(document=d, actor=leader)  # not the reviewer
    services.outgoing_return(document=d, actor=clerk, note="Sửa căn cứ pháp lý")
    d.refresh_from_db()
    assert d.status == Status.DRAFT
    services.outgoing_submit(document=d, actor=department_official, reviewer_id=clerk.pk, signer_id=leader.pk)
    services.outgoing_approve(document=d, actor=clerk)
    with pytest.raises(NotAllowedError):
        services.outgoing_sign(document=d, actor=clerk)
    with pytest.raises(ServiceError, match="trạng thái"):
        services.outgoing_issue(document=d, actor=clerk)  # the clerk may issue, but it is not signed yet
    services.outgoing_sign(document=d, actor=leader)
    with pytest.raises(NotAllowedError):
        services.outgoing_issue(document=d, actor=leader)  # only the clerk numbers and issues


def test_official_letter_symbol_names_the_drafting_unit(dept, commune):
    assert services.number_symbol_for(number=7, doc_type="CV", agency=dept, drafting_unit="VP") == "07/SKHCN-VP"
    assert services.number_symbol_for(number=123, doc_type="QĐ", agency=commune) == "123/QĐ-UBND"


@pytest.mark.parametrize(
    "valid, signers, shown",
    [
        (None, "", "Đang kiểm tra chữ ký số…"),
        (True, "Hoàng Văn Giám Đốc\nSở KH&CN", "Hợp lệ: 2 chữ ký (Hoàng Văn Giám Đốc, Sở KH&CN)"),
        (False, "", "Không hợp lệ: tệp không có chữ ký số."),
        (False, "?", "Không hợp lệ: chữ ký không tin cậy hoặc tệp đã bị sửa đổi sau khi ký."),
    ],
)  # fmt: skip
def test_what_the_signature_check_says_for_each_outcome(valid, signers, shown):
    assert Document(signature_valid=valid, signature_signers=signers).signature_text.startswith(shown)
