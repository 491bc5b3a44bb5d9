import datetime as dt
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.geo.models import AdministrativeUnit as Unit
from economy.models import DigitalShop, Platform


class ShopFilterForm(forms.Form):
    commune = forms.TypedChoiceField(label=_("Xã, phường"), required=False, coerce=int, empty_value=None)
    platform = forms.ChoiceField(label=_("Sàn"), required=False, choices=[("", _("Tất cả")), *Platform.choices])
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *DigitalShop.Status.choices]
    )
    q = forms.CharField(label=_("Tìm theo tên, sản phẩm"), required=False, max_length=100)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("Tất cả"))] + [(u.code, u.name) for u in communes]


class ShopRegisterForm(forms.Form):
    commune = forms.ModelChoiceField(label=_("Xã, phường"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("Tên cửa hàng"), max_length=200)
    platform = forms.ChoiceField(label=_("Sàn thương mại điện tử"), choices=Platform.choices)
    products = forms.CharField(label=_("Sản phẩm chính"), max_length=200, required=False)
    registered_on = forms.DateField(
        label=_("Ngày lên sàn"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        if communes.count() == 1:
            self.fields["commune"].initial = communes.first()

    def clean_registered_on(self):
        value = self.cleaned_data["registered_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Ngày lên sàn không được sau hôm nay."))
        return value


class CommuneFilterForm(forms.Form):
    commune = forms.TypedChoiceField(label=_("Xã, phường"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("Tất cả"))] + [(u.code, u.name) for u in communes]


# --- the soft ATM ---------------------------------------------------------------------------------


class IdempotentForm(forms.Form):
    """Carries the operation's idempotency key in a hidden field, drawn when the form is first shown:
    a double submit (or a retry after a lost answer) sends the same key and happens once."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)


class AmountField(forms.IntegerField):
    """Whole VND, typed with or without thousands separators (1.000.000 or 1,000,000)."""

    default_error_messages = {"invalid": _("Nhập số tiền là số nguyên, tính bằng đồng (ví dụ 500000).")}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Số tiền (đồng)"))
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)
        self.error_messages["min_value"] = _("Số tiền phải lớn hơn 0.")

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(".", "").replace(",", "").replace(" ", "").removesuffix("đ")
        return super().to_python(value)


class WalletOpenForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên (như trên CCCD)"), max_length=150)
    citizen_id = forms.CharField(
        label=_("Số CCCD"), max_length=12, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    phone = forms.CharField(
        label=_("Số điện thoại nhận mã xác nhận"), max_length=15, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    commune = forms.ModelChoiceField(label=_("Xã, phường nơi cư trú"), queryset=Unit.objects.none())
    household_code = forms.CharField(
        label=_("Mã hộ gia đình trong sổ hộ của xã (nếu biết)"),
        max_length=20,
        required=False,
        help_text=_("Để trống nếu không biết: ví của chủ hộ được gắn với hộ theo số CCCD."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Unit.objects.filter(
            structure=Unit.Structure.CURRENT, level=Unit.Level.COMMUNE
        ).order_by("name")


class CashForm(IdempotentForm):
    wallet = forms.CharField(
        label=_("Số ví của khách"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    amount = AmountField()


class ConfirmCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác nhận khách đọc từ tin nhắn"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class TransferForm(IdempotentForm):
    to_wallet = forms.CharField(
        label=_("Số ví người nhận"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    amount = AmountField()


class DeclareCashForm(forms.Form):
    declared_cash = AmountField(label=_("Tiền mặt đếm được cuối ngày (đồng)"), min_value=0)


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Cách xử lý chênh lệch"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class PayForm(forms.Form):
    """Confirms a fee payment from the wallet (the amount is the payment's: nothing to type)."""

    confirm = forms.BooleanField(
        label=_("Tôi đồng ý trừ tiền từ ví để thanh toán khoản này"),
        error_messages={"required": _("Đánh dấu ô xác nhận để thanh toán từ ví.")},
    )


class ProductSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm sản phẩm (có dấu hoặc không dấu)"), required=False, max_length=100)
    commune = forms.TypedChoiceField(label=_("Xã, phường"), required=False, coerce=int, empty_value=None)
    specialties = forms.BooleanField(label=_("Chỉ đặc sản địa phương"), required=False)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("Tất cả"))] + [(u.code, u.name) for u in communes]


class SalesImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp CSV doanh số xuất từ sàn (cột: link, thang, so_don, doanh_thu)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("Tệp lớn quá 2 MB."))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Tệp phải là văn bản UTF-8 (CSV).")) from None


