"""Reads of the digital economy pillar, already scoped to what the user may see."""

import datetime as dt

from django.conf import settings
from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from core.geo.models import AdministrativeUnit as Unit
from core.indicators.registry import percent
from core.permissions import user_has_role
from core.text import fold
from core.users import roles
from economy.models import (
    BankSupervisor,
    CashOutRequest,
    CommuneHouseholds,
    DigitalShop,
    EpaymentAccount,
    EpaymentMonthlyUse,
    Household,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Reconciliation,
    ShopMonthlySales,
    ShopProduct,
    SoftAtmAgent,
    Wallet,
)
from economy.permissions import commune_scope

# Cash an agent must hold to be shown as "can pay out cash now" on the public map.
PAYOUT_THRESHOLD = getattr(settings, "ECONOMY_PAYOUT_THRESHOLD", 500_000)


def communes_for(user) -> QuerySet[Unit]:
    units = Unit.objects.filter(structure=Unit.Structure.CURRENT, level=Unit.Level.COMMUNE).order_by("name")
    scope = commune_scope(user)
    return units if scope is None else units.filter(pk=scope.pk)


def shops_for(user, *, commune_code=None, platform="", status="", q="") -> QuerySet[DigitalShop]:
    shops = DigitalShop.objects.select_related("commune").order_by("-registered_on", "-id")
    scope = commune_scope(user)
    if scope is not None:
        shops = shops.filter(commune=scope)
    if commune_code:
        shops = shops.filter(commune__code=commune_code)
    if platform:
        shops = shops.filter(platform=platform)
    if status:
        shops = shops.filter(status=status)
    if q:
        shops = shops.filter(Q(name__icontains=q) | Q(products__icontains=q))
    return shops


def agents_public(*, commune_code=None) -> QuerySet[SoftAtmAgent]:
    """Soft-ATM agent points open to the public (business information only)."""
    # The commune for its name only: its boundary (a multipolygon) is not parsed for every point.
    agents = (
        SoftAtmAgent.objects.filter(status=SoftAtmAgent.Status.ACTIVE)
        .select_related("commune")
        .defer("commune__geometry")
    )
    if commune_code:
        agents = agents.filter(commune__code=commune_code)
    return agents.order_by("commune__name", "name")


# --- figures, shared by the pages and the indicators -------------------------------------------------


def _window_start(on: dt.date) -> dt.date:
    """The first month that overlaps the 30 days before `on`: monthly figures count from there."""
    return (on - dt.timedelta(days=30)).replace(day=1)


def _by_commune(rows, key="commune__code") -> dict[int, int]:
    return dict(rows.values(key).annotate(n=Count("id", distinct=True)).values_list(key, "n"))


def households_by_commune(on: dt.date) -> dict[int, int]:
    """Households in each commune's register at the start of day `on`: the shares' denominator."""
    return _by_commune(Household.objects.filter(registered_on__lt=on))


def official_households_by_commune(on: dt.date) -> dict[int, int]:
    """The statistics office's number of households of each commune, from the newest year not after
    `on`'s year: how complete each register is."""
    latest = CommuneHouseholds.objects.filter(commune=OuterRef("commune"), year__lte=on.year).order_by("-year")
    rows = CommuneHouseholds.objects.filter(year__lte=on.year, pk=Subquery(latest.values("pk")[:1])).values_list(
        "commune__code", "households"
    )
    return dict(rows)


def selling_households_by_commune(on: dt.date) -> dict[int, int]:
    """Households of the register with a shop that sold in the 30 days before `on` (a month with
    orders that overlaps the window)."""
    return _by_commune(
        Household.objects.filter(
            registered_on__lt=on,
            shops__monthly_sales__orders__gt=0,
            shops__monthly_sales__month__gte=_window_start(on),
            shops__monthly_sales__month__lt=on,
        )
    )


# The soft-ATM operations a customer makes with a wallet (not the bank's funding or reversals).
WALLET_USE_KINDS = ("cash_in", "cash_out", "transfer", "payment")


def _used_wallets(on: dt.date) -> QuerySet:
    """Soft-ATM wallets with an operation in the 30 days before `on` (exact times, from the ledger)."""

    end = timezone.make_aware(dt.datetime.combine(on, dt.time.min))
    return Wallet.objects.filter(
        account__entries__transaction__kind__in=WALLET_USE_KINDS,
        account__entries__transaction__created_at__gte=end - dt.timedelta(days=30),
        account__entries__transaction__created_at__lt=end,
    )


