from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from party.models import CommitteeMember, KeyTask, MemberPosition, PartyDocument, PartyMember

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TaskFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *KeyTask.Status.choices]
    )
    owner = forms.TypedChoiceField(label=_("Cơ quan chủ trì"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("Tất cả"))] + [(a.pk, a.name) for a in owners]


class DocumentFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại văn bản"), required=False, choices=[("", _("Tất cả")), *PartyDocument.Kind.choices]
    )
    q = forms.CharField(label=_("Tìm theo số, trích yếu, cơ quan ban hành"), required=False, max_length=100)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Nội dung báo cáo"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    # Checked by the service (type by content, size, count); the field only lets several be chosen.
    files = MultipleFileField(
        label=_("Tệp minh chứng (PDF, JPG, PNG, DOCX; tối đa 5 tệp, 10 MB mỗi tệp)"), required=False
    )


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo họ tên, số thẻ"), required=False, max_length=100)


class MemberForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Chi bộ"), queryset=None)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    birth_date = forms.DateField(label=_("Ngày sinh"), widget=DATE)
    admitted_on = forms.DateField(label=_("Ngày vào Đảng"), widget=DATE)
    status = forms.ChoiceField(label=_("Tình trạng"), choices=PartyMember.Status.choices)
    card_number = forms.CharField(label=_("Số thẻ đảng viên"), max_length=20, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=15, required=False)

    def __init__(self, *args, instance_member=None, cells, initial_cell=None, **kwargs):
        bound = (args[0] if args else kwargs.get("data")) is not None
        if instance_member is not None and not bound:
            kwargs["initial"] = {
                "organisation": instance_member.organisation_id,
                "full_name": instance_member.full_name,
                "birth_date": instance_member.birth_date,
                "admitted_on": instance_member.admitted_on,
                "status": instance_member.status,
                "card_number": instance_member.card_number,
                "phone": instance_member.phone,
            }
        elif initial_cell is not None:
            kwargs.setdefault("initial", {"organisation": initial_cell.pk})
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = cells


class PositionForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Tổ chức"), queryset=None)
    role = forms.ChoiceField(label=_("Chức vụ"), choices=MemberPosition.Role.choices)
    since = forms.DateField(label=_("Từ ngày"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class DocumentDraftForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Cơ quan ban hành"), queryset=None)
    kind = forms.ChoiceField(label=_("Loại văn bản"), choices=PartyDocument.Kind.choices)
    title = forms.CharField(label=_("Trích yếu"), max_length=300)
    summary = forms.CharField(
        label=_("Nội dung tóm tắt"), widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=20000
    )
    confidentiality = forms.ChoiceField(label=_("Độ mật"), choices=PartyDocument.Confidentiality.choices)
    files = MultipleFileField(label=_("Tệp đính kèm (PDF, DOCX, JPG, PNG; tối đa 20 MB mỗi tệp)"), required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk


class AttachForm(forms.Form):
    files = MultipleFileField(label=_("Thêm tệp đính kèm"), required=True)


class RecipientsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class IssueForm(forms.Form):
    recipients = RecipientsField(label=_("Nơi nhận"), queryset=None, widget=forms.SelectMultiple(attrs={"size": 12}))
    signer_title = forms.CharField(
        label=_("Thẩm quyền, chức vụ người ký"), max_length=150, help_text=_("Ví dụ: T/M Ban Thường vụ — Bí thư")
    )
    signer_name = forms.CharField(
        label=_("Họ tên người ký"), max_length=150, required=False, help_text=_("Để trống: người ký số là bạn.")
    )

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = recipients


class DistributeForm(forms.Form):
    recipients = RecipientsField(
        label=_("Gửi thêm nơi nhận"), queryset=None, widget=forms.SelectMultiple(attrs={"size": 8})
    )

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = recipients


class InboxFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), ("unread", _("Chưa xác nhận đọc")), ("read", _("Đã xác nhận đọc"))],
    )


class CommitteeMemberForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    position = forms.CharField(label=_("Chức vụ, đơn vị công tác"), max_length=200)
    role = forms.ChoiceField(label=_("Vai trò trong ban"), choices=CommitteeMember.Role.choices)
    since = forms.DateField(label=_("Từ ngày"), widget=DATE, initial=timezone.localdate)


class CommitteeRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Vai trò trong ban"), choices=CommitteeMember.Role.choices)


class CommitteeLeaveForm(forms.Form):
    until = forms.DateField(label=_("Thôi nhiệm vụ từ ngày"), widget=DATE, initial=timezone.localdate)
    # Checked by the service, which says why a reason is needed.
    reason = forms.CharField(label=_("Lý do"), max_length=300, required=False)


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Ngày họp"), widget=DATE, initial=timezone.localdate)
    subject = forms.CharField(label=_("Nội dung cuộc họp"), max_length=300)
    conclusion_title = forms.CharField(label=_("Trích yếu thông báo kết luận"), max_length=300)
    summary = forms.CharField(
        label=_("Nội dung kết luận"), widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=20000
    )
