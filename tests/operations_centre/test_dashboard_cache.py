"""The dashboard's cached parts (government/operations_centre/views.py _dashboard_page and caching.py):
shared between officials of the same scope, never carrying anyone's name or CSRF token, retired as
soon as a snapshot run finishes, and served without touching the snapshot tables in between."""

import re
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.indicators.services import bump_generation
from government.operations_centre import caching
from tests.conftest import make_user
from tests.operations_centre.conftest import COMMUNE_A

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]
DASHBOARD = reverse("operations_centre:dashboard")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def figures(fake_registry, snapshot):
    now = timezone.now()
    snapshot("test.share", now - timezone.timedelta(days=1), 55.0)
    snapshot("test.share", now - timezone.timedelta(days=1), 45.0, commune=COMMUNE_A)
    snapshot("test.count", now - timezone.timedelta(days=1), 1234.0)
    return snapshot


@pytest.fixture
def second_leader(db):
    return make_user("leader2@langson.gov.vn", roles=["province_leader"], full_name="Phó Chủ Tịch Thử", totp=True)


def test_officials_share_the_parts_but_each_page_is_their_own(client, login, province_leader, second_leader, figures):
    other = Client()
    login(province_leader)
    login(second_leader, other)
    first = client.get(DASHBOARD + "?indicator=test.share").content.decode()
    with CaptureQueriesContext(connection) as captured:
        second = other.get(DASHBOARD + "?indicator=test.share").content.decode()
    # The second official's page came from the cache: no snapshot read at all...
    assert not [q for q in captured if "indicators_" in q["sql"]]
    # ...yet it carries their own name and CSRF token, never the first official's.
    assert "Lãnh Đạo Tỉnh" in first and "Phó Chủ Tịch Thử" not in first
    assert "Phó Chủ Tịch Thử" in second and "Lãnh Đạo Tỉnh" not in second
    token_first, token_second = CSRF.findall(first), CSRF.findall(second)
    assert token_first and token_second and not set(token_first) & set(token_second)
    # The refresh buttons submit the page's own form, which holds this request's token.
    assert '<form method="post" id="ioc-refresh" hidden><input type="hidden" name="csrfmiddlewaretoken"' in second
    assert "55,0" in first and "55,0" in second


def test_a_finished_snapshot_run_shows_at_once(client, login, province_leader, figures):
    login(province_leader)
    assert "55,0" in client.get(DASHBOARD).content.decode()
    figures("test.share", timezone.now() - timezone.timedelta(hours=1), 61.5)
    bump_generation()  # what a finished run does (core.indicators.services, on commit)
    page = client.get(DASHBOARD).content.decode()
    assert "61,5" in page


def test_a_commune_officials_locked_view_differs_from_a_leaders_drill_down(
    client, login, province_leader, commune_official, figures
):
    other = Client()
    login(province_leader)
    login(commune_official, other)
    drill = client.get(reverse("operations_centre:commune", args=[COMMUNE_A])).content.decode()
    locked = other.get(DASHBOARD).content.decode()
    assert 'id="back-to-province"' in drill and 'id="back-to-province"' not in locked
    assert '"locked": true' in locked and '"locked": false' in drill
    assert f"{reverse('operations_centre:commune', args=[COMMUNE_A])}export.xlsx" in drill
    assert f"{DASHBOARD}export.xlsx" in locked


def test_english_and_vietnamese_pages_are_cached_apart(client, login, province_leader, figures):
    login(province_leader)
    vi = client.get(DASHBOARD).content.decode()
    client.cookies["portal_language"] = "en"
    en = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Trung tâm điều hành thông minh" in vi
    assert 'lang="en"' in en and "Toàn tỉnh" in vi and "Toàn tỉnh" not in en


def test_map_values_are_cached_per_scope(client, login, province_leader, commune_official, figures):
    url = reverse("operations_centre:map-values") + "?indicator=test.share"
    other = Client()
    login(province_leader)
    login(commune_official, other)
    province = client.get(url).json()
    assert province["values"] == {str(COMMUNE_A): 45.0} and province["ranking"]
    figures("test.share", timezone.now() - timezone.timedelta(hours=2), 99.0, commune=6184)
    assert client.get(url).json() == province  # cached until the next snapshot run...
    own = other.get(url).json()  # ...but never another scope's payload
    assert set(own["values"]) <= {str(COMMUNE_A)} and "6184" not in own["values"] and own["ranking"] == []
    bump_generation()
    assert client.get(url).json()["values"] == {"6184": 99.0}  # the newest snapshot of the communes


