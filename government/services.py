"""Writes of the government pillar: keyword-only functions, one transaction each, audited.

The dossier state machine (each arrow one named service below; nothing else writes `status`):

    draft ──submit──▶ awaiting_payment ──(payment paid)──▶ reception      (free procedure: straight to reception)
    reception ──forward──▶ processing ──forward──▶ approval ──approve──▶ approved ──issue_result──▶ completed
    reception | processing ──request_supplement──▶ supplement ──supplement (citizen)──▶ back where it was
    reception | processing | approval ──reject──▶ rejected

Who may act (ADR 0301): the applicant on their own draft/supplement; an official of the handling
agency (role commune_official or department_official, `user.agency` = the dossier's agency) on the
reception and processing steps; the agency's leader — an official of that agency holding the
permission `government.approve_dossier` — on the approval step. Every transition locks the dossier
row, checks state and role, writes a DossierEvent and an audit row (`government.dossier.<verb>`) and
notifies the applicant, in one transaction.
"""

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.agencies.models import Agency
from core.audit.services import audit_record
from core.errors import InvalidTransitionError, NotAllowedError, ServiceError
from core.uploads import check_upload
from core.users import roles
from core.users.validators import validate_citizen_id
from government import workdays
from government.data_text import data_text
from government.fields import draft_data_errors, procedure_form_class
from government.models import (
    ApologySlip,
    Dossier,
    DossierEvent,
    DossierFile,
    DossierRating,
    Procedure,
    ProcedureDocument,
    SupplementRequest,
)

logger = logging.getLogger(__name__)
S = Dossier.Status
PAYMENT_PURPOSE = "government.dossier_fee"
OFFICIAL_ROLES = (roles.COMMUNE_OFFICIAL, roles.DEPARTMENT_OFFICIAL)


class DossierError(ServiceError):
    """A refused action, with a message for the user (Vietnamese; translated) and field errors: the
    portal's one service error (core.errors), named for this domain."""


class InvalidTransition(DossierError, InvalidTransitionError):  # noqa: N818 - reads as the domain says it
    pass


class NotAllowed(DossierError, NotAllowedError):  # noqa: N818
    pass


# --- helpers ------------------------------------------------------------------------------------


def _lock(dossier: Dossier) -> Dossier:
    # `of=("self",)`: lock the dossier row only. A bare FOR UPDATE over the join would also lock the
    # procedure's and the agency's rows, serialising every transaction on every dossier of the same
    # procedure (province-wide) or agency for its whole length, file writes included.
    return Dossier.objects.select_for_update(of=("self",)).select_related("procedure", "agency").get(pk=dossier.pk)


def _snapshot(d: Dossier) -> dict:
    return {
        "status": d.status,
        "code": d.code,
        "due_date": d.due_date,
        "assignee": d.assignee_id,
        "paused_working_days": d.paused_working_days,
    }


def _expect(d: Dossier, *allowed: str, verb: str) -> None:
    if d.status not in allowed:
        raise InvalidTransition(
            _("Không thể %(verb)s: hồ sơ đang ở trạng thái “%(status)s”.")
            % {"verb": verb, "status": d.get_status_display()}
        )


def is_agency_official(user, dossier_or_agency_id) -> bool:
    agency_id = getattr(dossier_or_agency_id, "agency_id", dossier_or_agency_id)
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.has_role(*OFFICIAL_ROLES) and user.agency_id == agency_id


def is_agency_leader(user, dossier_or_agency_id) -> bool:
    return is_agency_official(user, dossier_or_agency_id) and user.has_perm("government.approve_dossier")


def _require_official(user, d: Dossier) -> None:
    if not is_agency_official(user, d):
        raise NotAllowed(_("Chỉ cán bộ của cơ quan giải quyết mới được xử lý hồ sơ này."))


def _require_leader(user, d: Dossier) -> None:
    if not is_agency_leader(user, d):
        raise NotAllowed(_("Chỉ lãnh đạo cơ quan giải quyết mới được phê duyệt hồ sơ này."))


def _require_applicant(user, d: Dossier) -> None:
    if user is None or not user.is_authenticated or d.applicant_id != user.pk:
        raise NotAllowed(_("Chỉ người nộp hồ sơ mới được thực hiện thao tác này."))


def _event(
    d: Dossier, *, actor, verb: str, before: dict, note: str = "", at=None, audit: bool = True, notify: bool = False
) -> DossierEvent:
    """The timeline row of a step, its audit row (unless the caller writes it later: `audit=False`)
    and, with `notify=True`, the applicant's notification, recorded after commit (_notify_after_commit)."""
    event = DossierEvent.objects.create(
        dossier=d,
        at=at or timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        from_status=before.get("status", ""),
        to_status=d.status,
        note=note,
        notify_pending=notify,
    )
    if audit:
        _audit_event(d, event, before=before, actor=actor)
    if notify:
        _notify_after_commit(event)
    return event


def _audit_event(d: Dossier, event: DossierEvent, *, before: dict, actor) -> None:
    audit_record(actor=actor, action=f"government.dossier.{event.verb}", obj=d, before=before, after=_snapshot(d))


