"""One journey through the operations centre in a real Chromium: a province leader logs in (with
TOTP), opens the dashboard, changes the indicator on the commune map, drills into a commune by
clicking it on the map, and downloads the XLSX of that view."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import DEMO_PASSWORD, TOTP_SECRET, make_user

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock);
# the live server shares this process's clock, and what the browser is checked for is rendered by it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("calm_clock")]
SHOP = "economy.households.digital_shop_share"
EPAY = "economy.households.epayment_share"


@pytest.fixture
def leader_with_history(transactional_db):
    call_command("load_reference_data", verbosity=0)
    from core.agencies.models import Agency
    from core.geo.models import AdministrativeUnit as Unit
    from core.indicators.models import IndicatorSnapshot

    leader = make_user(
        "leader@langson.gov.vn",
        roles=["province_leader"],
        full_name="Lãnh Đạo Tỉnh",
        agency=Agency.objects.get(code="ubnd-tinh"),
        totp=True,
    )
    codes = list(Unit.objects.filter(structure="2025", level="commune").values_list("code", flat=True))
    rows = []
    now = timezone.now()
    for days_ago in (3, 2, 1):
        end = now - timezone.timedelta(days=days_ago)
        for indicator, base in [(SHOP, 40.0), (EPAY, 30.0)]:
            rows.append(
                IndicatorSnapshot(
                    indicator_code=indicator,
                    period_start=end - timezone.timedelta(days=1),
                    period_end=end,
                    value=base + 10 - days_ago,
                )
            )
            rows += [
                IndicatorSnapshot(
                    indicator_code=indicator,
                    period_start=end - timezone.timedelta(days=1),
                    period_end=end,
                    commune_code=code,
                    value=base + (code % 40) - days_ago,
                )
                for code in codes
            ]
    IndicatorSnapshot.objects.bulk_create(rows)
    from core.indicators.services import bump_generation

    bump_generation()
    return leader


def test_leader_map_drill_down_and_xlsx(browser_page, browser_login, live_server, leader_with_history):
    page = browser_page
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser_login(page, live_server, leader_with_history.email, DEMO_PASSWORD, TOTP_SECRET)

    page.goto(f"{live_server.url}/government/operations-centre/?period=30d")
    assert "Toàn tỉnh" in page.locator("h1").inner_text()
    page.wait_for_selector(f"#ioc-map[data-indicator='{SHOP}']")
    assert page.locator("path.commune-shape").count() == 65
    # Coloured by value: the map uses more than one class colour.
    fills = {page.locator("path.commune-shape").nth(i).get_attribute("fill") for i in range(0, 65, 8)}
    assert len(fills) > 1

    # Change the indicator on the map: no reload, the map, legend and ranking follow.
    page.select_option("#id_indicator", EPAY)
    page.wait_for_selector(f"#ioc-map[data-indicator='{EPAY}']")
    assert "tài khoản thanh toán điện tử" in page.locator("#map-indicator-name").inner_text()
    assert page.locator("#map-legend span").count() >= 2
    assert f"indicator={EPAY}" in page.url
    assert f"indicator={EPAY}" in page.locator("#export-xlsx").get_attribute("href")

    # Drill down: click Đồng Đăng on the map.
    page.locator("path.commune-shape[data-code='6184']").dispatch_event("click")
    page.wait_for_url("**/government/operations-centre/commune/6184/**")
    assert "Xã Đồng Đăng" in page.locator("h1").inner_text()
    assert page.locator(".tile").count() >= 2
    page.wait_for_selector("path.commune-shape[data-code='6184']")
    assert page.locator("path.commune-shape").count() == 1

    # Export the current view as XLSX and read the download.
    with page.expect_download() as download_info:
        page.click("#export-xlsx")
    download = download_info.value
    assert download.suggested_filename.startswith("ioc-xa-6184-30d-") and download.suggested_filename.endswith(".xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    overview = dict(wb["Tổng quan"].iter_rows(min_row=2, values_only=True))
    assert overview["Phạm vi"] == "Xã Đồng Đăng"
    series = list(wb["Chuỗi thời gian"].iter_rows(values_only=True))
    assert "tài khoản thanh toán điện tử" in series[0][1]
    assert [round(v, 2) for _d, v in series[1:]] == [30 + 6184 % 40 - d for d in (3, 2, 1)]
    assert not errors
