"""Reads of the digital society pillar, already scoped to what the user may see."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from core.geo.models import AdministrativeUnit as Unit
from core.permissions import user_has_role
from core.users import roles
from society import assessment, assessment_primary
from society.models import (
    AssessmentChange,
    Broadcast,
    BroadcastDelivery,
    Conduct,
    Enrollment,
    Gradebook,
    HomeroomBook,
    HouseholdVisit,
    LoudspeakerSlots,
    Mark,
    MarkChange,
    PrimaryAward,
    PrimaryQuality,
    School,
    SchoolClass,
    Student,
    Subject,
    TechTeam,
    TechTeamVisit,
    Transcript,
)
from society.permissions import commune_scope


def communes_for(user) -> QuerySet[Unit]:
    units = Unit.objects.filter(structure=Unit.Structure.CURRENT, level=Unit.Level.COMMUNE).order_by("name")
    scope = commune_scope(user)
    return units if scope is None else units.filter(pk=scope.pk)


def _scoped(queryset, user, path="commune"):
    scope = commune_scope(user)
    return queryset if scope is None else queryset.filter(**{path: scope})


def school_year_of(day: dt.date) -> int:
    """School years start in September: 2025 means 2025–2026."""
    return day.year if day.month >= 9 else day.year - 1


def schools_for(user, *, commune_code=None, level="", on_platform=None) -> QuerySet[School]:
    schools = _scoped(School.objects.select_related("commune"), user)
    if commune_code:
        schools = schools.filter(commune__code=commune_code)
    if level:
        schools = schools.filter(level=level)
    if on_platform is True:
        schools = schools.filter(on_platform_since__isnull=False)
    elif on_platform is False:
        schools = schools.filter(on_platform_since__isnull=True)
    year = school_year_of(dt.date.today())
    return schools.annotate(
        n_students=Count("students", distinct=True),
        n_signed=Count(
            "transcripts",
            filter=Q(transcripts__status="signed", transcripts__school_class__year__start_year=year),
            distinct=True,
        ),
    ).order_by("commune__name", "name")


def teams_for(user, *, commune_code=None, q="") -> QuerySet[TechTeam]:
    teams = _scoped(TechTeam.objects.select_related("commune"), user)
    if commune_code:
        teams = teams.filter(commune__code=commune_code)
    if q:
        teams = teams.filter(Q(name__icontains=q) | Q(village__icontains=q))
    return teams.annotate(visit_count=Count("visits")).order_by("commune__name", "village")


def visits_for(user, *, team=None) -> QuerySet[TechTeamVisit]:
    visits = _scoped(TechTeamVisit.objects.select_related("team", "team__commune"), user, "team__commune")
    if team is not None:
        visits = visits.filter(team=team)
    return visits.order_by("-visited_on", "-id")


# --- figures, shared by the pages and the indicators -------------------------------------------------


def schools_by_commune(on: dt.date) -> tuple[dict[int, int], dict[int, int]]:
    """(schools, schools on the platform before `on`) per commune code."""
    rows = School.objects.values("commune__code").annotate(
        total=Count("id"), on_platform=Count("id", filter=Q(on_platform_since__lt=on))
    )
    return (
        {r["commune__code"]: r["total"] for r in rows},
        {r["commune__code"]: r["on_platform"] for r in rows},
    )


def transcripts_signed_by_commune(on: dt.date) -> dict[int, int]:
    """Transcripts of the school year running on `on` signed by both signers before `on`, per
    commune of the issuing school: real transcripts, not reported counts."""
    rows = (
        Transcript.objects.filter(
            status=Transcript.Status.SIGNED,
            school_class__year__start_year=school_year_of(on),
            principal_signed_at__date__lt=on,
        )
        .values("school__commune__code")
        .annotate(n=Count("id"))
        .values_list("school__commune__code", "n")
    )
    return dict(rows)


def teams_by_commune(on: dt.date) -> tuple[dict[int, int], dict[int, int]]:
    """(active teams, their members) established before `on`, per commune code."""
    rows = (
        TechTeam.objects.filter(is_active=True, established_on__lt=on)
        .values("commune__code")
        .annotate(n=Count("id"), members=Sum("members"))
    )
    return {r["commune__code"]: r["n"] for r in rows}, {r["commune__code"]: r["members"] for r in rows}


def visits_by_commune(start: dt.date, end: dt.date) -> dict[int, int]:
    """Visits made in [start, end), per commune code."""
    rows = (
        TechTeamVisit.objects.filter(visited_on__gte=start, visited_on__lt=end)
        .values("team__commune__code")
        .annotate(n=Count("id"))
        .values_list("team__commune__code", "n")
    )
    return dict(rows)


# --- schools, classes, gradebooks (scoped by SchoolStaff rows, see society.permissions) -------------


def staff_schools(user) -> QuerySet[School]:
    """Schools where `user` works (any active role); every school for a system administrator."""
    if user_has_role(user, roles.SYSTEM_ADMIN):
        return School.objects.filter(staff__isnull=False).distinct().select_related("commune")
    return School.objects.filter(staff__user=user, staff__is_active=True).distinct().select_related("commune")


def classes_for(user) -> QuerySet[SchoolClass]:
    return (
        SchoolClass.objects.filter(school__in=staff_schools(user))
        .select_related("school", "year", "homeroom_teacher")
        .annotate(n_students=Count("enrollments", distinct=True))
        .order_by("school__name", "-year__start_year", "grade", "name")
    )


def gradebooks_for(user) -> QuerySet[Gradebook]:
    return Gradebook.objects.filter(school_class__school__in=staff_schools(user)).select_related(
        "school_class", "school_class__school", "school_class__year", "subject", "teacher"
    )


def my_gradebooks(user) -> QuerySet[Gradebook]:
    return gradebooks_for(user).filter(teacher=user).order_by("-school_class__year__start_year", "term")


@dataclass
class SheetRow:
    enrollment: Enrollment
    marks: dict[str, Mark] = field(default_factory=dict)
    result: object = None  # term average (Decimal) or comment result ("D"/"CD") or None


def is_primary(gradebook: Gradebook) -> bool:
    """A primary school's gradebook follows Circular 27 (levels and periodic tests), the others
    Circular 22 (scores, or Đạt/Chưa đạt)."""
    return gradebook.school_class.school.level == School.Level.PRIMARY


def cell_components(gradebook: Gradebook) -> list[str]:
    """The cells of one student's row in this gradebook."""
    if is_primary(gradebook):
        return assessment_primary.components(gradebook.subject.code, gradebook.school_class.grade)
    return list(assessment.COMPONENTS)