def paying_households_by_commune(on: dt.date) -> dict[int, int]:
    """Households of the register with an e-payment account used in the 30 days before `on`: at
    least one payment in a month that overlaps the window, as the provider reported, or an
    operation on a soft-ATM wallet of a household member in those 30 days."""
    reported = EpaymentAccount.objects.filter(
        household__isnull=False,
        monthly_use__transactions__gt=0,
        monthly_use__month__gte=_window_start(on),
        monthly_use__month__lt=on,
    ).values("household_id")
    wallets = _used_wallets(on).filter(household__isnull=False).values("household_id")
    return _by_commune(Household.objects.filter(registered_on__lt=on).filter(Q(pk__in=reported) | Q(pk__in=wallets)))


def selling_shops_by_commune(on: dt.date) -> dict[int, int]:
    """Shops that sold in the 30 days before `on`: what "active" means (issue 13)."""
    return _by_commune(
        DigitalShop.objects.filter(
            monthly_sales__orders__gt=0, monthly_sales__month__gte=_window_start(on), monthly_sales__month__lt=on
        )
    )


def used_accounts_by_commune(on: dt.date) -> dict[int, int]:
    """E-payment accounts used in the 30 days before `on`: those their provider reported used, and
    the soft-ATM wallets (of the wallet holder's commune) with an operation in those days."""
    counts = _by_commune(
        EpaymentAccount.objects.filter(
            monthly_use__transactions__gt=0, monthly_use__month__gte=_window_start(on), monthly_use__month__lt=on
        )
    )
    for code, n in _by_commune(_used_wallets(on)).items():
        counts[code] = counts.get(code, 0) + n
    return counts


def agents_by_commune(on: dt.date) -> dict[int, int]:
    return _by_commune(
        SoftAtmAgent.objects.filter(opened_on__lt=on).filter(Q(closed_on__isnull=True) | Q(closed_on__gte=on))
    )


def commune_summary(user, on: dt.date) -> list[dict]:
    """Per commune the user may see: households in the register (and the statistics office's count),
    households with a shop that sold and with an e-payment account used in the last 30 days, with
    their shares, shops that sold, accounts used and soft-ATM agents."""
    households, official = households_by_commune(on), official_households_by_commune(on)
    selling, paying = selling_households_by_commune(on), paying_households_by_commune(on)
    shops, accounts, agents = selling_shops_by_commune(on), used_accounts_by_commune(on), agents_by_commune(on)
    rows = []
    for unit in communes_for(user):
        h = households.get(unit.code, 0)
        rows.append(
            {
                "unit": unit,
                "households": h,
                "official": official.get(unit.code),
                "selling": selling.get(unit.code, 0),
                "paying": paying.get(unit.code, 0),
                "shops": shops.get(unit.code, 0),
                "accounts": accounts.get(unit.code, 0),
                "agents": agents.get(unit.code, 0),
                "shop_share": percent(selling.get(unit.code, 0), h, digits=1),
                "account_share": percent(paying.get(unit.code, 0), h, digits=1),
            }
        )
    return rows


def households_for(user, *, commune_code=None, q: str = "") -> QuerySet[Household]:
    """The register as the user may see it (the head's name is personal data): their commune, or
    every commune for province and department officials."""
    rows = Household.objects.select_related("commune").order_by("commune__name", "code")
    scope = commune_scope(user)
    if scope is not None:
        rows = rows.filter(commune=scope)
    if commune_code:
        rows = rows.filter(commune__code=commune_code)
    if q.strip():
        rows = rows.filter(Q(code__iexact=q.strip()) | Q(head_name__unaccent__icontains=fold(q.strip())))
    return rows


# --- the ledger ---------------------------------------------------------------------------------


