"""The soft-ATM counter: an agent's accounts and funding, cash-in, cash-out confirmed by the
customer's one-time code, the cash the agent declares and the daily reconciliation.

Money flows (each one `ledger_post`, so balanced, locked, idempotent):
- funding:  bank issuance → agent e-money float; bank cash → agent cash drawer;
- cash-in:  agent float → customer wallet, and the customer's cash into the agent's drawer;
- cash-out: customer wallet → agent float, and cash out of the agent's drawer;
- both pay the agent its commission (economy.CommissionRule) from the bank's commission account.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import ConflictError, InvalidTransitionError, NotAllowedError
from economy.models import (
    AgentStaff,
    BankSupervisor,
    CashOutRequest,
    CommissionRule,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Operation,
    Reconciliation,
    SoftAtmAgent,
    Wallet,
)
from economy.services import ledger
from economy.services.wallets import check_amount, check_limits, field_error, vnd, wallet_by_number

Kind = LedgerTransaction.Kind
CODE_TTL = dt.timedelta(minutes=5)
MAX_CODE_ATTEMPTS = 5


def staff_agent(user) -> SoftAtmAgent | None:
    """The active agent point this user works at, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    staff = AgentStaff.objects.select_related("agent").filter(user=user, active=True).first()
    return staff.agent if staff and staff.agent.status == SoftAtmAgent.Status.ACTIVE else None


def _require_staff(actor, agent: SoftAtmAgent) -> None:
    if staff_agent(actor) != agent:
        raise NotAllowedError(_("Bạn không làm việc tại điểm ATM mềm này."))


def agent_accounts(agent: SoftAtmAgent) -> SoftAtmAgent:
    """Give an agent its two ledger accounts (e-money float and cash drawer) if it has none yet."""
    if agent.float_account_id and agent.cash_account_id:
        return agent
    with transaction.atomic():
        agent = SoftAtmAgent.objects.select_for_update().get(pk=agent.pk)
        if not agent.float_account_id:
            agent.float_account = ledger.account_open(
                code=f"A:{agent.pk}:FLOAT", kind=LedgerAccount.Kind.AGENT_FLOAT, name=agent.name
            )
        if not agent.cash_account_id:
            agent.cash_account = ledger.account_open(
                code=f"A:{agent.pk}:CASH", kind=LedgerAccount.Kind.AGENT_CASH, name=agent.name
            )
        agent.save(update_fields=["float_account", "cash_account"])
    return agent


def agent_fund(*, actor, agent: SoftAtmAgent, emoney: int, cash: int, idempotency_key: str) -> LedgerTransaction:
    """The bank funds an agent: e-money into its float and cash into its drawer (either may be 0).
    Only the bank's supervisor (or the system: actor None, for demo data)."""
    if actor is not None and not BankSupervisor.objects.filter(user=actor, bank=agent.bank).exists():
        raise NotAllowedError(_("Chỉ giám sát viên của ngân hàng cấp vốn cho đại lý."))
    agent = agent_accounts(agent)
    legs = []
    if emoney:
        legs += [(ledger.system_account("SYS:ISSUANCE"), -emoney), (agent.float_account_id, emoney)]
    if cash:
        legs += [(ledger.system_account("SYS:CASH"), -cash), (agent.cash_account_id, cash)]
    if not legs or emoney < 0 or cash < 0:
        raise field_error("amount", _("Số tiền phải là số nguyên dương, tính bằng đồng."))
    return ledger.ledger_post(
        kind=Kind.FUNDING,
        idempotency_key=idempotency_key,
        legs=legs,
        amount=emoney + cash,
        description=_("Ngân hàng cấp vốn cho đại lý %(name)s") % {"name": agent.name},
        actor=actor,
        agent=agent,
        extra={"agent": agent.pk, "emoney": emoney, "cash": cash},
    )


def _commission_legs(agent: SoftAtmAgent, operation: str, amount: int) -> list[tuple[int, int]]:
    rule = (
        CommissionRule.objects.filter(operation=operation, valid_from__lte=timezone.localdate())
        .order_by("-valid_from")
        .first()
    )
    commission = rule.commission_for(amount) if rule else 0
    if commission <= 0:
        return []
    return [(ledger.system_account("SYS:COMMISSION"), -commission), (agent.float_account_id, commission)]


