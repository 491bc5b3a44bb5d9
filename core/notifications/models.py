from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message on one channel to one address. The row is the delivery log: the Celery task
    `core.notifications.tasks.deliver` moves it pending → sent | failed and counts attempts, so
    staff see in the admin what reached whom and why not."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi thất bại")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("người nhận"),
    )
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("địa chỉ"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=200, blank=True)
    body = models.TextField(_("nội dung"))
    event = models.CharField(_("sự kiện"), max_length=100, db_index=True)
    dedupe_key = models.CharField(_("khóa chống trùng"), max_length=200, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, db_index=True)
    last_attempt_at = models.DateTimeField(_("thử gần nhất"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One dedupe key covers one message per channel: notify() records the email and the
            # SMS of one event under the same key.
            models.UniqueConstraint(
                fields=["dedupe_key", "channel"], condition=~Q(dedupe_key=""), name="notification_unique_dedupe_key"
            ),
            models.CheckConstraint(condition=Q(channel__in=["email", "sms"]), name="notification_channel_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "failed"]), name="notification_status_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "created_at"], name="notification_pending_idx", condition=Q(status="pending")
            )
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.address}: {self.subject or self.event}"
