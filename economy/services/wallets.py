"""Customers' wallets: opening (KYC, one per person), limits, wallet-to-wallet transfers and paying
from a wallet. Money moves only through `economy.services.ledger.ledger_post`."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import ConflictError, NotAllowedError, ServiceError
from core.users.validators import normalize_vn_phone, validate_citizen_id, validate_vn_phone
from economy.models import Household, LedgerAccount, LedgerTransaction, Operation, Wallet
from economy.services import ledger, limits

Kind = LedgerTransaction.Kind


def vnd(amount: int) -> str:
    return f"{number_format(amount, force_grouping=True)} đ"


def field_error(field: str, message: str, cls=ServiceError) -> ServiceError:
    return cls(message, errors={field: [message]})


def check_amount(amount, field: str = "amount") -> int:
    """Amounts are positive whole VND: refuse anything else with a field message."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise field_error(field, _("Số tiền phải là số nguyên dương, tính bằng đồng."))
    return amount


# --- opening -------------------------------------------------------------------------------------


def _new_number() -> str:
    return "9" + "".join(str(secrets.randbelow(10)) for _digit in range(9))


def _household_for(commune, citizen_id: str, household_code: str) -> tuple[Household | None, dict]:
    """The household of `commune`'s register the wallet belongs to: the one whose code the person
    gave (a field error `household_code` when the commune has none such), else the one whose head
    has this citizen ID, else none."""
    code = "".join((household_code or "").split()).upper()
    if code:
        household = next(iter(Household.objects.filter(commune=commune, code=code)[:1]), None)
        if household is None:
            return None, {"household_code": [_("Sổ hộ của xã không có mã hộ %(code)s.") % {"code": code}]}
        return household, {}
    return next(iter(Household.objects.filter(commune=commune, head_citizen_id=citizen_id)[:1]), None), {}


def wallet_open(
    *, actor, citizen_id: str, phone: str, full_name: str, commune, agent=None, user=None, household_code: str = ""
) -> Wallet:
    """Open a wallet after KYC (citizen ID number and phone). At an agent (`agent` set: the actor is
    its staff) or by the signed-in citizen for themselves (`user` = actor). One wallet per person:
    a second one for the same citizen ID raises ConflictError. The wallet is linked to the person's
    household of the commune's register (the code given, or the household the person heads), so its
    use counts in the household shares. Audited as `economy.wallet.open`."""
    errors: dict[str, list[str]] = {}
    citizen_id = (citizen_id or "").strip()
    phone = normalize_vn_phone(phone or "")
    full_name = " ".join((full_name or "").split())
    for field, validator, value in (
        ("citizen_id", validate_citizen_id, citizen_id),
        ("phone", validate_vn_phone, phone),
    ):
        try:
            validator(value)
        except ValidationError as exc:
            errors[field] = [str(m) for m in exc.messages]
    if len(full_name) < 2:
        errors["full_name"] = [_("Nhập họ và tên như trên CCCD.")]
    if commune is None:
        errors["commune"] = [_("Chọn xã, phường nơi cư trú.")]
        household = None
    else:
        household, household_errors = _household_for(commune, citizen_id, household_code)
        errors.update(household_errors)
    if errors:
        raise ServiceError(_("Thông tin mở ví chưa hợp lệ."), errors=errors)
    if user is not None and Wallet.objects.filter(user=user).exists():
        raise field_error("citizen_id", _("Tài khoản của bạn đã có ví."), ConflictError)
    if Wallet.objects.filter(citizen_id=citizen_id).exists():
        raise field_error("citizen_id", _("Người có số CCCD này đã có ví (mỗi người một ví)."), ConflictError)
    for _attempt in range(5):
        number = _new_number()
        try:
            with transaction.atomic():
                account = ledger.account_open(code=f"W:{number}", kind=LedgerAccount.Kind.WALLET, name=full_name)
                wallet = Wallet.objects.create(
                    number=number,
                    citizen_id=citizen_id,
                    phone=phone,
                    full_name=full_name,
                    commune=commune,
                    user=user,
                    account=account,
                    opened_by_agent=agent,
                    household=household,
                )
                audit_record(
                    actor=actor,
                    action="economy.wallet.open",
                    obj=wallet,
                    after={
                        "number": number,
                        "commune": commune.code,
                        "agent": getattr(agent, "pk", None),
                        "household": getattr(household, "code", None),
                    },
                )
            return wallet
        except IntegrityError:
            if Wallet.objects.filter(citizen_id=citizen_id).exists():
                raise field_error(
                    "citizen_id", _("Người có số CCCD này đã có ví (mỗi người một ví)."), ConflictError
                ) from None
            # Otherwise the random number collided: draw another.
    raise ServiceError(_("Không tạo được số ví, hãy thử lại."))


