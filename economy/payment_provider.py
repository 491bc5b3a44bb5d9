"""The soft-ATM e-wallet as a payment provider of core.payments ("wallet"), registered in
EconomyConfig.ready() through core's hook (core imports no pillar).

The payer pays on economy's page (`economy:wallet-pay`): the wallet is debited in the ledger and,
in the same database transaction, the payment is settled through core's one callback path
(`payment_handle_callback`), like any bank's confirmation: signed, with a timestamp and a nonce,
checked against the link's amount, one paid payment per object. If core refuses to settle (the
object was already paid, the amount is no longer due), the whole transaction rolls back and the
wallet keeps its money."""

import hashlib
import hmac
import json
import time
from collections.abc import Mapping

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.payments.providers import (
    NONCE_RE,
    CallbackData,
    InvalidCallbackError,
    PaymentProvider,
    PaymentRequest,
)

HEADER = "X-Wallet-Signature"


def _sign(body: bytes) -> str:
    # A key of its own, derived from the callback secret: a sandbox signature is not a wallet one.
    key = hmac.new(settings.PORTAL_PAYMENT_CALLBACK_SECRET.encode(), b"economy.wallet", hashlib.sha256).digest()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def signed_confirmation(*, reference: str, amount: int, transaction_reference: str) -> tuple[bytes, dict]:
    """The body and headers the wallet sends core for a debited payment (nonce: the ledger
    transaction, so one debit settles at most once)."""
    body = json.dumps(
        {
            "reference": reference,
            "amount": amount,
            "status": "paid",
            "transaction_id": transaction_reference,
            "timestamp": int(time.time()),
            "nonce": f"wallet-{transaction_reference}-{reference}",
        },
        separators=(",", ":"),
    ).encode()
    return body, {HEADER: _sign(body)}


class WalletProvider(PaymentProvider):
    name = "wallet"
    label = _("Trả bằng ví điện tử (ATM mềm)")

    def create_payment_request(self, payment) -> PaymentRequest:
        return PaymentRequest(redirect_url=reverse("economy:wallet-pay", kwargs={"token": payment.token}))

    def alternative_url(self, payment) -> str:
        return reverse("economy:wallet-pay", kwargs={"token": payment.token})

    def verify_callback(self, *, body: bytes, headers: Mapping[str, str], params: Mapping[str, str]) -> CallbackData:
        signature = headers.get(HEADER, "")
        if not signature or not hmac.compare_digest(signature.lower(), _sign(body)):
            raise InvalidCallbackError("bad signature")
        try:
            data = json.loads(body)
            reference, amount, status = str(data["reference"]), data["amount"], data["status"]
            transaction_id, timestamp, nonce = str(data["transaction_id"])[:100], data["timestamp"], data["nonce"]
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidCallbackError("malformed body") from exc
        if not isinstance(amount, int) or isinstance(amount, bool) or status != "paid":
            raise InvalidCallbackError("malformed body")
        if not isinstance(timestamp, int) or isinstance(timestamp, bool) or not isinstance(nonce, str):
            raise InvalidCallbackError("malformed body")
        if not NONCE_RE.fullmatch(nonce):
            raise InvalidCallbackError("malformed nonce")
        return CallbackData(
            reference=reference,
            amount=amount,
            status=status,
            transaction_id=transaction_id,
            raw=data,
            timestamp=timestamp,
            nonce=nonce,
        )
