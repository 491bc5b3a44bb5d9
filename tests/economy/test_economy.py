"""Digital economy pillar: services (audited, double submit harmless, commune scoping), the
household-share indicators, and the scoped list pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from core.audit.models import AuditLog
from core.errors import ServiceError
from core.geo.models import AdministrativeUnit as Unit
from core.indicators import registry
from core.indicators.registry import LOCAL
from economy import services
from economy.models import CommuneHouseholds, DigitalShop, EpaymentAccount, Household, SoftAtmAgent
from economy.services import households
from economy.services.households import AccountRow, HouseholdRow, ShopRow
from economy.services.shops import shop_sales_record_many

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]
A, B = 5977, 6184


def unit(code):
    return Unit.objects.get(structure="2025", level="commune", code=code)


@pytest.fixture
def data(department_official):
    """Commune A: 100 households in the register, 60 with a shop (40 sold this month, 20 last sold
    four months ago), 53 with an account (30 used this month). Commune B: 300 households, 90 shops
    that never reported a sale. Plus a soft-ATM agent in B."""
    a, b = unit(A), unit(B)
    CommuneHouseholds.objects.create(commune=a, year=2026, households=110, source="test")
    rows = lambda n, on: [HouseholdRow(code=f"H{i:03d}", head_name=f"Chủ hộ {i}", registered_on=on) for i in range(n)]  # noqa: E731
    in_a = households.households_register(actor=department_official, commune=a, rows=rows(100, dt.date(2025, 1, 1)))
    in_b = households.households_register(actor=department_official, commune=b, rows=rows(300, dt.date(2025, 6, 1)))
    shops_a = households.digital_shops_register(
        actor=department_official,
        commune=a,
        rows=[
            ShopRow(household=h, name=f"Shop A{i}", platform="postmart", registered_on=dt.date(2026, 1, 10))
            for i, h in enumerate(in_a[:60])
        ],
    )
    households.digital_shops_register(
        actor=department_official,
        commune=b,
        rows=[
            ShopRow(household=h, name=f"Shop B{i}", platform="voso", registered_on=dt.date(2025, 6, 1))
            for i, h in enumerate(in_b[:90])
        ],
    )
    month = timezone.localdate().replace(day=1)
    old = (month - dt.timedelta(days=100)).replace(day=1)
    shop_sales_record_many(
        actor=department_official,
        rows=[(s, month, 3, 300_000) for s in shops_a[:40]] + [(s, old, 1, 90_000) for s in shops_a[40:]],
        source="manual",
    )
    accounts = households.epayment_accounts_open(
        actor=department_official,
        commune=a,
        rows=[
            AccountRow(household=h, kind="bank", provider="Agribank", opened_on=dt.date(2025, 1, 1)) for h in in_a[:53]
        ],
    )
    households.epayment_use_record(
        actor=department_official, rows=[(acc, month, 4) for acc in accounts[:30]] + [(accounts[30], month, 0)]
    )
    SoftAtmAgent.objects.create(
        name="Điểm ATM mềm Agribank", commune=b, address="Thôn 1", bank="Agribank", opened_on=dt.date(2024, 1, 1)
    )
    return a, b


def tomorrow():
    local = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return local + dt.timedelta(days=1)


def day(y, m, d):
    return dt.datetime(y, m, d, tzinfo=LOCAL)


def test_household_shares_count_shops_that_sold_and_accounts_used_not_registrations(data):
    share = registry.get("economy.households.digital_shop_share")
    end = tomorrow()
    start = end - dt.timedelta(days=1)
    # 40 of A's 100 households sold in the last 30 days (not the 60 with a shop); none of B's 300.
    assert share.compute_by_commune(start, end) == {A: 40.0, B: 0.0}
    assert share.compute(start, end) == pytest.approx(100 * 40 / 400)
    assert share.compute(start, end, A) == 40.0
    epay = registry.get("economy.households.epayment_share")
    # 30 of the 53 accounts were used (one reported zero payments): 30 % of A's households.
    assert epay.compute_by_commune(start, end) == {A: 30.0, B: 0.0}
    assert registry.get("economy.digital_shops.active").compute_by_commune(start, end) == {A: 40}
    assert registry.get("economy.epayment_accounts.count").compute(start, end) == 30
    assert registry.get("economy.soft_atm.agents").compute(start, end) == 1
    # Before B's households entered the register the province counted A's alone.
    assert set(share.compute_by_commune(day(2025, 3, 1), day(2025, 3, 2))) == {A}


def test_a_household_register_refuses_bad_rows_by_line_and_writes_nothing(data, commune_official):
    a, b = data
    before = Household.objects.count()
    with pytest.raises(ServiceError) as exc:
        households.households_register(
            actor=commune_official,
            commune=a,
            rows=[
                HouseholdRow(code="H900", head_name="Nông Văn Mới"),
                HouseholdRow(code="H001", head_name="Người khác"),
                HouseholdRow(code="", head_name="X"),
                HouseholdRow(code="H901", head_name="Hà Thị Sau", registered_on=dt.date(2099, 1, 1)),
            ],
        )
    lines = exc.value.errors["rows"]
    assert [line.split(":")[0] for line in lines] == ["Dòng 2", "Dòng 3", "Dòng 4"]
    assert "chủ hộ khác" in lines[0] and "sau hôm nay" in lines[2]
    assert Household.objects.count() == before
    # One household from a form: errors by field. The same one twice (a double submit) adds one.
    with pytest.raises(ServiceError) as exc:
        households.households_register(
            actor=commune_official, commune=a, rows=[HouseholdRow(code="H 950", head_name="")]
        )
    assert set(exc.value.errors) == {"head_name"}
    for _ in range(2):
        (h,) = households.households_register(
            actor=commune_official, commune=a, rows=[HouseholdRow(code="h 950", head_name="Lý Thị Năm")]
        )
    assert h.code == "H950" and Household.objects.count() == before + 1
    with pytest.raises(PermissionDenied):
        households.households_register(
            actor=commune_official, commune=b, rows=[HouseholdRow(code="Z", head_name="Ai đó")]
        )


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
    assert "Phường Đông Kinh" in page
    assert f'data-testid="shop-share-{A}">40' in page and f'data-testid="account-share-{A}">30' in page
    client.logout()
    page = client.get(reverse("economy:agents") + f"?commune={B}").content.decode()
    assert "Điểm ATM mềm Agribank" in page


def test_demo_is_made_through_the_services_and_is_idempotent_at_small_scale():
    from core.users.demo import ensure_demo_accounts
    from economy.demo import generate
    from economy.models import LedgerTransaction, ShopMonthlySales, Wallet
    from economy.selectors import ledger_drift

    ensure_demo_accounts(log=lambda m: None)
    generate(scale="small", log=lambda m: None)
    models = (Household, DigitalShop, EpaymentAccount, SoftAtmAgent, ShopMonthlySales, Wallet, LedgerTransaction)
    counts = [m.objects.count() for m in models]
    generate(scale="small", log=lambda m: None)
    assert counts == [m.objects.count() for m in models]
    assert counts[1] == round(116_301 / 50) and counts[2] == round(102_043 / 50)
    # Every shop and account belongs to a household of the register, and the services audited them.
    assert not DigitalShop.objects.filter(household=None).exists()
    assert not EpaymentAccount.objects.filter(household=None).exists()
    assert AuditLog.objects.filter(action="economy.households.register").count() == 65
    assert ledger_drift()["total"] == 0 and counts[5] == 40
    # The honest share is below the registered one (not every shop sold in the last 30 days).
    end = tomorrow()
    share = registry.get("economy.households.digital_shop_share").compute(end - dt.timedelta(days=1), end)
    assert 25 < share < 60
    # The public map: the points' banks funded them through the ledger, so at mid-morning most can
    # pay out cash and some, low on cash, cannot (before, only the one demo counter had any cash).
    from economy.selectors import agents_public_with_status

    points = agents_public_with_status(now=timezone.localtime().replace(hour=10, minute=0))
    paying = sum(point.can_pay_out for point in points)
    assert len(points) == counts[3] and len(points) / 2 < paying < len(points)


def test_the_register_shows_head_names_only_to_the_communes_officials(client, login, data, commune_official, citizen):
    url = reverse("economy:households")
    login(commune_official)  # commune A
    page = client.get(url + "?q=H001").content.decode()
    assert "Chủ hộ 1" in page and "Phường Đông Kinh" in page and "Xã Đồng Đăng" not in page
    page = client.get(url + f"?commune={B}").content.decode()
    assert "Xã Đồng Đăng" not in page  # another commune is not within reach, whatever the query says
    # Whether the household's shop sold / account was used in the last 30 days.
    page = client.get(url + "?q=H000").content.decode()
    assert page.count(">Có<") == 2
    login(citizen)
    assert client.get(url).status_code == 403
