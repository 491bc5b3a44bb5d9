"""The payment page a citizen or driver sees (issue 11): only an open link shows the QR code and the
pay button; a failed, superseded, expired or settled link says why and leads back."""

import pytest
from django.urls import reverse

from core.payments.registry import register_purpose, unregister_purpose
from core.payments.sandbox import sandbox_bank_send
from core.payments.services import payment_create, payments_supersede


@pytest.fixture
def purpose():
    register_purpose("tests.page", label="Lệ phí thử", return_url=lambda p: "/ho-so/42/")
    yield
    unregister_purpose("tests.page")


@pytest.fixture
def target(db):
    from core.agencies.models import Agency

    return Agency.objects.get(code="so-khcn")


def _link(target, key):
    return payment_create(
        purpose="tests.page", amount=50_000, payer=None, description="Phí", obj=target, idempotency_key=key
    )


def _page(client, payment) -> str:
    response = client.get(payment.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _not_payable(html: str) -> None:
    assert "<svg" not in html and "Thanh toán (sandbox)" not in html
    assert 'data-testid="back-link" href="/ho-so/42/"' in html or 'href="/ho-so/42/" data-testid="back-link"' in html


def test_an_open_link_shows_the_qr_and_the_button(client, purpose, target):
    html = _page(client, _link(target, "a"))
    assert "<svg" in html and "Thanh toán (sandbox)" in html and 'data-testid="closed-reason"' not in html


def test_a_failed_link_says_why_and_leads_back(client, purpose, target):
    link = _link(target, "a")
    sandbox_bank_send(link, status="failed")
    html = _page(client, link)
    _not_payable(html)
    assert "Ngân hàng đã từ chối giao dịch này" in html


def test_a_superseded_link_says_why_and_that_money_sent_comes_back(client, purpose, target):
    link = _link(target, "a")
    payments_supersede(payable=target, reason="re-priced")
    html = _page(client, link)
    _not_payable(html)
    assert "Liên kết này đã được thay thế" in html
    sandbox_bank_send(link)  # paid anyway: recorded for refund
    html = _page(client, link)
    assert "Số tiền 50.000 ₫ đã chuyển theo liên kết này sẽ được hoàn lại cho bạn." in html


def test_a_link_whose_fee_was_paid_by_another_says_so(client, purpose, target):
    first, second = _link(target, "a"), _link(target, "b")
    sandbox_bank_send(second)
    html = _page(client, first)
    _not_payable(html)
    assert "Khoản phí này đã được thanh toán bằng một giao dịch khác" in html
    # The paid one shows its receipt and no QR.
    paid = _page(client, second)
    assert "<svg" not in paid and reverse("payments:receipt", kwargs={"token": second.token}) in paid


def test_the_closed_page_in_english(client, purpose, target):
    link = _link(target, "a")
    sandbox_bank_send(link, status="failed")
    client.cookies["portal_language"] = "en"
    html = _page(client, link)
    assert "The bank declined this transaction" in html and "Back to the file" in html