def cash_in(*, actor, agent: SoftAtmAgent, wallet_number: str, amount, idempotency_key: str) -> LedgerTransaction:
    """The customer hands cash to the agent; the agent's e-money goes to the customer's wallet.
    Field errors: `wallet` (unknown or frozen), `amount` (not positive whole VND, over a limit,
    more than the agent's e-money float). Retry-safe with the same key. Audited."""
    _require_staff(actor, agent)
    amount = check_amount(amount)
    wallet = wallet_by_number(wallet_number)
    agent = agent_accounts(agent)
    legs = [
        (agent.float_account_id, -amount),
        (wallet.account_id, amount),
        (ledger.system_account("SYS:CASH"), -amount),
        (agent.cash_account_id, amount),
        *_commission_legs(agent, Operation.CASH_IN, amount),
    ]
    try:
        return ledger.ledger_post(
            kind=Kind.CASH_IN,
            idempotency_key=idempotency_key,
            legs=legs,
            amount=amount,
            description=_("Nộp tiền mặt vào ví %(number)s tại %(agent)s")
            % {"number": wallet.number, "agent": agent.name},
            actor=actor,
            agent=agent,
            extra={"wallet": wallet.number, "agent": agent.pk},
            guard=lambda accounts: check_limits(
                account=accounts[wallet.account_id], operation=Operation.CASH_IN, amount=amount
            ),
        )
    except ledger.InsufficientFundsError:
        raise field_error(
            "amount", _("Số dư điện tử của điểm ATM mềm không đủ để nhận %(amount)s.") % {"amount": vnd(amount)}
        ) from None


# --- cash-out with a one-time code ----------------------------------------------------------------


