import pytest

from tests.land.factories import make_parcel, make_zones


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    from django.utils import translation

    settings.MEDIA_ROOT = tmp_path / "media"
    translation.activate("vi")


@pytest.fixture
def parcel(db):
    p = make_parcel()
    make_zones(p)
    return p


@pytest.fixture
def land_official(db):
    """An official of the Provincial Land Registration Office: a land official for the whole province."""
    from tests.conftest import _agency, make_user

    return make_user(
        "diachinh@langson.gov.vn",
        roles=["department_official"],
        full_name="Lộc Văn Địa",
        agency=_agency("van-phong-dkdd"),
        totp=True,
    )


@pytest.fixture
def cadastral_officer(commune_official):
    """The commune official of Phường Đông Kinh, granted the land permission: scope = that commune."""
    from django.contrib.auth.models import Permission

    commune_official.user_permissions.add(
        Permission.objects.get(codename="change_parcel", content_type__app_label="land")
    )
    for attr in ("_perm_cache", "_user_perm_cache"):
        if hasattr(commune_official, attr):
            delattr(commune_official, attr)
    return commune_official


def pdf_upload(name="bang-chung.pdf"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buffer, "PDF")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")
