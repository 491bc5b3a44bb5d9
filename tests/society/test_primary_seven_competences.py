"""The seven specific competences of the 2018 programme (Circular 27/2020): Công nghệ and Tin học
between Khoa học and Thẩm mĩ on the homeroom teacher's pages, required before a book not yet
finished can be finished, printed on the transcript; a book finished before they were added keeps
the 13 items it was finished with (ADR 1405), so its results and signed transcripts do not change."""

import importlib
import subprocess

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from society import assessment_primary as c27
from society import services
from society.models import HomeroomBook, HomeroomBookEvent, Transcript
from society.selectors import class_results
from society.services import homeroom
from society.services.homeroom import quality_field
from tests.society.test_primary_transcripts import finish_books
from tests.society.test_transcripts import sign_all

pytestmark = pytest.mark.django_db

SPECIFIC = ["Ngôn ngữ", "Tính toán", "Khoa học", "Công nghệ", "Tin học", "Thẩm mĩ", "Thể chất"]


def _text(transcript, tmp_path) -> str:
    path = tmp_path / f"{transcript.pk}.pdf"
    path.write_bytes(transcript.file.open("rb").read())
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    assert "Pages:           1" in subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    raw = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True).stdout
    return " ".join(raw.split())


def _positions(text: str, names) -> list[int]:
    return [text.index(f">{n}<") for n in names]


def test_a_new_book_needs_technology_and_informatics_and_prints_all_fifteen(client, login, primary, tmp_path):
    world = primary
    finish_books(world)
    e1, e2 = world.school_class.enrollments.order_by("number")
    url = reverse("society:class-qualities", args=[world.school_class.pk]) + "?period=2"
    login(world.homeroom)
    # The all-items page: fifteen columns, the seven specific competences in the programme's order.
    page = client.get(url).content.decode()
    assert page.count("<select") == 2 * 15 and len(c27.QUALITY_ITEMS) == 15
    heads = page[page.index("<thead>") : page.index("</thead>")]
    positions = _positions(heads, SPECIFIC)
    assert positions == sorted(positions)
    # The 13 items of before: finishing is refused, naming both students.
    services.qualities_save(
        actor=world.homeroom,
        school_class=world.school_class,
        period=c27.END_OF_YEAR,
        levels={(e.pk, i): "T" for e in (e1, e2) for i in c27.LEGACY_ITEMS},
    )
    assert "2 học sinh chưa được đánh giá đủ các mục." in client.get(url).content.decode()
    finish = reverse("society:homeroom-finish", args=[world.school_class.pk, c27.END_OF_YEAR])
    page = client.post(finish, follow=True).content.decode()
    assert "Chưa đánh giá đủ cho:" in page and all(s.full_name in page for s in world.students)
    assert not HomeroomBook.objects.filter(status="locked").exists()
    assert [r.learning[0] for r in class_results(world.school_class)] == [None, None]
    # One item at a time on a phone: Tin học, then Công nghệ with a remark.
    one = url + "&i=tin_hoc"
    page = client.get(one).content.decode()
    assert page.count("<select") == 2 and page.count("<textarea") == 2 and "Tin học" in page
    client.post(one, {quality_field(e1.pk, "tin_hoc"): "T", quality_field(e2.pk, "tin_hoc"): "T"})
    client.post(
        url + "&i=cong_nghe",
        {
            quality_field(e1.pk, "cong_nghe"): "T",
            homeroom.quality_remark_field(e1.pk, "cong_nghe"): "Lắp ghép mô hình đúng hướng dẫn.",
            quality_field(e2.pk, "cong_nghe"): "C",
        },
    )
    page = client.post(finish, follow=True).content.decode()
    assert "Đã hoàn thành và khóa sổ đánh giá." in page
    first, second = class_results(world.school_class)
    # Công nghệ "Cần cố gắng" weighs in the result like any other competence.
    assert (first.learning[0], second.learning[0]) == ("HTXS", "CHT")
    sign_all(world)
    one_text = _text(Transcript.objects.get(student=e1.student), tmp_path)
    specific = one_text[one_text.index("Năng lực đặc thù") :]
    names = [specific.index(n) for n in SPECIFIC]
    assert names == sorted(names)
    assert "Lắp ghép mô hình đúng hướng dẫn." in one_text


def test_a_book_finished_before_the_change_keeps_its_thirteen_items(client, login, primary, tmp_path):
    world = primary
    finish_books(world)
    e1, e2 = world.school_class.enrollments.order_by("number")
    services.qualities_save(
        actor=world.homeroom,
        school_class=world.school_class,
        period=c27.END_OF_YEAR,
        levels={(e.pk, i): "T" for e in (e1, e2) for i in c27.LEGACY_ITEMS},
    )
    # As the book stood before the migration: finished with the 13 items (and a mid-term book
    # finished once and reopened since); an open end-of-term book was never finished.
    year = HomeroomBook.objects.create(school_class=world.school_class, period=c27.END_OF_YEAR, status="locked")
    HomeroomBookEvent.objects.create(book=year, action="lock", actor=world.homeroom)
    mid = HomeroomBook.objects.create(school_class=world.school_class, period=c27.MID_TERM_1, status="open")
    HomeroomBookEvent.objects.create(book=mid, action="lock", actor=world.homeroom)
    HomeroomBookEvent.objects.create(book=mid, action="unlock", actor=world.school_admin, reason="Sửa")
    term = HomeroomBook.objects.create(school_class=world.school_class, period=c27.END_OF_TERM_1, status="open")
    migration = importlib.import_module("society.migrations.0013_primary_technology_informatics")
    migration.mark_finished_books(django_apps, None)
    legacy = dict(HomeroomBook.objects.values_list("period", "legacy_items"))
    assert legacy == {year.period: True, mid.period: True, term.period: False}
    # Still complete; the result is weighed on the 13; the transcript prints what was finished.
    assert homeroom.qualities_missing(world.school_class) == []
    assert homeroom.qualities_missing(world.school_class, c27.END_OF_TERM_1) != []
    assert [r.learning[0] for r in class_results(world.school_class)] == ["HTXS", "HTXS"]
    login(world.homeroom)
    url = reverse("society:class-qualities", args=[world.school_class.pk]) + "?period=2"
    page = client.get(url).content.decode()
    assert "đã hoàn thành trước khi bổ sung năng lực Công nghệ và Tin học" in page
    assert "chưa được đánh giá đủ" not in page
    sign_all(world)
    texts = [_text(t, tmp_path) for t in Transcript.objects.filter(school_class=world.school_class)]
    assert len(texts) == 2
    for text in texts:
        specific = text[text.index("Năng lực đặc thù") : text.index("Đánh giá kết quả giáo dục cuối năm")]
        assert "Khoa học" in specific and "Thẩm mĩ" in specific
        assert "Công nghệ" not in specific and "Tin học" not in specific
    # Reopened after the change: still the 13 items; a new item entered since is weighed too.
    login(world.school_admin)
    client.post(
        reverse("society:homeroom-unlock", args=[world.school_class.pk, c27.END_OF_YEAR]), {"reason": "Xem lại"}
    )
    assert HomeroomBook.objects.get(pk=year.pk).legacy_items and homeroom.qualities_missing(world.school_class) == []
    assert c27.counted_items({"tin_hoc": "C"}, legacy=True) == (
        *c27.LEGACY_ITEMS[:11],
        "tin_hoc",
        "tham_mi",
        "the_chat",
    )