def ledger_drift() -> dict:
    """The ledger's health, for tests, benchmarks and the supervisor: the sum of every balance
    (0 when no money was created or lost), the accounts whose balance differs from the sum of their
    entries, the accounts below zero that may not be, unbalanced transactions, and the wallets whose
    limit counters differ from their operations."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(balance), 0) FROM economy_ledgeraccount")
        (total,) = cursor.fetchone()
        cursor.execute(
            "SELECT a.id FROM economy_ledgeraccount a LEFT JOIN "
            "(SELECT account_id, sum(amount) AS s FROM economy_ledgerentry GROUP BY account_id) e "
            "ON e.account_id = a.id WHERE a.balance <> coalesce(e.s, 0)"
        )
        mismatched = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT id FROM economy_ledgeraccount WHERE balance < 0 AND NOT allow_negative")
        negative = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT transaction_id FROM economy_ledgerentry GROUP BY transaction_id "
            "HAVING sum(amount) <> 0 OR count(*) < 2"
        )
        unbalanced = [row[0] for row in cursor.fetchall()]
        # The limit counters against the ledger they are kept from: every limited operation not
        # reversed, on the wallet it counted for, in the counters' day `on` and in its month.
        cursor.execute(
            "WITH counted AS (SELECT e.account_id, t.kind, t.amount,"
            " (t.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day FROM economy_ledgertransaction t"
            " JOIN economy_ledgerentry e ON e.transaction_id = t.id"
            " JOIN economy_ledgeraccount a ON a.id = e.account_id AND a.kind = 'wallet'"
            " WHERE t.kind IN ('cash_in', 'cash_out', 'transfer', 'payment') AND (t.kind = 'cash_in') = (e.amount > 0)"
            " AND NOT EXISTS (SELECT 1 FROM economy_ledgertransaction r WHERE r.reversal_of_id = t.id)),"
            " expected AS (SELECT a.id AS account_id, c.kind,"
            " coalesce(sum(c.amount) FILTER (WHERE c.day = (a.usage->>'on')::date), 0) AS day_amount,"
            " coalesce(sum(c.amount) FILTER (WHERE date_trunc('month', c.day)"
            " = date_trunc('month', (a.usage->>'on')::date)), 0) AS month_amount,"
            " bool_or(a.usage->>'on' IS NULL) AS never_counted"
            " FROM counted c JOIN economy_ledgeraccount a ON a.id = c.account_id GROUP BY 1, 2),"
            " stored AS (SELECT a.id AS account_id, k.kind,"
            " coalesce((a.usage->'day'->>k.kind)::bigint, 0) AS day_amount,"
            " coalesce((a.usage->'month'->>k.kind)::bigint, 0) AS month_amount"
            " FROM economy_ledgeraccount a CROSS JOIN (VALUES ('cash_in'), ('cash_out'), ('transfer'), ('payment'))"
            " AS k (kind) WHERE a.kind = 'wallet')"
            " SELECT s.account_id FROM stored s LEFT JOIN expected x USING (account_id, kind)"
            " WHERE s.day_amount <> coalesce(x.day_amount, 0) OR s.month_amount <> coalesce(x.month_amount, 0)"
            " OR coalesce(x.never_counted, false)"
        )
        usage = sorted({row[0] for row in cursor.fetchall()})
    return {
        "total": int(total),
        "mismatched": mismatched,
        "negative": negative,
        "unbalanced": unbalanced,
        "usage": usage,
    }


# --- the soft ATM ---------------------------------------------------------------------------------


def wallet_of(user):
    """The signed-in person's own wallet, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    # Not the commune (its boundary is a large geometry no wallet page shows) and no ORDER BY: the
    # user's unique index answers alone. Read on every transfer the wallet page posts.
    return next(iter(Wallet.objects.select_related("account").filter(user=user)[:1]), None)


def account_history(account_id: int, *, limit: int = 50) -> list[dict]:
    """The newest movements of one ledger account: what a statement shows (signed amount, running
    balance after it, the transaction's kind, description and reference)."""
    entries = list(
        LedgerEntry.objects.filter(account_id=account_id).select_related("transaction").order_by("-id")[:limit]
    )
    balance = LedgerAccount.objects.values_list("balance", flat=True).get(pk=account_id)
    rows = []
    for entry in entries:
        rows.append({"entry": entry, "txn": entry.transaction, "amount": entry.amount, "balance_after": balance})
        balance -= entry.amount
    return rows


def agent_day(agent, day: dt.date) -> dict:
    """An agent's day at the counter: its operations, counts and sums per kind, float and cash."""

    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    txns = LedgerTransaction.objects.filter(agent=agent, created_at__gte=start, created_at__lt=end).order_by("-id")
    totals = {row["kind"]: row for row in txns.values("kind").annotate(n=Count("id"), total=Sum("amount"))}
    return {"transactions": list(txns[:200]), "totals": totals}


def agent_pending_cash_outs(agent, *, now=None) -> list:
    """The agent's cash-outs waiting for the customer's code and not yet expired, newest first: the
    counter lists them, so a clerk who left the confirmation page can go back to it."""
    return list(
        CashOutRequest.objects.filter(
            agent=agent, status=CashOutRequest.Status.PENDING, expires_at__gt=now or timezone.now()
        )
        .select_related("wallet")
        .order_by("-id")[:20]
    )


def can_pay_out(agent, *, now=None) -> bool:
    """Whether a customer walking in now can withdraw cash: open at this hour and holding at least
    the payout threshold in cash."""

    now = timezone.localtime(now)
    cash = agent.cash_account.balance if agent.cash_account_id else 0
    return agent.is_open_at(now.time()) and cash >= PAYOUT_THRESHOLD


