"""Paying a fee from a wallet through core's payment interface, as the "wallet" provider: the payment
page offers it, the wallet is debited once, the fee is settled through core's signed callback path
(receipt, on_paid), and when core will not settle nothing is debited."""

import pytest
from django.urls import reverse

from core.errors import ServiceError
from core.payments.models import Payment
from core.payments.registry import register_purpose, unregister_purpose
from core.payments.sandbox import sandbox_bank_send
from core.payments.services import payment_create
from economy.models import LedgerTransaction
from economy.selectors import ledger_drift
from economy.services import agents
from economy.services.payments import wallet_pay_payment
from tests.economy.test_soft_atm import atm, customers  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_calls():
    calls = []
    register_purpose("tests.wallet_fee", label="Lệ phí thử nghiệm", on_paid=lambda p: calls.append(p.pk))
    yield calls
    unregister_purpose("tests.wallet_fee")


@pytest.fixture
def fee(paid_calls, citizen):
    from core.agencies.models import Agency

    return payment_create(
        purpose="tests.wallet_fee",
        amount=150_000,
        payer=citizen,
        description="Lệ phí hồ sơ 05977.H37-0001",
        obj=Agency.objects.get(code="so-khcn"),
        idempotency_key="wallet-fee-1",
    )


@pytest.fixture
def funded(atm, customers):  # noqa: F811
    agent, clerk, _boss = atm
    w1, _w2 = customers
    agents.cash_in(actor=clerk, agent=agent, wallet_number=w1.number, amount=500_000, idempotency_key="ci")
    return w1


def test_the_payment_page_offers_the_wallet_and_paying_settles_the_fee_once(
    client, login, fee, funded, citizen, paid_calls
):
    page = client.get(fee.get_absolute_url()).content.decode()
    pay_url = reverse("economy:wallet-pay", kwargs={"token": fee.token})
    assert pay_url in page and "Trả bằng ví điện tử" in page
    login(citizen)
    response = client.post(pay_url, {})
    assert "Đánh dấu ô xác nhận để thanh toán từ ví." in response.content.decode()
    response = client.post(pay_url, {"confirm": "on"}, follow=True)
    page = response.content.decode()
    link = Payment.objects.get(provider="wallet")
    assert link.is_paid and link.receipt_number in page and 'data-testid="receipt-link"' in page
    assert paid_calls == [link.pk]
    fee.refresh_from_db()
    assert fee.status == "expired"  # core closes the object's other open link
    funded.account.refresh_from_db()
    assert funded.account.balance == 350_000
    client.post(pay_url, {"confirm": "on"})  # a double submit debits nothing more
    funded.account.refresh_from_db()
    assert funded.account.balance == 350_000 and LedgerTransaction.objects.filter(kind="payment").count() == 1
    assert ledger_drift()["total"] == 0


def test_not_enough_balance_or_an_already_paid_object_debits_nothing(fee, funded, citizen, paid_calls):
    with pytest.raises(ServiceError):
        big = Payment.objects.filter(pk=fee.pk)
        big_fee = big.get()
        big_fee.amount = 900_000  # the link's amount, as if the fee were larger than the balance
        wallet_pay_payment(actor=citizen, wallet=funded, payment=big_fee)
    funded.account.refresh_from_db()
    assert funded.account.balance == 500_000 and not Payment.objects.filter(provider="wallet", status="paid").exists()

    # The fee is paid at the bank first: paying it again from the wallet is refused, nothing debited.
    sandbox_bank_send(fee)
    other = payment_create(
        purpose="tests.wallet_fee",
        amount=150_000,
        payer=citizen,
        description="x",
        obj=fee_object(fee),
        idempotency_key="again",
    )
    with pytest.raises(ServiceError) as exc:
        wallet_pay_payment(actor=citizen, wallet=funded, payment=other)
    assert "Ví không bị trừ tiền" in str(exc.value.message)
    funded.account.refresh_from_db()
    assert funded.account.balance == 500_000 and not LedgerTransaction.objects.filter(kind="payment").exists()


def fee_object(payment):
    from django.apps import apps

    return apps.get_model(payment.object_type).objects.get(pk=payment.object_id)


def test_someone_elses_wallet_cannot_pay(client, login, fee, funded, citizen2):
    login(citizen2)
    page = client.get(reverse("economy:wallet-pay", kwargs={"token": fee.token})).content.decode()
    assert "Bạn chưa có ví điện tử" in page or funded.number not in page
