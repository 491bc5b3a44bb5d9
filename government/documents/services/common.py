"""What every transition of a document shares: the row lock, the state check, the history event and
the audit entry (one function that locks, writes and audits per state machine)."""

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import InvalidTransitionError, NotAllowedError, ServiceError
from core.files import random_file_name
from government.documents.models import Document, DocumentEvent, DocumentFile, NumberCounter
from government.documents.permissions import is_clerk, is_leader, works_at

TRACKED = (
    "status",
    "number_symbol",
    "arrival_number",
    "deadline",
    "handling_unit",
    "handler_id",
    "direction_note",
    "result_note",
    "reviewer_id",
    "signer_id",
    "signature_signers",
    "signature_valid",
)


def lock(document: Document) -> Document:
    return Document.objects.select_for_update().get(pk=document.pk)


def snapshot(d: Document) -> dict:
    return {name: getattr(d, name) for name in TRACKED}


def expect(d: Document, *statuses: str, verb: str) -> None:
    if d.status not in statuses:
        raise InvalidTransitionError(
            _("Không thể %(verb)s: văn bản đang ở trạng thái “%(status)s”.")
            % {"verb": verb, "status": d.get_status_display()}
        )


def record(d: Document, *, actor, verb: str, before: dict | None, note: str = "") -> None:
    """The history line readers see and the audit row auditors see, in the caller's transaction. The
    verb must be one of DocumentEvent.Verb (ValueError otherwise): the history shows its label, never a code."""
    verb = DocumentEvent.Verb(verb).value
    DocumentEvent.objects.create(
        document=d, actor=actor if getattr(actor, "is_authenticated", False) else None, verb=verb, note=note
    )
    audit_record(
        actor=actor,
        actor_label="" if getattr(actor, "is_authenticated", False) else "system:documents",
        action=f"documents.document.{verb}",
        obj=d,
        before=before,
        after={**snapshot(d), **({"note": note} if note else {})},
    )


def require_clerk(actor, d: Document) -> None:
    if not is_clerk(actor, d.agency_id):
        raise NotAllowedError(_("Chỉ văn thư của cơ quan được thực hiện việc này."))


def require_leader(actor, d: Document) -> None:
    if not is_leader(actor, d.agency_id):
        raise NotAllowedError(_("Chỉ lãnh đạo cơ quan được thực hiện việc này."))


def colleague(agency_id, user_id, *, field: str, leader: bool = False):
    """An active official of the agency (a leader when `leader`), or a field error."""
    user_model = get_user_model()
    user = user_model.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    ok = user is not None and (is_leader(user, agency_id) if leader else works_at(user, agency_id))
    if not ok:
        msg = _("Hãy chọn một lãnh đạo của cơ quan.") if leader else _("Hãy chọn một cán bộ của cơ quan.")
        raise ServiceError(msg, errors={field: [msg]})
    return user


def next_number(*, agency, year: int, book: str) -> int:
    """The next number of a yearly book, taken inside the caller's transaction: the counter row stays
    locked until it commits, so two issuances never get one number and a rolled-back one leaves no
    gap. The row is created on first use without a race (INSERT ... ON CONFLICT DO NOTHING)."""
    assert transaction.get_connection().in_atomic_block, "next_number must run inside the issuing transaction"
    NumberCounter.objects.bulk_create([NumberCounter(agency=agency, year=year, book=book)], ignore_conflicts=True)
    counter = NumberCounter.objects.select_for_update().get(agency=agency, year=year, book=book)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def store_file(d: Document, *, content: bytes, name: str, actor, is_main: bool, sha256: str) -> DocumentFile:
    f = DocumentFile(
        document=d,
        name=name[:200],
        size=len(content),
        sha256=sha256,
        is_main=is_main,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=timezone.now(),
    )
    f.file.save(random_file_name(name, default_ext="pdf"), ContentFile(content), save=False)
    f.save()
    return f


def store_upload(d: Document, *, uploaded, actor, is_main: bool) -> DocumentFile:
    """Store a file checked by the form (core.uploads.check_upload)."""
    import hashlib

    uploaded.seek(0)
    content = uploaded.read()
    return store_file(
        d,
        content=content,
        name=getattr(uploaded, "name", "tep.pdf") or "tep.pdf",
        actor=actor,
        is_main=is_main,
        sha256=hashlib.sha256(content).hexdigest(),
    )