def gradebook_sheet(gradebook: Gradebook) -> list[SheetRow]:
    """One row per student of the class with their marks and term result (a Circular 22 average
    or Đạt/Chưa đạt; a primary school's end-of-term level)."""
    by_comment = gradebook.subject.assessment == Subject.Assessment.COMMENT
    primary = is_primary(gradebook)
    rows = {
        e.student_id: SheetRow(enrollment=e)
        for e in Enrollment.objects.filter(school_class_id=gradebook.school_class_id).select_related("student")
    }
    for m in Mark.objects.filter(gradebook=gradebook):
        if m.student_id in rows:
            rows[m.student_id].marks[m.component] = m
    for row in rows.values():
        if primary:
            row.result = assessment_primary.term_result({c: m.comment for c, m in row.marks.items()})
        elif by_comment:
            row.result = assessment.comment_term_result({c: m.comment for c, m in row.marks.items()})
        else:
            row.result = assessment.term_average({c: m.score for c, m in row.marks.items()})
    return list(rows.values())


def mark_changes(gradebook: Gradebook) -> QuerySet[MarkChange]:
    return MarkChange.objects.filter(gradebook=gradebook).select_related("student", "changed_by")


def homeroom_book(school_class: SchoolClass, period: int) -> HomeroomBook:
    """The homeroom teacher's book of a class and period; an unsaved open one while none exists."""
    book = HomeroomBook.objects.filter(school_class=school_class, period=period).first()
    return book or HomeroomBook(school_class=school_class, period=period)


