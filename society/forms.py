from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from society.models import (
    BROADCAST_CHANNELS,
    Broadcast,
    BroadcastTemplate,
    Conduct,
    HouseholdVisit,
    Mark,
    PrimaryAward,
    PrimaryQuality,
    School,
    Subject,
    TechTeamVisit,
)


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


# --- gradebooks ----------------------------------------------------------------------------------


class GradebookForm(forms.Form):
    """One field per cell (student × assessment), named by services.gradebook.mark_field. No JS: a
    plain form a phone keypad fills ("7,5" or "7.5"); validation happens in the service so a bad
    cell keeps what was typed and shows its message under it."""

    def __init__(self, *args, sheet, components, by_comment: bool, primary: bool = False, **kwargs):
        from society import assessment_primary
        from society.services.gradebook import mark_field

        super().__init__(*args, **kwargs)
        self.rows = []
        comment_choices = [
            ("", "—"),
            (Mark.Comment.PASS, Mark.Comment.PASS.label),
            (Mark.Comment.FAIL, Mark.Comment.FAIL.label),
        ]
        level_choices = [("", "—")] + [(c, Mark.Comment(c).label) for c in assessment_primary.LEVELS]
        for row in sheet:
            cells = []
            for component in components:
                name = mark_field(row.enrollment.student_id, component)
                mark = row.marks.get(component)
                label = f"{row.enrollment.student.full_name} — {Mark.Component(component).label}"
                if primary and component == assessment_primary.REMARK:
                    # No maxlength: a browser would cut the text silently; the service says how long it is.
                    field = forms.CharField(
                        label=label,
                        required=False,
                        max_length=2000,
                        widget=forms.Textarea(attrs={"rows": 2, "cols": 24, "class": "remark"}),
                    )
                    initial = mark.remark if mark else ""
                elif primary and assessment_primary.is_test(component):
                    field = forms.CharField(
                        label=label,
                        required=False,
                        max_length=5,  # "7,5" reaches the service, which says why it is refused
                        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 2, "autocomplete": "off"}),
                    )
                    initial = f"{mark.score:.0f}" if mark and mark.score is not None else ""
                elif primary or by_comment:
                    choices = level_choices if primary else comment_choices
                    field = forms.ChoiceField(label=label, required=False, choices=choices)
                    initial = mark.comment if mark else ""
                else:
                    field = forms.CharField(
                        label=label,
                        required=False,
                        max_length=5,
                        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 3, "autocomplete": "off"}),
                    )
                    initial = f"{mark.score:.1f}".replace(".", ",") if mark and mark.score is not None else ""
                field.initial = initial
                self.fields[name] = field
                cells.append(name)
            self.rows.append((row, cells))

    def row_fields(self):
        for row, names in self.rows:
            yield row, [self[name] for name in names]


class UnlockForm(forms.Form):
    reason = forms.CharField(label=_("Lý do mở khóa"), max_length=300, required=False)


def _remark_field(label: str, initial: str) -> forms.CharField:
    # No maxlength: a browser would cut the text silently; the service says how long it is.
    return forms.CharField(
        label=label,
        required=False,
        max_length=2000,
        initial=initial,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 24, "class": "remark"}),
    )


class ConductForm(forms.Form):
    """Conduct of a secondary class for a term or the year; for the year also the homeroom
    teacher's remark that the transcript prints (`with_remarks`)."""

    def __init__(self, *args, results, period: int, with_remarks: bool = False, **kwargs):
        from society.services.homeroom import conduct_field, conduct_remark_field

        super().__init__(*args, **kwargs)
        choices = [("", "—"), *Conduct.Level.choices]
        self.rows = []
        for r in results:
            name = conduct_field(r.enrollment.pk)
            self.fields[name] = forms.ChoiceField(
                label=r.enrollment.student.full_name, required=False, choices=choices, initial=r.conduct.get(period, "")
            )
            remark = None
            if with_remarks:
                remark = conduct_remark_field(r.enrollment.pk)
                self.fields[remark] = _remark_field(
                    f"{r.enrollment.student.full_name} — {_('Nhận xét của giáo viên chủ nhiệm')}", r.year_remark
                )
            self.rows.append((r, name, remark))

    def row_fields(self):
        for r, name, remark in self.rows:
            yield r, self[name], self[remark] if remark else None


