from django import forms
from django.utils.translation import gettext_lazy as _


class AuditSearchForm(forms.Form):
    object_type = forms.CharField(
        label=_("Loại đối tượng"), required=False, max_length=100, help_text=_("ví dụ: payments.payment")
    )
    object_id = forms.CharField(label=_("Mã đối tượng"), required=False, max_length=64)
    actor = forms.CharField(label=_("Người thực hiện"), required=False, max_length=254, help_text=_("email hoặc mã số"))
    action = forms.CharField(
        label=_("Hành động (tiền tố)"), required=False, max_length=100, help_text=_("ví dụ: government.dossier.")
    )
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        if data.get("object_id") and not data.get("object_type"):
            self.add_error("object_type", _("Chọn loại đối tượng khi tìm theo mã đối tượng."))
        return data
