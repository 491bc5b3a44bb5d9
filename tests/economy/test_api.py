"""The economy API as its clients use it: public agents and products, a customer's wallet and
transfers (idempotent: 201, then 200 on a retry, 409 for a key reused with other content), a shop's
sales by its owner, the commune figures scoped to the official, and reversals by the bank's
supervisor. Refusals are field errors in Vietnamese; nobody sees more than their role allows."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from economy.models import DigitalShop, LedgerTransaction, ShopMonthlySales
from economy.services import agents
from tests.economy.test_soft_atm import atm, commune, customers  # noqa: F401 - fixtures

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]


@pytest.fixture
def api():
    return APIClient()


def test_public_agents_and_products_need_no_login(api, atm):  # noqa: F811
    agent, _clerk, _boss = atm
    body = api.get(reverse("economy-api:agent-list") + "?commune=5977").json()
    assert [a["name"] for a in body["results"]] == [agent.name] and "balance" not in str(body)
    assert api.get(reverse("economy-api:agent-list") + "?commune=abc").status_code == 400
    shop = DigitalShop.objects.create(
        name="Hồi Văn Quan", commune=commune(), platform="voso", registered_on=dt.date(2025, 1, 1)
    )
    shop.product_list.create(name="Hoa hồi khô", category="spice", is_local_specialty=True)
    body = api.get(reverse("economy-api:product-list") + "?q=hoi kho").json()
    assert [p["name"] for p in body["results"]] == ["Hoa hồi khô"]


def test_wallet_and_transfers_are_idempotent(api, atm, customers, citizen, citizen2):  # noqa: F811
    agent, clerk, _boss = atm
    w1, w2 = customers
    agents.cash_in(actor=clerk, agent=agent, wallet_number=w1.number, amount=500_000, idempotency_key="ci")
    url = reverse("economy-api:wallet-transfer")
    assert api.post(url, {}, format="json").status_code == 403  # not signed in
    api.force_authenticate(citizen)
    body = {"to_wallet": w2.number, "amount": 120_000, "idempotency_key": "k1"}
    first = api.post(url, body, format="json")
    assert first.status_code == 201 and first.json()["replayed"] is False
    again = api.post(url, body, format="json")  # a retry after a lost answer
    assert again.status_code == 200 and again.json()["reference"] == first.json()["reference"]
    conflict = api.post(url, {**body, "amount": 1}, format="json")
    assert conflict.status_code == 409 and "idempotency_key" in conflict.json()
    bad = api.post(url, {**body, "amount": 0, "idempotency_key": "k2"}, format="json")
    assert bad.status_code == 400 and "amount" in bad.json()
    poor = api.post(url, {**body, "amount": 5_000_000, "idempotency_key": "k3"}, format="json")
    assert poor.status_code == 400 and "Số dư ví không đủ" in poor.json()["amount"][0]
    unknown = api.post(url, {**body, "to_wallet": "9000000000", "idempotency_key": "k4"}, format="json")
    assert unknown.status_code == 400 and "to_wallet" in unknown.json()
    assert LedgerTransaction.objects.filter(kind="transfer").count() == 1
    wallet = api.get(reverse("economy-api:wallet")).json()
    assert wallet["number"] == w1.number and wallet["balance"] == 380_000
    assert wallet["history"][0]["amount"] == -120_000
    api.force_authenticate(citizen2)  # no wallet
    assert api.get(reverse("economy-api:wallet")).status_code == 404


def test_shop_sales_by_the_owner_only(api, citizen, citizen2, commune_official):
    shop = DigitalShop.objects.create(
        name="Na Chi Lăng", commune=commune(), platform="postmart", registered_on=dt.date(2025, 1, 1), owner=citizen
    )
    url = reverse("economy-api:shop-sales", args=[shop.pk])
    month = timezone.localdate().strftime("%Y-%m")
    api.force_authenticate(citizen)
    bad = api.post(url, {"month": "2026-13", "orders": -1, "revenue": 5}, format="json")
    assert bad.status_code == 400 and {"month", "orders"} <= set(bad.json())
    assert api.post(url, {"month": month, "orders": 0, "revenue": 5000}, format="json").status_code == 400
    for _ in range(2):
        assert api.post(url, {"month": month, "orders": 4, "revenue": 800_000}, format="json").status_code == 200
    assert ShopMonthlySales.objects.get().revenue == 800_000
    assert api.get(url).json() == [{"month": month, "orders": 4, "revenue": 800_000, "source": "manual"}]
    api.force_authenticate(citizen2)
    assert api.get(url).status_code == 404
    assert api.post(url, {"month": month, "orders": 1, "revenue": 1}, format="json").status_code == 404
    api.force_authenticate(commune_official)  # the shop's commune
    assert api.get(url).status_code == 200


def test_commune_figures_are_scoped_to_the_official(api, commune_official, department_official, citizen):
    url = reverse("economy-api:commune-figures")
    api.force_authenticate(citizen)
    assert api.get(url).status_code == 403
    api.force_authenticate(commune_official)
    rows = api.get(url).json()
    assert [r["commune_code"] for r in rows] == [commune_official.admin_unit.code]
    api.force_authenticate(department_official)
    assert len(api.get(url).json()) > 60


def test_the_supervisor_reverses_through_the_api(api, atm, customers):  # noqa: F811
    agent, clerk, boss = atm
    w1, _w2 = customers
    txn = agents.cash_in(actor=clerk, agent=agent, wallet_number=w1.number, amount=200_000, idempotency_key="ci")
    url = reverse("economy-api:transaction-reverse", args=[txn.pk])
    api.force_authenticate(clerk)
    assert api.post(url, {"reason": "Nộp nhầm ví của khách", "idempotency_key": "r"}, format="json").status_code == 403
    api.force_authenticate(boss)
    short = api.post(url, {"reason": "nhầm", "idempotency_key": "r"}, format="json")
    assert short.status_code == 400 and "reason" in short.json()
    body = {"reason": "Nộp nhầm ví của khách", "idempotency_key": "r"}
    assert api.post(url, body, format="json").status_code == 201
    assert api.post(url, body, format="json").status_code == 200  # a retry: the same reversal
    other = api.post(url, {**body, "idempotency_key": "r2"}, format="json")
    assert other.status_code == 409 and "đã được đảo" in other.json()["reason"][0]
    assert LedgerTransaction.objects.filter(kind="reversal").count() == 1
    assert api.post(reverse("economy-api:transaction-reverse", args=[999999]), body, format="json").status_code == 404
