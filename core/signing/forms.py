from django import forms
from django.utils.translation import gettext_lazy as _

MAX_PDF_BYTES = 20 * 1024 * 1024


class VerifyUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp PDF cần kiểm tra"),
        help_text=_("Tệp PDF bạn nhận được, tối đa 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PDF_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 20 MB)."))
        head = upload.read(1024)
        upload.seek(0)
        if b"%PDF-" not in head:
            raise forms.ValidationError(_("Tệp không phải là PDF."))
        return upload


class VerifyCodeForm(forms.Form):
    code = forms.CharField(label=_("Mã kiểm tra"), max_length=32, help_text=_("In dưới mã QR trên văn bản."))

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).upper()
