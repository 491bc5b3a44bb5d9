"""The province's subject list is kept by the Department of Education and Training (and system
administrators): add a subject, rename or reorder it, change how it is assessed only while no mark
of it exists; others cannot; bad input gets field messages; every change audited."""

import pytest
from django.urls import reverse

from core.audit.models import AuditLog
from society.models import Mark, Subject
from tests.conftest import _agency, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def education_official():
    return make_user(
        "sogddt@langson.gov.vn",
        roles=["department_official"],
        full_name="Hà Thị Giáo",
        agency=_agency("so-gddt"),
        totp=True,
    )


def test_the_education_department_adds_and_edits_subjects(client, login, education_official, world):
    login(education_official)
    assert client.get(reverse("society:subjects")).status_code == 200
    response = client.post(
        reverse("society:subject-new"),
        {"code": "tieng-viet", "name": "Tiếng Việt", "assessment": "score", "order": "1"},
    )
    assert response.url == reverse("society:subjects")
    subject = Subject.objects.get(code="tieng-viet")
    page = client.get(reverse("society:subjects")).content.decode()
    assert "Tiếng Việt" in page and "Đánh giá bằng điểm số" in page
    client.post(
        reverse("society:subject-edit", args=[subject.pk]),
        {"code": "doi-ma", "name": "Tiếng Việt (lớp 1–5)", "assessment": "comment", "order": "2"},
    )
    subject.refresh_from_db()
    assert (subject.code, subject.name, subject.assessment, subject.order) == (
        "tieng-viet",  # the code never changes
        "Tiếng Việt (lớp 1–5)",
        "comment",
        2,
    )
    assert set(
        AuditLog.objects.filter(object_type="society.subject", object_id=str(subject.pk)).values_list(
            "action", flat=True
        )
    ) == {
        "society.subject.create",
        "society.subject.update",
    }
    # A subject with marks keeps its assessment: the marks would no longer mean what they meant.
    maths = world.subjects["toan"]
    Mark.objects.create(gradebook=world.books[("toan", 1)], student=world.students[0], component="gk", score=7)
    response = client.post(
        reverse("society:subject-edit", args=[maths.pk]),
        {"name": "Toán", "assessment": "comment", "order": "1"},
    )
    assert "không đổi được hình thức đánh giá" in response.content.decode()
    maths.refresh_from_db()
    assert maths.assessment == "score"


def test_bad_input_keeps_what_was_typed(client, login, education_official):
    login(education_official)
    Subject.objects.create(code="toan", name="Toán", assessment="score")
    page = client.post(
        reverse("society:subject-new"), {"code": "Tiếng Anh", "name": "Tiếng Anh", "assessment": "score", "order": "3"}
    ).content.decode()
    assert "Mã môn chỉ gồm chữ không dấu" in page and 'value="Tiếng Anh"' in page
    page = client.post(
        reverse("society:subject-new"), {"code": "toan", "name": "Toán 2", "assessment": "score", "order": "3"}
    ).content.decode()
    assert "Đã có môn học với mã này." in page and 'value="Toán 2"' in page
    assert Subject.objects.count() == 1


def test_other_officials_and_teachers_cannot_change_subjects(
    client, login, department_official, commune_official, world
):
    for person in (department_official, commune_official, world.principal):
        login(person)
        assert client.get(reverse("society:subjects")).status_code == 403
        assert (
            client.post(
                reverse("society:subject-new"), {"code": "x", "name": "X", "assessment": "score", "order": "1"}
            ).status_code
            == 403
        )
    assert not Subject.objects.filter(code="x").exists()
