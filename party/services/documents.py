"""Party documents: drafting, the numbering ("Số 49-NQ/TU": a counter per issuing body, kind and
year, unique and gap-free), issuing (numbered, rendered, signed through core.signing and distributed
in one transaction), read receipts and reminders."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import InvalidTransitionError, NotAllowedError
from core.files import random_file_name
from core.uploads import check_upload
from party.models import Distribution, DocumentCounter, DocumentFile, PartyDocument, PartyOrganisation
from party.selectors import access
from party.services.errors import PartyError

KIND_SYMBOLS = {
    PartyDocument.Kind.RESOLUTION: "NQ",
    PartyDocument.Kind.DIRECTIVE: "CT",
    PartyDocument.Kind.CONCLUSION: "KL",
    PartyDocument.Kind.PLAN: "KH",
    PartyDocument.Kind.PROGRAMME: "CTr",
    PartyDocument.Kind.NOTICE: "TB",
}
ATTACHMENT_TYPES = ["pdf", "docx", "jpg", "png"]
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_MAX_FILES = 10
# A second reminder to the same recipient within this long is not sent (a double click, an impatient
# issuer): reminders are for people, not a way to flood an inbox.
REMINDER_INTERVAL = dt.timedelta(hours=1)


def format_number(*, sequence: int, kind: str, organisation: PartyOrganisation) -> str:
    return f"{sequence}-{KIND_SYMBOLS[kind]}/{organisation.symbol}"


def _require_officer(actor, organisation: PartyOrganisation) -> None:
    if organisation not in access.officer_organisations(actor):
        raise NotAllowedError(_("Bạn không phụ trách văn bản của tổ chức này."))


def document_create_draft(
    *,
    actor,
    organisation: PartyOrganisation,
    kind: str,
    title: str,
    summary: str = "",
    confidentiality: str = PartyDocument.Confidentiality.NORMAL,
) -> PartyDocument:
    """A draft of `organisation` (the actor must act for it). Audited `party.document.draft`."""
    _require_officer(actor, organisation)
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("Bắt buộc.")]
    if kind not in PartyDocument.Kind.values:
        errors["kind"] = [_("Loại văn bản không hợp lệ.")]
    if confidentiality not in PartyDocument.Confidentiality.values:
        errors["confidentiality"] = [_("Độ mật không hợp lệ.")]
    if errors:
        raise PartyError(_("Vui lòng kiểm tra các mục được đánh dấu."), errors=errors)
    with transaction.atomic():
        doc = PartyDocument.objects.create(
            organisation=organisation,
            kind=kind,
            title=title.strip()[:300],
            summary=(summary or "").strip(),
            confidentiality=confidentiality,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="party.document.draft",
            obj=doc,
            after={"organisation": organisation.code, "kind": kind, "confidentiality": confidentiality},
        )
    return doc


def document_attach(*, actor, document: PartyDocument, files) -> list[DocumentFile]:
    """Attach files (checked by content: PDF, DOCX, JPG, PNG up to 20 MB) to a draft. Audited."""
    _require_officer(actor, document.organisation)
    files = list(files)
    if not files:
        raise PartyError(_("Chọn ít nhất một tệp."), errors={"files": [_("Chọn ít nhất một tệp.")]})
    errors, checked = [], []
    for f in files:
        try:
            checked.append((f, check_upload(f, accepted_types=ATTACHMENT_TYPES, max_size_bytes=ATTACHMENT_MAX_BYTES)))
        except ValidationError as exc:
            errors.extend(f"{f.name}: {m}" for m in exc.messages)
    if errors:
        raise PartyError(_("Tệp đính kèm không hợp lệ."), errors={"files": errors})
    with transaction.atomic():
        doc = PartyDocument.objects.select_for_update().get(pk=document.pk)
        if doc.status != PartyDocument.Status.DRAFT:
            raise InvalidTransitionError(_("Văn bản đã ban hành không thêm tệp được."))
        if doc.files.count() + len(checked) > ATTACHMENT_MAX_FILES:
            msg = _("Tối đa %(n)s tệp mỗi văn bản.") % {"n": ATTACHMENT_MAX_FILES}
            raise PartyError(msg, errors={"files": [msg]})
        known = set(doc.files.values_list("sha256", flat=True))
        saved = []
        for upload, info in checked:
            if info.sha256 in known:
                continue  # the same file twice (a double submit): kept once
            known.add(info.sha256)
            item = DocumentFile(
                document=doc, name=upload.name[:200], size=info.size, sha256=info.sha256, uploaded_by=actor
            )
            item.file.save(random_file_name(upload.name), File(upload), save=False)
            item.save()
            saved.append(item)
        if saved:
            audit_record(
                actor=actor, action="party.document.attach", obj=doc, after={"files": [s.sha256 for s in saved]}
            )
    return saved


def _allocate_sequence(*, organisation: PartyOrganisation, kind: str, year: int, recorded: int | None = None) -> int:
    """The next number of (organisation, kind, year): the counter row is created if missing (ON
    CONFLICT DO NOTHING, so two first issues of a year do not collide) then locked FOR UPDATE until
    the caller's transaction ends. A rollback of that transaction returns the number: no gaps."""
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(organisation=organisation, kind=kind, year=year, last=0)], ignore_conflicts=True
    )
    counter = DocumentCounter.objects.select_for_update().get(organisation=organisation, kind=kind, year=year)
    # A recorded (pre-portal) number only raises the counter; an issue takes the next one.
    counter.last = max(counter.last, recorded) if recorded is not None else counter.last + 1
    counter.save(update_fields=["last"])
    return counter.last


