"""Statements and the nightly reconciliation, as the people who read them would: the customer's
history and balance on the phone page, the agent's day and float at the counter, the bank's
supervisor's agents by commune (their bank's only), and the Celery job that reconciles every agent
and puts a difference on the supervisor's page to resolve."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.notifications.models import Notification
from economy import tasks
from economy.models import AgentStaff, BankSupervisor, Reconciliation, SoftAtmAgent
from economy.services import agents, wallets
from tests.conftest import make_user
from tests.economy.test_soft_atm import atm, commune, customers, sms_code  # noqa: F401 - fixtures

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]


def text_of(response) -> str:
    """The page's text with thousands separators dropped, so amounts read as plain numbers."""
    html = response.content.decode()
    return re.sub(r"(?<=\d)[.,\u202f\xa0](?=\d{3})", "", re.sub(r"<[^>]+>", " ", html))


def test_customer_agent_and_supervisor_each_see_their_own_statement(client, login, atm, customers, citizen):  # noqa: F811
    agent, clerk, boss = atm
    w1, w2 = customers
    cash_in = agents.cash_in(actor=clerk, agent=agent, wallet_number=w1.number, amount=700_000, idempotency_key="c")
    transfer = wallets.wallet_transfer(
        actor=citizen, source=w1, to_number=w2.number, amount=250_000, idempotency_key="t"
    )
    # The customer: balance and history, newest first, with the references a receipt prints.
    login(citizen)
    page = text_of(client.get(reverse("economy:wallet")))
    assert "450000 đ" in page
    assert page.index(transfer.reference) < page.index(cash_in.reference)
    # The agent: the day's operations (the cash-in, not the customers' transfer) and float and cash.
    login(clerk)
    page = text_of(client.get(reverse("economy:counter")))
    assert cash_in.reference in page and transfer.reference not in page
    agent.refresh_from_db()
    assert f"{agent.float_account.balance} đ" in page and f"{agent.cash_account.balance} đ" in page
    # The supervisor: the bank's agents grouped by commune, not another bank's.
    other = SoftAtmAgent.objects.create(
        name="Điểm ATM mềm BIDV Chi Lăng", commune=commune(), address="x", bank="BIDV", opened_on=dt.date(2024, 1, 1)
    )
    login(boss)
    page = text_of(client.get(reverse("economy:supervision")))
    assert commune().name in page and agent.name in page and other.name not in page
    assert str(agent.float_account.balance) in page
    # A customer cannot read the counter's or the supervisor's statement.
    login(citizen)
    assert client.get(reverse("economy:counter")).status_code == 403
    assert client.get(reverse("economy:supervision")).status_code == 403


def test_nightly_job_reconciles_every_agent_and_a_difference_is_resolved(client, login, atm, customers, celery_eager):  # noqa: F811
    agent, clerk, boss = atm
    w1, _w2 = customers
    second = SoftAtmAgent.objects.create(
        name="Điểm ATM mềm Agribank số 2",
        commune=commune(),
        address="y",
        bank="Agribank",
        opened_on=dt.date(2024, 1, 1),
    )
    clerk2 = make_user("clerk2@example.vn", full_name="Hà Thị Quầy")
    AgentStaff.objects.create(agent=second, user=clerk2)
    agents.agent_fund(actor=boss, agent=second, emoney=1_000_000, cash=2_000_000, idempotency_key="fund-2")
    agents.cash_in(actor=clerk, agent=agent, wallet_number=w1.number, amount=300_000, idempotency_key="ci")
    today = timezone.localdate()
    agents.agent_declare_cash(actor=clerk, agent=agent, day=today, amount=5_300_000)  # counted right
    agents.agent_declare_cash(actor=clerk2, agent=second, day=today, amount=1_900_000)  # 100,000 short
    # The beat's task: one reconciliation per active agent; run twice, it changes nothing.
    for _ in range(2):
        assert tasks.reconcile_agents(today.isoformat()) == 2
    rows = {r.agent_id: r for r in Reconciliation.objects.filter(day=today)}
    assert rows[agent.pk].status == "matched" and rows[second.pk].status == "flagged"
    assert rows[second.pk].expected_cash == 2_000_000
    assert Notification.objects.filter(event="economy.reconciliation.flagged", recipient=boss).count() == 1
    # The supervisor sees the difference, and resolves it on its page (a reason is required).
    login(boss)
    page = text_of(client.get(reverse("economy:supervision")))
    assert second.name in page and "2000000" in page and "1900000" in page
    url = reverse("economy:reconciliation-resolve", args=[rows[second.pk].pk])
    response = client.post(url, {"resolution": ""})
    assert response.status_code == 200 and Reconciliation.objects.get(pk=rows[second.pk].pk).status == "flagged"
    assert client.post(url, {"resolution": "Nhân viên chi nhầm, đã thu hồi 100.000 đ"}).status_code == 302
    assert Reconciliation.objects.get(pk=rows[second.pk].pk).status == "resolved"
    assert "Không có chênh lệch nào" in client.get(reverse("economy:supervision")).content.decode()
    # Another bank's supervisor cannot open it.
    stranger = make_user("vcb@example.vn", full_name="Giám sát VCB")
    BankSupervisor.objects.create(user=stranger, bank="Vietcombank")
    login(stranger)
    assert client.get(url).status_code == 404
