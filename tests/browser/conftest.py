"""Browser fixtures shared by every area's tests/browser/test_<area>.py.

- `browser`: one headless Chromium per test session, the system's /usr/bin/chromium (Playwright cannot
  download browsers here, see STACK-NOTES).
- `browser_page`: a fresh context + page per test (no cookies leak between tests), 1280×800 by default;
  resize with `page.set_viewport_size({"width": 360, "height": 740})`.
- `axe_check(page)`: injects the vendored axe-core (tests/browser/vendor/) and fails on any "serious"
  or "critical" violation.
- `browser_login(page, live_server, email, password, totp_secret=None)`: logs in through the real
  allauth form (and the TOTP step when a secret is given).

Tests using them are marked `@pytest.mark.browser` and use `live_server` with `transactional_db`
(call `call_command("load_reference_data", verbosity=0)` first when reference data is needed, or use
the `reference_data` fixture: the tables are flushed after each transactional test). After every
such test the reference data is loaded again (hook in tests/conftest.py), so the tests that run next on the same
xdist worker still find administrative units, agencies and roles.
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
MOBILE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_page(browser):
    """A page that fails its test if the browser refused anything under the Content-Security-Policy
    (an inline script, handler or style that slipped into a template)."""
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    refused = csp_refusals(page)
    yield page
    context.close()
    if refused:
        pytest.fail("refused by the Content-Security-Policy:\n" + "\n".join(refused), pytrace=False)


def csp_refusals(page) -> list[str]:
    """Collects the console's CSP refusals of `page` (and of pages it opens) into the returned list."""
    refused: list[str] = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return refused


def axe_check(page, *, impacts=("serious", "critical"), context=None, disable_rules=()):
    """Run axe-core on the current page; fail listing every violation of the given impacts.
    Returns the full list of violations (of any impact) for tests that want to inspect more."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Served from the page's own origin through a route: the CSP refuses inline scripts. A page
        # without an origin (set_content) has no CSP either: inline is fine there.
        origin = page.evaluate("() => location.origin")
        if origin == "null":
            page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
        else:
            page.route(f"{origin}/__axe__.js", lambda r: r.fulfill(path=AXE_JS, content_type="text/javascript"))
            page.add_script_tag(url=f"{origin}/__axe__.js")
    options = {"resultTypes": ["violations"]}
    if disable_rules:
        options["rules"] = {rule: {"enabled": False} for rule in disable_rules}
    result = page.evaluate(
        "([ctx, opts]) => axe.run(ctx || document, opts)",
        [context, options],
    )
    violations = result["violations"]
    bad = [v for v in violations if v.get("impact") in impacts]
    if bad:
        lines = []
        for v in bad:
            targets = ", ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:5])
            lines.append(f"[{v['impact']}] {v['id']}: {v['help']} — {targets}")
        pytest.fail(f"axe-core on {page.url}:\n" + "\n".join(lines), pytrace=False)
    return violations


def browser_login(page, live_server, email: str, password: str, totp_secret: str | None = None):
    """Log in through the real login page (and the TOTP page when `totp_secret` is given)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("form#login-form button[type=submit]")
    if totp_secret:
        import pyotp

        from tests.conftest import at_totp_step_start

        page.wait_for_selector("input[name=code]")
        with at_totp_step_start():  # the live server runs in this process: it reads the same clock
            page.fill("input[name=code]", pyotp.TOTP(totp_secret).now())
            page.click("form#mfa-authenticate-form button[type=submit]")
            page.wait_for_load_state("domcontentloaded")
    else:
        page.wait_for_load_state("domcontentloaded")
    return page


def signed_in_phone(browser, live_server, user, *, locale: str = "vi-VN"):
    """A new 360 px phone (its own cookies) with `user` signed in with password and TOTP, as every
    official signs in: for journeys where several people act in turn."""
    from tests.conftest import DEMO_PASSWORD, TOTP_SECRET

    context = browser.new_context(viewport=MOBILE, locale=locale)
    context.set_default_timeout(15_000)
    return browser_login(context.new_page(), live_server, user.email, DEMO_PASSWORD, totp_secret=TOTP_SECRET)


@pytest.fixture
def reference_data(transactional_db):
    from django.core.management import call_command

    call_command("load_reference_data", verbosity=0)


@pytest.fixture(name="axe_check")
def axe_check_fixture():
    return axe_check


@pytest.fixture(name="browser_login")
def browser_login_fixture():
    return browser_login