def test_redis_losing_the_generation_never_brings_back_an_older_payload(client, login, province_leader, figures):
    """Redis is not the source of truth: flushed or restarted, it loses the generation counter. The
    web process still holds payloads keyed by the generations it served; a counter starting again
    where an old one started would hand it back the payload of older snapshots."""
    from core.indicators import services as indicator_services

    def redis_loses_the_counter():
        cache.delete(indicator_services.cache_key(indicator_services.GENERATION_KEY))
        indicator_services._local_generation.clear()  # and this process's two-second memo of it

    url = reverse("operations_centre:map-values") + "?indicator=test.share"
    login(province_leader)
    redis_loses_the_counter()
    assert client.get(url).json()["values"] == {str(COMMUNE_A): 45.0}
    figures("test.share", timezone.now() - timezone.timedelta(hours=2), 99.0, commune=6184)
    bump_generation()
    assert client.get(url).json()["values"] == {"6184": 99.0}
    redis_loses_the_counter()
    assert client.get(url).json()["values"] == {"6184": 99.0}


def test_a_clock_set_back_never_brings_back_an_older_payload(client, login, province_leader, figures):
    """The same loss with the clock set back after it (NTP stepping it, a restored VM — and, in this
    suite, every test on the calm clock starting at the same instant): the counter starts above every
    generation this process has served, not at a time it has already used."""
    import time_machine

    from core.indicators import services as indicator_services

    def redis_loses_the_counter():
        cache.delete(indicator_services.cache_key(indicator_services.GENERATION_KEY))
        indicator_services._local_generation.clear()

    url = reverse("operations_centre:map-values") + "?indicator=test.share"
    login(province_leader)
    moment = timezone.now()
    with time_machine.travel(moment, tick=False):
        redis_loses_the_counter()
        assert client.get(url).json()["values"] == {str(COMMUNE_A): 45.0}
    figures("test.share", timezone.now() - timezone.timedelta(hours=2), 99.0, commune=6184)
    with time_machine.travel(moment, tick=False):  # the same instant again
        redis_loses_the_counter()
        assert client.get(url).json()["values"] == {"6184": 99.0}


def test_the_public_page_is_cached_per_generation_and_language(client, figures):
    url = reverse("operations_centre:public")
    page = client.get(url).content.decode()
    assert "Tỷ lệ thử" in page and "55,0" in page and "Số đếm thử" not in page  # public indicators only
    figures("test.share", timezone.now() - timezone.timedelta(hours=1), 61.5)
    assert "55,0" in client.get(url).content.decode()
    bump_generation()
    assert "61,5" in client.get(url).content.decode()
    client.cookies["portal_language"] = "en"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in english and "Số liệu chuyển đổi số tỉnh Lạng Sơn" not in english


# --- government.operations_centre.caching ---------------------------------------------------------------------------


@pytest.fixture
def fresh_local():
    caching.clear_local()
    yield
    caching.clear_local()


def _key(name):
    from core.indicators.services import cache_key

    return cache_key(f"tests:caching:{name}:{timezone.now().timestamp()}")


def test_computed_once_then_served_from_the_process_without_redis(fresh_local):
    key, calls = _key("once"), []
    assert caching.get_or_compute(key, 60, lambda: calls.append(1) or "payload") == "payload"
    with mock.patch.object(caching.cache, "get", side_effect=AssertionError("Redis read")):
        assert caching.get_or_compute(key, 60, lambda: calls.append(1) or "other") == "payload"
    assert calls == [1]


def test_another_process_takes_it_from_redis(fresh_local):
    key, calls = _key("redis"), []
    caching.get_or_compute(key, 60, lambda: calls.append(1) or "payload")
    caching.clear_local()  # as seen from a second web process
    assert caching.get_or_compute(key, 60, lambda: calls.append(1) or "other") == "payload"
    assert calls == [1]


def test_the_redis_expiry_travels_with_the_value(fresh_local):
    import time

    # The clock stands still, then jumps: no sleeping, and a slow machine cannot let the short-lived
    # value expire before it is read.
    with time_machine.travel(time.time(), tick=False) as clock:
        key = _key("expiry")
        caching.cache.set(key, (time.time() - 1, "expired elsewhere"), 60)
        assert caching.get_or_compute(key, 60, lambda: "recomputed") == "recomputed"
        caching.cache.set(key, (time.time() + 10, "short-lived"), 60)
        caching.clear_local()
        assert caching.get_or_compute(key, 60, lambda: "x") == "short-lived"
        clock.shift(11)
        assert caching.get_or_compute(key, 60, lambda: "fresh") == "fresh"


def test_the_process_keeps_a_bounded_number_of_payloads(fresh_local, monkeypatch):
    monkeypatch.setattr(caching, "LOCAL_MAX_ENTRIES", 3)
    keys = [_key(f"lru-{i}") for i in range(5)]
    for i, key in enumerate(keys):
        caching.get_or_compute(key, 60, lambda i=i: i)
    assert list(caching._local) == keys[2:]
