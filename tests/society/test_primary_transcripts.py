"""Primary school (Circular 27/2020): the homeroom teacher assesses qualities and competences, the
end-of-year result follows from them, the subjects' levels and the tests; the primary transcript
(its own content: levels, test scores, qualities, the end-of-year result — no averages) is
generated, double-signed (both signatures valid for pyHanko and poppler's pdfsig) and verified
publicly like the secondary one."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from core.audit.models import AuditLog
from core.errors import InvalidTransitionError, NotAllowedError
from core.signing.verification import verify_pdf
from society import assessment_primary as c27
from society import services
from society.models import PrimaryQuality, School, Transcript
from society.selectors import class_results
from society.services import homeroom
from society.services.gradebook import quality_field

pytestmark = pytest.mark.django_db


def finish_books(world, *, levels=("T", "T"), tests=("9", "10")):
    """Every gradebook filled (levels, and test scores where the subject has a test) and finished."""
    for (code, _term), book in world.books.items():
        components = c27.components(code, 5)
        entries = {}
        for s in world.students:
            for c in components:
                entries[(s.pk, c)] = tests[1] if c27.is_test(c) else levels[1]
            entries[(world.students[0].pk, "ck")] = levels[0]
            if "kck" in components:
                entries[(world.students[0].pk, "kck")] = tests[0]
        services.gradebook_save_marks(actor=book.teacher, gradebook=book, entries=entries)
        services.gradebook_finish(actor=book.teacher, gradebook=book)


def test_the_homeroom_teacher_assesses_qualities_and_competences_on_the_page(client, login, primary):
    world = primary
    first, second = world.school_class.enrollments.order_by("number")
    url = reverse("society:class-qualities", args=[world.school_class.pk]) + "?period=2"
    # A subject teacher of the school reads them but cannot enter them.
    login(world.math_teacher)
    page = client.get(url).content.decode()
    assert "<select" not in page and "Chỉ giáo viên chủ nhiệm của lớp nhập được đánh giá này." in page
    assert client.post(url, {quality_field(first.pk, "nhan_ai"): "T"}).status_code == 403
    login(world.homeroom)
    page = client.get(url).content.decode()
    assert "Yêu nước" in page and "Giải quyết vấn đề và sáng tạo" in page and "Thể chất" in page
    assert page.count("<select") == 2 * len(c27.QUALITY_ITEMS)
    # A forged level is refused under its cell; the rest typed is kept and nothing saved.
    bad = {quality_field(first.pk, item): "T" for item in c27.QUALITY_ITEMS}
    bad[quality_field(second.pk, "nhan_ai")] = "K"
    html = client.post(url, bad).content.decode()
    assert html.count('class="field-error"') == 1 and "K không phải là một trong" in html
    assert not PrimaryQuality.objects.exists()
    good = {quality_field(e.pk, item): "T" for e in (first, second) for item in c27.QUALITY_ITEMS}
    good[quality_field(second.pk, "cham_chi")] = "D"
    response = client.post(url, good, follow=True)
    assert "Đã lưu đánh giá phẩm chất, năng lực (30 thay đổi)." in response.content.decode()
    # The same form again (double submit) changes nothing and is not audited again.
    response = client.post(url, good, follow=True)
    assert "(0 thay đổi)" in response.content.decode()
    assert AuditLog.objects.filter(action="society.qualities.save").count() == 1
    # One item at a time on a phone: only its column is posted, the others stay.
    one = reverse("society:class-qualities", args=[world.school_class.pk]) + "?period=2&i=cham_chi"
    assert client.get(one).content.decode().count("<select") == 2
    client.post(one, {quality_field(second.pk, "cham_chi"): "C"})
    levels = dict(PrimaryQuality.objects.filter(enrollment=second, period=2).values_list("item", "level"))
    assert levels["cham_chi"] == "C" and levels["yeu_nuoc"] == "T" and len(levels) == 15
    # A secondary class has no such page.
    with pytest.raises(InvalidTransitionError):
        School.objects.filter(pk=world.school.pk).update(level="thcs")
        services.qualities_save(actor=world.homeroom, school_class=world.school_class, period=2, levels={})
    with pytest.raises(NotAllowedError):
        services.qualities_save(actor=world.principal, school_class=world.school_class, period=2, levels={})


def _assess(world, *, first="T", second="T"):
    """The year's qualities and competences of both students, and the homeroom book finished."""
    for e, level in zip(world.school_class.enrollments.order_by("number"), (first, second), strict=True):
        services.qualities_save(
            actor=world.homeroom,
            school_class=world.school_class,
            period=2,
            levels={(e.pk, item): level for item in c27.QUALITY_ITEMS},
        )
    homeroom.homeroom_book_finish(actor=world.homeroom, school_class=world.school_class, period=c27.END_OF_YEAR)


