"""The operations-centre dashboard through HTTP: who sees what (scoping per persona), the map's
values, the refresh button's progress, and the exports."""

import io
import json
from unittest import mock

import openpyxl
import pytest
from django.urls import reverse

from core.indicators.models import SnapshotRun
from government.operations_centre.models import IndicatorTarget
from tests.operations_centre.conftest import COMMUNE_A, COMMUNE_B

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]
DASHBOARD = reverse("operations_centre:dashboard")


@pytest.fixture
def figures(fake_registry, snapshot):
    """Two days of history for the province and two communes, and a 2025 target on the share."""
    from django.utils import timezone

    now = timezone.now()
    for days_ago, province, a, b in [(2, 50.0, 40.0, 71.5), (1, 55.0, 45.0, 72.75)]:
        end = now - timezone.timedelta(days=days_ago)
        snapshot("test.share", end, province)
        snapshot("test.share", end, a, commune=COMMUNE_A)
        snapshot("test.share", end, b, commune=COMMUNE_B)
        snapshot("test.count", end, 1234.0)
    snapshot("test.waiting", now - timezone.timedelta(hours=1), 1200.0, hours=1)
    IndicatorTarget.objects.create(
        indicator_code="test.share",
        year=2030,
        target_value=60,
        baseline_year=2025,
        baseline_value=50,
        source="NQ 49-NQ/TU",
    )


@pytest.mark.parametrize(
    "persona, status",
    [
        ("province_leader", 200),
        ("department_official", 200),
        ("party_official", 200),
        ("sysadmin", 200),
        ("commune_official", 200),
        ("citizen", 403),
        ("enterprise_rep", 403),
        ("border_guard", 403),
        ("outsider", 403),
    ],
)
def test_who_may_open_the_dashboard(request, client, login, figures, persona, status):
    login(request.getfixturevalue(persona))
    assert client.get(DASHBOARD).status_code == status


