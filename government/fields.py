"""A procedure's form, defined as data (`Procedure.form_fields`), turned into a normal Django form.

Field spec: {"name", "label", "type", "required", ...} with type one of text, textarea, date
(`past_only`), integer (`min`, `max`), choice (`choices` [[value, label], ...]), cccd, phone, email,
parcel (a land parcel's code, checked against government/land).
The same form validates the web page and the API, so both give the same field-level errors.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.users.validators import validate_citizen_id, validate_vn_phone
from government.data_text import data_text_lazy

FIELD_TYPES = ("text", "textarea", "date", "integer", "choice", "cccd", "phone", "email", "parcel")


def _not_in_future(value: dt.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("Ngày không được sau ngày hôm nay."), code="future")


def _parcel_exists(value: str) -> None:
    from government.land.selectors import parcel_exists

    if not parcel_exists(value):
        raise ValidationError(
            _("Không có thửa đất mang mã này trong cơ sở dữ liệu đất đai (mã dạng 05977-1-3)."),
            code="unknown_parcel",
        )


def build_field(spec: dict) -> forms.Field:
    kind = spec["type"]
    common = {
        "label": data_text_lazy(spec["label"]),
        "required": bool(spec.get("required")),
        "help_text": data_text_lazy(spec["help"]) if spec.get("help") else "",
    }
    if kind == "text":
        return forms.CharField(max_length=spec.get("max_length", 255), **common)
    if kind == "textarea":
        return forms.CharField(
            max_length=spec.get("max_length", 2000), widget=forms.Textarea(attrs={"rows": 3}), **common
        )
    if kind == "date":
        validators = [_not_in_future] if spec.get("past_only") else []
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d", "%d/%m/%Y"],
            validators=validators,
            **common,
        )
    if kind == "integer":
        return forms.IntegerField(min_value=spec.get("min"), max_value=spec.get("max"), **common)
    if kind == "choice":
        choices = [("", "—")] + [(value, data_text_lazy(label)) for value, label in spec["choices"]]
        return forms.ChoiceField(choices=choices, **common)
    if kind == "cccd":
        return forms.CharField(
            max_length=12,
            min_length=12,
            validators=[validate_citizen_id],
            widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            **common,
        )
    if kind == "phone":
        return forms.CharField(
            max_length=15, validators=[validate_vn_phone], widget=forms.TextInput(attrs={"type": "tel"}), **common
        )
    if kind == "email":
        return forms.EmailField(**common)
    if kind == "parcel":
        # A land parcel attached by its code (government/land); the official sees its sheet.
        return forms.CharField(max_length=24, validators=[_parcel_exists], **common)
    raise ValueError(f"unknown field type {kind!r}")


class ProcedureForm(forms.Form):
    """The procedure's declaration (tờ khai). Built per procedure by `procedure_form_class`."""

    field_specs: list[dict] = []

    def cleaned_json(self) -> dict:
        """The cleaned data as JSON (dates in ISO form)."""
        out = {}
        for name, value in self.cleaned_data.items():
            if isinstance(value, dt.date):
                value = value.isoformat()
            out[name] = value
        return out


# A draft keeps what was typed, valid or not; its length is bounded all the same, by the field's own
# maximum where it has one (text 255, textarea 2,000, CCCD 12, phone 15) and otherwise by these.
DRAFT_VALUE_LIMITS = {"email": 320}
DRAFT_VALUE_DEFAULT_LIMIT = 255


def draft_value_limit(spec: dict) -> int:
    return (
        getattr(build_field(spec), "max_length", None)
        or DRAFT_VALUE_LIMITS.get(spec["type"])
        or DRAFT_VALUE_DEFAULT_LIMIT
    )


def draft_data_errors(specs: list[dict], data: dict) -> dict[str, list[str]]:
    """Field errors of a draft's `data` that no draft may keep: a value that is not text, a number or
    a yes/no (a list or an object sent to the API), or longer than the field allows. The page's form
    and the API share this check (government.services)."""
    errors: dict[str, list[str]] = {}
    for spec in specs:
        name = spec["name"]
        if name not in data:
            continue
        value = data[name]
        if not isinstance(value, str | int | float | bool):
            errors[name] = [str(_("Giá trị không hợp lệ."))]
            continue
        limit = draft_value_limit(spec)
        if len(str(value)) > limit:
            errors[name] = [
                str(_("Tối đa %(limit)s ký tự (đã nhập %(length)s).") % {"limit": limit, "length": len(str(value))})
            ]
    return errors


def procedure_form_class(procedure) -> type[ProcedureForm]:
    fields = {spec["name"]: build_field(spec) for spec in procedure.form_fields}
    return type("ProcedureForm", (ProcedureForm,), {**fields, "field_specs": procedure.form_fields})


def validate_specs(specs: list[dict]) -> None:
    """Checks reference data before it is loaded (a broken file must fail the loader, not a citizen)."""
    names = set()
    for spec in specs:
        if spec.get("type") not in FIELD_TYPES:
            raise ValueError(f"field {spec.get('name')}: unknown type {spec.get('type')!r}")
        if not spec.get("name") or spec["name"] in names:
            raise ValueError(f"field name missing or repeated: {spec.get('name')!r}")
        names.add(spec["name"])
        build_field(spec)
