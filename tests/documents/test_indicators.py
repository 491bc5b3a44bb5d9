"""The documents' indicators on the operations centre: on-time handling of incoming documents and the
overdue documents and tasks, per commune and for the province (departments counted in the province)."""

import datetime as dt

import pytest
import time_machine

from core.indicators.registry import LOCAL, get
from government.documents import services
from tests.conftest import COMMUNE_A, make_user
from tests.documents.conftest import registered

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 3)


def _day(d: dt.date):
    start = dt.datetime.combine(d, dt.time.min, tzinfo=LOCAL)
    return start, start + dt.timedelta(days=1)


def _assigned(clerk, leader, handler, *, number, deadline):
    d = registered(clerk, number_symbol=number)
    services.document_assign(
        document=d, actor=leader, handler_id=handler.pk, handling_unit="Văn phòng", deadline=deadline
    )
    return d


@pytest.fixture
def commune_handler(db, commune):
    return make_user("congchuc.xa@langson.gov.vn", roles=["commune_official"], full_name="Hà Văn Xử Lý", agency=commune)


def test_on_time_rate_counts_handled_by_the_deadline_and_open_ones_as_late(
    clerk, leader, department_official, commune_clerk, commune_leader, commune_handler
):
    with time_machine.travel(dt.datetime(2026, 12, 1, 2, tzinfo=dt.UTC), tick=False):
        early = _assigned(commune_clerk, commune_leader, commune_handler, number="1/UBND", deadline=DAY)
        late = _assigned(commune_clerk, commune_leader, commune_handler, number="2/UBND", deadline=DAY)
        _assigned(commune_clerk, commune_leader, commune_handler, number="3/UBND", deadline=DAY)  # never handled
        dept_doc = _assigned(clerk, leader, department_official, number="4/SKHCN", deadline=DAY)
        _assigned(clerk, leader, department_official, number="5/SKHCN", deadline=DAY + dt.timedelta(days=9))
        services.document_report(document=early, actor=commune_handler, result_note="Đã triển khai")
        services.document_report(document=dept_doc, actor=department_official, result_note="Đã báo cáo")
    with time_machine.travel(dt.datetime(2026, 12, 4, 2, tzinfo=dt.UTC), tick=False):  # the day after
        services.document_report(document=late, actor=commune_handler, result_note="Trễ một ngày")
    indicator = get("government.documents.on_time_rate")
    start, end = _day(DAY)
    assert indicator.compute_by_commune(start, end) == {COMMUNE_A: pytest.approx(33.33)}  # 1 of 3
    assert indicator.compute(start, end, COMMUNE_A) == pytest.approx(33.33)
    assert indicator.compute(start, end) == 50.0  # 2 of 4: the department's counts for the province
    assert indicator.compute(*_day(DAY + dt.timedelta(days=1))) is None  # nothing due: no data, not 0


def test_overdue_documents_and_tasks_at_the_end_of_the_day(
    clerk, leader, department_official, commune_clerk, commune_leader, commune_handler
):
    from government.documents.services import task_assign

    with time_machine.travel(dt.datetime(2026, 12, 1, 2, tzinfo=dt.UTC), tick=False):
        open_doc = _assigned(commune_clerk, commune_leader, commune_handler, number="1/UBND", deadline=DAY)
        handled = _assigned(commune_clerk, commune_leader, commune_handler, number="2/UBND", deadline=DAY)
        services.document_report(document=handled, actor=commune_handler, result_note="Xong")
        _assigned(clerk, leader, department_official, number="4/SKHCN", deadline=DAY)
        task_assign(
            actor=commune_leader,
            assignee_id=commune_handler.pk,
            title="Rà soát hồ sơ tồn",
            deadline=DAY,
            document=open_doc,
        )
    documents = get("government.documents.overdue")
    tasks = get("government.tasks.overdue")
    # On its deadline day a document is not yet late; the day after it is.
    assert documents.compute_by_commune(*_day(DAY - dt.timedelta(days=1))) == {}
    start, end = _day(DAY)
    assert documents.compute_by_commune(start, end) == {COMMUNE_A: 1}
    assert documents.compute(start, end) == 2  # the department's too
    assert documents.compute(start, end, COMMUNE_A) == 1
    assert tasks.compute_by_commune(start, end) == {COMMUNE_A: 1}
    assert tasks.compute(start, end) == 1
