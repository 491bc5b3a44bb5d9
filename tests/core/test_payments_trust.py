"""Money that cannot be faked (issue 9): only enabled providers, only for their own payments, signed
timestamps and nonces, one successful payment per payable object, and money for a link that may
not settle anything recorded for refund — never a second receipt."""

import time

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.audit.models import AuditLog
from core.payments.models import CallbackNonce, Payment, Refund
from core.payments.registry import register_purpose, unregister_purpose
from core.payments.sandbox import signed_callback
from core.payments.services import payment_create, payments_supersede, refund_mark_refunded
from tests.conftest import make_user

CALLBACK = reverse("payments:callback", kwargs={"provider": "sandbox"})


@pytest.fixture
def due():
    """A purpose whose object owes `due["amount"]` (None: nothing owed any more)."""
    state = {"amount": 100_000, "paid": []}
    register_purpose(
        "tests.trust",
        label="Phí thử",
        on_paid=lambda p: state["paid"].append(p.pk),
        amount_due=lambda p: state["amount"],
    )
    yield state
    unregister_purpose("tests.trust")


@pytest.fixture
def target(db):
    from core.agencies.models import Agency

    return Agency.objects.get(code="so-khcn")


def _link(target, key="t-1", amount=100_000):
    return payment_create(
        purpose="tests.trust",
        amount=amount,
        payer=None,
        description="Phí thử",
        obj=target,
        idempotency_key=key,
        payer_name="Hoàng Văn Dân",
    )


def _post(client, body, headers):
    return client.post(CALLBACK, body, content_type="application/json", **headers)


def _pay(client, payment, **fields):
    return _post(client, *signed_callback(payment, **fields))


# --- which provider may confirm what -------------------------------------------------------------


def test_sandbox_callback_does_not_exist_where_the_sandbox_is_off(client, due, target, settings):
    link = _link(target)
    settings.PORTAL_PAYMENT_SANDBOX_ENABLED = False
    response = _pay(client, link)
    assert response.status_code == 404
    link.refresh_from_db()
    assert link.status == "pending" and due["paid"] == []


def test_callback_only_for_a_payment_made_with_that_provider(client, due, target):
    link = _link(target)
    Payment.objects.filter(pk=link.pk).update(provider="vnpay")
    response = _pay(client, link)
    assert response.status_code == 403 and response.json()["result"] == "wrong_provider"
    link.refresh_from_db()
    assert link.status == "pending" and link.receipt_number == "" and due["paid"] == []
    assert AuditLog.objects.filter(action="payments.payment.callback_rejected", object_id=str(link.pk)).exists()


# --- timestamp and nonce inside the signature -------------------------------------------------


def test_a_replayed_callback_is_refused(client, due, target):
    link = _link(target)
    declined = signed_callback(link, status="failed")
    assert _post(client, *declined).json()["result"] == "failed"
    assert _pay(client, link).json()["result"] == "paid"
    # The captured "declined" message sent again, and the "paid" one: refused, nothing changes.
    replay = _post(client, *declined)
    assert replay.status_code == 409 and replay.json()["result"] == "replay"
    body, headers = signed_callback(link, nonce="same-nonce-0123456789")
    assert _post(client, body, headers).status_code == 200
    assert _post(client, body, headers).status_code == 409
    link.refresh_from_db()
    assert link.status == "paid" and due["paid"] == [link.pk]


@pytest.mark.parametrize("offset", [-3600, -301, 3600])
def test_a_stale_or_future_timestamp_is_refused(client, due, target, offset):
    link = _link(target)
    response = _pay(client, link, timestamp=int(time.time()) + offset)
    assert response.status_code == 403 and response.json()["result"] == "stale"
    link.refresh_from_db()
    assert link.status == "pending" and due["paid"] == []


