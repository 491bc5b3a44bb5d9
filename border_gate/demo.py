"""Demo data of the digital border gate (core.demo).

small: one day at Hữu Nghị run through the real services (declarations, the ten forces' steps, the
yard queue, a correction), so every page has something to show; officer accounts for each force.
province: plus a year of history at the four crossings (~700,000 trucks, the platform's scale),
streamed with COPY one crossing-day at a time (constant memory, resumable: a day already loaded is
skipped), so the operations centre has real history. Idempotent at both scales."""

import datetime
import random
import secrets

from django.db import connection, transaction
from django.utils import timezone

from core.demo import register

FORCES = ("gate_board", "health_quarantine", "plant_quarantine", "animal_quarantine", "immigration")
DEMO_TAX_CODE = "0109999904"  # synthetic, valid check digit (python-stdnum)
# Trucks per day and export share, from the 2025 monthly averages (border-gate-reference §0):
# Hữu Nghị 870 (262 export), Tân Thanh 583 (145), Chi Ma 230 (41), Cốc Nam 76 (43) = 1,759/day
# ≈ 642,000/year; with the seasonal factor below (×1.25 in fruit/Tết months, ×0.95 otherwise, ≈ ×1.075
# over a year) and ×1.02 this gives the article's ~700,000 trucks a year.
DAILY = {"huu-nghi": (870, 262), "tan-thanh": (583, 145), "chi-ma": (230, 41), "coc-nam": (76, 43)}
SCALE_TO_700K = 1.02
FRUIT_SHARE_OF_EXPORT = 0.7  # daily reports: fruit 234 of 328 export trucks (22/8/2024)


def _accounts(log):
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    from core.agencies.models import Agency
    from core.users.demo import DEMO_PASSWORD
    from core.users.models import User

    users = {}
    for force in FORCES:
        email = f"cuakhau.{force.replace('_', '')}@demo.langson.vn"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                full_name=f"Cán bộ {Agency.objects.get(code=f'huu-nghi-{force}').short_name}",
                agency=Agency.objects.get(code=f"huu-nghi-{force}"),
            )
            user.groups.add(Group.objects.get(name="border_officer"))
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            log(f"demo account {email} (border_officer, {force})")
        users[force] = user
    for email, force in (("bienphong@demo.langson.vn", "border_guard"), ("haiquan@demo.langson.vn", "customs")):
        user = User.objects.filter(email=email).first()
        if user is not None:
            users[force] = user
    return users


def _enterprise(log):
    from border_gate.models import Enterprise, EnterpriseMember
    from core.users.models import User

    enterprise, created = Enterprise.objects.get_or_create(
        tax_code=DEMO_TAX_CODE,
        defaults={"name": "Công ty TNHH Xuất nhập khẩu Nông sản Xứ Lạng (demo)", "is_verified": True},
    )
    rep = User.objects.filter(email="doanhnghiep@demo.langson.vn").first()
    if rep is not None:
        EnterpriseMember.objects.get_or_create(enterprise=enterprise, user=rep, defaults={"is_manager": True})
    if created:
        log(f"demo enterprise {enterprise}")
    return enterprise, rep


GOODS = [
    ("08106000", "Sầu riêng tươi", "fresh_fruit", True),
    ("08045020", "Xoài tươi", "fresh_fruit", True),
    ("08109010", "Thanh long tươi", "fresh_fruit", True),
    ("07141011", "Sắn lát khô", "farm_other", False),
    ("03061721", "Tôm đông lạnh", "seafood", True),
    ("84713020", "Máy tính xách tay", "general", False),
    ("87032359", "Ô tô con mới", "new_vehicle", False),
    ("26011100", "Quặng sắt", "ore", False),
]


