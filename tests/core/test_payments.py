import json
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from core.audit.models import AuditLog
from core.payments import vietqr
from core.payments.models import Payment
from core.payments.registry import register_purpose, unregister_purpose
from core.payments.sandbox import signed_callback
from core.payments.services import (
    IdempotencyConflictError,
    InvalidTransitionError,
    payment_cancel,
    payment_create,
    payment_expire_stale,
    payment_receipt_pdf,
)
from core.payments.templatetags.vnd import vnd

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = pytest.mark.usefixtures("calm_clock")

CALLBACK = reverse("payments:callback", kwargs={"provider": "sandbox"})


@pytest.fixture
def paid_calls():
    calls = []

    def on_paid(payment):
        calls.append((payment.pk, payment.status, payment.receipt_number))

    register_purpose("tests.fee", label="Lệ phí thử nghiệm", on_paid=on_paid, return_url=lambda p: "/returned/")
    yield calls
    unregister_purpose("tests.fee")


@pytest.fixture
def target(db):
    from core.agencies.models import Agency

    return Agency.objects.get(code="so-khcn")


@pytest.fixture
def payment(paid_calls, target, citizen):
    return payment_create(
        purpose="tests.fee",
        amount=1_234_000,
        payer=citizen,
        description="Lệ phí cấp giấy phép",
        obj=target,
        idempotency_key="test-1",
    )


def _callback(client, payment, status="paid", **kw):
    body, headers = signed_callback(payment, status=status, **kw)
    return client.post(CALLBACK, body, content_type="application/json", **headers)


# --- VietQR ----------------------------------------------------------------------------------


def test_crc16_ccitt_false_check_value():
    # The catalogue check value of CRC-16/CCITT-FALSE.
    assert vietqr.crc16_ccitt_false(b"123456789") == 0x29B1


def test_vietqr_payload_fields_and_crc():
    payload = vietqr.build_payload(bank_bin="970436", account="0011001234567", amount=1234000, reference="LSABC")
    fields = vietqr.parse_payload(payload)
    assert fields["00"] == "01" and fields["01"] == "12"
    assert fields["53"] == "704" and fields["54"] == "1234000" and fields["58"] == "VN"
    account = vietqr.parse_payload(fields["38"])
    assert account["00"] == "A000000727" and account["02"] == "QRIBFTTA"
    assert vietqr.parse_payload(account["01"]) == {"00": "970436", "01": "0011001234567"}
    assert vietqr.parse_payload(fields["62"]) == {"08": "LSABC"}
    assert payload[-8:-4] == "6304" and vietqr.crc_is_valid(payload)
    assert not vietqr.crc_is_valid(payload[:-1] + ("0" if payload[-1] != "0" else "1"))
    with pytest.raises(ValueError):
        vietqr.build_payload(bank_bin="97", account="1", amount=1, reference="X")


def test_vnd_format():
    assert vnd(1234000) == "1.234.000 ₫"
    assert vnd(500) == "500 ₫"
    assert vnd(None) == ""


# --- services --------------------------------------------------------------------------------


def test_create_is_idempotent_and_audited(payment, paid_calls, target, citizen):
    assert payment.status == "pending" and payment.amount == 1_234_000
    assert payment.object_type == "agencies.agency" and payment.object_id == str(target.pk)
    assert payment.payer == citizen and payment.payer_name == "Hoàng Văn Dân"
    again = payment_create(
        purpose="tests.fee", amount=1_234_000, payer=citizen, description="x", obj=target, idempotency_key="test-1"
    )
    assert again.pk == payment.pk and Payment.objects.count() == 1
    with pytest.raises(IdempotencyConflictError):
        payment_create(
            purpose="tests.fee", amount=5, payer=citizen, description="x", obj=target, idempotency_key="test-1"
        )
    assert AuditLog.objects.filter(action="payments.payment.create", object_id=str(payment.pk)).count() == 1
    assert len(payment.token) >= 32 and payment.reference.startswith("LS")


