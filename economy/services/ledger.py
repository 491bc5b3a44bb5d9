"""The ledger: the one function that moves money (`ledger_post`) and the one that undoes it
(`ledger_reverse`). Everything else in the pillar (cash-in, cash-out, transfers, fee payments,
agent funding) is a choice of legs handed to `ledger_post` (ADR 1301).

Guarantees, each also held by PostgreSQL (migration 0003) so a bug here cannot break them:
- legs sum to zero (deferred constraint trigger at COMMIT);
- entries are never edited: a reversal is a new compensating transaction;
- no wallet, agent float or agent cash account goes negative, under any concurrency: the accounts
  are locked in ascending id order (no deadlock between two transfers in opposite directions), the
  balances are checked under the lock (a readable message), and the CHECK constraint backs it up;
- a wallet that is not active (frozen) takes part in no operation but a reversal;
- exactly once: every operation carries an idempotency key. The same key with the same content
  returns the first transaction (`replayed = True`); with other content it is refused
  (ConflictError). The unique key is the check: the transaction row is inserted first, under the
  account locks, so a retry racing the first attempt waits on those locks, then fails on the key
  and is answered with the first transaction.

What runs while the accounts are locked is kept short (ADR 1303 §4): transfers between a few busy
wallets queue on those locks. The transaction's id is drawn from its sequence and the audit row
written before the lock; under it run only the checks, the one INSERT and COMMIT.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Sequence

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from core import sql
from core.audit.services import audit_record
from core.errors import ConflictError, InvalidTransitionError, ServiceError
from economy.models import LedgerAccount, LedgerEntry, LedgerTransaction, Wallet

Kind = LedgerTransaction.Kind
MAX_KEY_LENGTH = 120

# The bank's own accounts (allowed to go negative): e-money issued against funding, cash that
# left the bank's vault for agents, the state treasury's collection account, commissions paid.
SYSTEM_ACCOUNTS = {
    "SYS:ISSUANCE": "Phát hành tiền điện tử (vốn ngân hàng)",
    "SYS:CASH": "Tiền mặt đã giao cho đại lý",
    "SYS:TREASURY": "Kho bạc nhà nước (thu phí, lệ phí)",
    "SYS:COMMISSION": "Chi hoa hồng đại lý",
}
_system_ids: dict[str, int] = {}


class UnknownAccountError(ServiceError):
    """A leg names an account that does not exist (`ref`: the id or code the caller gave)."""

    code = "unknown_account"

    def __init__(self, message="", *, ref=None, errors=None):
        super().__init__(message, errors=errors)
        self.ref = ref


class InactiveWalletError(ServiceError):
    """A leg's wallet is frozen (`account` says which one; the caller names the field)."""

    code = "inactive_wallet"

    def __init__(self, message="", *, account: LedgerAccount | None = None, errors=None):
        super().__init__(message, errors=errors)
        self.account = account


class InsufficientFundsError(ServiceError):
    """An account would go below zero. `account` says which one (the caller names the field)."""

    code = "insufficient_funds"

    def __init__(self, message="", *, account: LedgerAccount | None = None, errors=None):
        super().__init__(message, errors=errors)
        self.account = account


def system_account(code: str) -> int:
    """The id of one of the bank's own accounts, created on first use (race-safe: unique code)."""
    if code in _system_ids:
        return _system_ids[code]
    if code not in SYSTEM_ACCOUNTS:
        raise KeyError(code)
    account, created = LedgerAccount.objects.get_or_create(
        code=code, defaults={"kind": LedgerAccount.Kind.SYSTEM, "name": SYSTEM_ACCOUNTS[code], "allow_negative": True}
    )
    if created:
        # Remember it only once it exists for everyone: a rolled-back creation must not be cached.
        transaction.on_commit(lambda: _system_ids.__setitem__(code, account.pk))
    else:
        _system_ids[code] = account.pk
    return account.pk


def clear_system_account_cache() -> None:
    """Test databases are flushed between transactional tests; the ids cached here would dangle."""
    _system_ids.clear()


def account_open(*, code: str, kind: str, name: str) -> LedgerAccount:
    """A new account at zero. Only the bank's `system` accounts may go negative."""
    if kind == LedgerAccount.Kind.SYSTEM:
        raise ValueError("system accounts are created by system_account()")
    return LedgerAccount.objects.create(code=code, kind=kind, name=name[:200])