def _small(log, users, enterprise, rep):
    from border_gate import services
    from border_gate.models import Crossing, Entry, Yard

    crossing = Crossing.objects.get(code="huu-nghi")
    if Entry.objects.filter(crossing=crossing, submission_key__startswith="demo-").exists():
        return
    rng = random.Random(20261127)
    yard = Yard.objects.filter(crossing=crossing).order_by("code").first()
    stop_at = ["crossed"] * 14 + ["exit_control"] * 5 + ["customs"] * 4 + ["health"] * 3 + ["fee"] * 2 + [None] * 6
    for i, target in enumerate(stop_at):
        hs, desc, kind, perishable = GOODS[i % len(GOODS)]
        direction = "import" if kind in ("general", "new_vehicle") else "export"
        entry = services.entry_declare(
            actor=rep,
            enterprise=enterprise if rep else None,
            submission_key=f"demo-{i}",
            data=services.DeclarationData(
                crossing=crossing,
                direction=direction,
                regime=direction,
                vehicle_plate=f"12C-{100 + i:03d}.{rng.randint(10, 99)}"
                if direction == "export"
                else f"桂A{10000 + i}",
                vehicle_country="VN" if direction == "export" else "CN",
                driver_name=rng.choice(["Hoàng Văn Lái", "Nông Văn Sơn", "Vi Thị Hằng", "Lý Văn Tài"]),
                driver_id_kind="cccd" if direction == "export" else "passport",
                driver_id_number=f"0200900{i:05d}" if direction == "export" else f"E{1000000 + i}",
                driver_phone=f"09120{i:05d}" if direction == "export" else f"+86138{i:08d}",
                expected_arrival=timezone.now() + datetime.timedelta(minutes=30 + 10 * i),
                goods=[
                    services.GoodsData(
                        hs, desc, kind, rng.randint(8, 30) * 1000, rng.randint(2, 20) * 10**8, perishable
                    )
                ],
            ),
        )
        if i == 3:
            services.entry_correct(
                actor=rep, entry=entry, field_name="driver_phone", value="0988777666", reason="Đổi lái xe dự phòng"
            )
        if target is None:
            continue
        while True:
            entry = Entry.objects.get(pk=entry.pk)
            es = entry.current_step
            if es is None or es.step.code == target:
                break
            officer = users.get(es.step.force)
            if officer is None:
                break
            if es.step.requires_call and entry.called_at is None:
                services.queue_call_next(
                    actor=users["gate_board"], crossing=crossing, direction=entry.direction, count=1
                )
            services.step_take(officer=officer, entry_step=es)
            data = {}
            if es.step.data_kind == "yard":
                data["yard"] = yard.pk
            elif es.step.data_kind == "certificate":
                data["certificate_number"] = f"KD-{entry.code}"
            elif es.step.data_kind == "lane":
                services.customs_assign_lane(actor=officer, entry=entry, lane=rng.choice(["green", "green", "yellow"]))
                data["inspection_result"] = "Phù hợp khai báo"
            elif es.step.data_kind == "receipt":
                data["receipt_number"] = f"BL-{entry.code}"
            services.step_pass(actor=officer, entry_step=es, data=data)
    log(f"border_gate: {len(stop_at)} trucks at Hữu Nghị today")


ENTRY_COLUMNS = (
    "code", "token", "submission_key", "crossing_id", "direction", "regime", "journey", "vehicle_id", "driver_id",
    "driver_name", "driver_id_number", "driver_phone", "driver_language", "driver_licence", "health_symptoms",
    "health_note",
    "expected_arrival", "customs_declaration_number", "status", "version", "perishable", "is_fruit",
    "needs_plant_quarantine", "needs_animal_quarantine", "total_weight_kg", "lane", "inspection_required",
    "inspection_random", "fee_amount", "fee_uses_placeholder", "fee_payment_reference", "fee_receipt_number",
    "fee_paid_at", "arrived_at", "called_at", "closed_at", "created_at", "updated_at",
)  # fmt: skip


