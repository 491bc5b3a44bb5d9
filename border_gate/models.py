"""The digital border gate: crossings and yards, enterprises, drivers, vehicles, containers, the
declaration (an Entry) and its pipeline of steps owned by the ten forces, fees, API keys and the
daily report.

State changes happen only in `border_gate/services/` (named transitions, audited); these models
hold data and database constraints, never behaviour with side effects.
"""

from django.conf import settings
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


# The languages a driver's page and SMS are offered in, each named in its own language. Most
# drivers on the import side read Chinese.
DRIVER_LANGUAGES = (("vi", "Tiếng Việt"), ("en", "English"), ("zh-hans", "中文（简体）"))


class Entry(models.Model):
    """A truck's declaration and its journey through the crossing. `status` and `current_step`
    change only through `border_gate/services/transitions.py`."""

    class Status(models.TextChoices):
        DECLARED = "declared", _("Đã khai báo, chưa đến")
        IN_PROGRESS = "in_progress", _("Đang làm thủ tục")
        HELD = "held", _("Tạm dừng")
        REJECTED = "rejected", _("Bị từ chối")
        CROSSED = "crossed", _("Đã qua cửa khẩu")
        EXPIRED = "expired", _("Hết hạn (xe không đến)")
        CANCELLED = "cancelled", _("Đã hủy")

    OPEN_STATUSES = (Status.DECLARED, Status.IN_PROGRESS, Status.HELD)

    class Lane(models.TextChoices):
        GREEN = "green", _("Luồng xanh")
        YELLOW = "yellow", _("Luồng vàng")
        RED = "red", _("Luồng đỏ")

    code = models.CharField(_("mã khai báo"), max_length=20, unique=True)
    token = models.CharField(max_length=48, unique=True, editable=False)
    # Set by the declaration form: the same form submitted twice yields the same entry.
    submission_key = models.CharField(max_length=64, blank=True, editable=False)
    crossing = models.ForeignKey(Crossing, on_delete=models.PROTECT, related_name="entries", verbose_name=_("cửa khẩu"))
    direction = models.CharField(_("chiều"), max_length=10, choices=Direction.choices)
    regime = models.CharField(_("loại hình"), max_length=25, choices=Regime.choices)
    journey = models.CharField(_("hành trình"), max_length=20, choices=Journey.choices, default=Journey.NORMAL)
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("doanh nghiệp"),
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="entries", verbose_name=_("xe"))
    trailer = models.ForeignKey(
        Vehicle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trailer_entries",
        verbose_name=_("rơ moóc"),
    )
    containers = models.ManyToManyField(Container, blank=True, related_name="entries", verbose_name=_("container"))
    driver = models.ForeignKey(Driver, on_delete=models.PROTECT, related_name="entries", verbose_name=_("lái xe"))
    # The driver's details as declared for this trip (the Driver row is the registry; corrections
    # to a trip must not rewrite other trips).
    driver_name = models.CharField(_("họ tên lái xe"), max_length=150)
    driver_id_number = models.CharField(_("số giấy tờ lái xe"), max_length=20)
    driver_phone = models.CharField(_("điện thoại lái xe"), max_length=20)
    driver_language = models.CharField(_("ngôn ngữ của lái xe"), max_length=8, choices=DRIVER_LANGUAGES, default="vi")
    driver_licence = models.CharField(_("giấy phép lái xe"), max_length=20, blank=True)
    health_symptoms = models.BooleanField(_("có triệu chứng bệnh"), default=False)
    health_note = models.CharField(_("thông tin sức khỏe"), max_length=300, blank=True)
    expected_arrival = models.DateTimeField(_("dự kiến đến"))
    customs_declaration_number = models.CharField(_("số tờ khai hải quan"), max_length=12, blank=True)

    status = models.CharField(_("trạng thái"), max_length=15, choices=Status.choices, default=Status.DECLARED)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    current_step = models.ForeignKey(
        "EntryStep", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("bước hiện tại")
    )
    current_yard = models.ForeignKey(
        Yard, on_delete=models.PROTECT, null=True, blank=True, related_name="entries_inside", verbose_name=_("bãi")
    )
    # Derived from the goods at declaration/correction (queue priority, conditional steps, report).
    perishable = models.BooleanField(_("hàng dễ hư hỏng"), default=False)
    is_fruit = models.BooleanField(_("hoa quả"), default=False)
    needs_plant_quarantine = models.BooleanField(default=False)
    needs_animal_quarantine = models.BooleanField(default=False)
    total_weight_kg = models.PositiveIntegerField(_("tổng khối lượng (kg)"), default=0)

    lane = models.CharField(_("luồng"), max_length=10, choices=Lane.choices, blank=True)
    inspection_required = models.BooleanField(_("phải kiểm tra thực tế"), default=False)
    inspection_random = models.BooleanField(_("được chọn ngẫu nhiên"), default=False)

    fee_amount = models.PositiveIntegerField(_("phí hạ tầng (VND)"), null=True, blank=True)
    fee_uses_placeholder = models.BooleanField(default=False)
    fee_payment_reference = models.CharField(max_length=64, blank=True)
    fee_receipt_number = models.CharField(_("số biên lai"), max_length=64, blank=True)
    fee_paid_at = models.DateTimeField(null=True, blank=True)
    # What was settled (online payment or the counter's receipt): a correction after payment may
    # raise the fee above it, and then the fee step does not pass until the difference is collected.
    fee_paid_amount = models.PositiveIntegerField(_("phí đã nộp (VND)"), null=True, blank=True)

    arrived_at = models.DateTimeField(_("đến lúc"), null=True, blank=True)
    called_at = models.DateTimeField(_("được gọi lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("khai báo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lượt xe")
        verbose_name_plural = _("lượt xe")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["crossing", "direction", "status"]),
            models.Index(fields=["status", "expected_arrival"]),
            models.Index(fields=["crossing", "closed_at"]),
            # Board and driver pages: calls of the last hours per crossing and direction (waiting
            # time, call rate), and trucks cleared today over all crossings — without scanning the
            # year of closed history.
            models.Index(fields=["crossing", "direction", "called_at"], name="bg_entry_called"),
            models.Index(fields=["closed_at"], name="bg_entry_crossed_at", condition=Q(status="crossed")),
            # The yard queue: open, arrived, not yet called, perishables first then by arrival.
            models.Index(
                fields=["crossing", "direction", "-perishable", "arrived_at"],
                name="bg_entry_queue",
                condition=Q(status__in=["in_progress", "held"], called_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["declared_by", "submission_key"],
                condition=~Q(submission_key=""),
                name="bg_entry_unique_submission",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["crossed", "rejected", "expired", "cancelled"], closed_at__isnull=False)
                | Q(status__in=["declared", "in_progress", "held"], closed_at__isnull=True),
                name="bg_entry_closed_iff_final",
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def fee_settled(self) -> bool:
        """The fee now due has been paid in full (a lower amount paid before a re-pricing is not)."""
        return self.fee_paid_at is not None and (self.fee_paid_amount or 0) >= (self.fee_amount or 0)


class GoodsLine(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="goods")
    line_no = models.PositiveSmallIntegerField()
    hs_code = models.CharField(_("mã HS"), max_length=10)
    description = models.CharField(_("mô tả hàng hóa"), max_length=300)
    goods_type = models.CharField(_("nhóm hàng"), max_length=20, choices=GoodsType.choices)
    weight_kg = models.PositiveIntegerField(_("khối lượng (kg)"))
    value_vnd = models.PositiveBigIntegerField(_("trị giá khai báo (VND)"))
    perishable = models.BooleanField(_("dễ hư hỏng"), default=False)

    class Meta:
        verbose_name = _("dòng hàng")
        verbose_name_plural = _("dòng hàng")
        ordering = ["entry", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "line_no"], name="bg_goods_unique_line"),
            models.CheckConstraint(condition=Q(weight_kg__gt=0), name="bg_goods_weight_positive"),
        ]

    def __str__(self):
        return f"{self.line_no}. {self.description} ({self.hs_code})"


