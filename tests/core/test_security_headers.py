"""The Content-Security-Policy, the Permissions-Policy and the benchmark-only view. Inline code in
any page is caught by the URL matrix (tests/html_policy.py), on every page as every persona."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from core import views
from tests.html_policy import csp_problems

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {d.strip().split(" ", 1)[0]: d.strip() for d in policy.split(";") if d.strip()}


def test_pages_forbid_inline_script_and_foreign_sources(client):
    response = client.get(reverse("home"))
    directives = _directives(response)
    assert directives["script-src"] == "script-src 'self'"
    assert directives["style-src"] == "style-src 'self'"
    assert directives["object-src"] == "object-src 'none'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert not csp_problems(response)


def test_error_pages_and_api_answers_carry_the_policy(client):
    assert "Content-Security-Policy" in client.get("/khong-co-trang-nay/")
    assert "Content-Security-Policy" in client.get("/api/v1/core/")


def test_permissions_policy_denies_powerful_features(client):
    policy = client.get(reverse("home"))["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_the_api_explorer_runs_without_inline_script(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    assert not [p for p in csp_problems(response) if "script" in p or "handler" in p]
    assert _directives(response)["script-src"] == "script-src 'self'"


def test_the_dashboard_scripts_are_files_with_their_labels_as_data(client, province_leader, login):
    login(province_leader)
    response = client.get(reverse("operations_centre:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="ioc-i18n" type="application/json"' in html and "operations_centre/dashboard.js" in html
    assert not csp_problems(response)


def test_a_page_with_inline_code_is_detected():
    """The checker the URL matrix relies on finds each kind of inline code."""

    class Page:
        content = (
            b'<p onclick="x()" style="color:red">a</p><script>alert(1)</script>'
            b'<script type="application/json">{"a": 1}</script><a href="javascript:x()">b</a>'
        )
        charset = "utf-8"
        streaming = False

        def get(self, name, default=""):
            return {
                "Content-Security-Policy": "script-src 'self'; style-src 'self'",
                "Content-Type": "text/html; charset=utf-8",
            }.get(name, default)

    problems = csp_problems(Page())
    assert len(problems) == 4, problems


def test_the_bare_benchmark_view_is_not_served_in_production(rf):
    with override_settings(PRODUCTION=True):
        from django.http import Http404

        with pytest.raises(Http404):
            views.bare_query_view(rf.get("/bench/bare/"))
    assert Client().get("/bench/bare/").status_code == 200  # outside production it is the baseline
