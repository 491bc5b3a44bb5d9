"""The party agencies pillar: the Party organisation tree and its members, Party documents (numbered
per issuing body, kind and year, signed, distributed, read-acknowledged), the key tasks of a
resolution reported by their owner agencies, and the digital-transformation steering committees.
State changes go through party.services only (docs/adr/1501-party-documents-and-tasks.md)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# --- organisations and members ---------------------------------------------------------------------


class PartyOrganisation(models.Model):
    """One node of the Party organisation tree: the provincial committee, its boards, the commune-level
    committees and their Party cells. `path` is the chain of ids from the root ("/1/7/42/"), so "this
    organisation and everything under it" is one indexed prefix match (the tree is four levels deep
    and changes rarely; written only by party.services.organisations)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh ủy")
        BOARD = "board", _("Ban, cơ quan tham mưu của Tỉnh ủy")
        COMMUNE = "commune", _("Đảng ủy xã, phường")
        CELL = "cell", _("Chi bộ")

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=80, blank=True)
    # The issuing body's part of a document number: "TU" in "Số 49-NQ/TU".
    symbol = models.CharField(_("ký hiệu trên văn bản"), max_length=20)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("tổ chức cấp trên"),
    )
    path = models.CharField(_("đường dẫn cây"), max_length=255, db_index=True, editable=False)
    # The provincial committee and its boards are also agencies (core reference data): their staff
    # (User.agency) with the Party-official role act for them without a separate assignment.
    agency = models.OneToOneField(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_organisation",
        verbose_name=_("cơ quan tương ứng"),
    )
    admin_unit = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("địa bàn")
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("tổ chức Đảng")
        verbose_name_plural = _("tổ chức Đảng")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="province", parent__isnull=True) | (~Q(level="province") & Q(parent__isnull=False)),
                name="party_org_root_is_province",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)