@pytest.mark.parametrize("amount", [0, -5, 10.5, "100", True])
def test_create_rejects_bad_amounts(paid_calls, target, amount):
    with pytest.raises(ValueError):
        payment_create(purpose="tests.fee", amount=amount, payer=None, description="x", obj=target, idempotency_key="k")


def test_create_rejects_unknown_purpose(target):
    with pytest.raises(ImproperlyConfigured):
        payment_create(purpose="nope.fee", amount=1, payer=None, description="x", obj=target, idempotency_key="k")


def test_payer_less_payment(paid_calls, target):
    p = payment_create(
        purpose="tests.fee",
        amount=250_000,
        payer=None,
        description="Phí xe",
        obj=target,
        idempotency_key="truck-1",
        payer_name="Tài xế",
        payer_phone="0912345678",
    )
    assert p.payer is None and p.payer_name == "Tài xế" and p.payer_phone == "0912345678"


def test_callback_pays_once_issues_receipt_and_calls_on_paid_once(client, payment, paid_calls):
    response = _callback(client, payment)
    assert response.status_code == 200 and response.json() == {"ok": True, "result": "paid"}
    payment.refresh_from_db()
    year = timezone.localtime(payment.paid_at).year
    assert payment.is_paid and payment.receipt_number == f"{year}-000001"
    assert paid_calls == [(payment.pk, "paid", payment.receipt_number)]
    assert payment.receipt_url == reverse("payments:receipt", kwargs={"token": payment.token})

    # The bank retries: nothing changes, still 200.
    again = _callback(client, payment)
    assert again.status_code == 200 and again.json()["result"] == "already_paid"
    assert len(paid_calls) == 1
    payment.refresh_from_db()
    assert payment.receipt_number == f"{year}-000001"
    assert AuditLog.objects.filter(action="payments.payment.paid", object_id=str(payment.pk)).count() == 1


def test_callback_with_bad_signature_changes_nothing(client, payment, paid_calls):
    body, _ = signed_callback(payment)
    response = client.post(CALLBACK, body, content_type="application/json", HTTP_X_SIGNATURE="0" * 64)
    assert response.status_code == 403
    missing = client.post(CALLBACK, body, content_type="application/json")
    assert missing.status_code == 403
    # Signed, then the amount edited in transit.
    forged = body.replace(b"1234000", b"1000")
    _, headers = signed_callback(payment)
    assert client.post(CALLBACK, forged, content_type="application/json", **headers).status_code == 403
    payment.refresh_from_db()
    assert payment.status == "pending" and paid_calls == []


def test_callback_with_wrong_amount_is_rejected_and_audited(client, payment, paid_calls):
    response = _callback(client, payment, amount=1000)
    assert response.status_code == 400 and response.json()["result"] == "amount_mismatch"
    payment.refresh_from_db()
    assert payment.status == "pending" and paid_calls == []
    row = AuditLog.objects.get(action="payments.payment.callback_rejected", object_id=str(payment.pk))
    assert row.after["callback_amount"] == 1000


def test_callback_malformed_and_unknown(client, payment):
    from core.payments.providers import SandboxProvider

    body = b"{not json"
    r = client.post(CALLBACK, body, content_type="application/json", HTTP_X_SIGNATURE=SandboxProvider.sign(body))
    assert r.status_code == 403
    # Signed but without the timestamp and nonce: refused like a forgery.
    body = json.dumps({"reference": payment.reference, "amount": payment.amount, "status": "paid"}).encode()
    r = client.post(CALLBACK, body, content_type="application/json", HTTP_X_SIGNATURE=SandboxProvider.sign(body))
    assert r.status_code == 403
    ts = int(time.time())
    body = json.dumps(
        {"reference": "LSNOPE", "amount": 1, "status": "paid", "timestamp": ts, "nonce": "n" * 20}
    ).encode()
    r = client.post(CALLBACK, body, content_type="application/json", HTTP_X_SIGNATURE=SandboxProvider.sign(body))
    assert r.status_code == 404
    assert client.get(CALLBACK).status_code == 405
    assert (
        client.post(
            reverse("payments:callback", kwargs={"provider": "nope"}), b"{}", content_type="application/json"
        ).status_code
        == 404
    )
    # The real-gateway skeleton is not configured here: unreachable, not a 500.
    assert client.get(reverse("payments:callback", kwargs={"provider": "vnpay"})).status_code == 404


