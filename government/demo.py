"""Demo data of the digital government pillar (core.demo).

- Live dossiers (both scales): about forty dossiers of the demo citizen at Phường Đông Kinh, walked
  through the real services into every state (draft, awaiting payment, at the desk, with the
  specialist, waiting for a supplement, at the leader, signed result, rejected), so the demo
  personas have something to click. A demo leader account (permission approve_dossier) is added.
- History: a year of dossiers received by every commune and department, streamed with COPY one
  day at a time (constant memory). "province" is the real volume — about 300,000 dossiers a year
  for ~800,000 people; "small" is the same province shrunk a hundred times. Deadlines come from the
  real working-day calendar; outcomes, channels, fees, supplements and ratings follow plausible
  shares (stated below; invented for the demo, not statistics).

Idempotent: each part is skipped when its rows exist (history is marked per scale in `data`).
"""

import datetime as dt
import json
import random
import uuid

from django.db import connection, transaction
from django.utils import timezone

from core.demo import register

YEARLY = {"province": 300_000, "small": 3_000}
DAYS = 365
ONLINE_SHARE, POSTAL_SHARE = 0.58, 0.02
ON_TIME_SHARE = 0.93
REJECT_SHARE = 0.03
ONLINE_PAYMENT_SHARE = 0.82
RATED_SHARE, UNHAPPY_SHARE = 0.35, 0.04
# How often each procedure is filed (civil status dominates at the commune desk).
PROCEDURE_WEIGHTS = {
    "1.001193": 20, "1.000656": 6, "1.000894": 5, "1.004884": 1, "1.004859": 3, "1.004873": 8,
    "2.000635": 14, "1.001612": 5, "2.000720": 3, "1.013225": 4, "1.013978": 6, "1.012783": 7,
    "1.001776": 5, "2.001610": 3, "3.000333": 10,
}  # fmt: skip
SURNAMES = ["Hoàng", "Nông", "Lương", "Vi", "Lộc", "Hà", "Chu", "Lý", "Triệu", "Đinh", "Nguyễn", "Lăng", "Mã"]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Thu", "Hồng", "Quang", "Ngọc"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hạnh", "Hoa", "Khánh", "Lan", "Mai", "Nam", "Phúc", "Sơn", "Tùng", "Yến"]
DEMO_LEADER = "chutich.xa@demo.langson.vn"


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


# --- live dossiers through the services -----------------------------------------------------------------


def _leader(agency):
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group, Permission

    from core.users import roles
    from core.users.demo import DEMO_PASSWORD
    from core.users.models import User

    user = User.objects.filter(email=DEMO_LEADER).first()
    if user is None:
        user = User.objects.create_user(
            email=DEMO_LEADER,
            password=DEMO_PASSWORD,
            full_name="Hoàng Văn Chủ Tịch",
            agency=agency,
            admin_unit=agency.admin_unit,
        )
        EmailAddress.objects.get_or_create(user=user, email=DEMO_LEADER, defaults={"verified": True, "primary": True})
    user.groups.add(Group.objects.get(name=roles.COMMUNE_OFFICIAL))
    user.user_permissions.add(Permission.objects.get(codename="approve_dossier", content_type__app_label="government"))
    return User.objects.get(pk=user.pk)  # fresh permission cache


