"""The ledger's rules, through the service and straight against PostgreSQL: whatever writes to the
tables, entries balance, nothing is edited or deleted, no wallet goes negative, and a retried
operation happens once."""

import pytest
from django.db import IntegrityError, connection, transaction

from core.errors import ConflictError, InvalidTransitionError, ServiceError
from economy.models import LedgerAccount, LedgerEntry, LedgerTransaction
from economy.selectors import ledger_drift
from economy.services import ledger

pytestmark = pytest.mark.django_db
Kind = LedgerTransaction.Kind


@pytest.fixture
def wallets():
    ledger.clear_system_account_cache()
    a = ledger.account_open(code="W:A", kind="wallet", name="A")
    b = ledger.account_open(code="W:B", kind="wallet", name="B")
    bank = ledger.system_account("SYS:ISSUANCE")
    ledger.ledger_post(
        kind=Kind.FUNDING, idempotency_key="fund-a", legs=[(bank, -500_000), (a.pk, 500_000)], amount=500_000
    )
    return a, b, bank


def balance(account):
    account.refresh_from_db()
    return account.balance


def check_deferred():
    """Fire the deferred constraint triggers now (the test's transaction never commits)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def transfer(a, b, amount, key):
    return ledger.ledger_post(
        kind=Kind.TRANSFER, idempotency_key=key, legs=[(a.pk, -amount), (b.pk, amount)], amount=amount
    )


def test_transfer_moves_money_and_a_retry_returns_the_first_result(wallets):
    a, b, _bank = wallets
    first = transfer(a, b, 120_000, "t-1")
    again = transfer(a, b, 120_000, "t-1")
    assert again.pk == first.pk and again.replayed and not first.replayed
    assert (balance(a), balance(b)) == (380_000, 120_000)
    assert LedgerTransaction.objects.filter(idempotency_key="t-1").count() == 1
    check_deferred()
    assert ledger_drift() == {"total": 0, "mismatched": [], "negative": [], "unbalanced": [], "usage": []}


def test_same_key_with_other_content_is_refused_with_a_clear_message(wallets):
    a, b, _bank = wallets
    transfer(a, b, 120_000, "t-1")
    with pytest.raises(ConflictError) as exc:
        transfer(a, b, 130_000, "t-1")
    assert "đã được dùng cho một giao dịch khác" in exc.value.errors["idempotency_key"][0]
    assert balance(b) == 120_000


def test_insufficient_balance_writes_nothing(wallets):
    a, b, _bank = wallets
    before = LedgerTransaction.objects.count()
    with pytest.raises(ledger.InsufficientFundsError) as exc:
        transfer(a, b, 500_001, "t-big")
    assert exc.value.account.pk == a.pk
    assert LedgerTransaction.objects.count() == before and (balance(a), balance(b)) == (500_000, 0)


@pytest.mark.parametrize("amount", [0, -5, 1.5, True])
def test_amount_must_be_positive_whole_vnd(wallets, amount):
    a, b, _bank = wallets
    with pytest.raises(ServiceError):
        ledger.ledger_post(kind=Kind.TRANSFER, idempotency_key="x", legs=[(a.pk, -1), (b.pk, 1)], amount=amount)


def test_reversal_is_a_compensating_transaction_and_happens_once(wallets):
    a, b, _bank = wallets
    original = transfer(a, b, 100_000, "t-1")
    reversal = ledger.ledger_reverse(original=original, idempotency_key="r-1", reason="nhầm")
    assert reversal.reversal_of_id == original.pk and reversal.kind == Kind.REVERSAL
    assert (balance(a), balance(b)) == (500_000, 0)
    assert ledger.ledger_reverse(original=original, idempotency_key="r-1").pk == reversal.pk  # retry
    with pytest.raises(InvalidTransitionError):
        ledger.ledger_reverse(original=original, idempotency_key="r-2")
    with pytest.raises(InvalidTransitionError):
        ledger.ledger_reverse(original=reversal, idempotency_key="r-3")
    # The original is still there, unchanged: history is never rewritten.
    assert set(original.entries.values_list("amount", flat=True)) == {-100_000, 100_000}


def test_reversal_of_spent_money_is_refused(wallets):
    a, b, _bank = wallets
    original = transfer(a, b, 100_000, "t-1")
    transfer(b, a, 100_000, "t-2")
    with pytest.raises(ledger.InsufficientFundsError):
        ledger.ledger_reverse(original=original, idempotency_key="r-1")


# --- the database itself -------------------------------------------------------------------------


def sql(statement, params=None):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_entries_and_transactions_cannot_be_updated_deleted_or_truncated(wallets):
    a, b, _bank = wallets
    txn = transfer(a, b, 1_000, "t-1")
    check_deferred()  # PostgreSQL refuses TRUNCATE while deferred checks are pending
    for statement in [
        "UPDATE economy_ledgerentry SET amount = amount * 2",
        "DELETE FROM economy_ledgerentry",
        "TRUNCATE economy_ledgerentry CASCADE",
        f"UPDATE economy_ledgertransaction SET amount = 5 WHERE id = {txn.pk}",
        f"DELETE FROM economy_ledgertransaction WHERE id = {txn.pk}",
    ]:
        with pytest.raises(IntegrityError, match="append-only"):
            sql(statement)
    assert LedgerEntry.objects.filter(transaction=txn).count() == 2


def test_a_balance_changes_only_through_entries_and_never_below_zero(wallets):
    a, b, _bank = wallets
    with pytest.raises(IntegrityError, match="only through entries"):
        sql("UPDATE economy_ledgeraccount SET balance = 10000000 WHERE id = %s", [b.pk])
    # An entry written around the service still cannot take a wallet below zero.
    txn = transfer(a, b, 1_000, "t-1")
    with pytest.raises(IntegrityError, match="economy_ledger_balance_not_negative"):
        sql(
            "INSERT INTO economy_ledgerentry (transaction_id, account_id, amount) VALUES (%s, %s, %s)",
            [txn.pk, b.pk, -5_000],
        )
    assert balance(b) == 1_000


def test_unbalanced_entries_are_refused_at_commit(wallets):
    a, b, bank = wallets
    txn = transfer(a, b, 1_000, "t-1")
    with pytest.raises(IntegrityError, match="not balanced"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO economy_ledgerentry (transaction_id, account_id, amount) VALUES (%s, %s, 700)",
                [txn.pk, bank],
            )
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    # A transaction without entries is refused too.
    with pytest.raises(IntegrityError, match="not balanced"):
        with transaction.atomic(), connection.cursor() as cursor:
            LedgerTransaction.objects.create(kind=Kind.TRANSFER, idempotency_key="empty", fingerprint="x", amount=1)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_only_the_banks_own_accounts_may_go_negative(wallets):
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            LedgerAccount.objects.create(code="W:X", kind="wallet", name="X", allow_negative=True)