def _recipients_check(document: PartyDocument, recipients) -> list[PartyOrganisation]:
    recipients = [r for r in dict.fromkeys(recipients) if r.pk != document.organisation_id]
    if not recipients:
        raise PartyError(_("Chọn ít nhất một nơi nhận."), errors={"recipients": [_("Chọn ít nhất một nơi nhận.")]})
    inactive = [r.name for r in recipients if not r.is_active]
    if inactive:
        raise PartyError(
            _("Tổ chức đã ngừng hoạt động: %(names)s.") % {"names": ", ".join(inactive)},
            errors={"recipients": [_("Tổ chức đã ngừng hoạt động: %(names)s.") % {"names": ", ".join(inactive)}]},
        )
    return recipients


def _distribute(document: PartyDocument, recipients, *, actor, now) -> list[Distribution]:
    from core.notifications.services import notify

    existing = set(document.distributions.values_list("organisation_id", flat=True))
    created = []
    for org in recipients:
        if org.pk in existing:
            continue
        created.append(Distribution.objects.create(document=document, organisation=org, sent_at=now))
        for officer in access.officers_of(org):
            notify(
                event="party.document.received",
                subject=_("Văn bản mới: %(number)s") % {"number": document.number},
                # A confidential document's abstract stays in the portal, not in an e-mail.
                body=(
                    _("%(org)s nhận văn bản %(number)s của %(issuer)s. Mở hộp thư văn bản để đọc, xác nhận.")
                    % {"org": org.name, "number": document.number, "issuer": document.organisation.name}
                ),
                user=officer,
                channels=("email",),
                dedupe_key=f"party.document.{document.pk}.sent.{org.pk}.{officer.pk}",
            )
    return created


def document_issue(
    *,
    actor,
    document: PartyDocument,
    recipients,
    signer_title: str,
    signer_name: str = "",
) -> PartyDocument:
    """Issue a draft: give it the next number of its body, kind and year, render it to PDF, sign it
    with the actor's personal certificate (core.signing) and distribute it to `recipients`, all in
    one transaction (a failure anywhere leaves the draft as it was and the number unused). Issuing a
    document already issued returns it unchanged (a double submit). Each recipient's officers are
    e-mailed. Audited `party.document.issue`. Raises PartyError, NotAllowedError."""
    from core.pdf import render_pdf
    from core.signing.services import sign_pdf

    _require_officer(actor, document.organisation)
    signer_name = (signer_name or "").strip() or actor.get_full_name()
    errors = {}
    if not (signer_title or "").strip():
        errors["signer_title"] = [_("Bắt buộc.")]
    if errors:
        raise PartyError(_("Vui lòng kiểm tra các mục được đánh dấu."), errors=errors)
    recipients = _recipients_check(document, recipients)
    with transaction.atomic():
        doc = (
            PartyDocument.objects.select_for_update(of=("self",))
            .select_related("organisation__parent")
            .get(pk=document.pk)
        )
        if doc.status == PartyDocument.Status.ISSUED:
            return doc
        now = timezone.now()
        today = timezone.localdate(now)
        doc.year = today.year
        doc.sequence = _allocate_sequence(organisation=doc.organisation, kind=doc.kind, year=doc.year)
        doc.number = format_number(sequence=doc.sequence, kind=doc.kind, organisation=doc.organisation)
        doc.status = PartyDocument.Status.ISSUED
        doc.issued_on, doc.issued_at = today, now
        doc.signer, doc.signer_name, doc.signer_title = actor, signer_name[:150], signer_title.strip()[:150]
        pdf = render_pdf(
            "party/pdf/document.html",
            {"document": doc, "recipients": recipients, "attachments": list(doc.files.all())},
        )
        doc.signed_document = sign_pdf(
            pdf_bytes=pdf,
            title=f"{doc.get_kind_display()} {doc.number}",
            signer_user=actor,
            obj=doc,
            actor=actor,
        )
        doc.is_digital = True
        doc.save()
        _distribute(doc, recipients, actor=actor, now=now)
        audit_record(
            actor=actor,
            action="party.document.issue",
            obj=doc,
            before={"status": PartyDocument.Status.DRAFT},
            after={
                "status": doc.status,
                "number": doc.number,
                "recipients": [r.code for r in recipients],
                "signed_document": doc.signed_document.verification_code,
            },
        )
    return doc


