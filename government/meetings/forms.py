import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from government.documents.forms import DateInput, _checked, _people_choices
from government.meetings.models import CalendarFeed, Participant


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _emails(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace(",", "\n").replace(";", "\n").splitlines() if line.strip()]


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Tên cuộc họp"), max_length=300)
    agenda = forms.CharField(label=_("Chương trình họp"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    starts_at = forms.DateTimeField(label=_("Bắt đầu"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Kết thúc dự kiến"), widget=DateTimeInput())
    location = forms.CharField(label=_("Địa điểm"), max_length=300, required=False)
    video_url = forms.CharField(
        label=_("Liên kết phòng họp trực tuyến"),
        max_length=500,
        required=False,
        help_text=_("Dán liên kết https:// của phòng họp; để trống nếu họp trực tiếp."),
    )
    chair = forms.TypedChoiceField(label=_("Người chủ trì"), coerce=int)
    participants = forms.CharField(
        label=_("Người dự (thư điện tử, mỗi dòng một người)"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, leaders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].choices = _people_choices(leaders)

    def clean_participants(self):
        return _emails(self.cleaned_data.get("participants", ""))


class InviteForm(forms.Form):
    participants = forms.CharField(
        label=_("Mời thêm (thư điện tử, mỗi dòng một người)"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_participants(self):
        return _emails(self.cleaned_data.get("participants", ""))


class AttendanceForm(forms.Form):
    """One choice per participant, named `seat-<id>`."""

    def __init__(self, *args, seats=(), **kwargs):
        super().__init__(*args, **kwargs)
        for seat in seats:
            self.fields[f"seat-{seat.pk}"] = forms.ChoiceField(
                label=f"{seat.user.get_full_name()} — {seat.agency.name}",
                choices=Participant.Attendance.choices,
                initial=seat.attendance,
            )

    def marks(self) -> dict[int, str]:
        return {int(name.split("-", 1)[1]): value for name, value in self.cleaned_data.items()}


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Biên bản cuộc họp"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))


class CancelForm(forms.Form):
    note = forms.CharField(
        label=_("Lý do hủy"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FileForm(forms.Form):
    file = forms.FileField(label=_("Tài liệu họp (PDF, DOCX, JPG, PNG)"))

    def clean_file(self):
        return _checked(self.cleaned_data.get("file"), ["pdf", "docx", "jpg", "png"])


class LinkDocumentForm(forms.Form):
    number_symbol = forms.CharField(
        label=_("Số, ký hiệu văn bản đã vào sổ hoặc đã phát hành"),
        max_length=80,
        help_text=_("Ví dụ: 12/QĐ-UBND. Văn bản phải là văn bản bạn được xem, không phải văn bản mật."),
    )


class MeetingTaskForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Người thực hiện"), coerce=int)
    title = forms.CharField(label=_("Nội dung công việc"), max_length=300)
    description = forms.CharField(
        label=_("Yêu cầu cụ thể"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.DateField(label=_("Hạn hoàn thành"), widget=DateInput())

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = _people_choices(people)


class MonthForm(forms.Form):
    month = forms.DateField(input_formats=["%Y-%m"], required=False)
    scope = forms.ChoiceField(choices=[("me", "me"), ("agency", "agency")], required=False)

    def month_or_now(self) -> dt.date:
        if self.is_valid() and self.cleaned_data.get("month"):
            return self.cleaned_data["month"]
        today = timezone.localdate()
        return today.replace(day=1)


class FeedIssueForm(forms.Form):
    """Create (or replace) a secret subscription link to one calendar."""

    scope = forms.ChoiceField(
        label=_("Lịch"),
        choices=CalendarFeed.Scope.choices,
        error_messages={
            "required": _("Chọn lịch của tôi hoặc của cơ quan."),
            "invalid_choice": _("Chọn lịch của tôi hoặc của cơ quan."),
        },
    )


class FeedRevokeForm(forms.Form):
    feed = forms.IntegerField(min_value=1, error_messages={"required": _("Thiếu liên kết cần thu hồi.")})
