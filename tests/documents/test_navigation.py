"""Officials find documents, periodic reporting and the API clients page from their home page ("Công
việc của tôi") — each only when they may open it (a link never leads to a 403), and the page opens.
The site menu keeps to the pillars (seven entries fit a 360 px screen: tests/core/test_i18n_complete.py)."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

pytestmark = pytest.mark.django_db

DOCUMENTS, REPORTING, API_CLIENTS = "documents:index", "reporting:index", "api_clients:list"


def _work_links(client) -> set[str]:
    html = client.get(reverse("home")).content.decode()
    panel = html.split('data-panel="core.official_work"')[1].split("</section>")[0]
    return set(re.findall(r'<a href="([^"]+)"', panel))


def test_officials_find_their_work_and_open_it(commune_official, department_official, party_official, login):
    for official in (commune_official, department_official):
        client = login(official)
        links = _work_links(client)
        assert {reverse(DOCUMENTS), reverse(REPORTING)} <= links
        assert reverse(API_CLIENTS) not in links  # no key to manage
        for name in (DOCUMENTS, REPORTING):
            assert client.get(reverse(name)).status_code == 200
    party = login(party_official)
    links = _work_links(party)
    assert reverse(DOCUMENTS) in links and reverse(REPORTING) not in links  # reporting is not theirs
    for url in links:
        assert party.get(url).status_code == 200, url


def test_the_api_clients_link_appears_for_an_agency_administrator(department_official, login):
    department_official.user_permissions.add(Permission.objects.get(codename="manage_api_clients"))
    client = login(department_official)
    assert reverse(API_CLIENTS) in _work_links(client)
    page = client.get(reverse(API_CLIENTS))
    assert page.status_code == 200 and "Hệ thống kết nối (API)" in page.content.decode()


# --- the work menu in the header (core.navigation.WORK_NAV) ----------------------------------------------


def _work_menu(client, path="/") -> list[tuple[str, str, bool]]:
    html = client.get(path).content.decode()
    nav = re.search(r'(?s)<nav aria-label="(?:Công việc của tôi|My work)" class="pillars work">(.*?)</nav>', html)
    if nav is None:
        return []
    return [
        (url, label, bool(cur))
        for url, cur, label in re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav.group(1))
    ]


def test_the_header_offers_each_official_their_work_and_every_entry_opens(
    commune_official, party_official, province_leader, login
):
    expected = {
        commune_official: ["Văn bản", "Công việc", "Lịch họp", "Báo cáo định kỳ"],
        province_leader: ["Văn bản", "Công việc", "Lịch họp", "Báo cáo định kỳ"],
        party_official: ["Văn bản", "Công việc", "Lịch họp"],  # reporting is not theirs
    }
    for official, labels in expected.items():
        client = login(official)
        menu = _work_menu(client)
        assert [label for _, label, _ in menu] == labels, official.email
        for url, _, _ in menu:
            assert client.get(url).status_code == 200, (official.email, url)


def test_no_work_menu_for_citizens_visitors_or_roles_without_work(client, citizen, border_guard, login):
    assert _work_menu(client) == []
    for person in (citizen, border_guard):
        assert _work_menu(login(person)) == [], person.email


def test_the_current_work_entry_is_marked(commune_official, login):
    client = login(commune_official)
    current = [label for _, label, cur in _work_menu(client, reverse("documents:tasks")) if cur]
    assert current == ["Công việc"]  # the longest prefix, not "Văn bản" (/van-ban/)
    current = [label for _, label, cur in _work_menu(client, reverse("documents:search")) if cur]
    assert current == ["Văn bản"]


def test_a_role_removed_changes_the_menu_on_the_next_request(commune_official, login):
    """The menus are kept per role set and language, not per person: the roles are read fresh."""
    from django.contrib.auth.models import Group

    client = login(commune_official)
    assert "Báo cáo định kỳ" in [label for _, label, _ in _work_menu(client)]
    commune_official.groups.remove(Group.objects.get(name="commune_official"))
    assert _work_menu(client) == []


def test_the_menus_follow_the_language(commune_official, login):
    client = login(commune_official)
    client.post(reverse("users:switch-language"), {"language": "en", "next": "/"})
    labels = [label for _, label, _ in _work_menu(client)]
    assert labels and "Văn bản" not in labels and "Documents" in labels
    client.post(reverse("users:switch-language"), {"language": "vi", "next": "/"})
    assert "Văn bản" in [label for _, label, _ in _work_menu(client)]
