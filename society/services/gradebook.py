"""Gradebooks: subject teachers enter marks, finish (lock) the gradebook; the school administrator
reopens it with a reason; every change of a mark after its first entry is kept (MarkChange)."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import InvalidTransitionError, NotAllowedError, ServiceError
from society import assessment, assessment_primary
from society.models import (
    Enrollment,
    Gradebook,
    GradebookEvent,
    Mark,
    MarkChange,
    Subject,
    Transcript,
)
from society.permissions import is_school_staff
from society.selectors import cell_components, is_primary

# The homeroom teacher's assessments live in services/homeroom.py; these names stay importable here.
from society.services.homeroom import conduct_save, qualities_missing, qualities_save, quality_field  # noqa: F401


def mark_field(student_id: int, component: str) -> str:
    """The form field (and error key) of one cell of a gradebook."""
    return f"m_{student_id}_{component}"


def _display(mark_score: Decimal | None, comment: str, remark: str = "") -> str:
    if mark_score is not None:
        return f"{mark_score:.1f}"
    return comment or remark or ""


def _locked_gradebook(gradebook_id: int) -> Gradebook:
    return (
        Gradebook.objects.select_for_update(of=("self",))
        .select_related("school_class", "school_class__school", "subject")
        .get(pk=gradebook_id)
    )


def _check_teacher(actor, gradebook: Gradebook) -> None:
    if gradebook.teacher_id != actor.pk or not is_school_staff(actor, gradebook.school_class.school_id, "teacher"):
        raise NotAllowedError(_("Chỉ giáo viên bộ môn phụ trách sổ điểm này được nhập điểm."))


def gradebook_save_marks(*, actor, gradebook: Gradebook, entries: dict[tuple[int, str], str]) -> int:
    """Write the cells the teacher submitted: {(student_id, component): text}. A score is 0–10 with
    one decimal ("7,5" or "7.5"); a subject assessed by comment takes "D"/"CD"; a primary subject
    takes levels T/H/C, whole test scores 1–10 and a written remark (nx, at most REMARK_MAX
    characters). Unchanged cells are left alone (a double submit writes nothing); every change
    after the first entry, a remark's too, is kept in MarkChange. Returns how many cells changed.

    Raises NotAllowedError (not this gradebook's teacher), InvalidTransitionError (locked) or
    ServiceError with one field error per bad cell (nothing is saved then)."""
    with transaction.atomic():
        gradebook = _locked_gradebook(gradebook.pk)
        _check_teacher(actor, gradebook)
        if gradebook.status != Gradebook.Status.OPEN:
            raise InvalidTransitionError(_("Sổ điểm đã khóa: cần quản trị nhà trường mở khóa trước khi sửa điểm."))
        by_comment = gradebook.subject.assessment == Subject.Assessment.COMMENT
        primary = is_primary(gradebook)
        allowed = cell_components(gradebook)
        enrolled = set(
            Enrollment.objects.filter(school_class_id=gradebook.school_class_id).values_list("student_id", flat=True)
        )
        errors: dict[str, list[str]] = {}
        parsed: dict[tuple[int, str], tuple[Decimal | None, str, str]] = {}
        for (student_id, component), text in entries.items():
            key = mark_field(student_id, component)
            if student_id not in enrolled or component not in allowed:
                errors[key] = [_("Học sinh hoặc cột điểm không thuộc sổ điểm này.")]
                continue
            text = (text or "").strip()
            if primary:
                try:
                    score, level, remark = assessment_primary.parse_cell(component, text)
                except assessment_primary.LevelError:
                    if component == assessment_primary.REMARK:
                        errors[key] = [
                            _("Nhận xét tối đa %(max)s ký tự (đang có %(n)s).")
                            % {"max": assessment_primary.REMARK_MAX, "n": len(" ".join(text.split()))}
                        ]
                    elif assessment_primary.is_test(component):
                        errors[key] = [_("Điểm kiểm tra định kỳ là số nguyên từ 1 đến 10.")]
                    else:
                        errors[key] = [_("Ghi T (Hoàn thành tốt), H (Hoàn thành) hoặc C (Chưa hoàn thành).")]
                    continue
                parsed[(student_id, component)] = (None if score is None else Decimal(score), level, remark)
            elif by_comment:
                value = text.upper()
                if value not in ("", *Mark.Comment.values):
                    errors[key] = [_("Chọn Đạt hoặc Chưa đạt.")]
                    continue
                parsed[(student_id, component)] = (None, value, "")
            else:
                try:
                    parsed[(student_id, component)] = (assessment.parse_score(text), "", "")
                except assessment.ScoreError:
                    errors[key] = [_("Điểm từ 0 đến 10, một chữ số thập phân (ví dụ 7,5).")]
        if errors:
            raise ServiceError(_("Có điểm chưa hợp lệ, chưa lưu gì."), errors=errors)
        existing = {
            (m.student_id, m.component): m
            for m in Mark.objects.select_for_update().filter(gradebook=gradebook, student_id__in=enrolled)
        }
        # What a signed transcript prints does not change for its student (the data and the signed
        # PDF never disagree), even in a gradebook reopened after signing.
        signed = set(
            Transcript.objects.filter(school_class_id=gradebook.school_class_id)
            .exclude(status=Transcript.Status.PENDING)
            .values_list("student_id", flat=True)
        )
        now = timezone.now()
        changed, trail, created = 0, [], []
        for (student_id, component), (score, comment, remark) in parsed.items():
            mark = existing.get((student_id, component))
            unchanged = (
                score is None and not comment and not remark
                if mark is None
                else _display(mark.score, mark.comment, mark.remark) == _display(score, comment, remark)
            )
            if not unchanged and student_id in signed:
                errors[mark_field(student_id, component)] = [
                    _("Học bạ của học sinh này đã ký: không sửa được đánh giá in trong học bạ.")
                ]
                continue
            if mark is None:
                if score is None and not comment and not remark:
                    continue
                created.append(
                    Mark(
                        gradebook=gradebook,
                        student_id=student_id,
                        component=component,
                        score=score,
                        comment=comment,
                        remark=remark,
                    )
                )
                changed += 1
                continue
            old, new = _display(mark.score, mark.comment, mark.remark), _display(score, comment, remark)
            if old == new:
                continue
            mark.score, mark.comment, mark.remark = score, comment, remark
            mark.save(update_fields=["score", "comment", "remark", "updated_at"])
            trail.append(
                MarkChange(
                    mark=mark,
                    gradebook=gradebook,
                    student_id=student_id,
                    component=component,
                    old_value=old,
                    new_value=new,
                    changed_by=actor,
                    changed_at=now,
                )
            )
            changed += 1
        if errors:  # raised inside the transaction: the rows saved above are rolled back
            raise ServiceError(_("Có điểm chưa hợp lệ, chưa lưu gì."), errors=errors)
        Mark.objects.bulk_create(created)
        MarkChange.objects.bulk_create(trail)
        if changed:
            audit_record(
                actor=actor,
                action="society.gradebook.marks",
                obj=gradebook,
                after={"entered": len(created), "changed": len(trail)},
            )
    return changed


def gradebook_missing(gradebook: Gradebook) -> list[str]:
    """Names of the students whose term result cannot be computed yet (marks missing)."""
    by_comment = gradebook.subject.assessment == Subject.Assessment.COMMENT
    primary = is_primary(gradebook)
    marks: dict[int, dict[str, Mark]] = {}
    for m in Mark.objects.filter(gradebook=gradebook):
        marks.setdefault(m.student_id, {})[m.component] = m
    missing = []
    for e in Enrollment.objects.filter(school_class_id=gradebook.school_class_id).select_related("student"):
        cells = marks.get(e.student_id, {})
        if primary:
            ok = assessment_primary.cells_complete(
                gradebook.subject.code,
                gradebook.school_class.grade,
                {c: (m.score, m.comment, m.remark) for c, m in cells.items()},
                remark_needed=gradebook.term == 2,
            )
        elif by_comment:
            ok = assessment.comment_term_result({c: m.comment for c, m in cells.items()}) is not None
        else:
            ok = assessment.term_average({c: m.score for c, m in cells.items()}) is not None
        if not ok:
            missing.append(e.student.full_name)
    return missing


def gradebook_finish(*, actor, gradebook: Gradebook) -> Gradebook:
    """The teacher finishes the gradebook: it locks (audited, GradebookEvent). Every student needs a
    term result first. Finishing a locked gradebook again changes nothing."""
    with transaction.atomic():
        gradebook = _locked_gradebook(gradebook.pk)
        _check_teacher(actor, gradebook)
        if gradebook.status == Gradebook.Status.LOCKED:
            return gradebook
        missing = gradebook_missing(gradebook)
        if missing and is_primary(gradebook) and gradebook.term == 2:
            raise InvalidTransitionError(
                _("Chưa đủ mức đạt được, điểm kiểm tra và nhận xét cuối năm cho: %(names)s.")
                % {"names": ", ".join(missing[:10])}
            )
        if missing:
            raise InvalidTransitionError(
                _("Chưa đủ điểm để tổng kết học kỳ cho: %(names)s.") % {"names": ", ".join(missing[:10])}
            )
        gradebook.status, gradebook.locked_at = Gradebook.Status.LOCKED, timezone.now()
        gradebook.save(update_fields=["status", "locked_at"])
        GradebookEvent.objects.create(gradebook=gradebook, action=GradebookEvent.Action.LOCK, actor=actor)
        audit_record(
            actor=actor,
            action="society.gradebook.lock",
            obj=gradebook,
            before={"status": "open"},
            after={"status": "locked"},
        )
    return gradebook


def gradebook_unlock(*, actor, gradebook: Gradebook, reason: str) -> Gradebook:
    """The school administrator reopens a locked gradebook, with a reason (audited, GradebookEvent)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        gradebook = _locked_gradebook(gradebook.pk)
        if not is_school_staff(actor, gradebook.school_class.school_id, "admin"):
            raise NotAllowedError(_("Chỉ quản trị nhà trường được mở khóa sổ điểm."))
        if not reason:
            raise ServiceError(errors={"reason": [_("Cần ghi lý do mở khóa.")]})
        if gradebook.status != Gradebook.Status.LOCKED:
            raise InvalidTransitionError(_("Sổ điểm đang mở, không cần mở khóa."))
        gradebook.status, gradebook.locked_at = Gradebook.Status.OPEN, None
        gradebook.save(update_fields=["status", "locked_at"])
        GradebookEvent.objects.create(
            gradebook=gradebook, action=GradebookEvent.Action.UNLOCK, actor=actor, reason=reason[:300]
        )
        audit_record(
            actor=actor,
            action="society.gradebook.unlock",
            obj=gradebook,
            before={"status": "locked"},
            after={"status": "open", "reason": reason[:300]},
        )
    return gradebook
