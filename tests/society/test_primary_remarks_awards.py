"""Primary school (Circular 27/2020), what the transcript form adds to levels and tests: each
subject teacher's remark (nhận xét), the school's end-of-year awards (Khen thưởng), and the
homeroom teacher's mid-term assessments of qualities and competences, which the school sees but
the transcript does not print."""

import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from reportlab.lib.pagesizes import A4

from core.audit.models import AuditLog
from core.errors import InvalidTransitionError
from society import assessment_primary as c27
from society import services, transcript_pdf
from society.models import Gradebook, MarkChange, PrimaryAward, PrimaryQuality, Transcript
from society.services import awards as award_service
from society.services.awards import award_fields
from society.services.gradebook import mark_field, quality_field
from tests.society.test_primary_transcripts import _assess, finish_books

pytestmark = pytest.mark.django_db

REMARK = "Đọc to, rõ ràng; viết đúng chính tả; giải toán có lời văn thành thạo."


def test_a_subject_teacher_writes_remarks_kept_traced_and_locked_with_the_gradebook(client, login, primary):
    world = primary
    book = world.books[("toan", 2)]
    first, second = world.students
    url = reverse("society:gradebook", args=[book.pk])
    login(world.math_teacher)
    # On a phone, the remarks column alone: one text box per student, nothing else to scroll past.
    page = client.get(url + "?c=nx").content.decode()
    assert page.count("<textarea") == 2 and "<select" not in page.split("<table", 1)[1]
    assert "Nhận xét của giáo viên môn học: tối đa 120 ký tự." in page and "được in vào học bạ" in page
    # Too long: the field says how long it is, the text stays, nothing is saved.
    long_text = "Em tích cực " + "x" * 118
    bad = client.post(url + "?c=nx", {mark_field(first.pk, "nx"): long_text, mark_field(second.pk, "nx"): REMARK})
    html = bad.content.decode()
    assert "Nhận xét tối đa 120 ký tự (đang có 130)." in html and long_text in html
    assert not book.marks.exists()
    # Entered (inner spaces and line breaks folded into one line, as it will be printed).
    client.post(
        url + "?c=nx", {mark_field(first.pk, "nx"): "  Tiến bộ\r\n  rõ rệt.  ", mark_field(second.pk, "nx"): REMARK}
    )
    assert book.marks.get(student=first, component="nx").remark == "Tiến bộ rõ rệt."
    # Changed: the trail keeps who, old and new text, shown on the school's history page.
    client.post(url + "?c=nx", {mark_field(first.pk, "nx"): "Tiến bộ rõ rệt về giải toán."})
    change = MarkChange.objects.get(gradebook=book, component="nx")
    assert (change.old_value, change.new_value, change.changed_by) == (
        "Tiến bộ rõ rệt.",
        "Tiến bộ rõ rệt về giải toán.",
        world.math_teacher,
    )
    login(world.principal)
    history = client.get(reverse("society:gradebook-history", args=[book.pk])).content.decode()
    assert "Tiến bộ rõ rệt về giải toán." in history and "Lăng Văn Toán" in history
    # The end-of-year book cannot be finished while a student has no remark.
    login(world.math_teacher)
    levels = {(s.pk, c): ("9" if c27.is_test(c) else "T") for s in world.students for c in ("gk", "ck", "kgk", "kck")}
    services.gradebook_save_marks(actor=world.math_teacher, gradebook=book, entries=levels)
    services.gradebook_save_marks(actor=world.math_teacher, gradebook=book, entries={(second.pk, "nx"): ""})
    with pytest.raises(InvalidTransitionError) as exc:
        services.gradebook_finish(actor=world.math_teacher, gradebook=book)
    assert "nhận xét cuối năm" in str(exc.value.message) and second.full_name in str(exc.value.message)
    services.gradebook_save_marks(actor=world.math_teacher, gradebook=book, entries={(second.pk, "nx"): REMARK})
    services.gradebook_finish(actor=world.math_teacher, gradebook=book)
    # Locked with the gradebook: a remark posted now changes nothing.
    response = client.post(url + "?c=nx", {mark_field(second.pk, "nx"): "Sửa sau khi khóa"})
    assert response.status_code == 403
    assert book.marks.get(student=second, component="nx").remark == REMARK
    page = client.get(url + "?c=nx").content.decode()
    assert "<textarea" not in page and REMARK in page and "Đã khóa" in page
    # Another school's teacher does not find the book.
    login(world.other_teacher)
    assert client.get(url).status_code == 404