def test_callback_is_csrf_exempt(payment, paid_calls):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert _callback(strict, payment).status_code == 200


def test_failed_then_paid(client, payment, paid_calls):
    assert _callback(client, payment, status="failed").json()["result"] == "failed"
    payment.refresh_from_db()
    assert payment.status == "failed" and payment.receipt_number == ""
    assert _callback(client, payment, status="paid").json()["result"] == "paid"
    payment.refresh_from_db()
    assert payment.is_paid and len(paid_calls) == 1
    # A late "failed" after paid changes nothing.
    assert _callback(client, payment, status="failed").json()["result"] == "ignored"
    payment.refresh_from_db()
    assert payment.is_paid


def test_on_paid_failure_rolls_back_everything(client, target):
    def boom(payment):
        raise RuntimeError("pillar bug")

    register_purpose("tests.boom", label="Boom", on_paid=boom)
    try:
        p = payment_create(
            purpose="tests.boom", amount=1000, payer=None, description="x", obj=target, idempotency_key="b"
        )
        response = _callback(client, p)
        assert response.status_code == 500
        p.refresh_from_db()
        assert p.status == "pending" and p.receipt_number == ""
        assert not AuditLog.objects.filter(action="payments.payment.paid", object_id=str(p.pk)).exists()
    finally:
        unregister_purpose("tests.boom")


def test_receipt_numbers_are_consecutive_per_year(client, paid_calls, target):
    from core.agencies.models import Agency

    payments = [
        payment_create(
            purpose="tests.fee", amount=1000 + i, payer=None, description="x", obj=agency, idempotency_key=f"k{i}"
        )
        for i, agency in enumerate(Agency.objects.order_by("pk")[:3])
    ]
    for p in reversed(payments):
        _callback(client, p)
    numbers = sorted(Payment.objects.values_list("receipt_number", flat=True))
    year = timezone.localdate().year
    assert numbers == [f"{year}-000001", f"{year}-000002", f"{year}-000003"]


def test_cancel_and_transitions(payment, citizen, client, paid_calls):
    payment_cancel(payment=payment, actor=citizen, reason="rút hồ sơ")
    payment.refresh_from_db()
    assert payment.status == "cancelled"
    with pytest.raises(InvalidTransitionError):
        payment_cancel(payment=payment, actor=citizen)
    # Money that arrives for a cancelled payment is acknowledged and recorded for refund.
    response = _callback(client, payment)
    assert response.status_code == 200 and response.json()["result"] == "needs_refund"
    payment.refresh_from_db()
    assert payment.status == "cancelled" and paid_calls == [] and payment.receipt_number == ""
    refund = payment.refunds.get()
    assert refund.reason == "cancelled" and refund.amount == payment.amount
    assert AuditLog.objects.filter(action="payments.refund.open", object_id=str(refund.pk)).count() == 1


def test_expire_stale_then_late_payment(payment, client, paid_calls, target):
    fresh = payment_create(
        purpose="tests.fee", amount=5000, payer=None, description="x", obj=target, idempotency_key="f"
    )
    Payment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert payment_expire_stale() == 1
    assert payment_expire_stale() == 0  # idempotent
    payment.refresh_from_db()
    fresh.refresh_from_db()
    assert payment.status == "expired" and fresh.status == "pending"
    assert AuditLog.objects.filter(action="payments.payment.expired", object_id=str(payment.pk)).count() == 1
    # The bank confirms late: the link no longer settles anything; the money is recorded for refund.
    assert _callback(client, payment).json()["result"] == "needs_refund"
    payment.refresh_from_db()
    assert payment.status == "expired" and paid_calls == [] and payment.refunds.get().reason == "expired"


def test_expire_task_runs(payment):
    from core.payments.tasks import expire_stale_payments

    Payment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert expire_stale_payments.apply().get() == 1


