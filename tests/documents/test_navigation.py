"""Officials find documents, periodic reporting and the API clients page in the site menu — each only
when they may open it (the menu never leads to a 403), and the page it leads to opens."""

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.urls import reverse

from core.navigation import navigation_for

pytestmark = pytest.mark.django_db

DOCUMENTS, REPORTING, API_CLIENTS = "documents:index", "reporting:index", "api_clients:list"


def _menu(user) -> set[str]:
    return {i["url"] for i in navigation_for(user)}


def test_officials_find_their_work_and_citizens_do_not(citizen, commune_official, department_official, login):
    assert not {reverse(DOCUMENTS), reverse(REPORTING), reverse(API_CLIENTS)} & _menu(citizen)
    for official in (commune_official, department_official):
        menu = _menu(official)
        assert {reverse(DOCUMENTS), reverse(REPORTING)} <= menu
        assert reverse(API_CLIENTS) not in menu  # no key to manage
        page = login(official).get(reverse("home"))
        body = page.content.decode()
        assert "Văn bản, điều hành" in body and "Báo cáo định kỳ" in body
        for name in (DOCUMENTS, REPORTING):
            assert login(official).get(reverse(name)).status_code == 200


def test_the_api_clients_entry_appears_for_an_agency_administrator(department_official, login):
    department_official.user_permissions.add(Permission.objects.get(codename="manage_api_clients"))
    cache.delete(f"nav:perm:{department_official.pk}:api_clients.manage_api_clients")
    from core.users.models import User

    admin = User.objects.get(pk=department_official.pk)  # permissions are cached on the instance
    assert reverse(API_CLIENTS) in _menu(admin)
    page = login(admin).get(reverse(API_CLIENTS))
    assert page.status_code == 200 and "Kết nối API" in page.content.decode()
