"""The soft-ATM network around the ledger: the agents' staff and the bank's supervisors, customers'
wallets (one per person), limits and commissions as data, cash-out codes and daily reconciliation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.users.validators import validate_citizen_id, validate_vn_phone
from economy.models.shops import COMMUNES_2025


class AgentStaff(models.Model):
    """A user who works the counter of one agent point."""

    agent = models.ForeignKey("economy.SoftAtmAgent", on_delete=models.CASCADE, related_name="staff")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="soft_atm_staff")
    active = models.BooleanField(_("đang làm việc"), default=True)

    class Meta:
        verbose_name = _("nhân viên điểm ATM mềm")
        verbose_name_plural = _("nhân viên điểm ATM mềm")

    def __str__(self):
        return f"{self.user} @ {self.agent}"


class BankSupervisor(models.Model):
    """A bank's supervisor of its soft-ATM agents: sees them by commune, resolves reconciliation
    differences."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="soft_atm_supervisor")
    bank = models.CharField(_("ngân hàng"), max_length=80)

    class Meta:
        verbose_name = _("giám sát viên ngân hàng")
        verbose_name_plural = _("giám sát viên ngân hàng")

    def __str__(self):
        return f"{self.user} ({self.bank})"


class Wallet(models.Model):
    """A customer's e-money wallet. KYC: the citizen ID number and phone; one wallet per person
    (unique citizen ID). Opened at an agent (no portal account needed) or by a signed-in citizen."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang hoạt động")
        FROZEN = "frozen", _("Tạm khóa")

    number = models.CharField(_("số ví"), max_length=12, unique=True)
    citizen_id = models.CharField(_("số CCCD"), max_length=12, unique=True, validators=[validate_citizen_id])
    phone = models.CharField(_("số điện thoại"), max_length=15, validators=[validate_vn_phone])
    full_name = models.CharField(_("họ và tên"), max_length=150)
    commune = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, limit_choices_to=COMMUNES_2025, verbose_name=_("xã, phường")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="wallet"
    )
    account = models.OneToOneField("economy.LedgerAccount", on_delete=models.PROTECT, related_name="wallet")
    # The household of the commune's register the person belongs to (when known): a wallet used in
    # the last 30 days counts for its household's e-payment share, like a bank account does.
    household = models.ForeignKey(
        "economy.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wallets",
        verbose_name=_("hộ gia đình"),
    )
    opened_by_agent = models.ForeignKey(
        "economy.SoftAtmAgent", on_delete=models.PROTECT, null=True, blank=True, related_name="opened_wallets"
    )
    opened_at = models.DateTimeField(_("mở lúc"), default=timezone.now)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        verbose_name = _("ví điện tử")
        verbose_name_plural = _("ví điện tử")
        constraints = [models.CheckConstraint(condition=Q(citizen_id__regex=r"^\d{12}$"), name="economy_wallet_cccd")]

    def __str__(self):
        return f"{self.number} {self.full_name}"

    @property
    def masked_phone(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-3:]}"


class Operation(models.TextChoices):
    CASH_IN = "cash_in", _("Nộp tiền mặt vào ví")
    CASH_OUT = "cash_out", _("Rút tiền mặt từ ví")
    TRANSFER = "transfer", _("Chuyển tiền giữa hai ví")
    PAYMENT = "payment", _("Thanh toán phí, lệ phí")
    TOTAL = "total", _("Tổng mọi giao dịch")


class LimitRule(models.Model):
    """A wallet's limits for one kind of operation, from a date (reference data,
    `economy/reference/limits.v1.json`): per transaction, per day, per month (VND). The newest rule
    not after today applies; a blank limit means none."""

    operation = models.CharField(_("giao dịch"), max_length=10, choices=Operation.choices)
    valid_from = models.DateField(_("áp dụng từ"))
    per_transaction = models.BigIntegerField(_("tối đa mỗi giao dịch"), null=True, blank=True)
    per_day = models.BigIntegerField(_("tối đa mỗi ngày"), null=True, blank=True)
    per_month = models.BigIntegerField(_("tối đa mỗi tháng"), null=True, blank=True)
    source = models.CharField(_("căn cứ"), max_length=300)

    class Meta:
        verbose_name = _("hạn mức giao dịch")
        verbose_name_plural = _("hạn mức giao dịch")
        ordering = ["operation", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "valid_from"], name="economy_limit_unique"),
            models.CheckConstraint(
                condition=(Q(per_transaction__isnull=True) | Q(per_transaction__gt=0))
                & (Q(per_day__isnull=True) | Q(per_day__gt=0))
                & (Q(per_month__isnull=True) | Q(per_month__gt=0)),
                name="economy_limit_positive",
            ),
        ]

    def __str__(self):
        return f"{self.operation} {self.valid_from}"


class CommissionRule(models.Model):
    """What the bank pays an agent for one operation, from a date (reference data): a rate in basis
    points of the amount, bounded by a minimum and a maximum (VND)."""

    operation = models.CharField(_("giao dịch"), max_length=10, choices=Operation.choices)
    valid_from = models.DateField(_("áp dụng từ"))
    rate_bp = models.PositiveIntegerField(_("tỷ lệ (phần vạn)"))
    minimum = models.BigIntegerField(_("tối thiểu"), default=0)
    maximum = models.BigIntegerField(_("tối đa"), null=True, blank=True)

    class Meta:
        verbose_name = _("hoa hồng đại lý")
        verbose_name_plural = _("hoa hồng đại lý")
        ordering = ["operation", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["operation", "valid_from"], name="economy_commission_unique")]

    def __str__(self):
        return f"{self.operation} {self.rate_bp}bp"

    def commission_for(self, amount: int) -> int:
        value = max(self.minimum, amount * self.rate_bp // 10_000)
        return min(value, self.maximum) if self.maximum is not None else value


class CashOutRequest(models.Model):
    """A cash-out waiting for the customer's one-time code (sent by SMS through core's notification
    service). pending → used | expired | cancelled, only through economy.services.agents; a paid-out
    request whose ledger transaction the bank's supervisor reversed ends `reversed` (used → reversed),
    so the counter and the statements never show reversed money as paid out."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ khách xác nhận")
        USED = "used", _("Đã chi tiền")
        EXPIRED = "expired", _("Hết hạn")
        CANCELLED = "cancelled", _("Đã hủy")
        REVERSED = "reversed", _("Đã đảo (hoàn tiền vào ví)")

    agent = models.ForeignKey("economy.SoftAtmAgent", on_delete=models.PROTECT, related_name="cash_outs")
    wallet = models.ForeignKey(Wallet, on_delete=models.PROTECT, related_name="cash_outs")
    amount = models.BigIntegerField(_("số tiền (VND)"))
    idempotency_key = models.CharField(_("khóa idempotency"), max_length=120, unique=True)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    transaction = models.OneToOneField(
        "economy.LedgerTransaction", on_delete=models.PROTECT, null=True, blank=True, related_name="cash_out_request"
    )

    class Meta:
        verbose_name = _("yêu cầu rút tiền")
        verbose_name_plural = _("yêu cầu rút tiền")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="economy_cashout_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["used", "reversed"], transaction__isnull=False)
                | (~Q(status__in=["used", "reversed"]) & Q(transaction=None)),
                name="economy_cashout_used_has_transaction",
            ),
        ]

    def __str__(self):
        return f"{self.wallet.number} {self.amount} ({self.status})"


