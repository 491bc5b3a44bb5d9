"""After a refused form the error summary comes first and takes focus; code fields open a number
pad; deleting a draft asks to confirm first (all without inline script)."""

import re

import pytest
from django.urls import reverse

from government.models import Dossier
from tests.conftest import make_user
from tests.core.test_accounts import post_login
from tests.government.conftest import BIRTH, BIRTH_DATA, draft

pytestmark = pytest.mark.django_db


def test_refused_submission_starts_with_a_focusable_error_summary(login, citizen):
    dossier = draft(citizen, BIRTH, {}, files=False)
    c = login(citizen)
    response = c.post(reverse("government:dossier-edit", kwargs={"uid": dossier.uid}), {"action": "submit"})
    page = response.content.decode()
    assert response.status_code == 400
    content = page[page.index("<main") :]
    summary = re.search(r'<div class="error-summary"[^>]*>', content)
    assert summary and 'role="alert"' in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    assert content.index("error-summary") < content.index("<h1")  # first, even without JavaScript
    assert 'href="#id_ho_ten_tre"' in page and 'href="#id_doc_giay-chung-sinh"' in page
    assert re.search(r'<script src="[^"]*js/error-summary\.js"', page)
    assert "<script>" not in page  # the CSP forbids inline script


def test_unchanged_page_has_no_error_summary(login, citizen):
    dossier = draft(citizen, BIRTH, BIRTH_DATA, files=False)
    page = login(citizen).get(reverse("government:dossier-edit", kwargs={"uid": dossier.uid})).content.decode()
    assert 'class="error-summary"' not in page


def test_deleting_a_draft_asks_to_confirm(login, citizen, citizen2):
    dossier = draft(citizen, BIRTH, BIRTH_DATA, files=False)
    delete_url = reverse("government:dossier-delete", kwargs={"uid": dossier.uid})
    assert login(citizen2).get(delete_url).status_code == 404
    c = login(citizen)
    edit = c.get(reverse("government:dossier-edit", kwargs={"uid": dossier.uid})).content.decode()
    assert f'href="{delete_url}"' in edit  # a link to a confirmation page, not an instant delete
    confirm = c.get(delete_url)
    assert confirm.status_code == 200 and "Xóa bản nháp?" in confirm.content.decode()
    assert Dossier.objects.filter(pk=dossier.pk).exists()  # asking deletes nothing
    assert c.post(delete_url).status_code == 302
    assert not Dossier.objects.filter(pk=dossier.pk).exists()


def _code_input(page):
    return re.search(r'<input[^>]*name="code"[^>]*>', page).group(0)


@pytest.fixture
def new_official(db):
    from core.agencies.models import Agency

    return make_user(
        "moi.vao@langson.gov.vn",
        roles=["department_official"],
        full_name="Cán Bộ Mới",
        agency=Agency.objects.get(code="so-khcn"),
    )


def test_totp_fields_open_a_number_pad(client, border_guard, new_official):
    post_login(client, border_guard.email)
    field = _code_input(client.get(reverse("mfa_authenticate")).content.decode())
    assert 'inputmode="numeric"' in field and 'autocomplete="one-time-code"' in field and 'pattern="[0-9]*"' in field
    client.logout()
    post_login(client, new_official.email)
    field = _code_input(client.get(reverse("mfa_activate_totp")).content.decode())
    assert 'inputmode="numeric"' in field and 'autocomplete="one-time-code"' in field