NOTIFY_SUBJECTS = {
    "submit": gettext_noop("Đã nhận hồ sơ {code}"),
    "paid": gettext_noop("Đã nhận lệ phí hồ sơ {code}"),
    "forward": gettext_noop("Hồ sơ {code} đã chuyển bước xử lý"),
    "request_supplement": gettext_noop("Hồ sơ {code} cần bổ sung giấy tờ"),
    "supplement": gettext_noop("Đã nhận giấy tờ bổ sung của hồ sơ {code}"),
    "reject": gettext_noop("Hồ sơ {code} bị từ chối giải quyết"),
    "approve": gettext_noop("Hồ sơ {code} đã được phê duyệt"),
    "issue_result": gettext_noop("Đã có kết quả hồ sơ {code}"),
    "apologise": gettext_noop("Xin lỗi về việc chậm trả kết quả hồ sơ {code}"),
}


def _notify_after_commit(event: DossierEvent) -> None:
    # Why after commit and in a task: recording the email and SMS rows (and publishing their
    # delivery) took a fifth of a submission's time, inside the transaction that holds the
    # agency's code counter. The event row carries `notify_pending` in the same transaction, so
    # the database still knows what is owed if the message is lost (requeue_dossier_notifications).
    transaction.on_commit(lambda: _enqueue_notification(event.pk))


def _enqueue_notification(event_id: int) -> None:
    from government.tasks import notify_dossier_event

    try:
        notify_dossier_event.delay(event_id)
    except Exception:
        # The event stays notify_pending; the beat job re-enqueues it when the broker is back.
        logger.exception("could not enqueue the notification of dossier event %s", event_id)


def _notification_extra(d: Dossier, event: DossierEvent) -> str:
    """The step-specific line of the message, from what the step recorded."""
    if event.verb == "request_supplement":
        return _("Nội dung cần bổ sung: %(reason)s") % {"reason": event.note}
    if event.verb == "reject":
        return _("Lý do: %(reason)s") % {"reason": event.note}
    if event.verb == "paid":
        from core.payments.selectors import payment_paid_for

        payment = payment_paid_for(d)
        if payment is not None:
            # The same signed e-receipt the dossier page links: the citizen can keep it from the mail.
            return _("Biên lai thu lệ phí điện tử số %(number)s (PDF, có chữ ký số): %(url)s") % {
                "number": payment.receipt_number,
                "url": _absolute(payment.receipt_url),
            }
    if event.verb == "issue_result" and d.result_document_id:
        return _("Kiểm tra chữ ký số: %(url)s") % {"url": _absolute(d.result_document.get_verification_url())}
    if event.verb == "apologise":
        # The slip is written just before its event in the same transaction.
        slip = d.apologies.filter(issued_at__lte=event.at).order_by("-issued_at", "-pk").first()
        if slip is not None:
            return _("Ngày hẹn trả kết quả mới: %(date)s") % {"date": slip.new_due_date.strftime("%d/%m/%Y")}
    return ""


def sms_text(d: Dossier, event: DossierEvent, subject: str) -> str:
    """The SMS of a step: the subject (which carries the dossier code), the new appointment date
    when there is one to keep, and where to read the rest. Reasons and links stay in the e-mail
    and on the page: with Vietnamese diacritics an SMS part holds 70 characters, and this text
    stays within two parts (tests/government/test_sms.py)."""
    parts = [subject + "."]
    if event.verb == "apologise":
        slip = d.apologies.filter(issued_at__lte=event.at).order_by("-issued_at", "-pk").first()
        if slip is not None:
            parts.append(_("Hẹn mới: %(date)s.") % {"date": slip.new_due_date.strftime("%d/%m/%Y")})
    parts.append(_("Xem tại Cổng CĐS Lạng Sơn."))
    return " ".join(parts)


def dossier_event_notify(*, event_id: int) -> list:
    """Record the applicant's notification (email and SMS, through core.notifications, which
    delivers them after commit) of one step of their dossier, and clear the event's
    `notify_pending`. Idempotent: an event already notified, or missing, records nothing; the
    dedupe key `government.dossier.<id>.event.<id>` also stops a second row per channel.

    Written in the applicant's own language (their account's preferred language), whoever made
    the step. The status line is the step's resulting status, even if the dossier moved on since."""
    from core.notifications.services import notify

    with transaction.atomic():
        event = (
            DossierEvent.objects.select_for_update(of=("self",))
            .select_related("dossier__procedure", "dossier__applicant")
            .filter(pk=event_id, notify_pending=True)
            .first()
        )
        if event is None:
            return []
        d = event.dossier
        if event.verb not in NOTIFY_SUBJECTS:
            recorded = []
        else:
            language = getattr(d.applicant, "preferred_language", "") or settings.LANGUAGE_CODE
            with translation.override(language):
                subject = _(NOTIFY_SUBJECTS[event.verb]).format(code=d.code)
                url = settings.SITE_URL.rstrip("/") + reverse("government:dossier-detail", kwargs={"uid": d.uid})
                lines = [
                    _("Thủ tục: %(name)s") % {"name": d.procedure.name},
                    _("Trạng thái: %(status)s") % {"status": str(S(event.to_status).label)},
                ]
                if d.due_date:
                    lines.append(_("Ngày hẹn trả kết quả: %(date)s") % {"date": d.due_date.strftime("%d/%m/%Y")})
                extra = _notification_extra(d, event)
                if extra:
                    lines.append(extra)
                lines.append(_("Xem chi tiết: %(url)s") % {"url": url})
                body = "\n".join(lines)
                sms = sms_text(d, event, subject)
            recorded = notify(
                event=f"government.dossier.{event.verb}",
                subject=subject,
                body=body,
                user=d.applicant,
                email=d.applicant_email,
                phone=d.applicant_phone,
                dedupe_key=f"government.dossier.{d.pk}.event.{event.pk}",
                sms_body=sms,
            )
        DossierEvent.objects.filter(pk=event.pk).update(notify_pending=False)
    return recorded


