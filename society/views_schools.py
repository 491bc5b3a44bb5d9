"""Pages of the schools: classes, gradebooks (marks entry on a phone or a desktop, no JS needed),
the mark-edit trail, conduct and students. Who sees what comes from SchoolStaff rows
(society.permissions); an object of another school is not found (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError, apply_to_form
from society import assessment_primary, selectors, services
from society.forms import AwardsForm, ConductForm, GradebookForm, QualitiesForm, UnlockForm
from society.models import Gradebook, HomeroomBook, Mark, PrimaryQuality, School, SchoolClass, Student, Subject
from society.permissions import can_manage_subjects, can_view_school, can_view_student, is_school_staff
from society.services import awards, homeroom


@login_required
def school_home(request):
    """Học bạ số: a teacher's gradebooks and classes; a student's or parent's own records."""
    user = request.user
    context = {
        "gradebooks": selectors.my_gradebooks(user),
        "classes": selectors.classes_for(user),
        "records": selectors.student_records_for(user),
        "can_manage_subjects": can_manage_subjects(user),
    }
    return render(request, "society/school_home.html", context)


def _class_or_404(user, pk: int) -> SchoolClass:
    school_class = get_object_or_404(SchoolClass.objects.select_related("school", "year", "homeroom_teacher"), pk=pk)
    if not can_view_school(user, school_class.school_id):
        raise Http404
    return school_class


@login_required
def class_detail(request, pk: int):
    school_class = _class_or_404(request.user, pk)
    context = {
        "school_class": school_class,
        "gradebooks": Gradebook.objects.filter(school_class=school_class).select_related("subject", "teacher"),
        "results": selectors.class_results(school_class),
        "is_homeroom": school_class.homeroom_teacher_id == request.user.pk,
        "primary": school_class.school.level == School.Level.PRIMARY,
        **_transcript_context(request, school_class),
    }
    return render(request, "society/class_detail.html", context)


def _transcript_context(request, school_class) -> dict:
    # Filled in by the transcripts part (views_transcripts) when it is installed.
    from society import views_transcripts

    return views_transcripts.class_transcript_context(request.user, school_class)


def _homeroom_context(request, school_class, period: int) -> dict:
    """The period's homeroom book: its state, who may finish or reopen it, and its events."""
    book = selectors.homeroom_book(school_class, period)
    is_homeroom = school_class.homeroom_teacher_id == request.user.pk
    is_open = book.status != HomeroomBook.Status.LOCKED
    return {
        "book": book,
        "is_homeroom": is_homeroom,
        "can_edit": is_homeroom and is_open,
        "can_unlock": not is_open and is_school_staff(request.user, school_class.school_id, "admin"),
        "unlock_form": UnlockForm(),
        "events": book.events.select_related("actor")[:10] if book.pk else [],
        "missing": homeroom.homeroom_book_missing(school_class, period),
    }


def _posted(request, form) -> dict[str, str]:
    # Only the remarks this form posted: a form of one item must not clear the other items' remarks.
    return {name: form.cleaned_data[name] for name in form.fields if name in request.POST}