def agents_public_with_status(*, commune_code=None, now=None) -> list:
    """The public list of agent points, each with `can_pay_out` (no amounts are shown)."""
    agents = list(agents_public(commune_code=commune_code).select_related("cash_account"))
    for agent in agents:
        agent.can_pay_out = can_pay_out(agent, now=now)
    return agents


def supervisor_of(user):

    if not getattr(user, "is_authenticated", False):
        return None
    return BankSupervisor.objects.filter(user=user).first()


def supervised_agents_by_commune(supervisor) -> list[tuple]:
    """The supervisor's bank's agents, grouped by commune, with float and cash."""
    agents = (
        SoftAtmAgent.objects.filter(bank=supervisor.bank)
        .select_related("commune", "float_account", "cash_account")
        .order_by("commune__name", "name")
    )
    groups: dict = {}
    for agent in agents:
        groups.setdefault(agent.commune, []).append(agent)
    return list(groups.items())


def reconciliations_for(supervisor, *, status=None) -> QuerySet:

    rows = Reconciliation.objects.filter(agent__bank=supervisor.bank).select_related("agent", "agent__commune")
    return rows.filter(status=status) if status else rows


# --- digital shops: sales and the public product directory ----------------------------------------


def product_directory(*, q: str = "", commune_code=None, specialties_only: bool = False) -> QuerySet:
    """Products of active shops, searchable with or without diacritics (unaccent on both sides)."""
    rows = ShopProduct.objects.filter(shop__status=DigitalShop.Status.ACTIVE).select_related("shop", "shop__commune")
    if commune_code:
        rows = rows.filter(shop__commune__code=commune_code)
    if specialties_only:
        rows = rows.filter(is_local_specialty=True)
    if q.strip():
        folded = fold(q.strip())
        rows = rows.filter(Q(name__unaccent__icontains=folded) | Q(shop__name__unaccent__icontains=folded))
    return rows.order_by("shop__commune__name", "name")


def shops_owned_by(user) -> QuerySet[DigitalShop]:
    """The shops a signed-in person runs (enters the monthly sales of)."""
    if not getattr(user, "is_authenticated", False):
        return DigitalShop.objects.none()
    return DigitalShop.objects.filter(owner=user).select_related("commune").order_by("name")


def shop_sales_history(shop, *, months: int = 12) -> list:

    return list(ShopMonthlySales.objects.filter(shop=shop).order_by("-month")[:months])


def reversible_for(supervisor, *, reference: str = "") -> QuerySet:
    """Operations a bank's supervisor may reverse, newest first: those of the bank's agents and the
    transfers and payments of wallets opened at them. `reference` (GD00000012 or 12) narrows to one."""
    rows = (
        LedgerTransaction.objects.exclude(kind=LedgerTransaction.Kind.REVERSAL)
        .filter(
            Q(agent__bank=supervisor.bank)
            | Q(agent__isnull=True, entries__account__wallet__opened_by_agent__bank=supervisor.bank)
        )
        .select_related("agent", "reversed_by")
        .distinct()
        .order_by("-id")
    )
    digits = "".join(c for c in reference if c.isdigit())
    if reference.strip():
        rows = rows.filter(pk=int(digits)) if digits and len(digits) <= 12 else rows.none()
    return rows


def household_activity(household_ids: list[int], on: dt.date) -> dict[int, tuple[bool, bool]]:
    """For a page of households: whether each one's shop sold, and whether its e-payment account
    or a member's soft-ATM wallet was used, in the 30 days before `on` (three queries, whatever the
    page's size)."""
    start = _window_start(on)
    sold = set(
        ShopMonthlySales.objects.filter(
            shop__household_id__in=household_ids, orders__gt=0, month__gte=start, month__lt=on
        ).values_list("shop__household_id", flat=True)
    )
    paid = set(
        EpaymentMonthlyUse.objects.filter(
            account__household_id__in=household_ids, transactions__gt=0, month__gte=start, month__lt=on
        ).values_list("account__household_id", flat=True)
    ) | set(_used_wallets(on).filter(household_id__in=household_ids).values_list("household_id", flat=True))
    return {pk: (pk in sold, pk in paid) for pk in household_ids}


def providers_reportable_by(user) -> list[str] | None:
    """The e-payment providers whose report of account use this user may send: every provider for
    the province's departments and administrators, their own bank for a bank's supervisor; None for
    anyone else."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user_has_role(user, roles.DEPARTMENT_OFFICIAL, roles.SYSTEM_ADMIN):
        return list(EpaymentAccount.objects.order_by("provider").values_list("provider", flat=True).distinct())
    return list(BankSupervisor.objects.filter(user=user).values_list("bank", flat=True)) or None