# --- drafts ---------------------------------------------------------------------------------------


def agency_for(*, procedure: Procedure, commune_code: int | None) -> Agency:
    """The handling agency: the procedure's department, or the commune's People's Committee."""
    if procedure.scope == Procedure.Scope.AGENCY:
        return procedure.agency
    if commune_code is None:
        raise DossierError(_("Vui lòng chọn xã, phường nơi nộp hồ sơ."), errors={"commune": [_("Bắt buộc.")]})
    try:
        return (
            Agency.objects.select_related("admin_unit")
            .defer("admin_unit__geometry")  # a commune boundary is ~11 KB of polygon, never needed here
            .get(code=f"ubnd-xa-{int(commune_code)}", is_active=True)
        )
    except (Agency.DoesNotExist, ValueError, TypeError):
        raise DossierError(_("Xã, phường không hợp lệ."), errors={"commune": [_("Xã, phường không hợp lệ.")]}) from None


def dossier_create(
    *,
    procedure: Procedure,
    applicant,
    commune_code: int | None = None,
    data: dict | None = None,
    client_token: uuid.UUID | str | None = None,
) -> Dossier:
    """Create a draft for `applicant` (or return the draft already made with the same client token,
    so a double-clicked "create" makes one draft). Raises DossierError on an inactive procedure or
    a missing/unknown commune."""
    if not procedure.is_active:
        raise DossierError(_("Thủ tục này không còn được áp dụng."))
    if client_token:
        existing = Dossier.objects.filter(applicant=applicant, client_token=client_token).first()
        if existing:
            return existing
    if commune_code is None and procedure.scope == Procedure.Scope.COMMUNE and applicant.admin_unit_id:
        commune_code = applicant.admin_unit.code
    agency = agency_for(procedure=procedure, commune_code=commune_code)
    admin_unit = agency.admin_unit if procedure.scope == Procedure.Scope.COMMUNE else applicant.admin_unit
    data = _draft_data(procedure, data or {})
    try:
        with transaction.atomic():
            _check_open_drafts(applicant)
            dossier = Dossier.objects.create(
                procedure=procedure,
                agency=agency,
                admin_unit=admin_unit if admin_unit and admin_unit.level == "commune" else None,
                applicant=applicant,
                applicant_name=applicant.full_name or applicant.email,
                applicant_id_number=applicant.citizen_id,
                applicant_phone=applicant.phone,
                applicant_email=applicant.email,
                data=data,
                client_token=client_token or None,
            )
            audit_record(actor=applicant, action="government.dossier.create", obj=dossier, after=_snapshot(dossier))
    except IntegrityError:
        # The same client token raced us: the other request made the draft.
        return Dossier.objects.get(applicant=applicant, client_token=client_token)
    return dossier


def _check_open_drafts(applicant) -> None:
    """At most PORTAL_MAX_OPEN_DRAFTS drafts per applicant (a script could otherwise fill the table).
    The applicant's row is locked so two simultaneous creations count each other."""
    get_user_model().objects.select_for_update().filter(pk=applicant.pk).values_list("pk", flat=True).first()
    limit = settings.PORTAL_MAX_OPEN_DRAFTS
    if Dossier.objects.filter(applicant=applicant, status=S.DRAFT).count() >= limit:
        message = _("Bạn đã có %(n)s hồ sơ nháp chưa nộp: hãy nộp hoặc xóa bớt trước khi tạo hồ sơ mới.") % {"n": limit}
        raise DossierError(message, errors={"procedure": [message]}, code="too_many_drafts")


def _draft_data(procedure: Procedure, data: dict) -> dict:
    """What a draft keeps of `data`: the procedure's fields only, each within its field's maximum
    length (the same limit the page's form has), scalar values only. Raises DossierError with the
    fields at fault; the rest of the validation happens at submission."""
    if not isinstance(data, dict):
        raise DossierError(_("Dữ liệu tờ khai không hợp lệ."), errors={"data": [_("Dữ liệu tờ khai không hợp lệ.")]})
    names = {f["name"] for f in procedure.form_fields}
    kept = {k: ("" if v is None else v) for k, v in data.items() if k in names}
    errors = draft_data_errors(procedure.form_fields, kept)
    if errors:
        raise DossierError(_("Vui lòng kiểm tra các mục được đánh dấu."), errors=errors)
    return kept


def dossier_save_draft(*, dossier: Dossier, actor, data: dict, applicant_id_number: str | None = None) -> Dossier:
    """Keep what the applicant typed, valid or not (validation happens at submission), within each
    field's maximum length (DossierError with field errors otherwise, nothing written).
    `applicant_id_number` (None: unchanged) is the CCCD the public lookup matches."""
    with transaction.atomic():
        d = _lock(dossier)
        _save_draft(d, actor=actor, data=data, applicant_id_number=applicant_id_number)
    return d


DRAFT_FIELDS = ["data", "applicant_id_number", "updated_at"]