class Reconciliation(models.Model):
    """One agent's day: the cash the ledger says the agent holds at the end of the day against the
    cash the agent declares. A difference (or no declaration) is flagged to the bank's supervisor,
    who resolves it with a note. pending → matched | flagged → resolved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ đối soát")
        MATCHED = "matched", _("Khớp")
        FLAGGED = "flagged", _("Chênh lệch")
        RESOLVED = "resolved", _("Đã xử lý")

    agent = models.ForeignKey("economy.SoftAtmAgent", on_delete=models.PROTECT, related_name="reconciliations")
    day = models.DateField(_("ngày"))
    declared_cash = models.BigIntegerField(_("tiền mặt đại lý khai báo"), null=True, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expected_cash = models.BigIntegerField(_("tiền mặt theo sổ cái"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    checked_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(_("cách xử lý"), blank=True)

    class Meta:
        verbose_name = _("đối soát tiền mặt")
        verbose_name_plural = _("đối soát tiền mặt")
        ordering = ["-day", "agent__name"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "day"], name="economy_reconciliation_unique_day"),
            models.CheckConstraint(
                condition=Q(declared_cash__isnull=True) | Q(declared_cash__gte=0),
                name="economy_reconciliation_declared_positive",
            ),
        ]

    def __str__(self):
        return f"{self.agent} {self.day} ({self.status})"

    @property
    def difference(self) -> int | None:
        if self.declared_cash is None or self.expected_cash is None:
            return None
        return self.declared_cash - self.expected_cash
