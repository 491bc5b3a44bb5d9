"""Demo data of the digital economy pillar (core.demo), written through the pillar's services so the
demo obeys the same rules as real data (validation, commune scope, audit). Province scale uses the
seed's figures: 116,301 digital shops (60% of households) and 102,043 e-payment accounts (53%) over
≈193,835 households in the communes' registers; "small" is the same province shrunk fifty times.
Shops sell, and accounts are used, in some months only, so the honest shares (sold / used in the last
30 days) sit below the registered ones. The soft ATM gets agents, a clerk and a bank supervisor,
wallets, funding, cash-ins and transfers through the ledger's services.

Idempotent: households are matched by code, shops by name and platform, monthly figures are upserts,
money operations carry fixed idempotency keys; each commune is only topped up to its target."""

import datetime as dt
import math
import random

from django.db import transaction

from core.demo import register
from core.geo.models import AdministrativeUnit as Unit

SHOPS = 116_301
ACCOUNTS = 102_043
SHOP_SHARE, ACCOUNT_SHARE = 0.60, 0.53
HOUSEHOLDS = round(SHOPS / SHOP_SHARE)  # ≈ 193,835
AGENTS_PER_COMMUNE = (1, 6)
START, END = dt.date(2021, 1, 1), dt.date(2026, 11, 26)
PLATFORMS = ["postmart"] * 4 + ["voso"] * 3 + ["shopee", "lazada", "tiki", "zalo", "other"]
PRODUCTS = [
    "Hồi, quế Văn Quan",
    "Na Chi Lăng",
    "Thạch đen Tràng Định",
    "Miến dong Bình Liêu",
    "Rau, củ hữu cơ",
    "Mật ong rừng",
    "Trà hoa vàng",
    "Thịt lợn gác bếp",
    "Vịt quay Thất Khê",
    "Quýt vàng Bắc Sơn",
    "Hồng không hạt Bảo Lâm",
    "Khẩu sli, bánh dân tộc",
]
BANKS = ["Agribank", "Viettel Money", "VNPT Money", "BIDV", "Vietinbank", "LienVietPostBank"]
ACCOUNT_KINDS = ["bank"] * 6 + ["ewallet"] * 2 + ["mobile_money"] * 2


def _adoption_date(rng: random.Random) -> dt.date:
    """Adoption grows like a logistic curve from 2021 (≈200 shops) to a plateau by 2026."""
    span = (END - START).days
    while True:
        u = rng.random()
        # inverse of a logistic CDF centred mid-2023, clipped to the window
        x = 0.45 + 0.13 * -math.log(1 / u - 1) if 0 < u < 1 else 0.5
        if 0 <= x <= 1:
            return START + dt.timedelta(days=int(x * span))