def _save_draft(d: Dossier, *, actor, data: dict, write: bool = True, applicant_id_number: str | None = None) -> None:
    # `d` is locked by the caller's transaction (as in every `_<verb>` helper below). With
    # write=False the caller writes `data` itself later in the same transaction.
    _require_applicant(actor, d)
    _expect(d, S.DRAFT, verb=_("sửa bản nháp"))
    d.data = _draft_data(d.procedure, data)
    if applicant_id_number is not None:
        number = str(applicant_id_number).strip().replace(" ", "")
        limit = Dossier._meta.get_field("applicant_id_number").max_length
        if len(number) > limit:
            message = _("Số CCCD phải gồm đúng 12 chữ số.")
            raise DossierError(message, errors={"applicant_id_number": [message]})
        d.applicant_id_number = number
    if write:
        d.save(update_fields=DRAFT_FIELDS)


def dossier_delete_draft(*, dossier: Dossier, actor) -> None:
    with transaction.atomic():
        d = _lock(dossier)
        _require_applicant(actor, d)
        _expect(d, S.DRAFT, verb=_("xóa bản nháp"))
        audit_record(actor=actor, action="government.dossier.delete_draft", obj=d, before=_snapshot(d))
        for f in d.files.all():
            f.file.delete(save=False)
        d.delete()


def dossier_add_file(*, dossier: Dossier, actor, document: ProcedureDocument | None, uploaded) -> DossierFile:
    """Attach a file to a draft, or to the open supplement request. The file is checked by content
    first (ValidationError with the reason); a refused file changes nothing else."""
    with transaction.atomic():
        d = _lock(dossier)
        record = _add_file(d, actor=actor, document=document, uploaded=uploaded)
    return record


