"""The demo school (`seed_demo`) is usable as it stands and a second run adds nothing."""

import pytest

from society import demo, services
from society.models import Gradebook, School, SchoolStaff, Student

pytestmark = pytest.mark.django_db


def test_demo_school_is_idempotent_and_ready_for_the_maths_teacher():
    demo.generate_school(scale="small", log=lambda *_: None)
    demo.generate_school(scale="small", log=lambda *_: None)
    school = School.objects.get(code=demo.DEMO_SCHOOL)
    assert Student.objects.filter(school=school).count() == 8
    book = Gradebook.objects.get(school_class__school=school, subject__code="toan", term=2)
    assert book.status == "open"
    teacher = SchoolStaff.objects.get(school=school, user__email="giaovien.toan@demo.langson.vn").user
    entries = {(s.pk, c): "8" for s in Student.objects.filter(school=school) for c in ("tx1", "tx2", "gk", "ck")}
    assert services.gradebook_save_marks(actor=teacher, gradebook=book, entries=entries) == 32
    services.gradebook_finish(actor=teacher, gradebook=book)
    assert not Gradebook.objects.filter(school_class__school=school, status="open").exists()
    assert Student.objects.get(code="DEMO-HS-001").guardians.filter(email="congdan@demo.langson.vn").exists()