class EntryVersion(models.Model):
    """Version 1 is the declaration; each correction adds one, with who, when, why and the diff."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    changes = models.JSONField(default=dict, blank=True)  # {field: [old, new]}
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    author_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "number"]
        constraints = [models.UniqueConstraint(fields=["entry", "number"], name="bg_version_unique")]

    def __str__(self):
        return f"{self.entry_id} v{self.number}"


# How the values a decision records (EntryStep.data) are named on officers' pages: labels, never
# the raw keys the services store.
STEP_DATA_LABELS = {
    "note": _("Ghi chú"),
    "yard": _("Bãi"),
    "certificate_number": _("Số giấy chứng nhận"),
    "inspection_result": _("Kết quả kiểm tra thực tế"),
    "receipt_number": _("Số biên lai thu phí"),
    "amount": _("Số tiền"),
    "online": _("Thanh toán trực tuyến"),
    "lane": _("Phân luồng"),
}


class EntryStep(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xử lý")
        TAKEN = "taken", _("Đang xử lý")
        PASSED = "passed", _("Đạt")
        HELD = "held", _("Tạm dừng")
        REJECTED = "rejected", _("Từ chối")
        SKIPPED = "skipped", _("Không áp dụng")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="steps")
    step = models.ForeignKey(StepDefinition, on_delete=models.PROTECT, related_name="entry_steps")
    position = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # True on the entry's first undecided step: the only step anybody may act on (kept by services;
    # denormalised so the officers' queues are one indexed lookup).
    is_current = models.BooleanField(default=False)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    taken_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_by_label = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["entry", "position"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "step"], name="bg_entrystep_unique"),
            models.UniqueConstraint(fields=["entry", "position"], name="bg_entrystep_unique_position"),
            models.UniqueConstraint(fields=["entry"], condition=Q(is_current=True), name="bg_entrystep_one_current"),
            # A decision is recorded once: a passed/rejected step always has its time.
            models.CheckConstraint(
                condition=~Q(status__in=["passed", "rejected"]) | Q(decided_at__isnull=False),
                name="bg_entrystep_decided_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["step", "status"]),
            # The officers' queues: the current steps at one step definition by status — take next
            # (pending, SKIP LOCKED), the queue page (pending/held/taken) and its counts.
            models.Index(fields=["step", "status"], name="bg_entrystep_current", condition=Q(is_current=True)),
        ]

    def __str__(self):
        return f"{self.entry_id}/{self.step_id}: {self.status}"

    def data_items(self) -> list[tuple[str, object]]:
        """The recorded values as (label, value) pairs for officers' pages, in a stable order."""
        out = []
        for key, value in (self.data or {}).items():
            if value in ("", None):
                continue
            if key == "online":
                value = _("Có") if value else _("Không")
            out.append((str(STEP_DATA_LABELS.get(key, key)), value))
        return out