def assessment_changes(school_class: SchoolClass, period: int) -> QuerySet[AssessmentChange]:
    return AssessmentChange.objects.filter(school_class=school_class, period=period).select_related(
        "enrollment__student", "changed_by"
    )


@dataclass
class SubjectResult:
    subject: Subject
    term1: object = None
    term2: object = None
    year: object = None
    # Primary school: the periodic tests' scores at the end of term I and of the year, and
    # whether the subject has an end-of-year test in this grade.
    test1: int | None = None
    test2: int | None = None
    tested: bool = False
    # Primary school: the subject teacher's end-of-year remark (term II's nx cell).
    remark: str = ""


@dataclass
class StudentResult:
    enrollment: Enrollment
    subjects: list[SubjectResult] = field(default_factory=list)
    # Secondary: Circular 22 learning results per term (1, 2) and year (0). Primary: the
    # end-of-year result (Circular 27, Art. 9) under 0.
    learning: dict[int, str | None] = field(default_factory=dict)
    conduct: dict[int, str] = field(default_factory=dict)
    # Primary: qualities and competences per period (assessment_primary.QUALITY_PERIODS) and item.
    qualities: dict[int, dict[str, str]] = field(default_factory=dict)
    # Primary: the homeroom teacher's remark per period and item ("" when none).
    quality_remarks: dict[int, dict[str, str]] = field(default_factory=dict)
    # Secondary: the homeroom teacher's remark on the year (Conduct of period 0).
    year_remark: str = ""
    # Primary: the school's end-of-year award (PrimaryAward), None when none.
    award: PrimaryAward | None = None
    # Primary: the items the end-of-year result weighs and the transcript prints: all 15, or on a
    # book finished before Công nghệ and Tin học were added the 13 and whichever of the two has
    # been entered since (ADR 1405).
    quality_items: tuple[str, ...] = assessment_primary.QUALITY_ITEMS


