"""Paying a public-service or border fee from a wallet, through core's payment interface as the
"wallet" provider (economy/payment_provider.py)."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ServiceError
from core.payments.models import Payment
from economy.models import Wallet
from economy.payment_provider import WalletProvider, signed_confirmation
from economy.services import wallets


def wallet_pay_payment(*, actor, wallet: Wallet, payment: Payment) -> Payment:
    """Pay `payment`'s object from the actor's own wallet. Uses the payment itself when it is a
    wallet link, else a wallet link for the same object (created once, idempotently); debits the
    wallet (ledger, key derived from the link: a double submit debits once) and settles the link
    through core's callback path, all in one transaction. Returns the paid link.

    Refusals (ServiceError, nothing written): the payment is not pending; not enough balance or a
    limit (field `amount`); core will not settle (already paid by another link, amount no longer
    due)."""
    from core.payments.services import payment_create, payment_handle_callback

    if payment.status != Payment.Status.PENDING:
        if payment.is_paid:
            return payment
        raise ServiceError(_("Khoản thanh toán này không còn chờ thanh toán."))
    with transaction.atomic():
        link = payment
        if payment.provider != WalletProvider.name:
            obj = apps.get_model(payment.object_type).objects.get(pk=payment.object_id)
            link = payment_create(
                purpose=payment.purpose,
                amount=payment.amount,
                payer=actor,
                description=payment.description,
                obj=obj,
                idempotency_key=f"wallet:{payment.reference}",
                payer_name=payment.payer_name or wallet.full_name,
                payer_phone=payment.payer_phone or wallet.phone,
                provider=WalletProvider.name,
            )
        link = Payment.objects.select_for_update().get(pk=link.pk)
        if link.is_paid:
            return link
        txn = wallets.wallet_pay(
            actor=actor,
            wallet=wallet,
            amount=link.amount,
            idempotency_key=f"payment:{link.reference}",
            description=_("Thanh toán %(what)s, mã %(ref)s") % {"what": link.description, "ref": link.reference},
            reference=link.reference,
        )
        body, headers = signed_confirmation(
            reference=link.reference, amount=link.amount, transaction_reference=txn.reference
        )
        outcome = payment_handle_callback(provider=WalletProvider.name, body=body, headers=headers, params={})
        refused = outcome.result not in {"paid", "already_paid"}
        if refused:
            # Roll back the debit too: the wallet pays only what settles the object.
            transaction.set_rollback(True)
    if refused:
        message = _("Không thanh toán được khoản này (đã được thanh toán hoặc số tiền đã thay đổi).")
        raise ServiceError(message + " " + _("Ví không bị trừ tiền."))
    link.refresh_from_db()
    return link
