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
    return "LS" + "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(10))


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Payment(models.Model):
    """A fee to pay for one object of a pillar (a dossier, a truck entry). Moves only through the
    services in core.payments.services: pending → paid | failed | cancelled | expired | superseded,
    failed → paid | cancelled | expired | superseded. An object has at most one paid payment (a
    database constraint); money confirmed for any other link is recorded as a Refund."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ thanh toán")
        PAID = "paid", _("Đã thanh toán")
        FAILED = "failed", _("Thanh toán thất bại")
        CANCELLED = "cancelled", _("Đã hủy")
        EXPIRED = "expired", _("Hết hạn")
        # The fee was re-priced or the object cancelled: this link no longer settles anything.
        SUPERSEDED = "superseded", _("Đã được thay thế")

    reference = models.CharField(_("mã thanh toán"), max_length=20, unique=True, default=new_reference)
    # Unguessable: whoever holds the link may see and pay the payment (drivers have no account).
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    idempotency_key = models.CharField(_("khóa idempotency"), max_length=200, unique=True)
    purpose = models.CharField(_("mục đích"), max_length=100, db_index=True)
    description = models.CharField(_("nội dung"), max_length=300)
    amount = models.BigIntegerField(_("số tiền (VND)"))
    # The pillar could not confirm this fee for Lạng Sơn (a placeholder tariff, another province's
    # rate): the payment page says so before anyone pays it.
    amount_provisional = models.BooleanField(_("mức phí chưa được xác nhận"), default=False)
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
                condition=Q(status__in=["pending", "paid", "failed", "cancelled", "expired", "superseded"]),
                name="payment_status_valid",
            ),
            # One successful payment per payable object, whatever the services get wrong.
            models.UniqueConstraint(
                fields=["object_type", "object_id"], condition=Q(status="paid"), name="payment_one_paid_per_object"
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


class CallbackNonce(models.Model):
    """A nonce a provider's signed callback carried. The unique constraint refuses the same nonce
    twice, across every web process (a replayed callback); rows older than the timestamp window
    are pruned, since such callbacks are refused as stale anyway."""

    provider = models.CharField(max_length=30)
    nonce = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("nonce của lời gọi lại")
        verbose_name_plural = _("nonce của lời gọi lại")
        constraints = [models.UniqueConstraint(fields=["provider", "nonce"], name="payment_callback_nonce_unique")]

    def __str__(self):
        return f"{self.provider}:{self.nonce}"


class Refund(models.Model):
    """Money a provider confirmed for a link that may not settle anything (superseded, expired,
    cancelled, or its object already paid or re-priced): never a second receipt, a refund the
    finance office makes and records here."""

    class Status(models.TextChoices):
        OPEN = "open", _("Chờ hoàn tiền")
        REFUNDED = "refunded", _("Đã hoàn tiền")

    class Reason(models.TextChoices):
        SUPERSEDED = "superseded", _("Liên kết thanh toán đã được thay thế")
        EXPIRED = "expired", _("Liên kết thanh toán đã hết hạn")
        CANCELLED = "cancelled", _("Khoản thanh toán đã bị hủy")
        ALREADY_PAID = "already_paid", _("Đã được thanh toán bằng một khoản khác")
        NOTHING_DUE = "nothing_due", _("Không còn khoản phí phải nộp")
        AMOUNT_NOT_DUE = "amount_not_due", _("Số tiền khác khoản phí phải nộp hiện tại")

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("khoản thanh toán")
    )
    amount = models.BigIntegerField(_("số tiền (VND)"))
    provider_transaction_id = models.CharField(_("mã giao dịch ngân hàng"), max_length=100, blank=True)
    reason = models.CharField(_("lý do"), max_length=20, choices=Reason.choices)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("ghi nhận lúc"), default=timezone.now)
    resolved_at = models.DateTimeField(_("hoàn tiền lúc"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người hoàn tiền"),
    )
    note = models.CharField(_("ghi chú (mã giao dịch hoàn)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("khoản cần hoàn tiền")
        verbose_name_plural = _("khoản cần hoàn tiền")
        ordering = ["status", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_refund_amount_positive"),
            models.CheckConstraint(condition=Q(status__in=["open", "refunded"]), name="payment_refund_status_valid"),
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True) | Q(status="refunded", resolved_at__isnull=False),
                name="payment_refund_resolved_has_time",
            ),
            # A bank that confirms the same transaction twice gets one refund, not two.
            models.UniqueConstraint(
                fields=["payment", "provider_transaction_id"], name="payment_refund_once_per_transaction"
            ),
        ]

    def __str__(self):
        return f"{self.payment.reference}: {self.amount} VND ({self.status})"