def _sign(world):
    job = services.transcripts_sign_class_homeroom(actor=world.homeroom, school_class=world.school_class)
    services.signing_job_run(job_id=job.pk)
    job = services.transcripts_sign_principal(actor=world.principal, school=world.school, year=world.year)
    services.signing_job_run(job_id=job.pk)


def _set_remark(world, code, student, text):
    book = Gradebook.objects.get(pk=world.books[(code, 2)].pk)
    services.gradebook_unlock(actor=world.school_admin, gradebook=book, reason="Bổ sung nhận xét cuối năm")
    services.gradebook_save_marks(actor=book.teacher, gradebook=book, entries={(student.pk, "nx"): text})
    services.gradebook_finish(actor=book.teacher, gradebook=book)


def test_the_principal_awards_and_the_transcript_prints_remarks_and_awards(client, login, primary, tmp_path):
    world = primary
    finish_books(world, levels=("T", "H"), tests=("9", "6"))
    _assess(world, first="T", second="D")  # first: Hoàn thành xuất sắc; second: Hoàn thành
    first, second = world.students
    e1, e2 = world.school_class.enrollments.order_by("number")
    _set_remark(world, "toan", first, REMARK)
    # Mid-term II assessments of the same student, all Cần cố gắng, stay off the transcript.
    services.qualities_save(
        actor=world.homeroom,
        school_class=world.school_class,
        period=c27.MID_TERM_2,
        levels={(e1.pk, item): "C" for item in c27.QUALITY_ITEMS},
    )
    url = reverse("society:class-awards", args=[world.school_class.pk])
    login(world.principal)
    page = client.get(url).content.decode()
    assert page.count("<select") == 2 and "Hoàn thành xuất sắc" in page
    (t1, o1), (t2, o2) = award_fields(e1.pk), award_fields(e2.pk)
    # A title the year's result does not earn, and too long a line: both refused where they are.
    too_long = "Giải Nhất " * 25
    html = client.post(url, {t1: "xuat_sac", o1: too_long, t2: "xuat_sac", o2: ""}).content.decode()
    assert "Danh hiệu này dành cho học sinh có kết quả cuối năm Hoàn thành xuất sắc." in html
    assert "Khen thưởng khác tối đa 200 ký tự (đang có 249)." in html and "Giải Nhất Giải Nhất" in html
    assert not PrimaryAward.objects.exists()
    good = {
        t1: "xuat_sac",
        o1: "Giải Nhì Hội thi Viết chữ đẹp cấp tỉnh",
        t2: "",
        o2: "Giải Ba Olympic Tiếng Anh cấp xã",
    }
    response = client.post(url, good, follow=True)
    assert "Đã lưu khen thưởng (2 học sinh thay đổi)." in response.content.decode()
    response = client.post(url, good, follow=True)  # double submit
    assert "(0 học sinh thay đổi)" in response.content.decode()
    assert AuditLog.objects.filter(action="society.award.save").count() == 2
    # The homeroom teacher reads them, cannot decide them; another school does not see the class.
    login(world.homeroom)
    page = client.get(url).content.decode()
    assert "<select" not in page and "Học sinh Xuất sắc" in page and "Giải Ba Olympic Tiếng Anh cấp xã" in page
    assert client.post(url, good).status_code == 403
    login(world.other_teacher)
    assert client.get(url).status_code == 404

    _sign(world)
    texts = {}
    for t in Transcript.objects.filter(school_class=world.school_class).select_related("student"):
        path = tmp_path / f"{t.pk}.pdf"
        path.write_bytes(t.file.open("rb").read())
        out = subprocess.run([shutil.which("pdfsig"), str(path)], capture_output=True, text=True, timeout=60).stdout
        assert out.count("Signature Validation: Signature is Valid.") == 2, out
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        assert "Pages:           1" in info
        # Drawing order (-raw): a remark wrapped on two lines reads as one sentence.
        text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True).stdout
        texts[t.student_id] = " ".join(text.split())
    one, two = texts[first.pk], texts[second.pk]
    assert "Nhận xét" in one and REMARK in one
    assert "Khen thưởng: Học sinh Xuất sắc; Giải Nhì Hội thi Viết chữ đẹp cấp tỉnh" in one
    assert "Cần cố gắng" not in one  # the mid-term assessments are not printed
    assert "Khen thưởng: Giải Ba Olympic Tiếng Anh cấp xã" in two and "Học sinh Xuất sắc" not in two
    # Signed: the award printed on it cannot change any more.
    login(world.principal)
    html = client.post(url, {t1: "", o1: ""}).content.decode()
    assert "Học bạ của học sinh này đã ký: không sửa được khen thưởng." in html
    assert PrimaryAward.objects.filter(enrollment=e1, title="xuat_sac").exists()


