"""Level-4 ("toàn trình") public services: the procedure catalogue (reference data) and the dossiers
citizens file against it. Dossiers move only through the named transitions in `services.py`."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    CIVIL_STATUS = "ho-tich", _("Hộ tịch")
    HOUSEHOLD_BUSINESS = "kinh-doanh", _("Hộ kinh doanh")
    ENTERPRISE = "doanh-nghiep", _("Thành lập và hoạt động doanh nghiệp")
    LAND = "dat-dai", _("Đất đai")
    CONSTRUCTION = "xay-dung", _("Xây dựng")
    SOCIAL = "xa-hoi", _("Bảo trợ xã hội")
    JUDICIAL = "tu-phap", _("Lý lịch tư pháp")


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) as published in the national database.
    Loaded from `government/reference/procedures-*.json`; never edited by hand in production."""

    class Level(models.TextChoices):
        FULL = "toan_trinh", _("Toàn trình")
        PARTIAL = "mot_phan", _("Một phần")

    class Scope(models.TextChoices):
        # Commune procedures are handled by the applicant's own commune People's Committee.
        COMMUNE = "commune", _("UBND xã, phường nơi cư trú")
        AGENCY = "agency", _("Cơ quan cấp tỉnh")

    code = models.CharField(_("mã thủ tục"), max_length=30, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    topic = models.CharField(_("lĩnh vực"), max_length=30, choices=Topic.choices, db_index=True)
    level = models.CharField(_("mức độ"), max_length=20, choices=Level.choices)
    scope = models.CharField(_("cơ quan giải quyết"), max_length=20, choices=Scope.choices)
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedures",
        verbose_name=_("cơ quan cấp tỉnh"),
    )
    processing_days = models.PositiveSmallIntegerField(
        _("thời hạn giải quyết (ngày làm việc)"),
        help_text=_("0 = trong ngày (nhận sau 15 giờ: ngày làm việc tiếp theo)"),
    )
    fee_base = models.PositiveIntegerField(_("lệ phí (đồng)"), default=0)
    fee_per_unit = models.PositiveIntegerField(_("lệ phí theo đơn vị (đồng)"), default=0)
    fee_unit_field = models.CharField(_("trường số lượng"), max_length=50, blank=True)
    fee_note = models.TextField(_("ghi chú lệ phí"), blank=True)
    result_name = models.CharField(_("kết quả"), max_length=300)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    form_fields = models.JSONField(_("trường của tờ khai"), default=list)
    steps = models.JSONField(_("các bước xử lý"), default=list)
    confidence = models.JSONField(_("độ tin cậy của dữ liệu"), default=dict)
    sources = models.JSONField(_("nguồn"), default=list)
    data_version = models.CharField(_("phiên bản dữ liệu"), max_length=20)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["topic", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="commune", agency__isnull=True) | Q(scope="agency", agency__isnull=False),
                name="gov_procedure_scope_agency",
            ),
            models.CheckConstraint(
                condition=Q(fee_per_unit=0) | ~Q(fee_unit_field=""), name="gov_procedure_fee_unit_field"
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.name}"

    @property
    def display_name(self) -> str:
        """The name in the reader's language: the official Vietnamese name, or its English rendering
        for English pages when the reference data has one. PDFs keep the official name."""
        if self.name_en and get_language() == "en":
            return self.name_en
        return self.name

    @property
    def is_free(self) -> bool:
        return self.fee_base == 0 and self.fee_per_unit == 0

    @property
    def fee_confirmed(self) -> bool:
        """The fee is confirmed for Lạng Sơn only when its source is official ("F"; see
        government/reference/SOURCES.md): F3 and I amounts are another province's or inferred."""
        return (self.confidence or {}).get("fee") == "F"

    @property
    def is_same_day(self) -> bool:
        return self.processing_days == 0


