"""The economy pillar's data service and kind of machine client, registered with core's registry
(core.api_clients.registry, ADR 1603): an e-payment provider's system (a bank, an e-wallet, a Mobile
Money operator) sends its monthly report of account use through the API instead of a CSV upload.
The client is issued by the Department of Industry and Trade, which follows the province's digital
economy figures, and bound to one provider (EpaymentProviderClient): its key reports only that
provider's accounts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.api_clients.registry import ClientKind, DataService, register_kind, register_service
from economy.models import EpaymentAccount, EpaymentProviderClient

SERVICE_EPAYMENT_USE = "economy.epayment_use"
KIND_EPAYMENT_PROVIDER = "economy.epayment_provider"
ISSUING_AGENCY = "so-cong-thuong"

register_service(
    DataService(
        code=SERVICE_EPAYMENT_USE,
        name=_("Gửi số liệu sử dụng tài khoản thanh toán điện tử"),
        description=_(
            "Số giao dịch mỗi tháng của các tài khoản do tổ chức cung ứng quản lý (không có dữ liệu cá nhân)."
        ),
        writes=True,
    )
)


def _issuer(agency) -> bool:
    return agency.code == ISSUING_AGENCY


class ProviderBindingForm(forms.Form):
    """The provider is one whose accounts the communes have recorded (its reports name them)."""

    provider = forms.ChoiceField(label=_("Tổ chức cung ứng dịch vụ thanh toán"))

    def __init__(self, *args, owner_agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        providers = EpaymentAccount.objects.order_by("provider").values_list("provider", flat=True).distinct()
        self.fields["provider"].choices = [("", "—")] + [(p, p) for p in providers]
        self.fields["provider"].error_messages["required"] = _("Chọn tổ chức cung ứng.")


def _bind(client, data) -> None:
    # Inside client_create's transaction: the client and its binding exist together or not at all.
    EpaymentProviderClient.objects.create(client=client, provider=data["provider"])


def _describe(client) -> str:
    binding = getattr(client, "epayment_provider_binding", None)
    return binding.provider if binding is not None else ""


register_kind(
    ClientKind(
        code=KIND_EPAYMENT_PROVIDER,
        label=_("Hệ thống của tổ chức cung ứng dịch vụ thanh toán"),
        services=frozenset({SERVICE_EPAYMENT_USE}),
        issuable_by=_issuer,
        form_class=ProviderBindingForm,
        bind=_bind,
        describe=_describe,
        description=_(
            "Ngân hàng, ví điện tử hoặc Mobile Money gửi số giao dịch hằng tháng của tài khoản mình quản lý."
        ),
    )
)
