"""The land platform in a real browser, on a 360 px phone: a citizen taps the map, the parcel sheet
opens, its PDF downloads; the land user reports an error with evidence and a land official answers
it; the citizen reads the answer."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import MOBILE, browser_login
from tests.conftest import DEMO_PASSWORD, TOTP_SECRET, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def land(transactional_db, settings, tmp_path):
    call_command("load_reference_data", verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "media"
    from core.agencies.models import Agency
    from core.geo.models import AdministrativeUnit
    from tests.land.factories import make_parcel, make_zones, wgs84_centre

    parcel = make_parcel(size=30.0)
    make_zones(parcel)
    citizen = make_user(
        "dan@example.vn",
        roles=["citizen"],
        full_name="Hoàng Văn Dân",
        citizen_id="020090000123",
        admin_unit=AdministrativeUnit.objects.get(structure="2025", level="commune", code=5977),
    )
    official = make_user(
        "diachinh@langson.gov.vn",
        roles=["department_official"],
        full_name="Lộc Văn Địa",
        agency=Agency.objects.get(code="van-phong-dkdd"),
        totp=True,
    )
    return parcel, wgs84_centre(parcel), citizen, official


def test_citizen_taps_the_map_opens_the_sheet_and_downloads_the_pdf(browser_page, live_server, land, tmp_path):
    parcel, (lon, lat), _citizen, _official = land
    page = browser_page
    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server.url}/dat-dai/#18/{lat:.7f}/{lon:.7f}")
    page.wait_for_selector("#land-map[data-loaded]")
    assert int(page.get_attribute("#land-map", "data-loaded")) >= 1  # the visible area's parcels only
    page.locator("#land-map").click()  # the map's centre: inside the parcel
    page.wait_for_url(f"**/dat-dai/thua/{parcel.code}/")
    assert "Đất ở tại đô thị" in page.inner_text("main")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    with page.expect_download() as info:
        page.click("#parcel-pdf")
    path = tmp_path / "phieu.pdf"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")


def test_owner_reports_an_error_and_an_official_answers(browser, browser_page, live_server, land, tmp_path):
    parcel, _centre, citizen, official = land
    from tests.government.conftest import pdf_bytes

    evidence = tmp_path / "trich-do.pdf"
    evidence.write_bytes(pdf_bytes())
    page = browser_page
    page.set_viewport_size(MOBILE)
    browser_login(page, live_server, citizen.email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/dat-dai/thua/{parcel.code}/")
    page.click("#report-link")
    page.select_option("select[name=field]", "area")
    page.fill("textarea[name=description]", "Diện tích thực tế theo trích đo năm 2025 là 905 m².")
    page.set_input_files("input[name=evidence]", str(evidence))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/dat-dai/bao-sai-sot/")
    assert "Đã gửi" in page.inner_text("main")

    context = browser.new_context(viewport=MOBILE, locale="vi-VN")
    officer = context.new_page()
    browser_login(officer, live_server, official.email, DEMO_PASSWORD, totp_secret=TOTP_SECRET)
    officer.goto(f"{live_server.url}/dat-dai/can-bo/")
    officer.click(f"#report-queue a:has-text('{parcel.code}')")
    officer.fill("textarea[name=answer]", "Đã đo đạc lại và cập nhật diện tích thửa đất.")
    officer.click("button[value=accept]")
    officer.wait_for_selector("#report-status")
    assert "Đã chấp nhận" in officer.inner_text("#report-status")
    context.close()

    page.goto(f"{live_server.url}/dat-dai/bao-sai-sot/")
    assert "Đã đo đạc lại và cập nhật diện tích thửa đất." in page.inner_text("main")


def test_lookup_without_javascript_on_a_phone(browser, live_server, land):
    """A citizen on a 360 px phone with JavaScript off: the sheet/parcel form and the VN-2000
    coordinate form find the parcel, its sheet reads without sideways scrolling, and a wrong entry
    comes back with the reason and what was typed."""
    parcel, _centre, _citizen, _official = land
    from government.land.selectors import parcel_sheet

    north, east = parcel_sheet(parcel).centre_vn2000
    context = browser.new_context(viewport=MOBILE, java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/dat-dai/")
    page.select_option("#id_commune", str(parcel.commune.code))
    page.fill("#id_sheet", str(parcel.sheet))
    page.fill("#id_number", str(parcel.number))
    page.click("#id_number >> xpath=ancestor::form//button[@type='submit']")
    page.wait_for_url(f"**/dat-dai/thua/{parcel.code}/")
    assert parcel.code in page.inner_text("h1") and "Đất ở tại đô thị" in page.inner_text("main")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    page.goto(f"{live_server.url}/dat-dai/")
    page.fill("#id_number", "999")
    page.fill("#id_sheet", "0")
    page.click("#id_number >> xpath=ancestor::form//button[@type='submit']")
    # No commune chosen, sheet 0: the reasons next to the fields, what was typed kept.
    assert page.input_value("#id_number") == "999" and page.input_value("#id_sheet") == "0"
    assert page.locator(".errorlist").count() >= 2
    page.goto(f"{live_server.url}/dat-dai/")
    page.select_option("#xy_system", "vn2000")
    page.fill("#xy_first", f"{north:.2f}".replace(".", ","))
    page.fill("#xy_second", f"{east:.2f}".replace(".", ","))
    page.click("#xy_second >> xpath=ancestor::form//button[@type='submit']")
    page.wait_for_url(f"**/dat-dai/thua/{parcel.code}/")
    context.close()
