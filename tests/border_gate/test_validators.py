import pytest
from django.core.exceptions import ValidationError

from border_gate import validators as v


@pytest.mark.parametrize(
    ("raw", "compact", "display"),
    [
        ("12C-123.45", "12C12345", "12C-123.45"),
        ("29c12345", "29C12345", "29C-123.45"),
        # Trailer plates (the R series) as the registration papers print them.
        ("51R-141.39", "51R14139", "51R-141.39"),
        ("12r 01234", "12R01234", "12R-012.34"),
        ("12R-0123", "12R0123", "12R-0123"),
    ],
)
def test_vietnamese_plates_are_parsed_and_normalised(raw, compact, display):
    plate = v.parse_vn_plate(raw)
    assert plate.compact == compact and plate.kind == "vn" and plate.country == "VN"
    if display:
        assert plate.display == display


@pytest.mark.parametrize(
    "raw", ["桂AB1234", "12С-123.45", "ABC", "", "00C-123.45", "29A1-234.56", "TC3386", "05R-123.45", "12R-12"]
)
def test_bad_vietnamese_plates_are_refused(raw):
    # Chinese characters and Cyrillic look-alikes (С) are refused before the library sees them;
    # motorcycles and military plates are not freight vehicles; locality 00 does not exist.
    with pytest.raises(ValidationError):
        v.parse_vn_plate(raw)


def test_chinese_plates():
    assert v.parse_foreign_plate("桂A·12345").compact == "桂A12345"
    assert v.parse_foreign_plate("桂F1234挂").compact == "桂F1234挂"
    for bad in ("12C-123.45", "桂I12345", "X A12345", "桂A123"):
        with pytest.raises(ValidationError):
            v.parse_foreign_plate(bad)


def test_tax_code_check_digit():
    assert v.validate_tax_code("0100109106") == "0100109106"
    assert v.validate_tax_code("0100109106-001") == "0100109106001"
    with pytest.raises(ValidationError):
        v.validate_tax_code("0100109107")


def test_container_check_digit():
    assert v.validate_container_number("CSQU 305438 3") == "CSQU3054383"
    with pytest.raises(ValidationError):
        v.validate_container_number("CSQU3054384")


def test_hs_codes_and_quarantine_chapters():
    assert v.validate_hs_code("0810.60.00") == "08106000"
    for bad in ("08", "7701", "9901", "08.10.6", "abcd"):
        with pytest.raises(ValidationError):
            v.validate_hs_code(bad)
    assert v.hs_needs_plant_quarantine("0810") and not v.hs_needs_animal_quarantine("0810")
    assert v.hs_needs_animal_quarantine("0306") and not v.hs_needs_plant_quarantine("8424")


def test_driver_phone_accepts_vietnamese_and_international():
    assert v.validate_driver_phone("+84 912 000 111") == "0912000111"
    assert v.validate_driver_phone("+8613800138000") == "+8613800138000"
    with pytest.raises(ValidationError):
        v.validate_driver_phone("12345")
