from django.utils.translation import gettext_lazy as _

from border_gate.services import FEE_PURPOSE, fee_amount_due, fee_on_paid, payment_return_url
from core.payments.registry import register_purpose

register_purpose(
    FEE_PURPOSE,
    label=_("Phí sử dụng hạ tầng cửa khẩu"),
    on_paid=fee_on_paid,
    return_url=payment_return_url,
    amount_due=fee_amount_due,
)
