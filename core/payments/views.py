import logging

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core.errors import ServiceError, apply_to_form
from core.payments.forms import RefundDoneForm
from core.payments.providers import enabled_providers, get_provider, sandbox_enabled
from core.payments.registry import get_purpose, is_registered
from core.payments.sandbox import sandbox_bank_send
from core.payments.selectors import (
    payment_by_token,
    payment_receipt_bytes,
    payment_settled_by_other,
    refund_for_finance,
    refunds_for_finance,
)
from core.payments.services import payment_handle_callback, refund_mark_refunded
from core.permissions import role_required
from core.users import roles

logger = logging.getLogger(__name__)


def _sandbox_enabled() -> bool:
    return sandbox_enabled()


def _payment_or_404(token: str):
    payment = payment_by_token(token)
    if payment is None:
        raise Http404
    return payment


def _return_url(payment) -> str:
    if not is_registered(payment.purpose):
        return ""
    func = get_purpose(payment.purpose).return_url
    return func(payment) if func else ""


@never_cache
@require_GET
def payment_detail(request, token: str):
    """The payment page: VietQR code, amount, reference, status. Whoever holds the link may open it."""
    payment = _payment_or_404(token)
    payment_request = None
    # Only an open link is payable: a failed, superseded, expired, cancelled or paid one shows no
    # QR code and no pay button, but why, and the way back to what it was for.
    if payment.is_pending:
        payment_request = get_provider(payment.provider).create_payment_request(payment)
    purpose_label = get_purpose(payment.purpose).label if is_registered(payment.purpose) else payment.purpose
    alternatives = []
    if payment.status == "pending":
        # Other enabled providers that can settle the same object (e.g. a wallet registered by a pillar).
        for name in sorted(enabled_providers() - {payment.provider}):
            try:
                other = get_provider(name)
            except Exception:  # a provider that cannot start is simply not offered
                logger.exception("payment provider %s unavailable", name)
                continue
            url = other.alternative_url(payment)
            if url:
                alternatives.append({"label": other.label or name, "url": url})
    context = {
        "payment": payment,
        "payment_request": payment_request,
        "alternatives": alternatives,
        "purpose_label": purpose_label,
        "return_url": _return_url(payment),
        "sandbox": _sandbox_enabled() and payment.provider == "sandbox",
        "closed_reason": _closed_reason(payment),
        "refund": payment.refunds.first() if not payment.is_pending else None,
    }
    return render(request, "payments/detail.html", context)


def _closed_reason(payment) -> str:
    """Why a link that is not pending cannot be paid, in the payer's words ("" when it can or is paid)."""
    if payment.is_pending or payment.is_paid:
        return ""
    if payment.status in ("superseded", "expired") and payment_settled_by_other(payment):
        return _("Khoản phí này đã được thanh toán bằng một giao dịch khác: liên kết này đã đóng.")
    return {
        "failed": _(
            "Ngân hàng đã từ chối giao dịch này. Quay lại để thanh toán lại: một liên kết mới sẽ thay thế liên kết này."
        ),
        "superseded": _(
            "Liên kết này đã được thay thế: khoản phí đã thay đổi hoặc đã có liên kết thanh toán mới. "
            "Đừng chuyển tiền theo liên kết này."
        ),
        "expired": _("Liên kết thanh toán đã hết hạn. Quay lại để tạo liên kết mới."),
        "cancelled": _("Khoản thanh toán này đã bị hủy."),
    }.get(payment.status, "")


@require_POST
def sandbox_pay(request, token: str):
    """The sandbox bank's button: sends the signed callback a bank would send, then brings the
    payer back like a real gateway's return URL does."""
    payment = _payment_or_404(token)
    if not _sandbox_enabled() or payment.provider != "sandbox":
        raise Http404
    outcome_wanted = "failed" if request.POST.get("outcome") == "failed" else "paid"
    outcome = sandbox_bank_send(payment, status=outcome_wanted)
    payment.refresh_from_db()
    if payment.is_paid:
        if outcome.result == "paid":
            messages.success(request, _("Thanh toán thành công. Số biên lai: %(n)s") % {"n": payment.receipt_number})
        return redirect(_return_url(payment) or payment.get_absolute_url())
    if outcome.result == "failed":
        messages.error(request, _("Ngân hàng từ chối giao dịch. Bạn có thể thử lại."))
    elif outcome.result == "needs_refund":
        messages.warning(
            request, _("Liên kết thanh toán này không còn hiệu lực: số tiền đã chuyển sẽ được hoàn lại cho bạn.")
        )
    return redirect(payment.get_absolute_url())


@require_GET
def receipt(request, token: str):
    payment = _payment_or_404(token)
    if not payment.is_paid:
        raise Http404
    pdf = payment_receipt_bytes(payment)
    if pdf is None:
        # Issued with the payment; only when that failed is a task still at it (a GET never writes).
        response = HttpResponse(
            _("Biên lai điện tử đang được lập, vui lòng tải lại sau ít phút."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "60"
        return response
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{payment.receipt_number}.pdf"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


@csrf_exempt
def callback(request, provider: str):
    """Server-to-server callback of a payment provider (no session, no CSRF token: authenticated
    by the provider's signature). Idempotent; answers JSON."""
    if provider not in enabled_providers():
        # A provider that is off (the sandbox in production) has no endpoint at all.
        raise Http404
    try:
        method = get_provider(provider).callback_method
    except LookupError:
        raise Http404 from None
    except Exception:
        logger.exception("payment provider %s unavailable", provider)
        raise Http404 from None
    if request.method != method:
        return HttpResponseNotAllowed([method])
    try:
        outcome = payment_handle_callback(
            provider=provider, body=request.body, headers=request.headers, params=request.GET.dict()
        )
    except Exception:
        logger.exception("payment callback failed")
        return JsonResponse({"ok": False, "result": "error"}, status=500)
    return JsonResponse({"ok": outcome.http_status == 200, "result": outcome.result}, status=outcome.http_status)


FINANCE_ROLES = (roles.FINANCE_OFFICER,)


@never_cache
@require_GET
@role_required(*FINANCE_ROLES)
def refund_list(request):
    """Money confirmed for links that could not settle anything: the finance office pays it back."""
    show_all = request.GET.get("all") == "1"
    return render(
        request,
        "payments/refunds.html",
        {"refunds": refunds_for_finance(request.user, include_done=show_all)[:500], "show_all": show_all},
    )


@require_POST
@role_required(*FINANCE_ROLES)
def refund_done(request, pk: int):
    refund = refund_for_finance(request.user, pk)
    if refund is None:
        raise Http404
    form = RefundDoneForm(request.POST)
    if form.is_valid():
        try:
            refund_mark_refunded(refund=refund, actor=request.user, note=form.cleaned_data["note"])
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận hoàn tiền cho khoản %(ref)s.") % {"ref": refund.payment.reference})
            return redirect("payments:refunds")
    refunds = refunds_for_finance(request.user, include_done=False)[:500]
    return render(
        request,
        "payments/refunds.html",
        {"refunds": refunds, "show_all": False, "error_refund": refund.pk, "error_form": form},
        status=400,
    )
