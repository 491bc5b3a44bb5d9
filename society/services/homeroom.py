"""The homeroom teacher's assessments of a class: a primary class's qualities and competences with
their remarks (Circular 27), a secondary class's conduct and the year's remark (Circular 22). Each
period's assessments form one book (HomeroomBook) that locks when the homeroom teacher finishes it
and reopens only by the school administrator with a reason, like a gradebook; every change after
the first entry is kept in AssessmentChange (who, when, old and new value), and what a signed
transcript prints no longer changes for that student."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import InvalidTransitionError, NotAllowedError, ServiceError
from society import assessment_primary
from society.models import (
    AssessmentChange,
    Conduct,
    Enrollment,
    HomeroomBook,
    HomeroomBookEvent,
    PrimaryQuality,
    School,
    SchoolClass,
    Transcript,
)
from society.permissions import is_school_staff

# The secondary transcript's "Nhận xét của giáo viên chủ nhiệm": four lines of the printed page.
YEAR_REMARK_MAX = 300
SECONDARY_PERIODS = (1, 2, 0)  # term I, term II, the year (Conduct.period)
YEAR = 0


def quality_field(enrollment_id: int, item: str) -> str:
    """The form field (and error key) of one student's quality or competence level."""
    return f"q_{enrollment_id}_{item}"


def quality_remark_field(enrollment_id: int, item: str) -> str:
    """The form field (and error key) of the remark on one student's quality or competence."""
    return f"r_{enrollment_id}_{item}"


def conduct_field(enrollment_id: int) -> str:
    return f"c_{enrollment_id}"


def conduct_remark_field(enrollment_id: int) -> str:
    return f"cr_{enrollment_id}"


def fold(text: str | None) -> str:
    """A remark as it is stored and printed: one line, inner spaces collapsed."""
    return " ".join((text or "").split())


def periods_of(school_class: SchoolClass) -> tuple[int, ...]:
    if school_class.school.level == School.Level.PRIMARY:
        return assessment_primary.QUALITY_PERIODS
    return SECONDARY_PERIODS


def _printed_period(school_class: SchoolClass) -> int:
    """The period whose assessments the transcript prints."""
    if school_class.school.level == School.Level.PRIMARY:
        return assessment_primary.END_OF_YEAR
    return YEAR


def _locked_class(school_class: SchoolClass) -> SchoolClass:
    # The class row is the lock every write of its homeroom assessments takes: a save and a
    # finish of the same book never interleave.
    return SchoolClass.objects.select_for_update().select_related("school").get(pk=school_class.pk)


def _check_open(school_class: SchoolClass, period: int) -> None:
    if HomeroomBook.objects.filter(
        school_class=school_class, period=period, status=HomeroomBook.Status.LOCKED
    ).exists():
        raise InvalidTransitionError(_("Sổ đánh giá kỳ này đã khóa: cần quản trị nhà trường mở khóa trước khi sửa."))


def _signed_students(school_class: SchoolClass) -> set[int]:
    """Students of the class whose transcript the homeroom teacher has signed."""
    return set(
        Transcript.objects.filter(school_class=school_class)
        .exclude(status=Transcript.Status.PENDING)
        .values_list("student_id", flat=True)
    )


def _frozen_message() -> str:
    return _("Học bạ của học sinh này đã ký: không sửa được đánh giá in trong học bạ.")


def _change(school_class, enrollment_id, period, item, field, old, new, actor, now) -> AssessmentChange:
    return AssessmentChange(
        school_class=school_class,
        enrollment_id=enrollment_id,
        period=period,
        item=item,
        field=field,
        old_value=old,
        new_value=new,
        changed_by=actor,
        changed_at=now,
    )


