from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from government.operations_centre.models import DtiNode

EVIDENCE_TYPES = {"application/pdf", "image/jpeg", "image/png"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


class DtiEntryForm(forms.Form):
    value = forms.FloatField(label=_("Giá trị"), min_value=0)
    evidence_file = forms.FileField(label=_("Tệp minh chứng (PDF, JPG, PNG; tối đa 10 MB)"), required=False)
    evidence_url = forms.URLField(label=_("hoặc đường dẫn minh chứng"), required=False, assume_scheme="https")
    note = forms.CharField(
        label=_("Căn cứ (số hiệu, ngày, trích yếu văn bản)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, node: DtiNode, **kwargs):
        super().__init__(*args, **kwargs)
        self.node = node
        field = self.fields["value"]
        if node.formula == DtiNode.Formula.BOOLEAN:
            field.help_text = _("1 = có, 0 = không")
        elif node.formula == DtiNode.Formula.TIERED:
            field.help_text = _("1 = đạt đủ, 0,5 = đạt một phần, 0 = không đạt")
        else:
            field.help_text = _("Đơn vị: %(unit)s; đạt điểm tối đa ở mức %(full)s") % {
                "unit": node.unit or "%",
                "full": f"{node.full_score_at or 100:g}",
            }
        if node.formula in (DtiNode.Formula.BOOLEAN, DtiNode.Formula.TIERED):
            field.validators.append(MaxValueValidator(1))
            field.widget.attrs["max"] = 1

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if not upload:
            return upload
        if upload.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 10 MB)."))
        import filetype

        kind = filetype.guess(upload.read(2048))
        upload.seek(0)
        if kind is None or kind.mime not in EVIDENCE_TYPES:
            raise forms.ValidationError(_("Chỉ nhận tệp PDF, JPG hoặc PNG."))
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("evidence_file") and not data.get("evidence_url") and not self.errors.get("evidence_file"):
            raise forms.ValidationError(_("Cần tệp minh chứng hoặc đường dẫn minh chứng."))
        return data
