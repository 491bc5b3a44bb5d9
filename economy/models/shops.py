"""The digital economy pillar: households per commune, digital shops on e-commerce platforms,
e-payment accounts and soft-ATM agent points (the seed: 116,301 shops = 60% of households, 102,043
e-payment accounts = 53%). No personal data: a shop is listed by its trading name, an account only
counted by commune."""

import datetime as dt

from django.conf import settings
from django.contrib.gis.db import models as gis_models
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

COMMUNES_2025 = {"structure": "2025", "level": "commune"}


class CommuneHouseholds(models.Model):
    """Number of households of a commune in a year: the denominator of the household shares."""

    commune = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, limit_choices_to=COMMUNES_2025, verbose_name=_("xã, phường")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    households = models.PositiveIntegerField(_("số hộ"))
    source = models.CharField(_("nguồn số liệu"), max_length=200)

    class Meta:
        verbose_name = _("số hộ gia đình của xã")
        verbose_name_plural = _("số hộ gia đình của xã")
        ordering = ["commune__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], name="economy_households_unique_year"),
            models.CheckConstraint(condition=Q(households__gt=0), name="economy_households_positive"),
        ]

    def __str__(self):
        return f"{self.commune} {self.year}: {self.households}"


class Household(models.Model):
    """A household of a commune's register (sổ hộ), the unit the province's digital-economy shares
    are counted in: a household has digital shops and e-payment accounts. The head's name is
    personal data, shown only to officials of the commune (or the province)."""

    commune = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, limit_choices_to=COMMUNES_2025, verbose_name=_("xã, phường")
    )
    code = models.CharField(_("mã hộ"), max_length=20)
    head_name = models.CharField(_("chủ hộ"), max_length=150)
    # The head's citizen ID number (optional): how a soft-ATM wallet opened by the head is linked to
    # the household without anyone typing the household code (economy.services.households).
    head_citizen_id = models.CharField(_("số CCCD của chủ hộ"), max_length=12, blank=True, db_default="")
    village = models.CharField(_("thôn, bản, tổ dân phố"), max_length=100, blank=True)
    registered_on = models.DateField(_("ngày ghi vào sổ"))

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        ordering = ["commune__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="economy_household_unique_code"),
            models.CheckConstraint(
                condition=Q(head_citizen_id="") | Q(head_citizen_id__regex=r"^\d{12}$"), name="economy_household_cccd"
            ),
        ]
        indexes = [models.Index(fields=["commune", "registered_on"], name="economy_household_day_idx")]

    def __str__(self):
        return f"{self.code} — {self.head_name}"


class Platform(models.TextChoices):
    POSTMART = "postmart", "Postmart"
    VOSO = "voso", "Voso"
    SHOPEE = "shopee", "Shopee"
    LAZADA = "lazada", "Lazada"
    TIKI = "tiki", "Tiki"
    ZALO = "zalo", _("Zalo (cửa hàng Zalo OA)")
    OTHER = "other", _("Khác")


