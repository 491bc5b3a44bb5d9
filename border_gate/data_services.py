"""The border gate's data services and kinds of machine client, registered with core's registry
(core.api_clients.registry): yard operators, enterprises and the customs system are issued by the
crossing's gate board and bound to its crossing (and yards, or enterprise) by a ClientBinding."""

from django import forms
from django.urls import path
from django.utils.translation import gettext_lazy as _

from border_gate import apis, services
from border_gate.models import ClientBinding, Crossing, Enterprise, Yard
from core.api_clients.registry import ClientKind, DataService, register_kind, register_service

register_service(
    DataService(
        code=services.SERVICE_ENTRIES,
        name=_("Lượt xe qua cửa khẩu (đọc)"),
        description=_("Lượt xe tại cửa khẩu của hệ thống, trong phạm vi doanh nghiệp hoặc bãi của nó."),
    )
)
register_service(
    DataService(
        code=services.SERVICE_YARD_EVENTS,
        name=_("Gửi sự kiện xe vào, ra bãi"),
        writes=True,
    )
)
register_service(
    DataService(
        code=services.SERVICE_CUSTOMS_LANES,
        name=_("Gửi phân luồng hải quan"),
        writes=True,
    )
)
register_service(
    DataService(
        code=services.SERVICE_TRAFFIC,
        name=_("Số lượt xe xuất nhập cảnh theo ngày"),
        description=_("Số lượt xe đến mỗi cửa khẩu theo ngày và chiều (không có dữ liệu cá nhân)."),
        urlpatterns=[path("border-traffic/", apis.TrafficApi.as_view(), name="border-traffic")],
    )
)


def _gate_board(agency) -> bool:
    return agency.kind == "border_force" and agency.force == "gate_board"


class _BindingForm(forms.Form):
    """The crossing is the owning gate board's; the form adds it to cleaned_data."""

    def __init__(self, *args, owner_agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.crossing = Crossing.objects.filter(code=owner_agency.crossing_code).first()

    def clean(self):
        data = super().clean()
        if self.crossing is None:
            raise forms.ValidationError(_("Cơ quan quản lý không gắn với cửa khẩu nào."))
        data["crossing"] = self.crossing
        return data


class YardOperatorBindingForm(_BindingForm):
    yards = forms.ModelMultipleChoiceField(
        label=_("Bãi của đơn vị vận hành"), queryset=Yard.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["yards"].queryset = Yard.objects.filter(crossing=self.crossing, is_active=True).order_by("name")
        self.fields["yards"].error_messages["required"] = _("Chọn ít nhất một bãi.")


class EnterpriseBindingForm(_BindingForm):
    enterprise = forms.CharField(label=_("Mã số thuế của doanh nghiệp"), max_length=14)

    def clean_enterprise(self):
        tax_code = self.cleaned_data["enterprise"].strip()
        enterprise = Enterprise.objects.filter(tax_code=tax_code).first()
        if enterprise is None:
            raise forms.ValidationError(_("Không có doanh nghiệp nào với mã số thuế này trên nền tảng."))
        return enterprise


class CustomsBindingForm(_BindingForm):
    pass


def _bind(kind):
    def bind(client, data):
        services.client_bind(
            client=client,
            kind=kind,
            crossing=data["crossing"],
            enterprise=data.get("enterprise"),
            yards=data.get("yards") or (),
        )

    return bind


def _describe(client) -> str:
    binding = getattr(client, "border_gate_binding", None)
    if binding is None:
        return ""
    parts = [binding.crossing.name]
    if binding.enterprise_id:
        parts.append(str(binding.enterprise))
    parts += [yard.name for yard in binding.yards.all()]
    return " · ".join(parts)


for _kind, _form in (
    (ClientBinding.Kind.YARD_OPERATOR, YardOperatorBindingForm),
    (ClientBinding.Kind.ENTERPRISE, EnterpriseBindingForm),
    (ClientBinding.Kind.CUSTOMS, CustomsBindingForm),
):
    register_kind(
        ClientKind(
            code=f"border_gate.{_kind.value}",
            label=_kind.label,
            services=frozenset(services.API_KEY_SCOPES_BY_KIND[_kind]),
            issuable_by=_gate_board,
            form_class=_form,
            bind=_bind(_kind.value),
            describe=_describe,
        )
    )
