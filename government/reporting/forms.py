"""Forms of periodic reporting. The report form is built from the indicators (a form as data);
its fields are text inputs so that whatever was typed is shown again with the error, and the
values are checked by the one rule in services.clean_value."""

from django import forms
from django.utils.translation import gettext_lazy as _

from government.reporting import services
from government.reporting.models import ReportIndicator


class ReportValuesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, form, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        self.indicators = list(form.indicators.all())
        for indicator in self.indicators:
            label = f"{indicator.label} ({indicator.unit})" if indicator.unit else indicator.label
            if indicator.kind == ReportIndicator.Kind.CHOICE:
                field = forms.ChoiceField(
                    label=label, required=False, choices=[("", "—"), *[(c, c) for c in indicator.choices]]
                )
            elif indicator.kind == ReportIndicator.Kind.TEXT:
                field = forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}))
            else:
                field = forms.CharField(
                    label=label, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
                )
            field.help_text = indicator.help_text
            field.required_indicator = indicator.required
            self.fields[indicator.code] = field
        self.order_fields([i.code for i in self.indicators] + ["note", "version"])

    def clean(self):
        data = super().clean()
        for indicator in self.indicators:
            value, error = services.clean_value(indicator, data.get(indicator.code))
            if error:
                self.add_error(indicator.code, error)
            elif value is None and indicator.required and self.submitting:
                self.add_error(indicator.code, services.REQUIRED_MESSAGE())
        return data

    def raw_values(self) -> dict:
        return {i.code: self.cleaned_data.get(i.code) for i in self.indicators}

    def indicator_fields(self):
        return [self[i.code] for i in self.indicators]


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Lý do mở lại"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    until = forms.DateTimeField(
        label=_("Mở đến"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"],
    )
