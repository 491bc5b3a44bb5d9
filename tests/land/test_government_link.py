"""The level-4 land procedures attach a parcel by its code; the official handling the dossier sees
the parcel's sheet (attributes, plan zones, price, split) on the dossier page."""

import pytest
from django.urls import reverse

from government.fields import procedure_form_class
from tests.government.conftest import LAND_EXCHANGE, pay, procedure, submitted

pytestmark = pytest.mark.django_db


def test_the_declaration_checks_the_parcel_code(parcel):
    form_class = procedure_form_class(procedure(LAND_EXCHANGE))
    form = form_class(data={"ma_thua": "05977-9-99", "so_phat_hanh_gcn": "CS 1", "ly_do_cap_doi": "hu-hong"})
    assert not form.is_valid() and "Không có thửa đất" in form.errors["ma_thua"][0]
    form = form_class(data={"ma_thua": parcel.code, "so_phat_hanh_gcn": "CS 1", "ly_do_cap_doi": "hu-hong"})
    assert form.is_valid(), form.errors


def test_the_official_sees_the_parcel_sheet_from_the_dossier(client, parcel, citizen):
    from tests.conftest import _agency, make_user

    official = make_user(
        "vpdkdd@langson.gov.vn",
        roles=["department_official"],
        full_name="Nông Thị Đất",
        agency=_agency("van-phong-dkdd"),
        totp=True,
    )
    data = {"ma_thua": parcel.code, "so_phat_hanh_gcn": "CS 123456", "ly_do_cap_doi": "hu-hong"}
    dossier = submitted(citizen, LAND_EXCHANGE, data=data)
    pay(dossier)
    client.force_login(official)
    page = client.get(reverse("government:official-dossier", args=[dossier.uid])).content.decode()
    assert 'id="dossier-parcel"' in page and "Đất ở tại đô thị" in page and "50,0%" in page
    assert reverse("land:parcel", args=[parcel.code]) in page


def test_the_sheet_links_to_the_land_procedures(client, parcel):
    from government.models import Procedure

    page = client.get(reverse("land:parcel", args=[parcel.code])).content.decode()
    services = page.split('id="land-services"')[1].split("</section>")[0]
    assert reverse("government:procedure-detail", args=[LAND_EXCHANGE]) in services
    assert parcel.code in services  # the code to write in the declaration
    # Only procedures that attach a parcel: a birth registration is not a land service.
    linked = {code for code in Procedure.objects.values_list("code", flat=True) if f"/thu-tuc/{code}/" in services}
    assert linked and all(
        any(f.get("type") == "parcel" for f in Procedure.objects.get(code=c).form_fields) for c in linked
    )