def test_a_timestamp_outside_the_signature_cannot_be_refreshed(client, due, target):
    # An attacker who holds an old signed body cannot bump its timestamp: the signature covers it.
    link = _link(target)
    old = int(time.time()) - 3600
    body, headers = signed_callback(link, timestamp=old)
    forged = body.replace(str(old).encode(), str(int(time.time())).encode())
    assert _post(client, forged, headers).status_code == 403
    link.refresh_from_db()
    assert link.status == "pending"


def test_nonces_are_unique_in_postgresql(db):
    CallbackNonce.objects.create(provider="sandbox", nonce="n" * 20)
    with pytest.raises(IntegrityError), transaction.atomic():
        CallbackNonce.objects.create(provider="sandbox", nonce="n" * 20)


def test_old_nonces_are_pruned(db):
    from datetime import timedelta

    from django.utils import timezone

    from core.payments.services import callback_nonces_prune

    CallbackNonce.objects.create(provider="sandbox", nonce="o" * 20, received_at=timezone.now() - timedelta(hours=1))
    CallbackNonce.objects.create(provider="sandbox", nonce="f" * 20)
    assert callback_nonces_prune() == 1
    assert list(CallbackNonce.objects.values_list("nonce", flat=True)) == ["f" * 20]


# --- one successful payment per payable object -----------------------------------------------------


def test_once_paid_every_other_link_expires_and_a_late_confirmation_needs_refund(client, due, target):
    first, second = _link(target, "t-1"), _link(target, "t-2")
    assert _pay(client, first).json()["result"] == "paid"
    second.refresh_from_db()
    assert second.status == "expired"
    assert AuditLog.objects.filter(action="payments.payment.expired", object_id=str(second.pk)).exists()
    # The bank confirms the other link too: acknowledged (200), recorded for refund, no second receipt.
    late = _pay(client, second)
    assert late.status_code == 200 and late.json()["result"] == "needs_refund"
    second.refresh_from_db()
    assert second.status == "expired" and second.receipt_number == ""
    assert Payment.objects.filter(object_id=str(target.pk), status="paid").count() == 1
    assert due["paid"] == [first.pk]
    refund = Refund.objects.get(payment=second)
    assert (refund.amount, refund.reason, refund.status) == (100_000, "expired", "open")
    assert AuditLog.objects.filter(action="payments.refund.open", object_id=str(refund.pk)).count() == 1
    # The bank retries the same transaction: still one refund.
    assert _pay(client, second).json()["result"] == "needs_refund"
    assert Refund.objects.filter(payment=second).count() == 1


def test_an_open_link_confirmed_after_its_object_was_paid_needs_refund(client, due, target):
    # Even a link nobody closed (created by a bug, or before this rule) cannot pay twice.
    first, second = _link(target, "t-1"), _link(target, "t-2")
    _pay(client, first)
    Payment.objects.filter(pk=second.pk).update(status="pending", closed_at=None)
    assert _pay(client, second).json()["result"] == "needs_refund"
    second.refresh_from_db()
    assert second.status == "superseded" and second.refunds.get().reason == "already_paid"


def test_the_database_refuses_a_second_paid_payment_for_one_object(client, due, target):
    first, second = _link(target, "t-1"), _link(target, "t-2")
    _pay(client, first)
    first.refresh_from_db()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=second.pk).update(status="paid", paid_at=first.paid_at, receipt_number="2026-999999")


# --- re-pricing ----------------------------------------------------------------------------


def test_superseded_links_cannot_settle_and_are_refunded(client, due, target):
    link = _link(target)
    closed = payments_supersede(payable=target, actor_label="tests", reason="fee re-priced")
    assert [p.pk for p in closed] == [link.pk]
    link.refresh_from_db()
    assert link.status == "superseded"
    row = AuditLog.objects.get(action="payments.payment.superseded", object_id=str(link.pk))
    assert row.after["reason"] == "fee re-priced"
    assert _pay(client, link).json()["result"] == "needs_refund"
    link.refresh_from_db()
    assert link.status == "superseded" and link.refunds.get().reason == "superseded" and due["paid"] == []
    # The page no longer offers to pay it.
    page = client.get(link.get_absolute_url()).content.decode()
    assert "<svg" not in page and "Thanh toán (sandbox)" not in page


