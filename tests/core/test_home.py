"""The role-aware home page, the panel registry and the pillar navigation."""

import pytest
from django.urls import reverse

from core import home
from core.navigation import navigation_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample_panel():
    home.register_panel(
        "tests.leaders_only",
        roles={"province_leader"},
        template="core/home/_official.html",
        context=lambda request: {"role_labels": ["PANEL-FOR-LEADERS"], "links": []},
        order=1,
    )
    home.register_panel(
        "tests.everyone",
        roles=None,
        template="core/home/_official.html",
        context=lambda request: {"role_labels": [f"PANEL-FOR-{request.user.email}"], "links": []},
        order=2,
    )
    yield
    home.unregister_panel("tests.leaders_only")
    home.unregister_panel("tests.everyone")


def test_anonymous_home_shows_what_the_portal_offers_and_how_to_sign_in(client, sample_panel):
    html = client.get("/").content.decode()
    assert "Cổng cung cấp" in html
    assert reverse("account_login") in html and reverse("account_signup") in html
    assert "Dịch vụ công trực tuyến toàn trình" in html
    assert "PANEL-FOR" not in html


def test_panels_follow_roles(client, login, citizen, province_leader, sample_panel):
    login(citizen)
    html = client.get("/").content.decode()
    assert "PANEL-FOR-citizen@example.vn" in html
    assert "PANEL-FOR-LEADERS" not in html
    client.logout()
    login(province_leader)
    html = client.get("/").content.decode()
    assert "PANEL-FOR-LEADERS" in html and "PANEL-FOR-leader@langson.gov.vn" in html
    # order: leaders panel (order 1) before the everyone panel (order 2)
    assert html.index("PANEL-FOR-LEADERS") < html.index("PANEL-FOR-leader@langson.gov.vn")


def test_superuser_sees_every_panel(client, login, sysadmin, sample_panel):
    login(sysadmin)
    assert "PANEL-FOR-LEADERS" in client.get("/").content.decode()


def test_registering_a_panel_twice_replaces_it(sample_panel):
    before = len(home.registered_panels())
    home.register_panel("tests.everyone", roles=None, template="core/home/_citizen.html")
    assert len(home.registered_panels()) == before


def test_citizen_home_asks_to_complete_the_profile(client, login, citizen):
    from core.users.models import User

    User.objects.filter(pk=citizen.pk).update(phone="", citizen_id="")
    login(citizen)
    html = client.get("/").content.decode()
    assert "Xin chào, Hoàng Văn Dân" in html
    assert "Tài khoản của tôi" in html
    assert "số điện thoại, số CCCD" in html
    assert "Công việc của tôi" not in html


def test_official_home_shows_their_work_panel(client, login, commune_official):
    login(commune_official)
    html = client.get("/").content.decode()
    assert "Công việc của tôi" in html
    assert "Cán bộ xã, phường" in html
    assert "Phường Đông Kinh" in html  # their agency / commune
    assert "Tài khoản của tôi" not in html
    assert reverse("mfa_index") in html


def test_outsider_sees_no_role_panels(client, login, outsider):
    login(outsider)
    html = client.get("/").content.decode()
    assert "Công việc của tôi" not in html and "Tài khoản của tôi" not in html


def test_navigation_shows_only_what_the_role_may_use(citizen, party_official, province_leader):
    party_url = reverse("party:index")
    assert party_url not in [i["url"] for i in navigation_for(None)]
    assert party_url not in [i["url"] for i in navigation_for(citizen)]
    assert party_url in [i["url"] for i in navigation_for(party_official)]
    assert party_url in [i["url"] for i in navigation_for(province_leader)]
    current = [i for i in navigation_for(citizen, "/government/some/page/") if i["current"]]
    assert [i["url"] for i in current] == [reverse("government:index")]


def test_layout_has_landmarks_skip_link_and_current_page(client):
    html = client.get("/government/").content.decode()
    assert '<a class="skip" href="#main">' in html
    assert '<main id="main"' in html and "<header" in html and "<footer" in html
    assert '<nav aria-label="Trụ cột"' in html
    assert 'aria-current="page"' in html
    assert "<script" not in html  # citizen pages work without JavaScript
