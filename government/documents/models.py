"""Documents and direction under Decree 30/2020/NĐ-CP on administrative documents (công tác văn thư).

One `Document` table holds both books of an agency — incoming (văn bản đến) and outgoing (văn bản
đi) — so one full-text index answers a search over both (ADR 1601). Each direction has its own
explicit state machine (services/); `status` is never edited freely.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    """Types of administrative documents and their abbreviations (Decree 30/2020, Appendix III)."""

    RESOLUTION = "NQ", _("Nghị quyết")
    DECISION = "QĐ", _("Quyết định")
    DIRECTIVE = "CT", _("Chỉ thị")
    REGULATION = "QC", _("Quy chế")
    RULE = "QyĐ", _("Quy định")
    NOTICE = "TB", _("Thông báo")
    GUIDANCE = "HD", _("Hướng dẫn")
    PROGRAMME = "CTr", _("Chương trình")
    PLAN = "KH", _("Kế hoạch")
    REPORT = "BC", _("Báo cáo")
    MINUTES = "BB", _("Biên bản")
    SUBMISSION = "TTr", _("Tờ trình")
    # A công văn's symbol has no type abbreviation: "12/UBND-VP" (agency, then drafting unit).
    OFFICIAL_LETTER = "CV", _("Công văn")
    TELEGRAM = "CĐ", _("Công điện")
    INVITATION = "GM", _("Giấy mời")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Thường")
    URGENT = "urgent", _("Khẩn")
    VERY_URGENT = "very_urgent", _("Thượng khẩn")
    FLASH = "flash", _("Hỏa tốc")


class Confidentiality(models.TextChoices):
    NORMAL = "normal", _("Thường")
    CONFIDENTIAL = "confidential", _("Mật")
    SECRET = "secret", _("Tối mật")
    TOP_SECRET = "top_secret", _("Tuyệt mật")


class Direction(models.TextChoices):
    INCOMING = "in", _("Văn bản đến")
    OUTGOING = "out", _("Văn bản đi")


class Status(models.TextChoices):
    # Incoming (văn bản đến).
    RECEIVED = "received", _("Chờ tiếp nhận")  # arrived electronically, not yet registered
    REGISTERED = "registered", _("Đã vào sổ, chờ phân công")
    ASSIGNED = "assigned", _("Đã phân công")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    PROCESSED = "processed", _("Đã xử lý, chờ kết thúc")
    CLOSED = "closed", _("Đã kết thúc")
    REFUSED = "refused", _("Đã trả lại nơi gửi")
    # Outgoing (văn bản đi).
    DRAFT = "draft", _("Dự thảo")
    IN_REVIEW = "in_review", _("Chờ thẩm định")
    AWAITING_SIGNATURE = "awaiting_signature", _("Chờ ký")
    SIGNED = "signed", _("Đã ký, chờ phát hành")
    ISSUED = "issued", _("Đã phát hành")


INCOMING_STATUSES = ["received", "registered", "assigned", "in_progress", "processed", "closed", "refused"]
OUTGOING_STATUSES = ["draft", "in_review", "awaiting_signature", "signed", "issued"]
INCOMING_OPEN = (Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS, Status.PROCESSED)


class Document(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="documents", verbose_name=_("cơ quan")
    )
    direction = models.CharField(_("loại sổ"), max_length=3, choices=Direction.choices)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices)
    doc_type = models.CharField(_("loại văn bản"), max_length=4, choices=DocumentType.choices)
    # The number and symbol as printed ("12/QĐ-UBND"); for outgoing documents given at issuance.
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=80, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    abstract = models.TextField(_("trích yếu"), max_length=1000)
    urgency = models.CharField(_("độ khẩn"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    confidentiality = models.CharField(
        _("độ mật"), max_length=12, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    # The year of the book the document's number belongs to (of issuance, or of arrival).
    book_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # Incoming: the book's arrival number (số đến), yearly per agency, and the handling.
    arrival_number = models.PositiveIntegerField(_("số đến"), null=True, blank=True)
    received_at = models.DateTimeField(_("ngày đến"), null=True, blank=True)
    deadline = models.DateField(_("hạn xử lý"), null=True, blank=True)
    handling_unit = models.CharField(_("đơn vị xử lý"), max_length=200, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_documents",
        verbose_name=_("người xử lý"),
    )
    direction_note = models.TextField(_("ý kiến chỉ đạo"), max_length=2000, blank=True)
    direction_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    direction_at = models.DateTimeField(null=True, blank=True)
    result_note = models.TextField(_("kết quả xử lý"), max_length=2000, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    # Incoming, sent on the portal by another agency: the outgoing original and what the check of
    # its signature found when it arrived.
    source = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries", verbose_name=_("bản gốc")
    )
    sender_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signature_valid = models.BooleanField(_("chữ ký số hợp lệ"), null=True, blank=True)
    # Who signed, as the check read it (one name a line; empty: the file carries no signature). The
    # sentence readers see is written at display time (signature_text), in the reader's language.
    signature_signers = models.TextField(_("người ký theo kết quả kiểm tra"), max_length=1000, blank=True)
    # Outgoing: who drafts, reviews and signs; the signed file; the recipients on the portal.
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drafting_unit = models.CharField(_("đơn vị soạn thảo"), max_length=20, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thẩm định"),
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ký"),
    )
    signed_at = models.DateTimeField(_("ký lúc"), null=True, blank=True)
    issued_at = models.DateTimeField(_("phát hành lúc"), null=True, blank=True)
    recipients = models.ManyToManyField(
        "agencies.Agency", blank=True, related_name="+", verbose_name=_("nơi nhận trên cổng")
    )
    signed_document = models.ForeignKey(
        "signing.SignedDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Kept by a trigger (migration 0002): number, abstract and metadata, without diacritics.
    search_vector = SearchVectorField(null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-created_at", "-id"]
        indexes = [
            # fastupdate off: with it, new entries wait in a pending list (up to 4 MB) that every search
            # reads through row by row until a vacuum merges them — 1.5–3.4 ms a search over 2,323
            # pending documents (docs/benchmarks.md). Clerks register dozens of documents a day and
            # people search all day: each registration pays the index update instead.
            GinIndex(fields=["search_vector"], name="documents_search_gin", fastupdate=False),
            models.Index(fields=["agency", "direction", "-created_at"], name="documents_book_idx"),
            # The newest of one book across what a person may read (their agency or addressed to them,
            # so not the agency-first index): the first page of a search filtered by book
            # (selectors.search_page's window step) reads the book's newest rows, not the whole index.
            models.Index(fields=["direction", "-created_at", "-id"], name="documents_dir_newest_idx"),
            # Newest first with LIMIT: the planner walks this index and stops after a page of rows
            # that pass the visibility filter (and, for common words, the text match), instead of
            # sorting every match (measured: ADR 1601, docs/benchmarks.md).
            models.Index(fields=["-created_at", "-id"], name="documents_newest_idx"),
            models.Index(fields=["handler", "status"], name="documents_handler_idx"),
        ]
        constraints = [
            # The outgoing book: one number per agency, type and year (the counter makes it gap-free).
            models.UniqueConstraint(
                fields=["agency", "doc_type", "book_year", "number"],
                condition=Q(direction="out", number__isnull=False),
                name="documents_outgoing_number_unique",
            ),
            models.UniqueConstraint(
                fields=["agency", "book_year", "arrival_number"],
                condition=Q(direction="in", arrival_number__isnull=False),
                name="documents_arrival_number_unique",
            ),
            # An electronic delivery arrives once at each recipient.
            models.UniqueConstraint(
                fields=["agency", "source"], condition=Q(source__isnull=False), name="documents_delivered_once"
            ),
            models.CheckConstraint(
                condition=Q(direction="in", status__in=INCOMING_STATUSES)
                | Q(direction="out", status__in=OUTGOING_STATUSES),
                name="documents_status_matches_direction",
            ),
        ]

    def __str__(self):
        return self.number_symbol or self.abstract[:60]

    @property
    def is_incoming(self) -> bool:
        return self.direction == Direction.INCOMING

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.is_incoming and self.deadline and self.status in INCOMING_OPEN and self.deadline < timezone.localdate()
        )

    @property
    def signature_text(self) -> str:
        """What the check of a document received on the portal found, in the active language."""
        if self.signature_valid is None:
            return gettext("Đang kiểm tra chữ ký số…")
        names = [n for n in self.signature_signers.splitlines() if n]
        if self.signature_valid:
            return gettext("Hợp lệ: %(n)s chữ ký (%(names)s), tin cậy theo CA tỉnh, tệp không bị sửa đổi.") % {
                "n": len(names),
                "names": ", ".join(names),
            }
        if not names:
            return gettext("Không hợp lệ: tệp không có chữ ký số.")
        return gettext("Không hợp lệ: chữ ký không tin cậy hoặc tệp đã bị sửa đổi sau khi ký.")


class DocumentFile(models.Model):
    """A file of a document (the main text or an attachment), stored under a random name and
    served only by a view that checks who asks."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="documents/%Y/%m/")
    name = models.CharField(_("tên tệp"), max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    is_main = models.BooleanField(_("văn bản chính"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_main", "created_at"]

    def __str__(self):
        return self.name


class DocumentEvent(models.Model):
    """The document's history as its readers see it (the audit log keeps the same acts with their
    before/after for auditors)."""

    class Verb(models.TextChoices):
        """What happened, as the history names it (the code is also the audit action's last part). Labels have
        their own context: the same Vietnamese words label buttons elsewhere, and English needs the past tense here."""

        REGISTER = "register", pgettext_lazy("lịch sử văn bản", "Vào sổ văn bản đến")
        RECEIVE = "receive", pgettext_lazy("lịch sử văn bản", "Vào sổ văn bản nhận trên cổng")
        REFUSE = "refuse", pgettext_lazy("lịch sử văn bản", "Trả lại nơi gửi")
        ASSIGN = "assign", pgettext_lazy("lịch sử văn bản", "Phân công xử lý")
        REASSIGN = "reassign", pgettext_lazy("lịch sử văn bản", "Phân công lại")
        DIRECT = "direct", pgettext_lazy("lịch sử văn bản", "Cho ý kiến chỉ đạo")
        START = "start", pgettext_lazy("lịch sử văn bản", "Bắt đầu xử lý")
        REPORT = "report", pgettext_lazy("lịch sử văn bản", "Báo cáo kết quả xử lý")
        CLOSE = "close", pgettext_lazy("lịch sử văn bản", "Kết thúc")
        DRAFT = "draft", pgettext_lazy("lịch sử văn bản", "Soạn dự thảo")
        EDIT = "edit", pgettext_lazy("lịch sử văn bản", "Sửa dự thảo")
        SUBMIT = "submit", pgettext_lazy("lịch sử văn bản", "Trình duyệt")
        APPROVE = "approve", pgettext_lazy("lịch sử văn bản", "Duyệt, trình ký")
        RETURN = "return", pgettext_lazy("lịch sử văn bản", "Trả lại dự thảo")
        SIGN = "sign", pgettext_lazy("lịch sử văn bản", "Ký số")
        ISSUE = "issue", pgettext_lazy("lịch sử văn bản", "Cấp số, phát hành")
        DELIVER = "deliver", pgettext_lazy("lịch sử văn bản", "Nhận qua cổng")
        CHECK_SIGNATURE = "check_signature", pgettext_lazy("lịch sử văn bản", "Kiểm tra chữ ký số")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    verb = models.CharField(max_length=30, choices=Verb.choices)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.verb} {self.at:%Y-%m-%d %H:%M}"


class NumberCounter(models.Model):
    """The yearly counter of one book of one agency: an outgoing type ("QĐ", "CV", ...) or the
    incoming book ("den"). Locked with SELECT ... FOR UPDATE by the transaction that issues, so a
    number is taken only when that transaction commits: unique and without gaps."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    book = models.CharField(max_length=8)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year", "book"], name="documents_counter_unique")]

    def __str__(self):
        return f"{self.book} {self.year}: {self.last_number}"


class Task(models.Model):
    """Work assigned to an official from a document or a meeting, with a deadline and progress."""

    class Status(models.TextChoices):
        OPEN = "open", _("Chưa thực hiện")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        DONE = "done", _("Đã hoàn thành")
        CANCELLED = "cancelled", _("Đã hủy")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("nội dung công việc"), max_length=300)
    description = models.TextField(_("yêu cầu cụ thể"), max_length=3000, blank=True)
    # The assigning agency; the assignee may work at another one (a meeting's participant).
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks", verbose_name=_("văn bản")
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("cuộc họp"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("người thực hiện")
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("hạn hoàn thành"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.OPEN)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_reminded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("công việc")
        verbose_name_plural = _("công việc")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["assignee", "status", "deadline"], name="documents_task_assignee_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="documents_task_progress_max_100"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(progress=100, completed_at__isnull=False),
                name="documents_task_done_is_complete",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS) and self.deadline < timezone.localdate()


class TaskUpdate(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    progress = models.PositiveSmallIntegerField()
    note = models.TextField(max_length=2000, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.progress}%"
