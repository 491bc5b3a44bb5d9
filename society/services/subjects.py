"""The province's list of subjects and how each is assessed (score, comment, or levels with
periodic tests in primary school): kept by the Department of Education and Training (Sở GD&ĐT)
or a system administrator."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import NotAllowedError, ServiceError
from society.models import Mark, Subject
from society.permissions import can_manage_subjects


def _subject_errors(*, name: str, assessment_kind: str, order) -> dict:
    errors = {}
    if not (name or "").strip():
        errors["name"] = [_("Ghi tên môn học.")]
    if assessment_kind not in Subject.Assessment.values:
        errors["assessment"] = [_("Chọn hình thức đánh giá.")]
    if order is None or not 0 <= order <= 999:
        errors["order"] = [_("Thứ tự từ 0 đến 999.")]
    return errors


def subject_create(*, actor, code: str, name: str, assessment: str, order: int) -> Subject:
    """Add a subject to the province's list (Sở GD&ĐT or a system administrator). The code is the
    subject's permanent key (Circular 27's tested subjects are named by it). Audited."""
    if not can_manage_subjects(actor):
        raise NotAllowedError(_("Chỉ Sở Giáo dục và Đào tạo quản lý danh mục môn học."))
    code = (code or "").strip().lower()
    errors = _subject_errors(name=name, assessment_kind=assessment, order=order)
    if not code or not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in code):
        errors["code"] = [_("Mã môn chỉ gồm chữ không dấu, số và dấu gạch ngang (ví dụ: tieng-viet).")]
    elif Subject.objects.filter(code=code).exists():
        errors["code"] = [_("Đã có môn học với mã này.")]
    if errors:
        raise ServiceError(errors=errors)
    try:
        with transaction.atomic():
            subject = Subject.objects.create(code=code, name=name.strip()[:120], assessment=assessment, order=order)
            audit_record(
                actor=actor,
                action="society.subject.create",
                obj=subject,
                after={"code": code, "name": subject.name, "assessment": assessment, "order": order},
            )
    except IntegrityError:  # the same code added at the same moment by someone else
        raise ServiceError(errors={"code": [_("Đã có môn học với mã này.")]}) from None
    return subject


def subject_update(*, actor, subject: Subject, name: str, assessment: str, order: int) -> Subject:
    """Rename a subject, reorder it, or change how it is assessed — the last only while no mark of
    it has been entered (marks already given would no longer mean what they meant). Audited."""
    if not can_manage_subjects(actor):
        raise NotAllowedError(_("Chỉ Sở Giáo dục và Đào tạo quản lý danh mục môn học."))
    errors = _subject_errors(name=name, assessment_kind=assessment, order=order)
    with transaction.atomic():
        subject = Subject.objects.select_for_update().get(pk=subject.pk)
        if assessment != subject.assessment and Mark.objects.filter(gradebook__subject=subject).exists():
            errors["assessment"] = [_("Môn học đã có điểm: không đổi được hình thức đánh giá.")]
        if errors:
            raise ServiceError(errors=errors)
        fields = ["name", "assessment", "order"]
        before = {f: getattr(subject, f) for f in fields}
        subject.name, subject.assessment, subject.order = name.strip()[:120], assessment, order
        after = {f: getattr(subject, f) for f in fields}
        if after != before:
            subject.save(update_fields=fields)
            audit_record(actor=actor, action="society.subject.update", obj=subject, before=before, after=after)
    return subject
