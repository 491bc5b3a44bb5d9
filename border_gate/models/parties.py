"""Who and what crosses: enterprises and their members, drivers, vehicles and containers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Enterprise(models.Model):
    tax_code = models.CharField(_("mã số thuế"), max_length=14, unique=True)
    name = models.CharField(_("tên doanh nghiệp"), max_length=200)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=15, blank=True)
    is_verified = models.BooleanField(_("đã xác minh"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="EnterpriseMember", related_name="border_enterprises"
    )

    class Meta:
        verbose_name = _("doanh nghiệp")
        verbose_name_plural = _("doanh nghiệp")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.tax_code})"


class EnterpriseMember(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="border_memberships")
    is_manager = models.BooleanField(_("quản lý tài khoản"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nhân viên doanh nghiệp")
        verbose_name_plural = _("nhân viên doanh nghiệp")
        constraints = [models.UniqueConstraint(fields=["enterprise", "user"], name="bg_member_unique")]

    def __str__(self):
        return f"{self.user} @ {self.enterprise}"


class Driver(models.Model):
    class IdKind(models.TextChoices):
        CCCD = "cccd", _("Căn cước công dân")
        PASSPORT = "passport", _("Hộ chiếu")

    full_name = models.CharField(_("họ và tên"), max_length=150)
    id_kind = models.CharField(_("loại giấy tờ"), max_length=10, choices=IdKind.choices)
    id_number = models.CharField(_("số giấy tờ"), max_length=20)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    licence_number = models.CharField(_("số giấy phép lái xe"), max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lái xe")
        verbose_name_plural = _("lái xe")
        constraints = [models.UniqueConstraint(fields=["id_kind", "id_number"], name="bg_driver_unique_id")]

    def __str__(self):
        return f"{self.full_name} ({self.id_number})"


class Vehicle(models.Model):
    class PlateKind(models.TextChoices):
        VIETNAM = "vn", _("Biển số Việt Nam")
        FOREIGN = "foreign", _("Biển số nước ngoài")

    plate_kind = models.CharField(_("loại biển"), max_length=10, choices=PlateKind.choices)
    country = models.CharField(_("quốc gia"), max_length=2, default="VN")
    # Compact form used for lookups ("12C12345"); the display form keeps the official punctuation.
    plate = models.CharField(_("biển số (chuẩn hóa)"), max_length=16)
    plate_display = models.CharField(_("biển số"), max_length=24)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phương tiện")
        verbose_name_plural = _("phương tiện")
        constraints = [
            models.UniqueConstraint(fields=["country", "plate"], name="bg_vehicle_unique_plate"),
            models.CheckConstraint(
                condition=Q(plate_kind="vn", country="VN") | (Q(plate_kind="foreign") & ~Q(country="VN")),
                name="bg_vehicle_kind_matches_country",
            ),
        ]

    def __str__(self):
        return self.plate_display


class Container(models.Model):
    number = models.CharField(_("số container (ISO 6346)"), max_length=11, unique=True)
    size_ft = models.PositiveSmallIntegerField(_("cỡ (feet)"), choices=[(20, "20'"), (40, "40'"), (45, "45'")])

    class Meta:
        verbose_name = _("container")
        verbose_name_plural = _("container")

    def __str__(self):
        return self.number
