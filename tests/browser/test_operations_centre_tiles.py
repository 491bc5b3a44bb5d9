"""The province leader's dashboard as it is read in Chromium (issue 11): each tile says whether its
figure is live, yesterday's or closed, and no tile prints a time in the future (a live figure's
period ends at tonight's midnight); the charts name their axes and start their value axis at zero
(a cut axis exaggerates small differences); no internal note ("see SOURCES.md") reaches the page."""

import re

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
def leader_and_figures(transactional_db):
    call_command("load_reference_data", verbosity=0)
    from core.agencies.models import Agency
    from core.geo.models import AdministrativeUnit as Unit
    from core.indicators.models import IndicatorSnapshot
    from core.indicators.registry import all_indicators
    from core.indicators.services import bump_generation

    leader = make_user(
        "leader@langson.gov.vn",
        roles=["province_leader"],
        full_name="Lãnh Đạo Tỉnh",
        agency=Agency.objects.get(code="ubnd-tinh"),
        totp=True,
    )
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    day = timezone.timedelta(days=1)
    rows = []
    # The shop share: closed days (values near 40, so a cut axis would start near 37), then the
    # open day's live figure, whose period ends at tonight's midnight.
    communes = list(Unit.objects.filter(structure="2025", level="commune").values_list("code", flat=True))
    for days_ago, value in ((3, 38.0), (2, 39.5), (1, 41.0)):
        end = midnight - days_ago * day
        rows.append(IndicatorSnapshot(indicator_code=SHOP, period_start=end - day, period_end=end, value=value))
        rows += [
            IndicatorSnapshot(
                indicator_code=SHOP, period_start=end - day, period_end=end, commune_code=c, value=30 + c % 20
            )
            for c in communes
        ]
    rows.append(
        IndicatorSnapshot(
            indicator_code=SHOP, period_start=midnight, period_end=midnight + day, value=42.5, provisional=True
        )
    )
    # The e-payment share: last night's figure for yesterday.
    rows.append(IndicatorSnapshot(indicator_code=EPAY, period_start=midnight - day, period_end=midnight, value=30.0))
    # Another pillar's figure, closed three days ago.
    other = next(i.code for i in all_indicators() if i.code not in (SHOP, EPAY) and not i.by_commune)
    rows.append(
        IndicatorSnapshot(
            indicator_code=other, period_start=midnight - 4 * day, period_end=midnight - 3 * day, value=12.0
        )
    )
    IndicatorSnapshot.objects.bulk_create(rows)
    bump_generation()
    return leader, other


def _tile(page, code):
    return page.locator(f"li.tile[data-indicator='{code}']").inner_text()


def _printed_times(text: str) -> list:
    now = timezone.localtime()
    found = []
    for hh, mi, dd, mo in re.findall(r"(\d\d):(\d\d) (\d\d)/(\d\d)(?!/)", text):
        found.append(now.replace(month=int(mo), day=int(dd), hour=int(hh), minute=int(mi), second=0, microsecond=0))
    for dd, mo, yy, hh, mi in re.findall(r"(\d\d)/(\d\d)/(\d{4}) (\d\d):(\d\d)", text):
        found.append(now.replace(year=int(yy), month=int(mo), day=int(dd), hour=int(hh), minute=int(mi), second=0))
    return found


def test_the_leaders_tiles_say_live_yesterday_or_closed_and_the_charts_start_at_zero(
    browser_page, browser_login, live_server, leader_and_figures
):
    leader, other = leader_and_figures
    page = browser_page
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser_login(page, live_server, leader.email, DEMO_PASSWORD, TOTP_SECRET)
    page.goto(f"{live_server.url}/government/operations-centre/?period=30d&indicator={SHOP}")

    live, yesterday, closed = _tile(page, SHOP), _tile(page, EPAY), _tile(page, other)
    assert "Số liệu trực tiếp" in live and "tạm tính, cập nhật lúc" in live
    yesterday_date = (timezone.localtime() - timezone.timedelta(days=1)).strftime("%d/%m/%Y")
    assert "Số liệu hôm qua" in yesterday and yesterday_date in yesterday
    assert "Số liệu đã chốt đến" in closed
    now = timezone.localtime()
    printed = [t for text in (live, yesterday, closed) for t in _printed_times(text)]
    assert len(printed) >= 2, (live, yesterday, closed)
    assert all(t <= now + timezone.timedelta(minutes=1) for t in printed), printed

    # The charts (Chart.js, drawn by the page's script): axes named, the value axis from zero.
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('series-chart'))")
    series = page.evaluate(
        """() => { const c = Chart.getChart(document.getElementById('series-chart'));
                   return {min: c.scales.y.min, max: c.scales.y.max, x: c.options.scales.x.title.text,
                           y: c.options.scales.y.title.text, shown: c.options.scales.x.title.display
                                                             && c.options.scales.y.title.display}; }"""
    )
    assert series["min"] == 0 and series["max"] >= 42, series
    assert series["x"] == "Ngày" and series["y"] == "%" and series["shown"], series
    page.wait_for_function("() => Chart.getChart(document.getElementById('ranking-chart'))")
    ranking = page.evaluate(
        """() => { const c = Chart.getChart(document.getElementById('ranking-chart'));
                   return {min: c.scales.x.min, y: c.options.scales.y.title.text}; }"""
    )
    assert ranking["min"] == 0 and ranking["y"] == "Xã, phường", ranking

    assert "SOURCES.md" not in page.content()
    assert not errors