class ProcedureDocument(models.Model):
    """One component of a procedure's dossier (thành phần hồ sơ) with the files it accepts."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    code = models.SlugField(_("mã"), max_length=60)
    name = models.CharField(_("tên giấy tờ"), max_length=300)
    required = models.BooleanField(_("bắt buộc"), default=True)
    accepted_types = models.JSONField(_("định dạng chấp nhận"), default=list)  # ["pdf", "jpg", "png"]
    max_size_mb = models.PositiveSmallIntegerField(_("dung lượng tối đa (MB)"), default=5)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["procedure", "position"]
        constraints = [models.UniqueConstraint(fields=["procedure", "code"], name="gov_document_unique_code")]

    def __str__(self):
        return self.name

    @property
    def max_size_bytes(self) -> int:
        return self.max_size_mb * 1024 * 1024


class CalendarOverride(models.Model):
    """The government's yearly schedule on top of the `holidays` package: extra days off and
    make-up working days (a Saturday worked in exchange for a bridge day)."""

    class Kind(models.TextChoices):
        OFF = "off", _("Ngày nghỉ")
        WORK = "work", _("Ngày làm bù")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=200)
    source = models.TextField(_("nguồn"), blank=True)
    confidence = models.CharField(_("độ tin cậy"), max_length=5, blank=True)

    class Meta:
        verbose_name = _("lịch nghỉ, làm bù")
        verbose_name_plural = _("lịch nghỉ, làm bù")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()} — {self.name}"


class Dossier(models.Model):
    """A citizen's (or a business's) dossier for one procedure: a draft, then a code, a deadline and
    a path through the one-stop desk, the specialist and the leader to a signed electronic result."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        AWAITING_PAYMENT = "awaiting_payment", _("Chờ nộp lệ phí")
        RECEPTION = "reception", _("Chờ tiếp nhận")
        PROCESSING = "processing", _("Đang thẩm định")
        SUPPLEMENT = "supplement", _("Chờ bổ sung hồ sơ")
        APPROVAL = "approval", _("Chờ lãnh đạo phê duyệt")
        APPROVED = "approved", _("Đã phê duyệt, chờ trả kết quả")
        COMPLETED = "completed", _("Đã trả kết quả")
        REJECTED = "rejected", _("Từ chối giải quyết")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Trực tuyến")
        IN_PERSON = "in_person", _("Trực tiếp")
        POSTAL = "postal", _("Bưu chính")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True, null=True, blank=True)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="dossiers")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="dossiers")
    # The commune the dossier counts for on the operations-centre map.
    admin_unit = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers"
    )
    # As filed (the person may later change their account); the public lookup matches the last
    # four digits of this number and shows nothing personal.
    applicant_name = models.CharField(_("người nộp"), max_length=150)
    applicant_id_number = models.CharField(_("số CCCD người nộp"), max_length=12, blank=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=15, blank=True)
    applicant_email = models.EmailField(_("email"), blank=True)
    channel = models.CharField(_("hình thức nộp"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    data = models.JSONField(_("nội dung tờ khai"), default=dict, blank=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Double-submitting the "new dossier" form returns the same draft.
    client_token = models.UUIDField(null=True, blank=True, editable=False)

    fee_amount = models.PositiveIntegerField(_("lệ phí (đồng)"), default=0)
    paid_at = models.DateTimeField(_("thời điểm nộp lệ phí"), null=True, blank=True)
    paid_online = models.BooleanField(_("thanh toán trực tuyến"), default=False)
    payment_reference = models.CharField(_("mã thanh toán"), max_length=60, blank=True)

    submitted_at = models.DateTimeField(_("thời điểm nộp"), null=True, blank=True)
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    # The appointment date (ngày hẹn trả); moves forward by the working days spent waiting for
    # the citizen's supplements. On-time is judged against it.
    due_date = models.DateField(_("ngày hẹn trả"), null=True, blank=True, db_index=True)
    first_due_date = models.DateField(_("ngày hẹn trả ban đầu"), null=True, blank=True)
    # A new appointment promised by an apology slip (Mẫu 04); does not make a late dossier on time.
    rescheduled_due_date = models.DateField(_("ngày hẹn lại"), null=True, blank=True)
    paused_since = models.DateTimeField(_("tạm dừng tính thời hạn từ"), null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(_("số ngày làm việc tạm dừng"), default=0)
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    finished_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True, db_index=True)
    is_digitised = models.BooleanField(_("đã số hóa"), default=True)

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_dossiers",
        verbose_name=_("người đang xử lý"),
    )
    rejection_reason = models.TextField(_("lý do từ chối"), blank=True)
    result_document = models.ForeignKey(
        "signing.SignedDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kết quả điện tử"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-created_at"]
        permissions = [("approve_dossier", _("Phê duyệt hồ sơ thủ tục hành chính (lãnh đạo cơ quan)"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(code__isnull=False), name="gov_dossier_code_when_filed"
            ),
            models.UniqueConstraint(
                fields=["applicant", "client_token"],
                condition=Q(client_token__isnull=False),
                name="gov_dossier_unique_client_token",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["applicant", "-created_at"]),
            models.Index(fields=["received_at"]),
            models.Index(fields=["admin_unit", "received_at"]),
        ]

    def __str__(self):
        return self.code or str(_("Bản nháp {name}")).format(name=self.procedure.name)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.COMPLETED, self.Status.REJECTED)


OPEN_STATUSES = (
    Dossier.Status.RECEPTION,
    Dossier.Status.PROCESSING,
    Dossier.Status.SUPPLEMENT,
    Dossier.Status.APPROVAL,
    Dossier.Status.APPROVED,
)


class DossierEvent(models.Model):
    """The dossier's history of steps, shown to the applicant and (without notes or names) on the
    public lookup. The audit log keeps the legal record; this is the readable timeline."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(_("hành động"), max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=Dossier.Status.choices)
    note = models.TextField(_("ghi chú"), blank=True)
    # The applicant's notification of this step is recorded after the step commits, by a Celery
    # task (government.tasks.notify_dossier_event), not inside the citizen's or official's request.
    # True until that task has recorded it; the beat job requeue_dossier_notifications re-enqueues
    # what stays True (a lost broker message). A database default, so rows written by SQL (demo
    # history) are not waiting for anything.
    notify_pending = models.BooleanField(default=False, db_default=False)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["dossier", "at"]),
            models.Index(fields=["at"], condition=Q(notify_pending=True), name="dossierevent_notify_idx"),
        ]

    def __str__(self):
        return f"{self.dossier_id} {self.verb} → {self.to_status}"

    @property
    def citizen_note(self) -> str:
        """The note as the applicant may see it: only what was written for them (a supplement
        request, a refusal, an apology, their own answer, the payment reference); the notes an
        official adds when forwarding or approving are internal."""
        return self.note if self.verb in CITIZEN_NOTE_VERBS else ""


# The one definition of which steps' notes reach the applicant (pages, API, notifications).
CITIZEN_NOTE_VERBS = frozenset({"paid", "request_supplement", "supplement", "reject", "apologise"})


class DossierCounter(models.Model):
    """The daily sequence of dossier codes per receiving agency. One row per agency and day, bumped
    with `INSERT … ON CONFLICT DO UPDATE` inside the submitting transaction: the row stays locked
    until commit, so numbers are unique and, since a rolled-back submission rolls the bump back
    too, without gaps."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="gov_counter_unique_agency_day")]

    def __str__(self):
        return f"{self.agency_id} {self.day}: {self.last}"


def dossier_file_path(instance, filename):
    # Never the user's file name on disk: it may be anything.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"government/dossiers/{instance.dossier.uid}/{uuid.uuid4().hex}.{ext}"


class SupplementRequest(models.Model):
    """A request for more documents (Mẫu 02). The deadline clock pauses from `requested_at` until
    the citizen answers; the working days in between move the appointment date."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="supplement_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    reason = models.TextField(_("nội dung cần bổ sung"))
    resume_status = models.CharField(max_length=20)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = models.TextField(_("ghi chú của người nộp"), blank=True)
    paused_working_days = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self):
        return self.reason[:80]


class DossierFile(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files")
    document = models.ForeignKey(ProcedureDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    supplement = models.ForeignKey(
        SupplementRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="files"
    )
    file = models.FileField(upload_to=dossier_file_path, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    mime_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class ApologySlip(models.Model):
    """Văn bản xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04, Circular 03/2025/TT-VPCP)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="apologies")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    reason = models.TextField(_("lý do chậm"))
    previous_due_date = models.DateField()
    new_due_date = models.DateField(_("ngày hẹn trả mới"))

    class Meta:
        ordering = ["issued_at", "id"]

    def __str__(self):
        return f"{self.dossier_id} → {self.new_due_date}"


class DossierRating(models.Model):
    """The applicant's satisfaction after the result (the three levels of the national portal)."""

    class Score(models.IntegerChoices):
        UNSATISFIED = 1, _("Không hài lòng")
        SATISFIED = 2, _("Hài lòng")
        VERY_SATISFIED = 3, _("Rất hài lòng")

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("mức độ hài lòng"), choices=Score.choices)
    comment = models.TextField(_("góp ý"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=3), name="gov_rating_score_range")]

    def __str__(self):
        return self.get_score_display()
