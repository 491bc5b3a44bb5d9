from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from core.users.models import User
from core.users.validators import normalize_vn_phone, validate_citizen_id, validate_vn_phone


class SignupForm(AllauthSignupForm):
    """Citizen self-registration: email, full name, password (twice). The adapter saves the name."""

    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Vui lòng nhập họ và tên.")},
    )

    field_order = ["email", "full_name", "password1", "password2"]

    def clean_full_name(self):
        value = " ".join(self.cleaned_data["full_name"].split())
        if not value:
            raise forms.ValidationError(_("Vui lòng nhập họ và tên."), code="required")
        return value


class ProfileForm(forms.Form):
    """The person's own profile. Values the user typed are kept on error (a bound form re-renders them)."""

    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Vui lòng nhập họ và tên.")},
    )
    phone = forms.CharField(
        label=_("Số điện thoại di động"),
        max_length=20,
        required=False,
        help_text=_("Số di động Việt Nam, ví dụ 0912 345 678 hoặc +84 912 345 678."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    citizen_id = forms.CharField(
        label=_("Số căn cước công dân (CCCD)"),
        max_length=20,
        required=False,
        help_text=_("12 chữ số, in trên thẻ căn cước."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Ngôn ngữ giao diện"),
        choices=[("vi", "Tiếng Việt"), ("en", "English")],
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if user.identity_verified:
            # Verified by VNeID: shown, not editable (a disabled field keeps its value whatever is posted).
            for name, value in (("full_name", user.full_name), ("citizen_id", user.citizen_id)):
                self.fields[name].disabled = True
                self.fields[name].initial = value
                self.fields[name].help_text = _("Đã xác thực qua VNeID.")

    def clean_full_name(self):
        value = " ".join(self.cleaned_data["full_name"].split())
        if not value:
            raise forms.ValidationError(_("Vui lòng nhập họ và tên."), code="required")
        return value

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if not value:
            return ""
        validate_vn_phone(value)
        return normalize_vn_phone(value)

    def clean_citizen_id(self):
        if self.fields["citizen_id"].disabled:
            return self.user.citizen_id
        # Spaces are common when people copy the number from the card ("020 090 000 123").
        value = "".join(self.cleaned_data["citizen_id"].split())
        if not value:
            return ""
        validate_citizen_id(value)
        if User.objects.filter(citizen_id=value).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError(_("Số CCCD này đã được dùng cho một tài khoản khác."), code="duplicate_cccd")
        return value


# --- two-factor codes: a phone opens its number pad and offers the code from an SMS/app ---------------

from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm  # noqa: E402
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm  # noqa: E402

# TOTP codes and allauth's recovery codes are digits only.
ONE_TIME_CODE_ATTRS = {"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}


class _NumericCodeMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(ONE_TIME_CODE_ATTRS)


class AuthenticateForm(_NumericCodeMixin, AllauthAuthenticateForm):
    pass


class ActivateTOTPForm(_NumericCodeMixin, AllauthActivateTOTPForm):
    pass