def fingerprint(*, kind: str, legs: Sequence[tuple[int, int]], extra: dict | None = None) -> str:
    """What makes two operations "the same" for an idempotency key: kind, legs and the caller's
    content (wallet numbers, agent, payment reference). Not the actor: a retry may come from
    another counter clerk of the same agent."""
    merged: dict[int, int] = {}
    for account_id, amount in legs:
        merged[account_id] = merged.get(account_id, 0) + amount
    body = {"kind": kind, "legs": sorted(merged.items()), "extra": extra or {}}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _key_error(message) -> ServiceError:
    return ServiceError(message, errors={"idempotency_key": [message]})


def _replay(key: str, fp: str) -> LedgerTransaction | None:
    existing = LedgerTransaction.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if existing.fingerprint != fp:
        message = _(
            "Mã giao dịch %(key)s đã được dùng cho một giao dịch khác (%(reference)s). "
            "Nếu đây là giao dịch mới, hãy tạo mã mới; nếu là gửi lại, hãy gửi đúng nội dung cũ."
        ) % {"key": key, "reference": existing.reference}
        raise ConflictError(message, errors={"idempotency_key": [message]})
    existing.replayed = True
    return existing


def wallet_account_code(number: str) -> str:
    """The ledger account code of the wallet numbered `number` (what `wallet_open` gives it)."""
    return f"W:{number}"


# The two statements of every post, written once from the models' metadata (core.sql, ADR 1303):
# through the ORM they cost more client CPU than PostgreSQL spends running them (bench/economy).
LOCK_FIELDS = ("id", "code", "kind", "balance", "allow_negative", "usage")


@functools.cache
def _lock_select() -> sql.Select:
    qn = connection.ops.quote_name
    accounts, wallets = qn(LedgerAccount._meta.db_table), qn(Wallet._meta.db_table)
    account_id = f"{accounts}.{sql.col(LedgerAccount, 'id')}"
    wallet_status = (
        f"(SELECT {wallets}.{sql.col(Wallet, 'status')} FROM {wallets}"  # noqa: S608  # nosec B608: names from the models
        f" WHERE {wallets}.{sql.col(Wallet, 'account')} = {account_id})"
    )
    return sql.model_select(
        LedgerAccount,
        LOCK_FIELDS,
        f"{account_id} = ANY(%s::bigint[]) OR {accounts}.{sql.col(LedgerAccount, 'code')} = ANY(%s::text[])",
        f"ORDER BY {account_id} FOR UPDATE",
        extra={"wallet_status": wallet_status},
    )


def _lock(refs: set[int | str]) -> dict[int | str, LedgerAccount]:
    """Lock the accounts named by id or code, in ascending id order, in one statement that also
    reads what the checks under the lock need: balances, a wallet's limit counters (on the row, so
    fresh after a wait on the lock) and its wallet's status (`wallet_status`, None for other
    kinds). Returns each account under its id and its code."""
    ids = [r for r in refs if isinstance(r, int)]
    codes = [r for r in refs if isinstance(r, str)]
    accounts: dict[int | str, LedgerAccount] = {}
    for account in sql.fetch(_lock_select(), [ids, codes]):
        accounts[account.pk] = accounts[account.code] = account
    return accounts


@functools.cache
def _id_sequence() -> str:
    """The sequence behind LedgerTransaction's automatic key (an identity column), looked up once."""
    sql.check_model(LedgerTransaction, writes=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)",
            [connection.ops.quote_name(LedgerTransaction._meta.db_table), LedgerTransaction._meta.pk.column],
        )
        (name,) = cursor.fetchone()
    if name is None:
        raise sql.UnsupportedModelError("LedgerTransaction: the key has no sequence to draw from")
    return name


def _next_id() -> int:
    """The next transaction id, drawn as the INSERT's default would draw it (ids of operations
    refused afterwards are skipped, as a failed INSERT already skipped them)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s::regclass)", [_id_sequence()])
        return cursor.fetchone()[0]


@functools.cache
def _insert_statement() -> tuple[str, tuple]:
    """The transaction row and its entries in one INSERT (a data-modifying CTE): every concrete
    field of LedgerTransaction (its key drawn before, `_next_id`), the entries' transaction,
    account and amount. Refused (core.sql.UnsupportedModelError) when the ORM would do more: save
    receivers, database defaults, an entry field this statement does not write."""
    for model in (LedgerTransaction, LedgerEntry):
        sql.check_model(model, writes=True)
    entry_fields = {f.name for f in LedgerEntry._meta.concrete_fields if not f.primary_key}
    if entry_fields != {"transaction", "account", "amount"}:
        raise sql.UnsupportedModelError(f"LedgerEntry: fields {sorted(entry_fields)} are not the ones written here")
    qn = connection.ops.quote_name
    fields = tuple(LedgerTransaction._meta.concrete_fields)  # the key first, as _meta lists it
    txn_pk = qn(LedgerTransaction._meta.pk.column)
    entry_columns = ", ".join(sql.col(LedgerEntry, n) for n in ("transaction", "account", "amount"))
    statement = (
        f"WITH t AS (INSERT INTO {qn(LedgerTransaction._meta.db_table)} ({', '.join(qn(f.column) for f in fields)})"  # noqa: S608  # nosec B608: names from the models
        f" VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {txn_pk})"
        f" INSERT INTO {qn(LedgerEntry._meta.db_table)} ({entry_columns})"
        f" SELECT t.{txn_pk}, x.account, x.amount FROM t, unnest(%s::bigint[], %s::bigint[]) AS x (account, amount)"
        f" RETURNING {sql.col(LedgerEntry, 'transaction')}"
    )
    return statement, fields


def _insert(txn: LedgerTransaction, net: dict[int, int]) -> None:
    """Write `txn` (unsaved, its key drawn by `_next_id`) and its entries as `objects.create()` and
    `bulk_create()` would: each field's `pre_save` and `get_db_prep_save`, then the saved state on
    the instance."""
    statement, fields = _insert_statement()
    if txn.pk is None:
        raise ValueError("draw the transaction's id first (_next_id)")
    values = [f.get_db_prep_save(f.pre_save(txn, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(statement, [*values, list(net), list(net.values())])
    txn._state.adding = False
    txn._state.db = connection.alias


class _Replayed(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Leaves `ledger_post`'s atomic block (undoing the audit row written before the lock) with the
    first transaction of a retried key."""

    def __init__(self, transaction: LedgerTransaction):
        self.transaction = transaction


def _check(*, kind: str, accounts: dict[int, LedgerAccount], net: dict[int, int], guard) -> None:
    if kind != Kind.REVERSAL:
        for account in accounts.values():
            if account.wallet_status not in (None, Wallet.Status.ACTIVE):
                raise InactiveWalletError(_("Ví đang tạm khóa."), account=account)
    if guard is not None:
        guard(accounts)
    for account_id, delta in net.items():
        account = accounts[account_id]
        if not account.allow_negative and account.balance + delta < 0:
            raise InsufficientFundsError(_("Số dư không đủ."), account=account)


def ledger_post(
    *,
    kind: str,
    idempotency_key: str,
    legs: Sequence[tuple[int | str, int]],
    amount: int,
    description: str = "",
    actor=None,
    agent=None,
    extra: dict | None = None,
    reversal_of: LedgerTransaction | None = None,
    guard: Callable[[dict[int, LedgerAccount]], None] | None = None,
    audit: bool = True,
) -> LedgerTransaction:
    """Post one balanced transaction: `legs` are (account, signed amount) and must sum to zero; an
    account is its id, or its code (a wallet named by its number: `wallet_account_code`), found
    under the lock without a lookup of its own.

    Under the account locks a wallet that is not active is refused (InactiveWalletError with
    `.account`; reversals excepted), then `guard(accounts_by_id)` runs (limits, state checks of the
    caller: it may raise ServiceError), then every account that may not go negative is checked
    (InsufficientFundsError with `.account`). Returns the transaction, with `replayed` True when
    the key had already been posted with the same content. Raises UnknownAccountError for an
    account that does not exist, ConflictError for a key reused with other content, ServiceError for
    malformed legs. Audited as `economy.ledger.<kind>`: the operation as the caller described it
    (amount and `extra`); its legs are the transaction's entries, append-only in the database.
    Side effects: one transaction row, one entry per leg, the accounts' balances and a wallet's
    limit counters (by trigger), one audit row — all in one database transaction."""
    key = (idempotency_key or "").strip()
    if not key:
        raise _key_error(_("Thiếu mã giao dịch (khóa idempotency)."))
    if len(key) > MAX_KEY_LENGTH:
        raise _key_error(_("Mã giao dịch dài quá %(n)s ký tự.") % {"n": MAX_KEY_LENGTH})
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        message = _("Số tiền phải là số nguyên dương (VND).")
        raise ServiceError(message, errors={"amount": [message]})
    if len(legs) < 2 or any(not isinstance(a, int) or isinstance(a, bool) or a == 0 for _ref, a in legs):
        raise ValueError("a transaction needs at least two non-zero integer legs")
    if sum(a for _ref, a in legs) != 0:
        raise ValueError("legs must sum to zero")
    fp = None
    try:
        with transaction.atomic():
            # Everything that does not need the accounts runs before they are locked (ADR 1303 §4):
            # the id, the row and the audit row. A refusal under the lock rolls the audit row back.
            txn = LedgerTransaction(
                pk=_next_id(),
                kind=kind,
                idempotency_key=key,
                amount=amount,
                description=description[:300],
                reversal_of=reversal_of,
                actor=actor if getattr(actor, "pk", None) else None,
                agent=agent,
            )
            if audit:
                audit_record(
                    actor=actor, action=f"economy.ledger.{kind}", obj=txn, after={"amount": amount, **(extra or {})}
                )
            # Ascending id order: two operations on the same pair of accounts always lock them in the
            # same order, so they queue instead of deadlocking.
            locked = _lock({ref for ref, _a in legs})
            net: dict[int, int] = {}
            for ref, leg_amount in legs:
                account = locked.get(ref)
                if account is None:
                    message = _("Tài khoản không tồn tại.")
                    raise UnknownAccountError(message, ref=ref, errors={"account": [message]})
                net[account.pk] = net.get(account.pk, 0) + leg_amount
            fp = txn.fingerprint = fingerprint(kind=kind, legs=list(net.items()), extra=extra)
            try:
                _check(kind=kind, accounts={pk: locked[pk] for pk in net}, net=net, guard=guard)
            except ServiceError:
                # A retry of an operation already posted is answered with the first one, whatever
                # the checks now say (the first one's money has moved): the key decides, not them.
                replay = _replay(key, fp)
                if replay is None:
                    raise
                raise _Replayed(replay) from None
            # The transaction's unique key is the replay check: a retry that waited on the locks
            # for a first attempt in flight fails here and is answered below with the first one.
            _insert(txn, {a: d for a, d in net.items() if d})
    except _Replayed as replayed:
        return replayed.transaction
    except IntegrityError:
        # The key was posted before (a retry, or a reuse with other content: ConflictError).
        replay = _replay(key, fp) if fp is not None else None
        if replay is None:
            raise
        return replay
    txn.replayed = False
    return txn


def ledger_reverse(
    *, original: LedgerTransaction, idempotency_key: str, actor=None, reason: str = ""
) -> LedgerTransaction:
    """Undo a transaction with a new one carrying the opposite entries (`reversal_of`). A
    transaction is reversed at most once (`reversal_of` is unique: a second reversal fails on its
    insert, InvalidTransitionError); a reversal is never reversed. The reversed operation stops
    counting against the wallet's limits (the database's usage counters).
    Raises InsufficientFundsError when the money has already been spent."""
    if original.kind == Kind.REVERSAL:
        raise InvalidTransitionError(_("Không thể đảo một bút toán đảo."))
    legs = list(original.entries.values_list("account_id", "amount"))

    try:
        return ledger_post(
            kind=Kind.REVERSAL,
            idempotency_key=idempotency_key,
            legs=[(a, -amount) for a, amount in legs],
            amount=original.amount,
            description=(reason or _("Đảo giao dịch %(ref)s") % {"ref": original.reference})[:300],
            actor=actor,
            agent=original.agent,
            extra={"reversal_of": original.pk},
            reversal_of=original,
        )
    except IntegrityError:
        # reversal_of is unique: a concurrent reversal under another key won.
        raise InvalidTransitionError(_("Giao dịch %(ref)s đã được đảo.") % {"ref": original.reference}) from None
    except InsufficientFundsError:
        # Checked before the insert: a second reversal under another key finds the money already
        # moved back. Say what happened, not that the balance is short.
        if LedgerTransaction.objects.filter(reversal_of=original).exists():
            raise InvalidTransitionError(_("Giao dịch %(ref)s đã được đảo.") % {"ref": original.reference}) from None
        raise
