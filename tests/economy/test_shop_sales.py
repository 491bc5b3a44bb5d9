"""Digital shops that report real sales: monthly sales entered or imported from a platform's CSV
(checked row by row, errors by line, nothing half-imported), the "sold in the last 30 days"
indicator, and the public product directory searched with or without diacritics."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.audit.models import AuditLog
from core.errors import ServiceError
from core.geo.models import AdministrativeUnit as Unit
from core.indicators import registry
from economy.models import DigitalShop, ShopMonthlySales, ShopProduct
from economy.services import shop_sales_import_csv

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]


@pytest.fixture
def shops():
    a = Unit.objects.get(structure="2025", level="commune", code=5977)
    b = Unit.objects.get(structure="2025", level="commune", code=6184)
    na = DigitalShop.objects.create(
        name="Na Chi Lăng nhà bà Lý",
        commune=a,
        platform="postmart",
        registered_on=dt.date(2025, 1, 1),
        link="https://postmart.vn/shop/na-chi-lang",
    )
    hoi = DigitalShop.objects.create(
        name="Hồi Văn Quan",
        commune=b,
        platform="voso",
        registered_on=dt.date(2025, 1, 1),
        link="https://voso.vn/shop/hoi-van-quan",
    )
    ShopProduct.objects.create(shop=na, name="Na dai Chi Lăng", category="fruit", is_local_specialty=True)
    ShopProduct.objects.create(shop=hoi, name="Hoa hồi khô", category="spice", is_local_specialty=True)
    return na, hoi


def this_month():
    return timezone.localdate().replace(day=1).strftime("%Y-%m")


def test_csv_import_is_all_or_nothing_with_errors_by_line(shops, department_official):
    na, hoi = shops
    bad = (
        "link,thang,so_don,doanh_thu\n"
        f"{na.link},{this_month()},12,3.600.000\n"
        "https://shopee.vn/khong-co,2026-10,1,100\n"
        f"{hoi.link},2099-01,1,100\n"
        f"{hoi.link},{this_month()},0,5000\n"
        f"{na.link},{this_month()},abc,100\n"
    )
    with pytest.raises(ServiceError) as exc:
        shop_sales_import_csv(actor=department_official, text=bad)
    lines = exc.value.errors["file"]
    assert [line.split(":")[0] for line in lines] == ["Dòng 3", "Dòng 4", "Dòng 5", "Dòng 6"]
    assert "không có cửa hàng nào" in lines[0] and "tháng chưa tới" in lines[1]
    assert not ShopMonthlySales.objects.exists()  # nothing half-imported

    good = f"link,thang,so_don,doanh_thu\n{na.link},{this_month()},12,3.600.000\n"
    assert shop_sales_import_csv(actor=department_official, text=good) == 1
    row = ShopMonthlySales.objects.get()
    assert (row.orders, row.revenue, row.source) == (12, 3_600_000, "csv")


def test_a_commune_official_imports_only_their_communes_shops(shops, commune_official):
    _na, hoi = shops
    text = f"link,thang,so_don,doanh_thu\n{hoi.link},{this_month()},3,90000\n"
    with pytest.raises(ServiceError) as exc:
        shop_sales_import_csv(actor=commune_official, text=text)
    assert "không thuộc xã của bạn" in exc.value.errors["file"][0]


def test_selling_indicator_counts_shops_that_sold_in_the_last_30_days(shops, department_official):
    na, _hoi = shops
    shop_sales_import_csv(
        actor=department_official, text=f"link,thang,so_don,doanh_thu\n{na.link},{this_month()},2,50000\n"
    )
    indicator = registry.get("economy.digital_shops.active")
    end = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    assert indicator.compute_by_commune(end - dt.timedelta(days=1), end) == {5977: 1}


def test_the_import_page_shows_line_errors(client, login, shops, department_official):
    login(department_official)
    url = reverse("economy:sales-import")
    upload = SimpleUploadedFile("doanh-so.csv", b"link,thang,so_don,doanh_thu\nx,2026-10,1,1\n", "text/csv")
    page = client.post(url, {"file": upload}).content.decode()
    assert "Dòng 2: không có cửa hàng nào với đường dẫn này" in page


@pytest.mark.parametrize("query", ["Chi Lăng", "chi lang", "CHI LANG", "hồi", "hoi"])
def test_public_product_directory_searches_with_or_without_diacritics(client, shops, query):
    page = client.get(reverse("economy:products"), {"q": query}).content.decode()
    expected = "Na dai Chi Lăng" if "lang" in query.lower() or "lăng" in query.lower() else "Hoa hồi khô"
    assert expected in page


def test_the_shop_owner_enters_a_months_sales_on_the_phone_page(client, login, shops, citizen, citizen2):
    na, hoi = shops
    DigitalShop.objects.filter(pk=na.pk).update(owner=citizen)
    login(citizen)
    page = client.get(reverse("economy:my-shops")).content.decode()
    assert "Na Chi Lăng nhà bà Lý" in page and "Hồi Văn Quan" not in page
    url = reverse("economy:shop-sales", args=[na.pk])
    month = this_month()
    # Bad input: field-level Vietnamese messages, what was typed is kept, nothing written.
    response = client.post(url, {"month": month, "orders": "-3", "revenue": "abc"})
    page = response.content.decode()
    assert response.status_code == 200 and "Số đơn không được âm." in page and "Nhập số tiền là số nguyên" in page
    assert 'value="-3"' in page and not ShopMonthlySales.objects.exists()
    response = client.post(url, {"month": month, "orders": "0", "revenue": "50.000"})
    assert "Có doanh thu thì phải có ít nhất một đơn hàng." in response.content.decode()
    response = client.post(url, {"month": "2099-01", "orders": "1", "revenue": "1"})
    assert response.status_code == 200 and not ShopMonthlySales.objects.exists()
    # Good input, sent twice (a double tap): one row, one audit entry.
    for _ in range(2):
        response = client.post(url, {"month": month, "orders": "12", "revenue": "3.600.000"})
        assert response.status_code == 302
    row = ShopMonthlySales.objects.get()
    assert (row.shop_id, row.orders, row.revenue, row.source) == (na.pk, 12, 3_600_000, "manual")
    assert AuditLog.objects.filter(action="economy.shop_sales.record").count() == 1
    page = client.get(url).content.decode()
    assert f'data-testid="sales-{month}"' in page and "3.600.000" in page.replace(",", ".")
    # Nobody else reaches the page: another citizen, and the owner for a shop they do not run.
    assert client.get(reverse("economy:shop-sales", args=[hoi.pk])).status_code == 404
    login(citizen2)
    assert client.post(url, {"month": month, "orders": "1", "revenue": "1"}).status_code == 404
    assert ShopMonthlySales.objects.get().orders == 12
