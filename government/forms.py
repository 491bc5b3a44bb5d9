"""Page forms. The procedure's own declaration is built from data in `government.fields`."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.geo.models import AdministrativeUnit
from government.models import Dossier, DossierRating, Topic


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(label=_("Tên hoặc mã thủ tục"), required=False, max_length=100)
    topic = forms.ChoiceField(label=_("Lĩnh vực"), required=False, choices=[("", _("Tất cả")), *Topic.choices])
    agency = forms.ChoiceField(label=_("Cơ quan giải quyết"), required=False)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("Tất cả")), ("commune", _("UBND xã, phường")), *agencies]


def commune_choices():
    units = AdministrativeUnit.objects.filter(structure="2025", level="commune").order_by("name")
    return [("", "—")] + [(u.code, u.name) for u in units]


class NewDossierForm(forms.Form):
    """Where to file a commune procedure; the hidden token makes a double-click create one draft."""

    commune = forms.TypedChoiceField(label=_("Xã, phường nộp hồ sơ"), coerce=int, required=True)
    client_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = commune_choices()


class ApplicantForm(forms.Form):
    """Who files the dossier, as the public lookup needs it (checked at submission, like the
    declaration)."""

    applicant_id_number = forms.CharField(
        label=_("Số CCCD của người nộp"),
        help_text=_("12 chữ số. Dùng để tra cứu hồ sơ (4 số cuối) và ghi trên giấy tiếp nhận."),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"}),
    )


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Mã hồ sơ"), max_length=60)
    id_last4 = forms.RegexField(
        label=_("4 số cuối CCCD của người nộp"),
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={"invalid": _("Nhập đúng 4 chữ số.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class QueueFilterForm(forms.Form):
    STATUS_CHOICES = [("open", _("Đang giải quyết")), ("all", _("Tất cả"))] + [
        (value, label) for value, label in Dossier.Status.choices if value != Dossier.Status.DRAFT
    ]
    DUE_CHOICES = [("", _("Tất cả")), ("soon", _("Sắp đến hạn")), ("overdue", _("Quá hạn"))]
    q = forms.CharField(label=_("Mã hồ sơ hoặc người nộp"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Trạng thái"), required=False, choices=STATUS_CHOICES)
    procedure = forms.ChoiceField(label=_("Thủ tục"), required=False)
    due = forms.ChoiceField(label=_("Thời hạn"), required=False, choices=DUE_CHOICES)
    mine = forms.BooleanField(label=_("Hồ sơ tôi đang xử lý"), required=False)

    def __init__(self, *args, procedures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [("", _("Tất cả"))] + [(p.code, f"{p.code} — {p.name}") for p in procedures]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Ghi chú nội bộ"),
        help_text=_("Chỉ cán bộ thấy ghi chú này; công dân không thấy."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Nội dung"),
        help_text=_("Công dân sẽ thấy ghi chú này."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApologyForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do chậm trả kết quả"),
        help_text=_("Công dân sẽ thấy ghi chú này."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    new_due_date = forms.DateField(
        label=_("Ngày hẹn trả kết quả mới"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )

    def clean_new_due_date(self):
        value = self.cleaned_data["new_due_date"]
        if value <= timezone.localdate():
            raise forms.ValidationError(_("Ngày hẹn mới phải sau ngày hôm nay."))
        return value


class SupplementForm(forms.Form):
    file = forms.FileField(label=_("Giấy tờ bổ sung"), required=False)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Mức độ hài lòng"), coerce=int, choices=DossierRating.Score.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Góp ý"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
