"""Officials' notes: what the citizen will see is labelled so; internal notes stay internal. The
citizen sees their own declaration, read-only, on their dossier page."""

import pytest
from django.test import Client
from django.urls import reverse

from government import services
from tests.government.conftest import BIRTH, submitted

pytestmark = pytest.mark.django_db
INTERNAL = "Đã đối chiếu bản gốc CCCD, chữ ký hơi mờ"
FOR_CITIZEN = "Bổ sung bản sao giấy đăng ký kết hôn của cha mẹ"


def url(name, **kwargs):
    return reverse(f"government:{name}", kwargs=kwargs)


def test_internal_notes_never_reach_the_citizen_and_public_ones_are_labelled(login, citizen, commune_official):
    dossier = submitted(citizen, BIRTH)
    services.dossier_claim(dossier=dossier, actor=commune_official)
    services.dossier_forward(dossier=dossier, actor=commune_official, note=INTERNAL)

    official = login(commune_official, Client())
    page = official.get(url("official-dossier", uid=dossier.uid)).content.decode()
    assert "Công dân sẽ thấy ghi chú này." in page  # under the supplement and refusal reasons
    assert "Chỉ cán bộ thấy ghi chú này; công dân không thấy." in page  # under the forwarding note
    services.dossier_request_supplement(dossier=dossier, actor=commune_official, reason=FOR_CITIZEN)
    page = official.get(url("official-dossier", uid=dossier.uid)).content.decode()
    assert f"Nội bộ: {INTERNAL}" in page and f"Công dân thấy: {FOR_CITIZEN}" in page

    c = login(citizen, Client())
    detail = c.get(url("dossier-detail", uid=dossier.uid)).content.decode()
    assert FOR_CITIZEN in detail
    assert INTERNAL not in detail
    api = c.get(f"/api/v1/government/dossiers/{dossier.uid}/").content.decode()
    assert FOR_CITIZEN in api and INTERNAL not in api
    assert INTERNAL not in c.get(url("my-dossiers")).content.decode()


def test_citizen_sees_their_declaration_read_only(login, citizen):
    dossier = submitted(citizen, BIRTH)
    page = login(citizen).get(url("dossier-detail", uid=dossier.uid)).content.decode()
    declaration = page[page.index('id="declaration"') :]
    declaration = declaration[: declaration.index("</details>")]
    assert "Tờ khai đã nộp" in declaration
    assert "Hoàng Minh An" in declaration and "Lương Thị Mai" in declaration
    assert "20/11/2026" in declaration  # the birth date as a reader writes it
    assert "<input" not in declaration and "<textarea" not in declaration