def wallet_by_number(number: str, *, field: str = "wallet") -> Wallet:
    """The active wallet with this number, or a field error the person can act on."""
    number = "".join((number or "").split())
    # [:1], not first(): no ORDER BY, the number's unique index answers alone.
    wallet = next(iter(Wallet.objects.filter(number=number)[:1]), None)
    if wallet is None:
        raise field_error(field, _("Không tìm thấy ví số %(number)s.") % {"number": number or "—"})
    if wallet.status != Wallet.Status.ACTIVE:
        raise field_error(field, _("Ví số %(number)s đang tạm khóa.") % {"number": number})
    return wallet


# --- limits (economy.services.limits; re-exported for the callers that import them from here) ------

check_limits = limits.check_limits
rules_on = limits.rules_on
clear_rules_cache = limits.clear_rules_cache


# --- moving money between wallets ----------------------------------------------------------------


def wallet_transfer(*, actor, source: Wallet, to_number: str, amount, idempotency_key: str) -> LedgerTransaction:
    """Move `amount` from `source` (the actor's own wallet) to the wallet numbered `to_number`.
    Field errors: `to_wallet` (unknown, frozen, the same wallet), `amount` (not a positive whole
    VND, over a limit, more than the balance, the source wallet frozen). A retry with the same key
    returns the first transfer. Audited as `economy.ledger.transfer`.
    The target wallet is found by its ledger account's code in the statement that locks both
    accounts (no lookup of its own: this is the hot path of bench/economy)."""
    if source.user_id is None or getattr(actor, "pk", None) != source.user_id:
        raise NotAllowedError(_("Bạn chỉ chuyển tiền được từ ví của mình."))
    amount = check_amount(amount)
    number = "".join((to_number or "").split())
    if not number.isdigit():
        raise field_error("to_wallet", _("Không tìm thấy ví số %(number)s.") % {"number": number or "—"})
    if number == source.number:
        raise field_error("to_wallet", _("Không thể chuyển tiền cho chính ví này."))
    try:
        return ledger.ledger_post(
            kind=Kind.TRANSFER,
            idempotency_key=idempotency_key,
            legs=[(source.account_id, -amount), (ledger.wallet_account_code(number), amount)],
            amount=amount,
            description=_("Chuyển tiền từ ví %(a)s đến ví %(b)s") % {"a": source.number, "b": number},
            actor=actor,
            extra={"from": source.number, "to": number},
            guard=lambda accounts: check_limits(
                account=accounts[source.account_id], operation=Operation.TRANSFER, amount=amount
            ),
        )
    except ledger.UnknownAccountError:
        raise field_error("to_wallet", _("Không tìm thấy ví số %(number)s.") % {"number": number}) from None
    except ledger.InactiveWalletError as exc:
        if exc.account.pk == source.account_id:
            raise field_error("amount", _("Ví của bạn đang tạm khóa: không chuyển tiền được.")) from None
        raise field_error("to_wallet", _("Ví số %(number)s đang tạm khóa.") % {"number": number}) from None
    except ledger.InsufficientFundsError:
        raise field_error("amount", _("Số dư ví không đủ để chuyển %(amount)s.") % {"amount": vnd(amount)}) from None


def wallet_pay(
    *, actor, wallet: Wallet, amount: int, idempotency_key: str, description: str, reference: str
) -> LedgerTransaction:
    """Pay `amount` from the actor's own wallet to the state treasury's collection account (a fee of a
    public service or of the border gate; `reference` is the payment's). Same refusals as a transfer.
    Used by the wallet payment provider (economy/payment_provider.py)."""
    if wallet.user_id is None or getattr(actor, "pk", None) != wallet.user_id:
        raise NotAllowedError(_("Bạn chỉ thanh toán được từ ví của mình."))
    if wallet.status != Wallet.Status.ACTIVE:
        raise field_error("wallet", _("Ví số %(number)s đang tạm khóa.") % {"number": wallet.number})
    amount = check_amount(amount)
    try:
        return ledger.ledger_post(
            kind=Kind.PAYMENT,
            idempotency_key=idempotency_key,
            legs=[(wallet.account_id, -amount), (ledger.system_account("SYS:TREASURY"), amount)],
            amount=amount,
            description=description[:300],
            actor=actor,
            extra={"wallet": wallet.number, "reference": reference},
            guard=lambda accounts: check_limits(
                account=accounts[wallet.account_id], operation=Operation.PAYMENT, amount=amount
            ),
        )
    except ledger.InsufficientFundsError:
        raise field_error(
            "amount", _("Số dư ví không đủ để thanh toán %(amount)s.") % {"amount": vnd(amount)}
        ) from None