class YardEvent(models.Model):
    class Kind(models.TextChoices):
        IN = "in", _("Vào bãi")
        OUT = "out", _("Ra bãi")

    yard = models.ForeignKey(Yard, on_delete=models.PROTECT, related_name="events")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="yard_events")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    at = models.DateTimeField()
    source = models.CharField(max_length=120)
    external_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        constraints = [
            # A yard system retrying the same event must not record it twice.
            models.UniqueConstraint(
                fields=["yard", "external_id"], condition=~Q(external_id=""), name="bg_yardevent_unique_external"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.yard_id} {self.at:%Y-%m-%d %H:%M}"


class ClientBinding(models.Model):
    """What a machine client of the border gate may see: the client itself (its keys, services,
    rate limit and call log) is core's (core.api_clients.ApiClient, ADR 1603); this row binds it to
    one crossing and its organisation (border_gate.selectors.entries_for_client): an enterprise's
    system reads its own trucks only; a yard operator's reads the trucks at its yards and posts
    events for those yards only; the customs system reads the crossing and posts lanes."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Hệ thống của doanh nghiệp")
        YARD_OPERATOR = "yard_operator", _("Đơn vị vận hành bãi")
        CUSTOMS = "customs", _("Hệ thống hải quan")

    client = models.OneToOneField("api_clients.ApiClient", on_delete=models.PROTECT, related_name="border_gate_binding")
    kind = models.CharField(_("loại khóa"), max_length=20, choices=Kind.choices)
    crossing = models.ForeignKey(Crossing, on_delete=models.PROTECT, related_name="client_bindings")
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="client_bindings",
        verbose_name=_("doanh nghiệp"),
    )
    yards = models.ManyToManyField(Yard, blank=True, related_name="client_bindings", verbose_name=_("bãi"))

    class Meta:
        verbose_name = _("phạm vi hệ thống kết nối")
        verbose_name_plural = _("phạm vi hệ thống kết nối")
        constraints = [
            # An enterprise's client names its enterprise, and only an enterprise's client does.
            models.CheckConstraint(
                condition=Q(kind="enterprise", enterprise__isnull=False) | (~Q(kind="enterprise") & Q(enterprise=None)),
                name="bg_binding_enterprise_iff_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.crossing_id}"


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


class DailyReport(models.Model):
    """The 20:00 report of the Border Gate Economic Zone Management Board, kept per day."""

    date = models.DateField(_("ngày"), unique=True)
    data = models.JSONField()
    generated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("báo cáo ngày")
        verbose_name_plural = _("báo cáo ngày")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y}"