def _pdf(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.pdf import render_pdf

    pdf = render_pdf("government/pdf/demo_attachment.html", {"name": name})
    return SimpleUploadedFile(f"{name}.pdf", pdf, content_type="application/pdf")


LIVE_DATA = {
    "1.001193": {
        "ho_ten_tre": "Hoàng Minh An",
        "ngay_sinh": "2026-11-01",
        "gioi_tinh": "nam",
        "noi_sinh": "Bệnh viện Đa khoa tỉnh Lạng Sơn",
        "ho_ten_me": "Lương Thị Mai",
        "ho_ten_cha": "Hoàng Văn Dân",
        "quan_he": "Cha",
    },
    "1.004873": {"tinh_trang": "chua-ket-hon", "muc_dich": "Bổ sung hồ sơ vay vốn"},
    "2.000635": {"loai_trich_luc": "khai-sinh", "ho_ten_nguoi_duoc_cap": "Hoàng Văn Dân", "so_ban_sao": "2"},
    "1.001612": {
        "ten_ho_kinh_doanh": "Tạp hóa Đông Kinh",
        "dia_diem": "Số 5 Lê Lợi, phường Đông Kinh",
        "nganh_nghe": "Bán lẻ tạp hóa",
        "von_kinh_doanh": "80000000",
        "so_lao_dong": "2",
        "dien_thoai": "0912000001",
    },
    "1.013225": {
        "dia_diem": "Thửa 112, tờ bản đồ 8, phường Đông Kinh",
        "dien_tich_xay_dung": "80",
        "so_tang": "3",
        "chieu_cao": "12",
    },
}
# (procedure, target state) for each live dossier; states are reached in order by the services.
LIVE_PLAN = (
    [("1.001193", "draft")] * 2
    + [("1.001612", "awaiting_payment")] * 3
    + [("1.004873", "reception")] * 5
    + [("2.000635", "processing")] * 5
    + [("1.013225", "supplement")] * 4
    + [("1.001193", "approval")] * 4
    + [("1.004873", "approved")] * 2
    + [("1.001193", "completed")] * 6
    + [("1.001612", "completed")] * 3
    + [("2.000635", "rejected")] * 4
)
ORDER = ["draft", "submitted", "paid", "processing", "approval", "approved", "completed"]


def _live(log) -> None:
    from core.agencies.models import Agency
    from core.payments.sandbox import sandbox_bank_send
    from core.users.models import User
    from government import services
    from government.models import Dossier, Procedure

    citizen = User.objects.filter(email="congdan@demo.langson.vn").first()
    official = User.objects.filter(email="canbo.xa@demo.langson.vn").first()
    if citizen is None or official is None:
        log("government: demo personas missing (core.users demo runs first); live dossiers skipped")
        return
    if Dossier.objects.filter(applicant=citizen).exists():
        log("government: live demo dossiers already there")
        return
    leader = _leader(Agency.objects.get(code="ubnd-xa-5977"))
    attachment = None
    for index, (code, target) in enumerate(LIVE_PLAN):
        procedure = Procedure.objects.get(code=code)
        dossier = services.dossier_create(
            procedure=procedure,
            applicant=citizen,
            data=LIVE_DATA[code],
            client_token=uuid.uuid5(uuid.NAMESPACE_URL, f"government-demo-{index}"),
        )
        for document in procedure.documents.filter(required=True):
            attachment = _pdf(document.code)
            services.dossier_add_file(dossier=dossier, actor=citizen, document=document, uploaded=attachment)
        if target == "draft":
            continue
        dossier = services.dossier_submit(dossier=dossier, actor=citizen)
        if target == "awaiting_payment":
            continue
        if dossier.status == Dossier.Status.AWAITING_PAYMENT:
            sandbox_bank_send(services.dossier_start_payment(dossier=dossier, actor=citizen))
            dossier.refresh_from_db()
        if target == "reception":
            continue
        if target == "rejected":
            services.dossier_reject(
                dossier=dossier, actor=official, reason="Thông tin trên tờ khai không khớp sổ hộ tịch."
            )
            continue
        services.dossier_forward(dossier=dossier, actor=official, note="Hồ sơ đủ thành phần.")
        if target == "processing":
            continue
        if target == "supplement":
            services.dossier_request_supplement(
                dossier=dossier, actor=official, reason="Bổ sung bản vẽ mặt cắt và sơ đồ đấu nối điện nước."
            )
            continue
        services.dossier_forward(dossier=dossier, actor=official, note="Đủ điều kiện, trình lãnh đạo.")
        if target == "approval":
            continue
        services.dossier_approve(dossier=dossier, actor=leader, note="Đồng ý.")
        if target == "approved":
            continue
        dossier = services.dossier_issue_result(dossier=dossier, actor=official)
        if index % 2 == 0:
            services.dossier_rate(dossier=dossier, actor=citizen, score=3 if index % 4 == 0 else 2)
    log(f"government: {len(LIVE_PLAN)} live demo dossiers (leader account {DEMO_LEADER})")


# --- a year of history, streamed ------------------------------------------------------------------------------


COLUMNS = [
    "uid", "code", "procedure_id", "agency_id", "admin_unit_id", "applicant_name", "applicant_id_number",
    "applicant_phone", "applicant_email", "channel", "data", "status", "fee_amount", "paid_at", "paid_online",
    "payment_reference", "submitted_at", "received_at", "due_date", "first_due_date", "paused_working_days",
    "supplement_count", "finished_at", "is_digitised", "rejection_reason", "created_at", "updated_at",
]  # fmt: skip


def _history(scale: str, log) -> None:
    from core.agencies.models import Agency
    from government.models import Dossier, DossierCounter, Procedure
    from government.workdays import WorkCalendar

    marker = f"history-{scale}"
    if Dossier.objects.filter(data__demo=marker).exists():
        log(f"government: {scale} history already there")
        return
    rng = random.Random(f"government-{scale}")
    procedures = list(Procedure.objects.filter(code__in=PROCEDURE_WEIGHTS).select_related("agency"))
    weights = [PROCEDURE_WEIGHTS[p.code] for p in procedures]
    communes = list(Agency.objects.filter(kind="commune", is_active=True).select_related("admin_unit"))
    # Communes differ in size: a fixed random weight each (wards and border towns file more).
    commune_weights = [rng.uniform(0.4, 2.5) for _i in communes]
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=DAYS)
    calendar = WorkCalendar(first_day, today + dt.timedelta(days=60))
    working = [
        first_day + dt.timedelta(days=i)
        for i in range(DAYS)
        if calendar.is_working_day(first_day + dt.timedelta(days=i))
    ]
    per_day = YEARLY[scale] / len(working)
    tz = timezone.get_current_timezone()
    now = timezone.now()
    total = 0
    for day in working:
        rows = []
        # Continue the day's sequences (another scale or real submissions may have used them).
        counters: dict[int, int] = dict(DossierCounter.objects.filter(day=day).values_list("agency_id", "last"))
        for _i in range(max(1, round(rng.gauss(per_day, per_day**0.5)))):
            procedure = rng.choices(procedures, weights)[0]
            if procedure.agency_id:
                agency, unit_id = procedure.agency, rng.choices(communes, commune_weights)[0].admin_unit_id
            else:
                agency = rng.choices(communes, commune_weights)[0]
                unit_id = agency.admin_unit_id
            counters[agency.pk] = counters.get(agency.pk, 0) + 1
            code = f"{agency.unit_identifier}-{day:%y%m%d}-{counters[agency.pk]:04d}"
            r = rng.random()
            channel = "online" if r < ONLINE_SHARE else ("postal" if r > 1 - POSTAL_SHARE else "in_person")
            received = dt.datetime.combine(day, dt.time(rng.randint(7, 16), rng.randint(0, 59)), tz)
            due = calendar.add_working_days(day, procedure.processing_days) if procedure.processing_days else day
            supplements = 0 if rng.random() < 0.85 else (1 if rng.random() < 0.85 else 2)
            paused = rng.randint(1, 4) if supplements else 0
            due_now = calendar.add_working_days(due, paused) if paused else due
            late = rng.random() > ON_TIME_SHARE or supplements > 1
            finish_day = (
                calendar.add_working_days(due_now, rng.randint(1, 5))
                if late
                else calendar.add_working_days(day, rng.randint(0, max(0, (due_now - day).days // 2)))
            )
            if finish_day > due_now and not late:
                finish_day = due_now
            finished = dt.datetime.combine(finish_day, dt.time(rng.randint(8, 16), rng.randint(0, 59)), tz)
            if finished >= now:
                status, finished = rng.choice(["reception", "processing", "approval"]), None
            else:
                status = "rejected" if rng.random() < REJECT_SHARE else "completed"
            fee = procedure.fee_base + procedure.fee_per_unit
            paid_online = bool(fee) and channel == "online" and rng.random() < ONLINE_PAYMENT_SHARE
            rows.append(
                (
                    str(uuid.UUID(int=rng.getrandbits(128))), code, procedure.pk, agency.pk, unit_id, _name(rng),
                    f"020{rng.randint(0, 999_999_999):09d}", "", "", channel, json.dumps({"demo": marker}), status,
                    fee, received if fee else None, paid_online, "", received, received, due_now, due, paused,
                    supplements, finished, channel == "online" or rng.random() < 0.7,
                    "Hồ sơ không đủ điều kiện." if status == "rejected" else "", received, finished or received,
                )
            )  # fmt: skip
        with transaction.atomic():
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY government_dossier ({', '.join(COLUMNS)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            # Keep the daily sequences consistent with the codes just written.
            for agency_id, last in counters.items():
                counter, _created = DossierCounter.objects.get_or_create(agency_id=agency_id, day=day)
                if counter.last < last:
                    counter.last = last
                    counter.save(update_fields=["last"])
        total += len(rows)
    with transaction.atomic(), connection.cursor() as cursor:
        # Timeline rows (received, finished) and ratings in set-based SQL, not row by row.
        cursor.execute(
            """
            INSERT INTO government_dossierevent (dossier_id, at, verb, from_status, to_status, note)
            SELECT id, received_at, 'submit', 'draft', 'reception', '' FROM government_dossier WHERE data->>'demo' = %s
            UNION ALL
            SELECT id, finished_at, CASE status WHEN 'rejected' THEN 'reject' ELSE 'issue_result' END,
                   'approved', status, ''
              FROM government_dossier WHERE data->>'demo' = %s AND finished_at IS NOT NULL
            """,
            [marker, marker],
        )
        cursor.execute(
            """
            INSERT INTO government_dossierrating (dossier_id, score, comment, created_at)
            SELECT id, CASE WHEN random() < %s THEN 1 WHEN random() < 0.5 THEN 2 ELSE 3 END, '', finished_at
              FROM government_dossier
             WHERE data->>'demo' = %s AND status = 'completed' AND channel = 'online' AND random() < %s
            """,
            [UNHAPPY_SHARE, marker, RATED_SHARE],
        )
    log(f"government: {total} dossiers of history ({scale}) over {len(working)} working days")


@register("government", order=60)
def generate(*, scale, log):
    _live(log)
    _history(scale, log)
