"""Parsers/validators of the identifiers a border declaration carries. Each returns the normalised
value or raises ValidationError with a Vietnamese, user-facing message."""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.users.validators import normalize_vn_phone, validate_vn_phone


@dataclass(frozen=True)
class Plate:
    kind: str  # "vn" | "foreign"
    country: str
    compact: str
    display: str


# Vietnamese plates are Latin letters (plus Đ of the special series), digits and separators. Anything
# else is rejected *before* biensoxe, which would read e.g. "桂AB1234" as a military plate.
_VN_PLATE_CHARS = re.compile(r"^[0-9A-ZĐ.\- ]+$")
# Circular 24/2023/TT-BCA: trailer plates are the locality, the letter R and a 4- or 5-digit number
# printed "NNN.NN" (e.g. 51R-141.39).
_VN_TRAILER_PLATE = re.compile(r"^(?P<locality>\d{2})\s*R\s*-?\s*(?P<number>\d{3}\.?\d{2}|\d{4})$")


def parse_vn_plate(raw: str) -> Plate:
    from biensoxe import VehicleType, VietnamVehiclePlate

    value = (raw or "").strip().upper()
    if not value:
        raise ValidationError(_("Nhập biển số xe."), code="required")
    if not _VN_PLATE_CHARS.match(value):
        raise ValidationError(
            _("Biển số Việt Nam chỉ gồm chữ cái Latinh, chữ số và dấu gạch, dấu chấm (ví dụ: 12C-123.45)."),
            code="plate_charset",
        )
    trailer = _VN_TRAILER_PLATE.match(value)
    if trailer:
        # Trailers and semi-trailers (the "R" series): biensoxe reads the first digit of the number
        # as part of the series ("51R-141.39" became "51R1-4139"), so they are parsed here.
        locality, number = trailer["locality"], trailer["number"].replace(".", "")
        if not 11 <= int(locality) <= 99:
            raise ValidationError(
                _("Mã địa phương %(code)s của biển số không tồn tại.") % {"code": locality}, code="plate_locality"
            )
        return Plate(
            kind="vn",
            country="VN",
            compact=f"{locality}R{number}",
            display=f"{locality}R-{number[:3]}.{number[3:]}" if len(number) == 5 else f"{locality}R-{number}",
        )
    try:
        plate = VietnamVehiclePlate.from_string(value)
    except (ValueError, TypeError):
        raise ValidationError(
            _("Biển số %(plate)s không đúng định dạng biển số Việt Nam (ví dụ: 12C-123.45).") % {"plate": raw},
            code="plate_format",
        ) from None
    not_trucks = {
        VehicleType.DOMESTIC_MOTORCYCLE_UNDER_50CC,
        VehicleType.DOMESTIC_MOTORCYCLE_50_TO_175CC,
        VehicleType.DOMESTIC_MOTORCYCLE_OVER_175CC,
        VehicleType.MILITARY,
        VehicleType.DIPLOMATIC,
    }
    if plate.vehicle_type in not_trucks:
        raise ValidationError(
            _("Biển số %(plate)s không phải biển xe ô tô, xe tải hoặc rơ moóc chở hàng.") % {"plate": raw},
            code="plate_not_truck",
        )
    # Provincial codes run from 11 to 99 (Circular 24/2023/TT-BCA, appendix); 00–10 do not exist.
    if plate.locality is not None and not 11 <= int(plate.locality) <= 99:
        raise ValidationError(
            _("Mã địa phương %(code)s của biển số không tồn tại.") % {"code": plate.locality}, code="plate_locality"
        )
    return Plate(kind="vn", country="VN", compact=plate.compact, display=str(plate))


# Chinese plates (GA 36-2018): province character + issuing-authority letter + 5 characters
# (6 for new-energy vehicles); trailers end with 挂 after 4 characters. I and O are never used.
_CN_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_CN_PLATE = re.compile(rf"^([{_CN_PROVINCES}])([A-HJ-NP-Z])([A-HJ-NP-Z0-9]{{5,6}}|[A-HJ-NP-Z0-9]{{4}}挂)$")
FOREIGN_COUNTRIES = {"CN": "Trung Quốc"}


def parse_foreign_plate(raw: str, country: str = "CN") -> Plate:
    value = re.sub(r"[\s·•.\-]", "", (raw or "").strip().upper())
    if country not in FOREIGN_COUNTRIES:
        raise ValidationError(_("Chưa hỗ trợ biển số của quốc gia này."), code="plate_country")
    if not value:
        raise ValidationError(_("Nhập biển số xe."), code="required")
    m = _CN_PLATE.match(value)
    if not m:
        raise ValidationError(
            _("Biển số Trung Quốc phải gồm chữ Hán tên tỉnh, một chữ cái và 5–6 ký tự (ví dụ: 桂A12345)."),
            code="plate_format",
        )
    province, letter, rest = m.groups()
    return Plate(kind="foreign", country=country, compact=value, display=f"{province}{letter}·{rest}")


def parse_plate(raw: str, country: str = "VN") -> Plate:
    return parse_vn_plate(raw) if country == "VN" else parse_foreign_plate(raw, country)


def normalise_plate_query(raw: str) -> str:
    """The compact form officers' lookups compare against (either kind)."""
    return re.sub(r"[\s·•.\-]", "", (raw or "").strip().upper())


