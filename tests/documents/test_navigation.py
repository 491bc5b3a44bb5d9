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
