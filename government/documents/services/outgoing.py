"""Outgoing documents (văn bản đi): drafted, reviewed, signed by the signer (PAdES, core.signing), then
numbered and issued by the clerk, who adds the agency's signature; sent on the portal to other
agencies, where each arrives as an incoming document whose signatures are checked (pyHanko).

    draft ──submit──▶ in_review ──approve──▶ awaiting_signature ──sign──▶ signed ──issue──▶ issued
      ▲                   │                        │
      └──────return───────┴────────return──────────┘

Numbering (Decree 30, art. 15): a yearly counter per agency and type, taken inside the issuing
transaction (services.common.next_number), so numbers are unique and without gaps (ADR 1601).
"""

import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import NotAllowedError, ServiceError
from government.documents.models import Direction, Document, DocumentFile, DocumentType, Status
from government.documents.permissions import works_at
from government.documents.services.common import (
    colleague,
    expect,
    lock,
    next_number,
    record,
    require_clerk,
    snapshot,
    store_file,
    store_upload,
)

logger = logging.getLogger(__name__)


def agency_symbol(agency) -> str:
    """The agency's part of a document symbol: "UBND" for a People's Committee (province or
    commune), else its short name without spaces ("SKHCN")."""
    if agency.kind in ("province", "commune"):
        return "UBND"
    return (agency.short_name or agency.code).replace(" ", "")


def number_symbol_for(*, number: int, doc_type: str, agency, drafting_unit: str = "") -> str:
    """ "12/QĐ-UBND"; a công văn has no type abbreviation: "12/UBND-VP" (Decree 30, Appendix I)."""
    symbol = agency_symbol(agency)
    if doc_type == DocumentType.OFFICIAL_LETTER:
        tail = f"{symbol}-{drafting_unit}" if drafting_unit else symbol
    else:
        tail = f"{doc_type}-{symbol}"
    return f"{number:02d}/{tail}"


def _validate_draft(*, doc_type: str, abstract: str, recipients) -> dict:
    errors = {}
    if doc_type not in DocumentType.values:
        errors["doc_type"] = [_("Hãy chọn loại văn bản.")]
    if not abstract:
        errors["abstract"] = [_("Hãy nhập trích yếu nội dung.")]
    return errors


def outgoing_create(
    *,
    actor,
    doc_type: str,
    abstract: str,
    urgency: str = "normal",
    confidentiality: str = "normal",
    drafting_unit: str = "",
    recipients=(),
    main_file=None,
    attachments=(),
) -> Document:
    """A new draft in the actor's agency, the actor its drafter. Audited `documents.document.draft`."""
    agency_id = getattr(actor, "agency_id", None)
    if not works_at(actor, agency_id):
        raise NotAllowedError(_("Bạn không thuộc cơ quan nào có sổ văn bản."))
    abstract = (abstract or "").strip()[:1000]
    errors = _validate_draft(doc_type=doc_type, abstract=abstract, recipients=recipients)
    if errors:
        raise ServiceError(_("Dự thảo chưa hợp lệ."), errors=errors)
    with transaction.atomic():
        d = Document.objects.create(
            agency_id=agency_id,
            direction=Direction.OUTGOING,
            status=Status.DRAFT,
            doc_type=doc_type,
            abstract=abstract,
            urgency=urgency,
            confidentiality=confidentiality,
            drafting_unit=(drafting_unit or "").strip()[:20],
            issuing_body=actor.agency.name,
            drafter=actor,
            created_by=actor,
        )
        d.recipients.set([a for a in recipients if a.pk != agency_id])
        if main_file is not None:
            store_upload(d, uploaded=main_file, actor=actor, is_main=True)
        for f in attachments:
            store_upload(d, uploaded=f, actor=actor, is_main=False)
        record(d, actor=actor, verb="draft", before=None)
    return d


def outgoing_update(
    *,
    document: Document,
    actor,
    doc_type: str,
    abstract: str,
    urgency: str,
    confidentiality: str,
    drafting_unit: str,
    recipients,
    main_file=None,
) -> Document:
    """The drafter edits their draft (a new main file replaces the old one)."""
    abstract = (abstract or "").strip()[:1000]
    errors = _validate_draft(doc_type=doc_type, abstract=abstract, recipients=recipients)
    if errors:
        raise ServiceError(_("Dự thảo chưa hợp lệ."), errors=errors)
    with transaction.atomic():
        d = lock(document)
        if d.drafter_id != actor.pk:
            raise NotAllowedError(_("Chỉ người soạn thảo được sửa dự thảo."))
        expect(d, Status.DRAFT, verb=_("sửa dự thảo"))
        before = snapshot(d)
        d.doc_type, d.abstract, d.urgency, d.confidentiality = doc_type, abstract, urgency, confidentiality
        d.drafting_unit = (drafting_unit or "").strip()[:20]
        d.save()
        d.recipients.set([a for a in recipients if a.pk != d.agency_id])
        if main_file is not None:
            d.files.filter(is_main=True).update(is_main=False)
            store_upload(d, uploaded=main_file, actor=actor, is_main=True)
        record(d, actor=actor, verb="edit", before=before)
    return d


