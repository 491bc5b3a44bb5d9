"""The soft ATM through its services: wallets (KYC, one per person), cash-in, cash-out confirmed by
the code the customer receives by SMS, transfers, limits, commission, and the daily reconciliation
flagged to the bank's supervisor. Bad input gets a Vietnamese field message and writes nothing."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from core.errors import ConflictError, NotAllowedError, ServiceError
from core.notifications.models import Notification
from economy.models import (
    AgentStaff,
    BankSupervisor,
    CashOutRequest,
    LedgerTransaction,
    Reconciliation,
    SoftAtmAgent,
    Wallet,
)
from economy.selectors import ledger_drift
from economy.services import agents, ledger, wallets
from tests.conftest import make_user

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]
COMMUNE = 5977


def commune():
    from core.geo.models import AdministrativeUnit

    return AdministrativeUnit.objects.get(structure="2025", level="commune", code=COMMUNE)


@pytest.fixture
def atm(db):
    ledger.clear_system_account_cache()
    agent = SoftAtmAgent.objects.create(
        name="Điểm ATM mềm Agribank Chi Lăng",
        commune=commune(),
        address="Thôn Bản Lăn",
        bank="Agribank",
        opened_on=dt.date(2024, 1, 1),
    )
    clerk = make_user("clerk@example.vn", full_name="Vi Thị Quầy")
    AgentStaff.objects.create(agent=agent, user=clerk)
    boss = make_user("supervisor@example.vn", full_name="Giám sát Agribank")
    BankSupervisor.objects.create(user=boss, bank="Agribank")
    agents.agent_fund(actor=boss, agent=agent, emoney=20_000_000, cash=5_000_000, idempotency_key="fund-1")
    return agent, clerk, boss


@pytest.fixture
def customers(atm, citizen, citizen2):
    agent, clerk, _boss = atm
    w1 = wallets.wallet_open(
        actor=citizen,
        citizen_id=citizen.citizen_id,
        phone=citizen.phone,
        full_name=citizen.full_name,
        commune=commune(),
        user=citizen,
    )
    w2 = wallets.wallet_open(
        actor=clerk,
        citizen_id="020195000456",
        phone="0987 654 321",
        full_name="Lương Thị Hoa",
        commune=commune(),
        agent=agent,
    )
    return w1, w2


def balance(obj):
    account = obj.account if isinstance(obj, Wallet) else obj
    account.refresh_from_db()
    return account.balance


def sms_code(wallet):
    body = Notification.objects.filter(event="economy.cash_out.code", address=wallet.phone).latest("id").body
    return re.search(r": (\d{6})\.", body).group(1)


def test_one_wallet_per_person_and_kyc_is_checked(atm, customers, citizen):
    _agent, clerk, _boss = atm
    with pytest.raises(ConflictError) as exc:
        wallets.wallet_open(
            actor=clerk, citizen_id=citizen.citizen_id, phone="0911222333", full_name="Ai Đó", commune=commune()
        )
    assert "mỗi người một ví" in exc.value.errors["citizen_id"][0]
    with pytest.raises(ServiceError) as exc:
        wallets.wallet_open(actor=clerk, citizen_id="12345", phone="123", full_name="X", commune=commune())
    assert set(exc.value.errors) == {"citizen_id", "phone", "full_name"}
    assert Wallet.objects.count() == 2


def test_cash_in_transfer_and_cash_out_with_the_sms_code(atm, customers, citizen):
    agent, clerk, _boss = atm
    w1, w2 = customers
    txn = agents.cash_in(actor=clerk, agent=agent, wallet_number=w1.number, amount=1_000_000, idempotency_key="ci-1")
    assert (
        agents.cash_in(actor=clerk, agent=agent, wallet_number=w1.number, amount=1_000_000, idempotency_key="ci-1").pk
        == txn.pk
    )
    agent.refresh_from_db()
    # 1,000,000 to the wallet; the agent's float pays it and earns 1,000 commission (0.1 %, minimum 1,000).
    assert balance(w1) == 1_000_000
    assert balance(agent.float_account) == 20_000_000 - 1_000_000 + 1_000
    assert balance(agent.cash_account) == 6_000_000

    wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=300_000, idempotency_key="tr-1")
    assert (balance(w1), balance(w2)) == (700_000, 300_000)

    request = agents.cash_out_request(
        actor=clerk, agent=agent, wallet_number=w2.number, amount=200_000, idempotency_key="co-1"
    )
    assert (
        agents.cash_out_request(
            actor=clerk, agent=agent, wallet_number=w2.number, amount=200_000, idempotency_key="co-1"
        ).pk
        == request.pk
    )
    assert (
        Notification.objects.filter(event="economy.cash_out.code").count() == 1
    )  # a double submit sends no second code
    with pytest.raises(ServiceError) as exc:
        agents.cash_out_confirm(
            actor=clerk, request_id=request.pk, code="000000" if sms_code(w2) != "000000" else "111111"
        )
    assert "không đúng" in exc.value.errors["code"][0] and balance(w2) == 300_000
    agents.cash_out_confirm(actor=clerk, request_id=request.pk, code=sms_code(w2))
    assert balance(w2) == 100_000 and balance(agent.cash_account) == 5_800_000
    with pytest.raises(ServiceError) as exc:
        agents.cash_out_confirm(actor=clerk, request_id=request.pk, code=sms_code(w2))
    assert "đã được dùng" in exc.value.errors["code"][0] and balance(w2) == 100_000
    assert ledger_drift()["total"] == 0


def test_expired_code_and_too_many_wrong_codes_are_refused(atm, customers):
    agent, clerk, _boss = atm
    w1, _w2 = customers
    agents.cash_in(actor=clerk, agent=agent, wallet_number=w1.number, amount=500_000, idempotency_key="ci-1")
    request = agents.cash_out_request(
        actor=clerk, agent=agent, wallet_number=w1.number, amount=100_000, idempotency_key="co-1"
    )
    code = sms_code(w1)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        with pytest.raises(ServiceError) as exc:
            agents.cash_out_confirm(actor=clerk, request_id=request.pk, code=code)
    assert "hết hạn" in exc.value.errors["code"][0]
    request.refresh_from_db()
    assert request.status == "expired" and balance(w1) == 500_000

    request = agents.cash_out_request(
        actor=clerk, agent=agent, wallet_number=w1.number, amount=100_000, idempotency_key="co-2"
    )
    wrong = "123456" if sms_code(w1) != "123456" else "654321"
    for _ in range(agents.MAX_CODE_ATTEMPTS):
        with pytest.raises(ServiceError):
            agents.cash_out_confirm(actor=clerk, request_id=request.pk, code=wrong)
    with pytest.raises(ServiceError) as exc:
        agents.cash_out_confirm(actor=clerk, request_id=request.pk, code=sms_code(w1))
    assert "đã bị hủy" in exc.value.errors["code"][0] and balance(w1) == 500_000


def test_bad_input_gets_field_messages_and_writes_nothing(atm, customers, citizen, outsider):
    agent, clerk, _boss = atm
    w1, w2 = customers
    count = LedgerTransaction.objects.count()
    cases = [
        (
            lambda: agents.cash_in(actor=clerk, agent=agent, wallet_number="9999", amount=1000, idempotency_key="a"),
            "wallet",
        ),
        (
            lambda: agents.cash_in(actor=clerk, agent=agent, wallet_number=w1.number, amount=0, idempotency_key="b"),
            "amount",
        ),
        (
            lambda: agents.cash_in(actor=clerk, agent=agent, wallet_number=w1.number, amount=10.5, idempotency_key="c"),
            "amount",
        ),
        # more than the agent's e-money float
        (
            lambda: agents.cash_in(
                actor=clerk, agent=agent, wallet_number=w1.number, amount=25_000_000, idempotency_key="d"
            ),
            "amount",
        ),
        (
            lambda: wallets.wallet_transfer(
                actor=citizen, source=w1, to_number="9000000000", amount=1, idempotency_key="e"
            ),
            "to_wallet",
        ),
        (
            lambda: wallets.wallet_transfer(
                actor=citizen, source=w1, to_number=w2.number, amount=1, idempotency_key="f"
            ),
            "amount",
        ),
        (
            lambda: agents.cash_out_request(
                actor=clerk, agent=agent, wallet_number=w2.number, amount=1000, idempotency_key="g"
            ),
            "amount",
        ),
    ]
    for call, field in cases:
        with pytest.raises(ServiceError) as exc:
            call()
        assert exc.value.errors.get(field), (field, exc.value.errors)
    with pytest.raises(NotAllowedError):
        agents.cash_in(actor=outsider, agent=agent, wallet_number=w1.number, amount=1000, idempotency_key="h")
    with pytest.raises(NotAllowedError):
        wallets.wallet_transfer(actor=outsider, source=w1, to_number=w2.number, amount=1, idempotency_key="i")
    assert LedgerTransaction.objects.count() == count and not CashOutRequest.objects.exists()


def test_limits_are_data_and_the_2025_monthly_cap_is_100_million(atm, customers, citizen):
    agent, clerk, _boss = atm
    w1, w2 = customers
    with pytest.raises(ServiceError) as exc:
        agents.cash_in(actor=clerk, agent=agent, wallet_number=w1.number, amount=10_000_001, idempotency_key="big")
    assert "mỗi giao dịch" in exc.value.errors["amount"][0]
    rules = wallets.rules_on(dt.date(2026, 1, 1))
    assert rules["total"].per_month == 100_000_000
    assert wallets.rules_on(dt.date(2024, 6, 1))["total"].per_month == 10_000_000
    # Lower the monthly cap (data, not code) and the next transfer past it is refused.
    from economy.models import LimitRule

    LimitRule.objects.create(operation="total", valid_from=dt.date(2025, 6, 1), per_month=1_200_000, source="test")
    wallets.clear_rules_cache()  # the rules are kept a minute per process
    agents.cash_in(actor=clerk, agent=agent, wallet_number=w1.number, amount=1_000_000, idempotency_key="ci")
    with pytest.raises(ServiceError) as exc:
        wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=300_000, idempotency_key="t")
    assert "trong tháng" in exc.value.errors["amount"][0]


def test_daily_reconciliation_flags_a_difference_to_the_supervisor(atm, customers):
    agent, clerk, boss = atm
    w1, _w2 = customers
    agents.cash_in(actor=clerk, agent=agent, wallet_number=w1.number, amount=400_000, idempotency_key="ci")
    today = timezone.localdate()
    agents.agent_declare_cash(actor=clerk, agent=agent, day=today, amount=5_400_000)
    row = agents.reconcile_agent_day(agent_id=agent.pk, day=today)
    assert row.status == "matched" and row.expected_cash == 5_400_000

    other = SoftAtmAgent.objects.create(
        name="Điểm 2", commune=commune(), address="x", bank="Agribank", opened_on=dt.date(2024, 1, 1)
    )
    agents.agent_fund(actor=boss, agent=other, emoney=0, cash=1_000_000, idempotency_key="fund-2")
    flagged = agents.reconcile_agent_day(agent_id=other.pk, day=today)  # nothing declared
    assert flagged.status == "flagged"
    assert agents.reconcile_agent_day(agent_id=other.pk, day=today).pk == flagged.pk  # idempotent
    assert Notification.objects.filter(event="economy.reconciliation.flagged", recipient=boss).count() == 1
    with pytest.raises(ServiceError):
        agents.reconciliation_resolve(actor=boss, reconciliation=flagged, resolution="")
    with pytest.raises(NotAllowedError):
        agents.reconciliation_resolve(actor=clerk, reconciliation=flagged, resolution="Đã kiểm quỹ")
    agents.reconciliation_resolve(actor=boss, reconciliation=flagged, resolution="Đã kiểm quỹ, đại lý quên khai báo")
    assert Reconciliation.objects.get(pk=flagged.pk).status == "resolved"


def test_limit_counters_follow_the_ledger_and_a_reversal_gives_the_limit_back(atm, customers, citizen):
    from economy.models import LedgerAccount, LimitRule

    agent, clerk, _boss = atm
    w1, w2 = customers
    LimitRule.objects.create(
        operation="transfer", valid_from=dt.date(2025, 6, 1), per_day=500_000, source="test: a low daily cap"
    )
    wallets.clear_rules_cache()
    agents.cash_in(actor=clerk, agent=agent, wallet_number=w1.number, amount=1_000_000, idempotency_key="ci")
    first = wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=400_000, idempotency_key="t1")
    with pytest.raises(ServiceError) as exc:
        wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=200_000, idempotency_key="t2")
    assert "trong ngày" in exc.value.errors["amount"][0]
    # A retry of the first transfer is the same transfer: it does not count twice.
    assert wallets.wallet_transfer(
        actor=citizen, source=w1, to_number=w2.number, amount=400_000, idempotency_key="t1"
    ).replayed
    # The bank reverses the first transfer: the 400,000 no longer count against today's cap.
    ledger.ledger_reverse(original=first, idempotency_key="rev-t1", reason="chuyển nhầm ví")
    wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=450_000, idempotency_key="t3")
    today = timezone.localdate().isoformat()
    usage = LedgerAccount.objects.get(pk=w1.account_id).usage
    assert usage == {
        "on": today,
        "day": {"cash_in": 1_000_000, "transfer": 450_000},
        "month": {"cash_in": 1_000_000, "transfer": 450_000},
    }
    # The receiving wallet's limits are not used by what it receives.
    received = LedgerAccount.objects.get(pk=w2.account_id).usage
    assert received.get("day", {}).get("transfer", 0) == 0 and received.get("month", {}).get("transfer", 0) == 0


def test_reversing_a_cash_out_marks_its_request_reversed_audited_and_its_code_dead(atm, customers):
    from core.audit.models import AuditLog

    agent, clerk, boss = atm
    _w1, w2 = customers
    agents.cash_in(actor=clerk, agent=agent, wallet_number=w2.number, amount=500_000, idempotency_key="ci")
    request = agents.cash_out_request(
        actor=clerk, agent=agent, wallet_number=w2.number, amount=200_000, idempotency_key="co"
    )
    code = sms_code(w2)
    paid = agents.cash_out_confirm(actor=clerk, request_id=request.pk, code=code)
    assert CashOutRequest.objects.get(pk=request.pk).status == "used"
    reversal = agents.transaction_reverse(
        actor=boss, transaction_id=paid.pk, reason="Khách chưa nhận được tiền mặt", idempotency_key="r1"
    )
    request.refresh_from_db()
    # The request says it was reversed (not "paid out"), the money is back, and who did it is logged.
    assert request.status == "reversed" and request.get_status_display() == "Đã đảo (hoàn tiền vào ví)"
    assert request.transaction_id == paid.pk and balance(w2) == 500_000
    log = AuditLog.objects.get(action="economy.cash_out.reversed")
    assert log.actor == boss and log.before == {"status": "used"} and log.after["reversal"] == reversal.pk
    # A double submit of the reversal changes nothing and logs nothing more.
    again = agents.transaction_reverse(
        actor=boss, transaction_id=paid.pk, reason="Khách chưa nhận được tiền mặt", idempotency_key="r1"
    )
    assert again.pk == reversal.pk and AuditLog.objects.filter(action="economy.cash_out.reversed").count() == 1
    # The old code cannot pay out again.
    with pytest.raises(ServiceError) as exc:
        agents.cash_out_confirm(actor=clerk, request_id=request.pk, code=code)
    assert "đã được ngân hàng đảo" in exc.value.errors["code"][0] and balance(w2) == 500_000
    assert ledger_drift()["total"] == 0 and ledger_drift()["usage"] == []
