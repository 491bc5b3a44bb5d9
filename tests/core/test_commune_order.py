"""Commune lists are sorted as Vietnamese readers expect (A Ă Â … D Đ … U Ư), not by byte order,
which puts every name starting with Đ, Â or Ư after Z."""

import pytest
from django.urls import reverse

from core.geo.models import AdministrativeUnit
from government.forms import commune_choices

pytestmark = pytest.mark.django_db

# Already in the Vietnamese order.
NAMES = ["Xã An", "Xã Ăn Khê", "Xã Âu Lạc", "Xã Bình", "Xã Dương", "Xã Đồng Tâm", "Xã Uy", "Xã Ưng Lộc", "Xã Vân"]


@pytest.fixture
def communes(db):
    for offset, name in enumerate(reversed(NAMES)):
        AdministrativeUnit.objects.create(
            code=990000 + offset, name=name, division_type="Xã", level="commune", structure="2025"
        )


def _ours(names):
    return [n for n in names if n in NAMES]


def test_commune_choices_follow_the_vietnamese_alphabet(communes):
    assert _ours([label for _, label in commune_choices()]) == NAMES


def test_the_new_dossier_page_lists_communes_in_vietnamese_order(login, citizen, communes):
    page = login(citizen).get(reverse("government:dossier-new", kwargs={"code": "1.001193"})).content.decode()
    positions = [page.index(f">{name}<") for name in NAMES]
    assert positions == sorted(positions)