def outgoing_submit(*, document: Document, actor, reviewer_id: int, signer_id: int) -> Document:
    """The drafter sends the draft for review, naming the reviewer and the signer (a leader)."""
    with transaction.atomic():
        d = lock(document)
        if d.drafter_id != actor.pk:
            raise NotAllowedError(_("Chỉ người soạn thảo được trình dự thảo."))
        expect(d, Status.DRAFT, verb=_("trình"))
        errors = {}
        try:
            reviewer = colleague(d.agency_id, reviewer_id, field="reviewer")
        except ServiceError as exc:
            errors.update(exc.errors)
        try:
            signer = colleague(d.agency_id, signer_id, field="signer", leader=True)
        except ServiceError as exc:
            errors.update(exc.errors)
        if not d.files.filter(is_main=True).exists():
            errors["main_file"] = [_("Dự thảo chưa có tệp văn bản chính (PDF).")]
        if errors:
            raise ServiceError(_("Chưa thể trình dự thảo."), errors=errors)
        before = snapshot(d)
        d.reviewer, d.signer = reviewer, signer
        d.status = Status.IN_REVIEW
        d.save()
        record(d, actor=actor, verb="submit", before=before)
    return d


def outgoing_approve(*, document: Document, actor, note: str = "") -> Document:
    """The reviewer passes the draft to the signer."""
    with transaction.atomic():
        d = lock(document)
        if d.reviewer_id != actor.pk:
            raise NotAllowedError(_("Chỉ người thẩm định được duyệt dự thảo."))
        expect(d, Status.IN_REVIEW, verb=_("duyệt"))
        before = snapshot(d)
        d.status = Status.AWAITING_SIGNATURE
        d.save()
        record(d, actor=actor, verb="approve", before=before, note=(note or "").strip()[:2000])
    return d


def outgoing_return(*, document: Document, actor, note: str) -> Document:
    """The reviewer (in review) or the signer (awaiting signature) returns the draft with a reason."""
    note = (note or "").strip()[:2000]
    if not note:
        msg = _("Hãy nêu lý do trả lại dự thảo.")
        raise ServiceError(msg, errors={"note": [msg]})
    with transaction.atomic():
        d = lock(document)
        expect(d, Status.IN_REVIEW, Status.AWAITING_SIGNATURE, verb=_("trả lại"))
        owner = d.reviewer_id if d.status == Status.IN_REVIEW else d.signer_id
        if owner != actor.pk:
            raise NotAllowedError(_("Chỉ người thẩm định hoặc người ký được trả lại dự thảo."))
        before = snapshot(d)
        d.status = Status.DRAFT
        d.save()
        record(d, actor=actor, verb="return", before=before, note=note)
    return d


def _main_file(d: Document) -> DocumentFile:
    main = d.files.filter(is_main=True).first()
    if main is None:
        raise ServiceError(_("Văn bản chưa có tệp văn bản chính (PDF)."))
    return main


def outgoing_sign(*, document: Document, actor) -> Document:
    """The signer signs the main file with their personal certificate (PAdES B-B, invisible: the
    agency's visible stamp comes at issuance). The signed file becomes the main file."""
    from core.signing.services import SigningError, sign_pdf_bytes, signing_certificate_for

    with transaction.atomic():
        d = lock(document)
        if d.signer_id != actor.pk:
            raise NotAllowedError(_("Chỉ người ký được ký văn bản này."))
        expect(d, Status.AWAITING_SIGNATURE, verb=_("ký"))
        main = _main_file(d)
        with main.file.open("rb") as fh:
            pdf = fh.read()
        certificate = signing_certificate_for(user=actor)
        try:
            signed = sign_pdf_bytes(
                pdf_bytes=pdf, certificate=certificate, field_name="Sig-signer", reason=f"Ký ban hành: {d.abstract}"
            )
        except SigningError as exc:
            raise ServiceError(_("Không ký được: tệp văn bản chính không phải PDF đọc được.")) from exc
        before = snapshot(d)
        main.is_main = False
        main.save(update_fields=["is_main"])
        store_file(
            d,
            content=signed,
            name="van-ban-da-ky.pdf",
            actor=actor,
            is_main=True,
            sha256=hashlib.sha256(signed).hexdigest(),
        )
        d.status = Status.SIGNED
        d.signed_at = timezone.now()
        d.save()
        record(d, actor=actor, verb="sign", before=before, note=certificate.fingerprint_sha256)
    return d