def test_an_amount_below_the_fee_now_due_does_not_settle_it(client, due, target):
    link = _link(target, amount=100_000)
    due["amount"] = 150_000  # re-priced by a pillar that did not supersede the link
    result = _pay(client, link).json()["result"]
    assert result == "needs_refund"
    link.refresh_from_db()
    assert link.status == "superseded" and link.receipt_number == "" and due["paid"] == []
    assert link.refunds.get().reason == "amount_not_due"


def test_nothing_due_any_more_needs_refund(client, due, target):
    link = _link(target)
    due["amount"] = None  # e.g. the declaration was cancelled
    assert _pay(client, link).json()["result"] == "needs_refund"
    assert Refund.objects.get(payment=link).reason == "nothing_due"


def test_the_sandbox_button_on_a_superseded_link_says_the_money_comes_back(client, due, target):
    link = _link(target)
    payments_supersede(payable=target)
    response = client.post(reverse("payments:sandbox-pay", kwargs={"token": link.token}), {"outcome": "paid"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "không còn hiệu lực" in page


# --- the finance office --------------------------------------------------------------------


@pytest.fixture
def finance(db):
    return make_user("ketoan@langson.gov.vn", roles=["finance_officer"], totp=True, full_name="Lý Thị Tài")


@pytest.fixture
def refund(client, due, target):
    first, second = _link(target, "t-1"), _link(target, "t-2")
    _pay(client, first)
    _pay(client, second)
    return Refund.objects.get(payment=second)


def test_finance_sees_refunds_and_records_the_refund(client, login, finance, refund, citizen):
    from django.test import Client

    url = reverse("payments:refunds")
    outsider = login(citizen, Client())
    assert outsider.get(url).status_code == 403
    login(finance)
    page = client.get(url).content.decode()
    assert refund.payment.reference in page and "100.000 ₫" in page and "Hoàng Văn Dân" in page
    done = reverse("payments:refund-done", kwargs={"pk": refund.pk})
    # No bank reference: a field error, nothing written.
    bad = client.post(done, {"note": "  "})
    assert bad.status_code == 400 and "Mã giao dịch hoàn tiền" in bad.content.decode()
    refund.refresh_from_db()
    assert refund.status == "open"
    ok = client.post(done, {"note": "HT-2026-0042"})
    assert ok.status_code == 302
    refund.refresh_from_db()
    assert refund.status == "refunded" and refund.note == "HT-2026-0042" and refund.resolved_by == finance
    assert AuditLog.objects.filter(action="payments.refund.refunded", object_id=str(refund.pk), actor=finance).exists()
    # Done ones leave the default list; a second submission changes nothing.
    assert 'data-testid="no-refunds"' in client.get(url).content.decode()
    assert refund.payment.reference in client.get(url + "?all=1").content.decode()
    again = client.post(done, {"note": "HT-2026-0043"})
    assert again.status_code == 400
    refund.refresh_from_db()
    assert refund.note == "HT-2026-0042"


def test_only_finance_may_record_a_refund(refund, citizen):
    from core.errors import NotAllowedError

    with pytest.raises(NotAllowedError):
        refund_mark_refunded(refund=refund, actor=citizen, note="x")


def test_finance_sees_refunds_in_the_admin_and_the_audit_log(client, login, finance, refund):
    finance.is_staff = True
    finance.save()
    login(finance)
    admin = client.get(reverse("admin:payments_refund_changelist"))
    assert admin.status_code == 200 and refund.payment.reference in admin.content.decode()
    log = client.get(reverse("audit:log"), {"object_type": "payments.refund"}).content.decode()
    assert "payments.refund.open" in log
