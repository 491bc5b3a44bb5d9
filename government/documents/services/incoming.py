"""Incoming documents (văn bản đến): registered by the clerk (or received electronically from another
agency on the portal), assigned by a leader with a deadline and a direction note, processed by the
handler, closed.

    received ──receive──▶ registered ──assign──▶ assigned ──start──▶ in_progress ──report──▶ processed
        │                     │  ▲                  │ (reassign)          │ (reassign)          │
        └──refuse──▶ refused   └──┴──────close (leader: for information)──┴────────────────────┴──close──▶ closed
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ConflictError, NotAllowedError, ServiceError
from government.documents.models import INCOMING_OPEN, Direction, Document, Status
from government.documents.permissions import is_clerk, is_leader
from government.documents.services.common import (
    colleague,
    expect,
    lock,
    next_number,
    record,
    require_clerk,
    require_leader,
    snapshot,
    store_upload,
)

ARRIVAL_BOOK = "den"
# The same clerk registering the same document again within this window (a double submit, a
# reload) gets the first registration back instead of a refusal.
REPEAT_WINDOW = dt.timedelta(minutes=10)


def _clean_text(value: str, limit: int) -> str:
    return (value or "").strip()[:limit]


def document_register(
    *,
    actor,
    doc_type: str,
    number_symbol: str,
    issued_on: dt.date,
    issuing_body: str,
    abstract: str,
    urgency: str = "normal",
    confidentiality: str = "normal",
    deadline: dt.date | None = None,
    main_file=None,
    attachments=(),
) -> Document:
    """Register a paper or e-mailed document in the actor's incoming book with the next arrival number
    (yearly, gap-free). Audited `documents.document.register`. Raises NotAllowedError for a non-clerk,
    ServiceError with field errors for bad input, ConflictError when the same document (issuing body,
    number and date) is already in the book — except a repeat by the same clerk within minutes, which
    returns the first registration."""
    agency = actor.agency if getattr(actor, "agency_id", None) else None
    if agency is None or not is_clerk(actor, agency.pk):
        raise NotAllowedError(_("Chỉ văn thư của cơ quan được vào sổ văn bản đến."))
    number_symbol = _clean_text(number_symbol, 80)
    issuing_body = _clean_text(issuing_body, 255)
    abstract = _clean_text(abstract, 1000)
    today = timezone.localdate()
    errors = {}
    if not number_symbol:
        errors["number_symbol"] = [_("Hãy nhập số, ký hiệu của văn bản.")]
    if not issuing_body:
        errors["issuing_body"] = [_("Hãy nhập cơ quan ban hành.")]
    if not abstract:
        errors["abstract"] = [_("Hãy nhập trích yếu nội dung.")]
    if issued_on and issued_on > today:
        errors["issued_on"] = [_("Ngày ban hành không thể sau hôm nay.")]
    if deadline and deadline < today:
        errors["deadline"] = [_("Hạn xử lý không thể trước hôm nay.")]
    if errors:
        raise ServiceError(_("Thông tin văn bản chưa hợp lệ."), errors=errors)
    with transaction.atomic():
        # Same document already in the book? (Locks the book's counter first, so two clerks
        # registering it at once see each other.)
        now = timezone.now()
        number = next_number(agency=agency, year=today.year, book=ARRIVAL_BOOK)
        existing = (
            Document.objects.filter(
                agency=agency,
                direction=Direction.INCOMING,
                number_symbol__iexact=number_symbol,
                issuing_body__iexact=issuing_body,
                issued_on=issued_on,
            )
            .exclude(status=Status.REFUSED)
            .first()
        )
        if existing is not None:
            if existing.created_by_id == actor.pk and now - existing.created_at < REPEAT_WINDOW:
                transaction.set_rollback(True)  # give the number back
                return existing
            msg = _("Văn bản này đã được vào sổ đến, số đến %(n)s.") % {"n": existing.arrival_number}
            raise ConflictError(msg, errors={"number_symbol": [msg]})
        d = Document.objects.create(
            agency=agency,
            direction=Direction.INCOMING,
            status=Status.REGISTERED,
            doc_type=doc_type,
            number_symbol=number_symbol,
            issued_on=issued_on,
            issuing_body=issuing_body,
            abstract=abstract,
            urgency=urgency,
            confidentiality=confidentiality,
            deadline=deadline,
            arrival_number=number,
            book_year=today.year,
            received_at=now,
            created_by=actor,
            created_at=now,
        )
        if main_file is not None:
            store_upload(d, uploaded=main_file, actor=actor, is_main=True)
        for f in attachments:
            store_upload(d, uploaded=f, actor=actor, is_main=False)
        record(d, actor=actor, verb="register", before=None)
    return d


def document_receive(*, document: Document, actor) -> Document:
    """The clerk registers a document that arrived electronically: it takes the next arrival number.
    Refused while its signature is being checked or when the check failed (return it instead)."""
    with transaction.atomic():
        d = lock(document)
        require_clerk(actor, d)
        expect(d, Status.RECEIVED, verb=_("vào sổ"))
        if d.signature_valid is None:
            raise ServiceError(_("Chữ ký số của văn bản đang được kiểm tra, vui lòng thử lại sau ít phút."))
        if d.signature_valid is False:
            raise ServiceError(_("Chữ ký số của văn bản không hợp lệ: hãy trả lại nơi gửi."))
        before = snapshot(d)
        now = timezone.now()
        d.arrival_number = next_number(agency=d.agency, year=timezone.localdate().year, book=ARRIVAL_BOOK)
        d.book_year = timezone.localdate().year
        d.received_at = now
        d.status = Status.REGISTERED
        d.save()
        record(d, actor=actor, verb="receive", before=before)
    return d


def document_refuse(*, document: Document, actor, reason: str) -> Document:
    """Return an electronically received document to its sender (wrong recipient, invalid signature)."""
    reason = _clean_text(reason, 2000)
    if not reason:
        raise ServiceError(_("Hãy nêu lý do trả lại."), errors={"note": [_("Hãy nêu lý do trả lại.")]})
    with transaction.atomic():
        d = lock(document)
        require_clerk(actor, d)
        expect(d, Status.RECEIVED, verb=_("trả lại"))
        before = snapshot(d)
        d.status = Status.REFUSED
        d.result_note = reason
        d.save()
        record(d, actor=actor, verb="refuse", before=before, note=reason)
    return d


def document_assign(
    *,
    document: Document,
    actor,
    handler_id: int,
    handling_unit: str,
    deadline: dt.date | None,
    direction_note: str = "",
) -> Document:
    """A leader assigns (or reassigns) the document to a handling unit and person with a deadline,
    with their direction note. Audited `documents.document.assign`."""
    handling_unit = _clean_text(handling_unit, 200)
    direction_note = _clean_text(direction_note, 2000)
    with transaction.atomic():
        d = lock(document)
        require_leader(actor, d)
        expect(d, Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS, verb=_("phân công"))
        handler = colleague(d.agency_id, handler_id, field="handler")
        errors = {}
        if not handling_unit:
            errors["handling_unit"] = [_("Hãy nhập đơn vị xử lý.")]
        if deadline is None:
            errors["deadline"] = [_("Hãy chọn hạn xử lý.")]
        elif deadline < timezone.localdate():
            errors["deadline"] = [_("Hạn xử lý không thể trước hôm nay.")]
        if errors:
            raise ServiceError(_("Thông tin phân công chưa hợp lệ."), errors=errors)
        before = snapshot(d)
        d.handler, d.handling_unit, d.deadline = handler, handling_unit, deadline
        if direction_note:
            d.direction_note, d.direction_by, d.direction_at = direction_note, actor, timezone.now()
        d.status = Status.ASSIGNED
        d.save()
        record(
            d,
            actor=actor,
            verb="assign" if before["status"] == Status.REGISTERED else "reassign",
            before=before,
            note=direction_note,
        )
    return d


def document_direct(*, document: Document, actor, note: str) -> Document:
    """A leader writes (or rewrites) the direction note on an open document."""
    note = _clean_text(note, 2000)
    if not note:
        raise ServiceError(_("Hãy nhập ý kiến chỉ đạo."), errors={"note": [_("Hãy nhập ý kiến chỉ đạo.")]})
    with transaction.atomic():
        d = lock(document)
        require_leader(actor, d)
        expect(d, *INCOMING_OPEN, verb=_("cho ý kiến chỉ đạo"))
        before = snapshot(d)
        d.direction_note, d.direction_by, d.direction_at = note, actor, timezone.now()
        d.save()
        record(d, actor=actor, verb="direct", before=before, note=note)
    return d


def _require_handler(actor, d: Document) -> None:
    if d.handler_id != actor.pk:
        raise NotAllowedError(_("Chỉ người được phân công xử lý văn bản được thực hiện việc này."))


def document_start(*, document: Document, actor) -> Document:
    with transaction.atomic():
        d = lock(document)
        _require_handler(actor, d)
        expect(d, Status.ASSIGNED, verb=_("bắt đầu xử lý"))
        before = snapshot(d)
        d.status = Status.IN_PROGRESS
        d.save()
        record(d, actor=actor, verb="start", before=before)
    return d


def document_report(*, document: Document, actor, result_note: str) -> Document:
    """The handler reports the result; the document waits for a leader or the clerk to close it."""
    result_note = _clean_text(result_note, 2000)
    if not result_note:
        msg = _("Hãy nêu kết quả xử lý.")
        raise ServiceError(msg, errors={"note": [msg]})
    with transaction.atomic():
        d = lock(document)
        _require_handler(actor, d)
        expect(d, Status.ASSIGNED, Status.IN_PROGRESS, verb=_("báo cáo kết quả"))
        before = snapshot(d)
        d.result_note = result_note
        d.status = Status.PROCESSED
        d.save()
        record(d, actor=actor, verb="report", before=before, note=result_note)
    return d


def document_close(*, document: Document, actor, note: str = "") -> Document:
    """Close a processed document (leader or clerk: filed), or — a leader only, with a note — one
    kept for information without handling."""
    note = _clean_text(note, 2000)
    with transaction.atomic():
        d = lock(document)
        if d.status == Status.PROCESSED:
            if not (is_leader(actor, d.agency_id) or is_clerk(actor, d.agency_id)):
                raise NotAllowedError(_("Chỉ lãnh đạo hoặc văn thư của cơ quan được kết thúc văn bản."))
        else:
            require_leader(actor, d)
            expect(d, *INCOMING_OPEN, verb=_("kết thúc"))
            if not note:
                msg = _("Hãy nêu lý do kết thúc khi văn bản chưa được xử lý xong.")
                raise ServiceError(msg, errors={"note": [msg]})
        before = snapshot(d)
        d.status = Status.CLOSED
        d.closed_at = timezone.now()
        d.save()
        record(d, actor=actor, verb="close", before=before, note=note)
    return d