def validate_tax_code(raw: str) -> str:
    from stdnum.exceptions import ValidationError as StdnumError
    from stdnum.vn import mst

    try:
        return mst.validate(raw or "")
    except StdnumError:
        raise ValidationError(
            _("Mã số thuế không hợp lệ (10 chữ số, hoặc 13 chữ số với mã chi nhánh; kiểm tra chữ số kiểm tra)."),
            code="tax_code",
        ) from None


def validate_container_number(raw: str) -> str:
    from stdnum import iso6346
    from stdnum.exceptions import ValidationError as StdnumError

    try:
        return iso6346.validate(raw or "")
    except StdnumError:
        raise ValidationError(
            _("Số container %(number)s không hợp lệ theo ISO 6346 (4 chữ cái, 6 chữ số, 1 chữ số kiểm tra).")
            % {"number": raw},
            code="container",
        ) from None


CONTAINER_SIZES = (20, 40, 45)
MAX_CONTAINERS = 4


def validate_container_size(raw) -> int:
    if str(raw).strip() not in {str(s) for s in CONTAINER_SIZES}:
        raise ValidationError(_("Cỡ container phải là 20, 40 hoặc 45 feet."), code="container_size")
    return int(raw)


def parse_containers(raw: str) -> list[tuple[str, int]]:
    """Containers typed as "number:size" items separated by commas or lines (CSQU3054383:40), as the
    declaration form and a correction take them; each number checked (ISO 6346), at most
    MAX_CONTAINERS. Raises ValidationError with the first problem."""
    items = []
    for item in filter(None, (p.strip() for p in (raw or "").replace("\n", ",").split(","))):
        number, _sep, size = item.partition(":")
        number = validate_container_number(number.strip())
        if size.strip() not in {str(s) for s in CONTAINER_SIZES}:
            raise ValidationError(
                _("Ghi cỡ container sau dấu hai chấm: 20, 40 hoặc 45 (ví dụ CSQU3054383:40)."), code="container_size"
            )
        items.append((number, int(size)))
    if len(items) > MAX_CONTAINERS:
        raise ValidationError(_("Tối đa %(n)d container mỗi xe.") % {"n": MAX_CONTAINERS}, code="containers")
    return items


def validate_hs_code(raw: str) -> str:
    value = re.sub(r"[\s.]", "", raw or "")
    if not re.fullmatch(r"\d{4}(\d{2}){0,3}", value):
        raise ValidationError(_("Mã HS gồm 4, 6, 8 hoặc 10 chữ số (ví dụ: 0810.60.00)."), code="hs_code")
    chapter = int(value[:2])
    # The Harmonized System has chapters 01–97; chapter 77 is reserved and unused.
    if not 1 <= chapter <= 97 or chapter == 77:
        raise ValidationError(_("Chương %(ch)02d không có trong Hệ thống hài hòa (HS).") % {"ch": chapter}, code="hs")
    return value


def hs_needs_plant_quarantine(hs_code: str) -> bool:
    # Chapters 06–14: live plants, vegetables, fruit, coffee/tea/spices, cereals, milling products,
    # oil seeds, plant extracts, other vegetable products (plant-quarantine list, Circular 11/2021/TT-BNNPTNT
    # is by HS heading; by chapter is our simplification).
    return 6 <= int(hs_code[:2]) <= 14


def hs_needs_animal_quarantine(hs_code: str) -> bool:
    # Chapters 01–05: live animals, meat, fish and seafood, dairy/eggs/honey, other animal products.
    return 1 <= int(hs_code[:2]) <= 5


def validate_customs_declaration_number(raw: str) -> str:
    value = re.sub(r"\s", "", raw or "")
    if value and not re.fullmatch(r"\d{12}", value):
        raise ValidationError(_("Số tờ khai hải quan (VNACCS) gồm đúng 12 chữ số."), code="customs_number")
    return value


_INTL_PHONE = re.compile(r"^\+(?!84)\d{8,15}$")


def validate_driver_phone(raw: str) -> str:
    """A Vietnamese mobile, or an international number with its + prefix (Chinese drivers)."""
    value = re.sub(r"[\s.\-()]", "", raw or "")
    if _INTL_PHONE.match(value):
        return value
    validate_vn_phone(value)
    return normalize_vn_phone(value)


def validate_driver_id(kind: str, raw: str) -> str:
    value = re.sub(r"\s", "", raw or "").upper()
    if kind == "cccd":
        from core.users.validators import validate_citizen_id

        validate_citizen_id(value)
        return value
    if not re.fullmatch(r"[A-Z0-9]{6,12}", value):
        raise ValidationError(_("Số hộ chiếu gồm 6–12 chữ cái Latinh hoặc chữ số."), code="passport")
    return value


# A declaration may be made up to an hour after the truck's expected arrival (a late typist), never
# for a time long gone.
ARRIVAL_LATENESS = datetime.timedelta(hours=1)


def validate_expected_arrival(value: datetime.datetime | None, *, now: datetime.datetime | None = None):
    if value is None:
        raise ValidationError(_("Nhập thời gian dự kiến đến."), code="required")
    if value < (now or timezone.now()) - ARRIVAL_LATENESS:
        raise ValidationError(_("Thời gian dự kiến đến không được ở quá khứ."), code="arrival_past")
    return value


def validate_journey(journey: str, direction: str) -> str:
    """The inland journey is, by its definition, imported goods carried on into the country."""
    if journey == "inland_import" and direction != "import":
        raise ValidationError(_("Chỉ hàng nhập khẩu mới vận chuyển vào nội địa."), code="journey")
    return journey
