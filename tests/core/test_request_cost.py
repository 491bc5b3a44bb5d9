"""What every authenticated request pays (core.users.middleware.load_authorization), and the guarantee
that goes with it: role names and the TOTP flag come from one query per request, read fresh, so a role
taken away or an authenticator removed takes effect on the very next request, whatever made the change.
Also the home page's panels, rendered inside the page's own context (core.templatetags.portal_home)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import home

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("operations_centre:dashboard")
AGENCIES = "/api/v1/core/agencies/"


def _authz_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if "auth_group" in q["sql"] or "mfa_authenticator" in q["sql"]]


def test_roles_and_totp_flag_cost_one_query_per_request(client, login, province_leader):
    login(province_leader)
    client.get("/bench/bare/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/bench/bare/").status_code == 200
    # session user row + roles/TOTP in one + the view's own query
    assert len(_authz_queries(captured)) == 1
    assert len(captured) == 3


def test_the_bare_benchmark_view_does_one_query_for_an_anonymous_visitor(client):
    with CaptureQueriesContext(connection) as captured:
        data = client.get("/bench/bare/").json()
    assert list(data) == ["count"] and data["count"] in (0, 1)
    assert len(captured) == 1


@pytest.mark.parametrize(
    "take_away",
    ["remove", "clear", "through_delete", "group_delete"],
)
def test_a_role_taken_away_never_grants_access_on_the_next_request(client, login, province_leader, take_away):
    login(province_leader)
    assert client.get(DASHBOARD).status_code == 200
    group = Group.objects.get(name="province_leader")
    if take_away == "remove":
        province_leader.groups.remove(group)
    elif take_away == "clear":
        province_leader.groups.clear()
    elif take_away == "through_delete":  # no m2m_changed signal: a cache invalidated by signals would miss it
        province_leader.groups.through.objects.filter(user_id=province_leader.pk).delete()
    else:  # deleting the group cascades to the memberships without any m2m signal either
        group.delete()
    assert client.get(DASHBOARD).status_code == 403
    assert client.get("/").status_code == 200
    assert "Công việc của tôi" not in client.get("/").content.decode()


def test_a_role_granted_shows_on_the_next_request(client, login, citizen):
    login(citizen)
    assert client.get(DASHBOARD).status_code == 403
    citizen.groups.add(Group.objects.get(name="province_leader"))
    # Now an official without TOTP: sent to enrolment, not let in, and not served a stale 403 either.
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))


def test_an_official_whose_authenticator_is_removed_is_sent_back_to_enrolment(client, login, province_leader):
    from allauth.mfa.models import Authenticator

    login(province_leader)
    assert client.get(DASHBOARD).status_code == 200
    Authenticator.objects.filter(user=province_leader).delete()
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))
    assert client.get(AGENCIES).status_code == 403


def test_two_users_never_share_roles(client, login, citizen, province_leader):
    from django.test import Client

    other = Client()
    login(citizen)
    login(province_leader, other)
    for _ in range(2):
        assert client.get(DASHBOARD).status_code == 403
        assert other.get(DASHBOARD).status_code == 200


def test_a_superuser_without_groups_keeps_every_right(client, login, sysadmin):
    sysadmin.groups.clear()
    login(sysadmin)
    assert client.get(DASHBOARD).status_code == 200


# --- home panels inside the page's context ------------------------------------------------------------


@pytest.fixture
def form_panel(tmp_path, settings):
    """A panel whose template needs what a page has: the CSRF token, the user, the request."""
    (tmp_path / "tests_panel.html").write_text(
        '<form method="post" id="panel-form">{% csrf_token %}<span id="who">{{ user.email }}</span>'
        '<span id="path">{{ request.path }}</span><span id="own">{{ greeting }}</span>'
        '<span id="name">{{ panel_name }}</span></form>',
        encoding="utf-8",
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    home.register_panel(
        "tests.form_panel", roles=None, template="tests_panel.html", context=lambda r: {"greeting": "xin chào"}
    )
    yield
    home.unregister_panel("tests.form_panel")


def test_a_panel_sees_the_page_context_and_its_own(client, login, citizen, form_panel):
    login(citizen)
    html = client.get("/").content.decode()
    assert '<span id="who">citizen@example.vn</span>' in html
    assert '<span id="path">/</span>' in html
    assert '<span id="own">xin chào</span>' in html and '<span id="name">tests.form_panel</span>' in html
    assert 'name="csrfmiddlewaretoken" value="' in html.split('id="panel-form"')[1]
    # the panel's own variables do not leak into the rest of the page
    assert html.count("xin chào") == 1


def test_the_menu_is_built_once_per_page_however_many_panels(client, login, citizen, form_panel, monkeypatch):
    import core.context_processors

    calls = []
    real = core.context_processors.navigation_for
    monkeypatch.setattr(core.context_processors, "navigation_for", lambda *a: calls.append(a) or real(*a))
    login(citizen)
    html = client.get("/").content.decode()
    assert len(home.panels_for(citizen)) >= 3  # core's citizen panel, government's, the test's
    assert len(calls) == 1
    assert reverse("government:index") in html


def test_a_fragment_without_the_site_header_never_builds_the_menu(client, login, province_leader, monkeypatch):
    import core.context_processors

    monkeypatch.setattr(core.context_processors, "navigation_for", lambda *a: pytest.fail("menu built"))
    login(province_leader)
    response = client.get(
        reverse("operations_centre:panel", args=["border_gate.crossings"])
    )  # rendered with the request context
    assert response.status_code == 200 and "<header" not in response.content.decode()
