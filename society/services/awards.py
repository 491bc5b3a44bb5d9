"""End-of-year awards of a primary school (Circular 27/2020/TT-BGDĐT, Art. 15): the principal gives
the title Học sinh Xuất sắc to students whose end-of-year result is Hoàn thành xuất sắc, and Học sinh
Tiêu biểu hoàn thành tốt trong học tập và rèn luyện to students with Hoàn thành tốt whom the class
recognises; other awards (an outstanding deed, a contest) are written out. The award is printed on
the transcript (Khen thưởng), so it cannot change once the homeroom teacher has signed it."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import InvalidTransitionError, NotAllowedError, ServiceError
from society import assessment_primary
from society.models import PrimaryAward, School, SchoolClass, Transcript
from society.permissions import is_school_staff

OTHER_MAX = 200
# The end-of-year result (assessment_primary.year_result) each title asks for (Art. 15.1).
TITLE_NEEDS = {
    PrimaryAward.Title.EXCELLENT: assessment_primary.EXCELLENT,
    PrimaryAward.Title.EXEMPLARY: assessment_primary.VERY_GOOD,
}


def award_fields(enrollment_id: int) -> tuple[str, str]:
    """The form fields (and error keys) of one student's title and other awards."""
    return f"a_{enrollment_id}_title", f"a_{enrollment_id}_other"


def awards_save(*, actor, school_class: SchoolClass, awards: dict[int, tuple[str, str]]) -> int:
    """The principal records the end-of-year awards of a primary class: {enrollment_id: (title,
    other)}; both empty removes the student's award. A title needs its end-of-year result; nothing
    changes on a transcript already signed. Unchanged rows write nothing (a double submit is
    harmless); each change is audited `society.award.save` with before and after. Returns how many
    students' awards changed.

    Raises NotAllowedError (not the school's principal), InvalidTransitionError (not a primary
    class) or ServiceError with one field error per bad row (nothing saved then)."""
    from society.selectors import class_results

    with transaction.atomic():
        school_class = SchoolClass.objects.select_for_update().select_related("school").get(pk=school_class.pk)
        if not is_school_staff(actor, school_class.school_id, "principal"):
            raise NotAllowedError(_("Chỉ hiệu trưởng quyết định khen thưởng học sinh."))
        if school_class.school.level != School.Level.PRIMARY:
            raise InvalidTransitionError(_("Khen thưởng theo Thông tư 27 chỉ dành cho trường tiểu học."))
        results = {r.enrollment.pk: r for r in class_results(school_class)}
        current = {
            a.enrollment_id: a
            for a in PrimaryAward.objects.select_for_update().filter(enrollment__school_class=school_class)
        }
        signed = set(
            Transcript.objects.filter(school_class=school_class)
            .exclude(status=Transcript.Status.PENDING)
            .values_list("student_id", flat=True)
        )
        errors: dict[str, list[str]] = {}
        wanted: dict[int, tuple[str, str]] = {}
        for eid, (title, other) in awards.items():
            title_field, other_field = award_fields(eid)
            title, other = (title or "").strip(), " ".join((other or "").split())
            result = results.get(eid)
            if result is None:
                errors[title_field] = [_("Học sinh không thuộc lớp này.")]
                continue
            row = current.get(eid)
            if (row.title if row else "", row.other if row else "") == (title, other):
                continue
            if title not in ("", *PrimaryAward.Title.values):
                errors[title_field] = [_("Chọn một danh hiệu trong danh sách.")]
            elif title and result.learning.get(0) != TITLE_NEEDS[title]:
                errors[title_field] = [
                    _("Danh hiệu này dành cho học sinh có kết quả cuối năm %(result)s.")
                    % {"result": _result_label(TITLE_NEEDS[title])}
                ]
            if len(other) > OTHER_MAX:
                errors[other_field] = [
                    _("Khen thưởng khác tối đa %(max)s ký tự (đang có %(n)s).") % {"max": OTHER_MAX, "n": len(other)}
                ]
            if result.enrollment.student_id in signed:
                errors[title_field] = [_("Học bạ của học sinh này đã ký: không sửa được khen thưởng.")]
            wanted[eid] = (title, other)
        if errors:
            raise ServiceError(_("Có khen thưởng chưa hợp lệ, chưa lưu gì."), errors=errors)
        now = timezone.now()
        for eid, (title, other) in wanted.items():
            row = current.get(eid)
            before = {"title": row.title, "other": row.other} if row else None
            enrollment = results[eid].enrollment
            if not title and not other:
                row.delete()
                audit_record(actor=actor, action="society.award.save", obj=enrollment, before=before, after=None)
                continue
            if row is None:
                row = PrimaryAward(enrollment_id=eid)
            row.title, row.other, row.decided_by, row.decided_at = title, other, actor, now
            row.save()
            audit_record(
                actor=actor,
                action="society.award.save",
                obj=enrollment,
                before=before,
                after={"title": title, "other": other},
            )
    return len(wanted)


def _result_label(code: str) -> str:
    return {
        assessment_primary.EXCELLENT: _("Hoàn thành xuất sắc"),
        assessment_primary.VERY_GOOD: _("Hoàn thành tốt"),
    }[code]


def award_lines(award: PrimaryAward | None) -> list[str]:
    """What the transcript prints under Khen thưởng (the Circular's own words, in Vietnamese)."""
    if award is None:
        return []
    titles = {
        PrimaryAward.Title.EXCELLENT: "Học sinh Xuất sắc",
        PrimaryAward.Title.EXEMPLARY: "Học sinh Tiêu biểu hoàn thành tốt trong học tập và rèn luyện",
    }
    return [line for line in (titles.get(award.title, ""), award.other) if line]
