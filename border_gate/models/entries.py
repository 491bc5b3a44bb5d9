"""The declaration (an Entry) and its journey: goods lines, versions (corrections), the steps the
forces decide and the yard events. State changes happen only in `border_gate/services/`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from border_gate.models.parties import Container, Driver, Enterprise, Vehicle
from border_gate.models.reference import (
    Crossing,
    Direction,
    GoodsType,
    Journey,
    Regime,
    StepDefinition,
    Yard,
)

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
