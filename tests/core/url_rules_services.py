"""Access rules of the core services' pages (payments, signature verification, audit log)."""

from core.payments.registry import register_purpose
from tests.url_matrix import PUBLIC, SKIP, Rule, roles

register_purpose("tests.matrix", label="Matrix")


def _payment(personas, *, paid=False):
    from core.payments.sandbox import sandbox_bank_send
    from core.payments.services import payment_create

    payment = payment_create(
        purpose="tests.matrix",
        amount=10_000,
        payer=None,
        description="matrix",
        obj=personas["citizen"],
        idempotency_key=f"matrix-{paid}",
    )
    if paid:
        sandbox_bank_send(payment)
    return {"token": payment.token}


def _signed(personas):
    from core.pdf import render_pdf
    from core.signing.services import sign_pdf

    document = sign_pdf(
        pdf_bytes=render_pdf("core/pdf/document.html", {"title": "Matrix"}),
        title="Matrix",
        signer_agency=personas["department_official"].agency,
    )
    return {"code": document.verification_code}


OFFICIALS = (
    "commune_official",
    "department_official",
    "province_leader",
    "border_officer",
    "party_official",
    "system_administrator",
)

RULES = [
    # Whoever holds the payment link (drivers have no account) may see and pay it.
    Rule("payments:detail", PUBLIC, kwargs=_payment),
    Rule("payments:receipt", PUBLIC, kwargs=lambda p: _payment(p, paid=True)),
    Rule("payments:sandbox-pay", SKIP("POST only; tested in tests/core/test_payments.py")),
    Rule("payments:callback", SKIP("server-to-server signed POST; tested in tests/core/test_payments.py")),
    # Money to pay back: the finance office only (tests/core/test_payments_trust.py).
    Rule("payments:refunds", roles("finance_officer")),
    Rule("payments:refund-done", SKIP("POST only; tested in tests/core/test_payments_trust.py")),
    # Signature verification is public: the QR code on a paper copy leads here.
    Rule("signing:upload", PUBLIC),
    Rule("signing:ca-certificate", PUBLIC),
    Rule("signing:verify", PUBLIC, kwargs=_signed),
    # Every official may open it; what rows each one sees is tested in tests/core/test_audit.py.
    Rule("audit:log", roles(*OFFICIALS)),
]