class QualitiesForm(forms.Form):
    """Circular 27 qualities and competences of a primary class: one select per student and item
    (all items, or one item at a time on a phone: `items`), and with one item the remark on it
    too (`with_remarks`)."""

    def __init__(self, *args, results, period: int, items, with_remarks: bool = False, **kwargs):
        from society.services.homeroom import quality_field, quality_remark_field

        super().__init__(*args, **kwargs)
        choices = [("", "—"), *PrimaryQuality.Level.choices]
        self.rows = []
        for r in results:
            names, remarks = [], []
            current = r.qualities.get(period, {})
            current_remarks = r.quality_remarks.get(period, {})
            for item in items:
                label = f"{r.enrollment.student.full_name} — {PrimaryQuality.Item(item).label}"
                name = quality_field(r.enrollment.pk, item)
                self.fields[name] = forms.ChoiceField(
                    label=label, required=False, choices=choices, initial=current.get(item, "")
                )
                names.append(name)
                if with_remarks:
                    remark = quality_remark_field(r.enrollment.pk, item)
                    self.fields[remark] = _remark_field(f"{label} — {_('Nhận xét')}", current_remarks.get(item, ""))
                    remarks.append(remark)
            self.rows.append((r, names, remarks))

    def row_fields(self):
        for r, names, remarks in self.rows:
            yield r, [self[name] for name in names], [self[name] for name in remarks]


class AwardsForm(forms.Form):
    """A primary class's end-of-year awards: per student a title (Circular 27, Art. 15) and other
    awards written out. Checked by services.awards (titles against the year's result)."""

    def __init__(self, *args, results, **kwargs):
        from society.services.awards import award_fields

        super().__init__(*args, **kwargs)
        choices = [("", "—"), *PrimaryAward.Title.choices]
        self.rows = []
        for r in results:
            title_name, other_name = award_fields(r.enrollment.pk)
            award = r.award
            name = r.enrollment.student.full_name
            self.fields[title_name] = forms.ChoiceField(
                label=_("Danh hiệu — %(name)s") % {"name": name},
                required=False,
                choices=choices,
                initial=award.title if award else "",
            )
            self.fields[other_name] = forms.CharField(
                label=_("Khen thưởng khác — %(name)s") % {"name": name},
                required=False,
                max_length=2000,  # the service says how long it may be, keeping the text
                initial=award.other if award else "",
                widget=forms.TextInput(attrs={"placeholder": _("Ví dụ: Giải Nhì Hội thi Viết chữ đẹp cấp tỉnh")}),
            )
            self.rows.append((r, title_name, other_name))

    def row_fields(self):
        for r, title_name, other_name in self.rows:
            yield r, self[title_name], self[other_name]

    def awards(self) -> dict[int, tuple[str, str]]:
        return {
            r.enrollment.pk: (self.cleaned_data.get(t, ""), self.cleaned_data.get(o, ""))
            for r, t, o in self.rows
            if t in self.data or o in self.data
        }