def _add_file(d: Dossier, *, actor, document: ProcedureDocument | None, uploaded) -> DossierFile:
    # Every refusal (ValidationError, DossierError) is raised before anything is written.
    _require_applicant(actor, d)
    _expect(d, S.DRAFT, S.SUPPLEMENT, verb=_("tải tệp lên"))
    if document is not None and document.procedure_id != d.procedure_id:
        raise DossierError(_("Giấy tờ không thuộc thủ tục của hồ sơ."))
    if d.files.count() >= settings.PORTAL_MAX_FILES_PER_DOSSIER:
        message = _("Hồ sơ đã có %(n)s tệp, không thể tải thêm.") % {"n": settings.PORTAL_MAX_FILES_PER_DOSSIER}
        raise DossierError(message, errors={"file": [message]}, code="too_many_files")
    accepted = document.accepted_types if document else ["pdf", "jpg", "png"]
    max_bytes = document.max_size_bytes if document else 10 * 1024 * 1024
    checked = check_upload(uploaded, accepted_types=accepted, max_size_bytes=max_bytes)
    supplement = d.supplement_requests.filter(answered_at__isnull=True).last() if d.status == S.SUPPLEMENT else None
    original_name = (uploaded.name or "tep").rsplit("/", 1)[-1][:255]
    record = DossierFile(
        dossier=d,
        document=document,
        supplement=supplement,
        original_name=original_name,
        size=checked.size,
        mime_type=checked.mime,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    # Stored under a name of ours with the detected type's extension, never the user's name.
    record.file.save(f"upload.{checked.kind}", uploaded, save=False)
    try:
        record.save()
        audit_record(
            actor=actor,
            action="government.dossier.add_file",
            obj=d,
            after={"file": record.pk, "document": document.code if document else "", "sha256": checked.sha256},
        )
    except Exception:
        record.file.delete(save=False)
        raise
    # If the transaction is rolled back later, the stored file is removed by the caller that
    # knows (dossier_update_draft); a rollback of dossier_add_file's own transaction can only
    # come from the lines above.
    return record


@dataclass
class DraftUpdate:
    """What `dossier_update_draft` did: the dossier as it now stands, the files refused (document
    code → messages) and, if a submission was asked for and refused, why (field-level errors in
    `submit_error.errors`)."""

    dossier: Dossier
    file_errors: dict[str, list[str]] = field(default_factory=dict)
    submitted: bool = False
    submit_error: DossierError | None = None


def dossier_update_draft(
    *,
    dossier: Dossier,
    actor,
    data: dict,
    uploads: list[tuple[ProcedureDocument, object]],
    submit: bool = False,
    applicant_id_number: str | None = None,
) -> DraftUpdate:
    """The draft page's one action ("Lưu bản nháp" / "Nộp hồ sơ"), in ONE transaction with one lock:
    keep what the applicant typed, attach each uploaded file that passes the content check (a
    refused file is reported under its document and changes nothing else), and — when `submit`
    and no file was refused — submit as `dossier_submit` does. A submission refused for missing
    fields or documents leaves the draft saved with its new files (`submit_error`).

    Raises DossierError/InvalidTransition, changing nothing, when the dossier is not (or no longer)
    a draft of `actor`: a double-clicked submit."""
    outcome = DraftUpdate(dossier=dossier)
    stored: list[DossierFile] = []
    try:
        with transaction.atomic():
            d = _lock(dossier)
            # The typed data is written once, at the end: by the submission itself (cleaned) or,
            # if there is none, as typed.
            _save_draft(d, actor=actor, data=data, write=False, applicant_id_number=applicant_id_number)
            for document, uploaded in uploads:
                # Each refusal is raised before anything is written: no savepoint needed.
                try:
                    stored.append(_add_file(d, actor=actor, document=document, uploaded=uploaded))
                except ValidationError as exc:
                    outcome.file_errors.setdefault(document.code, []).extend(exc.messages)
                except DossierError as exc:
                    outcome.file_errors.setdefault(document.code, []).append(exc.message)
            if submit and not outcome.file_errors:
                try:
                    _submit(d, actor=actor)  # validation is raised before anything is written
                    outcome.submitted = True
                except InvalidTransition:
                    raise
                except DossierError as exc:
                    outcome.submit_error = exc
            if not outcome.submitted:
                d.save(update_fields=DRAFT_FIELDS)
            outcome.dossier = d
    except BaseException:
        for record in stored:  # rolled back: the files stored in it must go too
            record.file.delete(save=False)
        raise
    return outcome


def dossier_remove_file(*, dossier: Dossier, actor, file_id: int) -> None:
    with transaction.atomic():
        d = _lock(dossier)
        _require_applicant(actor, d)
        _expect(d, S.DRAFT, S.SUPPLEMENT, verb=_("xóa tệp"))
        record = d.files.filter(pk=file_id).first()
        if record is None:
            return  # already removed (double click)
        if d.status == S.SUPPLEMENT and record.supplement_id is None:
            raise DossierError(_("Không thể xóa tệp đã nộp trước khi có yêu cầu bổ sung."))
        audit_record(actor=actor, action="government.dossier.remove_file", obj=d, before={"file": record.pk})
        storage_file = record.file
        record.delete()
        transaction.on_commit(lambda: storage_file.delete(save=False))


def validate_for_submission(d: Dossier) -> dict:
    """The declaration cleaned by the procedure's form, plus the required documents; raises
    DossierError with field-level errors."""
    form = procedure_form_class(d.procedure)(data=d.data)
    errors = {} if form.is_valid() else {k: [str(m) for m in v] for k, v in form.errors.items()}
    # The required documents with no file yet, in one query (files without a document are left out
    # of the subquery: a NULL in NOT IN would hide every missing document).
    attached = d.files.filter(document__isnull=False).values("document_id")
    missing = d.procedure.documents.filter(required=True).exclude(pk__in=attached)
    for doc in missing:
        errors[f"doc_{doc.code}"] = [_("Vui lòng tải lên: %(name)s.") % {"name": data_text(doc.name)}]
    # The public lookup finds a dossier by its code and the last four digits of this number: a
    # dossier filed without it could never be looked up.
    if not d.applicant_id_number:
        errors["applicant_id_number"] = [_("Nhập số CCCD của người nộp (12 chữ số): cần để tra cứu hồ sơ.")]
    else:
        try:
            validate_citizen_id(d.applicant_id_number)
        except ValidationError as exc:
            errors["applicant_id_number"] = list(exc.messages)
    if errors:
        raise DossierError(_("Hồ sơ chưa đầy đủ, vui lòng kiểm tra các mục được đánh dấu."), errors=errors)
    return form.cleaned_json()


def compute_fee(procedure: Procedure, data: dict) -> int:
    fee = procedure.fee_base
    if procedure.fee_per_unit:
        fee += procedure.fee_per_unit * int(data.get(procedure.fee_unit_field) or 1)
    return fee


def compute_fee_preview(d: Dossier) -> int:
    """The fee as the draft stands (a quantity not typed yet counts as one)."""
    data = dict(d.data)
    unit = d.procedure.fee_unit_field
    if unit:
        try:
            data[unit] = max(1, int(data.get(unit) or 1))
        except (TypeError, ValueError):
            data[unit] = 1
    return compute_fee(d.procedure, data)


def _code_prefix(agency: Agency, day: dt.date) -> str:
    """`<unit identifier>-YYMMDD-` of `<unit identifier>-YYMMDD-NNNN` (Circular 01/2018/TT-VPCP art. 19)."""
    return f"{agency.unit_identifier or agency.code.upper()}-{day:%y%m%d}-"


def _file_with_code(d: Dossier, day: dt.date) -> str:
    """Draw the next number of the agency's day and write the dossier's code and new status, in ONE
    statement (status and code change together: a filed dossier always has a code, as the check
    constraint `gov_dossier_code_when_filed` demands).

    The counter row stays locked from this statement until the submitting transaction ends, and
    every submission to the same agency and day queues on it. So this is the last write of the
    transaction (only the audit row, which records the code, follows): the lock is held for about
    one round trip and the commit, not for the whole submission. The number has at least four
    digits."""
    if not connection.in_atomic_block:
        raise RuntimeError("the dossier code must be drawn inside the submitting transaction")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH n AS (
                INSERT INTO government_dossiercounter (agency_id, day, last) VALUES (%s, %s, 1)
                ON CONFLICT (agency_id, day) DO UPDATE SET last = government_dossiercounter.last + 1
                RETURNING last
            )
            UPDATE government_dossier
               SET code = %s || CASE WHEN n.last < 10000 THEN lpad(n.last::text, 4, '0') ELSE n.last::text END,
                   status = %s
              FROM n
             WHERE government_dossier.id = %s
            RETURNING government_dossier.code
            """,
            [d.agency_id, day, _code_prefix(d.agency, day), d.status, d.pk],
        )
        (code,) = cursor.fetchone()
    d.code = code
    return code


def _start_clock(d: Dossier, at: dt.datetime) -> None:
    d.received_at = at
    d.due_date = workdays.appointment_date(at, d.procedure.processing_days)
    d.first_due_date = d.due_date


SUBMIT_FIELDS = (
    "data",
    "applicant_id_number",
    "fee_amount",
    "submitted_at",
    "channel",
    "is_digitised",
    "received_at",
    "due_date",
    "first_due_date",
)


def dossier_submit(*, dossier: Dossier, actor) -> Dossier:
    """Submit a draft: validate it, give it its code, and either wait for the fee or enter the
    one-stop desk's queue with its appointment date. Raises DossierError (field errors) or
    InvalidTransition (already submitted: a double click changes nothing)."""
    with transaction.atomic():
        d = _lock(dossier)
        _submit(d, actor=actor)
    return d


def _submit(d: Dossier, *, actor) -> None:
    # Every refusal is raised before anything is written (dossier_update_draft relies on it).
    _require_applicant(actor, d)
    _expect(d, S.DRAFT, verb=_("nộp hồ sơ"))
    cleaned = validate_for_submission(d)
    before = _snapshot(d)
    now = timezone.now()
    d.data = cleaned
    d.fee_amount = compute_fee(d.procedure, cleaned)
    d.submitted_at = now
    d.channel = Dossier.Channel.ONLINE
    d.is_digitised = True
    if d.fee_amount:
        d.status = S.AWAITING_PAYMENT
    else:
        d.status = S.RECEPTION
        _start_clock(d, now)
    # Everything but the status and the code, which the last statement writes together.
    d.save(update_fields=[*SUBMIT_FIELDS, "updated_at"])
    event = _event(d, actor=actor, verb="submit", before=before, at=now, audit=False, notify=True)
    # Last: the code. Drawing it locks the agency's counter row until commit (see
    # _file_with_code); only the audit row, which records the code, comes after it. The
    # applicant's notification is recorded after commit (_notify_after_commit): nobody waits on it.
    _file_with_code(d, timezone.localtime(now).date())
    _audit_event(d, event, before=before, actor=actor)


# --- payment -------------------------------------------------------------------------------------


def dossier_start_payment(*, dossier: Dossier, actor):
    """The pending payment of the dossier's fee: the open one is reused; after a failure or an
    expiry a new one replaces it (the failed link is superseded, so only one link can be paid).
    Returns the core Payment."""
    from core.payments.models import Payment
    from core.payments.services import payment_create, payments_supersede

    with transaction.atomic():
        d = _lock(dossier)
        _require_applicant(actor, d)
        _expect(d, S.AWAITING_PAYMENT, verb=_("nộp lệ phí"))
        previous = Payment.objects.filter(
            object_type="government.dossier", object_id=str(d.pk), purpose=PAYMENT_PURPOSE
        )
        pending = previous.filter(status="pending").order_by("-created_at").first()
        if pending is not None:
            return pending  # a retry or a double click reuses the open link
        payments_supersede(payable=d, actor=actor, reason="replaced by a new payment")
        attempt = previous.count() + 1
        payment = payment_create(
            purpose=PAYMENT_PURPOSE,
            amount=d.fee_amount,
            payer=actor,
            description=_("Lệ phí hồ sơ %(code)s") % {"code": d.code},
            obj=d,
            idempotency_key=f"government.dossier.{d.uid}.fee.{attempt}",
            payer_name=d.applicant_name,
            payer_phone=d.applicant_phone,
            amount_provisional=not d.procedure.fee_confirmed,
        )
        d.payment_reference = payment.reference
        d.save(update_fields=["payment_reference", "updated_at"])
    return payment


def dossier_fee_due(payment) -> int | None:
    """core.payments' amount_due: the dossier's fee while it awaits payment (its row locked first,
    as every dossier transition locks it), None once it has moved on."""
    d = Dossier.objects.select_for_update(of=("self",)).filter(pk=int(payment.object_id)).first()
    if d is None or d.status != S.AWAITING_PAYMENT:
        return None
    return d.fee_amount


def dossier_mark_paid(*, payment) -> Dossier | None:
    """core.payments' on_paid handler (runs inside the payment's transaction, once per payment).
    A dossier already out of `awaiting_payment` is left as it is: a second payment changes nothing."""
    d = (
        Dossier.objects.select_for_update(of=("self",))  # the dossier row only, see _lock
        .select_related("procedure", "agency")
        .filter(pk=int(payment.object_id))
        .first()
    )
    if d is None:
        logger.error("payment %s paid for a missing dossier %s", payment.reference, payment.object_id)
        return None
    if d.status != S.AWAITING_PAYMENT or payment.amount < d.fee_amount:
        logger.warning("payment %s for dossier %s ignored (status %s)", payment.reference, d.code, d.status)
        return d
    before = _snapshot(d)
    now = payment.paid_at or timezone.now()
    d.paid_at = now
    d.paid_online = True
    d.payment_reference = payment.reference
    d.status = S.RECEPTION
    _start_clock(d, now)
    d.save()
    _event(d, actor=None, verb="paid", before=before, at=now, note=payment.reference, notify=True)
    return d


# --- officials ------------------------------------------------------------------------------------

CLAIMABLE = (S.RECEPTION, S.PROCESSING, S.APPROVAL, S.APPROVED)


def dossier_claim(*, dossier: Dossier, actor) -> Dossier:
    """Take the dossier into one's own hands. Someone else's dossier cannot be taken over here."""
    with transaction.atomic():
        d = _lock(dossier)
        _require_official(actor, d)
        _expect(d, *CLAIMABLE, verb=_("nhận xử lý"))
        if d.status == S.APPROVAL:
            _require_leader(actor, d)
        if d.assignee_id == actor.pk:
            return d
        if d.assignee_id is not None:
            raise InvalidTransition(_("Hồ sơ đang do cán bộ khác xử lý."))
        before = _snapshot(d)
        d.assignee = actor
        d.save(update_fields=["assignee", "updated_at"])
        _event(d, actor=actor, verb="claim", before=before)
    return d


def _require_hands(actor, d: Dossier) -> None:
    # A dossier someone has claimed is theirs to move; an unclaimed one may be moved by any
    # official of the agency (the move claims it implicitly).
    if d.assignee_id not in (None, actor.pk) and not actor.is_superuser:
        raise NotAllowed(_("Hồ sơ đang do cán bộ khác xử lý."))


def dossier_forward(*, dossier: Dossier, actor, note: str = "") -> Dossier:
    """Move the dossier to the next step: one-stop desk → specialist → leader's approval."""
    with transaction.atomic():
        d = _lock(dossier)
        _require_official(actor, d)
        _expect(d, S.RECEPTION, S.PROCESSING, verb=_("chuyển bước"))
        _require_hands(actor, d)
        before = _snapshot(d)
        d.status = S.PROCESSING if d.status == S.RECEPTION else S.APPROVAL
        d.assignee = None
        d.save(update_fields=["status", "assignee", "updated_at"])
        _event(d, actor=actor, verb="forward", before=before, note=note, notify=True)
    return d


