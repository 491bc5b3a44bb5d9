from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.geo.models import AdministrativeUnit as Unit
from economy.models import DigitalShop, Platform


class ShopFilterForm(forms.Form):
    commune = forms.TypedChoiceField(label=_("Xã, phường"), required=False, coerce=int, empty_value=None)
    platform = forms.ChoiceField(label=_("Sàn"), required=False, choices=[("", _("Tất cả")), *Platform.choices])
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *DigitalShop.Status.choices]
    )
    q = forms.CharField(label=_("Tìm theo tên, sản phẩm"), required=False, max_length=100)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("Tất cả"))] + [(u.code, u.name) for u in communes]


class ShopRegisterForm(forms.Form):
    commune = forms.ModelChoiceField(label=_("Xã, phường"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("Tên cửa hàng"), max_length=200)
    platform = forms.ChoiceField(label=_("Sàn thương mại điện tử"), choices=Platform.choices)
    products = forms.CharField(label=_("Sản phẩm chính"), max_length=200, required=False)
    registered_on = forms.DateField(
        label=_("Ngày lên sàn"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        if communes.count() == 1:
            self.fields["commune"].initial = communes.first()

    def clean_registered_on(self):
        value = self.cleaned_data["registered_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Ngày lên sàn không được sau hôm nay."))
        return value


class CommuneFilterForm(forms.Form):
    commune = forms.TypedChoiceField(label=_("Xã, phường"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("Tất cả"))] + [(u.code, u.name) for u in communes]