def _hash_code(request_key: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{request_key}:{code}".encode(), hashlib.sha256).hexdigest()


def _cash_out_precheck(agent: SoftAtmAgent, wallet: Wallet, amount: int) -> None:
    """Refuse early (before a code is sent) what would be refused at confirmation."""
    accounts = LedgerAccount.objects.in_bulk([wallet.account_id, agent.cash_account_id])
    if accounts[wallet.account_id].balance < amount:
        raise field_error("amount", _("Số dư ví không đủ để rút %(amount)s.") % {"amount": vnd(amount)})
    if accounts[agent.cash_account_id].balance < amount:
        raise field_error("amount", _("Điểm ATM mềm không đủ tiền mặt để chi %(amount)s.") % {"amount": vnd(amount)})
    check_limits(account=accounts[wallet.account_id], operation=Operation.CASH_OUT, amount=amount)


def cash_out_request(*, actor, agent: SoftAtmAgent, wallet_number: str, amount, idempotency_key: str) -> CashOutRequest:
    """Start a cash-out: check it could go through, then send the customer a one-time code by SMS
    (core.notifications, after commit). A double submit with the same key returns the same request
    (no second code). Field errors as for cash_in, plus the agent's cash. Audited."""
    from core.notifications.services import notify

    _require_staff(actor, agent)
    amount = check_amount(amount)
    key = (idempotency_key or "").strip()[:120]
    if not key:
        raise field_error("idempotency_key", _("Thiếu mã giao dịch (khóa idempotency)."))
    existing = CashOutRequest.objects.filter(idempotency_key=key).select_related("wallet").first()
    if existing is not None:
        if (existing.agent_id, existing.wallet.number, existing.amount) != (agent.pk, wallet_number.strip(), amount):
            raise field_error(
                "idempotency_key", _("Mã giao dịch này đã được dùng cho một yêu cầu rút tiền khác."), ConflictError
            )
        return existing
    wallet = wallet_by_number(wallet_number)
    agent = agent_accounts(agent)
    _cash_out_precheck(agent, wallet, amount)
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        request = CashOutRequest.objects.create(
            agent=agent,
            wallet=wallet,
            amount=amount,
            idempotency_key=key,
            code_hash=_hash_code(key, code),
            created_by=actor,
            expires_at=timezone.now() + CODE_TTL,
        )
        notify(
            event="economy.cash_out.code",
            subject=_("Mã xác nhận rút tiền"),
            body=_(
                "Mã xác nhận rút %(amount)s từ ví %(number)s tại %(agent)s: %(code)s. Mã hết hạn sau 5 phút. "
                "Chỉ đọc mã cho nhân viên khi bạn đang ở quầy."
            )
            % {"amount": vnd(amount), "number": wallet.number, "agent": agent.name, "code": code},
            phone=wallet.phone,
            channels=("sms",),
            dedupe_key=f"economy.cash_out:{request.pk}",
        )
        audit_record(
            actor=actor,
            action="economy.cash_out.request",
            obj=request,
            after={"wallet": wallet.number, "amount": amount, "agent": agent.pk},
        )
    return request


def cash_out_confirm(*, actor, request_id: int, code: str) -> LedgerTransaction:
    """The customer reads out the code; the agent pays the cash. Refused with a `code` field error:
    a wrong code (counted; after 5 the request is cancelled), an expired one, one already used (a
    second cash-out with the same code writes nothing). Balance, float and limits are checked again
    under the locks. Audited (`economy.cash_out.confirm`, `economy.ledger.cash_out`)."""
    code = "".join((code or "").split())
    with transaction.atomic():
        request = (
            CashOutRequest.objects.select_for_update().select_related("wallet", "agent").filter(pk=request_id).first()
        )
        if request is None:
            raise field_error("code", _("Không tìm thấy yêu cầu rút tiền."))
        _require_staff(actor, request.agent)
        if request.status == CashOutRequest.Status.USED:
            raise field_error("code", _("Mã xác nhận này đã được dùng: tiền đã được chi, không chi lần hai."))
        if request.status == CashOutRequest.Status.REVERSED:
            raise field_error(
                "code", _("Lần rút tiền này đã được ngân hàng đảo (tiền đã hoàn vào ví). Hãy tạo yêu cầu mới.")
            )
        if request.status == CashOutRequest.Status.CANCELLED:
            raise field_error("code", _("Yêu cầu rút tiền đã bị hủy (nhập sai mã quá nhiều lần). Hãy tạo yêu cầu mới."))
        # An expiry or a wrong attempt is recorded (committed) before the refusal is raised.
        outcome = "ok"
        if request.status == CashOutRequest.Status.EXPIRED or request.expires_at <= timezone.now():
            if request.status == CashOutRequest.Status.PENDING:
                _set_status(request, CashOutRequest.Status.EXPIRED, actor)
            outcome = "expired"
        elif not hmac.compare_digest(request.code_hash, _hash_code(request.idempotency_key, code)):
            request.attempts += 1
            if request.attempts >= MAX_CODE_ATTEMPTS:
                _set_status(request, CashOutRequest.Status.CANCELLED, actor)
            else:
                request.save(update_fields=["attempts"])
            outcome = "wrong"
    if outcome == "expired":
        raise field_error("code", _("Mã xác nhận đã hết hạn. Hãy tạo yêu cầu rút tiền mới."))
    if outcome == "wrong":
        left = MAX_CODE_ATTEMPTS - request.attempts
        if left <= 0:
            raise field_error("code", _("Sai mã quá %(n)s lần: yêu cầu rút tiền đã bị hủy.") % {"n": MAX_CODE_ATTEMPTS})
        raise field_error("code", _("Mã xác nhận không đúng (còn %(n)s lần thử).") % {"n": left})
    return _cash_out_pay(actor=actor, request_id=request.pk)


def _set_status(request: CashOutRequest, status: str, actor) -> None:
    before = request.status
    request.status = status
    request.save(update_fields=["status", "attempts"])
    audit_record(
        actor=actor,
        action=f"economy.cash_out.{status}",
        obj=request,
        before={"status": before},
        after={"status": status},
    )


def _cash_out_pay(*, actor, request_id: int) -> LedgerTransaction:
    with transaction.atomic():
        request = CashOutRequest.objects.select_for_update().select_related("wallet", "agent").get(pk=request_id)
        if request.status != CashOutRequest.Status.PENDING:
            raise field_error("code", _("Mã xác nhận này đã được dùng: tiền đã được chi, không chi lần hai."))
        agent, wallet, amount = agent_accounts(request.agent), request.wallet, request.amount
        legs = [
            (wallet.account_id, -amount),
            (agent.float_account_id, amount),
            (agent.cash_account_id, -amount),
            (ledger.system_account("SYS:CASH"), amount),
            *_commission_legs(agent, Operation.CASH_OUT, amount),
        ]
        try:
            txn = ledger.ledger_post(
                kind=Kind.CASH_OUT,
                idempotency_key=f"cash-out:{request.idempotency_key}",
                legs=legs,
                amount=amount,
                description=_("Rút tiền mặt từ ví %(number)s tại %(agent)s")
                % {"number": wallet.number, "agent": agent.name},
                actor=actor,
                agent=agent,
                extra={"wallet": wallet.number, "agent": agent.pk, "request": request.pk},
                guard=lambda accounts: check_limits(
                    account=accounts[wallet.account_id],
                    operation=Operation.CASH_OUT,
                    amount=amount,
                    field="code",
                ),
            )
        except ledger.InsufficientFundsError as exc:
            if exc.account.pk == wallet.account_id:
                raise field_error("code", _("Số dư ví không đủ để rút %(amount)s.") % {"amount": vnd(amount)}) from None
            raise field_error(
                "code", _("Điểm ATM mềm không đủ tiền mặt để chi %(amount)s.") % {"amount": vnd(amount)}
            ) from None
        request.transaction = txn
        request.status = CashOutRequest.Status.USED
        request.save(update_fields=["transaction", "status"])
        audit_record(
            actor=actor,
            action="economy.cash_out.confirm",
            obj=request,
            before={"status": "pending"},
            after={"status": "used", "transaction": txn.pk},
        )
    return txn


# --- the day's cash and its reconciliation --------------------------------------------------------


def _day_end(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def expected_cash(agent: SoftAtmAgent, day: dt.date) -> int:
    """The cash the ledger says the agent held at the end of `day` (local time)."""
    if not agent.cash_account_id:
        return 0
    total = LedgerEntry.objects.filter(
        account_id=agent.cash_account_id, transaction__created_at__lt=_day_end(day)
    ).aggregate(s=Sum("amount"))["s"]
    return total or 0


def agent_declare_cash(*, actor, agent: SoftAtmAgent, day: dt.date, amount) -> Reconciliation:
    """The agent counts its drawer at closing and declares the cash. Can be corrected until the
    reconciliation has run. Field error `declared_cash`."""
    _require_staff(actor, agent)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise field_error("declared_cash", _("Số tiền phải là số nguyên không âm, tính bằng đồng."))
    if day > timezone.localdate():
        raise field_error("declared_cash", _("Chưa thể khai báo cho ngày chưa tới."))
    with transaction.atomic():
        row, _created = Reconciliation.objects.select_for_update().get_or_create(agent=agent, day=day)
        if row.status != Reconciliation.Status.PENDING:
            raise InvalidTransitionError(
                _("Ngày %(day)s đã đối soát; liên hệ giám sát viên ngân hàng.") % {"day": day.strftime("%d/%m/%Y")},
                errors={"declared_cash": [_("Ngày này đã đối soát.")]},
            )
        before = row.declared_cash
        row.declared_cash, row.declared_by = amount, actor
        row.save(update_fields=["declared_cash", "declared_by"])
        audit_record(
            actor=actor,
            action="economy.reconciliation.declare",
            obj=row,
            before={"declared_cash": before},
            after={"declared_cash": amount},
        )
    return row


def reconcile_agent_day(*, agent_id: int, day: dt.date) -> Reconciliation:
    """Compare the ledger's cash with the declaration (the Celery job, per agent and day):
    matched, or flagged to the bank's supervisors (notified) when they differ or nothing was
    declared. Idempotent: a reconciled day is left as it is."""
    from core.notifications.services import notify

    with transaction.atomic():
        agent = SoftAtmAgent.objects.get(pk=agent_id)
        row, _created = Reconciliation.objects.select_for_update().get_or_create(agent=agent, day=day)
        if row.status != Reconciliation.Status.PENDING:
            return row
        row.expected_cash = expected_cash(agent, day)
        row.checked_at = timezone.now()
        matched = row.declared_cash is not None and row.declared_cash == row.expected_cash
        row.status = Reconciliation.Status.MATCHED if matched else Reconciliation.Status.FLAGGED
        row.save(update_fields=["expected_cash", "checked_at", "status"])
        audit_record(
            actor=None,
            actor_label="system:economy.reconcile",
            action=f"economy.reconciliation.{row.status}",
            obj=row,
            before={"status": "pending"},
            after={"status": row.status, "expected_cash": row.expected_cash, "declared_cash": row.declared_cash},
        )
        if not matched:
            for supervisor in BankSupervisor.objects.filter(bank=agent.bank).select_related("user"):
                notify(
                    event="economy.reconciliation.flagged",
                    subject=_("Chênh lệch tiền mặt tại điểm ATM mềm"),
                    body=_("Điểm %(agent)s, ngày %(day)s: sổ cái %(expected)s, khai báo %(declared)s.")
                    % {
                        "agent": agent.name,
                        "day": day.strftime("%d/%m/%Y"),
                        "expected": vnd(row.expected_cash),
                        "declared": vnd(row.declared_cash) if row.declared_cash is not None else _("chưa khai báo"),
                    },
                    user=supervisor.user,
                    channels=("email",),
                    dedupe_key=f"economy.reconciliation:{row.pk}:{supervisor.pk}",
                )
    return row


def reconciliation_resolve(*, actor, reconciliation: Reconciliation, resolution: str) -> Reconciliation:
    """flagged → resolved by the supervisor of the agent's bank, with what was done (required)."""
    resolution = (resolution or "").strip()
    if len(resolution) < 5:
        raise field_error("resolution", _("Ghi rõ cách xử lý chênh lệch (ít nhất 5 ký tự)."))
    with transaction.atomic():
        row = Reconciliation.objects.select_for_update().select_related("agent").get(pk=reconciliation.pk)
        if not BankSupervisor.objects.filter(user=actor, bank=row.agent.bank).exists():
            raise NotAllowedError(_("Chỉ giám sát viên của ngân hàng xử lý được chênh lệch này."))
        if row.status != Reconciliation.Status.FLAGGED:
            raise InvalidTransitionError(_("Chỉ xử lý được ngày có chênh lệch chưa xử lý."))
        row.status, row.resolution, row.resolved_by, row.resolved_at = (
            Reconciliation.Status.RESOLVED,
            resolution[:2000],
            actor,
            timezone.now(),
        )
        row.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
        audit_record(
            actor=actor,
            action="economy.reconciliation.resolve",
            obj=row,
            before={"status": "flagged"},
            after={"status": "resolved", "resolution": resolution[:500]},
        )
    return row


# --- reversals by the bank's supervisor -------------------------------------------------------------


def supervisor_can_reverse(supervisor: BankSupervisor, txn: LedgerTransaction) -> bool:
    """A supervisor reverses operations of their bank's agents, and transfers or payments of
    wallets opened at those agents."""
    if txn.kind == Kind.REVERSAL:
        return False
    if txn.agent_id is not None:
        return txn.agent.bank == supervisor.bank
    return Wallet.objects.filter(account__entries__transaction=txn, opened_by_agent__bank=supervisor.bank).exists()


def transaction_reverse(*, actor, transaction_id: int, reason: str, idempotency_key: str) -> LedgerTransaction:
    """The bank's supervisor undoes an operation with a compensating transaction (the original is
    never edited), giving the reason, which is kept on the reversal and in the audit log
    (`economy.ledger.reversal`). A double submit with the same key returns the same reversal.
    Refusals: `reason` shorter than 10 characters; NotAllowedError for anyone but a supervisor of
    the operation's bank; InvalidTransitionError when it was already reversed (or is a reversal);
    ServiceError on `reason` when the money has been spent since (an account would go negative)."""
    reason = " ".join((reason or "").split())
    supervisor = BankSupervisor.objects.filter(user=actor).first() if getattr(actor, "pk", None) else None
    txn = LedgerTransaction.objects.select_related("agent").filter(pk=transaction_id).first()
    if supervisor is None or txn is None or not supervisor_can_reverse(supervisor, txn):
        raise NotAllowedError(_("Chỉ giám sát viên của ngân hàng đảo được giao dịch này."))
    if len(reason) < 10:
        raise field_error("reason", _("Ghi rõ lý do đảo giao dịch (ít nhất 10 ký tự)."))
    key = (idempotency_key or "").strip()[:100]
    if not key:
        raise field_error("idempotency_key", _("Thiếu mã giao dịch (khóa idempotency)."))
    key = f"reverse:{key}"
    existing = LedgerTransaction.objects.filter(reversal_of=txn).first()
    if existing is not None:
        if existing.idempotency_key == key:  # the same request sent again
            existing.replayed = True
            return existing
        already = _("Giao dịch %(ref)s đã được đảo (%(by)s).") % {"ref": txn.reference, "by": existing.reference}
        raise InvalidTransitionError(already, errors={"reason": [already]})
    try:
        with transaction.atomic():
            reversal = ledger.ledger_reverse(
                original=txn,
                idempotency_key=key,
                actor=actor,
                reason=_("Đảo giao dịch %(ref)s: %(reason)s") % {"ref": txn.reference, "reason": reason},
            )
            if txn.kind == Kind.CASH_OUT and not reversal.replayed:
                _cash_out_reversed(txn, reversal, actor)
    except ledger.InsufficientFundsError:
        raise field_error(
            "reason",
            _("Không đảo được: tiền của giao dịch này đã được dùng (một tài khoản sẽ bị âm)."),
        ) from None
    return reversal


def _cash_out_reversed(txn: LedgerTransaction, reversal: LedgerTransaction, actor) -> None:
    """used → reversed for the cash-out request that `txn` paid out, in the reversal's own database
    transaction (both happen or neither), audited as `economy.cash_out.reversed`."""
    request = CashOutRequest.objects.select_for_update().filter(transaction=txn).first()
    if request is None or request.status != CashOutRequest.Status.USED:
        return
    request.status = CashOutRequest.Status.REVERSED
    request.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="economy.cash_out.reversed",
        obj=request,
        before={"status": "used"},
        after={"status": "reversed", "reversal": reversal.pk},
    )
