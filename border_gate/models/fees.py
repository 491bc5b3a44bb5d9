"""Infrastructure fees: tariffs, vehicle classes, rates and multipliers (reference data with sources)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from border_gate.models.reference import Confidence, Regime


class FeeTariff(models.Model):
    code = models.CharField(_("văn bản"), max_length=60, unique=True)
    title = models.CharField(_("tên"), max_length=300)
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    source = models.TextField(_("nguồn"), blank=True)

    class Meta:
        verbose_name = _("biểu phí hạ tầng")
        verbose_name_plural = _("biểu phí hạ tầng")
        ordering = ["-effective_from"]

    def __str__(self):
        return self.code


class FeeVehicleClass(models.Model):
    """A column of the fee grid: a weight band, or a container size (which takes precedence)."""

    code = models.SlugField(max_length=30, unique=True)
    label = models.CharField(_("nhãn"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    min_weight_kg = models.PositiveIntegerField(null=True, blank=True)
    max_weight_kg = models.PositiveIntegerField(null=True, blank=True, help_text=_("không bao gồm"))
    container_size_ft = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("hạng xe tính phí")
        verbose_name_plural = _("hạng xe tính phí")
        ordering = ["position"]

    def __str__(self):
        return self.label


class FeeRate(models.Model):
    class GoodsGroup(models.TextChoices):
        FARM = "farm", _("Nông sản, thực phẩm tươi")
        OTHER = "other", _("Hàng hóa khác")

    tariff = models.ForeignKey(FeeTariff, on_delete=models.CASCADE, related_name="rates")
    regime = models.CharField(_("loại hình"), max_length=25, choices=Regime.choices)
    goods_group = models.CharField(_("nhóm hàng"), max_length=10, choices=GoodsGroup.choices)
    vehicle_class = models.ForeignKey(FeeVehicleClass, on_delete=models.PROTECT, related_name="rates")
    amount_vnd = models.PositiveIntegerField(_("mức thu (VND/lượt)"))
    confidence = models.CharField(_("độ tin cậy"), max_length=20, choices=Confidence.choices)
    source = models.CharField(_("nguồn"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("mức phí")
        verbose_name_plural = _("mức phí")
        constraints = [
            models.UniqueConstraint(fields=["tariff", "regime", "goods_group", "vehicle_class"], name="bg_rate_unique")
        ]

    def __str__(self):
        return f"{self.regime}/{self.goods_group}/{self.vehicle_class_id}: {self.amount_vnd}"


class FeeMultiplier(models.Model):
    class Code(models.TextChoices):
        ORE = "ore", _("Quặng (xuất khẩu thông thường)")
        INLAND_IMPORT = "inland_import", _("Hàng nhập khẩu vận chuyển vào nội địa")
        WHARF_ONLY = "wharf_only", _("Chỉ sang tải tại bến bãi")

    tariff = models.ForeignKey(FeeTariff, on_delete=models.CASCADE, related_name="multipliers")
    code = models.CharField(max_length=20, choices=Code.choices)
    factor = models.DecimalField(_("hệ số"), max_digits=5, decimal_places=2)
    confidence = models.CharField(_("độ tin cậy"), max_length=20, choices=Confidence.choices)
    source = models.CharField(_("nguồn"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("hệ số phí")
        verbose_name_plural = _("hệ số phí")
        constraints = [
            models.UniqueConstraint(fields=["tariff", "code"], name="bg_multiplier_unique"),
            models.CheckConstraint(condition=Q(factor__gt=0), name="bg_multiplier_positive"),
        ]

    def __str__(self):
        return f"{self.code} × {self.factor}"
