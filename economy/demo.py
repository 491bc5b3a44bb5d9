"""Demo data of the digital economy pillar (core.demo). Province scale uses the seed's figures:
116,301 digital shops (60% of households) and 102,043 e-payment accounts (53%); "small" is the same
province shrunk fifty times. Rows are streamed with COPY in constant memory, and each commune is only
topped up to its target, so running the generator twice adds nothing."""

import datetime as dt
import math
import random

from django.db import connection, transaction

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


def _copy(table: str, columns: list[str], rows) -> int:
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


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


@register("economy", order=40)
def generate(*, scale: str, log) -> None:
    from economy.models import CommuneHouseholds, DigitalShop, EpaymentAccount, SoftAtmAgent

    factor = 1 if scale == "province" else 1 / 50
    units = _communes()
    households = commune_households(units, round(HOUSEHOLDS * factor))
    with transaction.atomic():
        for unit in units:
            for year in range(2021, 2027):
                # households grow ~1% a year; the demo's count is the 2026 figure
                n = round(households[unit.code] * (1 - 0.01 * (2026 - year)))
                CommuneHouseholds.objects.update_or_create(
                    commune=unit, year=year, defaults={"households": n, "source": "Dữ liệu mẫu (demo)"}
                )
    log(f"households: {sum(households.values()):,} in {len(units)} communes")

    shop_rates = commune_rates(units, SHOP_SHARE, 60)
    account_rates = commune_rates(units, ACCOUNT_SHARE, 53)
    shop_total = round(SHOPS * factor)
    account_total = round(ACCOUNTS * factor)
    shop_targets = _targets(units, households, shop_rates, shop_total)
    account_targets = _targets(units, households, account_rates, account_total)

    existing_shops = _existing(DigitalShop)
    existing_accounts = _existing(EpaymentAccount)
    existing_agents = _existing(SoftAtmAgent)

    def shop_rows():
        for unit in units:
            have = existing_shops.get(unit.id, 0)
            rng = random.Random(f"shop-{unit.code}-{have}")
            for i in range(have, shop_targets[unit.code]):
                registered = _adoption_date(rng)
                closed = None
                if rng.random() < 0.015:
                    closed = registered + dt.timedelta(days=rng.randint(30, 400))
                    closed = closed if closed <= END else None
                product = rng.choice(PRODUCTS)
                yield (
                    f"{product} — hộ {i + 1:05d} {unit.name}",
                    unit.id,
                    rng.choice(PLATFORMS),
                    product,
                    registered,
                    closed,
                    "closed" if closed else "active",
                )

    def account_rows():
        for unit in units:
            have = existing_accounts.get(unit.id, 0)
            rng = random.Random(f"account-{unit.code}-{have}")
            for _i in range(have, account_targets[unit.code]):
                kind = rng.choice(ACCOUNT_KINDS)
                provider = {
                    "bank": rng.choice(BANKS[:1] + BANKS[3:]),
                    "ewallet": "MoMo",
                    "mobile_money": rng.choice(BANKS[1:3]),
                }[kind]
                yield (unit.id, kind, provider, _adoption_date(rng), None)

    def agent_rows():
        for unit in units:
            have = existing_agents.get(unit.id, 0)
            rng = random.Random(f"agent-{unit.code}")
            target = rng.randint(*AGENTS_PER_COMMUNE)
            for i in range(have, target):
                bank = rng.choice(BANKS[:1] + BANKS[3:])
                yield (
                    f"Điểm ATM mềm {bank} số {i + 1} — {unit.name}",
                    unit.id,
                    f"Thôn {rng.randint(1, 12)}, {unit.name}",
                    bank,
                    "Nộp, rút, chuyển tiền",
                    START + dt.timedelta(days=rng.randint(0, (END - START).days)),
                    None,
                    "active",
                )

    with transaction.atomic():
        n = _copy(
            "economy_digitalshop",
            ["name", "commune_id", "platform", "products", "registered_on", "closed_on", "status"],
            shop_rows(),
        )
        log(f"digital shops: +{n:,}")
        n = _copy(
            "economy_epaymentaccount", ["commune_id", "kind", "provider", "opened_on", "closed_on"], account_rows()
        )
        log(f"e-payment accounts: +{n:,}")
        n = _copy(
            "economy_softatmagent",
            ["name", "commune_id", "address", "bank", "services", "opened_on", "closed_on", "status"],
            agent_rows(),
        )
        log(f"soft-ATM agents: +{n:,}")


def _existing(model) -> dict[int, int]:
    from django.db.models import Count

    return dict(model.objects.values("commune_id").annotate(n=Count("id")).values_list("commune_id", "n"))


def _targets(units, households, rates, total) -> dict[int, int]:
    """Per-commune counts proportional to households × the commune's rate, summing exactly to `total`."""
    weights = {u.code: households[u.code] * rates[u.code] for u in units}
    scale = total / sum(weights.values())
    raw = {code: w * scale for code, w in weights.items()}
    counts = {code: int(v) for code, v in raw.items()}
    for code in sorted(raw, key=lambda c: raw[c] - counts[c], reverse=True)[: total - sum(counts.values())]:
        counts[code] += 1
    return counts
