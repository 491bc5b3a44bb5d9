import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Vietnamese mobile numbers after the 2018 renumbering: 03x, 05x, 07x, 08x, 09x + 7 digits.
_PHONE = re.compile(r"^0(3[2-9]|5[25689]|7[06-9]|8[1-9]|9\d)\d{7}$")


def normalize_vn_phone(value: str) -> str:
    v = re.sub(r"[\s.\-()]", "", value or "")
    if v.startswith("+84"):
        v = "0" + v[3:]
    elif v.startswith("84") and len(v) == 11:
        v = "0" + v[2:]
    return v


def validate_vn_phone(value: str) -> None:
    if not _PHONE.match(normalize_vn_phone(value)):
        raise ValidationError(
            _("Số điện thoại di động Việt Nam không hợp lệ (ví dụ: 0912 345 678)."), code="invalid_phone"
        )


def validate_citizen_id(value: str) -> None:
    """CCCD: 12 digits; the first 3 are a province code (001–096), the 4th encodes century+sex."""
    if not re.fullmatch(r"\d{12}", value or ""):
        raise ValidationError(_("Số CCCD phải gồm đúng 12 chữ số."), code="invalid_cccd")
    if not 1 <= int(value[:3]) <= 96:
        raise ValidationError(
            _("Ba chữ số đầu của CCCD phải là mã tỉnh nơi đăng ký khai sinh (001–096)."), code="invalid_cccd_province"
        )