HEADS = ["Hoàng Văn", "Nông Thị", "Vi Văn", "Lương Thị", "Lý Văn", "Triệu Thị", "Hà Văn", "Chu Thị", "Lộc Văn"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hoa", "Hùng", "Lan", "Minh", "Nga", "Phúc", "Quế", "Sơn", "Thu", "Vân"]
SPECIALTIES = {
    "Hồi, quế Văn Quan": "spice",
    "Na Chi Lăng": "fruit",
    "Thạch đen Tràng Định": "food",
    "Miến dong Bình Liêu": "food",
    "Mật ong rừng": "food",
    "Trà hoa vàng": "tea",
    "Thịt lợn gác bếp": "food",
    "Vịt quay Thất Khê": "food",
    "Quýt vàng Bắc Sơn": "fruit",
    "Hồng không hạt Bảo Lâm": "fruit",
}
MONTHS = 6  # months of sales and account use written back from the current one
SELL_RATE, USE_RATE = 0.72, 0.8  # chance that a shop sold / an account was used in a given month
DEMO_OFFICIAL = "canbo.so@demo.langson.vn"  # the department official who enters the registers
CLERK, SUPERVISOR = "daily.atm@demo.langson.vn", "giamsat.nganhang@demo.langson.vn"
DEMO_COMMUNE = 5977
CITIZEN = "congdan@demo.langson.vn"


def _communes() -> list[Unit]:
    return list(Unit.objects.filter(structure=Unit.Structure.CURRENT, level=Unit.Level.COMMUNE).order_by("code"))


def commune_households(units: list[Unit], total: int) -> dict[int, int]:
    """A deterministic split of the province's households over its communes (wards are denser)."""
    rng = random.Random(20)
    weights = {
        u.code: rng.uniform(0.5, 1.6) * (3.0 if u.division_type.lower().startswith("phường") else 1.0) for u in units
    }
    scale = total / sum(weights.values())
    return {code: max(50, round(w * scale)) for code, w in weights.items()}


def commune_rates(units: list[Unit], mean: float, seed: int) -> dict[int, float]:
    rng = random.Random(seed)
    return {u.code: min(0.95, max(0.2, rng.gauss(mean, 0.1))) for u in units}


def _months_back(today: dt.date, n: int) -> list[dt.date]:
    month = today.replace(day=1)
    months = []
    for _i in range(n):
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return months


@register("economy", order=40)
def generate(*, scale: str, log) -> None:
    from django.utils import timezone

    from core.users.models import User
    from economy.models import CommuneHouseholds

    factor = 1 if scale == "province" else 1 / 50
    units = _communes()
    official = User.objects.get(email=DEMO_OFFICIAL)
    households = commune_households(units, round(HOUSEHOLDS * factor))
    with transaction.atomic():
        for unit in units:
            for year in range(2021, 2027):
                # the statistics office's count, growing ~1% a year; the register holds the 2026 figure
                n = round(households[unit.code] * (1 - 0.01 * (2026 - year)))
                CommuneHouseholds.objects.update_or_create(
                    commune=unit, year=year, defaults={"households": n, "source": "Dữ liệu mẫu (demo)"}
                )
    shop_targets = _targets(units, households, commune_rates(units, SHOP_SHARE, 60), round(SHOPS * factor))
    account_targets = _targets(units, households, commune_rates(units, ACCOUNT_SHARE, 53), round(ACCOUNTS * factor))
    today = timezone.localdate()
    months = _months_back(today, MONTHS)
    totals = dict.fromkeys(("households", "shops", "accounts", "sales", "use"), 0)
    for unit in units:
        n = _commune(unit, official, households[unit.code], shop_targets[unit.code], account_targets[unit.code], months)
        for key, value in n.items():
            totals[key] += value
    log(
        "households: {households:,}, digital shops: +{shops:,}, e-payment accounts: +{accounts:,}, "
        "monthly sales rows: {sales:,}, monthly account use rows: {use:,}".format(**totals)
    )
    _soft_atm(units, official, log)


def _commune(unit, official, n_households, n_shops, n_accounts, months) -> dict[str, int]:
    """One commune's register, its households' shops and accounts, and their recent months."""
    from core.users.models import User
    from economy.models import DigitalShop, EpaymentAccount
    from economy.services import households as hh
    from economy.services.shops import shop_sales_record_many

    rng = random.Random(f"households-{unit.code}")
    rows = [
        hh.HouseholdRow(
            code=f"H{i + 1:05d}",
            head_name=f"{rng.choice(HEADS)} {rng.choice(GIVEN)}",
            village=f"Thôn {rng.randint(1, 12)}",
            registered_on=START - dt.timedelta(days=rng.randint(0, 3650)),
        )
        for i in range(n_households)
    ]
    register = hh.households_register(actor=official, commune=unit, rows=rows)
    order = list(range(len(register)))
    random.Random(f"owners-{unit.code}").shuffle(order)

    have = DigitalShop.objects.filter(commune=unit).count()
    # The demo citizen runs the first shop of the demo commune (the sales page "Cửa hàng số của tôi").
    citizen = User.objects.filter(email=CITIZEN).first() if unit.code == DEMO_COMMUNE else None
    shop_rows = []
    for i in range(have, n_shops):
        r = random.Random(f"shop-{unit.code}-{i}")
        owner = register[order[i % len(order)]]
        product = r.choice(PRODUCTS)
        platform = r.choice(PLATFORMS)
        shop_rows.append(
            hh.ShopRow(
                household=owner,
                name=f"{product} — hộ {owner.code} {unit.name}",
                platform=platform,
                registered_on=_adoption_date(r),
                link=f"https://{platform}.example.vn/shop/{unit.code}-{owner.code.lower()}-{i}",
                products=((product, SPECIALTIES.get(product, "other"), product in SPECIALTIES),),
                owner=citizen if i == 0 else None,
            )
        )
    shops = hh.digital_shops_register(actor=official, commune=unit, rows=shop_rows) if shop_rows else []

    have = EpaymentAccount.objects.filter(commune=unit).count()
    account_rows = []
    for i in range(have, n_accounts):
        r = random.Random(f"account-{unit.code}-{i}")
        kind = r.choice(ACCOUNT_KINDS)
        provider = {"bank": r.choice(BANKS[:1] + BANKS[3:]), "ewallet": "MoMo", "mobile_money": r.choice(BANKS[1:3])}[
            kind
        ]
        # Most households hold one account; the order wraps so a few hold two.
        account_rows.append(
            hh.AccountRow(
                household=register[order[-1 - (i % len(order))]],
                kind=kind,
                provider=provider,
                opened_on=_adoption_date(r),
            )
        )
    accounts = hh.epayment_accounts_open(actor=official, commune=unit, rows=account_rows) if account_rows else []

    sales = []
    for shop in shops:
        r = random.Random(f"sales-{shop.pk}")
        for month in months:
            if month >= shop.registered_on.replace(day=1) and r.random() < SELL_RATE:
                orders = r.randint(1, 60)
                sales.append((shop, month, orders, orders * r.randint(40, 400) * 1000))
    if sales:
        shop_sales_record_many(actor=official, rows=sales, source="csv")
    use = []
    for account in accounts:
        r = random.Random(f"use-{account.pk}")
        for month in months:
            if month >= account.opened_on.replace(day=1) and r.random() < USE_RATE:
                use.append((account, month, r.randint(1, 40)))
    if use:
        hh.epayment_use_record(actor=official, rows=use)
    return {
        "households": len(register),
        "shops": len(shops),
        "accounts": len(accounts),
        "sales": len(sales),
        "use": len(use),
    }


def _soft_atm(units, official, log) -> None:
    """Agent points per commune (on the map), and at one of them a clerk, the bank's supervisor,
    wallets and a few days of operations, all through the soft-ATM services."""
    from django.contrib.gis.geos import Point

    from core.users.demo import DEMO_PASSWORD
    from core.users.models import User
    from economy.models import AgentStaff, BankSupervisor, SoftAtmAgent, Wallet
    from economy.services import agents as agent_service
    from economy.services import wallets as wallet_service
    from economy.services.shops import soft_atm_agent_register

    existing = set(SoftAtmAgent.objects.values_list("name", flat=True))
    added = 0
    for unit in units:
        rng = random.Random(f"agent-{unit.code}")
        centre = unit.geometry.point_on_surface if unit.geometry is not None else None
        for i in range(rng.randint(*AGENTS_PER_COMMUNE)):
            bank = rng.choice(BANKS[:1] + BANKS[3:])
            name = f"Điểm ATM mềm {bank} số {i + 1} — {unit.name}"
            where = Point(centre.x + rng.uniform(-0.01, 0.01), centre.y + rng.uniform(-0.01, 0.01)) if centre else None
            address = f"Thôn {rng.randint(1, 12)}, {unit.name}"
            opened_on = START + dt.timedelta(days=rng.randint(0, (END - START).days))
            if name in existing:  # after every draw, so the next agent's draws are the first run's
                continue
            soft_atm_agent_register(
                actor=official, commune=unit, name=name, address=address, bank=bank, opened_on=opened_on, location=where
            )
            added += 1
    log(f"soft-ATM agents: +{added}")

    unit = next((u for u in units if u.code == DEMO_COMMUNE), None)
    active = SoftAtmAgent.objects.filter(status=SoftAtmAgent.Status.ACTIVE).order_by("pk")
    agent = active.filter(commune=unit).first() if unit else None
    # Every other point holds the float and drawer cash its bank gave it, so the public map shows
    # which can pay out now; about one in five runs low, as a real one does after a busy day. The
    # bank funds through the ledger (actor None: the system), keyed per point: a re-run adds nothing.
    funded = 0
    for point in active.filter(commune__in=units).exclude(pk=getattr(agent, "pk", None)):
        rng = random.Random(f"fund-{point.name}")
        low = rng.random() < 0.2
        agent_service.agent_fund(
            actor=None,
            agent=point,
            emoney=rng.randint(20, 200) * 1_000_000,
            cash=rng.randint(1, 4) * 100_000 if low else rng.randint(5, 60) * 1_000_000,
            idempotency_key=f"demo:fund:point:{point.pk}",
        )
        funded += 1
    log(f"soft-ATM agents funded: {funded}")
    if agent is None:
        return
    # Who works the counter and who supervises it are memberships the bank sets up (admin).
    people = {}
    for email, name in ((CLERK, "Vi Thị Quầy"), (SUPERVISOR, f"Giám sát {agent.bank}")):
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": name, "admin_unit": unit})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            log(f"demo account {email}")
        people[email] = user
    AgentStaff.objects.get_or_create(user=people[CLERK], defaults={"agent": agent})
    BankSupervisor.objects.get_or_create(user=people[SUPERVISOR], defaults={"bank": agent.bank})
    agent_service.agent_fund(
        actor=people[SUPERVISOR], agent=agent, emoney=200_000_000, cash=50_000_000, idempotency_key="demo:fund:1"
    )
    citizen = User.objects.filter(email=CITIZEN).first()
    numbers = []
    for i in range(40):
        rng = random.Random(f"wallet-{i}")  # per wallet, amount first: a re-run posts the same content
        amount = rng.randint(5, 50) * 100_000
        owner = citizen if i == 0 else None
        citizen_id = owner.citizen_id if owner else f"020{197000000 + i:09d}"
        wallet = Wallet.objects.filter(citizen_id=citizen_id).first() or wallet_service.wallet_open(
            actor=owner or people[CLERK],
            citizen_id=citizen_id,
            phone=owner.phone if owner else f"09{rng.randint(10_000_000, 99_999_999)}",
            full_name=owner.full_name if owner else f"{rng.choice(HEADS)} {rng.choice(GIVEN)}",
            commune=unit,
            agent=None if owner else agent,
            user=owner,
            # Customers of the agent's commune belong to households of its register.
            household_code=f"H{i + 1:05d}",
        )
        numbers.append(wallet.number)
        agent_service.cash_in(
            actor=people[CLERK],
            agent=agent,
            wallet_number=wallet.number,
            amount=amount,
            idempotency_key=f"demo:cash-in:{i}",
        )
    log(f"soft-ATM wallets: {len(numbers)} funded at {agent.name}")


def _targets(units, households, rates, total) -> dict[int, int]:
    """Per-commune counts proportional to households × the commune's rate, summing exactly to `total`."""
    weights = {u.code: households[u.code] * rates[u.code] for u in units}
    scale = total / sum(weights.values())
    raw = {code: w * scale for code, w in weights.items()}
    counts = {code: int(v) for code, v in raw.items()}
    for code in sorted(raw, key=lambda c: raw[c] - counts[c], reverse=True)[: total - sum(counts.values())]:
        counts[code] += 1
    return counts