def outgoing_issue(*, document: Document, actor) -> Document:
    """The clerk issues a signed document: it takes the next number of its agency, type and year, the
    agency's certificate signs it with a visible stamp and QR code (the number and date travel in that
    signature), and a copy is delivered to every recipient agency on the portal, whose signatures are
    checked there by a task after commit. All in one transaction: a failure takes no number."""
    from core.signing.services import SigningError, sign_pdf

    with transaction.atomic():
        d = lock(document)
        require_clerk(actor, d)
        expect(d, Status.SIGNED, verb=_("phát hành"))
        before = snapshot(d)
        today = timezone.localdate()
        d.number = next_number(agency=d.agency, year=today.year, book=d.doc_type)
        d.book_year = today.year
        d.number_symbol = number_symbol_for(
            number=d.number, doc_type=d.doc_type, agency=d.agency, drafting_unit=d.drafting_unit
        )
        d.issued_on = today
        main = _main_file(d)
        with main.file.open("rb") as fh:
            pdf = fh.read()
        try:
            signed = sign_pdf(
                pdf_bytes=pdf,
                title=f"{d.get_doc_type_display()} số {d.number_symbol} ngày {today:%d/%m/%Y} — {d.agency.name}",
                signer_agency=d.agency,
                obj=d,
                actor=actor,
            )
        except SigningError as exc:
            raise ServiceError(_("Không ký được: tệp văn bản chính không phải PDF đọc được.")) from exc
        main.is_main = False
        main.save(update_fields=["is_main"])
        with signed.file.open("rb") as fh:
            content = fh.read()
        store_file(d, content=content, name=f"{d.number_symbol}.pdf", actor=actor, is_main=True, sha256=signed.sha256)
        d.signed_document = signed
        d.status = Status.ISSUED
        d.issued_at = timezone.now()
        d.save()
        record(d, actor=actor, verb="issue", before=before, note=d.number_symbol)
        delivered = _deliver(d, content=content, sha256=signed.sha256)
    for pk in delivered:
        transaction.on_commit(lambda pk=pk: _enqueue_check(pk))
    return d


def _deliver(d: Document, *, content: bytes, sha256: str) -> list[int]:
    """One incoming document per recipient agency, waiting for its clerk; idempotent (one per
    recipient, database constraint)."""
    created = []
    for agency in d.recipients.all():
        if Document.objects.filter(agency=agency, source=d).exists():
            continue
        incoming = Document.objects.create(
            agency=agency,
            direction=Direction.INCOMING,
            status=Status.RECEIVED,
            doc_type=d.doc_type,
            number=d.number,
            number_symbol=d.number_symbol,
            issued_on=d.issued_on,
            issuing_body=d.agency.name,
            abstract=d.abstract,
            urgency=d.urgency,
            confidentiality=d.confidentiality,
            source=d,
            sender_agency=d.agency,
        )
        store_file(incoming, content=content, name=f"{d.number_symbol}.pdf", actor=None, is_main=True, sha256=sha256)
        record(incoming, actor=None, verb="deliver", before=None, note=d.number_symbol)
        created.append(incoming.pk)
    return created


def _enqueue_check(document_id: int) -> None:
    from government.documents.tasks import check_incoming_signature

    try:
        check_incoming_signature.delay(document_id)
    except Exception:
        # Stays unchecked (signature_valid NULL); the beat job checks it when the broker is back.
        logger.exception("could not enqueue the signature check of document %s", document_id)


def incoming_check_signature(*, document_id: int) -> Document | None:
    """Validate the signatures of an electronically received document against the provincial CA
    (pyHanko) and record the result. Idempotent: a document already checked is left as it is."""
    from core.signing.verification import verify_pdf

    d = Document.objects.filter(pk=document_id, direction=Direction.INCOMING, signature_valid__isnull=True).first()
    if d is None:
        return None
    main = d.files.filter(is_main=True).first()
    data = b""
    if main is not None:
        with main.file.open("rb") as fh:
            data = fh.read()
    result = verify_pdf(data)
    valid = bool(
        result.valid
        and main is not None
        and (
            d.source is None
            or d.source.signed_document_id is None
            or (result.document is not None and result.document.pk == d.source.signed_document_id)
        )
    )
    # A signature whose certificate names nobody, or one the verifier could not read, still counts as a
    # signature ("?"): nothing stored means the file carries none (Document.signature_text).
    signers = "\n".join((sig.signer_name or "?") for sig in result.signatures)[:1000] or ("?" if result.signed else "")
    with transaction.atomic():
        d = Document.objects.select_for_update().get(pk=document_id)
        if d.signature_valid is not None:
            return d
        before = snapshot(d)
        d.signature_valid = valid
        d.signature_signers = signers
        d.save(update_fields=["signature_valid", "signature_signers", "updated_at"])
        with translation.override(settings.LANGUAGE_CODE):  # the history's note is kept in one language
            record(d, actor=None, verb="check_signature", before=before, note=d.signature_text)
    return d
