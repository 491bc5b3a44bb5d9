"""The per-agency task board (issue 16): overdue and on-time tasks per assigning agency. An agency's
leader sees their own agency only, the province's leaders see every agency, and nobody else opens it."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from government.documents.models import Task
from tests.conftest import make_user

# What is overdue depends on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
BOARD = reverse("documents:task-board")


def _task(agency, assignee, deadline, status="open", completed_at=None, title="Việc"):
    progress = 100 if status == "done" else 0
    return Task.objects.create(
        title=title,
        agency=agency,
        assignee=assignee,
        assigned_by=assignee,
        deadline=deadline,
        status=status,
        progress=progress,
        completed_at=completed_at,
    )


@pytest.fixture
def board(dept, commune, clerk, commune_clerk):
    """This year at the department: one overdue, one open not yet due, one finished at 23:30 on its
    deadline in Lạng Sơn (on time), one finished half an hour after that day ended (late), one
    cancelled. At the commune: two overdue. Last year: one overdue at the department."""
    year = timezone.localdate().year
    past = dt.date(year, 1, 2)
    _task(dept, clerk, past, title="Việc quá hạn của Sở")
    _task(dept, clerk, dt.date(year, 12, 31), status="in_progress")
    on_deadline = dt.datetime(year, 1, 2, 23, 30, tzinfo=LOCAL)
    _task(dept, clerk, dt.date(year, 1, 2), status="done", completed_at=on_deadline)
    late = dt.datetime(year, 1, 3, 0, 30, tzinfo=LOCAL)
    _task(dept, clerk, dt.date(year, 1, 2), status="done", completed_at=late)
    _task(dept, clerk, dt.date(year, 1, 2), status="cancelled")
    _task(commune, commune_clerk, past, title="Việc quá hạn của xã")
    _task(commune, commune_clerk, past)
    _task(dept, clerk, dt.date(year - 1, 6, 1))
    return year


def _rows(html) -> dict[str, list[str]]:
    body = html.split('id="task-board"')[1].split("</tbody>")[0]
    out = {}
    for row in re.findall(r"(?s)<tr[^>]*>(.*?)</tr>", body.split("<tbody>")[1]):
        name = re.search(r"<th scope=\"row\">(.*?)</th>", row)
        if name:
            cells = re.findall(r"(?s)<td>(.*?)</td>", row)
            # the cell's number, without its "Quá hạn" badge
            out[name.group(1)] = [re.sub(r"<strong.*?</strong>|<[^>]+>", "", c).strip() for c in cells]
    return out


def test_an_agency_leader_sees_only_their_own_agency(client, login, leader, board, dept, commune):
    login(leader)
    response = client.get(BOARD)
    assert response.status_code == 200
    html = response.content.decode()
    rows = _rows(html)
    assert list(rows) == [dept.name]
    # overdue, not finished, finished on time, finished late, on-time rate
    assert rows[dept.name] == ["1", "2", "1", "1", "50,0 %"]
    assert commune.name not in html
    # asking for the other agency's year or anything else never widens the view
    assert commune.name not in client.get(BOARD, {"year": board, "agency": commune.pk}).content.decode()


def test_a_commune_leader_does_not_see_the_department(client, login, commune_leader, board, dept, commune):
    login(commune_leader)
    html = client.get(BOARD).content.decode()
    assert list(_rows(html)) == [commune.name]
    assert dept.name not in html and "Việc quá hạn của Sở" not in html


def test_the_province_sees_every_agency_worst_first_and_the_total(client, login, province_leader, board, dept, commune):
    login(province_leader)
    html = client.get(BOARD).content.decode()
    rows = _rows(html)
    assert list(rows) == [commune.name, dept.name]  # two overdue before one
    assert rows[commune.name][:2] == ["2", "2"]
    total = re.search(r"(?s)<tfoot>(.*?)</tfoot>", html).group(1)
    assert re.findall(r"<td>([^<]*)</td>", total) == ["3", "4", "1", "1", "50,0 %"]


def test_last_year_is_its_own_board(client, login, leader, board, dept):
    login(leader)
    rows = _rows(client.get(BOARD, {"year": board - 1}).content.decode())
    assert rows[dept.name][:2] == ["1", "1"]


def test_officials_who_lead_nothing_are_refused(client, login, clerk, commune_clerk, department_official, citizen):
    for person in (clerk, commune_clerk, department_official, citizen):
        login(person)
        assert client.get(BOARD).status_code == 403, person.email
    client.logout()
    assert client.get(BOARD).status_code == 302


def test_a_leader_without_an_agency_sees_nothing(client, login, db):
    stray = make_user("lanhdao.lac@langson.gov.vn", roles=["department_official", "agency_leader"], totp=True)
    login(stray)
    assert client.get(BOARD).status_code == 403


def test_a_bad_year_is_answered_on_the_field_and_kept(client, login, leader, board):
    login(leader)
    response = client.get(BOARD, {"year": "hai nghìn"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nhập năm là một số, ví dụ 2026." in html and 'value="hai nghìn"' in html
    assert 'aria-invalid="true"' in html
    assert client.get(BOARD, {"year": "1900"}).status_code == 200


def test_the_tasks_page_links_the_board_for_leaders_only(client, login, leader, clerk):
    login(leader)
    assert BOARD in client.get(reverse("documents:tasks")).content.decode()
    login(clerk)
    assert BOARD not in client.get(reverse("documents:tasks")).content.decode()


def _dashboard_links(client) -> str:
    """The dashboard's per-person follow-up links ('' when it shows none)."""
    response = client.get(reverse("operations_centre:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    return html.split('id="ioc-follow-up"')[1].split("</nav>")[0] if 'id="ioc-follow-up"' in html else ""


def test_the_operations_centre_links_the_board_for_leaders_only(
    client, login, province_leader, leader, commune_leader, clerk, department_official, board, dept, commune
):
    # The province's leaders follow every agency, an agency's leader their own: both get the link, and it
    # opens the board they may see.
    for person, agencies in ((province_leader, [commune.name, dept.name]), (leader, [dept.name])):
        login(person)
        links = _dashboard_links(client)
        assert f'href="{BOARD}"' in links and "Tiến độ công việc theo cơ quan" in links, person.email
        assert list(_rows(client.get(BOARD).content.decode())) == agencies
    # A commune's leader opens the dashboard on their commune and follows their own agency.
    commune_leader.admin_unit = commune.admin_unit
    commune_leader.save(update_fields=["admin_unit"])
    login(commune_leader)
    assert f'href="{BOARD}"' in _dashboard_links(client)
    # Officials who lead nothing open the same dashboard (its parts are cached and shared) without the link.
    for person in (clerk, department_official):
        login(person)
        assert BOARD not in client.get(reverse("operations_centre:dashboard")).content.decode(), person.email
