"""Demo data of the party agencies pillar (core.demo): Resolution 49-NQ/TU (28/9/2021, real) and its
follow-up documents, and 30 key tasks (the seed: 30/30 key DX tasks in 2021) with monthly progress
reports. Task wording follows the seed's five pillars; the owners are reference agencies. The same
at both scales (a province has tens of key tasks, not thousands). Idempotent (get_or_create; reports
only for tasks without any)."""

import datetime as dt
import random

from django.db import transaction

from core.agencies.models import Agency
from core.demo import register

DOCUMENTS = [
    (
        "49-NQ/TU",
        "nghi_quyet",
        "Về chuyển đổi số tỉnh Lạng Sơn đến năm 2025, định hướng đến năm 2030",
        dt.date(2021, 9, 28),
    ),
    ("DEMO-KH/TU-01", "ke_hoach", "Kế hoạch thực hiện Nghị quyết 49-NQ/TU (dữ liệu mẫu)", dt.date(2021, 11, 15)),
    (
        "DEMO-CT/TU-01",
        "chi_thi",
        "Về tăng cường sự lãnh đạo của Đảng đối với chuyển đổi số (dữ liệu mẫu)",
        dt.date(2022, 3, 10),
    ),
    (
        "DEMO-KL/TU-01",
        "ket_luan",
        "Kết luận sơ kết 2 năm thực hiện Nghị quyết 49-NQ/TU (dữ liệu mẫu)",
        dt.date(2023, 10, 5),
    ),
    (
        "DEMO-CTr/TU-01",
        "chuong_trinh",
        "Chương trình chuyển đổi số trong cơ quan Đảng (dữ liệu mẫu)",
        dt.date(2024, 2, 20),
    ),
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
TODAY = dt.date(2026, 11, 26)


@register("party", order=30)
def generate(*, scale: str, log) -> None:
    from party.models import KeyTask, KeyTaskUpdate, PartyDocument

    agencies = {a.code: a for a in Agency.objects.filter(code__in={c for c, _t in TASKS} | {"tinh-uy"})}
    with transaction.atomic():
        docs = {}
        for number, kind, title, issued in DOCUMENTS:
            docs[number], _created = PartyDocument.objects.get_or_create(
                number=number,
                defaults={"kind": kind, "title": title, "issued_on": issued, "issuer": agencies["tinh-uy"]},
            )
        resolution = docs["49-NQ/TU"]
        rng = random.Random(49)
        for i, (owner, title) in enumerate(TASKS, start=1):
            start = dt.date(2021, 10, 1)
            deadline = dt.date(2022 + (i % 5), 12, 31) if i > 5 else dt.date(2021, 12, 31)
            task, created = KeyTask.objects.get_or_create(
                document=resolution,
                code=f"NV-{i:02d}",
                defaults={"title": title, "owner": agencies[owner], "start_on": start, "deadline": deadline},
            )
            if not created or task.updates.exists():
                continue
            # Monthly reports; about one task in six lags behind its line.
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
                reports.append(KeyTaskUpdate(task=task, reported_on=day, progress=progress, status=status))
            KeyTaskUpdate.objects.bulk_create(reports)
            task.progress, task.status = progress, status
            task.completed_on = day if status == KeyTask.Status.DONE else None
            task.save(update_fields=["progress", "status", "completed_on"])
    log(f"party: {PartyDocument.objects.count()} documents, {KeyTask.objects.count()} key tasks")
