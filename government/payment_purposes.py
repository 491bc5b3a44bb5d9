"""The government pillar's payment purposes (autodiscovered by core.payments)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.payments.registry import register_purpose


def _on_paid(payment):
    from government.services import dossier_mark_paid

    dossier_mark_paid(payment=payment)


def _amount_due(payment):
    from government.services import dossier_fee_due

    return dossier_fee_due(payment)


def _return_url(payment) -> str:
    from government.models import Dossier

    dossier = Dossier.objects.filter(pk=int(payment.object_id)).only("uid").first()
    if dossier is None:
        return reverse("government:my-dossiers")
    return reverse("government:dossier-detail", kwargs={"uid": dossier.uid})


register_purpose(
    "government.dossier_fee",
    label=_("Lệ phí hồ sơ thủ tục hành chính"),
    on_paid=_on_paid,
    return_url=_return_url,
    amount_due=_amount_due,
)
