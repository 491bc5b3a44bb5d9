from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class AdministrativeUnit(models.Model):
    """A province, district or commune-level unit, in the 2025 two-tier structure or the legacy one.

    Historical records keep the unit they were made in; `successors` maps a legacy commune to the
    2025 commune(s) that absorbed it. Loaded by `manage.py load_reference_data` from the
    `vietnam-provinces` package, never typed by hand.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh")
        DISTRICT = "district", _("Huyện")
        COMMUNE = "commune", _("Xã")

    class Structure(models.TextChoices):
        CURRENT = "2025", _("Từ 01/7/2025")
        LEGACY = "legacy", _("Trước 01/7/2025")

    code = models.PositiveIntegerField(_("mã"))
    # Sorted the Vietnamese way (ICU: "Đ" after "D", "Â" after "Ă" after "A", "Ư" after "U"),
    # not by byte order, which puts every name starting with Đ, Â or Ư after "Z". Every
    # `order_by("name")` of communes inherits it from the column.
    name = models.CharField(_("tên"), max_length=120, db_collation="vi-x-icu")
    division_type = models.CharField(_("loại"), max_length=40)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    structure = models.CharField(_("cấu trúc"), max_length=10, choices=Structure.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("cấp trên")
    )
    successors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="predecessors", verbose_name=_("đơn vị kế thừa")
    )
    geometry = models.MultiPolygonField(_("ranh giới"), srid=4326, null=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["structure", "level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "level", "code"], name="geo_unit_unique_code"),
        ]
        indexes = [models.Index(fields=["structure", "level"])]

    def __str__(self):
        return self.name
