"""Gradebooks under Circular 22: marks entered by the subject teacher (page, no JS), the lock when
the teacher finishes, reopening by the school administrator with a reason, and the edit trail."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.audit.models import AuditLog
from core.errors import InvalidTransitionError, NotAllowedError
from society import assessment, services
from society.models import Gradebook, GradebookEvent, Mark, MarkChange

pytestmark = pytest.mark.django_db
D = Decimal


def test_circular_22_rules():
    assert assessment.parse_score("7,5") == D("7.5") and assessment.parse_score(" 10 ") == D("10.0")
    for bad in ("10.5", "-1", "7.25", "abc", "nan"):
        with pytest.raises(assessment.ScoreError):
            assessment.parse_score(bad)
    # (7 + 8 + 2×6 + 3×9) / (2 + 5) = 54/7 = 7.714… → 7.7
    assert assessment.term_average({"tx1": D(7), "tx2": D(8), "gk": D(6), "ck": D(9)}) == D("7.7")
    assert assessment.term_average({"tx1": D(7), "gk": D(6), "ck": D(9)}) is None  # one regular score is not enough
    assert assessment.year_average(D("6.0"), D("7.5")) == D("7.0")
    assert assessment.comment_term_result({"tx1": "D", "tx2": "CD", "tx3": "D", "ck": "D"}) == "D"
    assert assessment.comment_term_result({"tx1": "CD", "tx2": "CD", "ck": "D"}) == "CD"
    eight = [D(8)] * 6 + [D("6.5")] * 3
    assert assessment.learning_result(eight, ["D"]) == "T"
    assert assessment.learning_result(eight, ["CD"]) == "D"  # one comment subject failed: at most Đạt
    assert assessment.learning_result([D(7)] * 8 + [D("5.0")], ["D"]) == "K"
    assert assessment.learning_result([D(5)] * 8 + [D("3.4")], []) == "CD"  # a subject under 3.5
    assert assessment.learning_result([D(5)] * 8 + [D("3.5")], []) == "D"
    assert assessment.learning_result([D(8), None], []) is None


def _fill(client, world, book, rows):
    """Post the gradebook form: rows = {student index: {component: text}}."""
    data = {}
    for index, cells in rows.items():
        for component, text in cells.items():
            data[services.mark_field(world.students[index].pk, component)] = text
    return client.post(reverse("society:gradebook", args=[book.pk]), data)


FULL = {"tx1": "7", "tx2": "8,5", "gk": "6", "ck": "9"}


def test_teacher_enters_marks_on_the_page_and_bad_cells_keep_what_was_typed(client, login, world):
    book = world.books[("toan", 1)]
    login(world.math_teacher)
    page = client.get(reverse("society:gradebook", args=[book.pk]))
    assert page.status_code == 200 and "Lương Thị Con" in page.content.decode()
    response = _fill(client, world, book, {0: FULL, 1: {"tx1": "11", "tx2": "7,25"}})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Điểm từ 0 đến 10, một chữ số thập phân" in body
    assert 'value="11"' in body and 'value="7,25"' in body  # what was typed is kept
    assert Mark.objects.count() == 0  # nothing saved while a cell is bad
    assert _fill(client, world, book, {0: FULL}).status_code == 302
    assert _fill(client, world, book, {0: FULL}).status_code == 302  # double submit
    assert Mark.objects.filter(gradebook=book).count() == 4
    assert MarkChange.objects.count() == 0  # first entries are not changes
    page = client.get(reverse("society:gradebook", args=[book.pk])).content.decode()
    # (7 + 8.5 + 12 + 27) / 7 = 7.79 → 7.8
    assert "7,8" in page or "7.8" in page


def test_only_the_gradebooks_teacher_enters_marks(client, login, world):
    book = world.books[("toan", 1)]
    for other in (world.homeroom, world.principal, world.school_admin):
        login(other)
        assert _fill(client, world, book, {0: FULL}).status_code == 403
    login(world.other_teacher)  # another school: the gradebook does not exist for them
    assert client.get(reverse("society:gradebook", args=[book.pk])).status_code == 404
    with pytest.raises(NotAllowedError):
        services.gradebook_save_marks(
            actor=world.homeroom, gradebook=book, entries={(world.students[0].pk, "tx1"): "5"}
        )
    assert Mark.objects.count() == 0


def test_every_change_after_entry_is_kept_and_shown_to_the_school(client, login, world):
    book = world.books[("toan", 1)]
    st = world.students[0]
    services.gradebook_save_marks(actor=world.math_teacher, gradebook=book, entries={(st.pk, "tx1"): "6,5"})
    services.gradebook_save_marks(actor=world.math_teacher, gradebook=book, entries={(st.pk, "tx1"): "8"})
    services.gradebook_save_marks(actor=world.math_teacher, gradebook=book, entries={(st.pk, "tx1"): ""})
    trail = list(MarkChange.objects.order_by("id").values_list("old_value", "new_value", "changed_by", "component"))
    assert trail == [("6.5", "8.0", world.math_teacher.pk, "tx1"), ("8.0", "", world.math_teacher.pk, "tx1")]
    assert all(c.changed_at for c in MarkChange.objects.all())
    history = reverse("society:gradebook-history", args=[book.pk])
    for viewer in (world.principal, world.school_admin, world.homeroom, world.math_teacher):
        login(viewer)
        body = client.get(history).content.decode()
        assert "Lăng Văn Toán" in body and "6.5" in body and "8.0" in body and st.full_name in body
    for stranger in (world.other_teacher, world.parent):
        login(stranger)
        assert client.get(history).status_code == 404


def _complete(world, book, text="8"):
    entries = {}
    for st in world.students:
        for component in ("tx1", "tx2", "gk", "ck"):
            value = ("D" if book.subject.assessment == "comment" else text) if component else text
            entries[(st.pk, component)] = value
    services.gradebook_save_marks(actor=book.teacher, gradebook=book, entries=entries)


def test_finish_locks_and_only_the_school_admin_reopens_with_a_reason(client, login, world):
    book = world.books[("toan", 1)]
    login(world.math_teacher)
    client.post(reverse("society:gradebook-finish", args=[book.pk]))
    book.refresh_from_db()
    assert book.status == "open"  # marks missing: refused
    _complete(world, book)
    client.post(reverse("society:gradebook-finish", args=[book.pk]))
    book.refresh_from_db()
    assert book.status == Gradebook.Status.LOCKED and book.locked_at
    page = client.get(reverse("society:gradebook", args=[book.pk])).content.decode()
    assert "Đã khóa" in page and 'name="m_' not in page  # read-only now
    assert _fill(client, world, book, {0: {"tx1": "2"}}).status_code == 403
    with pytest.raises(InvalidTransitionError):
        services.gradebook_save_marks(
            actor=world.math_teacher, gradebook=book, entries={(world.students[0].pk, "tx1"): "2"}
        )
    # The teacher and the principal cannot reopen it; the administrator needs a reason.
    unlock = reverse("society:gradebook-unlock", args=[book.pk])
    for who in (world.math_teacher, world.principal):
        login(who)
        client.post(unlock, {"reason": "Sửa điểm"})
        book.refresh_from_db()
        assert book.status == "locked"
    login(world.school_admin)
    follow = client.post(unlock, {"reason": "  "}, follow=True).content.decode()
    assert "Cần ghi lý do mở khóa." in follow
    book.refresh_from_db()
    assert book.status == "locked"
    client.post(unlock, {"reason": "Giáo viên nhập nhầm điểm kiểm tra giữa kỳ của em An"})
    book.refresh_from_db()
    assert book.status == "open"
    event = GradebookEvent.objects.get(gradebook=book, action="unlock")
    assert event.actor == world.school_admin and "nhập nhầm" in event.reason
    assert AuditLog.objects.filter(action="society.gradebook.unlock", object_id=str(book.pk)).count() == 1
    # After reopening, the teacher's correction is kept in the trail.
    services.gradebook_save_marks(actor=world.math_teacher, gradebook=book, entries={(world.students[1].pk, "gk"): "5"})
    change = MarkChange.objects.get()
    assert (change.old_value, change.new_value, change.changed_by) == ("8.0", "5.0", world.math_teacher)
    login(world.principal)
    assert "nhập nhầm" in client.get(reverse("society:gradebook-history", args=[book.pk])).content.decode()


def test_student_identity_is_seen_by_school_self_and_parents_only(client, login, world, outsider):
    st = world.students[0]
    url = reverse("society:student-detail", args=[st.pk])
    for viewer in (world.principal, world.math_teacher, world.student_user, world.parent):
        login(viewer)
        body = client.get(url).content.decode()
        assert st.personal_id in body, viewer
    for stranger in (world.other_teacher, outsider):
        login(stranger)
        assert client.get(url).status_code == 404
    # The parent of student 0 does not see student 1.
    login(world.parent)
    assert client.get(reverse("society:student-detail", args=[world.students[1].pk])).status_code == 404
    home = client.get(reverse("society:school-home")).content.decode()
    assert st.full_name in home and world.students[1].full_name not in home


def test_class_results_and_conduct(client, login, world):
    for book in world.books.values():
        if book.subject.assessment == "comment":
            entries = {(s.pk, c): "D" for s in world.students for c in ("tx1", "tx2", "ck")}
            services.gradebook_save_marks(actor=book.teacher, gradebook=book, entries=entries)
        else:
            _complete(world, book, "8")
    login(world.homeroom)
    url = reverse("society:class-conduct", args=[world.school_class.pk]) + "?period=0"
    from society.models import Enrollment

    data = {f"c_{e.pk}": "T" for e in Enrollment.objects.filter(school_class=world.school_class)}
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("society:class-detail", args=[world.school_class.pk])).content.decode()
    assert page.count("Tốt") >= 2 * len(world.students)  # year learning result and conduct
    login(world.math_teacher)  # only the homeroom teacher assesses conduct
    assert client.post(url, data).status_code == 403
