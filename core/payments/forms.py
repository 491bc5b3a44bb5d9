from django import forms
from django.utils.translation import gettext_lazy as _


class RefundDoneForm(forms.Form):
    note = forms.CharField(
        label=_("Mã giao dịch hoàn tiền"),
        max_length=300,
        help_text=_("Mã giao dịch của lệnh chuyển trả tiền tại ngân hàng hoặc kho bạc."),
    )