def test_mid_term_qualities_are_entered_by_the_homeroom_teacher_and_seen_by_the_school(client, login, primary):
    world = primary
    e1, e2 = world.school_class.enrollments.order_by("number")
    url = reverse("society:class-qualities", args=[world.school_class.pk]) + f"?period={c27.MID_TERM_1}"
    login(world.homeroom)
    page = client.get(url).content.decode()
    assert "Phẩm chất, năng lực — Giữa học kỳ I" in page and "không in vào học bạ" in page
    for label in ("Giữa học kỳ I", "Cuối học kỳ I", "Giữa học kỳ II", "Cuối năm học"):
        assert label in page
    levels = {quality_field(e.pk, item): "D" for e in (e1, e2) for item in c27.QUALITY_ITEMS}
    levels[quality_field(e1.pk, "trung_thuc")] = "T"
    response = client.post(url, levels, follow=True)
    assert f"({2 * len(c27.QUALITY_ITEMS)} thay đổi)" in response.content.decode()
    assert PrimaryQuality.objects.filter(period=c27.MID_TERM_1).count() == 2 * len(c27.QUALITY_ITEMS)
    # Mid-term levels are not the year's: the end-of-year assessment is still missing.
    assert services.qualities_missing(world.school_class) == [s.full_name for s in world.students]
    # The rest of the school reads them (the principal here), without a form.
    login(world.principal)
    page = client.get(url + "&i=trung_thuc").content.decode()
    assert "<select" not in page and page.count("Tốt") >= 1 and "Đạt" in page
    # Another school's teacher does not find the class; an unknown period shows the year's.
    login(world.other_teacher)
    assert client.get(url).status_code == 404
    login(world.homeroom)
    page = client.get(reverse("society:class-qualities", args=[world.school_class.pk]) + "?period=9").content
    assert "Phẩm chất, năng lực — Cuối năm học" in page.decode()


