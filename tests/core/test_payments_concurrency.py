"""Receipt numbers stay gap-free and unique when many payments settle at once, and a callback
delivered twice at the same moment still pays once (real PostgreSQL row locks, real threads)."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from core.payments.models import Payment
from core.payments.registry import register_purpose, unregister_purpose
from core.payments.sandbox import sandbox_bank_send
from core.payments.services import payment_create

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("calm_clock")]


def _run_in_threads(funcs):
    barrier = threading.Barrier(len(funcs))
    errors = []

    def wrap(func):
        try:
            barrier.wait()
            func()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(f,)) for f in funcs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


@pytest.fixture
def purpose():
    call_command("load_reference_data", verbosity=0)
    calls = []
    lock = threading.Lock()

    def on_paid(payment):
        with lock:
            calls.append(payment.pk)

    register_purpose("tests.concurrent", label="x", on_paid=on_paid)
    yield calls
    unregister_purpose("tests.concurrent")


def _payment(i, *, same_object=False):
    from core.agencies.models import Agency

    # One payable object per payment (an object has one paid payment), unless asked otherwise.
    agencies = Agency.objects.order_by("pk")
    return payment_create(
        purpose="tests.concurrent",
        amount=1000,
        payer=None,
        description="x",
        obj=agencies.first() if same_object else agencies[i],
        idempotency_key=f"c-{i}",
    )


def test_concurrent_payments_get_consecutive_receipt_numbers(purpose):
    payments = [_payment(i) for i in range(12)]
    errors = _run_in_threads([lambda p=p: sandbox_bank_send(p) for p in payments])
    assert errors == []
    year = timezone.localdate().year
    numbers = sorted(Payment.objects.values_list("receipt_number", flat=True))
    assert numbers == [f"{year}-{n:06d}" for n in range(1, 13)]
    assert sorted(purpose) == sorted(p.pk for p in payments)


def test_the_same_callback_twice_at_once_pays_once(purpose):
    payment = _payment(0)
    errors = _run_in_threads([lambda: sandbox_bank_send(payment) for _ in range(6)])
    assert errors == []
    payment.refresh_from_db()
    assert payment.is_paid and purpose == [payment.pk]
    assert Payment.objects.exclude(receipt_number="").count() == 1


def test_concurrent_first_use_creates_one_ca_and_one_agency_certificate():
    call_command("load_reference_data", verbosity=0)
    from core.agencies.models import Agency
    from core.signing.models import SigningCertificate
    from core.signing.services import signing_certificate_for

    agency = Agency.objects.get(code="so-khcn")
    errors = _run_in_threads([lambda: signing_certificate_for(agency=agency) for _ in range(4)])
    assert errors == []
    assert SigningCertificate.objects.filter(kind="ca").count() == 1
    assert SigningCertificate.objects.filter(kind="agency", agency=agency).count() == 1


def test_two_links_of_one_object_confirmed_at_once_pay_once_and_refund_the_other(purpose):
    from core.payments.models import Refund

    first, second = _payment(0, same_object=True), _payment(1, same_object=True)
    outcomes = []
    errors = _run_in_threads([lambda p=p: outcomes.append(sandbox_bank_send(p).result) for p in (first, second)])
    assert errors == []
    assert sorted(outcomes) == ["needs_refund", "paid"]
    assert Payment.objects.filter(status="paid").count() == 1 and len(purpose) == 1
    refund = Refund.objects.get()
    assert refund.amount == 1000 and refund.status == "open"
    assert refund.payment.status == "expired"  # closed when the other one was paid
