"""Demo data of the party agencies pillar (core.demo), through its services: Party cells and members
under a few commune committees (every commune at province scale), Resolution 49-NQ/TU (28/9/2021,
real) and follow-up documents recorded with their numbers, one notice issued, signed and
distributed through the portal with some read receipts, the 30 key tasks (the seed: 30/30 key DX
tasks in 2021) with monthly progress history, and the steering committees of the province and the
demo communes. Idempotent: every step finds what a previous run made."""

import datetime as dt
import random

from django.db import transaction

from core.agencies.models import Agency
from core.demo import register

DOCUMENTS = [
    # (sequence, kind, title, issued on)
    (49, "nghi_quyet", "Về chuyển đổi số tỉnh Lạng Sơn đến năm 2025, định hướng đến năm 2030", dt.date(2021, 9, 28)),
    (112, "ke_hoach", "Kế hoạch thực hiện Nghị quyết 49-NQ/TU (dữ liệu mẫu)", dt.date(2021, 11, 15)),
    (21, "chi_thi", "Về tăng cường sự lãnh đạo của Đảng đối với chuyển đổi số (dữ liệu mẫu)", dt.date(2022, 3, 10)),
    (318, "ket_luan", "Kết luận sơ kết 2 năm thực hiện Nghị quyết 49-NQ/TU (dữ liệu mẫu)", dt.date(2023, 10, 5)),
    (14, "chuong_trinh", "Chương trình chuyển đổi số trong cơ quan Đảng (dữ liệu mẫu)", dt.date(2024, 2, 20)),
]
TASKS = [
    ("so-khcn", "Xây dựng Trung tâm thông tin chỉ đạo điều hành thông minh (IOC) của tỉnh"),
    ("van-phong-ubnd", "Đưa 100% dịch vụ công đủ điều kiện lên trực tuyến toàn trình"),
    ("van-phong-ubnd", "Hệ thống quản lý văn bản và điều hành kết nối từ tỉnh đến xã"),
    ("so-khcn", "Hệ thống thông tin báo cáo của tỉnh kết nối Chính phủ"),
    ("so-khcn", "Nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP) kết nối NGSP"),
    ("so-khcn", "Nâng mức an toàn thông tin từ hạng C lên hạng A"),
    ("so-nnmt", "Cơ sở dữ liệu đất đai cho hơn 2,3 triệu thửa đất"),
    ("so-nnmt", "Công khai thông tin quy hoạch sử dụng đất trên môi trường số"),
    ("so-cong-thuong", "Đưa hộ sản xuất lên sàn thương mại điện tử (cửa hàng số)"),
    ("so-cong-thuong", "Phát triển tài khoản thanh toán điện tử cho hộ gia đình"),
    ("so-cong-thuong", "Mạng lưới điểm ATM mềm tại các xã vùng sâu, vùng xa"),
    ("so-gddt", "674/674 trường học dùng chung nền tảng dạy học số"),
    ("so-gddt", "Học bạ số, sổ điểm điện tử thay thế sổ giấy"),
    ("so-gddt", "Chữ ký số cho 20.000 giáo viên"),
    ("so-khcn", "Thành lập tổ công nghệ số cộng đồng ở tất cả thôn, khối phố"),
    ("so-vhttdl", "Truyền thông chuyển đổi số qua loa truyền thanh cơ sở, Zalo, mạng xã hội"),
    ("bql-kkt-cua-khau", "Nền tảng cửa khẩu số cho 10 lực lượng chức năng"),
    ("bql-kkt-cua-khau", "Quản lý bãi xe, hàng đợi xe container bằng nền tảng số"),
    ("cong-an-tinh", "Định danh điện tử VNeID mức 2 cho người dân"),
    ("so-y-te", "Hồ sơ sức khỏe điện tử cho người dân"),
    ("so-noi-vu", "Bồi dưỡng kỹ năng số cho cán bộ, công chức, viên chức"),
    ("so-tai-chinh", "Bố trí kinh phí thực hiện chuyển đổi số hằng năm"),
    ("van-phong-tinh-uy", "Chuyển đổi số trong các cơ quan Đảng: văn bản điện tử, ký số"),
    ("van-phong-tinh-uy", "Phần mềm quản lý hồ sơ đảng viên"),
    ("ban-tuyen-giao-dan-van", "Tuyên truyền Nghị quyết 49-NQ/TU đến chi bộ thôn, bản"),
    ("ban-to-chuc-tu", "Kiện toàn Ban chỉ đạo chuyển đổi số từ tỉnh đến xã, thôn"),
    ("uy-ban-kiem-tra-tu", "Kiểm tra, giám sát việc thực hiện Nghị quyết 49-NQ/TU"),
    ("trung-tam-pvhcc", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính"),
    ("so-xay-dung", "Cơ sở dữ liệu quy hoạch xây dựng, đô thị thông minh"),
    ("so-tu-phap", "Cơ sở dữ liệu hộ tịch điện tử"),
]
TARGETS = {1: "IOC vận hành, kết nối 100% sở, ngành", 2: "100% dịch vụ công đủ điều kiện trực tuyến toàn trình"}
TODAY = dt.date(2026, 11, 26)
DEMO_COMMUNES = (5977, 6184)  # Phường Đông Kinh, Xã Đồng Đăng
SURNAMES = ["Hoàng", "Nông", "Lương", "Vi", "Lộc", "Triệu", "Hà", "Lý", "Nguyễn", "Chu", "Mã", "Đinh"]
MIDDLE = ["Văn", "Thị", "Đức", "Thu", "Minh", "Ngọc"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hạnh", "Khánh", "Lan", "Mai", "Nam", "Phúc", "Quang", "Sơn", "Thảo", "Tuấn"]
CELLS = ["Chi bộ khối phố 1", "Chi bộ khối phố 2", "Chi bộ thôn Nà Phước", "Chi bộ trường Tiểu học", "Chi bộ Công an"]


def _cells_and_members(*, scale: str, rng: random.Random, log) -> None:
    from party.models import MemberPosition, PartyOrganisation
    from party.services.organisations import member_save, organisation_create, position_assign

    communes = PartyOrganisation.objects.filter(level=PartyOrganisation.Level.COMMUNE).select_related("admin_unit")
    if scale == "small":
        communes = communes.filter(admin_unit__code__in=DEMO_COMMUNES)
    cells_per, members_per = (3, 8) if scale == "small" else (4, 12)
    made = 0
    for committee in communes.order_by("admin_unit__code"):
        for i, name in enumerate(CELLS[:cells_per], start=1):
            cell = organisation_create(
                code=f"{committee.code}-cb-{i}",
                name=f"{name} ({committee.admin_unit.name})",
                short_name=name,
                symbol="CB",
                level=PartyOrganisation.Level.CELL,
                parent=committee,
                admin_unit=committee.admin_unit,
            )
            if cell.members.exists():
                continue
            with transaction.atomic():
                for j in range(members_per):
                    birth = dt.date(1955 + rng.randrange(45), rng.randrange(1, 13), rng.randrange(1, 28))
                    member = member_save(
                        actor=None,
                        system=True,
                        organisation=cell,
                        full_name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                        birth_date=birth,
                        admitted_on=birth.replace(year=min(birth.year + 22 + rng.randrange(15), 2024)),
                        card_number=f"{committee.admin_unit.code:05d}{i:02d}{j:03d}",
                    )
                    made += 1
                    if j == 0:
                        position_assign(
                            actor=None,
                            system=True,
                            member=member,
                            organisation=cell,
                            role=MemberPosition.Role.SECRETARY,
                            since=dt.date(2025, 7, 1),
                        )
    log(f"party: {made} new members")


def _documents(*, agencies, log):
    from core.users.models import User
    from party.models import Distribution, PartyDocument, PartyOrganisation
    from party.services.documents import document_create_draft, document_issue, document_record, format_number

    province = PartyOrganisation.objects.get(code="tinh-uy")
    docs = {}
    for sequence, kind, title, issued in DOCUMENTS:
        number = format_number(sequence=sequence, kind=kind, organisation=province)
        docs[number] = document_record(
            organisation=province, kind=kind, sequence=sequence, number=number, title=title, issued_on=issued
        )
    # One notice issued through the portal: numbered, signed and distributed, partly read.
    officer = User.objects.filter(email="dang@demo.langson.vn").first()
    title = "Thông báo triển khai sổ tay đảng viên điện tử (dữ liệu mẫu)"
    if officer is not None and not PartyDocument.objects.filter(organisation=province, title=title).exists():
        recipients = list(
            PartyOrganisation.objects.filter(level=PartyOrganisation.Level.COMMUNE, admin_unit__code__in=DEMO_COMMUNES)
        )
        draft = document_create_draft(
            actor=officer,
            organisation=province,
            kind=PartyDocument.Kind.NOTICE,
            title=title,
            summary="Các đảng ủy xã, phường hướng dẫn đảng viên cài đặt và sử dụng sổ tay đảng viên điện tử.",
        )
        document_issue(
            actor=officer, document=draft, recipients=recipients, signer_title="T/M Ban Thường vụ — Phó Bí thư"
        )
        first = Distribution.objects.filter(document=draft).order_by("organisation__path").first()
        from party.services.documents import document_acknowledge

        reader = User.objects.filter(email="dang.xa@demo.langson.vn").first()
        if first is not None and reader is not None and first.organisation.agency_id == reader.agency_id:
            document_acknowledge(actor=reader, distribution=first)
    return docs["49-NQ/TU"]


def _tasks(*, resolution, agencies, rng: random.Random) -> None:
    from party.models import KeyTask, KeyTaskUpdate

    for i, (owner, title) in enumerate(TASKS, start=1):
        start = dt.date(2021, 10, 1)
        deadline = dt.date(2022 + (i % 5), 12, 31) if i > 5 else dt.date(2021, 12, 31)
        task, created = KeyTask.objects.get_or_create(
            document=resolution,
            code=f"NV-{i:02d}",
            defaults={
                "title": title,
                "owner": agencies[owner],
                "start_on": start,
                "deadline": deadline,
                "target": TARGETS.get(i, ""),
            },
        )
        if not created or task.updates.exists():
            continue
        # Monthly history (the years before the portal, imported as they were reported, hence not
        # through the owner-only report service); about one task in six lags behind its line.
        lag = rng.random() < 0.17
        speed = (0.6 if lag else rng.uniform(1.0, 1.3)) * 100 / max(1, (deadline - start).days)
        day, progress, status = start, 0, KeyTask.Status.NOT_STARTED
        reports = []
        while day < TODAY and status != KeyTask.Status.DONE:
            day = min(day + dt.timedelta(days=30), TODAY)
            progress = min(100, int((day - start).days * speed))
            status = (
                KeyTask.Status.DONE
                if progress == 100
                else KeyTask.Status.IN_PROGRESS
                if progress
                else KeyTask.Status.NOT_STARTED
            )
            reports.append(
                KeyTaskUpdate(task=task, reported_on=day, progress=progress, status=status, agency=agencies[owner])
            )
        KeyTaskUpdate.objects.bulk_create(reports)
        task.progress, task.status, task.last_reported_on = progress, status, day
        task.completed_on = day if status == KeyTask.Status.DONE else None
        task.save(update_fields=["progress", "status", "completed_on", "last_reported_on"])


def _committees(*, log) -> None:
    from party.models import PartyOrganisation, SteeringCommittee
    from party.services.committees import committee_create, committee_member_add

    province = PartyOrganisation.objects.get(code="tinh-uy")
    seats = [
        ("Nguyễn Quốc Đoàn", "Bí thư Tỉnh ủy", "head"),
        ("Hồ Tiến Thiệu", "Chủ tịch UBND tỉnh", "deputy"),
        ("Nguyễn Khắc Lịch", "Giám đốc Sở Khoa học và Công nghệ", "standing"),
        ("Chánh Văn phòng Tỉnh ủy", "Văn phòng Tỉnh ủy", "member"),
    ]
    plan = [(province, SteeringCommittee.Level.PROVINCE, "Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn", seats)]
    for org in PartyOrganisation.objects.filter(
        level=PartyOrganisation.Level.COMMUNE, admin_unit__code__in=DEMO_COMMUNES
    ):
        plan.append(
            (
                org,
                SteeringCommittee.Level.COMMUNE,
                f"Ban Chỉ đạo chuyển đổi số {org.admin_unit.name}",
                [("Bí thư Đảng ủy", org.name, "head"), ("Chủ tịch UBND", org.admin_unit.name, "deputy")],
            )
        )
    # A village's committee, led by its Party cell (the seed: committees down to every village).
    for cell in PartyOrganisation.objects.filter(level=PartyOrganisation.Level.CELL, code__endswith="-cb-1").filter(
        parent__admin_unit__code__in=DEMO_COMMUNES
    ):
        plan.append(
            (
                cell,
                SteeringCommittee.Level.VILLAGE,
                f"Ban Chỉ đạo chuyển đổi số {cell.name.removeprefix('Chi bộ ')}",
                [("Bí thư chi bộ", cell.name, "head"), ("Tổ trưởng tổ công nghệ số cộng đồng", cell.name, "member")],
            )
        )
    for org, level, name, members in plan:
        committee = committee_create(
            actor=None, system=True, organisation=org, level=level, name=name, established_on=dt.date(2021, 10, 20)
        )
        if committee.members.exists():
            continue
        for full_name, position, role in members:
            committee_member_add(
                actor=None,
                system=True,
                committee=committee,
                full_name=full_name,
                position=position,
                role=role,
                since=dt.date(2021, 10, 20),
            )
    log(f"party: {SteeringCommittee.objects.count()} steering committees")


@register("party", order=30)
def generate(*, scale: str, log) -> None:
    from party.models import KeyTask, PartyDocument

    agencies = {a.code: a for a in Agency.objects.filter(code__in={c for c, _t in TASKS} | {"tinh-uy"})}
    rng = random.Random(49)
    _cells_and_members(scale=scale, rng=rng, log=log)
    with transaction.atomic():
        resolution = _documents(agencies=agencies, log=log)
        _tasks(resolution=resolution, agencies=agencies, rng=rng)
    _committees(log=log)
    log(f"party: {PartyDocument.objects.count()} documents, {KeyTask.objects.count()} key tasks")
