"""Wallet limits (per transaction, per day, per month; reference data in economy.LimitRule) and the
usage they are checked against.

Usage is read from counters (`economy.WalletUsage`, one row per wallet, local day and kind of
operation) that PostgreSQL keeps from the ledger's entries (trigger of migration 0006, like the
balances; a reversal takes the amount back off the original's day), so a check reads at most a
month of day rows whatever the wallet's history: summing the month's transactions instead cost a
scan that grew with the whole ledger (12 ms of a 16 ms transfer in bench/economy,
docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
import time

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.errors import ServiceError
from economy.models import LimitRule, Operation, WalletUsage

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


def usage(account_id: int, day: dt.date) -> list[tuple[dt.date, str, int]]:
    """The wallet's counters of `day`'s month up to `day`: (day, operation, amount) rows."""
    return list(
        WalletUsage.objects.filter(account_id=account_id, day__gte=day.replace(day=1), day__lte=day).values_list(
            "day", "operation", "amount"
        )
    )


def check_limits(*, wallet_account_id: int, operation: str, amount: int, field: str = "amount") -> None:
    """Refuse (ServiceError on `field`) an operation that would pass the wallet's per-transaction,
    daily or monthly limit, of its own kind, then of every kind together. Call it under the
    wallet's lock (a `ledger_post` guard): the counters it reads change only when an entry on that
    wallet is inserted, so two operations at once cannot both slip under a limit. Outside the lock
    the check is advisory (a cash-out's pre-check before the code is sent)."""
    today = timezone.localdate()
    rules = rules_on(today)
    own, total = rules.get(operation), rules.get(Operation.TOTAL)
    for rule in (own, total):
        if rule is not None and rule.per_transaction and amount > rule.per_transaction:
            raise _refuse(field, _("Vượt hạn mức mỗi giao dịch (%(limit)s).") % {"limit": _vnd(rule.per_transaction)})
    if not any(r is not None and (r.per_day or r.per_month) for r in (own, total)):
        return
    used = {"day": 0, "month": 0, "total_day": 0, "total_month": 0}
    for day, op, value in usage(wallet_account_id, today):
        used["total_month"] += value
        used["total_day"] += value if day == today else 0
        if op == operation:
            used["month"] += value
            used["day"] += value if day == today else 0
    for rule, day_key, month_key in ((own, "day", "month"), (total, "total_day", "total_month")):
        if rule is None:
            continue
        if rule.per_day and used[day_key] + amount > rule.per_day:
            raise _refuse(field, _("Vượt hạn mức trong ngày (%(limit)s).") % {"limit": _vnd(rule.per_day)})
        if rule.per_month and used[month_key] + amount > rule.per_month:
            raise _refuse(field, _("Vượt hạn mức trong tháng (%(limit)s).") % {"limit": _vnd(rule.per_month)})
