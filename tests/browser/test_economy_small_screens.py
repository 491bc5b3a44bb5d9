"""The soft ATM's signed-in pages on a 360 px phone (issue 13), as the agent's clerk, the bank's
supervisor and the customer use them — each page with data on it and with a refused form: nothing
wider than the screen (the page never scrolls sideways; a wide table scrolls inside its own frame),
no serious or critical axe finding. And the public map of agent points with JavaScript switched off:
the province is drawn, the former districts' names are the ones shown on a phone, the points are
listed as text."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.utils import timezone

from tests.browser.conftest import MOBILE, axe_check, browser_login
from tests.conftest import DEMO_PASSWORD, make_user
from tests.economy.counter_world import counter_world
from tests.economy.ledger_cleanup import ledger_tables  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What would make a phone slide sideways: an element sticking out of the screen on the right, or a
# frame (a table's) that scrolls sideways by itself. The site's menus in the header are rows that
# scroll on their own by design (tests/browser/test_work_menu.py): they are left out.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().replace(/\\s+/g, '.') : '');
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('header, nav')) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const x = getComputedStyle(el).overflowX;
    if ((x === 'auto' || x === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
      out.push(`${name(el)} scrolls sideways: ${el.scrollWidth} > ${el.clientWidth}`);
    } else if (r.right > width + 1 && !el.closest('.table-wrap')) {
      out.push(`${name(el)} ends at ${Math.round(r.right)}`);
    }
  }
  return out.slice(0, 8);
}"""


def fits(page) -> None:
    """The page does not scroll sideways, nothing sticks out of a 360 px screen, no table slides."""
    overflow = page.evaluate(OVERFLOW_JS)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= MOBILE["width"] and not overflow, (page.url, width, overflow)


@pytest.fixture
def counter_day(ledger_tables, celery_eager):  # noqa: F811
    """An agent with a day of operations: a cash-in, a transfer, a cash-out waiting for its code, a
    flagged reconciliation; its clerk, its bank's supervisor, a customer with a wallet and one without."""
    call_command("load_reference_data", verbosity=0)
    from economy.services import agents, wallets

    world = counter_world(
        agent_fields={
            "name": "Điểm ATM mềm Agribank Đông Kinh — quầy giao dịch số 1",
            "address": "Số 1 Lê Lợi, khối 5, phường Đông Kinh",
            "location": Point(106.7615, 21.8478),
            "opens_at": dt.time(0, 0),
            "closes_at": dt.time(23, 59, 59),
        },
        emoney=50_000_000,
        cash=20_000_000,
    )
    make_user(  # a customer without a wallet yet
        "moi@example.vn",
        roles=["citizen"],
        full_name="Nông Thị Mới",
        phone="0912000111",
        citizen_id="020190000777",
        admin_unit=world["unit"],
    )
    citizen, clerk, agent, own, other = (world[k] for k in ("citizen", "clerk", "agent", "own", "other"))
    cash_in = agents.cash_in(actor=clerk, agent=agent, wallet_number=own.number, amount=8_500_000, idempotency_key="ci")
    wallets.wallet_transfer(actor=citizen, source=own, to_number=other.number, amount=1_250_000, idempotency_key="t")
    pending = agents.cash_out_request(
        actor=clerk, agent=agent, wallet_number=own.number, amount=2_000_000, idempotency_key="co"
    )
    flagged = agents.reconcile_agent_day(agent_id=agent.pk, day=timezone.localdate())
    return {"own": own, "other": other, "cash_in": cash_in, "pending": pending, "flagged": flagged}


def _phone(browser):
    context = browser.new_context(viewport=MOBILE, locale="vi-VN")
    context.set_default_timeout(20_000)
    return context, context.new_page()


def _walk(page, url):
    page.goto(url)
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("h1").first.inner_text().strip(), url
    fits(page)
    axe_check(page)