def qualities_save(
    *,
    actor,
    school_class: SchoolClass,
    period: int,
    levels: dict[tuple[int, str], str],
    remarks: dict[tuple[int, str], str] | None = None,
) -> int:
    """The homeroom teacher of a primary class assesses qualities and competences (Circular 27,
    Art. 6 and 8) at one of the four periodic assessments (assessment_primary.QUALITY_PERIODS):
    levels {(enrollment_id, item): "T"/"D"/"C"} (empty leaves the level as it is) and remarks
    {(enrollment_id, item): text} (at most QUALITY_REMARK_MAX characters; empty clears it). Unchanged
    cells write nothing (a double submit is harmless); a change of an entered level or remark is
    kept in AssessmentChange. Audited `society.qualities.save`; returns how many cells changed.

    Raises NotAllowedError (not the homeroom teacher), InvalidTransitionError (not a primary class,
    the period's book locked) or ServiceError with one field error per bad cell (nothing saved),
    also for a student whose transcript is signed when the period is the end of the year."""
    remarks = remarks or {}
    if period not in assessment_primary.QUALITY_PERIODS:
        raise ServiceError(errors={"period": [_("Kỳ đánh giá không hợp lệ.")]})
    with transaction.atomic():
        school_class = _locked_class(school_class)
        if school_class.homeroom_teacher_id != actor.pk:
            raise NotAllowedError(_("Chỉ giáo viên chủ nhiệm của lớp được đánh giá phẩm chất, năng lực."))
        if school_class.school.level != School.Level.PRIMARY:
            raise InvalidTransitionError(_("Phẩm chất, năng lực theo Thông tư 27 chỉ đánh giá ở trường tiểu học."))
        _check_open(school_class, period)
        enrollments = dict(Enrollment.objects.filter(school_class=school_class).values_list("pk", "student_id"))
        errors: dict[str, list[str]] = {}
        for (eid, item), level in levels.items():
            if (
                eid not in enrollments
                or item not in assessment_primary.QUALITY_ITEMS
                or level not in ("", *assessment_primary.QUALITY_LEVELS)
            ):
                errors[quality_field(eid, item)] = [_("Chọn Tốt, Đạt hoặc Cần cố gắng.")]
        wanted_remarks: dict[tuple[int, str], str] = {}
        for (eid, item), text in remarks.items():
            key = quality_remark_field(eid, item)
            if eid not in enrollments or item not in assessment_primary.QUALITY_ITEMS:
                errors[key] = [_("Học sinh hoặc mục đánh giá không thuộc lớp này.")]
                continue
            text = fold(text)
            if len(text) > assessment_primary.QUALITY_REMARK_MAX:
                errors[key] = [
                    _("Nhận xét tối đa %(max)s ký tự (đang có %(n)s).")
                    % {"max": assessment_primary.QUALITY_REMARK_MAX, "n": len(text)}
                ]
                continue
            wanted_remarks[(eid, item)] = text
        current = {
            (q.enrollment_id, q.item): q
            for q in PrimaryQuality.objects.select_for_update().filter(
                enrollment_id__in=list(enrollments), period=period
            )
        }
        signed = _signed_students(school_class) if period == assessment_primary.END_OF_YEAR else set()
        now = timezone.now()
        created, updated, trail = [], [], []
        for key in {*levels, *wanted_remarks}:
            eid, item = key
            if quality_field(eid, item) in errors or quality_remark_field(eid, item) in errors:
                continue
            row = current.get(key)
            old_level, old_remark = (row.level, row.remark) if row else ("", "")
            level = levels.get(key) or old_level
            remark = wanted_remarks.get(key, old_remark)
            if (level, remark) == (old_level, old_remark):
                continue
            if enrollments[eid] in signed:
                field = quality_field(eid, item) if level != old_level else quality_remark_field(eid, item)
                errors[field] = [_frozen_message()]
                continue
            if row is None:
                created.append(
                    PrimaryQuality(
                        enrollment_id=eid, period=period, item=item, level=level, remark=remark, updated_by=actor
                    )
                )
                continue
            if old_level and level != old_level:
                trail.append(_change(school_class, eid, period, item, "level", old_level, level, actor, now))
            if old_remark and remark != old_remark:
                trail.append(_change(school_class, eid, period, item, "remark", old_remark, remark, actor, now))
            row.level, row.remark, row.updated_by = level, remark, actor
            updated.append(row)
        if errors:
            raise ServiceError(_("Có ô đánh giá chưa hợp lệ, chưa lưu gì."), errors=errors)
        PrimaryQuality.objects.bulk_create(created)
        for row in updated:
            row.save(update_fields=["level", "remark", "updated_by", "updated_at"])
        AssessmentChange.objects.bulk_create(trail)
        changed = len(created) + len(updated)
        if changed:
            audit_record(
                actor=actor,
                action="society.qualities.save",
                obj=school_class,
                after={"period": period, "entered": len(created), "changed": len(updated), "traced": len(trail)},
            )
    return changed


def legacy_book(school_class: SchoolClass, period: int) -> bool:
    """Whether the class's book of `period` was finished with the 13 items before Công nghệ and Tin
    học were added (ADR 1405)."""
    return HomeroomBook.objects.filter(school_class=school_class, period=period, legacy_items=True).exists()


