from django.db import models
from django.utils.translation import gettext_lazy as _


class BorderForce(models.TextChoices):
    """The ten functional forces working at every border crossing."""

    BORDER_GUARD = "border_guard", _("Bộ đội Biên phòng")
    CUSTOMS = "customs", _("Hải quan")
    TRAFFIC_POLICE = "traffic_police", _("Cảnh sát giao thông")
    TAX = "tax", _("Thuế")
    PLANT_QUARANTINE = "plant_quarantine", _("Kiểm dịch thực vật")
    ANIMAL_QUARANTINE = "animal_quarantine", _("Kiểm dịch động vật")
    HEALTH_QUARANTINE = "health_quarantine", _("Kiểm dịch y tế")
    GATE_BOARD = "gate_board", _("Ban Quản lý cửa khẩu")
    MARKET_SURVEILLANCE = "market_surveillance", _("Quản lý thị trường")
    IMMIGRATION = "immigration", _("Công an cửa khẩu (Quản lý xuất nhập cảnh)")


class Agency(models.Model):
    """A public body: a provincial department, a commune People's Committee, a party committee or
    one of the ten forces at a border crossing. Reference data from `core/reference/agencies*.json`."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("UBND tỉnh")
        DEPARTMENT = "department", _("Sở, ngành tỉnh")
        COMMUNE = "commune", _("UBND xã, phường")
        PARTY = "party", _("Cơ quan Đảng")
        BORDER_FORCE = "border_force", _("Lực lượng tại cửa khẩu")
        OTHER = "other", _("Khác")

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    short_name = models.CharField(_("tên viết tắt"), max_length=80, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("cơ quan cấp trên"),
    )
    admin_unit = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("địa bàn")
    )
    force = models.CharField(_("lực lượng"), max_length=30, choices=BorderForce.choices, blank=True)
    # A reference by code, not a foreign key: crossings belong to the border_gate pillar and core
    # imports no pillar.
    crossing_code = models.CharField(_("mã cửa khẩu"), max_length=30, blank=True, db_index=True)
    # Identifier per QCVN 102:2016/BTTTT used as the prefix of dossier codes (Circular 01/2018 art. 19).
    unit_identifier = models.CharField(_("mã định danh"), max_length=40, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="border_force") | ~models.Q(force="") & ~models.Q(crossing_code=""),
                name="agency_border_force_has_force_and_crossing",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the reader's language (English pages, when the reference data has one)."""
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name