def dossier_request_supplement(*, dossier: Dossier, actor, reason: str) -> SupplementRequest:
    """Ask the applicant for more documents (Mẫu 02): the deadline clock pauses until they answer."""
    reason = (reason or "").strip()
    if not reason:
        raise DossierError(_("Vui lòng nêu rõ giấy tờ cần bổ sung."), errors={"reason": [_("Bắt buộc.")]})
    with transaction.atomic():
        d = _lock(dossier)
        _require_official(actor, d)
        _expect(d, S.RECEPTION, S.PROCESSING, verb=_("yêu cầu bổ sung"))
        _require_hands(actor, d)
        before = _snapshot(d)
        now = timezone.now()
        request = SupplementRequest.objects.create(
            dossier=d, requested_by=actor, requested_at=now, reason=reason, resume_status=d.status
        )
        d.status = S.SUPPLEMENT
        d.paused_since = now
        d.supplement_count += 1
        d.assignee = actor
        d.save(update_fields=["status", "paused_since", "supplement_count", "assignee", "updated_at"])
        _event(d, actor=actor, verb="request_supplement", before=before, note=reason, at=now, notify=True)
    return request


def dossier_supplement(*, dossier: Dossier, actor, note: str = "") -> Dossier:
    """The applicant answers the open request: the clock resumes and the appointment moves by the
    working days it stood still. At least one new file is required."""
    with transaction.atomic():
        d = _lock(dossier)
        _require_applicant(actor, d)
        _expect(d, S.SUPPLEMENT, verb=_("gửi bổ sung"))
        request = d.supplement_requests.filter(answered_at__isnull=True).last()
        if request is None or not request.files.exists():
            raise DossierError(
                _("Vui lòng tải lên ít nhất một giấy tờ bổ sung."), errors={"file": [_("Chưa có tệp bổ sung.")]}
            )
        before = _snapshot(d)
        now = timezone.now()
        paused = workdays.paused_working_days(d.paused_since or request.requested_at, now)
        request.answered_at = now
        request.answer_note = note.strip()
        request.paused_working_days = paused
        request.save(update_fields=["answered_at", "answer_note", "paused_working_days"])
        if d.due_date and paused:
            d.due_date = workdays.WorkCalendar(d.due_date).add_working_days(d.due_date, paused)
        d.paused_working_days += paused
        d.paused_since = None
        d.status = request.resume_status
        d.save()
        _event(d, actor=actor, verb="supplement", before=before, note=note.strip(), at=now, notify=True)
    return d


