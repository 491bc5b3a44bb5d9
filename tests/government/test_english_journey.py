"""A citizen who chose English walks the level-4 journey and meets no Vietnamese (issue 11): sign-up
errors, the procedure catalogue, every procedure's page and declaration form (labels, options, help,
documents), a refused draft, the dossier page with its declaration, timeline and fee, the payment page.

The check is strict: any Vietnamese letter with a diacritic in the visible text fails, once the data
that is Vietnamese in every language is taken out — names of people and places (what the citizen
typed, administrative units, crossings), the language switch's "Tiếng Việt", and legal document
numbers (…/NĐ-CP)."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core.geo.models import AdministrativeUnit
from government.models import Procedure
from tests.government.conftest import BIRTH, BIRTH_DATA, BUSINESS_DATA, HOUSEHOLD_BUSINESS, draft, pay, submitted

pytestmark = pytest.mark.django_db

VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ]"
)
# Place names in texts (fee notes cite other provinces' rates), legal document numbers.
PROPER_NOUNS = ["Tiếng Việt", "Lạng Sơn", "Đồng Nai", "Hải Phòng", "Đông Kinh", "Việt Nam"]
DOCUMENT_NUMBER = re.compile(r"\b\d+(?:/\d{4})?/[A-ZĐ]+(?:-[A-ZĐ]+)*")


def visible_text(html: str) -> str:
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    attributes = re.findall(r'\b(?:aria-label|placeholder|alt|title)="([^"]*)"', html)
    options = re.findall(r"(?is)<option[^>]*>(.*?)</option>", html)
    text = re.sub(r"(?s)<[^>]+>", " ", html)
    from html import unescape

    return re.sub(r"\s+", " ", unescape(" ".join([text, *attributes, *options])))


def vietnamese_left(html: str, data: list[str]) -> list[str]:
    text = visible_text(html)
    for value in sorted(set(data) | set(PROPER_NOUNS), key=len, reverse=True):
        if value:
            text = text.replace(value, " ")
    text = DOCUMENT_NUMBER.sub(" ", text)
    words = re.findall(r"\S+", text)
    return sorted({w for w in words if VIETNAMESE.search(w)})


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def names() -> list[str]:
    return list(AdministrativeUnit.objects.values_list("name", flat=True))


def assert_english(response, data=(), status=200):
    assert response.status_code == status, (response.status_code, response.request["PATH_INFO"])
    html = response.content.decode()
    assert '<html lang="en">' in html
    left = vietnamese_left(html, [*names(), *data])
    assert not left, f"Vietnamese on the English page {response.request['PATH_INFO']}: {' '.join(left)}"


def test_sign_up_errors_are_english(db):
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = c.post(
        reverse("account_signup"),
        {"email": "not-an-address", "full_name": "", "password1": "12345678", "password2": "87654321"},
    )
    assert_english(page)
    text = visible_text(page.content.decode())
    assert "This password is too short" in text or "too short" in text
    # an address already taken, a common password
    page = c.post(
        reverse("account_signup"),
        {"email": "x@example.vn", "full_name": "Lò Văn Tú", "password1": "password", "password2": "password"},
    )
    assert_english(page, data=["Lò Văn Tú"])
    assert "too common" in visible_text(page.content.decode())


def test_the_procedure_catalogue_and_every_declaration_form_are_english(english, login, citizen):
    login(citizen, english)
    # the sources the catalogue cites are quoted as they are
    me = [citizen.full_name, *(s for p in Procedure.objects.all() for s in p.sources)]
    assert_english(english.get(reverse("government:procedure-list")), data=me)
    failures = []
    for procedure in Procedure.objects.filter(is_active=True):
        dossier = draft(citizen, procedure.code, files=False)
        for url in (
            reverse("government:procedure-detail", kwargs={"code": procedure.code}),
            reverse("government:dossier-new", kwargs={"code": procedure.code}),
            reverse("government:dossier-edit", kwargs={"uid": dossier.uid}),
        ):
            try:
                assert_english(english.get(url), data=me)
            except AssertionError as exc:
                failures.append(f"{procedure.code}: {exc}")
    assert not failures, "\n".join(failures)


def test_a_refused_draft_and_the_dossier_pages_are_english(english, login, citizen):
    login(citizen, english)
    typed = [*BIRTH_DATA.values(), *BUSINESS_DATA.values(), citizen.full_name]
    dossier = draft(citizen, BIRTH, files=False)
    refused = english.post(reverse("government:dossier-edit", kwargs={"uid": dossier.uid}), {"action": "submit"})
    assert_english(refused, data=typed, status=400)
    birth = submitted(citizen, BIRTH)
    assert_english(english.get(reverse("government:dossier-detail", kwargs={"uid": birth.uid})), data=typed)
    business = submitted(citizen, HOUSEHOLD_BUSINESS)
    assert_english(english.get(reverse("government:dossier-detail", kwargs={"uid": business.uid})), data=typed)
    payment_page = english.post(reverse("government:dossier-pay", kwargs={"uid": business.uid}), follow=True)
    assert_english(payment_page, data=typed)
    pay(business)
    assert_english(english.get(reverse("government:dossier-detail", kwargs={"uid": business.uid})), data=typed)
    assert_english(english.get(reverse("government:my-dossiers")), data=typed)
