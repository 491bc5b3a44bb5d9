from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from society.models import School, TechTeamVisit


def _commune_choices(communes):
    return [("", _("Tất cả"))] + [(u.code, u.name) for u in communes]


class SchoolFilterForm(forms.Form):
    commune = forms.TypedChoiceField(label=_("Xã, phường"), required=False, coerce=int, empty_value=None)
    level = forms.ChoiceField(label=_("Cấp học"), required=False, choices=[("", _("Tất cả")), *School.Level.choices])
    on_platform = forms.TypedChoiceField(
        label=_("Nền tảng dạy học số"),
        required=False,
        choices=[("", _("Tất cả")), ("1", _("Đã tham gia")), ("0", _("Chưa tham gia"))],
        coerce=lambda v: v == "1",
        empty_value=None,
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = _commune_choices(communes)


class TeamFilterForm(forms.Form):
    commune = forms.TypedChoiceField(label=_("Xã, phường"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(label=_("Tìm theo tên tổ, thôn"), required=False, max_length=100)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = _commune_choices(communes)


class VisitForm(forms.Form):
    visited_on = forms.DateField(
        label=_("Ngày"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    topic = forms.ChoiceField(label=_("Nội dung hỗ trợ"), choices=TechTeamVisit.Topic.choices)
    households_reached = forms.IntegerField(label=_("Số hộ được hỗ trợ"), min_value=1, max_value=2000)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def clean_visited_on(self):
        value = self.cleaned_data["visited_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Ngày hỗ trợ không được sau hôm nay."))
        return value