class TransferForm(forms.Form):
    to_school = forms.ModelChoiceField(
        label=_("Trường tiếp nhận"), queryset=School.objects.none(), to_field_name="code", empty_label="—"
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args, exclude_school: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_school"].queryset = School.objects.exclude(pk=exclude_school).order_by("name")


class HouseholdVisitForm(forms.Form):
    """Filled on a phone in the field: four taps and a name. The hidden token makes a second
    submission of the same form harmless."""

    household = forms.CharField(label=_("Hộ gia đình (tên chủ hộ)"), max_length=150)
    visited_on = forms.DateField(
        label=_("Ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), initial=timezone.localdate
    )
    help = forms.MultipleChoiceField(
        label=_("Nội dung hỗ trợ"), choices=HouseholdVisit.Help.choices, widget=forms.CheckboxSelectMultiple
    )
    outcome = forms.ChoiceField(
        label=_("Kết quả"),
        choices=HouseholdVisit.Outcome.choices,
        widget=forms.RadioSelect,
        initial=HouseholdVisit.Outcome.DONE,
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)
    token = forms.UUIDField(widget=forms.HiddenInput)


class BroadcastForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=200)
    template = forms.ModelChoiceField(
        label=_("Mẫu (tùy chọn)"), queryset=BroadcastTemplate.objects.all(), required=False, empty_label="—"
    )
    body = forms.CharField(
        label=_("Nội dung"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("Có thể dùng {ho_ten}, {xa}, {ngay}. Để trống để dùng nội dung của mẫu."),
    )
    communes = forms.ModelMultipleChoiceField(label=_("Xã, phường"), queryset=None, widget=forms.SelectMultiple)
    group = forms.ChoiceField(label=_("Nhóm người nhận"), choices=Broadcast.Group.choices)
    channels = forms.MultipleChoiceField(
        label=_("Kênh"), choices=BROADCAST_CHANNELS, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = communes

    def clean(self):
        data = super().clean()
        if not data.get("body") and data.get("template"):
            data["body"] = data["template"].body
        if not data.get("body"):
            self.add_error("body", _("Nhập nội dung hoặc chọn một mẫu."))
        return data


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Ý kiến"), max_length=300, required=False)


class TeamForm(forms.Form):
    """A community technology team: set up (commune chosen) or edited (commune fixed)."""

    commune = forms.TypedChoiceField(label=_("Xã, phường"), coerce=int)
    village = forms.CharField(label=_("Thôn, khối phố"), max_length=120)
    name = forms.CharField(label=_("Tên tổ"), max_length=200)
    members = forms.IntegerField(
        label=_("Số thành viên"),
        min_value=1,
        max_value=200,
        help_text=_("Cả những thành viên chưa có tài khoản trên cổng."),
    )
    established_on = forms.DateField(label=_("Ngày thành lập"), widget=forms.DateInput(attrs={"type": "date"}))
    is_active = forms.BooleanField(label=_("Đang hoạt động"), required=False, initial=True)

    def __init__(self, *args, communes=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["commune"]
        else:
            del self.fields["is_active"]
            self.fields["commune"].choices = [("", "—")] + [(u.code, u.name) for u in communes]
            self.communes = {u.code: u for u in communes}

    def clean_commune(self):
        return self.communes.get(self.cleaned_data["commune"])


class TeamMemberForm(forms.Form):
    account = forms.CharField(
        label=_("Thư điện tử hoặc số điện thoại của thành viên"),
        max_length=254,
        help_text=_("Người đó cần có tài khoản trên cổng."),
    )
    is_leader = forms.BooleanField(label=_("Tổ trưởng"), required=False)


class SubjectForm(forms.Form):
    code = forms.CharField(
        label=_("Mã môn"),
        max_length=30,
        help_text=_("Chữ không dấu, số và dấu gạch ngang; không đổi được sau khi tạo."),
    )
    name = forms.CharField(label=_("Tên môn học"), max_length=120)
    assessment = forms.ChoiceField(
        label=_("Hình thức đánh giá (trung học, Thông tư 22)"),
        choices=Subject.Assessment.choices,
        help_text=_(
            "Ở trường tiểu học mọi môn được đánh giá theo mức hoàn thành (Thông tư 27); các môn Tiếng Việt, Toán, "
            "Ngoại ngữ 1, Lịch sử và Địa lí, Khoa học, Tin học và Công nghệ có thêm bài kiểm tra định kỳ."
        ),
    )
    order = forms.IntegerField(label=_("Thứ tự trên sổ điểm và học bạ"), min_value=0, max_value=999)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].required = False

    def clean(self):
        data = super().clean()
        if self.fields["code"].disabled:
            data.pop("code", None)
        return data


class LoudspeakerSlotsForm(forms.Form):
    """A commune's daily loudspeaker slots: up to four times (HH:MM), empty ones skipped; the
    rules (hours, duplicates) are the service's."""

    def __init__(self, *args, current=(), **kwargs):
        from society.services.broadcasts import MAX_LOUDSPEAKER_SLOTS, slot_field

        super().__init__(*args, **kwargs)
        for i in range(MAX_LOUDSPEAKER_SLOTS):
            self.fields[slot_field(i)] = forms.TimeField(
                label=_("Giờ phát thứ %(n)s") % {"n": i + 1},
                required=False,
                input_formats=["%H:%M", "%H:%M:%S", "%Hh%M", "%H.%M"],
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                initial=current[i] if i < len(current) else None,
            )

    def times(self):
        return [self.cleaned_data.get(name) for name in self.fields]
