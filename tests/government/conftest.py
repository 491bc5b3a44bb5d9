import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import COMMUNE_A, _agency, _unit, make_user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, celery_eager):
    from django.utils import translation

    settings.MEDIA_ROOT = tmp_path / "media"
    # A request in another language leaves it active in the thread: start every test in Vietnamese.
    translation.activate("vi")


def grant_leader(user):
    user.user_permissions.add(Permission.objects.get(codename="approve_dossier", content_type__app_label="government"))
    # Permission caches live on the instance.
    for attr in ("_perm_cache", "_user_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)
    return user


@pytest.fixture
def commune_leader(db):
    """Chủ tịch UBND Phường Đông Kinh: a commune official of the same agency who may approve."""
    user = make_user(
        "chu.tich@langson.gov.vn",
        roles=["commune_official"],
        full_name="Hoàng Văn Chủ Tịch",
        agency=_agency(f"ubnd-xa-{COMMUNE_A}"),
        admin_unit=_unit(COMMUNE_A),
        totp=True,
    )
    return grant_leader(user)


@pytest.fixture
def land_official(db):
    return make_user(
        "vpdkdd@langson.gov.vn",
        roles=["department_official"],
        full_name="Nông Thị Đất",
        agency=_agency("van-phong-dkdd"),
        totp=True,
    )


def pdf_bytes(pages: int = 1) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    images = [Image.new("RGB", (60, 80), "white") for _ in range(pages)]
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:])
    return buffer.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "PNG")
    return buffer.getvalue()


def upload(name="giay-chung-sinh.pdf", content=None, content_type="application/pdf"):
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, content_type=content_type)


BIRTH = "1.001193"  # commune, free, same day
HOUSEHOLD_BUSINESS = "1.001612"  # commune, 150.000 đ, 3 working days
COPY_EXTRACT = "2.000635"  # commune, 8.000 đ per copy, same day
CONSTRUCTION = "1.013225"  # commune, 75.000 đ, 15 working days
LAND_EXCHANGE = "1.012783"  # van-phong-dkdd, 50.000 đ, 5 working days

BIRTH_DATA = {
    "ho_ten_tre": "Hoàng Minh An",
    "ngay_sinh": "2026-11-20",
    "gioi_tinh": "nam",
    "noi_sinh": "Bệnh viện Đa khoa tỉnh Lạng Sơn",
    "ho_ten_me": "Lương Thị Mai",
    "ho_ten_cha": "Hoàng Văn Dân",
    "quan_he": "Cha",
}
BUSINESS_DATA = {
    "ten_ho_kinh_doanh": "Tạp hóa Đông Kinh",
    "dia_diem": "Số 5 Lê Lợi, phường Đông Kinh",
    "nganh_nghe": "Bán lẻ hàng tạp hóa",
    "von_kinh_doanh": "50000000",
    "so_lao_dong": "2",
    "dien_thoai": "0912345678",
}


def procedure(code):
    from government.models import Procedure

    return Procedure.objects.get(code=code)


def draft(applicant, code=BIRTH, data=None, files=True, commune=None):
    """A draft with its declaration and the required documents attached."""
    from government import services

    proc = procedure(code)
    dossier = services.dossier_create(procedure=proc, applicant=applicant, commune_code=commune, data=data or {})
    if files:
        for doc in proc.documents.filter(required=True):
            services.dossier_add_file(
                dossier=dossier, actor=applicant, document=doc, uploaded=upload(f"{doc.code}.pdf")
            )
    return dossier


def submitted(applicant, code=BIRTH, data=None, **kwargs):
    from government import services

    if data is None:
        data = {BIRTH: BIRTH_DATA, HOUSEHOLD_BUSINESS: BUSINESS_DATA}.get(code, {})
    dossier = draft(applicant, code, data, **kwargs)
    return services.dossier_submit(dossier=dossier, actor=applicant)


def pay(dossier):
    """Pay the dossier's fee through core.payments' sandbox callback, as the bank would."""
    from django.test import Client
    from django.urls import reverse

    from core.payments.sandbox import signed_callback
    from government import services

    payment = services.dossier_start_payment(dossier=dossier, actor=dossier.applicant)
    body, headers = signed_callback(payment, status="paid")
    response = Client().post(
        reverse("payments:callback", kwargs={"provider": "sandbox"}), body, content_type="application/json", **headers
    )
    assert response.status_code == 200, response.content
    dossier.refresh_from_db()
    return payment