def test_database_refuses_inconsistent_rows(payment):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(status="paid")  # no receipt number, no paid_at
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(amount=0)


# --- pages -----------------------------------------------------------------------------------


def test_payment_page_shows_qr_amount_reference_status(client, payment):
    response = client.get(payment.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "1.234.000 ₫" in html
    assert payment.reference in html
    assert "Chờ thanh toán" in html
    assert "<svg" in html and "Thanh toán (sandbox)" in html
    assert "<script" not in html.split("</header>", 1)[1]  # works without JavaScript


def test_payment_page_needs_the_token(client, payment):
    assert client.get(reverse("payments:detail", kwargs={"token": "guess"})).status_code == 404
    assert client.get(reverse("payments:receipt", kwargs={"token": payment.token})).status_code == 404  # not paid


def test_sandbox_button_pays_and_returns_to_the_purpose(client, payment, paid_calls):
    response = client.post(reverse("payments:sandbox-pay", kwargs={"token": payment.token}), {"outcome": "paid"})
    assert response.status_code == 302 and response["Location"] == "/returned/"
    payment.refresh_from_db()
    assert payment.is_paid and len(paid_calls) == 1
    # Double submit: harmless.
    client.post(reverse("payments:sandbox-pay", kwargs={"token": payment.token}), {"outcome": "paid"})
    assert len(paid_calls) == 1
    page = client.get(payment.get_absolute_url()).content.decode()
    assert "Đã thanh toán" in page and payment.receipt_number in page and payment.receipt_url in page


def test_sandbox_button_decline(client, payment):
    response = client.post(reverse("payments:sandbox-pay", kwargs={"token": payment.token}), {"outcome": "failed"})
    assert response.status_code == 302 and response["Location"] == payment.get_absolute_url()
    payment.refresh_from_db()
    assert payment.status == "failed"
    # The declined link is not offered again: the payer goes back to retry with a new link.
    page = client.get(payment.get_absolute_url()).content.decode()
    assert "Thanh toán (sandbox)" not in page and "<svg" not in page
    assert "Ngân hàng đã từ chối giao dịch này" in page and 'href="/returned/"' in page


def test_sandbox_disabled_in_production_settings(client, payment, settings):
    settings.PORTAL_PAYMENT_SANDBOX_ENABLED = False
    assert "Thanh toán (sandbox)" not in client.get(payment.get_absolute_url()).content.decode()
    assert client.post(reverse("payments:sandbox-pay", kwargs={"token": payment.token})).status_code == 404


def test_receipt_pdf(client, payment):
    import io

    from pypdf import PdfReader

    _callback(client, payment)
    payment.refresh_from_db()
    response = client.get(payment.receipt_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert "BIÊN LAI THU ĐIỆN TỬ" in text
    assert payment.receipt_number in text and "1.234.000 ₫" in text and "Hoàng Văn Dân" in text
    # Rendered once and kept: the second download is the same document.
    assert client.get(payment.receipt_url).content == response.content
    assert payment_receipt_pdf(payment=Payment.objects.get(pk=payment.pk)) == response.content


def test_payment_page_in_english(client, payment):
    client.cookies["portal_language"] = "en"
    html = client.get(payment.get_absolute_url()).content.decode()
    assert "Pay (sandbox)" in html and "Awaiting payment" in html
    assert "1.234.000 ₫" in html  # amounts keep the Vietnamese format in every language


def test_the_receipt_is_issued_with_the_payment_and_its_download_only_reads(client, payment):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.get_writes import unexpected_writes

    _callback(client, payment)
    payment.refresh_from_db()
    assert payment.receipt_file  # issued when the bank confirmed, not on the first download
    with CaptureQueriesContext(connection) as queries:
        assert client.get(payment.receipt_url).status_code == 200
    assert unexpected_writes(queries) == []
    # Had the receipt not been issued (a task still at it), the download says so and writes nothing.
    Payment.objects.filter(pk=payment.pk).update(receipt_file="")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(payment.receipt_url)
    assert response.status_code == 503 and "Biên lai điện tử đang được lập" in response.content.decode()
    assert unexpected_writes(queries) == []
