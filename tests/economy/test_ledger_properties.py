"""Property test of the ledger's invariants over random sequences of operations (Hypothesis, pinned
in requirements-dev.txt; derandomized so CI sees the same examples every run): fundings, transfers,
reversals, retries with the same key and reuses of a key with other content. After every sequence
the database agrees with a plain Python model of the balances, nothing is negative, every
transaction balances (the deferred triggers are fired) and the total is zero."""

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ConflictError, InvalidTransitionError
from economy.models import LedgerAccount, LedgerTransaction
from economy.selectors import ledger_drift
from economy.services import ledger

pytestmark = pytest.mark.django_db
Kind = LedgerTransaction.Kind
WALLETS = 4

amounts = st.integers(min_value=1, max_value=300_000)
wallet = st.integers(min_value=0, max_value=WALLETS - 1)
operation = st.one_of(
    st.tuples(st.just("fund"), wallet, amounts),
    st.tuples(st.just("transfer"), wallet, wallet, amounts).filter(lambda op: op[1] != op[2]),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=40)),
    st.tuples(st.just("retry"), st.integers(min_value=0, max_value=40)),
    st.tuples(st.just("conflict"), st.integers(min_value=0, max_value=40)),
)


class RollbackError(Exception):
    pass


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, min_size=1, max_size=30))
def test_ledger_invariants_hold_for_any_sequence(ops):
    try:
        with transaction.atomic():
            _run(ops)
            raise RollbackError
    except RollbackError:
        pass


def _run(ops):
    ledger.clear_system_account_cache()
    bank = ledger.system_account("SYS:ISSUANCE")
    accounts = [ledger.account_open(code=f"W:{i}", kind="wallet", name=str(i)).pk for i in range(WALLETS)]
    model = dict.fromkeys(accounts, 0)
    model[bank] = LedgerAccount.objects.get(pk=bank).balance
    posted = []  # (key, kind, legs, amount, txn id)
    reversed_ids = set()
    for n, op in enumerate(ops):
        key = f"k{n}"
        if op[0] in {"fund", "transfer"}:
            if op[0] == "fund":
                legs, amount = [(bank, -op[2]), (accounts[op[1]], op[2])], op[2]
            else:
                legs, amount = [(accounts[op[1]], -op[3]), (accounts[op[2]], op[3])], op[3]
            enough = all(model[a] + d >= 0 or a == bank for a, d in legs)
            try:
                txn = ledger.ledger_post(kind=Kind.TRANSFER, idempotency_key=key, legs=legs, amount=amount)
            except ledger.InsufficientFundsError:
                assert not enough
                continue
            assert enough and not txn.replayed
            for a, d in legs:
                model[a] += d
            posted.append((key, legs, amount, txn.pk))
        elif posted and op[0] == "retry":
            key, legs, amount, txn_id = posted[op[1] % len(posted)]
            again = ledger.ledger_post(kind=Kind.TRANSFER, idempotency_key=key, legs=legs, amount=amount)
            assert again.pk == txn_id and again.replayed
        elif posted and op[0] == "conflict":
            key, legs, amount, _txn_id = posted[op[1] % len(posted)]
            other = [(a, d + (1 if d > 0 else -1)) for a, d in legs]
            with pytest.raises(ConflictError):
                ledger.ledger_post(kind=Kind.TRANSFER, idempotency_key=key, legs=other, amount=amount + 1)
        elif posted and op[0] == "reverse":
            _key, legs, _amount, txn_id = posted[op[1] % len(posted)]
            original = LedgerTransaction.objects.get(pk=txn_id)
            undo = [(a, -d) for a, d in legs]
            enough = all(model[a] + d >= 0 or a == bank for a, d in undo)
            try:
                ledger.ledger_reverse(original=original, idempotency_key=key)
            except InvalidTransitionError:
                assert txn_id in reversed_ids
                continue
            except ledger.InsufficientFundsError:
                assert not enough and txn_id not in reversed_ids
                continue
            assert enough and txn_id not in reversed_ids
            reversed_ids.add(txn_id)
            for a, d in undo:
                model[a] += d
        actual = dict(LedgerAccount.objects.filter(pk__in=model).values_list("pk", "balance"))
        assert actual == model
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # every transaction balances
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    drift = ledger_drift()
    assert drift == {"total": 0, "mismatched": [], "negative": [], "unbalanced": [], "usage": []}