@login_required
def class_conduct(request, pk: int):
    """Conduct of a secondary class for term I, term II or the year (?period=1, 2, 0), and for the
    year the homeroom teacher's remark the transcript prints: the homeroom teacher enters them
    while the period's book is open, the rest of the school reads them."""
    school_class = _class_or_404(request.user, pk)
    if school_class.school.level == School.Level.PRIMARY:
        raise Http404
    try:
        period = int(request.GET.get("period", "1"))
    except ValueError:
        period = 1
    period = period if period in homeroom.SECONDARY_PERIODS else 1
    book = _homeroom_context(request, school_class, period)
    if request.method == "POST" and not book["is_homeroom"]:
        raise PermissionDenied
    results = selectors.class_results(school_class)
    with_remarks = period == homeroom.YEAR
    form = ConductForm(request.POST or None, results=results, period=period, with_remarks=with_remarks)
    if request.method == "POST" and form.is_valid():
        posted = _posted(request, form)
        levels = {int(n.split("_")[1]): v for n, v in posted.items() if n.startswith("c_")}
        remarks = {int(n.split("_")[1]): v for n, v in posted.items() if n.startswith("cr_")}
        try:
            changed = services.conduct_save(
                actor=request.user, school_class=school_class, period=period, levels=levels, remarks=remarks
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu đánh giá rèn luyện (%(n)s thay đổi).") % {"n": changed})
            return redirect(request.get_full_path())
    labels = {0: _("Cả năm"), 1: _("Học kỳ I"), 2: _("Học kỳ II")}
    context = {
        "school_class": school_class,
        "form": form,
        "period": period,
        "period_label": labels[period],
        "periods": [(p, labels[p]) for p in homeroom.SECONDARY_PERIODS],
        "with_remarks": with_remarks,
        "remark_max": homeroom.YEAR_REMARK_MAX,
        **book,
    }
    return render(request, "society/class_conduct.html", context)


@login_required
def class_qualities(request, pk: int):
    """Qualities and competences of a primary class (Circular 27) at mid-term I, end of term I,
    mid-term II or end of year (?period=3, 1, 4, 2): the homeroom teacher enters them while the
    period's book is open, the rest of the school reads them; ?i=<item> shows one item with its
    remarks (the transcript form's "Nhận xét" column), for a phone and for writing remarks."""
    school_class = _class_or_404(request.user, pk)
    if school_class.school.level != School.Level.PRIMARY:
        raise Http404
    try:
        period = int(request.GET.get("period", ""))
    except ValueError:
        period = assessment_primary.END_OF_YEAR
    if period not in assessment_primary.QUALITY_PERIODS:
        period = assessment_primary.END_OF_YEAR
    item = request.GET.get("i", "")
    items = [item] if item in assessment_primary.QUALITY_ITEMS else list(assessment_primary.QUALITY_ITEMS)
    book = _homeroom_context(request, school_class, period)
    if request.method == "POST" and not book["is_homeroom"]:
        raise PermissionDenied
    results = selectors.class_results(school_class)
    with_remarks = len(items) == 1
    form = QualitiesForm(request.POST or None, results=results, period=period, items=items, with_remarks=with_remarks)
    if request.method == "POST" and form.is_valid():
        levels, remarks = {}, {}
        for name, value in _posted(request, form).items():
            kind, enrollment_id, code = name.split("_", 2)
            (levels if kind == "q" else remarks)[(int(enrollment_id), code)] = value
        try:
            changed = services.qualities_save(
                actor=request.user, school_class=school_class, period=period, levels=levels, remarks=remarks
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu đánh giá phẩm chất, năng lực (%(n)s thay đổi).") % {"n": changed})
            return redirect(request.get_full_path())
    periods = dict(PrimaryQuality.PERIODS)
    context = {
        "school_class": school_class,
        "form": form,
        "period": period,
        "period_label": periods[period],
        "periods": [(p, periods[p]) for p in assessment_primary.QUALITY_PERIODS],
        "on_transcript": period == assessment_primary.END_OF_YEAR,
        "item": item if len(items) == 1 else "",
        "items": [PrimaryQuality.Item(i) for i in items],
        "all_items": [PrimaryQuality.Item(i) for i in assessment_primary.QUALITY_ITEMS],
        "with_remarks": with_remarks,
        "remark_max": assessment_primary.QUALITY_REMARK_MAX,
        **book,
    }
    return render(request, "society/class_qualities.html", context)


def _period_or_404(school_class, period: int) -> int:
    if period not in homeroom.periods_of(school_class):
        raise Http404
    return period


def _homeroom_page(school_class, period: int) -> str:
    name = "society:class-qualities" if school_class.school.level == School.Level.PRIMARY else "society:class-conduct"
    return f"{reverse(name, args=[school_class.pk])}?period={period}"


@require_POST
@login_required
def homeroom_finish(request, pk: int, period: int):
    school_class = _class_or_404(request.user, pk)
    period = _period_or_404(school_class, period)
    try:
        homeroom.homeroom_book_finish(actor=request.user, school_class=school_class, period=period)
    except ServiceError as exc:
        messages.error(request, str(exc.message) or " ".join(str(m) for ms in exc.errors.values() for m in ms))
    else:
        messages.success(request, _("Đã hoàn thành và khóa sổ đánh giá."))
    return redirect(_homeroom_page(school_class, period))


@require_POST
@login_required
def homeroom_unlock(request, pk: int, period: int):
    school_class = _class_or_404(request.user, pk)
    period = _period_or_404(school_class, period)
    form = UnlockForm(request.POST)
    form.is_valid()
    try:
        homeroom.homeroom_book_unlock(
            actor=request.user, school_class=school_class, period=period, reason=form.cleaned_data.get("reason", "")
        )
    except ServiceError as exc:
        apply_to_form(form, exc)
        messages.error(request, " ".join(str(e) for e in form.errors.get("reason", [])) or str(exc.message))
    else:
        messages.success(request, _("Đã mở khóa sổ đánh giá."))
    return redirect(_homeroom_page(school_class, period))


@login_required
def homeroom_history(request, pk: int, period: int):
    """Every change of the homeroom teacher's levels and remarks after their first entry (who,
    when, old, new) and the locks and reopenings of the period's book."""
    school_class = _class_or_404(request.user, pk)
    period = _period_or_404(school_class, period)
    book = selectors.homeroom_book(school_class, period)
    page = Paginator(selectors.assessment_changes(school_class, period), 50).get_page(request.GET.get("page"))
    primary = school_class.school.level == School.Level.PRIMARY
    labels = dict(PrimaryQuality.PERIODS) if primary else {0: _("Cả năm"), 1: _("Học kỳ I"), 2: _("Học kỳ II")}
    items = {i.value: i.label for i in PrimaryQuality.Item}
    context = {
        "school_class": school_class,
        "period": period,
        "period_label": labels[period],
        "back": _homeroom_page(school_class, period),
        "page": page,
        "rows": [(c, items.get(c.item, _("Rèn luyện") if c.field == "level" else _("Nhận xét cả năm"))) for c in page],
        "events": book.events.select_related("actor") if book.pk else [],
        "query": "",
    }
    return render(request, "society/homeroom_history.html", context)


def _gradebook_or_404(user, pk: int) -> Gradebook:
    gradebook = get_object_or_404(
        Gradebook.objects.select_related(
            "school_class", "school_class__school", "school_class__year", "subject", "teacher"
        ),
        pk=pk,
    )
    if not can_view_school(user, gradebook.school_class.school_id):
        raise Http404
    return gradebook


@login_required
def gradebook(request, pk: int):
    """The marks of one subject, class and term. Its teacher edits while it is open (all columns,
    or one column at a time on a phone: ?c=tx1); the rest of the school reads it."""
    book = _gradebook_or_404(request.user, pk)
    all_components = selectors.cell_components(book)
    column = request.GET.get("c", "")
    components = [column] if column in all_components else all_components
    primary = selectors.is_primary(book)
    can_edit = (
        book.teacher_id == request.user.pk
        and book.status == Gradebook.Status.OPEN
        and is_school_staff(request.user, book.school_class.school_id, "teacher")
    )
    by_comment = book.subject.assessment == Subject.Assessment.COMMENT
    sheet = selectors.gradebook_sheet(book)
    form = GradebookForm(
        request.POST if request.method == "POST" else None,
        sheet=sheet,
        components=components,
        by_comment=by_comment,
        primary=primary,
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            # Only the cells this form posted: a one-column form must not clear the other columns.
            entries = {}
            for name in form.fields:
                if name in request.POST:
                    _m, student_id, component = name.split("_", 2)
                    entries[(int(student_id), component)] = form.cleaned_data[name]
            try:
                changed = services.gradebook_save_marks(actor=request.user, gradebook=book, entries=entries)
            except ServiceError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(request, _("Đã lưu điểm (%(n)s ô thay đổi).") % {"n": changed})
                return redirect(request.get_full_path())
    is_admin = is_school_staff(request.user, book.school_class.school_id, "admin")
    context = {
        "book": book,
        "form": form,
        "components": [Mark.Component(c) for c in components],
        "all_components": [Mark.Component(c) for c in all_components],
        "column": column if column in all_components else "",
        "primary": primary,
        "can_edit": can_edit,
        "can_finish": can_edit,
        "can_unlock": is_admin and book.status == Gradebook.Status.LOCKED,
        "unlock_form": UnlockForm(),
        "by_comment": by_comment,
        "remark_max": assessment_primary.REMARK_MAX,
        "missing": services.gradebook_missing(book) if can_edit else [],
        "events": book.events.select_related("actor")[:10],
    }
    return render(request, "society/gradebook.html", context)


@require_POST
@login_required
def gradebook_finish(request, pk: int):
    book = _gradebook_or_404(request.user, pk)
    try:
        services.gradebook_finish(actor=request.user, gradebook=book)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Đã hoàn thành và khóa sổ điểm."))
    return redirect("society:gradebook", pk=book.pk)


@require_POST
@login_required
def gradebook_unlock(request, pk: int):
    book = _gradebook_or_404(request.user, pk)
    form = UnlockForm(request.POST)
    form.is_valid()
    try:
        services.gradebook_unlock(actor=request.user, gradebook=book, reason=form.cleaned_data.get("reason", ""))
    except ServiceError as exc:
        apply_to_form(form, exc)
        messages.error(request, " ".join(str(e) for e in form.errors.get("reason", [])) or str(exc.message))
    else:
        messages.success(request, _("Đã mở khóa sổ điểm."))
    return redirect("society:gradebook", pk=book.pk)


@login_required
def gradebook_history(request, pk: int):
    """Every change of a mark after its first entry (who, when, old, new) and the locks/reopenings."""
    book = _gradebook_or_404(request.user, pk)
    page = Paginator(selectors.mark_changes(book), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "society/gradebook_history.html",
        {"book": book, "page": page, "events": book.events.select_related("actor"), "query": ""},
    )


@login_required
def student_detail(request, pk: int):
    student = get_object_or_404(Student.objects.select_related("school"), pk=pk)
    if not can_view_student(request.user, student):
        raise Http404
    context = {
        "student": student,
        "enrollments": student.enrollments.select_related("school_class", "school_class__year", "school_class__school"),
        **_student_transcript_context(request, student),
    }
    return render(request, "society/student_detail.html", context)


def _student_transcript_context(request, student) -> dict:
    from society import views_transcripts

    return views_transcripts.student_transcript_context(request.user, student)


@login_required
def class_awards(request, pk: int):
    """End-of-year awards of a primary class (Circular 27, Art. 15): the principal decides them,
    the rest of the school reads them; they are printed on the transcript."""
    school_class = _class_or_404(request.user, pk)
    if school_class.school.level != School.Level.PRIMARY:
        raise Http404
    can_edit = is_school_staff(request.user, school_class.school_id, "principal")
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    results = selectors.class_results(school_class)
    form = AwardsForm(request.POST or None, results=results)
    if request.method == "POST" and form.is_valid():
        try:
            changed = awards.awards_save(actor=request.user, school_class=school_class, awards=form.awards())
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu khen thưởng (%(n)s học sinh thay đổi).") % {"n": changed})
            return redirect("society:class-awards", pk=school_class.pk)
    signed = selectors.transcript_counts(school_class)
    context = {
        "school_class": school_class,
        "form": form,
        "can_edit": can_edit,
        "n_signed": signed.get("homeroom_signed", 0) + signed.get("signed", 0),
    }
    return render(request, "society/class_awards.html", context)