class OrganisationOfficer(models.Model):
    """A Party official who works for an organisation on the portal (office staff of a committee, the
    secretary of a cell): receives its documents, acknowledges them, sees its members."""

    organisation = models.ForeignKey(PartyOrganisation, on_delete=models.CASCADE, related_name="officers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="party_assignments")
    title = models.CharField(_("chức danh"), max_length=120, blank=True)
    is_active = models.BooleanField(_("đang đảm nhiệm"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cán bộ phụ trách tổ chức Đảng")
        verbose_name_plural = _("cán bộ phụ trách tổ chức Đảng")
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="party_officer_unique")]

    def __str__(self):
        return f"{self.user} — {self.organisation}"


class PartyMember(models.Model):
    """A Party member and the cell they belong to. Sensitive: readable only by Party officials of the
    cell or an organisation above it (party.selectors.members_visible_to), never by government roles."""

    class Status(models.TextChoices):
        PROBATIONARY = "probationary", _("Dự bị")
        FULL = "full", _("Chính thức")
        TRANSFERRED = "transferred", _("Đã chuyển sinh hoạt")

    organisation = models.ForeignKey(
        PartyOrganisation, on_delete=models.PROTECT, related_name="members", verbose_name=_("chi bộ")
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    birth_date = models.DateField(_("ngày sinh"))
    card_number = models.CharField(_("số thẻ đảng viên"), max_length=20, blank=True)
    admitted_on = models.DateField(_("ngày vào Đảng"))
    status = models.CharField(_("tình trạng"), max_length=15, choices=Status.choices, default=Status.FULL)
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        ordering = ["organisation", "full_name"]
        constraints = [
            models.UniqueConstraint(fields=["card_number"], condition=~Q(card_number=""), name="party_member_card"),
            models.CheckConstraint(
                condition=Q(admitted_on__gt=F("birth_date")), name="party_member_admitted_after_birth"
            ),
        ]

    def __str__(self):
        return self.full_name


class MemberPosition(models.Model):
    """A position a member holds in an organisation (secretary of their cell, member of the commune
    committee...). Ended positions keep their `until` date."""

    class Role(models.TextChoices):
        SECRETARY = "secretary", _("Bí thư")
        DEPUTY_SECRETARY = "deputy_secretary", _("Phó Bí thư")
        STANDING = "standing", _("Ủy viên Ban Thường vụ")
        COMMITTEE = "committee", _("Cấp ủy viên")

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="positions")
    organisation = models.ForeignKey(PartyOrganisation, on_delete=models.PROTECT, related_name="positions")
    role = models.CharField(_("chức vụ"), max_length=20, choices=Role.choices)
    since = models.DateField(_("từ ngày"))
    until = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("chức vụ trong Đảng")
        verbose_name_plural = _("chức vụ trong Đảng")
        ordering = ["organisation", "role"]

    def __str__(self):
        return f"{self.get_role_display()} — {self.organisation}"


# --- documents ---------------------------------------------------------------------------------------


class PartyDocument(models.Model):
    """A Party document. Drafted, then issued (numbered, signed, distributed) by
    party.services.documents: `draft → issued`, never a free edit of `status`."""

    class Kind(models.TextChoices):
        RESOLUTION = "nghi_quyet", _("Nghị quyết")
        DIRECTIVE = "chi_thi", _("Chỉ thị")
        CONCLUSION = "ket_luan", _("Kết luận")
        PLAN = "ke_hoach", _("Kế hoạch")
        PROGRAMME = "chuong_trinh", _("Chương trình")
        NOTICE = "thong_bao", pgettext_lazy("loại văn bản Đảng", "Thông báo")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ISSUED = "issued", _("Đã ban hành")

    class Confidentiality(models.TextChoices):
        NORMAL = "normal", _("Thường")
        INTERNAL = "internal", _("Lưu hành nội bộ")
        CONFIDENTIAL = "confidential", _("Mật")
        SECRET = "secret", _("Tối mật")

    number = models.CharField(_("số, ký hiệu"), max_length=40, blank=True)
    kind = models.CharField(_("loại văn bản"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("trích yếu"), max_length=300)
    organisation = models.ForeignKey(
        PartyOrganisation, on_delete=models.PROTECT, related_name="documents", verbose_name=_("cơ quan ban hành")
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    confidentiality = models.CharField(
        _("độ mật"), max_length=12, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("số thứ tự"), null=True, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issued_at = models.DateTimeField(_("ban hành lúc"), null=True, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=150, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=150, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Issued electronically with a digital signature (party agencies' document system), not on paper.
    is_digital = models.BooleanField(_("ban hành điện tử, ký số"), default=True)
    signed_document = models.ForeignKey(
        "signing.SignedDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    summary = models.TextField(_("tóm tắt"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        verbose_name = _("văn bản Đảng")
        verbose_name_plural = _("văn bản Đảng")
        ordering = ["-issued_on", "number"]
        constraints = [
            # The numbering (party.services.documents): one number per body, kind and year, and a
            # number only on an issued document.
            models.UniqueConstraint(
                fields=["organisation", "kind", "year", "sequence"],
                condition=Q(sequence__isnull=False),
                name="party_document_unique_sequence",
            ),
            models.UniqueConstraint(
                fields=["organisation", "year", "number"], condition=~Q(number=""), name="party_document_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", number="", sequence__isnull=True)
                | Q(status="issued", issued_on__isnull=False, year__isnull=False) & ~Q(number=""),
                name="party_document_number_iff_issued",
            ),
        ]
        indexes = [models.Index(fields=["status", "-issued_on"], name="party_doc_status_issued")]

    def __str__(self):
        return f"{self.number or _('(dự thảo)')} — {self.title}"

    @property
    def is_restricted(self) -> bool:
        return self.confidentiality in (self.Confidentiality.CONFIDENTIAL, self.Confidentiality.SECRET)


class DocumentCounter(models.Model):
    """The last number issued per body, kind and year. Locked with SELECT ... FOR UPDATE inside the
    issuing transaction, so numbers are unique and, since a rolled-back issue rolls the counter back
    with it, gap-free."""

    organisation = models.ForeignKey(PartyOrganisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=PartyDocument.Kind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "year"], name="party_counter_unique"),
        ]

    def __str__(self):
        return f"{self.organisation_id}/{self.kind}/{self.year}: {self.last}"


class DocumentFile(models.Model):
    document = models.ForeignKey(PartyDocument, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="party/documents/%Y/")
    name = models.CharField(_("tên tệp"), max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class Distribution(models.Model):
    """A document sent to one recipient organisation: its inbox row, read receipt and reminders."""

    document = models.ForeignKey(PartyDocument, on_delete=models.CASCADE, related_name="distributions")
    organisation = models.ForeignKey(PartyOrganisation, on_delete=models.PROTECT, related_name="inbox")
    sent_at = models.DateTimeField(_("gửi lúc"))
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminder_count = models.PositiveSmallIntegerField(_("số lần nhắc"), default=0)
    last_reminded_at = models.DateTimeField(_("nhắc lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("nơi nhận")
        verbose_name_plural = _("nơi nhận")
        ordering = ["organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["document", "organisation"], name="party_distribution_unique"),
            models.CheckConstraint(
                condition=Q(read_at__isnull=True, read_by__isnull=True)
                | Q(read_at__isnull=False, read_by__isnull=False),
                name="party_distribution_read_consistent",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "-sent_at"], name="party_inbox_idx")]

    def __str__(self):
        return f"{self.document_id} → {self.organisation_id}"


# --- resolution tasks ----------------------------------------------------------------------------------


class KeyTask(models.Model):
    """A key task of a resolution. Moves only through party.services (not_started → in_progress →
    done, done → in_progress when reopened), each change recorded as a KeyTaskUpdate and audited.
    Only its owner agency reports on it."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa triển khai")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        DONE = "done", _("Hoàn thành")

    document = models.ForeignKey(PartyDocument, on_delete=models.PROTECT, related_name="tasks")
    code = models.CharField(_("mã nhiệm vụ"), max_length=20)
    title = models.CharField(_("nhiệm vụ"), max_length=300)
    owner = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan chủ trì")
    )
    target = models.CharField(_("chỉ tiêu"), max_length=300, blank=True)
    start_on = models.DateField(_("bắt đầu"))
    deadline = models.DateField(_("hạn hoàn thành"))
    # The owner reports at least this often; a report not in by then is overdue (reminded).
    report_every_days = models.PositiveSmallIntegerField(_("chu kỳ báo cáo (ngày)"), default=30)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    last_reported_on = models.DateField(_("báo cáo gần nhất"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhiệm vụ trọng tâm")
        verbose_name_plural = _("nhiệm vụ trọng tâm")
        ordering = ["deadline", "code"]
        constraints = [
            models.UniqueConstraint(fields=["document", "code"], name="party_task_unique_code"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="party_task_progress_le_100"),
            models.CheckConstraint(condition=Q(deadline__gte=F("start_on")), name="party_task_deadline_after_start"),
            models.CheckConstraint(condition=Q(report_every_days__gte=1), name="party_task_report_period_positive"),
            models.CheckConstraint(
                condition=(Q(status="done", progress=100, completed_on__isnull=False) | ~Q(status="done"))
                & (Q(status="done") | Q(completed_on__isnull=True)),
                name="party_task_done_consistent",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def audit_agency_id(self) -> int:
        # The owner agency's officials may read the audit rows of their own task.
        return self.owner_id


class KeyTaskUpdate(models.Model):
    """A progress report on a key task (history of the task; the indicator reads progress as of a date)."""

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField(_("ngày báo cáo"))
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=KeyTask.Status.choices)
    note = models.TextField(_("nội dung báo cáo"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan báo cáo"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["-reported_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="party_update_progress_le_100")]
        indexes = [models.Index(fields=["task", "reported_on"])]

    def __str__(self):
        return f"{self.task.code} {self.reported_on}: {self.progress}%"


class TaskEvidence(models.Model):
    """A file attached to a progress report as evidence (minutes, screenshots, a signed report)."""

    update = models.ForeignKey(KeyTaskUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="party/evidence/%Y/")
    name = models.CharField(_("tên tệp"), max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


# --- steering committees --------------------------------------------------------------------------------


class SteeringCommittee(models.Model):
    """The digital-transformation steering committee of one level, led by a Party organisation (the
    provincial committee, a commune committee, a village's Party cell)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Cấp tỉnh")
        COMMUNE = "commune", _("Cấp xã")
        VILLAGE = "village", _("Cấp thôn, tổ dân phố")

    name = models.CharField(_("tên"), max_length=200)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    organisation = models.ForeignKey(
        PartyOrganisation,
        on_delete=models.PROTECT,
        related_name="steering_committees",
        verbose_name=_("tổ chức Đảng lãnh đạo"),
    )
    established_on = models.DateField(_("ngày thành lập"))
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("ban chỉ đạo chuyển đổi số")
        verbose_name_plural = _("ban chỉ đạo chuyển đổi số")
        ordering = ["organisation__path", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="party_committee_unique_name")]

    def __str__(self):
        return self.name


class CommitteeMember(models.Model):
    """A seat on a steering committee. Leaving sets `until` (kept as history); every change is audited."""

    class Role(models.TextChoices):
        HEAD = "head", _("Trưởng ban")
        DEPUTY = "deputy", _("Phó Trưởng ban")
        STANDING = "standing", _("Ủy viên thường trực")
        MEMBER = "member", _("Ủy viên")
        SECRETARY = "secretary", _("Thư ký")

    committee = models.ForeignKey(SteeringCommittee, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("họ và tên"), max_length=150)
    position = models.CharField(_("chức vụ, đơn vị công tác"), max_length=200)
    role = models.CharField(_("vai trò trong ban"), max_length=10, choices=Role.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    since = models.DateField(_("từ ngày"))
    until = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("thành viên ban chỉ đạo")
        verbose_name_plural = _("thành viên ban chỉ đạo")
        ordering = ["until", "role", "full_name"]
        constraints = [
            # One head at a time.
            models.UniqueConstraint(
                fields=["committee"], condition=Q(role="head", until__isnull=True), name="party_committee_one_head"
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")), name="party_cm_until_after_since"
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.get_role_display()})"


class CommitteeMeeting(models.Model):
    """A meeting of a steering committee; its conclusion is a Party document (a conclusion notice
    issued, numbered and distributed like any other)."""

    committee = models.ForeignKey(SteeringCommittee, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("ngày họp"))
    subject = models.CharField(_("nội dung"), max_length=300)
    conclusion = models.OneToOneField(
        PartyDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting",
        verbose_name=_("thông báo kết luận"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cuộc họp ban chỉ đạo")
        verbose_name_plural = _("cuộc họp ban chỉ đạo")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.committee} {self.held_on}"
