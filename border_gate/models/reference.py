"""Reference data of the border gate: crossings and their yards, the configurable steps of each
crossing's pipeline, and the choices every part shares (direction, regime, journey, goods)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.agencies.models import BorderForce


class Direction(models.TextChoices):
    EXPORT = "export", _("Xuất khẩu")
    IMPORT = "import", _("Nhập khẩu")


class Regime(models.TextChoices):
    """Customs regime of the trip: one axis of the Resolution 09/2025 fee grid."""

    EXPORT = "export", _("Xuất khẩu")
    IMPORT = "import", _("Nhập khẩu")
    TEMP_IMPORT_REEXPORT = "temp_import_reexport", _("Tạm nhập tái xuất")
    TRANSIT = "transit", _("Quá cảnh")
    BONDED = "bonded", _("Gửi kho ngoại quan")


class Journey(models.TextChoices):
    NORMAL = "normal", _("Thông thường")
    INLAND_IMPORT = "inland_import", _("Hàng nhập khẩu vận chuyển vào nội địa")
    WHARF_ONLY = "wharf_only", _("Chỉ sang tải tại bến bãi")


class GoodsType(models.TextChoices):
    FRESH_FRUIT = "fresh_fruit", _("Hoa quả tươi")
    FRESH_VEGETABLES = "fresh_vegetables", _("Rau củ tươi")
    FARM_OTHER = "farm_other", _("Nông sản khác")
    SEAFOOD = "seafood", _("Thủy sản")
    ANIMAL = "animal", _("Động vật, sản phẩm động vật")
    ORE = "ore", _("Quặng, khoáng sản")
    NEW_VEHICLE = "new_vehicle", _("Xe mới")
    GENERAL = "general", _("Hàng hóa khác")


# Goods types in the "farm goods" column of the fee grid (the only column with sourced amounts).
FARM_GOODS = frozenset(
    {GoodsType.FRESH_FRUIT, GoodsType.FRESH_VEGETABLES, GoodsType.FARM_OTHER, GoodsType.SEAFOOD, GoodsType.ANIMAL}
)


class Confidence(models.TextChoices):
    FOUND = "found", _("Có nguồn")
    INFERRED = "inferred", _("Suy luận")
    PLACEHOLDER = "placeholder", _("Tạm đặt, chờ quản trị viên xác nhận")


class Crossing(models.Model):
    code = models.SlugField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=120, blank=True)
    counterpart = models.CharField(_("cửa khẩu đối diện (Trung Quốc)"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    # Fallback throughput for waiting-time estimates while the crossing has no recent history.
    hourly_capacity = models.PositiveIntegerField(_("năng lực thông quan (xe/giờ)"), default=40)
    random_inspection_share = models.FloatField(
        _("tỷ lệ chọn ngẫu nhiên kiểm tra thực tế"),
        default=0.05,
        help_text=_("Tỷ lệ (0–1) xe luồng xanh/vàng được chọn ngẫu nhiên để kiểm tra thực tế."),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    source = models.TextField(_("nguồn"), blank=True)

    class Meta:
        verbose_name = _("cửa khẩu")
        verbose_name_plural = _("cửa khẩu")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(random_inspection_share__gte=0) & Q(random_inspection_share__lte=1),
                name="bg_crossing_inspection_share_0_1",
            )
        ]

    def __str__(self):
        return self.name


class Yard(models.Model):
    class Kind(models.TextChoices):
        HOLDING = "holding", _("Bãi chờ, điều tiết")
        INSPECTION = "inspection", _("Bãi kiểm hóa, sang tải")

    crossing = models.ForeignKey(Crossing, on_delete=models.PROTECT, related_name="yards", verbose_name=_("cửa khẩu"))
    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=150)
    operator = models.CharField(_("đơn vị vận hành"), max_length=150, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.INSPECTION)
    capacity = models.PositiveIntegerField(_("sức chứa (xe)"))
    confidence = models.CharField(_("độ tin cậy"), max_length=20, choices=Confidence.choices)
    source = models.TextField(_("nguồn"), blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("bãi xe")
        verbose_name_plural = _("bãi xe")
        ordering = ["crossing", "code"]

    def __str__(self):
        return self.name


class StepDefinition(models.Model):
    """One configurable step of a crossing's pipeline for one direction, owned by one force."""

    class Condition(models.TextChoices):
        ALWAYS = "always", _("Mọi xe")
        PLANT = "plant", _("Chỉ hàng thực vật")
        ANIMAL = "animal", _("Chỉ hàng động vật")

    class DataKind(models.TextChoices):
        NONE = "none", _("Không")
        YARD = "yard", _("Bãi xe")
        CERTIFICATE = "certificate", _("Số giấy chứng nhận")
        LANE = "lane", _("Phân luồng hải quan")
        RECEIPT = "receipt", _("Biên lai phí")

    crossing = models.ForeignKey(Crossing, on_delete=models.PROTECT, related_name="steps", verbose_name=_("cửa khẩu"))
    direction = models.CharField(_("chiều"), max_length=10, choices=Direction.choices)
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    code = models.SlugField(_("mã bước"), max_length=40)
    name = models.CharField(_("tên bước"), max_length=150)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=150, blank=True)
    # Most drivers on the import side read Chinese: their page names the steps in it.
    name_zh = models.CharField(_("tên tiếng Trung"), max_length=150, blank=True)
    force = models.CharField(_("lực lượng phụ trách"), max_length=30, choices=BorderForce.choices)
    condition = models.CharField(_("điều kiện"), max_length=10, choices=Condition.choices, default=Condition.ALWAYS)
    data_kind = models.CharField(_("dữ liệu ghi nhận"), max_length=15, choices=DataKind.choices, default="none")
    # The step that waits for the yard to call the truck (the barrier): its officers only see called trucks.
    requires_call = models.BooleanField(_("chỉ xe đã được gọi"), default=False)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("bước quy trình")
        verbose_name_plural = _("bước quy trình")
        ordering = ["crossing", "direction", "position"]
        constraints = [
            models.UniqueConstraint(fields=["crossing", "direction", "code"], name="bg_step_unique_code"),
            models.UniqueConstraint(fields=["crossing", "direction", "position"], name="bg_step_unique_position"),
        ]

    def __str__(self):
        return f"{self.position}. {self.name}"

    @property
    def display_name(self) -> str:
        """The step's name in the reader's language (Vietnamese when no translation is recorded)."""
        language = (get_language() or "vi").lower()
        if language.startswith("zh"):
            return self.name_zh or self.name_en or self.name
        if language.startswith("en"):
            return self.name_en or self.name
        return self.name