def test_anonymous_is_sent_to_login(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_leader_sees_the_province_tiles_targets_ranking_and_border(client, login, province_leader, figures):
    login(province_leader)
    page = client.get(DASHBOARD + "?period=30d&indicator=test.share").content.decode()
    assert "Toàn tỉnh" in page
    assert "Tỷ lệ thử" in page and "Số đếm thử" in page
    assert "55,0" in page and "1.234" in page
    assert "Chậm tiến độ" in page or "Đúng tiến độ" in page  # a 2030 target gives a status
    assert "mục tiêu 60 (2030)" in page
    # Ranking of communes, best first (Đồng Đăng 72.75 before Đông Kinh 45), linking to the drill-down.
    assert page.index("Xã Đồng Đăng") < page.index("Phường Đông Kinh")
    assert reverse("operations_centre:commune", args=[COMMUNE_B]) in page
    assert "Xe chờ" in page and 'class="band orange"' in page  # 1,200 waiting: orange band
    assert reverse("economy:communes") in page  # the tile leads to the pillar's own page


def test_a_commune_official_sees_only_their_commune(client, login, commune_official, figures):
    login(commune_official)
    page = client.get(DASHBOARD + "?indicator=test.share").content.decode()
    assert "Phường Đông Kinh" in page
    assert "Số đếm thử" not in page  # a province-only indicator is not shown at commune scope
    assert "Xã Đồng Đăng" not in page and "72,75" not in page and "72.75" not in page  # no other commune, no ranking
    assert "45" in page
    values = client.get(reverse("operations_centre:map-values") + "?indicator=test.share").json()
    assert values["values"] == {str(COMMUNE_A): 45.0}
    assert values["ranking"] == []
    assert client.get(reverse("operations_centre:commune", args=[COMMUNE_B])).status_code == 404
    assert client.get(reverse("operations_centre:commune", args=[COMMUNE_A])).status_code == 200


def test_a_leader_drills_down_into_a_commune(client, login, province_leader, figures):
    login(province_leader)
    page = client.get(reverse("operations_centre:commune", args=[COMMUNE_B]) + "?indicator=test.share").content.decode()
    assert "Xã Đồng Đăng" in page and "72,8" in page  # tiles show one decimal
    assert "Số đếm thử" not in page
    assert client.get(reverse("operations_centre:commune", args=[999999])).status_code == 404
    values = client.get(reverse("operations_centre:map-values") + "?indicator=test.share").json()
    assert values["values"] == {str(COMMUNE_A): 45.0, str(COMMUNE_B): 72.75}
    assert [r[0] for r in values["ranking"]] == ["Xã Đồng Đăng", "Phường Đông Kinh"]
    assert len(values["series"]) == 2


def test_bad_filters_never_fail(client, login, province_leader, figures):
    login(province_leader)
    for query in ["?period=abc", "?period=1999", "?indicator=nope"]:
        assert client.get(DASHBOARD + query).status_code == 200
    # A NUL byte is refused before any view (issue 9): a clear 400, not a 500.
    assert client.get(DASHBOARD + "?period=%00").status_code == 400
    assert client.get(reverse("operations_centre:map-values") + "?indicator=nope&period=x").status_code == 200


def test_the_commune_boundaries_come_from_postgis(client, login, province_leader):
    login(province_leader)
    data = json.loads(client.get(reverse("operations_centre:geojson")).content)
    assert len(data["features"]) == 65
    codes = {f["properties"]["code"] for f in data["features"]}
    assert {COMMUNE_A, COMMUNE_B} <= codes
    assert data["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_refresh_shows_a_job_with_progress(client, login, department_official, figures):
    login(department_official)
    with mock.patch("core.indicators.tasks.snapshot_run_execute.delay"):
        response = client.post(reverse("operations_centre:refresh", args=["test.share"]))
    run = SnapshotRun.objects.get(indicator_code="test.share")
    assert response.status_code == 302 and response.url == reverse("operations_centre:run", args=[run.pk])
    page = client.get(response.url).content.decode()
    assert "Đang chờ" in page and "<progress" in page
    status = client.get(response.url + "?format=json").json()
    assert status == {
        "id": run.pk,
        "status": "pending",
        "percent": 0,
        "completed_steps": 0,
        "total_steps": 0,
        "error": "",
        "finished": False,
    }
    from core.indicators.services import snapshot_run_execute

    snapshot_run_execute(run_id=run.pk)
    status = client.get(response.url + "?format=json").json()
    assert status["finished"] and status["percent"] == 100 and status["total_steps"] == 66
    assert client.post(reverse("operations_centre:refresh", args=["nope"])).status_code == 404
    assert client.get(reverse("operations_centre:refresh", args=["test.share"])).status_code == 405


def test_xlsx_export_contains_the_current_view(client, login, province_leader, figures):
    login(province_leader)
    response = client.get(reverse("operations_centre:export-xlsx") + "?period=30d&indicator=test.share")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="ioc-tinh-30d-')
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Tổng quan", "Chỉ tiêu", "Chuỗi thời gian", "Xếp hạng xã"]
    rows = {r[1]: r for r in wb["Chỉ tiêu"].iter_rows(min_row=2, values_only=True)}
    assert rows["test.share"][4] == 55.0 and rows["test.share"][6] == 60
    assert rows["test.count"][4] == 1234.0
    ranking = list(wb["Xếp hạng xã"].iter_rows(min_row=2, values_only=True))
    assert ranking == [(1, "Xã Đồng Đăng", COMMUNE_B, 72.75), (2, "Phường Đông Kinh", COMMUNE_A, 45.0)]
    assert [r[1] for r in wb["Chuỗi thời gian"].iter_rows(min_row=2, values_only=True)] == [50.0, 55.0]


def test_xlsx_export_of_a_commune_official_holds_only_their_commune(client, login, commune_official, figures):
    login(commune_official)
    wb = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("operations_centre:export-xlsx") + "?indicator=test.share").content)
    )
    assert "Xếp hạng xã" not in wb.sheetnames
    codes = [r[1] for r in wb["Chỉ tiêu"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["test.share"]
    assert [r[1] for r in wb["Chuỗi thời gian"].iter_rows(min_row=2, values_only=True)] == [40.0, 45.0]
    assert client.get(reverse("operations_centre:commune-export-xlsx", args=[COMMUNE_B])).status_code == 404


def test_pdf_export(client, login, province_leader, figures):
    login(province_leader)
    response = client.get(reverse("operations_centre:export-pdf") + "?indicator=test.share")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Tỷ lệ thử" in text and "Xã Đồng Đăng" in text


def test_border_panel_fragment(client, login, province_leader, figures):
    login(province_leader)
    html = client.get(reverse("operations_centre:panel", args=["border_gate.crossings"])).content.decode()
    assert "Cửa khẩu quốc tế Hữu Nghị" in html and "1.200" in html and "band orange" in html