def qualities_missing(school_class: SchoolClass, period: int = assessment_primary.END_OF_YEAR) -> list[str]:
    """Names of the students of a primary class whose qualities and competences of `period` do not
    all have a level yet (a remark alone does not count): all 15 items, or the 13 of a book
    finished before Công nghệ and Tin học were added (HomeroomBook.legacy_items, ADR 1405)."""
    required = assessment_primary.required_items(legacy_book(school_class, period))
    counts: dict[int, int] = {}
    for eid in (
        PrimaryQuality.objects.filter(enrollment__school_class=school_class, period=period, item__in=required)
        .exclude(level="")
        .values_list("enrollment_id", flat=True)
    ):
        counts[eid] = counts.get(eid, 0) + 1
    return [
        e.student.full_name
        for e in Enrollment.objects.filter(school_class=school_class).select_related("student")
        if counts.get(e.pk, 0) < len(required)
    ]


def conduct_save(
    *,
    actor,
    school_class: SchoolClass,
    period: int,
    levels: dict[int, str],
    remarks: dict[int, str] | None = None,
) -> int:
    """The homeroom teacher sets conduct results {enrollment_id: level} for a term (1, 2) or the
    year (0), and for the year the remark the transcript prints {enrollment_id: text} (at most
    YEAR_REMARK_MAX characters; empty clears it). An empty level leaves the level as it is;
    unchanged rows write nothing; a change of an entered level or remark is kept in
    AssessmentChange. Audited `society.conduct.save`; returns how many rows changed.

    Raises NotAllowedError (not the homeroom teacher), InvalidTransitionError (the period's book
    locked) or ServiceError with field errors (nothing saved), also for a student whose transcript
    is signed when the period is the year."""
    remarks = remarks or {}
    if period not in SECONDARY_PERIODS:
        raise ServiceError(errors={"period": [_("Kỳ đánh giá không hợp lệ.")]})
    with transaction.atomic():
        school_class = _locked_class(school_class)
        if school_class.homeroom_teacher_id != actor.pk:
            raise NotAllowedError(_("Chỉ giáo viên chủ nhiệm của lớp được đánh giá rèn luyện."))
        _check_open(school_class, period)
        enrollments = dict(Enrollment.objects.filter(school_class=school_class).values_list("pk", "student_id"))
        errors: dict[str, list[str]] = {
            conduct_field(eid): [_("Chọn một mức đánh giá.")]
            for eid, level in levels.items()
            if eid not in enrollments or level not in ("", *Conduct.Level.values)
        }
        wanted_remarks: dict[int, str] = {}
        for eid, text in remarks.items():
            text = fold(text)
            if eid not in enrollments or period != YEAR:
                errors[conduct_remark_field(eid)] = [_("Nhận xét của giáo viên chủ nhiệm chỉ ghi cho cả năm học.")]
            elif len(text) > YEAR_REMARK_MAX:
                errors[conduct_remark_field(eid)] = [
                    _("Nhận xét tối đa %(max)s ký tự (đang có %(n)s).") % {"max": YEAR_REMARK_MAX, "n": len(text)}
                ]
            else:
                wanted_remarks[eid] = text
        current = {
            c.enrollment_id: c
            for c in Conduct.objects.select_for_update().filter(enrollment_id__in=list(enrollments), period=period)
        }
        signed = _signed_students(school_class) if period == YEAR else set()
        now = timezone.now()
        changed, trail = 0, []
        for eid in {*levels, *wanted_remarks}:
            if conduct_field(eid) in errors or conduct_remark_field(eid) in errors:
                continue
            row = current.get(eid)
            old_level, old_remark = (row.level, row.remark) if row else ("", "")
            level = levels.get(eid) or old_level
            remark = wanted_remarks.get(eid, old_remark)
            if (level, remark) == (old_level, old_remark):
                continue
            if enrollments[eid] in signed:
                errors[conduct_field(eid) if level != old_level else conduct_remark_field(eid)] = [_frozen_message()]
                continue
            if row is None:
                Conduct.objects.create(enrollment_id=eid, period=period, level=level, remark=remark, updated_by=actor)
            else:
                if old_level and level != old_level:
                    trail.append(_change(school_class, eid, period, "", "level", old_level, level, actor, now))
                if old_remark and remark != old_remark:
                    trail.append(_change(school_class, eid, period, "", "remark", old_remark, remark, actor, now))
                row.level, row.remark, row.updated_by = level, remark, actor
                row.save(update_fields=["level", "remark", "updated_by", "updated_at"])
            changed += 1
        if errors:
            raise ServiceError(_("Có mức đánh giá chưa hợp lệ, chưa lưu gì."), errors=errors)
        AssessmentChange.objects.bulk_create(trail)
        if changed:
            audit_record(
                actor=actor,
                action="society.conduct.save",
                obj=school_class,
                after={"period": period, "changed": changed, "traced": len(trail)},
            )
    return changed