def test_the_longest_primary_page_still_fits_one_sheet_above_the_signatures(tmp_path):
    """Twelve subjects with remarks of the longest allowed and three lines of awards: one page,
    and nothing runs into the signers' block or the verification footer."""
    remark = ("Đọc to, rõ ràng, viết đúng chính tả; giải toán có lời văn thành thạo; trình bày bài sạch đẹp. " * 2)[
        : c27.REMARK_MAX
    ]
    subjects = [
        transcript_pdf.PrimarySubjectLine(name=f"Môn học thứ {i}", level="T", test=9, tested=True, remark=remark)
        for i in range(12)
    ]
    # Every quality and competence with a remark of the longest allowed, in capitals (the widest
    # letters): still one line each, shrunk rather than cut.
    q_remark = ("MẠNH DẠN, TỰ TIN KHI GIAO TIẾP; HƯỚNG DẪN BẠN NHỎ HƠN; HOÀN THÀNH MỌI VIỆC ĐƯỢC GIAO " * 2)[
        : c27.QUALITY_REMARK_MAX
    ]
    groups = [  # all fifteen items: five qualities, three general and seven specific competences
        ("Phẩm chất chủ yếu", [("Yêu nước", "T", q_remark)] * 5),
        ("Năng lực chung", [("Giải quyết vấn đề và sáng tạo", "T", q_remark)] * 3),
        ("Năng lực đặc thù", [("Ngôn ngữ", "T", q_remark)] * 7),
    ]
    data = transcript_pdf.PrimaryTranscriptData(
        student_name="Nguyễn Thị Phương Thảo",
        student_code="HS0001",
        date_of_birth="01/01/2015",
        gender="Nữ",
        ethnicity="Tày",
        place_of_birth="Lạng Sơn",
        personal_id="020140000001",
        school_name="Trường Tiểu học Đông Kinh",
        commune_name="Phường Đông Kinh",
        class_name="5A",
        year_label="2025–2026",
        homeroom_name="Hoàng Thị Chủ Nhiệm",
        principal_name="Nông Văn Hiệu",
        verification_url="https://portal.example.vn/society/hoc-ba/verify/ABCDEFGHIJKLMNOPQRSTUVWXYZ123456/",
        verification_code="ABCDEFGHIJKLMNOPQRSTUVWXYZ123456",
        grade=5,
        primary_subjects=subjects,
        qualities=groups,
        year_result="HTXS",
        awards=["Học sinh Xuất sắc", "Giải Nhì Hội thi Viết chữ đẹp cấp tỉnh do Sở Giáo dục và Đào tạo tổ chức " * 2],
    )
    path = tmp_path / "long.pdf"
    path.write_bytes(transcript_pdf.render_primary_transcript(data))
    assert "Pages:           1" in subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True).stdout
    words = [
        (text, float(y0), float(y1))
        for y0, y1, text in re.findall(
            r'<word xMin="[^"]+" yMin="([^"]+)" xMax="[^"]+" yMax="([^"]+)">([^<]*)</word>', bbox
        )
    ]
    # pdftotext's y grows downwards: the Circular's note ends above the signers' heading, and the
    # signers' names end above the verification text next to the QR code.
    note_bottom = max(y1 for text, _y0, y1 in words if text == "27/2020/TT-BGDĐT;")
    heading_top = min(y0 for text, y0, _y1 in words if text == "HIỆU")
    name_bottom = max(y1 for text, _y0, y1 in words if text == "Hiệu" and _y0 > heading_top)
    footer_top = min(y0 for text, y0, _y1 in words if text == "Kiểm")
    assert note_bottom < heading_top and name_bottom < footer_top
    # The homeroom teacher's name (left, above the QR code) ends above the code's top edge.
    homeroom_bottom = max(y1 for text, _y0, y1 in words if text == "Hoàng")
    assert homeroom_bottom < A4[1] - (transcript_pdf.QR_Y + transcript_pdf.QR_SIZE)
    assert not [text for text, *_ in words if text == "…"]  # no remark is cut
    # Each quality's remark is printed whole, on its own line below the table's previous one.
    raw = " ".join(subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True).stdout.split())
    assert raw.count(q_remark.strip()) == len(c27.QUALITY_ITEMS) == 15
    assert raw.count(remark.strip()) == 12  # each subject's remark whole, on its two lines
    last_words = [y0 for text, y0, _y1 in words if text == q_remark.split()[-1]]
    assert len(last_words) == 15 and len({round(y) for y in last_words}) == 15


def test_another_schools_ids_are_refused(client, login, primary):
    """An attacker with a role in another school: their principal does not find this class's
    awards page, and forged ids of another class's student reach nothing."""
    from core.errors import NotAllowedError, ServiceError
    from society.models import Enrollment, SchoolClass, SchoolStaff, Student
    from tests.conftest import make_user

    world = primary
    other_principal = make_user("hieutruong@thcs-dd.edu.vn", full_name="Hà Văn Khác")
    SchoolStaff.objects.create(school=world.other_school, user=other_principal, role="principal")
    url = reverse("society:class-awards", args=[world.school_class.pk])
    login(other_principal)
    assert client.get(url).status_code == 404
    assert client.post(url, {award_fields(1)[0]: "xuat_sac"}).status_code == 404
    with pytest.raises(NotAllowedError):
        award_service.awards_save(actor=other_principal, school_class=world.school_class, awards={})
    # A student of another school's class, forged into this class's forms, is refused by the services.
    other_class = SchoolClass.objects.create(school=world.other_school, year=world.year, name="5B", grade=5)
    stranger = Student.objects.create(
        school=world.other_school, code="HS-DD-1", full_name="Người Lạ", date_of_birth="2015-01-01", gender="nam"
    )
    enrollment = Enrollment.objects.create(student=stranger, school_class=other_class, number=1)
    with pytest.raises(ServiceError) as exc:
        award_service.awards_save(
            actor=world.principal, school_class=world.school_class, awards={enrollment.pk: ("", "Giải Nhất")}
        )
    assert award_fields(enrollment.pk)[0] in exc.value.errors
    book = world.books[("toan", 2)]
    with pytest.raises(ServiceError) as exc:
        services.gradebook_save_marks(actor=world.math_teacher, gradebook=book, entries={(stranger.pk, "nx"): "x"})
    assert mark_field(stranger.pk, "nx") in exc.value.errors
    assert not PrimaryAward.objects.exists() and not book.marks.exists()
