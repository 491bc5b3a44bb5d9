"""Circular 27/2020/TT-BGDĐT (primary school): levels, whole-number periodic tests, which subjects
and grades are tested when, and the end-of-year result."""

import pytest

from society import assessment_primary as c27


def test_levels_and_test_scores_are_read_as_the_circular_writes_them():
    assert [c27.parse_level(t) for t in ("t", " H ", "C", "")] == ["T", "H", "C", ""]
    with pytest.raises(c27.LevelError):
        c27.parse_level("D")  # Đạt belongs to Circular 22, not to primary subjects
    assert [c27.parse_test_score(t) for t in ("1", "10", " 7 ", "")] == [1, 10, 7, None]
    for bad in ("0", "7,5", "7.5", "11", "-3", "mười"):
        with pytest.raises(c27.LevelError):
            c27.parse_test_score(bad)


def test_which_subjects_are_tested_when():
    # End of term: the tested subjects in every grade; mid-term: Tiếng Việt and Toán in grades 4–5.
    assert c27.tested_components("toan", 3) == ["kck"]
    assert c27.tested_components("toan", 4) == ["kgk", "kck"]
    assert c27.tested_components("tieng-viet", 5) == ["kgk", "kck"]
    assert c27.tested_components("khoa-hoc", 5) == ["kck"]
    assert c27.tested_components("dao-duc", 5) == []  # assessed by levels only
    assert c27.term_result({"gk": "H", "ck": "T"}) == "T" and c27.term_result({"gk": "H"}) is None


@pytest.mark.parametrize(
    ("subjects", "qualities", "tests", "expected"),
    [
        (["T", "T", "T"], ["T"] * 6, [9, 10], "HTXS"),
        (["T", "T", "T"], ["T"] * 6, [9, 8], "HTT"),  # one test below 9
        (["T", "T", "H"], ["T"] * 6, [10, 10], "HT"),  # one subject only Hoàn thành
        (["T", "T", "T"], ["T", "D", "T", "T", "T", "T"], [10, 10], "HT"),  # one quality Đạt
        (["H", "H", "H"], ["D"] * 6, [5, 5], "HT"),
        (["H", "H", "H"], ["D"] * 6, [5, 4], "CHT"),  # a test below 5
        (["T", "C", "T"], ["T"] * 6, [10, 10], "CHT"),  # a subject Chưa hoàn thành
        (["T", "T", "T"], ["T", "C", "T", "T", "T", "T"], [10, 10], "CHT"),  # Cần cố gắng
        (["T", None, "T"], ["T"] * 6, [10, 10], None),  # still being assessed
        (["T", "T", "T"], ["T"] * 6, [10, None], None),
    ],
)
def test_end_of_year_result(subjects, qualities, tests, expected):
    assert c27.year_result(subjects, qualities, tests) == expected


@pytest.fixture
def primary(db):
    """A grade-4 class of a primary school with its Toán (tested) and Đạo đức (levels only) books."""
    from society.models import Gradebook, School, SchoolClass
    from tests.society.conftest import build_school

    world = build_school(n_students=2)
    School.objects.filter(pk=world.school.pk).update(level="tieu_hoc", name="Trường Tiểu học Đông Kinh")
    SchoolClass.objects.filter(pk=world.school_class.pk).update(grade=4, name="4A")
    from society.models import Subject

    ethics = Subject.objects.create(code="dao-duc", name="Đạo đức", assessment="comment", order=5)
    world.books[("dao-duc", 1)] = Gradebook.objects.create(
        school_class=world.school_class, subject=ethics, term=1, teacher=world.math_teacher
    )
    return world


def test_a_primary_teacher_enters_levels_and_test_scores(client, login, primary):
    from django.urls import reverse

    from core.errors import InvalidTransitionError
    from society import services
    from society.services.gradebook import mark_field

    world = primary
    book = world.books[("toan", 1)]
    first, second = world.students
    login(world.math_teacher)
    url = reverse("society:gradebook", args=[book.pk])
    page = client.get(url).content.decode()
    assert "Thông tư 27/2020" in page and "KTĐK giữa kỳ" in page and "ĐĐGtx 1" not in page
    bad = client.post(
        url,
        {
            mark_field(first.pk, "gk"): "T",
            mark_field(first.pk, "kgk"): "7,5",
            mark_field(second.pk, "kck"): "0",
        },
    )
    html = bad.content.decode()
    assert html.count("Điểm kiểm tra định kỳ là số nguyên từ 1 đến 10.") == 2 and 'value="7,5"' in html
    assert not book.marks.exists()
    for student, (gk, ck, kgk, kck) in ((first, ("T", "H", "8", "9")), (second, ("H", "T", "6", "10"))):
        client.post(
            url,
            {
                mark_field(student.pk, "gk"): gk,
                mark_field(student.pk, "ck"): ck,
                mark_field(student.pk, "kgk"): kgk,
                mark_field(student.pk, "kck"): kck,
            },
        )
    page = client.get(url).content.decode()
    assert page.count('<td class="result">Hoàn thành</td>') == 1
    assert page.count('<td class="result">Hoàn thành tốt</td>') == 1
    from society.models import Gradebook

    assert services.gradebook_missing(Gradebook.objects.get(pk=book.pk)) == []  # fresh: grade 4, primary
    # Đạo đức has no periodic test in primary school: its book has only the two levels.
    ethics = client.get(reverse("society:gradebook", args=[world.books[("dao-duc", 1)].pk])).content.decode()
    assert "KTĐK" not in ethics.split("<table", 1)[1]
    # No Circular 22 transcript is printed for a primary class.
    with pytest.raises(InvalidTransitionError):
        services.transcripts_sign_class_homeroom(actor=world.homeroom, school_class=world.school_class)