def _history(log, days: int = 365):
    """A year of closed trucks per crossing, one COPY per crossing-day (resumable by day)."""
    from border_gate.models import Crossing, Driver, Entry, Vehicle

    rng = random.Random(7)
    with transaction.atomic():
        if Vehicle.objects.filter(plate__startswith="99H").count() < 20000:
            Vehicle.objects.bulk_create(
                [
                    Vehicle(
                        plate_kind="vn",
                        country="VN",
                        plate=f"99H{n:05d}",
                        plate_display=f"99H-{n // 100:03d}.{n % 100:02d}",
                    )
                    for n in range(20000)
                ],
                batch_size=5000,
                ignore_conflicts=True,
            )
            Driver.objects.bulk_create(
                [
                    Driver(full_name=f"Lái xe {n}", id_kind="passport", id_number=f"DEMO{n:06d}", phone="0912000000")
                    for n in range(20000)
                ],
                batch_size=5000,
                ignore_conflicts=True,
            )
    vehicle_ids = list(Vehicle.objects.filter(plate__startswith="99H").values_list("pk", flat=True))
    driver_ids = list(Driver.objects.filter(id_number__startswith="DEMO").values_list("pk", flat=True))
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    total = 0
    for crossing in Crossing.objects.filter(code__in=DAILY):
        prefix = services_prefix(crossing)
        per_day, exports = DAILY[crossing.code]
        for d in range(days, 0, -1):
            day = today - datetime.timedelta(days=d)
            marker = f"{prefix}-H{d:03d}0000"
            if Entry.objects.filter(code=marker).exists():
                continue
            season = 1 + 0.25 * (1 if day.month in (5, 6, 7, 12, 1) else -0.2)  # fruit seasons, Tết
            n = max(1, int(rng.gauss(per_day * SCALE_TO_700K * season, per_day * 0.08)))
            export_share = exports / per_day
            with transaction.atomic(), connection.cursor() as cursor:
                with cursor.copy(f"COPY border_gate_entry ({', '.join(ENTRY_COLUMNS)}) FROM STDIN") as copy:
                    for k in range(n):
                        direction = "export" if rng.random() < export_share else "import"
                        fruit = direction == "export" and rng.random() < FRUIT_SHARE_OF_EXPORT
                        arrived = datetime.datetime.combine(day, datetime.time(6), tzinfo=tz) + datetime.timedelta(
                            minutes=rng.randint(0, 13 * 60)
                        )
                        wait = datetime.timedelta(minutes=int(rng.expovariate(1 / (150 if fruit else 90))))
                        called = arrived + wait
                        closed = called + datetime.timedelta(minutes=rng.randint(10, 40))
                        rejected = rng.random() < 0.004
                        fee = 1_200_000 if fruit else 2_500_000
                        copy.write_row((
                            marker if k == 0 else f"{prefix}-H{d:03d}{k:04d}", secrets.token_urlsafe(24), "",
                            crossing.pk, direction, direction, "normal", rng.choice(vehicle_ids),
                            rng.choice(driver_ids), "Lái xe", "DEMO", "0912000000",
                            "vi" if direction == "export" else "zh-hans", "", False, "",
                            arrived - datetime.timedelta(hours=2), "", "rejected" if rejected else "crossed", 1,
                            fruit, fruit, fruit, False, 20000, "green", False, False, fee, True, "", f"BL-{d}-{k}",
                            called, arrived, called, closed, arrived - datetime.timedelta(hours=6), closed,
                        ))  # fmt: skip
            total += n
        log(f"border_gate history: {crossing.code} done")
    # One goods line per historical truck, set-based (the report's fruit / other / new vehicles split).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO border_gate_goodsline (entry_id, line_no, hs_code, description, goods_type, weight_kg,
                                               value_vnd, perishable)
            SELECT e.id, 1,
                   CASE WHEN e.is_fruit THEN '08106000' WHEN e.direction = 'export' THEN '07141011' ELSE '84713020' END,
                   CASE WHEN e.is_fruit THEN 'Hoa quả tươi' WHEN e.direction = 'export' THEN 'Nông sản'
                        ELSE 'Hàng hóa nhập khẩu' END,
                   CASE WHEN e.is_fruit THEN 'fresh_fruit' WHEN e.direction = 'export' THEN 'farm_other'
                        ELSE 'general' END,
                   e.total_weight_kg, 500000000, e.is_fruit
            FROM border_gate_entry e
            WHERE e.code LIKE '%%-H%%' AND e.driver_id_number = 'DEMO'
              AND NOT EXISTS (SELECT 1 FROM border_gate_goodsline g WHERE g.entry_id = e.id)
            """
        )
    log(f"border_gate history: {total} trucks added")


def services_prefix(crossing) -> str:
    from border_gate.services.declarations import crossing_prefix

    return crossing_prefix(crossing)


@register("border_gate", order=70)
def generate(*, scale, log):
    users = _accounts(log)
    enterprise, rep = _enterprise(log)
    if rep is not None:
        _small(log, users, enterprise, rep)
    if scale == "province":
        _history(log)
    from border_gate import services
    from border_gate.models import Crossing

    for pk in Crossing.objects.values_list("pk", flat=True):
        services.queue_recompute(crossing_id=pk)
