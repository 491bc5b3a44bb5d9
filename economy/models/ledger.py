"""The double-entry ledger of the soft-ATM network (ADR 1301).

Money never moves by editing a balance: a `LedgerTransaction` carries two or more `LedgerEntry`
rows whose amounts sum to zero, and the database keeps each account's `balance` from the entries.
What PostgreSQL enforces (migration 0002), so that no code path, shell or admin can break it:
- entries of a transaction sum to zero and there are at least two (a deferred constraint trigger,
  checked at commit);
- entries and transactions are append-only (triggers refuse UPDATE, DELETE and TRUNCATE): a mistake
  is corrected by a compensating transaction (`reversal_of`), never by an edit;
- `balance` changes only through an inserted entry (a trigger adds the entry's amount; a direct
  UPDATE of the balance is refused), and an account that may not go negative has a CHECK on it;
  a wallet's limit counters (`usage`) likewise (migration 0011).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LedgerAccount(models.Model):
    class Kind(models.TextChoices):
        WALLET = "wallet", _("Ví của khách hàng")
        AGENT_FLOAT = "agent_float", _("Số dư tiền điện tử của đại lý")
        AGENT_CASH = "agent_cash", _("Tiền mặt tại đại lý")
        SYSTEM = "system", _("Tài khoản của ngân hàng")

    code = models.CharField(_("mã tài khoản"), max_length=60, unique=True)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=200)
    # Kept by the database from the entries (trigger economy_ledger_apply_entry); never written by code.
    balance = models.BigIntegerField(_("số dư (VND)"), default=0)
    # Only the bank's own accounts (issuance, cash in circulation, settlement) may go below zero.
    allow_negative = models.BooleanField(_("được âm"), default=False)
    # A wallet's limit counters, kept by the database from the entries like the balance (trigger
    # economy_ledger_apply_entry, migration 0011) and read under the same row lock, in the same
    # statement, as the balance: {"on": local day, "day": {operation: VND}, "month": {operation: VND}}
    # for the day `on` and its month. Empty for other kinds of account.
    usage = models.JSONField(_("hạn mức đã dùng"), default=dict, blank=True)
    created_at = models.DateTimeField(_("mở lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("tài khoản sổ cái")
        verbose_name_plural = _("tài khoản sổ cái")
        constraints = [
            models.CheckConstraint(
                condition=Q(allow_negative=True) | Q(balance__gte=0), name="economy_ledger_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["wallet", "agent_float", "agent_cash"], allow_negative=False) | Q(kind="system"),
                name="economy_ledger_only_system_negative",
            ),
        ]

    def __str__(self):
        return f"{self.code} ({self.balance} VND)"


class LedgerTransaction(models.Model):
    class Kind(models.TextChoices):
        CASH_IN = "cash_in", _("Nộp tiền mặt vào ví")
        CASH_OUT = "cash_out", _("Rút tiền mặt từ ví")
        TRANSFER = "transfer", _("Chuyển tiền giữa hai ví")
        PAYMENT = "payment", _("Thanh toán phí, lệ phí")
        FUNDING = "funding", _("Ngân hàng cấp vốn cho đại lý")
        COMMISSION = "commission", _("Hoa hồng đại lý")
        REVERSAL = "reversal", _("Bút toán đảo")

    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    # Every operation carries one: a retry with the same key returns this transaction.
    idempotency_key = models.CharField(_("khóa idempotency"), max_length=120, unique=True)
    # sha256 of the operation's content: the same key with other content is refused.
    fingerprint = models.CharField(max_length=64)
    amount = models.BigIntegerField(_("số tiền (VND)"))
    description = models.CharField(_("nội dung"), max_length=300, blank=True)
    reversal_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by", verbose_name=_("đảo của")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agent = models.ForeignKey(
        "economy.SoftAtmAgent", on_delete=models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    created_at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("giao dịch sổ cái")
        verbose_name_plural = _("giao dịch sổ cái")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="economy_ledger_txn_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind="reversal", reversal_of__isnull=False) | (~Q(kind="reversal") & Q(reversal_of=None)),
                name="economy_ledger_reversal_has_original",
            ),
        ]
        indexes = [models.Index(fields=["agent", "created_at"], name="economy_txn_agent_day_idx")]

    def __str__(self):
        return f"#{self.pk} {self.kind} {self.amount} VND"

    @property
    def reference(self) -> str:
        """What a receipt prints and a customer reads out: GD + the number."""
        return f"GD{self.pk:08d}"


class LedgerEntry(models.Model):
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    # Positive adds to the account's balance, negative takes from it.
    amount = models.BigIntegerField(_("số tiền (VND)"))

    class Meta:
        verbose_name = _("bút toán")
        verbose_name_plural = _("bút toán")
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="economy_ledger_entry_not_zero")]
        indexes = [models.Index(fields=["account", "-id"], name="economy_entry_account_idx")]

    def __str__(self):
        return f"{self.account_id}: {self.amount}"
