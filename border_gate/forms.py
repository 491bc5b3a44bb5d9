"""Forms: input shapes and Vietnamese field errors only; the rules live in services/validators."""

import datetime
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from border_gate import validators as v
from border_gate.models import DRIVER_LANGUAGES, Crossing, Direction, Driver, Entry, GoodsType, Journey, Regime, Yard
from border_gate.services import CORRECTABLE_FIELDS, DeclarationData, GoodsData

COUNTRY_CHOICES = [("VN", _("Việt Nam")), ("CN", _("Trung Quốc"))]
GOODS_ROWS = 3


class DeclarationForm(forms.Form):
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)
    enterprise = forms.TypedChoiceField(label=_("Doanh nghiệp"), required=False, coerce=int, empty_value=None)
    crossing = forms.ModelChoiceField(
        label=_("Cửa khẩu"), queryset=Crossing.objects.filter(is_active=True), empty_label=None
    )
    direction = forms.ChoiceField(label=_("Chiều"), choices=Direction.choices)
    regime = forms.ChoiceField(label=_("Loại hình"), choices=Regime.choices)
    journey = forms.ChoiceField(label=_("Hành trình"), choices=Journey.choices, initial=Journey.NORMAL)
    expected_arrival = forms.DateTimeField(
        label=_("Dự kiến đến cửa khẩu"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )
    vehicle_country = forms.ChoiceField(label=_("Quốc tịch xe"), choices=COUNTRY_CHOICES, initial="VN")
    vehicle_plate = forms.CharField(
        label=_("Biển số xe"), max_length=24, help_text=_("Ví dụ: 12C-123.45 hoặc 桂A12345")
    )
    trailer_country = forms.ChoiceField(label=_("Quốc tịch rơ moóc"), choices=COUNTRY_CHOICES, initial="VN")
    trailer_plate = forms.CharField(label=_("Biển số rơ moóc"), max_length=24, required=False)
    containers = forms.CharField(
        label=_("Container"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng một container: số ISO 6346 và cỡ, ví dụ CSQU3054383:40"),
    )
    driver_name = forms.CharField(label=_("Họ tên lái xe"), max_length=150)
    driver_id_kind = forms.ChoiceField(label=_("Loại giấy tờ"), choices=Driver.IdKind.choices)
    driver_id_number = forms.CharField(label=_("Số giấy tờ"), max_length=20)
    driver_phone = forms.CharField(label=_("Điện thoại lái xe (nhận tin nhắn gọi xe)"), max_length=20)
    driver_language = forms.ChoiceField(
        label=_("Ngôn ngữ tin nhắn và trang theo dõi của lái xe"),
        choices=DRIVER_LANGUAGES,
        initial="vi",
        required=False,
    )
    driver_licence = forms.CharField(label=_("Số giấy phép lái xe"), max_length=20, required=False)
    health_symptoms = forms.BooleanField(label=_("Lái xe có triệu chứng sốt, ho, khó thở"), required=False)
    health_note = forms.CharField(label=_("Thông tin sức khỏe khác"), max_length=300, required=False)
    customs_declaration_number = forms.CharField(
        label=_("Số tờ khai hải quan"), max_length=14, required=False, help_text=_("12 chữ số, nếu đã có")
    )

    def __init__(self, *args, enterprises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [("", _("— Tự khai (lái xe, chủ hàng cá nhân) —"))] + [
            (e.pk, str(e)) for e in enterprises
        ]
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)

    def clean(self):
        """Every rule of the service (services.declarations._validate_declaration) that a field
        carries is checked here too, with the same validators: a declarant sees every problem in
        one round, not the service's after the form's."""
        d = super().clean()
        checks = [
            ("vehicle_plate", v.parse_plate, "vehicle_plate", "vehicle_country"),
            ("trailer_plate", v.parse_plate, "trailer_plate", "trailer_country"),
            ("driver_id_number", v.validate_driver_id, "driver_id_kind", "driver_id_number"),
            ("driver_phone", v.validate_driver_phone, "driver_phone"),
            ("customs_declaration_number", v.validate_customs_declaration_number, "customs_declaration_number"),
            ("expected_arrival", v.validate_expected_arrival, "expected_arrival"),
            ("journey", v.validate_journey, "journey", "direction"),
        ]
        for field, check, *args in checks:
            if not all(d.get(a) for a in args):
                continue  # missing: the field's own "required" message says so (or it is optional)
            try:
                check(*(d[a] for a in args))
            except ValidationError as e:
                self.add_error(field, e.messages)
        return d

    def clean_containers(self):
        return v.parse_containers(self.cleaned_data.get("containers") or "")


class GoodsForm(forms.Form):
    hs_code = forms.CharField(label=_("Mã HS"), max_length=13, required=False)
    description = forms.CharField(label=_("Mô tả hàng hóa"), max_length=300, required=False)
    goods_type = forms.ChoiceField(label=_("Nhóm hàng"), choices=[("", "—"), *list(GoodsType.choices)], required=False)
    weight_kg = forms.IntegerField(label=_("Khối lượng (kg)"), min_value=1, max_value=100_000, required=False)
    value_vnd = forms.IntegerField(label=_("Trị giá (VND)"), min_value=0, required=False)
    perishable = forms.BooleanField(label=_("Dễ hư hỏng"), required=False)

    def is_blank(self) -> bool:
        d = getattr(self, "cleaned_data", {}) or {}
        return not any(d.get(k) for k in ("hs_code", "description", "goods_type", "weight_kg", "value_vnd"))

    def clean(self):
        d = super().clean()
        if self.is_blank():
            return d
        for name in ("hs_code", "description", "goods_type", "weight_kg", "value_vnd"):
            if d.get(name) in (None, ""):
                self.add_error(name, _("Trường này là bắt buộc cho dòng hàng đã khai."))
        if d.get("hs_code"):
            try:
                d["hs_code"] = v.validate_hs_code(d["hs_code"])
            except ValidationError as e:
                self.add_error("hs_code", e.messages)
        return d


class BaseGoodsFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if all(f.is_blank() for f in self.forms):
            raise ValidationError(_("Khai ít nhất một dòng hàng."), code="no_goods")

    def summary_errors(self) -> list[tuple[str, str, str]]:
        """(anchor, label, message) of each row's errors, for the error summary at the top."""
        out = [("id_goods-0-hs_code", _("Hàng hóa"), e) for e in self.non_form_errors()]
        for n, form in enumerate(self.forms, start=1):
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else name
                for e in errors:
                    row = gettext("Dòng hàng %(n)d — %(field)s") % {"n": n, "field": label}
                    out.append((f"id_{form.prefix}-{name}", row, e))
        return out


GoodsFormSet = forms.formset_factory(GoodsForm, formset=BaseGoodsFormSet, extra=GOODS_ROWS, max_num=10)


def declaration_data(form: DeclarationForm, goods_formset) -> DeclarationData:
    d = form.cleaned_data
    return DeclarationData(
        crossing=d["crossing"],
        direction=d["direction"],
        regime=d["regime"],
        journey=d["journey"],
        vehicle_plate=d["vehicle_plate"],
        vehicle_country=d["vehicle_country"],
        trailer_plate=d["trailer_plate"],
        trailer_country=d["trailer_country"],
        containers=d["containers"],
        driver_name=d["driver_name"],
        driver_id_kind=d["driver_id_kind"],
        driver_id_number=d["driver_id_number"],
        driver_phone=d["driver_phone"],
        driver_language=d["driver_language"] or "vi",
        driver_licence=d["driver_licence"],
        health_symptoms=d["health_symptoms"],
        health_note=d["health_note"],
        expected_arrival=d["expected_arrival"],
        customs_declaration_number=d["customs_declaration_number"],
        goods=[
            GoodsData(
                hs_code=g.cleaned_data["hs_code"],
                description=g.cleaned_data["description"],
                goods_type=g.cleaned_data["goods_type"],
                weight_kg=g.cleaned_data["weight_kg"],
                value_vnd=g.cleaned_data["value_vnd"],
                perishable=g.cleaned_data["perishable"],
            )
            for g in goods_formset.forms
            if not g.is_blank()
        ],
    )


def _correction_input(field_name: str, entry: Entry) -> forms.Field:
    """The input a declarant corrects one field with: the same kind of input the declaration form
    gives that field (a date-time picker, a number pad, a list of goods types, yes/no), never free
    text to be typed in a format. The rules stay the service's (services.entry_correct)."""
    label = CORRECTABLE_FIELDS[field_name]
    if field_name in ("vehicle_plate", "trailer_plate"):
        target = entry.vehicle if field_name == "vehicle_plate" else entry.trailer
        cn = target is not None and target.country == "CN"
        if cn:
            help_text = _("Như trên giấy đăng ký xe, ví dụ 桂A12345")
        elif field_name == "vehicle_plate":
            help_text = _("Như trên giấy đăng ký xe, ví dụ 12C-123.45")
        else:
            help_text = _("Như trên giấy đăng ký rơ moóc, ví dụ 51R-141.39; để trống nếu xe không kéo rơ moóc")
        return forms.CharField(
            label=label,
            max_length=24,
            required=field_name == "vehicle_plate",
            help_text=help_text,
            widget=forms.TextInput(
                attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
            ),
        )
    if field_name == "containers":
        return forms.CharField(
            label=label,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3, "autocapitalize": "characters", "spellcheck": "false"}),
            help_text=_("Mỗi dòng một container: số ISO 6346 và cỡ, ví dụ CSQU3054383:40. Để trống nếu không có."),
        )
    if field_name == "driver_name":
        return forms.CharField(label=label, max_length=150)
    if field_name == "driver_id_number":
        numeric = entry.driver.id_kind == Driver.IdKind.CCCD
        return forms.CharField(
            label=label,
            max_length=20,
            help_text=_("12 chữ số của căn cước công dân") if numeric else _("6–12 chữ cái hoặc chữ số của hộ chiếu"),
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"} if numeric else {}),
        )
    if field_name == "driver_phone":
        return forms.CharField(
            label=label,
            max_length=20,
            help_text=_("Di động Việt Nam (09…) hoặc số quốc tế có dấu + (ví dụ +8613800138000)"),
            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
        )
    if field_name == "driver_licence":
        return forms.CharField(label=label, max_length=20, required=False)
    if field_name == "health_note":
        return forms.CharField(label=label, max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    if field_name == "expected_arrival":
        return forms.DateTimeField(
            label=label,
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
            error_messages={"invalid": _("Chọn ngày và giờ dự kiến đến (ví dụ 25/12/2026 08:30).")},
        )
    if field_name == "customs_declaration_number":
        return forms.CharField(
            label=label,
            max_length=14,
            required=False,
            help_text=_("12 chữ số (VNACCS); để trống nếu chưa có"),
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )
    if field_name == "goods.hs_code":
        return forms.CharField(
            label=label,
            max_length=13,
            help_text=_("4, 6, 8 hoặc 10 chữ số, ví dụ 0810.60.00"),
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        )
    if field_name == "goods.description":
        return forms.CharField(label=label, max_length=300)
    if field_name == "goods.weight_kg":
        message = _("Khối lượng từ 1 đến 100.000 kg.")
        return forms.IntegerField(
            label=label,
            min_value=1,
            max_value=100_000,
            error_messages={"invalid": message, "min_value": message, "max_value": message},
        )
    if field_name == "goods.value_vnd":
        message = _("Trị giá là số nguyên VND không âm.")
        return forms.IntegerField(label=label, min_value=0, error_messages={"invalid": message, "min_value": message})
    if field_name == "goods.goods_type":
        return forms.ChoiceField(
            label=label,
            choices=[("", "—"), *GoodsType.choices],
            error_messages={"required": _("Chọn nhóm hàng."), "invalid_choice": _("Chọn nhóm hàng.")},
        )
    if field_name == "goods.perishable":
        return forms.ChoiceField(
            label=label,
            choices=[("1", _("Có")), ("0", _("Không"))],
            widget=forms.RadioSelect,
            error_messages={"required": _("Chọn “Có” hoặc “Không”."), "invalid_choice": _("Chọn “Có” hoặc “Không”.")},
        )
    raise KeyError(field_name)  # pragma: no cover - CORRECTABLE_FIELDS lists the fields above


def correction_current_value(entry: Entry, field_name: str, line_no: int | None):
    """What the declaration holds today for the field, as its correction input shows it."""
    if field_name.startswith("goods."):
        line = entry.goods.filter(line_no=line_no or 0).first()
        if line is None:
            return None
        value = getattr(line, field_name.split(".", 1)[1])
        return ("1" if value else "0") if isinstance(value, bool) else value
    if field_name == "vehicle_plate":
        return entry.vehicle.plate_display
    if field_name == "trailer_plate":
        return entry.trailer.plate_display if entry.trailer_id else ""
    if field_name == "containers":
        return "\n".join(f"{c.number}:{c.size_ft}" for c in entry.containers.order_by("number"))
    if field_name == "expected_arrival":
        return timezone.localtime(entry.expected_arrival)
    return getattr(entry, field_name)


class CorrectionForm(forms.Form):
    """One field of a declaration corrected with the input that field needs (the field is chosen
    on the page before, by a link: no JavaScript needed)."""

    field_name = forms.ChoiceField(widget=forms.HiddenInput, choices=list(CORRECTABLE_FIELDS.items()))
    line_no = forms.TypedChoiceField(
        label=_("Dòng hàng"),
        coerce=int,
        empty_value=None,
        error_messages={"required": _("Chọn dòng hàng cần sửa."), "invalid_choice": _("Chọn dòng hàng cần sửa.")},
    )
    reason = forms.CharField(
        label=_("Lý do sửa"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Nêu lý do sửa.")},
    )

    def __init__(self, *args, entry: Entry, field_name: str, line_no: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.correct_field = field_name
        self.initial.setdefault("field_name", field_name)
        if field_name.startswith("goods."):
            self.fields["line_no"].choices = [("", "—")] + [
                (g.line_no, f"{g.line_no}. {g.description}") for g in entry.goods.order_by("line_no")
            ]
            self.initial.setdefault("line_no", line_no)
        else:
            del self.fields["line_no"]
        self.fields["value"] = _correction_input(field_name, entry)
        self.initial.setdefault("value", correction_current_value(entry, field_name, line_no))
        self.order_fields(["field_name", "line_no", "value", "reason"])

    def value_for_service(self) -> str:
        """The cleaned value in the form services.entry_correct reads."""
        value = self.cleaned_data.get("value")
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        return "" if value is None else str(value)


class EnterpriseForm(forms.Form):
    tax_code = forms.CharField(label=_("Mã số thuế"), max_length=20)
    name = forms.CharField(label=_("Tên doanh nghiệp"), max_length=200)
    address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=15, required=False)

    def clean_tax_code(self):
        return v.validate_tax_code(self.cleaned_data["tax_code"])


class StaffForm(forms.Form):
    email = forms.EmailField(label=_("Email tài khoản của nhân viên"))


class DecisionForm(forms.Form):
    DECISIONS = [("pass", _("Cho qua")), ("hold", _("Tạm dừng")), ("reject", _("Từ chối"))]
    entry_step = forms.IntegerField(widget=forms.HiddenInput)
    # Set when the officer decides without having taken the step first: the service takes it in
    # the decision's transaction (services.step_pass(take=True)).
    take = forms.BooleanField(required=False, widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("Quyết định"), choices=DECISIONS, widget=forms.RadioSelect, initial="pass")
    reason = forms.CharField(label=_("Lý do (bắt buộc khi tạm dừng hoặc từ chối)"), max_length=300, required=False)
    # At the customs step, the lane may be recorded with the decision (one submission for a green
    # lane): the view commits it first, on its own (see views.officer_decide).
    lane = forms.ChoiceField(
        label=_("Phân luồng"), choices=Entry.Lane.choices, required=False, widget=forms.RadioSelect
    )
    yard = forms.ModelChoiceField(label=_("Bãi"), queryset=Yard.objects.none(), required=False)
    certificate_number = forms.CharField(label=_("Số giấy chứng nhận"), max_length=64, required=False)
    inspection_result = forms.CharField(label=_("Kết quả kiểm tra thực tế"), max_length=300, required=False)
    receipt_number = forms.CharField(label=_("Số biên lai thu phí"), max_length=64, required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args, crossing_id: int | None, **kwargs):
        """`crossing_id`: the yards offered are that crossing's (None: every crossing's, for system
        administrators; the service refuses a yard of another crossing than the entry's)."""
        super().__init__(*args, **kwargs)
        # A submission without a yard (7 steps out of 8) needs no yard queryset to validate.
        if not self.is_bound or self.data.get("yard"):
            self.set_crossing(crossing_id)

    def set_crossing(self, crossing_id: int | None) -> None:
        self.fields["yard"].queryset = (
            Yard.objects.filter(is_active=True)
            if crossing_id is None
            else Yard.objects.filter(is_active=True, crossing_id=crossing_id)
        )

    def clean(self):
        d = super().clean()
        if d.get("decision") in ("hold", "reject") and not (d.get("reason") or "").strip():
            self.add_error("reason", _("Nêu lý do tạm dừng hoặc từ chối."))
        return d


class LaneForm(forms.Form):
    lane = forms.ChoiceField(label=_("Phân luồng"), choices=Entry.Lane.choices, widget=forms.RadioSelect)


class FeeCalculatorForm(forms.Form):
    regime = forms.ChoiceField(label=_("Loại hình"), choices=Regime.choices)
    journey = forms.ChoiceField(label=_("Hành trình"), choices=Journey.choices, initial=Journey.NORMAL)
    goods_types = forms.MultipleChoiceField(
        label=_("Nhóm hàng trên xe (chọn nhiều nếu chở hàng ghép)"),
        choices=GoodsType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    weight_kg = forms.IntegerField(label=_("Tổng khối lượng hàng (kg)"), min_value=1, max_value=100_000)
    container = forms.ChoiceField(
        label=_("Container"),
        choices=[("", _("Không chở container")), ("20", "20 feet"), ("40", "40/45 feet")],
        required=False,
    )


class CallNextForm(forms.Form):
    direction = forms.ChoiceField(label=_("Chiều"), choices=Direction.choices)
    count = forms.IntegerField(label=_("Số xe"), min_value=1, max_value=50, initial=5)
    call_key = forms.CharField(widget=forms.HiddenInput)


class DriverFindForm(forms.Form):
    """A driver finds their page with the declaration code and their phone number (both on the
    SMS and the enterprise's papers), without the enterprise forwarding the link."""

    code = forms.CharField(label=_("Mã khai báo"), max_length=20)
    phone = forms.CharField(label=_("Số điện thoại lái xe"), max_length=20)

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean_phone(self):
        try:
            return v.validate_driver_phone(self.cleaned_data["phone"])
        except ValidationError:
            raise ValidationError(_("Số điện thoại không hợp lệ."), code="phone") from None