def conduct_missing(school_class: SchoolClass, period: int) -> list[str]:
    """Names of the students of a class without a conduct level for `period`."""
    done = set(
        Conduct.objects.filter(enrollment__school_class=school_class, period=period)
        .exclude(level="")
        .values_list("enrollment_id", flat=True)
    )
    return [
        e.student.full_name
        for e in Enrollment.objects.filter(school_class=school_class).select_related("student")
        if e.pk not in done
    ]


def homeroom_book_missing(school_class: SchoolClass, period: int) -> list[str]:
    """Names of the students the homeroom teacher has not assessed fully for `period`."""
    if school_class.school.level == School.Level.PRIMARY:
        return qualities_missing(school_class, period)
    return conduct_missing(school_class, period)


def homeroom_book_finish(*, actor, school_class: SchoolClass, period: int) -> HomeroomBook:
    """The homeroom teacher finishes a period's assessments: the book locks (audited
    `society.homeroom_book.lock`, HomeroomBookEvent). Every student needs every level of the
    period first (remarks are optional). Finishing a locked book again changes nothing."""
    with transaction.atomic():
        school_class = _locked_class(school_class)
        if school_class.homeroom_teacher_id != actor.pk:
            raise NotAllowedError(_("Chỉ giáo viên chủ nhiệm của lớp được hoàn thành sổ đánh giá."))
        if period not in periods_of(school_class):
            raise ServiceError(errors={"period": [_("Kỳ đánh giá không hợp lệ.")]})
        book, _created = HomeroomBook.objects.get_or_create(school_class=school_class, period=period)
        if book.status == HomeroomBook.Status.LOCKED:
            return book
        missing = homeroom_book_missing(school_class, period)
        if missing:
            raise InvalidTransitionError(_("Chưa đánh giá đủ cho: %(names)s.") % {"names": ", ".join(missing[:10])})
        book.status, book.locked_at = HomeroomBook.Status.LOCKED, timezone.now()
        book.save(update_fields=["status", "locked_at"])
        HomeroomBookEvent.objects.create(book=book, action=HomeroomBookEvent.Action.LOCK, actor=actor)
        audit_record(
            actor=actor,
            action="society.homeroom_book.lock",
            obj=school_class,
            before={"period": period, "status": "open"},
            after={"period": period, "status": "locked"},
        )
    return book


def homeroom_book_unlock(*, actor, school_class: SchoolClass, period: int, reason: str) -> HomeroomBook:
    """The school administrator reopens a locked homeroom book, with a reason (audited
    `society.homeroom_book.unlock`, HomeroomBookEvent). What a signed transcript prints stays
    frozen for its student even then."""
    reason = (reason or "").strip()
    with transaction.atomic():
        school_class = _locked_class(school_class)
        if not is_school_staff(actor, school_class.school_id, "admin"):
            raise NotAllowedError(_("Chỉ quản trị nhà trường được mở khóa sổ đánh giá."))
        if not reason:
            raise ServiceError(errors={"reason": [_("Cần ghi lý do mở khóa.")]})
        book = HomeroomBook.objects.filter(school_class=school_class, period=period).first()
        if book is None or book.status != HomeroomBook.Status.LOCKED:
            raise InvalidTransitionError(_("Sổ đánh giá đang mở, không cần mở khóa."))
        book.status, book.locked_at = HomeroomBook.Status.OPEN, None
        book.save(update_fields=["status", "locked_at"])
        HomeroomBookEvent.objects.create(
            book=book, action=HomeroomBookEvent.Action.UNLOCK, actor=actor, reason=reason[:300]
        )
        audit_record(
            actor=actor,
            action="society.homeroom_book.unlock",
            obj=school_class,
            before={"period": period, "status": "locked"},
            after={"period": period, "status": "open", "reason": reason[:300]},
        )
    return book


def printed_book_locked(school_class: SchoolClass) -> bool:
    """Whether the book of what the transcript prints (end of year) is locked."""
    return HomeroomBook.objects.filter(
        school_class=school_class, period=_printed_period(school_class), status=HomeroomBook.Status.LOCKED
    ).exists()
