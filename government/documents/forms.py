from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.agencies.models import Agency
from core.uploads import check_upload
from government.documents.models import Confidentiality, Direction, DocumentType, Status, Urgency

MAX_FILE_BYTES = 20 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _checked(uploaded, types):
    if uploaded:
        check_upload(uploaded, accepted_types=types, max_size_bytes=MAX_FILE_BYTES)
    return uploaded


def _people_choices(users):
    return [("", "—")] + [(u.pk, f"{u.get_full_name()} ({u.email})") for u in users]


class RegisterForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Loại văn bản"), choices=DocumentType.choices)
    number_symbol = forms.CharField(label=_("Số, ký hiệu"), max_length=80, help_text=_("Ví dụ: 125/QĐ-UBND"))
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=DateInput())
    issuing_body = forms.CharField(label=_("Cơ quan ban hành"), max_length=255)
    abstract = forms.CharField(label=_("Trích yếu nội dung"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, initial=Urgency.NORMAL)
    confidentiality = forms.ChoiceField(
        label=_("Độ mật"), choices=Confidentiality.choices, initial=Confidentiality.NORMAL
    )
    deadline = forms.DateField(label=_("Hạn xử lý (nếu có)"), required=False, widget=DateInput())
    main_file = forms.FileField(label=_("Tệp văn bản (PDF)"))
    attachment = forms.FileField(label=_("Tệp đính kèm (PDF, DOCX, JPG, PNG)"), required=False)

    def clean_main_file(self):
        return _checked(self.cleaned_data.get("main_file"), ["pdf"])

    def clean_attachment(self):
        return _checked(self.cleaned_data.get("attachment"), ["pdf", "docx", "jpg", "png"])


class AssignForm(forms.Form):
    handler = forms.TypedChoiceField(label=_("Người xử lý chính"), coerce=int)
    handling_unit = forms.CharField(label=_("Đơn vị xử lý"), max_length=200, help_text=_("Ví dụ: Phòng Tổng hợp"))
    deadline = forms.DateField(label=_("Hạn xử lý"), widget=DateInput())
    direction_note = forms.CharField(
        label=_("Ý kiến chỉ đạo"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].choices = _people_choices(people)

    def clean_deadline(self):
        value = self.cleaned_data["deadline"]
        if value < timezone.localdate():
            raise ValidationError(_("Hạn xử lý không thể trước hôm nay."))
        return value


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Nội dung"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OutgoingForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Loại văn bản"), choices=DocumentType.choices)
    abstract = forms.CharField(label=_("Trích yếu nội dung"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    drafting_unit = forms.CharField(
        label=_("Ký hiệu đơn vị soạn thảo"),
        max_length=20,
        required=False,
        help_text=_("Dùng cho công văn, ví dụ: VP (số sẽ là 12/UBND-VP)"),
    )
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, initial=Urgency.NORMAL)
    confidentiality = forms.ChoiceField(
        label=_("Độ mật"), choices=Confidentiality.choices, initial=Confidentiality.NORMAL
    )
    recipients = forms.ModelMultipleChoiceField(
        label=_("Nơi nhận trên cổng"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Văn bản được gửi điện tử đến các cơ quan này khi phát hành."),
    )
    main_file = forms.FileField(label=_("Tệp dự thảo (PDF)"))

    def __init__(self, *args, agency_id=None, file_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = (
            Agency.objects.filter(is_active=True, kind__in=["province", "department", "commune", "party"])
            .exclude(pk=agency_id)
            .order_by("kind", "name")
        )
        self.fields["main_file"].required = file_required

    def clean_main_file(self):
        return _checked(self.cleaned_data.get("main_file"), ["pdf"])


class SubmitForm(forms.Form):
    reviewer = forms.TypedChoiceField(label=_("Người thẩm định"), coerce=int)
    signer = forms.TypedChoiceField(label=_("Người ký"), coerce=int)

    def __init__(self, *args, people=(), leaders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = _people_choices(people)
        self.fields["signer"].choices = _people_choices(leaders)


class TaskForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Người thực hiện"), coerce=int)
    title = forms.CharField(label=_("Nội dung công việc"), max_length=300)
    description = forms.CharField(
        label=_("Yêu cầu cụ thể"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(label=_("Hạn hoàn thành"), widget=DateInput())

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = _people_choices(people)


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("Ghi chú"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo số, ký hiệu, trích yếu, cơ quan"), max_length=200, required=False)
    direction = forms.ChoiceField(label=_("Sổ"), choices=[("", _("Tất cả")), *Direction.choices], required=False)
    doc_type = forms.ChoiceField(
        label=_("Loại văn bản"), choices=[("", _("Tất cả")), *DocumentType.choices], required=False
    )
    status = forms.ChoiceField(label=_("Trạng thái"), choices=[("", _("Tất cả")), *Status.choices], required=False)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100, required=False)
    overdue = forms.BooleanField(label=_("Chỉ văn bản quá hạn"), required=False)
    page = forms.IntegerField(min_value=1, max_value=10000, required=False, widget=forms.HiddenInput)


class TaskBoardForm(forms.Form):
    year = forms.IntegerField(
        label=_("Năm (theo hạn hoàn thành)"),
        min_value=2000,
        max_value=2100,
        required=False,
        error_messages={"invalid": _("Nhập năm là một số, ví dụ 2026.")},
    )
