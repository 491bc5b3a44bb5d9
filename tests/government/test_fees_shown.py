"""Fees shown to citizens: the computed total for what they ask, before submission; fees not yet
confirmed for Lạng Sơn are marked on every page that shows them."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.government.conftest import HOUSEHOLD_BUSINESS, draft, submitted

pytestmark = pytest.mark.django_db
COPY_EXTRACT = "2.000635"  # 8.000 đ per copy, fee confirmed ("F")
MARK = "Mức phí chưa được xác nhận cho Lạng Sơn"


def test_two_copies_cost_two_fees_before_submission(login, citizen):
    from government.models import Procedure

    proc = Procedure.objects.get(code=COPY_EXTRACT)
    dossier = draft(citizen, COPY_EXTRACT, {proc.fee_unit_field: "2"}, files=False)
    page = login(citizen).get(reverse("government:dossier-edit", kwargs={"uid": dossier.uid})).content.decode()
    total = page[page.index('id="fee-total"') :][:80]
    assert "16.000" in total
    assert MARK not in page  # this one is confirmed


def test_unconfirmed_fee_is_marked_wherever_it_is_shown(login, citizen, commune_official):
    dossier = submitted(citizen, HOUSEHOLD_BUSINESS)
    assert not dossier.procedure.fee_confirmed
    c = login(citizen, Client())
    pages = {
        "list": Client().get(reverse("government:procedure-list")),
        "detail": Client().get(reverse("government:procedure-detail", kwargs={"code": HOUSEHOLD_BUSINESS})),
        "dossier": c.get(reverse("government:dossier-detail", kwargs={"uid": dossier.uid})),
        "draft": c.get(
            reverse("government:dossier-edit", kwargs={"uid": draft(citizen, HOUSEHOLD_BUSINESS, {}, files=False).uid})
        ),
        "official": login(commune_official, Client()).get(
            reverse("government:official-dossier", kwargs={"uid": dossier.uid})
        ),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert MARK in response.content.decode(), name