def class_results(school_class: SchoolClass) -> list[StudentResult]:
    """Every student's subject averages (or comment results) per term and year, learning results
    (Circular 22) and conduct: the class page and the transcripts read this one computation."""
    gradebooks = {g.pk: g for g in Gradebook.objects.filter(school_class=school_class).select_related("subject")}
    subjects = sorted({g.subject for g in gradebooks.values()}, key=lambda s: (s.order, s.name))
    # Plain rows, not Mark instances: a class has ~4,000 marks and the signing job reads every
    # class of a school (instances cost ~2 ms CPU per student).
    scores: dict[tuple[int, int, int], dict[str, Decimal | None]] = {}
    comments: dict[tuple[int, int, int], dict[str, str]] = {}
    remarks: dict[tuple[int, int, int], str] = {}
    rows = Mark.objects.filter(gradebook__in=list(gradebooks)).values_list(
        "student_id", "gradebook_id", "component", "score", "comment", "remark"
    )
    for student_id, gradebook_id, component, score, comment, remark in rows:
        book = gradebooks[gradebook_id]
        key = (student_id, book.subject_id, book.term)
        if component == assessment_primary.REMARK:
            remarks[key] = remark
            continue
        scores.setdefault(key, {})[component] = score
        comments.setdefault(key, {})[component] = comment
    conduct: dict[int, dict[int, str]] = {}
    year_remarks: dict[int, str] = {}
    for eid, period, level, remark in Conduct.objects.filter(enrollment__school_class=school_class).values_list(
        "enrollment_id", "period", "level", "remark"
    ):
        conduct.setdefault(eid, {})[period] = level
        if period == 0:
            year_remarks[eid] = remark
    primary = school_class.school.level == School.Level.PRIMARY
    qualities: dict[int, dict[int, dict[str, str]]] = {}
    quality_remarks: dict[int, dict[int, dict[str, str]]] = {}
    awards: dict[int, PrimaryAward] = {}
    legacy = (
        primary
        and HomeroomBook.objects.filter(
            school_class=school_class, period=assessment_primary.END_OF_YEAR, legacy_items=True
        ).exists()
    )
    if primary:
        for eid, period, item, level, remark in PrimaryQuality.objects.filter(
            enrollment__school_class=school_class
        ).values_list("enrollment_id", "period", "item", "level", "remark"):
            if level:
                qualities.setdefault(eid, {}).setdefault(period, {})[item] = level
            if remark:
                quality_remarks.setdefault(eid, {}).setdefault(period, {})[item] = remark
        awards = {a.enrollment_id: a for a in PrimaryAward.objects.filter(enrollment__school_class=school_class)}
    results = []
    for e in Enrollment.objects.filter(school_class=school_class).select_related("student"):
        r = StudentResult(
            enrollment=e,
            conduct=conduct.get(e.pk, {}),
            qualities=qualities.get(e.pk, {}),
            quality_remarks=quality_remarks.get(e.pk, {}),
            year_remark=year_remarks.get(e.pk, ""),
            award=awards.get(e.pk),
        )
        for s in subjects:
            sr = SubjectResult(subject=s)
            if primary:
                # Circular 27: each term's end-of-term level and test; the year's are term II's.
                for term in (1, 2):
                    key = (e.student_id, s.pk, term)
                    setattr(sr, f"term{term}", assessment_primary.term_result(comments.get(key, {})))
                    test = scores.get(key, {}).get("kck")
                    setattr(sr, f"test{term}", None if test is None else int(test))
                sr.year = sr.term2
                sr.tested = assessment_primary.has_test(s.code, school_class.grade, "ck")
                sr.remark = remarks.get((e.student_id, s.pk, 2), "")
                r.subjects.append(sr)
                continue
            for term in (1, 2):
                key = (e.student_id, s.pk, term)
                if s.assessment == Subject.Assessment.COMMENT:
                    value = assessment.comment_term_result(comments.get(key, {}))
                else:
                    value = assessment.term_average(scores.get(key, {}))
                setattr(sr, f"term{term}", value)
            if s.assessment == Subject.Assessment.COMMENT:
                sr.year = sr.term2
            else:
                sr.year = assessment.year_average(sr.term1, sr.term2)
            r.subjects.append(sr)
        if primary:
            year_qualities = r.qualities.get(assessment_primary.END_OF_YEAR, {})
            r.quality_items = assessment_primary.counted_items(year_qualities, legacy)
            r.learning[0] = assessment_primary.year_result(
                [x.year for x in r.subjects],
                [year_qualities.get(item) for item in r.quality_items],
                [x.test2 for x in r.subjects if x.tested],
            )
        periods = () if primary else ((1, "term1"), (2, "term2"), (0, "year"))  # Circular 22 learning results
        for period, attr in periods:
            scored = [getattr(x, attr) for x in r.subjects if x.subject.assessment == Subject.Assessment.SCORE]
            commented = [getattr(x, attr) for x in r.subjects if x.subject.assessment == Subject.Assessment.COMMENT]
            r.learning[period] = assessment.learning_result(scored, commented)
        results.append(r)
    return results


def student_records_for(user) -> QuerySet[Student]:
    """The student records a person holds as the student or as a parent/guardian."""
    if not getattr(user, "is_authenticated", False):
        return Student.objects.none()
    return (
        Student.objects.filter(Q(user=user) | Q(guardians=user))
        .distinct()
        .select_related("school")
        .order_by("full_name")
    )


# --- transcripts ----------------------------------------------------------------------------------


def transcript_counts(school_class: SchoolClass) -> dict[str, int]:
    rows = Transcript.objects.filter(school_class=school_class).values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