def dossier_reject(*, dossier: Dossier, actor, reason: str) -> Dossier:
    """Refuse the dossier with a reason (Mẫu 03). At the approval step only the leader may."""
    reason = (reason or "").strip()
    if not reason:
        raise DossierError(_("Vui lòng nêu lý do từ chối."), errors={"reason": [_("Bắt buộc.")]})
    with transaction.atomic():
        d = _lock(dossier)
        _require_official(actor, d)
        _expect(d, S.RECEPTION, S.PROCESSING, S.APPROVAL, verb=_("từ chối"))
        if d.status == S.APPROVAL:
            _require_leader(actor, d)
        else:
            _require_hands(actor, d)
        before = _snapshot(d)
        d.status = S.REJECTED
        d.rejection_reason = reason
        d.finished_at = timezone.now()
        d.assignee = None
        d.save()
        _event(d, actor=actor, verb="reject", before=before, note=reason, at=d.finished_at, notify=True)
    return d


def dossier_approve(*, dossier: Dossier, actor, note: str = "") -> Dossier:
    with transaction.atomic():
        d = _lock(dossier)
        _require_leader(actor, d)
        _expect(d, S.APPROVAL, verb=_("phê duyệt"))
        before = _snapshot(d)
        d.status = S.APPROVED
        d.assignee = None
        d.save(update_fields=["status", "assignee", "updated_at"])
        _event(d, actor=actor, verb="approve", before=before, note=note, notify=True)
    return d