def document_distribute(*, actor, document: PartyDocument, recipients) -> list[Distribution]:
    """Send an issued document to more organisations (those already on the list are skipped).
    Audited `party.document.distribute`."""
    _require_officer(actor, document.organisation)
    recipients = _recipients_check(document, recipients)
    with transaction.atomic():
        doc = PartyDocument.objects.select_for_update().get(pk=document.pk)
        if doc.status != PartyDocument.Status.ISSUED:
            raise InvalidTransitionError(_("Văn bản chưa ban hành chưa gửi được."))
        created = _distribute(doc, recipients, actor=actor, now=timezone.now())
        if created:
            audit_record(
                actor=actor,
                action="party.document.distribute",
                obj=doc,
                after={"recipients": [d.organisation.code for d in created]},
            )
    return created


def document_acknowledge(*, actor, distribution: Distribution) -> Distribution:
    """The recipient organisation confirms it has read the document (the first confirmation counts;
    later ones change nothing). Only an official acting for that organisation. Audited."""
    if distribution.organisation not in access.officer_organisations(actor):
        raise NotAllowedError(_("Bạn không phụ trách hộp thư văn bản của tổ chức này."))
    with transaction.atomic():
        row = Distribution.objects.select_for_update().get(pk=distribution.pk)
        if row.read_at is not None:
            return row
        row.read_at, row.read_by = timezone.now(), actor
        row.save(update_fields=["read_at", "read_by"])
        audit_record(
            actor=actor,
            action="party.document.acknowledge",
            obj=row.document,
            after={"organisation": row.organisation.code, "read_at": row.read_at},
        )
    return row


def document_remind(*, actor, document: PartyDocument, now=None) -> int:
    """Remind every recipient that has not read the document yet (its officers, by e-mail), skipping
    those reminded within REMINDER_INTERVAL. Only the issuer's officials. Returns how many
    organisations were reminded; audited `party.document.remind` when any was."""
    from core.notifications.services import notify

    _require_officer(actor, document.organisation)
    now = now or timezone.now()
    reminded = []
    with transaction.atomic():
        rows = (
            Distribution.objects.select_for_update()
            .filter(document=document, read_at__isnull=True)
            .select_related("organisation")
        )
        for row in rows:
            if row.last_reminded_at and now - row.last_reminded_at < REMINDER_INTERVAL:
                continue
            row.reminder_count += 1
            row.last_reminded_at = now
            row.save(update_fields=["reminder_count", "last_reminded_at"])
            reminded.append(row.organisation.code)
            for officer in access.officers_of(row.organisation):
                notify(
                    event="party.document.reminder",
                    subject=_("Nhắc đọc văn bản %(number)s") % {"number": document.number},
                    body=_("%(org)s chưa xác nhận đã đọc văn bản %(number)s của %(issuer)s.")
                    % {"org": row.organisation.name, "number": document.number, "issuer": document.organisation.name},
                    user=officer,
                    channels=("email",),
                    dedupe_key=f"party.document.{document.pk}.remind.{row.pk}.{row.reminder_count}.{officer.pk}",
                )
        if reminded:
            audit_record(actor=actor, action="party.document.remind", obj=document, after={"organisations": reminded})
    return len(reminded)


def document_record(
    *,
    organisation: PartyOrganisation,
    kind: str,
    sequence: int | None,
    number: str,
    title: str,
    issued_on: dt.date,
    summary: str = "",
    confidentiality: str = PartyDocument.Confidentiality.NORMAL,
    is_digital: bool = True,
    actor=None,
) -> PartyDocument:
    """Record a document issued before the portal (Resolution 49-NQ/TU of 2021, paper archives):
    its own number, and the counter of that year raised to it so the next issue follows on.
    Idempotent by (organisation, year, number). Audited `party.document.record`."""
    with transaction.atomic():
        existing = PartyDocument.objects.filter(organisation=organisation, year=issued_on.year, number=number).first()
        if existing is not None:
            return existing
        if sequence is not None:
            if PartyDocument.objects.filter(
                organisation=organisation, kind=kind, year=issued_on.year, sequence=sequence
            ).exists():
                msg = _("Số này đã được dùng trong năm.")
                raise PartyError(msg, errors={"number": [msg]})
            _allocate_sequence(organisation=organisation, kind=kind, year=issued_on.year, recorded=sequence)
        doc = PartyDocument.objects.create(
            organisation=organisation,
            kind=kind,
            title=title,
            summary=summary,
            number=number,
            sequence=sequence,
            year=issued_on.year,
            issued_on=issued_on,
            status=PartyDocument.Status.ISSUED,
            confidentiality=confidentiality,
            is_digital=is_digital,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            actor_label="" if actor else "system:party",
            action="party.document.record",
            obj=doc,
            after={"number": number, "organisation": organisation.code},
        )
    return doc