def transcripts_of(student: Student) -> QuerySet[Transcript]:
    """A student's transcripts, every school and year (the caller checked who asks)."""
    return (
        Transcript.objects.filter(student=student)
        .select_related("school", "school_class", "school_class__year", "homeroom_signer", "principal_signer")
        .order_by("-school_class__year__start_year")
    )


def school_classes_with_transcripts(school: School) -> QuerySet[SchoolClass]:
    return (
        SchoolClass.objects.filter(school=school)
        .select_related("year", "homeroom_teacher")
        .annotate(
            n_students=Count("enrollments", distinct=True),
            n_homeroom=Count("transcripts", filter=Q(transcripts__status="homeroom_signed"), distinct=True),
            n_signed=Count("transcripts", filter=Q(transcripts__status="signed"), distinct=True),
        )
        .order_by("-year__start_year", "grade", "name")
    )


def transcript_by_code(code: str) -> Transcript | None:
    if not code or len(code) > 32:
        return None
    return (
        Transcript.objects.select_related(
            "student", "school", "school_class", "school_class__year", "homeroom_signer", "principal_signer"
        )
        .exclude(status=Transcript.Status.PENDING)
        .filter(verification_code=code)
        .first()
    )


# --- community technology teams in the field --------------------------------------------------------


def member_teams(user) -> QuerySet[TechTeam]:
    """The active teams `user` is an active member of."""
    return TechTeam.objects.filter(member_rows__user=user, member_rows__is_active=True, is_active=True).select_related(
        "commune"
    )


def household_visits(team: TechTeam) -> QuerySet[HouseholdVisit]:
    return HouseholdVisit.objects.filter(team=team).select_related("member").order_by("-created_at")


def household_visits_by_commune(
    start: dt.date, end: dt.date, *, help_code: str = "", done_only=False
) -> dict[int, int]:
    """Households helped in [start, end), per commune code; only those helped with `help_code`
    (and, with done_only, where it was done) when given."""
    visits = HouseholdVisit.objects.filter(visited_on__gte=start, visited_on__lt=end)
    if help_code:
        visits = visits.filter(help__contains=[help_code])
    if done_only:
        visits = visits.filter(outcome=HouseholdVisit.Outcome.DONE)
    rows = visits.values("team__commune__code").annotate(n=Count("id")).values_list("team__commune__code", "n")
    return dict(rows)


def broadcasts_for(user) -> QuerySet[Broadcast]:
    """Province-wide roles see every broadcast; a commune official those of their commune."""
    scope = commune_scope(user)
    qs = Broadcast.objects.select_related("created_by", "decided_by")
    if scope is not None:
        qs = qs.filter(communes=scope).distinct()
    return qs.order_by("-created_at")


def loudspeaker_schedule(user, *, since: dt.datetime) -> list[tuple[object, str]]:
    """The commune radio's items from `since` on: [(delivery, commune name)] by slot, each approved
    broadcast's loudspeaker delivery; a commune official sees their commune's only."""
    items = BroadcastDelivery.objects.filter(
        channel="loudspeaker", broadcast__status=Broadcast.Status.APPROVED, scheduled_for__gte=since
    ).select_related("broadcast")
    scope = commune_scope(user)
    if scope is not None:
        items = items.filter(address=str(scope.code))
    items = list(items.order_by("scheduled_for", "address", "pk")[:500])
    codes = {int(d.address) for d in items if d.address.isdigit()}
    names = dict(
        Unit.objects.filter(structure=Unit.Structure.CURRENT, level=Unit.Level.COMMUNE, code__in=codes).values_list(
            "code", "name"
        )
    )
    return [(d, names.get(int(d.address), d.address) if d.address.isdigit() else d.address) for d in items]


def loudspeaker_slots(commune_ids) -> dict[int, tuple]:
    """{commune id: its daily loudspeaker slots} for the communes that set their own."""
    return {
        commune_id: tuple(times)
        for commune_id, times in LoudspeakerSlots.objects.filter(commune_id__in=list(commune_ids)).values_list(
            "commune_id", "times"
        )
    }