def dossier_issue_result(*, dossier: Dossier, actor) -> Dossier:
    """Generate the result PDF, sign it with the agency's certificate (core.signing) and return it
    to the applicant. The signed document and the state change commit together."""
    from core.pdf import render_pdf
    from core.signing.services import sign_pdf

    with transaction.atomic():
        d = _lock(dossier)
        _require_official(actor, d)
        _expect(d, S.APPROVED, verb=_("trả kết quả"))
        before = _snapshot(d)
        now = timezone.now()
        pdf = render_pdf(
            "government/pdf/result.html",
            # The legal document is Vietnamese whatever language the official reads the portal in.
            {"dossier": d, "procedure": d.procedure, "fields": _vietnamese(labelled_data, d), "issued_at": now},
        )
        signed = sign_pdf(
            pdf_bytes=pdf,
            title=f"{d.procedure.result_name} — {d.code}",
            signer_agency=d.agency,
            obj=d,
            actor=actor,
        )
        d.result_document = signed
        d.status = S.COMPLETED
        d.finished_at = now
        d.assignee = None
        d.save()
        _event(d, actor=actor, verb="issue_result", before=before, at=now, notify=True)
    return d


def _absolute(path: str) -> str:
    return path if path.startswith("http") else settings.SITE_URL.rstrip("/") + path


def _vietnamese(fn, *args):
    with translation.override("vi"):
        return fn(*args)


def labelled_data(d: Dossier) -> list[tuple[str, str]]:
    """The declaration as (label, value) pairs, choices and dates as a reader writes them, labels and
    options in the active language (the result PDF renders it in Vietnamese)."""
    out = []
    for spec in d.procedure.form_fields:
        value = d.data.get(spec["name"], "")
        if spec["type"] == "choice":
            value = data_text(dict(map(tuple, spec["choices"])).get(value, value))
        elif spec["type"] == "date" and value:
            try:
                value = dt.date.fromisoformat(value).strftime("%d/%m/%Y")
            except ValueError:
                pass
        elif spec["type"] == "integer" and value not in ("", None):
            # Amounts and counts grouped as the reader writes them: 50.000.000 (vi), 50,000,000 (en).
            try:
                value = number_format(int(value), use_l10n=True, force_grouping=True)
            except (TypeError, ValueError):
                pass
        out.append((data_text(spec["label"]), "" if value is None else str(value)))
    return out


def dossier_apologise(*, dossier: Dossier, actor, reason: str, new_due_date: dt.date) -> ApologySlip:
    """The apology slip for a late dossier (Mẫu 04) with a new appointment date. Allowed once the
    appointment date is today or past; the new date must be a later working day. The dossier still
    counts as late in the indicators."""
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = [_("Bắt buộc.")]
    today = timezone.localdate()
    if new_due_date is None or new_due_date <= today:
        errors["new_due_date"] = [_("Ngày hẹn mới phải sau ngày hôm nay.")]
    elif not workdays.is_working_day(new_due_date):
        errors["new_due_date"] = [_("Ngày hẹn mới phải là ngày làm việc.")]
    if errors:
        raise DossierError(_("Vui lòng kiểm tra các mục được đánh dấu."), errors=errors)
    with transaction.atomic():
        d = _lock(dossier)
        _require_official(actor, d)
        _expect(d, S.RECEPTION, S.PROCESSING, S.APPROVAL, S.APPROVED, verb=_("lập văn bản xin lỗi"))
        current = d.rescheduled_due_date or d.due_date
        if current is None or current > today:
            raise InvalidTransition(_("Hồ sơ chưa đến hạn trả kết quả, chưa cần văn bản xin lỗi."))
        before = _snapshot(d)
        slip = ApologySlip.objects.create(
            dossier=d,
            issued_by=actor,
            issued_at=timezone.now(),
            reason=reason,
            previous_due_date=current,
            new_due_date=new_due_date,
        )
        d.rescheduled_due_date = new_due_date
        d.save(update_fields=["rescheduled_due_date", "updated_at"])
        _event(d, actor=actor, verb="apologise", before=before, note=reason, notify=True)
    return slip


def dossier_rate(*, dossier: Dossier, actor, score: int, comment: str = "") -> DossierRating:
    """The applicant's one rating of a finished dossier."""
    if score not in DossierRating.Score.values:
        raise DossierError(_("Vui lòng chọn mức độ hài lòng."), errors={"score": [_("Giá trị không hợp lệ.")]})
    with transaction.atomic():
        d = _lock(dossier)
        _require_applicant(actor, d)
        _expect(d, S.COMPLETED, S.REJECTED, verb=_("đánh giá"))
        if DossierRating.objects.filter(dossier=d).exists():
            raise InvalidTransition(_("Bạn đã đánh giá hồ sơ này."))
        rating = DossierRating.objects.create(dossier=d, score=score, comment=(comment or "").strip()[:2000])
        audit_record(actor=actor, action="government.dossier.rate", obj=d, after={"score": score})
    return rating
