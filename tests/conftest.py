"""Shared personas (like healthchecks' alice/bob/charlie), against the real PostgreSQL+PostGIS and
Redis that `make test` starts. Reference data (administrative units, agencies, roles) is loaded
once per test session by `manage.py load_reference_data`, the same command `make run` uses."""

import datetime as dt
import os
import time
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright + live_server (STACK-NOTES)

DEMO_PASSWORD = "Mat-khau-thu-nghiem-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # fixed so tests can compute codes with pyotp


LANG_SON = ZoneInfo("Asia/Ho_Chi_Minh")


def calm_moment(today: dt.date | None = None) -> dt.datetime:
    """10:00 in Lạng Sơn on the Wednesday of the week of the 15th of next month: mid-week, mid-month,
    mid-morning, and always ahead of the real clock (so nothing the session made at start-up — the
    provincial CA, reference data — is "in the future")."""
    today = today or dt.datetime.now(LANG_SON).date()
    fifteenth = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=15)
    wednesday = fifteenth + dt.timedelta(days=2 - fifteenth.weekday())
    return dt.datetime(wednesday.year, wednesday.month, wednesday.day, 10, 0, tzinfo=LANG_SON)


@pytest.fixture
def calm_clock():
    """For a test whose result depends on the calendar (today's report, this month's figures, what
    is overdue, numbers per year, the school year): the clock starts at `calm_moment()` and keeps
    ticking, so the test can neither cross a midnight, a month's or a year's end while it runs nor
    pass or fail by the day of the week it runs on."""
    with time_machine.travel(calm_moment(), tick=True) as traveller:
        yield traveller
    # What was cached under the travelled clock carries its times (a board copy "made" weeks ahead
    # looks fresh to the real clock): the next test on this worker must not be served it.
    _forget_cached_keys()


@contextmanager
def at_totp_step_start():
    """The clock goes back to the start of the current 30-second TOTP step and ticks on, so a code a
    test computes is still the current one when the server checks it, however slow the machine.
    Accepting the previous step's code (settings.MFA_TOTP_TOLERANCE) is a product decision, tested as
    one in tests/core/test_accounts.py; it is not what keeps the tests' sign-ins from failing."""
    now = time.time()
    with time_machine.travel(now - now % 30, tick=True):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)
    _forget_cached_keys()


def _forget_cached_keys():
    """Redis outlives the test databases, whose user ids start again at 1 in every run: a used
    TOTP code, a double-submit key or a board copy left by the previous run must not meet this
    run's user or crossing of the same id. Only this worker's key space is cleared."""
    from django.conf import settings
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*", count=1000):
        client.delete(key)


@pytest.fixture(scope="session", autouse=True)
def _get_writes_middleware():
    """Every GET or HEAD served in the tests is checked for writes (tests/get_writes.py). Installed
    before any test makes a client or starts the live server, both of which load MIDDLEWARE then."""
    from django.conf import settings

    settings.MIDDLEWARE = ["tests.get_writes.GetWritesMiddleware", *settings.MIDDLEWARE]
    yield
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "tests.get_writes.GetWritesMiddleware"]


