from django import forms
from django.utils.translation import gettext_lazy as _

from party.models import KeyTask, PartyDocument


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
    q = forms.CharField(label=_("Tìm theo số, trích yếu"), required=False, max_length=100)


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Nội dung báo cáo"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