def test_the_end_of_year_result_follows_levels_qualities_and_tests(primary):
    world = primary
    finish_books(world, levels=("T", "H"), tests=("9", "6"))
    results = class_results(world.school_class)
    assert [r.learning[0] for r in results] == [None, None]  # qualities not assessed yet
    _assess(world, first="T", second="D")
    first, second = class_results(world.school_class)
    math = next(s for s in first.subjects if s.subject.code == "toan")
    assert (math.year, math.test2, math.tested) == ("T", 9, True)
    ethics = next(s for s in first.subjects if s.subject.code == "dao-duc")
    assert (ethics.year, ethics.tested) == ("T", False)
    # Every subject Hoàn thành tốt, every quality Tốt, every end-of-year test ≥ 9: Hoàn thành xuất sắc.
    assert first.learning[0] == "HTXS"
    # Hoàn thành, Đạt and tests of 6: Hoàn thành.
    assert second.learning[0] == "HT"


def test_the_primary_transcript_is_double_signed_with_its_own_content(client, login, primary, tmp_path):
    world = primary
    finish_books(world, levels=("T", "H"), tests=("9", "6"))
    # Qualities missing: the homeroom teacher cannot sign yet, and is told for whom.
    with pytest.raises(InvalidTransitionError) as exc:
        services.transcripts_sign_class_homeroom(actor=world.homeroom, school_class=world.school_class)
    assert world.students[0].full_name in str(exc.value.message)
    _assess(world, first="T", second="D")
    job = services.transcripts_sign_class_homeroom(actor=world.homeroom, school_class=world.school_class)
    services.signing_job_run(job_id=job.pk)
    job = services.transcripts_sign_principal(actor=world.principal, school=world.school, year=world.year)
    services.signing_job_run(job_id=job.pk)
    pdfsig = shutil.which("pdfsig")
    assert pdfsig
    texts = {}
    for t in Transcript.objects.filter(school_class=world.school_class).select_related("student"):
        assert t.status == "signed"
        data = t.file.open("rb").read()
        result = verify_pdf(data)
        assert result.valid and [s.signer_name for s in result.signatures] == ["Hoàng Thị Chủ Nhiệm", "Nông Văn Hiệu"]
        path = tmp_path / f"{t.pk}.pdf"
        path.write_bytes(data)
        out = subprocess.run([pdfsig, str(path)], capture_output=True, text=True, timeout=60).stdout
        assert out.count("Signature Validation: Signature is Valid.") == 2, out
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
        texts[t.student.full_name] = " ".join(text.split())
    first, second = (texts[s.full_name] for s in world.students)
    # Circular 27's content: levels and test scores, qualities and competences, the year's result.
    for text in (first, second):
        assert "Thông tư 27/2020/TT-BGDĐT" in text and "Mức đạt được" in text and "Điểm KTĐK" in text
        assert "Phẩm chất chủ yếu" in text and "Năng lực chung" in text and "Năng lực đặc thù" in text
        # Not the secondary transcript's: no averages, no conduct.
        assert "Thông tư 22" not in text and "Kết quả rèn luyện" not in text and "Học kỳ II" not in text
    assert "Toán Hoàn thành tốt 9" in first and "Đạo đức Hoàn thành tốt" in first
    assert "Trung thực Tốt" in first
    assert "Đánh giá kết quả giáo dục cuối năm: Hoàn thành xuất sắc" in first
    assert "Hoàn thành chương trình tiểu học." in first
    assert "Toán Hoàn thành 6" in second and "Trung thực Đạt" in second
    assert "Đánh giá kết quả giáo dục cuối năm: Hoàn thành " in second
    # The public verification page answers for it like for any transcript.
    t = Transcript.objects.filter(school_class=world.school_class).first()
    page = client.get(reverse("society:transcript-verify", args=[t.verification_code])).content.decode()
    assert "HỢP LỆ: học bạ do cổng cấp" in page and t.sha256 in page
    # The class page shows each student's end-of-year result.
    login(world.homeroom)
    page = client.get(reverse("society:class-detail", args=[world.school_class.pk])).content.decode()
    assert "Hoàn thành xuất sắc" in page and "Kết quả giáo dục (Thông tư 27/2020)" in page