@pytest.fixture(autouse=True)
def _a_get_never_writes(_get_writes_middleware):
    """The test fails (at its teardown) when a GET or HEAD it made wrote to the database outside the
    tables tests/get_writes.py allows, naming the URL and the statement."""
    from tests.get_writes import take_found

    take_found()  # a late request of the previous test's browser is not this test's
    yield
    found = take_found()
    if found and os.environ.get("GET_WRITES_LOG"):  # to collect every finding of a long run as it goes
        with open(os.environ["GET_WRITES_LOG"], "a", encoding="utf-8") as log:
            log.write("\n".join(found) + "\n")
    if found:
        pytest.fail("A GET/HEAD request wrote to the database:\n  " + "\n  ".join(found), pytrace=False)


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in English leaves English active in the thread (LocaleMiddleware activates, nothing
    deactivates); what the next test renders or stores — an e-mail, a task's stored summary — would be
    English. Each test ends back on the portal's default language."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (transactional_db, live_server, django_db(transaction=True)) ends with a
    flush of every table; reload the reference data the session loaded once, so the tests that run
    next on the same worker still find it (unless the session is ending)."""
    yield
    marker = item.get_closest_marker("django_db")
    uses_flush = bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))) or bool(
        marker and marker.kwargs.get("transaction")
    )
    if uses_flush and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            call_command("load_reference_data", verbosity=0)


def _unit(code: int):
    from core.geo.models import AdministrativeUnit

    return AdministrativeUnit.objects.get(structure="2025", level="commune", code=code)


def _agency(code: str):
    from core.agencies.models import Agency

    return Agency.objects.get(code=code)


def make_user(email: str, *, roles: list[str] = (), agency=None, admin_unit=None, totp: bool = False, **extra):
    from django.contrib.auth.models import Group

    from core.users.models import User

    user = User.objects.create_user(email=email, password=DEMO_PASSWORD, agency=agency, admin_unit=admin_unit, **extra)
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    # allauth requires a verified primary address before it lets a user log in.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if totp:
        from allauth.mfa.totp.internal.auth import TOTP

        TOTP.activate(user, TOTP_SECRET)
    return user


# Commune codes of the 2025 structure (vietnam-provinces): 5977 Phường Đông Kinh, 6184 Xã Đồng Đăng.
COMMUNE_A = 5977
COMMUNE_B = 6184


@pytest.fixture
def citizen(db):
    return make_user(
        "citizen@example.vn",
        roles=["citizen"],
        full_name="Hoàng Văn Dân",
        phone="0912345678",
        citizen_id="020090000123",
        admin_unit=_unit(COMMUNE_A),
    )


@pytest.fixture
def citizen2(db):
    return make_user(
        "citizen2@example.vn",
        roles=["citizen"],
        full_name="Lương Thị Hoa",
        phone="0987654321",
        citizen_id="020195000456",
        admin_unit=_unit(COMMUNE_B),
    )


@pytest.fixture
def enterprise_rep(db):
    return make_user(
        "enterprise@example.vn", roles=["enterprise_representative"], full_name="Nông Văn Xuất", phone="0905111222"
    )


@pytest.fixture
def commune_official(db):
    unit = _unit(COMMUNE_A)
    return make_user(
        "commune.official@langson.gov.vn",
        roles=["commune_official"],
        full_name="Vi Thị Xã",
        agency=_agency(f"ubnd-xa-{COMMUNE_A}"),
        admin_unit=unit,
        totp=True,
    )


@pytest.fixture
def other_commune_official(db):
    unit = _unit(COMMUNE_B)
    return make_user(
        "commune.b@langson.gov.vn",
        roles=["commune_official"],
        full_name="Hà Văn Đồng",
        agency=_agency(f"ubnd-xa-{COMMUNE_B}"),
        admin_unit=unit,
        totp=True,
    )


@pytest.fixture
def department_official(db):
    return make_user(
        "department.official@langson.gov.vn",
        roles=["department_official"],
        full_name="Chu Văn Sở",
        agency=_agency("so-khcn"),
        totp=True,
    )


@pytest.fixture
def province_leader(db):
    return make_user(
        "leader@langson.gov.vn",
        roles=["province_leader"],
        full_name="Lãnh Đạo Tỉnh",
        agency=_agency("ubnd-tinh"),
        totp=True,
    )


@pytest.fixture
def border_guard(db):
    return make_user(
        "bienphong.huunghi@langson.gov.vn",
        roles=["border_officer"],
        full_name="Triệu Văn Biên",
        agency=_agency("huu-nghi-border_guard"),
        totp=True,
    )


@pytest.fixture
def customs_officer(db):
    return make_user(
        "haiquan.huunghi@langson.gov.vn",
        roles=["border_officer"],
        full_name="Đinh Thị Quan",
        agency=_agency("huu-nghi-customs"),
        totp=True,
    )


@pytest.fixture
def party_official(db):
    return make_user(
        "party.official@langson.gov.vn",
        roles=["party_official"],
        full_name="Lý Văn Đảng",
        agency=_agency("tinh-uy"),
        totp=True,
    )


@pytest.fixture
def sysadmin(db):
    return make_user(
        "admin@langson.gov.vn",
        roles=["system_administrator"],
        full_name="Quản Trị",
        is_staff=True,
        is_superuser=True,
        totp=True,
    )


@pytest.fixture
def outsider(db):
    """Signed in, verified, but holds no role at all."""
    return make_user("outsider@example.vn", full_name="Người Ngoài")


@pytest.fixture
def login(client):
    """Log a persona in on the test client, MFA included (force_login + a verified-MFA session)."""

    def _login(user, c=None):
        c = c or client
        c.force_login(user)
        return c

    return _login


@pytest.fixture
def celery_eager():
    """Run Celery tasks in-process for this test. Set on the Celery app itself: overriding the Django
    setting is not enough once the app has read its configuration (which depends on test order)."""
    from lang_son_portal.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous
