"""Wallet limits (per transaction, per day, per month; reference data in economy.LimitRule) and the
usage they are checked against.

Usage is read from the wallet's counters (`LedgerAccount.usage`: the day `on`, what each kind of
operation used that day and that month), which PostgreSQL keeps from the ledger's entries like the
balance (trigger of migration 0011; a reversal takes the amount back off). They live on the account
row `ledger_post` locks, so the lock that serialises a wallet's operations also reads them, in the
same statement and fresh after any wait (ADR 1301 §8). Summing the month's transactions instead cost
a scan that grew with the whole ledger (12 ms of a 16 ms transfer, docs/benchmarks.md); a table of
day rows cost a statement of its own under the lock.
"""

from __future__ import annotations

import datetime as dt
import time

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.errors import ServiceError
from economy.models import LedgerAccount, LimitRule, Operation

_rules_cache: dict = {}
RULES_CACHE_SECONDS = 60


def _vnd(amount: int) -> str:
    return f"{number_format(amount, force_grouping=True)} đ"


def _refuse(field: str, message: str) -> ServiceError:
    return ServiceError(message, errors={field: [message]})


def rules_on(day: dt.date) -> dict[str, LimitRule]:
    """The limit rule in force for each operation on `day` (the newest not after it). Reference
    data that changes a few times a year: kept per process for a minute (one query less per
    operation)."""
    now = time.monotonic()
    cached = _rules_cache.get(day)
    if cached is not None and now - cached[0] < RULES_CACHE_SECONDS:
        return cached[1]
    rules: dict[str, LimitRule] = {}
    for rule in LimitRule.objects.filter(valid_from__lte=day).order_by("operation", "-valid_from"):
        rules.setdefault(rule.operation, rule)
    _rules_cache.clear()
    _rules_cache[day] = (now, rules)
    return rules


def clear_rules_cache() -> None:
    _rules_cache.clear()


def used(account: LedgerAccount, operation: str, day: dt.date) -> dict[str, int]:
    """What the wallet used on `day` and in its month, of `operation` and of every kind together,
    from its counters. Counters of a later day than `day` (another process's clock, a second ahead
    at midnight) are taken as they are: the check errs on the side of refusing."""
    usage = account.usage or {}
    on = usage.get("on") or ""
    today = day.isoformat()
    day_counters = usage.get("day", {}) if on >= today else {}
    month_counters = usage.get("month", {}) if on[:7] >= today[:7] else {}
    return {
        "day": day_counters.get(operation, 0),
        "month": month_counters.get(operation, 0),
        "total_day": sum(day_counters.values()),
        "total_month": sum(month_counters.values()),
    }


def check_limits(*, account: LedgerAccount, operation: str, amount: int, field: str = "amount") -> None:
    """Refuse (ServiceError on `field`) an operation that would pass the wallet's per-transaction,
    daily or monthly limit, of its own kind, then of every kind together. `account` is the wallet's
    ledger account as `ledger_post` locked it (a guard gets it from its `accounts`): the counters
    change only when an entry on that wallet is inserted, so two operations at once cannot both slip
    under a limit. On an account read without the lock the check is advisory (a cash-out's
    pre-check before the code is sent)."""
    today = timezone.localdate()
    rules = rules_on(today)
    own, total = rules.get(operation), rules.get(Operation.TOTAL)
    for rule in (own, total):
        if rule is not None and rule.per_transaction and amount > rule.per_transaction:
            raise _refuse(field, _("Vượt hạn mức mỗi giao dịch (%(limit)s).") % {"limit": _vnd(rule.per_transaction)})
    if not any(r is not None and (r.per_day or r.per_month) for r in (own, total)):
        return
    usage = used(account, operation, today)
    for rule, day_key, month_key in ((own, "day", "month"), (total, "total_day", "total_month")):
        if rule is None:
            continue
        if rule.per_day and usage[day_key] + amount > rule.per_day:
            raise _refuse(field, _("Vượt hạn mức trong ngày (%(limit)s).") % {"limit": _vnd(rule.per_day)})
        if rule.per_month and usage[month_key] + amount > rule.per_month:
            raise _refuse(field, _("Vượt hạn mức trong tháng (%(limit)s).") % {"limit": _vnd(rule.per_month)})