def test_the_clerk_supervisor_and_customer_pages_fit_a_phone(browser, live_server, counter_day):
    base = live_server.url
    # The clerk at the counter: the day's operations, float and cash, the forms; a refused cash-in.
    context, page = _phone(browser)
    browser_login(page, live_server, "quay@example.vn", DEMO_PASSWORD)
    _walk(page, f"{base}/economy/counter/")
    page.fill("#id_in-wallet", "9999999999")
    page.fill("#id_in-amount", "12,5 triệu")
    page.click("button:has-text('Nhận tiền, nộp vào ví')")
    page.wait_for_load_state("domcontentloaded")
    assert page.input_value("#id_in-wallet") == "9999999999"  # what was typed is kept
    fits(page)
    axe_check(page)
    # The cash-out waiting for the customer's code is listed at the counter, and opens from there.
    page.goto(f"{base}/economy/counter/")
    pending = page.get_by_test_id("pending-cash-outs")
    assert counter_day["own"].number in pending.inner_text() and "2.000.000 đ" in pending.inner_text()
    pending.get_by_role("link", name="Nhập mã").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.url.endswith(f"/economy/counter/cash-out/{counter_day['pending'].pk}/")
    fits(page)
    axe_check(page)
    page.fill("#id_code", "000000")
    page.click("button:has-text('Xác nhận và chi tiền')")
    page.wait_for_load_state("domcontentloaded")
    assert "Mã xác nhận không đúng" in page.inner_text("main")
    fits(page)
    axe_check(page)
    context.close()

    # The bank's supervisor: agents by commune, the flagged day, the operations, a reversal's form.
    context, page = _phone(browser)
    browser_login(page, live_server, "giamsat@example.vn", DEMO_PASSWORD)
    _walk(page, f"{base}/economy/supervision/")
    _walk(page, f"{base}/economy/supervision/reconciliation/{counter_day['flagged'].pk}/")
    _walk(page, f"{base}/economy/supervision/transactions/")
    _walk(page, f"{base}/economy/supervision/transactions/{counter_day['cash_in'].pk}/reverse/")
    context.close()

    # The customer on their phone: balance, history, the transfer form refused; then someone who has
    # no wallet yet opens one.
    context, page = _phone(browser)
    browser_login(page, live_server, "dan@example.vn", DEMO_PASSWORD)
    _walk(page, f"{base}/economy/wallet/")
    history = page.locator("table.history tbody tr")
    assert history.count() == 2 and "số dư sau: 7.250.000" in history.first.inner_text()
    assert history.first.locator("td.num").is_visible()  # the amounts are on screen, not off to the right
    page.fill("#id_to_wallet", "123")
    page.fill("#id_amount", "99999999999")
    page.click("button:has-text('Chuyển tiền')")
    page.wait_for_load_state("domcontentloaded")
    assert page.input_value("#id_to_wallet") == "123"
    fits(page)
    axe_check(page)
    context.close()
    context, page = _phone(browser)
    browser_login(page, live_server, "moi@example.vn", DEMO_PASSWORD)
    _walk(page, f"{base}/economy/wallet/")
    context.close()


def test_the_public_map_works_on_a_phone_without_javascript(browser, live_server, counter_day):
    context = browser.new_context(viewport=MOBILE, locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/economy/soft-atm/")
    fits(page)
    svg = page.locator("svg.agent-map-svg")
    assert svg.get_attribute("role") == "img"
    assert page.locator("#agent-map-title").text_content() == "Bản đồ các điểm ATM mềm trong tỉnh Lạng Sơn"
    assert "1 điểm đang chi được tiền mặt" in page.locator("#agent-map-desc").text_content()
    box = svg.bounding_box()
    assert 300 <= box["width"] <= MOBILE["width"] and box["height"] > 250  # the whole province, full width
    # On a phone the former districts' names are shown, large enough to read; commune names are not.
    areas = page.locator(".map-area-names text")
    assert areas.count() == 11 and areas.first.is_visible()
    assert not page.locator(".map-commune-names text").first.is_visible()
    assert page.locator(".map-area-names text", has_text="Hữu Lũng").bounding_box()["height"] >= 9
    assert page.locator("path.map-outline").count() == 1 and page.locator(".map-communes path").count() == 65
    # The point, and the same agent as text under the map.
    assert page.locator("svg.agent-map-svg circle.point-ok").count() == 1
    assert "Đang chi được tiền mặt" in page.locator(".cards").inner_text()
    context.close()
    # With JavaScript (a normal browser), the page passes axe.
    context, page = _phone(browser)
    page.goto(f"{live_server.url}/economy/soft-atm/")
    axe_check(page)
    context.close()