class DigitalShop(models.Model):
    """A household's shop on an e-commerce platform. active → closed (and reopened) only through
    economy.services."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang hoạt động")
        CLOSED = "closed", _("Đã đóng")

    name = models.CharField(_("tên cửa hàng"), max_length=200)
    commune = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, limit_choices_to=COMMUNES_2025, verbose_name=_("xã, phường")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shops",
        verbose_name=_("hộ gia đình"),
    )
    # The household member who runs the shop and enters its monthly sales on the portal.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="digital_shops",
        verbose_name=_("người quản lý cửa hàng"),
    )
    platform = models.CharField(_("sàn"), max_length=10, choices=Platform.choices)
    products = models.CharField(_("sản phẩm chính"), max_length=200, blank=True)
    link = models.URLField(_("đường dẫn cửa hàng"), max_length=300, blank=True, db_default="")
    registered_on = models.DateField(_("ngày lên sàn"))
    closed_on = models.DateField(_("ngày đóng"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        verbose_name = _("cửa hàng số")
        verbose_name_plural = _("cửa hàng số")
        ordering = ["-registered_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("registered_on")),
                name="economy_shop_closed_after_registered",
            ),
            models.CheckConstraint(
                condition=Q(status="active", closed_on__isnull=True) | Q(status="closed", closed_on__isnull=False),
                name="economy_shop_status_matches_closed_on",
            ),
        ]
        indexes = [models.Index(fields=["commune", "registered_on"]), models.Index(fields=["registered_on"])]

    def __str__(self):
        return self.name


class EpaymentAccount(models.Model):
    """An e-payment account held by a household (bank account, e-wallet or Mobile Money): counted,
    never named."""

    class Kind(models.TextChoices):
        BANK = "bank", _("Tài khoản ngân hàng")
        EWALLET = "ewallet", _("Ví điện tử")
        MOBILE_MONEY = "mobile_money", _("Mobile Money")

    commune = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, limit_choices_to=COMMUNES_2025, verbose_name=_("xã, phường")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="epayment_accounts",
        verbose_name=_("hộ gia đình"),
    )
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    provider = models.CharField(_("tổ chức cung ứng"), max_length=80)
    # The provider's own code for the account (not the account number): what its monthly report of
    # account use names each row by (economy.services.households.epayment_use_import_csv).
    reference = models.CharField(_("mã tài khoản của tổ chức cung ứng"), max_length=40)
    opened_on = models.DateField(_("ngày mở"))
    closed_on = models.DateField(_("ngày đóng"), null=True, blank=True)

    class Meta:
        verbose_name = _("tài khoản thanh toán điện tử")
        verbose_name_plural = _("tài khoản thanh toán điện tử")
        constraints = [
            models.UniqueConstraint(fields=["provider", "reference"], name="economy_account_unique_reference"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="economy_account_closed_after_opened",
            ),
        ]
        indexes = [models.Index(fields=["commune", "opened_on"]), models.Index(fields=["opened_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.provider} ({self.commune})"


class EpaymentProviderClient(models.Model):
    """Binds a machine client (core.api_clients.ApiClient, kind `economy.epayment_provider`) to the
    e-payment provider whose system it is: its reports of account use name only that provider's
    accounts (economy.services.households.epayment_use_report)."""

    client = models.OneToOneField(
        "api_clients.ApiClient", on_delete=models.PROTECT, related_name="epayment_provider_binding"
    )
    provider = models.CharField(_("tổ chức cung ứng"), max_length=80)

    class Meta:
        verbose_name = _("hệ thống của tổ chức cung ứng thanh toán")
        verbose_name_plural = _("hệ thống của tổ chức cung ứng thanh toán")

    def __str__(self):
        return f"{self.provider}: {self.client}"


class SoftAtmAgent(models.Model):
    """A soft-ATM agent point (điểm ATM mềm): deposit, withdraw and transfer at a shop in a remote
    commune instead of an ATM machine. Public business information."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang hoạt động")
        CLOSED = "closed", _("Đã ngừng")

    name = models.CharField(_("tên điểm"), max_length=200)
    commune = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, limit_choices_to=COMMUNES_2025, verbose_name=_("xã, phường")
    )
    address = models.CharField(_("địa chỉ"), max_length=250)
    bank = models.CharField(_("ngân hàng"), max_length=80)
    services = models.CharField(_("dịch vụ"), max_length=200, default="Nộp, rút, chuyển tiền")
    opened_on = models.DateField(_("ngày mở"))
    closed_on = models.DateField(_("ngày ngừng"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # Soft-ATM operation (issue 13): where, when, and the two ledger accounts the agent runs on.
    location = gis_models.PointField(_("vị trí"), srid=4326, null=True, blank=True)
    opens_at = models.TimeField(_("giờ mở cửa"), db_default=dt.time(7, 0))
    closes_at = models.TimeField(_("giờ đóng cửa"), db_default=dt.time(19, 0))
    # The agent's e-money at the bank (taken by cash-in, refilled by cash-out) and the cash in its drawer.
    float_account = models.OneToOneField(
        "economy.LedgerAccount", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cash_account = models.OneToOneField(
        "economy.LedgerAccount", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("điểm ATM mềm")
        verbose_name_plural = _("điểm ATM mềm")
        ordering = ["commune__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="active", closed_on__isnull=True) | Q(status="closed", closed_on__isnull=False),
                name="economy_agent_status_matches_closed_on",
            ),
        ]

    def __str__(self):
        return self.name

    def is_open_at(self, moment: dt.time) -> bool:
        return self.status == self.Status.ACTIVE and self.opens_at <= moment < self.closes_at


class ProductCategory(models.TextChoices):
    FRUIT = "fruit", _("Trái cây")
    SPICE = "spice", _("Gia vị, dược liệu")
    FOOD = "food", _("Thực phẩm chế biến")
    TEA = "tea", _("Chè, đồ uống")
    CRAFT = "craft", _("Thủ công mỹ nghệ")
    OTHER = "other", _("Khác")


class ShopProduct(models.Model):
    """A product a digital shop sells; local specialities (đặc sản) feed the public directory."""

    shop = models.ForeignKey(DigitalShop, on_delete=models.CASCADE, related_name="product_list")
    name = models.CharField(_("tên sản phẩm"), max_length=200)
    category = models.CharField(_("nhóm"), max_length=10, choices=ProductCategory.choices)
    is_local_specialty = models.BooleanField(_("đặc sản địa phương"), default=False)

    class Meta:
        verbose_name = _("sản phẩm")
        verbose_name_plural = _("sản phẩm")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["shop", "name"], name="economy_product_unique_per_shop")]

    def __str__(self):
        return self.name


class ShopMonthlySales(models.Model):
    """What a shop sold in a month (orders, revenue in VND), entered by the household or imported
    from the platform's CSV export. A shop is active when it sold in the last 30 days."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Hộ tự nhập")
        CSV = "csv", _("Nhập từ tệp của sàn")

    shop = models.ForeignKey(DigitalShop, on_delete=models.CASCADE, related_name="monthly_sales")
    month = models.DateField(_("tháng"), help_text=_("ngày đầu tháng"))
    orders = models.PositiveIntegerField(_("số đơn hàng"))
    revenue = models.BigIntegerField(_("doanh thu (VND)"))
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices)
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now=True)

    class Meta:
        verbose_name = _("doanh số tháng")
        verbose_name_plural = _("doanh số tháng")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "month"], name="economy_sales_unique_month"),
            models.CheckConstraint(condition=Q(revenue__gte=0), name="economy_sales_revenue_not_negative"),
            models.CheckConstraint(condition=Q(month__day=1), name="economy_sales_month_first_day"),
        ]
        indexes = [models.Index(fields=["month"], name="economy_sales_month_idx")]

    def __str__(self):
        return f"{self.shop} {self.month:%m/%Y}"


class EpaymentMonthlyUse(models.Model):
    """How many payments an e-payment account made in a month, as its provider reports it: an
    account counts as used when it made at least one in the last 30 days (issue 13's honest measure,
    instead of accounts merely opened)."""

    account = models.ForeignKey(EpaymentAccount, on_delete=models.CASCADE, related_name="monthly_use")
    month = models.DateField(_("tháng"), help_text=_("ngày đầu tháng"))
    transactions = models.PositiveIntegerField(_("số giao dịch"))
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now=True)

    class Meta:
        verbose_name = _("giao dịch tháng của tài khoản")
        verbose_name_plural = _("giao dịch tháng của tài khoản")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["account", "month"], name="economy_epayment_use_unique_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="economy_epayment_use_first_day"),
        ]
        indexes = [models.Index(fields=["month"], name="economy_epayment_use_month_idx")]

    def __str__(self):
        return f"{self.account_id} {self.month:%m/%Y}: {self.transactions}"
