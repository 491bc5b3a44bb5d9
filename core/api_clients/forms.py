"""The issuing, rotating and call-log forms of the machine clients page. Validation of what a
client may be given lives in services.client_check (one rule); these forms only parse input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.api_clients import registry
from core.api_clients.services import MAX_OVERLAP_HOURS
from core.geo.models import AdministrativeUnit


class ClientForm(forms.Form):
    request_token = forms.UUIDField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Tên hệ thống"), max_length=200)
    organisation = forms.CharField(label=_("Tổ chức sở hữu"), max_length=200)
    services = forms.MultipleChoiceField(label=_("Dịch vụ dữ liệu"), widget=forms.CheckboxSelectMultiple)
    all_units = forms.BooleanField(label=_("Toàn tỉnh"), required=False)
    units = forms.ModelMultipleChoiceField(
        label=_("Xã, phường được xem"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    rate_limit_per_minute = forms.IntegerField(
        label=_("Giới hạn lượt gọi mỗi phút"), min_value=1, max_value=100_000, initial=120
    )

    def __init__(self, *args, kind: registry.ClientKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["services"].choices = registry.service_choices(kind.allowed_services())
        if kind.uses_units:
            self.fields["units"].queryset = AdministrativeUnit.objects.filter(
                structure=AdministrativeUnit.Structure.CURRENT, level=AdministrativeUnit.Level.COMMUNE
            ).order_by("name")
        else:
            del self.fields["units"]
            del self.fields["all_units"]


class RotateForm(forms.Form):
    overlap_hours = forms.IntegerField(
        label=_("Khóa cũ còn dùng được thêm (giờ)"),
        min_value=0,
        max_value=MAX_OVERLAP_HOURS,
        initial=24,
        help_text=_(
            "Trong thời gian này cả khóa cũ và khóa mới đều dùng được, để hệ thống kết nối chuyển sang khóa mới."
        ),
    )


class CallSearchForm(forms.Form):
    STATUS = [
        ("", _("Mọi kết quả")),
        ("ok", _("Thành công")),
        ("refused", _("Bị từ chối (4xx)")),
        ("error", _("Lỗi (5xx)")),
    ]

    client = forms.IntegerField(label=_("Hệ thống (mã số)"), required=False, min_value=1, widget=forms.HiddenInput)
    service = forms.ChoiceField(label=_("Dịch vụ"), required=False)
    status = forms.ChoiceField(label=_("Kết quả"), required=False, choices=STATUS)
    key_prefix = forms.CharField(label=_("Khóa (tiền tố)"), required=False, max_length=12)
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Mọi dịch vụ")), *registry.service_choices()]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data
