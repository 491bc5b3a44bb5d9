"""The sandbox bank: builds the signed callback a bank would send, for the payment page's sandbox
button and for tests:

    body, headers = signed_callback(payment, status="paid")
    client.post(reverse("payments:callback", kwargs={"provider": "sandbox"}), body,
                content_type="application/json", **headers)
"""

import json
import secrets
import time

from core.payments.models import Payment
from core.payments.providers import SandboxProvider


def callback_body(
    payment: Payment,
    *,
    status: str = "paid",
    amount: int | None = None,
    timestamp: int | None = None,
    nonce: str | None = None,
) -> bytes:
    return json.dumps(
        {
            "reference": payment.reference,
            "amount": payment.amount if amount is None else amount,
            "status": status,
            # Stable per payment and status, as a bank's transaction number is.
            "transaction_id": f"SBX-{payment.reference}-{status}",
            # Signed with the rest: a captured callback cannot be replayed (nonce) or kept for later.
            "timestamp": int(time.time()) if timestamp is None else timestamp,
            "nonce": secrets.token_urlsafe(18) if nonce is None else nonce,
        },
        separators=(",", ":"),
    ).encode()


def signed_callback(payment: Payment, status: str = "paid", **fields) -> tuple[bytes, dict]:
    """(body, headers) ready for the Django test client: `client.post(url, body,
    content_type="application/json", **headers)`. `fields`: amount, timestamp, nonce overrides."""
    body = callback_body(payment, status=status, **fields)
    return body, {"HTTP_X_SIGNATURE": SandboxProvider.sign(body)}


def sandbox_bank_send(payment: Payment, *, status: str = "paid"):
    """What the sandbox bank does when the payer presses its button: send the signed callback.
    It goes through the same verification and service as an HTTP callback (the portal does not
    call itself over HTTP: a single-worker server would deadlock)."""
    from core.payments.services import payment_handle_callback

    body = callback_body(payment, status=status)
    return payment_handle_callback(
        provider="sandbox", body=body, headers={"X-Signature": SandboxProvider.sign(body)}, params={}
    )
