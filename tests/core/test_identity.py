"""Identity (issue 9): no API access with a password alone, the client address behind the trusted
proxies, well-formed request ids."""

import base64

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory, override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from core import http
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


def api_urls(resolver=None, namespace="") -> list[str]:
    """Every named URL under /api/ in the urlconf, its path parameters filled with a plausible value."""
    urls = []
    for entry in (resolver or get_resolver()).url_patterns:
        if resolver is None and not str(entry.pattern).startswith("api/"):
            continue
        if isinstance(entry, URLResolver):
            urls += api_urls(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            url = _reverse_with_samples(f"{namespace}{entry.name}", entry)
            if url.startswith("/api/") and url not in urls:
                urls.append(url)
    return urls


def _reverse_with_samples(name, entry) -> str:
    names = [n for n in entry.pattern.regex.groupindex if n != "format"]
    for sample in ("1", "00000000-0000-4000-8000-000000000000", "a"):
        try:
            return reverse(name, kwargs=dict.fromkeys(names, sample))
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot build a URL for {name}")


def basic(user) -> str:
    return "Basic " + base64.b64encode(f"{user.email}:{DEMO_PASSWORD}".encode()).decode()


def test_an_officials_password_alone_opens_no_api_endpoint(sysadmin, province_leader):
    urls = api_urls()
    assert len(urls) > 10 and "/api/v1/core/agencies/" in urls
    anonymous = Client()
    for official in (sysadmin, province_leader):  # a superuser would pass every role check
        with_password = Client()
        for url in urls:
            for method in METHODS:
                expected = getattr(anonymous, method)(url).status_code
                got = getattr(with_password, method)(url, HTTP_AUTHORIZATION=basic(official)).status_code
                assert got == expected, f"{method.upper()} {url} with {official.email}'s password: {got}"
                assert got != 500, f"{method.upper()} {url}"

    # The same official signed in (password and TOTP, a session) does reach the API.
    signed_in = Client()
    signed_in.force_login(sysadmin)
    assert signed_in.get("/api/v1/core/agencies/").status_code == 200


def test_the_schema_offers_session_and_api_key_only(client, sysadmin):
    client.force_login(sysadmin)
    schemes = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()["components"]["securitySchemes"]
    assert set(schemes) == {"cookieAuth", "ApiKeyAuth"}


# --- the client's address behind the trusted proxies --------------------------------------------


def meta_request(remote="10.0.0.1", xff=None):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 0
    assert http.client_ip(meta_request("198.51.100.9", xff="1.2.3.4")) == "198.51.100.9"


@pytest.mark.parametrize(
    ("count", "xff", "expected"),
    [
        (1, "203.0.113.5", "203.0.113.5"),
        # What the client put on the left is not trusted: the balancer's own entry is the last one.
        (1, "1.2.3.4, 203.0.113.5", "203.0.113.5"),
        (2, "1.2.3.4, 203.0.113.5, 10.0.0.7", "203.0.113.5"),
        (1, "1.2.3.4,  2001:db8::1 ", "2001:db8::1"),
        (1, "[2001:db8::2]:4431", "2001:db8::2"),
        (1, "203.0.113.5:5555", "203.0.113.5"),
        # Fewer entries than proxies, or garbage: the connection's address.
        (2, "203.0.113.5", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_client_address_is_read_from_the_right(settings, count, xff, expected):
    settings.PORTAL_TRUSTED_PROXY_COUNT = count
    assert http.client_ip(meta_request(xff=xff)) == expected


def login_behind_balancer(client, client_address, email, password):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR="10.0.0.2",  # the load balancer, for everyone
        HTTP_X_FORWARDED_FOR=client_address,
    )


@override_settings(PORTAL_TRUSTED_PROXY_COUNT=1)
def test_behind_the_balancer_one_persons_failures_do_not_lock_out_another(citizen):
    from django.contrib.auth import get_user

    attacker, owner = Client(), Client()
    for _ in range(5):
        login_behind_balancer(attacker, "203.0.113.66", citizen.email, "sai-mat-khau")
    locked = login_behind_balancer(attacker, "203.0.113.66", citizen.email, DEMO_PASSWORD)
    assert locked.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}

    # The owner, behind the same balancer from their own address, signs in.
    response = login_behind_balancer(owner, "198.51.100.20", citizen.email, DEMO_PASSWORD)
    assert response.status_code == 302
    assert get_user(owner) == citizen


@override_settings(PORTAL_TRUSTED_PROXY_COUNT=1)
def test_allauth_rate_limits_and_the_request_log_see_the_client(client, citizen):
    from allauth.account.adapter import get_adapter

    request = meta_request("10.0.0.2", xff="203.0.113.8")
    assert get_adapter(request).get_client_ip(request) == "203.0.113.8"


@override_settings(PORTAL_TRUSTED_PROXY_COUNT=1)
def test_page_rate_limits_count_each_client_behind_the_balancer():
    from django.core.cache import cache

    from core import ratelimit

    cache.delete_many([f"ratelimit:tests-identity:{ip}" for ip in ("203.0.113.31", "203.0.113.32")])
    first = meta_request("10.0.0.2", xff="203.0.113.31")
    second = meta_request("10.0.0.2", xff="203.0.113.32")
    assert ratelimit.allow(first, "tests-identity", limit=1, window_seconds=60)
    assert not ratelimit.allow(first, "tests-identity", limit=1, window_seconds=60)
    assert ratelimit.allow(second, "tests-identity", limit=1, window_seconds=60)


@override_settings(PORTAL_TRUSTED_PROXY_COUNT=1)
def test_the_public_dossier_lookup_counts_each_client_behind_the_balancer():
    from django.core.cache import cache

    from government.views import LOOKUP_LIMIT, lookup_allowed

    cache.delete_many([f"gov-lookup:{ip}" for ip in ("203.0.113.41", "203.0.113.42")])
    first = meta_request("10.0.0.2", xff="203.0.113.41")
    for _ in range(LOOKUP_LIMIT):
        assert lookup_allowed(first)
    assert not lookup_allowed(first)
    assert lookup_allowed(meta_request("10.0.0.2", xff="203.0.113.42"))


# --- request id ---------------------------------------------------------------------------------


@pytest.mark.parametrize("sent", ["req-abc_1.2", "A" * 64, "0f" * 16])
def test_a_well_formed_request_id_is_kept(client, sent):
    assert client.get("/", HTTP_X_REQUEST_ID=sent)["X-Request-ID"] == sent


@pytest.mark.parametrize(
    "sent", ["A" * 65, "", "a b", "x\u200by", "<script>", "id;drop", "é", "a\tb", "../../etc", "%0d%0a"]
)
def test_a_long_or_odd_request_id_is_replaced(client, sent):
    got = client.get("/", HTTP_X_REQUEST_ID=sent)["X-Request-ID"]
    assert got != sent and len(got) == 32 and got.isalnum()
