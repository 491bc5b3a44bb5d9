"""The homeroom teacher's assessments as a book, like a gradebook: remarks on each quality and
competence of a primary class (the Circular 27 form's "Nhận xét" column) and the year's remark of a
secondary class (Circular 22's "Nhận xét của giáo viên chủ nhiệm"), entered on a phone or a desktop
without JS, every change traced (who, when, old, new) and shown to the school, locked when the
homeroom teacher finishes, reopened only by the school administrator with a reason, printed on the
transcript (both signatures still valid for poppler's pdfsig) and frozen once it is signed."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from core.audit.models import AuditLog
from core.errors import InvalidTransitionError
from society import assessment_primary as c27
from society import services
from society.models import AssessmentChange, Conduct, HomeroomBook, PrimaryQuality, SchoolStaff, Transcript
from society.services import homeroom
from society.services.homeroom import conduct_field, conduct_remark_field, quality_field, quality_remark_field
from tests.conftest import make_user
from tests.society.test_primary_transcripts import finish_books
from tests.society.test_transcripts import complete_class, sign_all

pytestmark = pytest.mark.django_db

HONEST = "Luôn nói thật, nhận lỗi khi làm sai; nhặt được của rơi trả lại người mất."


def _texts(transcripts, tmp_path) -> dict[int, str]:
    """Each signed transcript's text, after checking both signatures with poppler's pdfsig."""
    texts = {}
    for t in transcripts:
        path = tmp_path / f"{t.pk}.pdf"
        path.write_bytes(t.file.open("rb").read())
        out = subprocess.run([shutil.which("pdfsig"), str(path)], capture_output=True, text=True, timeout=60).stdout
        assert out.count("Signature Validation: Signature is Valid.") == 2, out
        assert "Pages:           1" in subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        raw = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True).stdout
        texts[t.student_id] = " ".join(raw.split())
    return texts


def test_quality_remarks_are_entered_traced_locked_and_reopened_with_a_reason(client, login, primary):
    world = primary
    e1, e2 = world.school_class.enrollments.order_by("number")
    url = reverse("society:class-qualities", args=[world.school_class.pk]) + "?period=2&i=trung_thuc"
    login(world.homeroom)
    # One item on a phone: its level and a text box for its remark per student; the all-items
    # page keeps to the levels.
    page = client.get(url).content.decode()
    assert page.count("<select") == 2 and page.count("<textarea") == 2
    assert "Nhận xét từng phẩm chất, năng lực: chọn một mục bên dưới; tối đa 80 ký tự." in page
    all_items = client.get(url.split("&")[0]).content.decode()
    assert "<textarea" not in all_items and all_items.count("<select") == 2 * len(c27.QUALITY_ITEMS)
    # Too long: said under the box with its length, the text kept, nothing saved.
    too_long = "Trung thực " * 9
    html = client.post(
        url,
        {
            quality_field(e1.pk, "trung_thuc"): "T",
            quality_remark_field(e1.pk, "trung_thuc"): too_long,
            quality_field(e2.pk, "trung_thuc"): "D",
        },
    ).content.decode()
    assert "Nhận xét tối đa 80 ký tự (đang có 98)." in html and too_long.strip() in html
    assert not PrimaryQuality.objects.exists()
    # Saved, folded to one line as it will be printed; a remark alone (no level yet) is kept too.
    response = client.post(
        url,
        {
            quality_field(e1.pk, "trung_thuc"): "T",
            quality_remark_field(e1.pk, "trung_thuc"): "  Luôn nói thật,\r\n nhận lỗi khi làm sai. ",
            quality_remark_field(e2.pk, "trung_thuc"): "Cần mạnh dạn nhận lỗi.",
        },
        follow=True,
    )
    assert "Đã lưu đánh giá phẩm chất, năng lực (2 thay đổi)." in response.content.decode()
    q1 = PrimaryQuality.objects.get(enrollment=e1, period=2, item="trung_thuc")
    assert (q1.level, q1.remark) == ("T", "Luôn nói thật, nhận lỗi khi làm sai.")
    assert PrimaryQuality.objects.get(enrollment=e2, item="trung_thuc").level == ""
    # A double submit changes nothing; a change is traced with who, old and new.
    client.post(url, {quality_remark_field(e2.pk, "trung_thuc"): "Cần mạnh dạn nhận lỗi."})
    assert not AssessmentChange.objects.exists()
    client.post(url, {quality_field(e1.pk, "trung_thuc"): "D", quality_remark_field(e1.pk, "trung_thuc"): HONEST})
    changes = {(c.field, c.old_value, c.new_value, c.changed_by) for c in AssessmentChange.objects.all()}
    assert changes == {
        ("level", "T", "D", world.homeroom),
        ("remark", "Luôn nói thật, nhận lỗi khi làm sai.", HONEST, world.homeroom),
    }
    # The school reads the trail; another school does not find it; a subject teacher cannot post.
    history = reverse("society:homeroom-history", args=[world.school_class.pk, 2])
    login(world.principal)
    page = client.get(history).content.decode()
    assert HONEST in page and "Luôn nói thật, nhận lỗi khi làm sai." in page and "Trung thực" in page
    assert "Hoàng Thị Chủ Nhiệm" in page
    login(world.other_teacher)
    assert client.get(history).status_code == 404
    login(world.math_teacher)
    assert client.post(url, {quality_remark_field(e1.pk, "trung_thuc"): "x"}).status_code == 403

    # Finishing needs every level of the period: refused, and told for whom.
    login(world.homeroom)
    finish = reverse("society:homeroom-finish", args=[world.school_class.pk, 2])
    page = client.post(finish, follow=True).content.decode()
    assert "Chưa đánh giá đủ cho:" in page and world.students[0].full_name in page
    services.qualities_save(
        actor=world.homeroom,
        school_class=world.school_class,
        period=2,
        levels={(e.pk, i): "T" for e in (e1, e2) for i in c27.QUALITY_ITEMS if (e.pk, i) != (e1.pk, "trung_thuc")},
    )
    page = client.post(finish, follow=True).content.decode()
    assert "Đã hoàn thành và khóa sổ đánh giá." in page and "Sổ đánh giá đã khóa" in page
    assert client.post(finish).status_code == 302  # again: nothing more
    assert AuditLog.objects.filter(action="society.homeroom_book.lock").count() == 1
    # Locked: no boxes any more, a forged post is refused and saves nothing.
    page = client.get(url).content.decode()
    assert "<textarea" not in page and "<select" not in page and HONEST in page
    html = client.post(url, {quality_remark_field(e1.pk, "trung_thuc"): "Sửa sau khi khóa"}).content.decode()
    assert "Sổ đánh giá kỳ này đã khóa: cần quản trị nhà trường mở khóa trước khi sửa." in html
    assert PrimaryQuality.objects.get(enrollment=e1, item="trung_thuc", period=2).remark == HONEST
    # Only the school administrator reopens it, and only with a reason.
    unlock = reverse("society:homeroom-unlock", args=[world.school_class.pk, 2])
    client.post(unlock, {"reason": "Bổ sung"})
    assert HomeroomBook.objects.get().status == "locked"
    login(world.school_admin)
    assert "Mở khóa sổ đánh giá" in client.get(url).content.decode()
    page = client.post(unlock, {"reason": "  "}, follow=True).content.decode()
    assert "Cần ghi lý do mở khóa." in page and HomeroomBook.objects.get().status == "locked"
    client.post(unlock, {"reason": "Phụ huynh đề nghị xem lại nhận xét"})
    assert HomeroomBook.objects.get().status == "open"
    page = client.get(history).content.decode()
    assert "Phụ huynh đề nghị xem lại nhận xét" in page and "Mở khóa" in page
    # Mid-term books are their own: this one is open and knows nothing of the year's.
    assert not HomeroomBook.objects.filter(period=c27.MID_TERM_1).exists()


def test_the_transcript_prints_each_quality_with_its_remark_and_freezes_it_once_signed(
    client, login, primary, tmp_path
):
    world = primary
    finish_books(world)
    e1, e2 = world.school_class.enrollments.order_by("number")
    services.qualities_save(
        actor=world.homeroom,
        school_class=world.school_class,
        period=c27.END_OF_YEAR,
        levels={(e.pk, i): "T" for e in (e1, e2) for i in c27.QUALITY_ITEMS},
        remarks={(e1.pk, "trung_thuc"): HONEST, (e2.pk, "the_chat"): "Chăm tập thể dục buổi sáng."},
    )
    # Not finished: the homeroom teacher cannot sign yet, and is told why.
    with pytest.raises(InvalidTransitionError) as exc:
        services.transcripts_sign_class_homeroom(actor=world.homeroom, school_class=world.school_class)
    assert "Sổ đánh giá phẩm chất, năng lực cuối năm chưa hoàn thành" in str(exc.value.message)
    homeroom.homeroom_book_finish(actor=world.homeroom, school_class=world.school_class, period=c27.END_OF_YEAR)
    sign_all(world)
    transcripts = Transcript.objects.filter(school_class=world.school_class)
    texts = _texts(transcripts, tmp_path)
    one, two = texts[e1.student_id], texts[e2.student_id]
    # The form's table: the quality, its level, the remark on the same line.
    assert f"Trung thực Tốt {HONEST}" in one and "Chăm tập thể dục" not in one
    assert "Thể chất Tốt Chăm tập thể dục buổi sáng." in two and HONEST not in two
    assert "Phẩm chất chủ yếu Mức đạt được Nhận xét" in one
    # Signed: even with the book reopened, what the transcript prints does not change for them.
    homeroom.homeroom_book_unlock(
        actor=world.school_admin, school_class=world.school_class, period=c27.END_OF_YEAR, reason="Kiểm tra lại"
    )
    login(world.homeroom)
    url = reverse("society:class-qualities", args=[world.school_class.pk]) + "?period=2&i=trung_thuc"
    html = client.post(url, {quality_remark_field(e1.pk, "trung_thuc"): "Sửa sau khi ký"}).content.decode()
    assert "Học bạ của học sinh này đã ký: không sửa được đánh giá in trong học bạ." in html
    assert PrimaryQuality.objects.get(enrollment=e1, item="trung_thuc", period=2).remark == HONEST


def test_the_secondary_homeroom_remark_is_entered_traced_locked_and_printed(client, login, world, tmp_path):
    complete_class(world)
    e1, e2, e3 = world.school_class.enrollments.order_by("number")
    url = reverse("society:class-conduct", args=[world.school_class.pk]) + "?period=0"
    login(world.homeroom)
    page = client.get(url).content.decode()
    assert page.count("<textarea") == 3 and page.count("<select") == 3
    assert "Nhận xét của giáo viên chủ nhiệm về cả năm học được in vào học bạ; tối đa 300 ký tự." in page
    # A term has no remark box; the year's page keeps what was typed when too long.
    assert "<textarea" not in client.get(url.replace("period=0", "period=1")).content.decode()
    too_long = "Chăm ngoan, học giỏi. " * 15
    html = client.post(url, {conduct_field(e1.pk): "T", conduct_remark_field(e1.pk): too_long}).content.decode()
    assert "Nhận xét tối đa 300 ký tự (đang có 329)." in html and "Chăm ngoan, học giỏi. Chăm ngoan" in html
    remark = "Ngoan, lễ phép; tiến bộ rõ ở môn Toán. Cần mạnh dạn phát biểu xây dựng bài."
    response = client.post(
        url, {conduct_remark_field(e1.pk): remark, conduct_remark_field(e2.pk): "Chăm chỉ."}, follow=True
    )
    assert "Đã lưu đánh giá rèn luyện (2 thay đổi)." in response.content.decode()
    assert Conduct.objects.get(enrollment=e1, period=0).level == "T"  # the level kept
    client.post(url, {conduct_field(e2.pk): "K", conduct_remark_field(e2.pk): "Chăm chỉ, khéo tay."})
    changes = {(c.field, c.old_value, c.new_value) for c in AssessmentChange.objects.filter(enrollment=e2)}
    assert changes == {("level", "T", "K"), ("remark", "Chăm chỉ.", "Chăm chỉ, khéo tay.")}
    # The principal reads the page and the trail, without boxes.
    login(world.principal)
    page = client.get(url).content.decode()
    assert "<textarea" not in page and remark in page
    assert (
        "Chăm chỉ, khéo tay."
        in client.get(reverse("society:homeroom-history", args=[world.school_class.pk, 0])).content.decode()
    )
    # Locked by the homeroom teacher; then signed: the remark is on the transcript.
    login(world.homeroom)
    client.post(reverse("society:homeroom-finish", args=[world.school_class.pk, 0]))
    html = client.post(url, {conduct_remark_field(e3.pk): "Sau khi khóa"}).content.decode()
    assert "Sổ đánh giá kỳ này đã khóa" in html and Conduct.objects.get(enrollment=e3, period=0).remark == ""
    sign_all(world)
    texts = _texts(Transcript.objects.filter(school_class=world.school_class), tmp_path)
    assert f"Nhận xét của giáo viên chủ nhiệm: {remark}" in texts[e1.student_id]
    assert "Nhận xét của giáo viên chủ nhiệm: Chăm chỉ, khéo tay." in texts[e2.student_id]
    assert "Nhận xét của giáo viên chủ nhiệm: —" in texts[e3.student_id]
    # A gradebook reopened after signing: the marks the transcript prints stay as signed.
    book = world.books[("toan", 2)]
    services.gradebook_unlock(actor=world.school_admin, gradebook=book, reason="Phúc khảo")
    login(world.math_teacher)
    from society.services.gradebook import mark_field

    html = client.post(
        reverse("society:gradebook", args=[book.pk]) + "?c=ck", {mark_field(e1.student_id, "ck"): "10"}
    ).content.decode()
    assert "Học bạ của học sinh này đã ký: không sửa được đánh giá in trong học bạ." in html
    assert book.marks.get(student_id=e1.student_id, component="ck").score == 8.5


def test_another_schools_people_reach_no_homeroom_book(client, login, world):
    other_admin = make_user("quantri@thcs-dd.edu.vn", full_name="Hà Thị Khác")
    SchoolStaff.objects.create(school=world.other_school, user=other_admin, role="admin")
    complete_class(world)
    homeroom.homeroom_book_finish(actor=world.homeroom, school_class=world.school_class, period=0)
    login(other_admin)
    for name in ("society:homeroom-unlock", "society:homeroom-finish"):
        assert client.post(reverse(name, args=[world.school_class.pk, 0]), {"reason": "x"}).status_code == 404
    assert client.get(reverse("society:class-conduct", args=[world.school_class.pk])).status_code == 404
    assert HomeroomBook.objects.get().status == "locked"
    # A period the class does not have is not found, even for its own teacher.
    login(world.homeroom)
    assert client.post(reverse("society:homeroom-finish", args=[world.school_class.pk, 3])).status_code == 404