def recent_months(today, count: int = 12) -> list[tuple[str, str]]:
    """The current month and the ones before it, newest first: ("2026-12", "12/2026")."""
    month, choices = today.replace(day=1), []
    for _i in range(count):
        choices.append((month.strftime("%Y-%m"), month.strftime("%m/%Y")))
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return choices


class SalesEntryForm(forms.Form):
    """A shop's sales of one month, typed on a phone by the person who runs the shop."""

    month = forms.ChoiceField(label=_("Tháng"))
    orders = forms.IntegerField(
        label=_("Số đơn hàng"),
        min_value=0,
        max_value=10_000_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": _("Nhập số đơn là số nguyên (ví dụ 12)."), "min_value": _("Số đơn không được âm.")},
    )
    revenue = AmountField(label=_("Doanh thu (đồng)"), min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = recent_months(timezone.localdate())
        self.fields["revenue"].error_messages["min_value"] = _("Doanh thu không được âm.")

    def clean_month(self):
        return dt.datetime.strptime(self.cleaned_data["month"], "%Y-%m").date()


class TransactionSearchForm(forms.Form):
    ref = forms.CharField(label=_("Mã giao dịch (ví dụ GD00000012)"), required=False, max_length=20)


class ReverseForm(IdempotentForm):
    reason = forms.CharField(
        label=_("Lý do đảo giao dịch"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=250,
        help_text=_("Ví dụ: khách nộp nhầm ví, nhân viên nhập sai số tiền. Lý do được lưu vào nhật ký."),
    )


class HouseholdFilterForm(forms.Form):
    commune = forms.TypedChoiceField(label=_("Xã, phường"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(label=_("Mã hộ hoặc tên chủ hộ"), required=False, max_length=100)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("Tất cả"))] + [(u.code, u.name) for u in communes]


class HouseholdEditForm(forms.Form):
    """What a commune may correct of a household (the code and commune never change)."""

    head_name = forms.CharField(label=_("Họ và tên chủ hộ"), max_length=150)
    head_citizen_id = forms.CharField(
        label=_("Số CCCD của chủ hộ (nếu có)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("Ví ATM mềm của chủ hộ được gắn với hộ theo số này."),
    )
    village = forms.CharField(label=_("Thôn, bản, tổ dân phố"), max_length=100, required=False)


class HouseholdForm(HouseholdEditForm):
    """A commune official enters one household of their commune's register."""

    commune = forms.ModelChoiceField(label=_("Xã, phường"), queryset=Unit.objects.none())
    code = forms.CharField(label=_("Mã hộ"), max_length=20)
    registered_on = forms.DateField(
        label=_("Ngày ghi vào sổ"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    field_order = ["commune", "code", "head_name", "head_citizen_id", "village", "registered_on"]

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        if len(communes) == 1:
            self.fields["commune"].initial = communes[0].pk


class EpaymentUseImportForm(forms.Form):
    """A provider's monthly report of account use, as a CSV file."""

    provider = forms.ChoiceField(label=_("Tổ chức cung ứng"))
    file = forms.FileField(label=_("Tệp CSV (cột: ma_tai_khoan, thang, so_giao_dich)"))

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [(p, p) for p in providers]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 8 * 1024 * 1024:
            raise forms.ValidationError(_("Tệp lớn quá 8 MB."))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Tệp phải là văn bản UTF-8 (CSV).")) from None
