"""Digital economy pillar: services (audited, double submit harmless, commune scoping), the
household-share indicators, and the scoped list pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.audit.models import AuditLog
from core.geo.models import AdministrativeUnit as Unit
from core.indicators import registry
from core.indicators.targets import LOCAL
from economy import services
from economy.models import CommuneHouseholds, DigitalShop, EpaymentAccount, SoftAtmAgent

pytestmark = pytest.mark.django_db
A, B = 5977, 6184


def unit(code):
    return Unit.objects.get(structure="2025", level="commune", code=code)


@pytest.fixture
def data():
    a, b = unit(A), unit(B)
    CommuneHouseholds.objects.create(commune=a, year=2026, households=100, source="test")
    CommuneHouseholds.objects.create(commune=b, year=2026, households=300, source="test")
    CommuneHouseholds.objects.create(commune=b, year=2025, households=200, source="test")
    for i in range(60):
        DigitalShop.objects.create(
            name=f"Shop A{i}", commune=a, platform="postmart", registered_on=dt.date(2026, 1, 10)
        )
    for i in range(90):
        DigitalShop.objects.create(name=f"Shop B{i}", commune=b, platform="voso", registered_on=dt.date(2025, 6, 1))
    DigitalShop.objects.create(
        name="Closed",
        commune=b,
        platform="voso",
        registered_on=dt.date(2025, 1, 1),
        closed_on=dt.date(2025, 12, 1),
        status="closed",
    )
    for _ in range(53):
        EpaymentAccount.objects.create(commune=a, kind="bank", provider="Agribank", opened_on=dt.date(2025, 1, 1))
    SoftAtmAgent.objects.create(
        name="Điểm ATM mềm Agribank", commune=b, address="Thôn 1", bank="Agribank", opened_on=dt.date(2024, 1, 1)
    )
    return a, b


def day(y, m, d):
    return dt.datetime(y, m, d, tzinfo=LOCAL)


def test_household_shares_by_commune_and_province(data):
    share = registry.get("economy.households.digital_shop_share")
    start, end = day(2026, 11, 26), day(2026, 11, 27)
    assert share.compute_by_commune(start, end) == {A: 60.0, B: 30.0}
    assert share.compute(start, end) == pytest.approx(100 * 150 / 400)
    assert share.compute(start, end, A) == 60.0
    # History: on 31 Dec 2025 commune A had no household figure for 2025 (no share), B had 90 shops for
    # its 2025 households (200) and the shop closed on 1 Dec 2025 no longer counts.
    assert share.compute_by_commune(day(2025, 12, 30), day(2025, 12, 31)) == {B: 45.0}
    epay = registry.get("economy.households.epayment_share")
    assert epay.compute_by_commune(start, end) == {A: 53.0, B: 0.0}
    assert registry.get("economy.soft_atm.agents").compute(start, end) == 1


def test_register_shop_is_audited_scoped_and_double_submit_harmless(data, commune_official, other_commune_official):
    a, _b = data
    shop = services.digital_shop_register(
        actor=commune_official, commune=a, name="Na Chi Lăng ", platform="shopee", registered_on=dt.date(2026, 11, 1)
    )
    again = services.digital_shop_register(
        actor=commune_official, commune=a, name="na chi lăng", platform="shopee", registered_on=dt.date(2026, 11, 1)
    )
    assert shop.pk == again.pk and shop.name == "Na Chi Lăng"
    assert AuditLog.objects.filter(action="economy.digital_shop.register", object_id=str(shop.pk)).count() == 1
    with pytest.raises(PermissionDenied):
        services.digital_shop_register(
            actor=other_commune_official, commune=a, name="X", platform="voso", registered_on=dt.date(2026, 11, 1)
        )
    services.digital_shop_close(actor=commune_official, shop=shop, closed_on=dt.date(2026, 11, 20))
    shop.refresh_from_db()
    assert (shop.status, shop.closed_on) == ("closed", dt.date(2026, 11, 20))
    with pytest.raises(services.EconomyError):
        services.digital_shop_close(actor=commune_official, shop=shop, closed_on=dt.date(2026, 11, 21))


def test_shop_list_is_scoped_to_the_officials_commune(client, login, data, commune_official, department_official):
    login(commune_official)
    page = client.get(reverse("economy:shops")).content.decode()
    assert "Shop A1" in page and "Shop B1" not in page
    login(department_official)
    page = client.get(reverse("economy:shops") + "?platform=voso").content.decode()
    assert "Shop B89" in page and "Shop A1" not in page


def test_register_form_keeps_input_and_shows_field_errors(client, login, data, commune_official):
    login(commune_official)
    url = reverse("economy:shop-register")
    response = client.post(
        url, {"commune": data[0].pk, "name": "Miến dong", "platform": "voso", "registered_on": "2099-01-01"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Ngày lên sàn không được sau hôm nay." in page and "Miến dong" in page
    # Another commune is not even offered to a commune official.
    response = client.post(url, {"commune": data[1].pk, "name": "X", "platform": "voso", "registered_on": "2026-11-01"})
    assert response.status_code == 200 and not DigitalShop.objects.filter(name="X").exists()
    response = client.post(
        url, {"commune": data[0].pk, "name": "Miến dong", "platform": "voso", "registered_on": "2026-11-01"}
    )
    assert response.status_code == 302 and DigitalShop.objects.filter(name="Miến dong", commune=data[0]).exists()


def test_commune_summary_and_public_agents(client, login, data, province_leader):
    login(province_leader)
    page = client.get(reverse("economy:communes")).content.decode()
    assert "Phường Đông Kinh" in page and "60,0" in page.replace("60.0", "60,0")
    client.logout()
    page = client.get(reverse("economy:agents") + f"?commune={B}").content.decode()
    assert "Điểm ATM mềm Agribank" in page


def test_demo_generator_is_idempotent_at_small_scale():
    from economy.demo import generate

    generate(scale="small", log=lambda m: None)
    counts = (DigitalShop.objects.count(), EpaymentAccount.objects.count(), SoftAtmAgent.objects.count())
    generate(scale="small", log=lambda m: None)
    assert counts == (DigitalShop.objects.count(), EpaymentAccount.objects.count(), SoftAtmAgent.objects.count())
    assert counts[0] == round(116_301 / 50) and counts[1] == round(102_043 / 50)
