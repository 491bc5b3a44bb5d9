"""Meetings of an agency, with participants from any agency on the portal.

scheduled ──start──▶ in_progress ──conclude (minutes)──▶ concluded
    └──────cancel──────┘
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Đã lên lịch")
        IN_PROGRESS = "in_progress", _("Đang họp")
        CONCLUDED = "concluded", _("Đã kết thúc")
        CANCELLED = "cancelled", _("Đã hủy")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("cơ quan chủ trì")
    )
    title = models.CharField(_("tên cuộc họp"), max_length=300)
    agenda = models.TextField(_("chương trình họp"), max_length=5000)
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc dự kiến"))
    location = models.CharField(_("địa điểm"), max_length=300, blank=True)
    video_provider = models.CharField(_("nền tảng họp trực tuyến"), max_length=20, blank=True)
    video_url = models.URLField(_("liên kết phòng họp trực tuyến"), max_length=500, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("chủ trì")
    )
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    minutes = models.TextField(_("biên bản"), max_length=20000, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cuộc họp")
        verbose_name_plural = _("cuộc họp")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["agency", "starts_at"], name="meetings_agency_start_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="meetings_ends_after_start"),
        ]

    def __str__(self):
        return self.title


class Participant(models.Model):
    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", _("Chưa điểm danh")
        PRESENT = "present", _("Có mặt")
        ONLINE = "online", _("Dự trực tuyến")
        EXCUSED = "excused", _("Vắng có lý do")
        ABSENT = "absent", _("Vắng")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_seats")
    # The participant's agency when invited (kept if they move later).
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    attendance = models.CharField(_("điểm danh"), max_length=10, choices=Attendance.choices, default=Attendance.UNKNOWN)
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agency__name", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="meetings_one_seat_per_person")]

    def __str__(self):
        return f"{self.user} @ {self.meeting}"


class MeetingFile(models.Model):
    """A meeting document (materials, the signed minutes), served only to those who may see the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="meetings/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.name


class MeetingDocument(models.Model):
    """A registered document (government.documents) put on a meeting's papers by its organiser or
    chair, who may read it: the meeting's participants then read its files through the meeting, as
    they read an uploaded paper. Confidential documents are never linked."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="linked_documents")
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        related_name="meeting_links",
        verbose_name=_("văn bản trên cổng"),
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "document"], name="meetings_document_linked_once"),
        ]

    def __str__(self):
        return f"{self.meeting} ← {self.document_id}"


class CalendarFeed(models.Model):
    """A person's secret calendar subscription (webcal://): a calendar program fetches the meetings of
    `scope` — the person's own or their agency's — without signing in, by the token in its URL. Only
    the token's SHA-256 is stored (a 256-bit random token needs no slow hash); the token is shown once,
    when issued. Revoked feeds stay for the audit trail and answer nothing (ADR 1604)."""

    class Scope(models.TextChoices):
        ME = "me", _("Lịch họp của tôi")
        AGENCY = "agency", _("Lịch họp của cơ quan")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    scope = models.CharField(_("lịch"), max_length=10, choices=Scope.choices)
    # For an agency calendar, the agency it was issued for: an official who moves to another agency
    # does not carry the link over to the new one's meetings (it stops; they make a new one).
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    # The token's first characters, to tell the person which link a calendar program holds.
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scope"], condition=Q(revoked_at__isnull=True), name="meetings_one_live_feed_per_scope"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.scope} · {self.prefix}…"
