"""Prepare the documents search benchmark (idempotent): 100,000 documents in one agency's books (the
worst case for the scoped search: every one of them is visible to the benchmark's clerk), and that
clerk with TOTP (officials must have it to open the pages).

The documents are bulk-inserted in batches (the trigger of migration 0002 computes each search vector
as it would for a registration); abstracts, issuing bodies and symbols are drawn from Vietnamese
administrative vocabulary with a fixed seed, so every run searches the same books.

Usage: .venv/bin/python bench/documents/setup.py [count]
"""

import datetime as dt
import os
import random
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lang_son_portal.settings")
django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.agencies.models import Agency  # noqa: E402
from core.users.models import User  # noqa: E402
from government.documents.models import Document, DocumentType  # noqa: E402

EMAIL = "bench.vanthu@langson.gov.vn"
AGENCY = "ubnd-tinh"
COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
BATCH = 5_000

ACTIONS = [
    "Về việc triển khai",
    "Về việc tăng cường",
    "Kế hoạch thực hiện",
    "Quyết định phê duyệt",
    "Báo cáo kết quả",
    "Hướng dẫn thực hiện",
    "Thông báo kết luận",
    "Về việc đôn đốc",
    "Về việc giao chỉ tiêu",
    "Về việc tổ chức",
]
SUBJECTS = [
    "chuyển đổi số",
    "dịch vụ công trực tuyến toàn trình",
    "cải cách hành chính",
    "phòng chống dịch bệnh",
    "tiêm chủng mở rộng",
    "xây dựng nông thôn mới",
    "giảm nghèo bền vững",
    "quản lý đất đai",
    "thu ngân sách nhà nước",
    "xuất nhập khẩu qua cửa khẩu",
    "an toàn giao thông",
    "phòng cháy chữa cháy",
    "giáo dục và đào tạo",
    "bảo vệ rừng",
    "kinh tế số",
    "thanh toán không dùng tiền mặt",
    "đường giao thông nông thôn",
    "ứng dụng công nghệ thông tin",
    "an ninh biên giới",
    "du lịch cộng đồng",
]
PLACES = [
    "trên địa bàn tỉnh",
    "tại các xã biên giới",
    "huyện Đình Lập",
    "huyện Cao Lộc",
    "thành phố Lạng Sơn",
    "huyện Văn Lãng",
    "huyện Tràng Định",
    "huyện Bắc Sơn",
    "huyện Hữu Lũng",
    "khu kinh tế cửa khẩu Đồng Đăng",
    "năm 2026",
    "giai đoạn 2026-2030",
]
BODIES = [
    ("Văn phòng Chính phủ", "VPCP"),
    ("Bộ Khoa học và Công nghệ", "BKHCN"),
    ("Bộ Nội vụ", "BNV"),
    ("Sở Y tế", "SYT"),
    ("Sở Tài chính", "STC"),
    ("Sở Xây dựng", "SXD"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("Công an tỉnh", "CAT"),
    ("Ủy ban nhân dân huyện Cao Lộc", "UBND"),
    ("Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn", "BQL"),
]
UNITS = ["Phòng Tổng hợp", "Phòng Kinh tế", "Phòng Khoa giáo - Văn xã", "Ban Tiếp công dân"]
STATUSES = ["registered", "assigned", "in_progress", "processed", "closed", "closed", "closed", "closed"]


def make(i: int, agency, rng: random.Random, now) -> Document:
    doc_type = rng.choice(DocumentType.values)
    received = now - dt.timedelta(minutes=i * 20)  # newest first by id, ~4 years of books
    abstract = f"{rng.choice(ACTIONS)} {rng.choice(SUBJECTS)} {rng.choice(PLACES)}"
    if i % 2:
        body, sym = rng.choice(BODIES)
        tail = f"{sym}-VP" if doc_type == "CV" else f"{doc_type}-{sym}"
        return Document(
            agency=agency,
            direction="in",
            status=rng.choice(STATUSES),
            doc_type=doc_type,
            number_symbol=f"{rng.randint(1, 3000):02d}/{tail}",
            issued_on=(received - dt.timedelta(days=2)).date(),
            issuing_body=body,
            abstract=abstract,
            arrival_number=i // 2 + 1,
            book_year=received.year,  # numbers unique over the whole book: bench data only
            received_at=received,
            deadline=(received + dt.timedelta(days=15)).date(),
            handling_unit=rng.choice(UNITS),
            created_at=received,
        )
    tail = "UBND-VP" if doc_type == "CV" else f"{doc_type}-UBND"
    return Document(
        agency=agency,
        direction="out",
        status="issued",
        doc_type=doc_type,
        number=i // 2 + 1,
        number_symbol=f"{i // 2 + 1:02d}/{tail}",
        book_year=received.year,
        issued_on=received.date(),
        issuing_body=agency.name,
        abstract=abstract,
        issued_at=received,
        created_at=received,
    )


started = time.perf_counter()
call_command("load_reference_data", verbosity=0)
agency = Agency.objects.get(code=AGENCY)
user, created = User.objects.get_or_create(email=EMAIL, defaults={"full_name": "Văn thư (benchmark)", "agency": agency})
if created:
    user.set_unusable_password()
    user.save()
for role in ("province_leader", "document_clerk"):
    user.groups.add(Group.objects.get(name=role))
from allauth.mfa.models import Authenticator  # noqa: E402

if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
have = Document.objects.filter(agency=agency).count()
rng = random.Random(16)
now = timezone.now()
for start in range(have, COUNT, BATCH):
    rows = [make(i, agency, rng, now) for i in range(start, min(start + BATCH, COUNT))]
    Document.objects.bulk_create(rows, batch_size=1000)
    print(f"documents: {min(start + BATCH, COUNT):,}", flush=True)
from django.db import connection  # noqa: E402

with connection.cursor() as cursor:
    cursor.execute("ANALYZE documents_document")
print(f"{Document.objects.count():,} documents; clerk {EMAIL}; setup took {time.perf_counter() - started:.0f} s")
