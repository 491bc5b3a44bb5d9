import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# No 0/O/1/I/L: the reference is read aloud at a bank counter and typed into transfer memos.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    return "LS" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Payment(models.Model):
    """A fee to pay for one object of a pillar (a dossier, a truck entry). Moves only through the
    services in core.payments.services: pending → paid | failed | cancelled | expired (and a late
    bank confirmation may still turn failed/expired into paid: the money did arrive)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ thanh toán")
        PAID = "paid", _("Đã thanh toán")
        FAILED = "failed", _("Thanh toán thất bại")
        CANCELLED = "cancelled", _("Đã hủy")
        EXPIRED = "expired", _("Hết hạn")

    reference = models.CharField(_("mã thanh toán"), max_length=20, unique=True, default=new_reference)
    # Unguessable: whoever holds the link may see and pay the payment (drivers have no account).
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    idempotency_key = models.CharField(_("khóa idempotency"), max_length=200, unique=True)
    purpose = models.CharField(_("mục đích"), max_length=100, db_index=True)
    description = models.CharField(_("nội dung"), max_length=300)
    amount = models.BigIntegerField(_("số tiền (VND)"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    object_type = models.CharField(_("loại đối tượng"), max_length=100)
    object_id = models.CharField(_("mã đối tượng"), max_length=64)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("người nộp"),
    )
    payer_name = models.CharField(_("tên người nộp"), max_length=150, blank=True)
    payer_phone = models.CharField(_("điện thoại người nộp"), max_length=15, blank=True)
    provider = models.CharField(_("kênh thanh toán"), max_length=30)
    provider_transaction_id = models.CharField(_("mã giao dịch ngân hàng"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    receipt_number = models.CharField(_("số biên lai"), max_length=20, blank=True)
    receipt_file = models.FileField(_("biên lai điện tử"), upload_to="receipts/%Y/", blank=True)

    class Meta:
        verbose_name = _("khoản thanh toán")
        verbose_name_plural = _("khoản thanh toán")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "paid", "failed", "cancelled", "expired"]),
                name="payment_status_valid",
            ),
            # A paid payment always has its time and receipt number, and only a paid one has them.
            models.CheckConstraint(
                condition=(Q(status="paid") & Q(paid_at__isnull=False) & ~Q(receipt_number=""))
                | (~Q(status="paid") & Q(paid_at__isnull=True) & Q(receipt_number="")),
                name="payment_paid_has_receipt",
            ),
            models.UniqueConstraint(
                fields=["receipt_number"], condition=~Q(receipt_number=""), name="payment_unique_receipt_number"
            ),
        ]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="payment_object_idx"),
            models.Index(fields=["expires_at"], name="payment_pending_expiry_idx", condition=Q(status="pending")),
        ]

    def __str__(self):
        return f"{self.reference} ({self.amount} VND, {self.status})"

    def get_absolute_url(self) -> str:
        return reverse("payments:detail", kwargs={"token": self.token})

    @property
    def is_paid(self) -> bool:
        return self.status == self.Status.PAID

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def receipt_url(self) -> str:
        """The electronic receipt PDF, or "" while the payment is not paid."""
        return reverse("payments:receipt", kwargs={"token": self.token}) if self.is_paid else ""


class ReceiptCounter(models.Model):
    """Last receipt number issued per calendar year (Asia/Ho_Chi_Minh). Incremented under a row lock
    in the transaction that marks a payment paid, so numbers are gap-free: a rolled-back payment
    rolls its number back too."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bộ đếm biên lai")
        verbose_name_plural = _("bộ đếm biên lai")

    def __str__(self):
        return f"{self.year}: {self.last_number}"
