"""A border fee is never settled by less than the fee due (issue 9): a correction that re-prices
the fee or a cancellation closes the links priced before it, money confirmed for them is recorded
for refund, and a fee paid before a correction raised it does not pass the fee step."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from border_gate import services
from border_gate.models import Entry
from core.payments.models import Payment, Refund
from core.payments.sandbox import signed_callback

CALLBACK = reverse("payments:callback", kwargs={"provider": "sandbox"})


def _bank(payment, status="paid"):
    body, headers = signed_callback(payment, status=status)
    return Client().post(CALLBACK, body, content_type="application/json", **headers)


def _light(declare):
    # 10 t of durian: the 10–18 t class; corrected to 20 t it moves to the dearer 18 t+ class.
    return declare(goods=[services.GoodsData("08106000", "Sầu riêng tươi", "fresh_fruit", 10_000, 400_000_000, True)])


def _heavier(entry, actor, kg=20_000):
    services.entry_correct(
        actor=actor, entry=entry, field_name="goods.weight_kg", value=str(kg), line_no=1, reason="Cân lại tại bãi"
    )
    return Entry.objects.get(pk=entry.pk)


def test_a_link_priced_before_a_correction_cannot_pass_the_fee_step(declare, enterprise_rep, run_pipeline):
    entry = _light(declare)
    old_link = services.fee_request_payment(actor=enterprise_rep, entry=entry)
    entry = _heavier(entry, enterprise_rep)
    assert entry.fee_amount > old_link.amount
    old_link.refresh_from_db()
    assert old_link.status == "superseded"
    # The driver pays the old, cheaper link anyway: the money is recorded for refund.
    assert _bank(old_link).json()["result"] == "needs_refund"
    assert Refund.objects.get(payment=old_link).reason == "superseded"
    entry = run_pipeline(entry, until="fee")
    assert entry.fee_paid_at is None and entry.current_step.step.code == "fee"
    # The new link is priced at the corrected fee and settles it.
    new_link = services.fee_request_payment(actor=enterprise_rep, entry=entry)
    assert new_link.pk != old_link.pk and new_link.amount == entry.fee_amount
    assert _bank(new_link).json()["result"] == "paid"
    entry.refresh_from_db()
    assert entry.fee_paid_amount == entry.fee_amount and entry.current_step.step.code != "fee"


def test_a_correction_back_to_an_earlier_fee_gets_a_fresh_link(declare, enterprise_rep):
    entry = _light(declare)
    first = services.fee_request_payment(actor=enterprise_rep, entry=entry)
    entry = _heavier(entry, enterprise_rep)
    entry = _heavier(entry, enterprise_rep, kg=10_000)  # back to the declared weight and fee
    again = services.fee_request_payment(actor=enterprise_rep, entry=entry)
    assert again.amount == first.amount and again.pk != first.pk and again.status == "pending"


def test_paid_then_corrected_upwards_the_fee_step_collects_the_difference(
    declare, enterprise_rep, run_pipeline, officer_factory
):
    entry = _light(declare)
    link = services.fee_request_payment(actor=enterprise_rep, entry=entry)
    assert _bank(link).json()["result"] == "paid"
    paid = link.amount
    entry = _heavier(entry, enterprise_rep)
    assert entry.fee_amount > paid and entry.fee_paid_amount == paid and not entry.fee_settled
    # No second online payment for the entry: the difference is paid at the gate.
    with pytest.raises(services.TransitionError):
        services.fee_request_payment(actor=enterprise_rep, entry=entry)
    entry = run_pipeline(entry, until="fee")
    fee_step = entry.current_step
    assert fee_step.step.code == "fee"  # not passed by the smaller online payment
    officer = officer_factory(fee_step.step.force)
    services.step_take(officer=officer, entry_step=fee_step)
    with pytest.raises(ValidationError) as refused:
        services.step_pass(actor=officer, entry_step=fee_step, data={})
    assert "còn thiếu" in str(refused.value)
    services.step_pass(actor=officer, entry_step=fee_step, data={"receipt_number": "BL-0042"})
    entry.refresh_from_db()
    assert entry.fee_settled and entry.fee_paid_amount == entry.fee_amount
    assert entry.fee_receipt_number == "BL-0042"


def test_cancelling_a_declaration_closes_its_payment_link(declare, enterprise_rep):
    entry = _light(declare)
    link = services.fee_request_payment(actor=enterprise_rep, entry=entry)
    services.entry_cancel(actor=enterprise_rep, entry=entry, reason="Đổi xe")
    link.refresh_from_db()
    assert link.status == "superseded"
    assert _bank(link).json()["result"] == "needs_refund"
    assert Payment.objects.filter(object_id=str(entry.pk), status="paid").count() == 0


def test_a_driver_retrying_after_a_declined_payment_gets_a_new_payable_link(client, declare):
    entry = declare()
    pay = reverse("border_gate:driver-pay", args=[entry.token])
    first_url = client.post(pay)["Location"]
    assert client.post(pay)["Location"] == first_url  # a double click reuses the open link
    first = Payment.objects.get(object_id=str(entry.pk))
    assert _bank(first, "failed").json()["result"] == "failed"
    declined = client.get(first_url).content.decode()
    assert "<svg" not in declined and reverse("border_gate:driver", args=[entry.token]) in declined
    second_url = client.post(pay)["Location"]
    assert second_url != first_url
    first.refresh_from_db()
    assert first.status == "superseded"
    assert "<svg" in client.get(second_url).content.decode()


def test_a_placeholder_border_fee_is_marked_on_the_payment_page(client, declare, enterprise_rep):
    machines = services.GoodsData("84248200", "Máy phun tưới", "general", 8000, 500_000_000, False)
    provisional = declare(goods=[machines])
    assert provisional.fee_uses_placeholder
    link = services.fee_request_payment(actor=enterprise_rep, entry=provisional)
    assert "chưa được xác nhận cho tỉnh Lạng Sơn" in client.get(link.get_absolute_url()).content.decode()
    sourced = declare()
    Entry.objects.filter(pk=sourced.pk).update(fee_uses_placeholder=False)  # a confirmed tariff
    link = services.fee_request_payment(actor=enterprise_rep, entry=Entry.objects.get(pk=sourced.pk))
    assert "chưa được xác nhận cho tỉnh Lạng Sơn" not in client.get(link.get_absolute_url()).content.decode()


def test_a_placeholder_border_fee_is_marked_on_the_drivers_page(client, declare):
    """The driver's public page marks a fee not yet confirmed for Lạng Sơn, in the driver's language
    (issue 11); a confirmed tariff carries no mark."""
    machines = services.GoodsData("84248200", "Máy phun tưới", "general", 8000, 500_000_000, False)
    provisional = declare(goods=[machines], driver_language="zh-hans")
    url = reverse("border_gate:driver", args=[provisional.token])
    assert provisional.fee_uses_placeholder
    assert "Mức phí tạm đặt" in client.get(url, {"lang": "vi"}).content.decode()
    chinese = client.get(url, {"lang": "zh-hans"}).content.decode()
    assert "Mức phí tạm đặt" not in chinese and "暂定" in chinese
    sourced = declare(vehicle_plate="12C-222.22")
    Entry.objects.filter(pk=sourced.pk).update(fee_uses_placeholder=False)
    confirmed = client.get(reverse("border_gate:driver", args=[sourced.token]), {"lang": "vi"}).content.decode()
    assert "Mức phí tạm đặt" not in confirmed
