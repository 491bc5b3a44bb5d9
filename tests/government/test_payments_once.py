"""A dossier's fee is paid once (issue 9): a retry replaces the failed link, and money confirmed
for a link that was replaced is recorded for refund — never a second receipt."""

from django.test import Client
from django.urls import reverse

from core.payments.models import Payment, Refund
from core.payments.sandbox import signed_callback
from government import services
from government.models import DossierEvent
from tests.government.conftest import HOUSEHOLD_BUSINESS, submitted

CALLBACK = reverse("payments:callback", kwargs={"provider": "sandbox"})


def _bank(payment, status="paid"):
    body, headers = signed_callback(payment, status=status)
    return Client().post(CALLBACK, body, content_type="application/json", **headers)


def test_a_retry_replaces_the_failed_link_and_the_dossier_is_paid_once(citizen):
    dossier = submitted(citizen, HOUSEHOLD_BUSINESS)
    first = services.dossier_start_payment(dossier=dossier, actor=citizen)
    assert _bank(first, "failed").json()["result"] == "failed"
    second = services.dossier_start_payment(dossier=dossier, actor=citizen)
    assert second.pk != first.pk
    first.refresh_from_db()
    assert first.status == "superseded"  # the failed link can no longer be paid
    assert _bank(second).json()["result"] == "paid"
    # The bank confirms the first link after all: recorded for refund, no second receipt.
    late = _bank(first)
    assert late.status_code == 200 and late.json()["result"] == "needs_refund"
    assert Payment.objects.filter(object_id=str(dossier.pk), status="paid").count() == 1
    assert Refund.objects.get(payment=first).amount == 150_000
    dossier.refresh_from_db()
    assert dossier.payment_reference == second.reference
    assert DossierEvent.objects.filter(dossier=dossier, verb="paid").count() == 1


def test_money_for_a_dossier_that_no_longer_awaits_payment_is_refunded(citizen):
    dossier = submitted(citizen, HOUSEHOLD_BUSINESS)
    link = services.dossier_start_payment(dossier=dossier, actor=citizen)
    # Another link of the same dossier made outside the service (say, by an older release) is paid.
    other = Payment.objects.create(
        idempotency_key="legacy",
        purpose=link.purpose,
        description="x",
        amount=link.amount,
        object_type=link.object_type,
        object_id=link.object_id,
        provider="sandbox",
        expires_at=link.expires_at,
    )
    assert _bank(other).json()["result"] == "paid"
    link.refresh_from_db()
    assert link.status == "expired"
    assert _bank(link).json()["result"] == "needs_refund"
    assert Refund.objects.get(payment=link).reason == "expired"


def test_a_fee_not_confirmed_for_lang_son_is_marked_on_the_payment_page(citizen):
    # 150.000 đ is another province's rate (fee confidence F3): the citizen is told before paying.
    dossier = submitted(citizen, HOUSEHOLD_BUSINESS)
    assert not dossier.procedure.fee_confirmed
    link = services.dossier_start_payment(dossier=dossier, actor=citizen)
    page = Client().get(link.get_absolute_url()).content.decode()
    assert "Mức phí tạm tính: chưa được xác nhận cho tỉnh Lạng Sơn" in page


def test_the_e_receipt_is_signed_and_linked_from_the_dossier_page(login, citizen):
    import hashlib
    import io

    from pypdf import PdfReader

    from core.signing.models import SignedDocument
    from tests.government.conftest import pay

    dossier = submitted(citizen, HOUSEHOLD_BUSINESS)
    payment = pay(dossier)
    payment.refresh_from_db()
    c = login(citizen)
    page = c.get(reverse("government:dossier-detail", kwargs={"uid": dossier.uid})).content.decode()
    assert payment.receipt_url in page and payment.receipt_number in page
    assert 'data-testid="timeline-fee-receipt"' in page  # the "paid" step of the timeline links it too
    pdf = c.get(payment.receipt_url).content
    # A PAdES signature a verifier finds, registered for the public verification page.
    fields = PdfReader(io.BytesIO(pdf)).get_fields() or {}
    assert any(f.get("/FT") == "/Sig" for f in fields.values())
    signed = SignedDocument.objects.get(sha256=hashlib.sha256(pdf).hexdigest())
    assert signed.signer_agency.code == "so-tai-chinh"
    assert c.get(reverse("signing:verify", kwargs={"code": signed.verification_code})).status_code == 200


def test_the_payment_e_mail_links_the_e_receipt(citizen, settings, django_capture_on_commit_callbacks):
    from core.notifications.models import Notification
    from tests.government.conftest import pay

    dossier = submitted(citizen, HOUSEHOLD_BUSINESS)
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay(dossier)
    payment.refresh_from_db()
    email = Notification.objects.get(event="government.dossier.paid", channel="email", recipient=citizen)
    url = settings.SITE_URL.rstrip("/") + payment.receipt_url
    assert f"Biên lai thu lệ phí điện tử số {payment.receipt_number}" in email.body and url in email.body
    # the link in the mail opens the signed receipt, for the citizen without signing in again
    assert Client().get(payment.receipt_url)["Content-Type"] == "application/pdf"
    sms = Notification.objects.get(event="government.dossier.paid", channel="sms", recipient=citizen)
    assert url not in sms.body  # SMS stay short: the link is in the e-mail and on the page
