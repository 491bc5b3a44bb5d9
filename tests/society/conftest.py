"""A lower-secondary school with one class: its teachers, homeroom teacher, principal, school
administrator, students with their parents, subjects and the term gradebooks."""

import datetime as dt
from dataclasses import dataclass, field

import pytest

from society.models import (
    Enrollment,
    Gradebook,
    School,
    SchoolClass,
    SchoolStaff,
    SchoolYear,
    Student,
    Subject,
)
from society.selectors import school_year_of
from tests.conftest import COMMUNE_A, COMMUNE_B, _unit, make_user


@dataclass
class SchoolWorld:
    school: School
    other_school: School
    year: SchoolYear
    school_class: SchoolClass
    math_teacher: object
    homeroom: object
    principal: object
    school_admin: object
    other_teacher: object
    parent: object
    student_user: object
    students: list = field(default_factory=list)
    subjects: dict = field(default_factory=dict)
    books: dict = field(default_factory=dict)  # (subject code, term) -> Gradebook


def build_school(*, n_students=3, prefix="") -> SchoolWorld:
    a, b = _unit(COMMUNE_A), _unit(COMMUNE_B)
    school = School.objects.create(code=f"{prefix}THCS-DK", name="Trường THCS Đông Kinh", level="thcs", commune=a)
    other = School.objects.create(code=f"{prefix}THCS-DD", name="Trường THCS Đồng Đăng", level="thcs", commune=b)
    year, _ = SchoolYear.objects.get_or_create(start_year=school_year_of(dt.date.today()))

    def person(email, name):
        return make_user(f"{prefix}{email}", full_name=name)

    math = person("toan@thcs-dk.edu.vn", "Lăng Văn Toán")
    homeroom = person("chunhiem@thcs-dk.edu.vn", "Hoàng Thị Chủ Nhiệm")
    principal = person("hieutruong@thcs-dk.edu.vn", "Nông Văn Hiệu")
    admin = person("quantri@thcs-dk.edu.vn", "Vi Thị Quản")
    other_teacher = person("gv@thcs-dd.edu.vn", "Triệu Văn Khác")
    parent = person("phuhuynh@example.vn", "Lương Văn Bố")
    student_user = person("hocsinh@example.vn", "Lương Thị Con")
    for user, role, s in [
        (math, "teacher", school),
        (homeroom, "teacher", school),
        (principal, "principal", school),
        (admin, "admin", school),
        (other_teacher, "teacher", other),
    ]:
        SchoolStaff.objects.create(school=s, user=user, role=role)
    school_class = SchoolClass.objects.create(school=school, year=year, name="6A", grade=6, homeroom_teacher=homeroom)
    subjects = {
        "toan": Subject.objects.get_or_create(
            code="toan", defaults={"name": "Toán", "assessment": "score", "order": 1}
        )[0],
        "ngu-van": Subject.objects.get_or_create(
            code="ngu-van", defaults={"name": "Ngữ văn", "assessment": "score", "order": 2}
        )[0],
        "the-duc": Subject.objects.get_or_create(
            code="the-duc", defaults={"name": "Giáo dục thể chất", "assessment": "comment", "order": 9}
        )[0],
    }
    names = ["Lương Thị Con", "Hoàng Văn An", "Vi Thị Bình", "Nông Văn Cường", "Lý Thị Dung", "Triệu Văn Em"]
    students = []
    for i in range(n_students):
        st = Student.objects.create(
            school=school,
            code=f"{prefix}HS{i:04d}",
            full_name=names[i % len(names)] + ("" if i < len(names) else f" {i}"),
            date_of_birth=dt.date(2014, 1 + i % 12, 1 + i % 28),
            gender="nu" if i % 2 == 0 else "nam",
            ethnicity="Tày",
            place_of_birth="Lạng Sơn",
            personal_id=f"0201400{i:05d}",
            user=student_user if i == 0 else None,
        )
        if i == 0:
            st.guardians.add(parent)
        Enrollment.objects.create(student=st, school_class=school_class, number=i + 1)
        students.append(st)
    books = {}
    for code, subject in subjects.items():
        for term in (1, 2):
            teacher = math if code == "toan" else homeroom
            books[(code, term)] = Gradebook.objects.create(
                school_class=school_class, subject=subject, term=term, teacher=teacher
            )
    return SchoolWorld(
        school=school,
        other_school=other,
        year=year,
        school_class=school_class,
        math_teacher=math,
        homeroom=homeroom,
        principal=principal,
        school_admin=admin,
        other_teacher=other_teacher,
        parent=parent,
        student_user=student_user,
        students=students,
        subjects=subjects,
        books=books,
    )


@pytest.fixture
def world(db) -> SchoolWorld:
    return build_school()


@pytest.fixture
def primary(db):
    """A grade-5 class of a primary school: Toán and Tiếng Việt (tested at mid-term and end of
    term in grade 5) and Đạo đức (levels only), both terms."""
    world = build_school(n_students=2)
    School.objects.filter(pk=world.school.pk).update(level="tieu_hoc", name="Trường Tiểu học Đông Kinh")
    SchoolClass.objects.filter(pk=world.school_class.pk).update(grade=5, name="5A")
    world.school_class.refresh_from_db()
    Gradebook.objects.filter(school_class=world.school_class).exclude(subject__code="toan").delete()
    world.books = {k: v for k, v in world.books.items() if k[0] == "toan"}
    for code, name, order in (("tieng-viet", "Tiếng Việt", 0), ("dao-duc", "Đạo đức", 5)):
        subject, _ = Subject.objects.get_or_create(
            code=code, defaults={"name": name, "assessment": "comment", "order": order}
        )
        for term in (1, 2):
            world.books[(code, term)] = Gradebook.objects.create(
                school_class=world.school_class, subject=subject, term=term, teacher=world.homeroom
            )
    return world
