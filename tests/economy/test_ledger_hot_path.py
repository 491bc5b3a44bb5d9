"""What the transfer's hot path (ADR 1303) must keep doing like the ORM and like before: the rows
its fixed statements write are the ones `objects.create()` / `bulk_create()` write, the lock reads
the wallet's counters and status in the same statement, the counters roll with the day and month
and are refused to anyone but the entry trigger, and a transfer writes its id and audit row before
it locks the wallets (ADR 1303 §4)."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import pre_save
from django.test.utils import CaptureQueriesContext

from core import sql
from core.audit.models import AuditLog
from core.errors import InvalidTransitionError, ServiceError
from economy.models import LedgerAccount, LedgerEntry, LedgerTransaction, LimitRule, Wallet
from economy.selectors import ledger_drift
from economy.services import agents, ledger, wallets
from tests.economy.test_soft_atm import atm, balance, customers  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def _funded(atm, customers, amount=5_000_000):  # noqa: F811
    agent, clerk, _boss = atm
    w1, w2 = customers
    agents.cash_in(actor=clerk, agent=agent, wallet_number=w1.number, amount=amount, idempotency_key="ci-w1")
    return w1, w2


def _usage(wallet):
    return LedgerAccount.objects.get(pk=wallet.account_id).usage


def test_the_fixed_insert_writes_what_the_orm_writes(atm, customers, citizen):  # noqa: F811
    w1, w2 = _funded(atm, customers)
    txn = wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=12_345, idempotency_key="t")
    stored = LedgerTransaction.objects.get(pk=txn.pk)
    # The instance the service returns is the saved row, field by field.
    for field in LedgerTransaction._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(txn, field.attname), field.name
    assert not txn._state.adding and txn._state.db == "default"
    # The same values through the ORM give the same columns (but the key and the id).
    orm = LedgerTransaction.objects.create(
        kind=txn.kind,
        idempotency_key="orm-copy",
        fingerprint=txn.fingerprint,
        amount=txn.amount,
        description=txn.description,
        actor=txn.actor,
        agent=txn.agent,
        created_at=txn.created_at,
    )
    # The id drawn before the lock comes from the sequence the ORM's INSERT draws from.
    assert orm.pk > txn.pk
    LedgerEntry.objects.bulk_create(
        [LedgerEntry(transaction=orm, account_id=e.account_id, amount=e.amount) for e in stored.entries.all()]
    )
    skip = {"id", "idempotency_key"}
    columns = [f.attname for f in LedgerTransaction._meta.concrete_fields if f.attname not in skip]
    assert list(LedgerTransaction.objects.filter(pk=txn.pk).values(*columns)) == list(
        LedgerTransaction.objects.filter(pk=orm.pk).values(*columns)
    )
    assert sorted(stored.entries.values_list("account_id", "amount")) == sorted(
        orm.entries.values_list("account_id", "amount")
    )
    assert sorted(stored.entries.values_list("account_id", "amount")) == sorted(
        [(w1.account_id, -12_345), (w2.account_id, 12_345)]
    )
    # The audit row names the transaction as the ORM-saved instance would.
    row = AuditLog.objects.get(action="economy.ledger.transfer", object_id=str(txn.pk))
    assert row.object_repr == str(stored) and row.object_type == "economy.ledgertransaction"


def test_the_fixed_statements_refuse_a_model_they_cannot_write_like_the_orm():
    def receiver(**kwargs):  # a save signal the fixed INSERT would not send
        pass

    pre_save.connect(receiver, sender=LedgerTransaction)
    ledger._insert_statement.cache_clear()
    try:
        with pytest.raises(sql.UnsupportedModelError):
            ledger._insert_statement()
    finally:
        pre_save.disconnect(receiver, sender=LedgerTransaction)
        ledger._insert_statement.cache_clear()


def test_the_lock_reads_the_accounts_as_the_orm_does(atm, customers):  # noqa: F811
    w1, w2 = _funded(atm, customers)
    with transaction.atomic():
        locked = ledger._lock({w1.account_id, ledger.wallet_account_code(w2.number)})
    assert locked[w1.account_id] is locked[f"W:{w1.number}"]
    for account in (locked[w1.account_id], locked[w2.account_id]):
        orm = LedgerAccount.objects.get(pk=account.pk)
        for name in ledger.LOCK_FIELDS:
            assert getattr(account, name) == getattr(orm, name), name
        assert account.wallet_status == "active"
    agent = agents.agent_accounts(atm[0])
    with transaction.atomic():
        (float_account,) = {a.pk: a for a in ledger._lock({agent.float_account_id}).values()}.values()
    assert float_account.wallet_status is None and float_account.kind == "agent_float"


def test_a_transfer_writes_its_audit_row_before_it_locks_the_wallets(atm, customers, citizen):  # noqa: F811
    w1, w2 = _funded(atm, customers)
    wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=1_000, idempotency_key="warm")
    with CaptureQueriesContext(connection) as ctx:
        txn = wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=1_000, idempotency_key="t")
    statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    # The id, the audit row, then the lock (with the target wallet, the counters and the status) and
    # the transaction + entries: the two wallets are held for the last two and COMMIT only.
    assert len(statements) == 4, statements
    assert statements[0].startswith("SELECT nextval(") and 'INSERT INTO "audit_auditlog"' in statements[1]
    assert "FOR UPDATE" in statements[2] and statements[3].startswith("WITH t AS (INSERT")
    # The id drawn first is the transaction's, and the audit row names it.
    row = AuditLog.objects.get(action="economy.ledger.transfer", object_id=str(txn.pk))
    assert row.actor == citizen and row.after == {"amount": 1_000, "from": w1.number, "to": w2.number}
    assert LedgerTransaction.objects.filter(pk=txn.pk).exists()


def test_a_refused_or_replayed_transfer_leaves_no_audit_row_of_its_own(atm, customers, citizen):  # noqa: F811
    w1, w2 = _funded(atm, customers, amount=300_000)
    before = AuditLog.objects.filter(action="economy.ledger.transfer").count()
    # Refused under the lock (more than the balance): the audit row written before the lock goes too.
    with pytest.raises(ServiceError) as exc:
        wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=400_000, idempotency_key="big")
    assert "Số dư ví không đủ" in exc.value.errors["amount"][0]
    assert AuditLog.objects.filter(action="economy.ledger.transfer").count() == before
    first = wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=300_000, idempotency_key="k")
    # A retry the checks would now refuse (the balance is spent) is answered with the first transfer
    # and leaves no second audit row naming a transaction that was never written.
    again = wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=300_000, idempotency_key="k")
    assert again.replayed and again.pk == first.pk
    rows = AuditLog.objects.filter(action="economy.ledger.transfer")
    assert rows.count() == before + 1 and rows.filter(object_id=str(first.pk)).count() == 1
    # Every transfer audit row names a transaction that exists.
    ids = {int(i) for i in rows.values_list("object_id", flat=True)}
    assert ids == set(LedgerTransaction.objects.filter(kind="transfer", pk__in=ids).values_list("pk", flat=True))


def test_a_retry_racing_the_first_attempt_leaves_one_transaction_and_one_audit_row(atm, customers, citizen):  # noqa: F811
    w1, w2 = _funded(atm, customers)
    first = wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=5_000, idempotency_key="r")
    # The race's loser finds the key taken at its INSERT (the checks passed: there is money left).
    again = wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=5_000, idempotency_key="r")
    assert again.replayed and again.pk == first.pk and balance(w1) == 5_000_000 - 5_000
    assert AuditLog.objects.filter(action="economy.ledger.transfer", object_id=str(first.pk)).count() == 1
    assert AuditLog.objects.filter(action="economy.ledger.transfer").count() == 1


def test_unknown_and_frozen_wallets_are_refused_and_write_nothing(atm, customers, citizen):  # noqa: F811
    w1, w2 = _funded(atm, customers)
    before = LedgerTransaction.objects.count()
    with pytest.raises(ServiceError) as exc:
        wallets.wallet_transfer(actor=citizen, source=w1, to_number="9999999999", amount=1_000, idempotency_key="a")
    assert exc.value.errors["to_wallet"] == ["Không tìm thấy ví số 9999999999."]
    with pytest.raises(ServiceError) as exc:
        wallets.wallet_transfer(actor=citizen, source=w1, to_number="W:1", amount=1_000, idempotency_key="b")
    assert "to_wallet" in exc.value.errors
    Wallet.objects.filter(pk=w2.pk).update(status=Wallet.Status.FROZEN)
    with pytest.raises(ServiceError) as exc:
        wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=1_000, idempotency_key="c")
    assert exc.value.errors["to_wallet"] == [f"Ví số {w2.number} đang tạm khóa."]
    # The sender's own wallet frozen: nothing leaves it either (it used to be checked only on the
    # receiving side).
    Wallet.objects.filter(pk=w2.pk).update(status=Wallet.Status.ACTIVE)
    Wallet.objects.filter(pk=w1.pk).update(status=Wallet.Status.FROZEN)
    with pytest.raises(ServiceError) as exc:
        wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=1_000, idempotency_key="d")
    assert "tạm khóa" in exc.value.errors["amount"][0]
    assert LedgerTransaction.objects.count() == before and balance(w1) == 5_000_000


def test_a_transfer_into_a_wallet_frozen_since_can_still_be_reversed(atm, customers, citizen):  # noqa: F811
    w1, w2 = _funded(atm, customers)
    txn = wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=70_000, idempotency_key="t")
    Wallet.objects.filter(pk=w2.pk).update(status=Wallet.Status.FROZEN)
    ledger.ledger_reverse(original=txn, idempotency_key="rev", reason="chuyển nhầm ví bị khóa")
    assert (balance(w1), balance(w2)) == (5_000_000, 0)
    # A second reversal under another key: the money is already back, and the message says so.
    with pytest.raises(InvalidTransitionError):
        ledger.ledger_reverse(original=txn, idempotency_key="rev-2")


def test_a_retry_is_answered_with_the_first_transfer_even_when_the_checks_would_now_refuse(
    atm,  # noqa: F811
    customers,  # noqa: F811
    citizen,
):
    w1, w2 = _funded(atm, customers, amount=300_000)
    first = wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=300_000, idempotency_key="k")
    again = wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=300_000, idempotency_key="k")
    assert again.replayed and again.pk == first.pk and balance(w1) == 0


def test_nobody_but_the_entry_trigger_changes_the_counters(atm, customers):  # noqa: F811
    w1, _w2 = _funded(atm, customers)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE economy_ledgeraccount SET usage = '{}' WHERE id = %s", [w1.account_id])
    assert _usage(w1)["day"] == {"cash_in": 5_000_000}
    # What the maintenance door lets through, the drift check finds.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL economy.ledger_maintenance = 'on'")
        cursor.execute("UPDATE economy_ledgeraccount SET usage = '{}' WHERE id = %s", [w1.account_id])
        cursor.execute("SET LOCAL economy.ledger_maintenance = 'off'")
    assert ledger_drift()["usage"] == [w1.account_id]


def test_the_counters_roll_with_the_day_and_the_month(atm, customers, citizen):  # noqa: F811
    agent, clerk, _boss = atm
    w1, w2 = customers
    LimitRule.objects.create(
        operation="transfer", valid_from=dt.date(2025, 6, 1), per_day=500_000, source="test: a low daily cap"
    )
    wallets.clear_rules_cache()
    with time_machine.travel(dt.datetime(2026, 11, 29, 10, 0, tzinfo=HCM), tick=False):
        agents.cash_in(actor=clerk, agent=agent, wallet_number=w1.number, amount=2_000_000, idempotency_key="ci")
        late = wallets.wallet_transfer(
            actor=citizen, source=w1, to_number=w2.number, amount=400_000, idempotency_key="t1"
        )
        with pytest.raises(ServiceError) as exc:
            wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=200_000, idempotency_key="x")
        assert "trong ngày" in exc.value.errors["amount"][0]
    with time_machine.travel(dt.datetime(2026, 11, 30, 8, 0, tzinfo=HCM), tick=False):
        # A new day: the daily cap is whole again; the month keeps yesterday's.
        wallets.clear_rules_cache()
        wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=450_000, idempotency_key="t2")
        assert _usage(w1) == {
            "on": "2026-11-30",
            "day": {"transfer": 450_000},
            "month": {"cash_in": 2_000_000, "transfer": 850_000},
        }
    with time_machine.travel(dt.datetime(2026, 12, 1, 0, 5, tzinfo=HCM), tick=False):
        wallets.clear_rules_cache()
        # Reversing last month's transfer gives nothing back to this month (it never counted here).
        ledger.ledger_reverse(original=late, idempotency_key="rev-t1", reason="chuyển nhầm")
        assert _usage(w1) == {"on": "2026-12-01", "day": {}, "month": {}}
        wallets.wallet_transfer(actor=citizen, source=w1, to_number=w2.number, amount=500_000, idempotency_key="t3")
        assert _usage(w1) == {"on": "2026-12-01", "day": {"transfer": 500_000}, "month": {"transfer": 500_000}}
    assert ledger_drift()["usage"] == []
