"""VietQR payloads: EMVCo Merchant-Presented QR (EMV QRCPS-MPM) as profiled by NAPAS for
account transfers, which every Vietnamese banking app scans.

Each field is ID (2 digits) + length (2 digits) + value. Field 38 carries the NAPAS GUID, the
beneficiary bank's BIN and account, and the service code QRIBFTTA (transfer to an account);
field 62.08 carries the payment reference, which the bank copies into the transfer memo so the
callback can be matched. Field 63 is the CRC-16/CCITT-FALSE of everything before it, "6304"
included, as four upper-case hex digits (EMVCo MPM §4.7.3).
"""

import segno

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"  # ISO 4217 numeric


def tlv(tag: str, value: str) -> str:
    if len(tag) != 2 or not tag.isdigit():
        raise ValueError(f"bad EMVCo tag {tag!r}")
    if len(value) > 99:
        raise ValueError(f"EMVCo field {tag} longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _i in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def build_payload(*, bank_bin: str, account: str, amount: int, reference: str) -> str:
    if not (bank_bin.isdigit() and len(bank_bin) == 6):
        raise ValueError("bank BIN must be 6 digits")
    if not account or not account.isalnum():
        raise ValueError("account must be alphanumeric")
    if amount <= 0:
        raise ValueError("amount must be positive")
    beneficiary = tlv("00", bank_bin) + tlv("01", account)
    merchant_account = tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", SERVICE_TO_ACCOUNT)
    body = (
        tlv("00", "01")  # payload format indicator
        + tlv("01", "12")  # point of initiation: 12 = dynamic (one payment, one amount)
        + tlv("38", merchant_account)
        + tlv("53", CURRENCY_VND)
        + tlv("54", str(int(amount)))
        + tlv("58", "VN")
        + tlv("62", tlv("08", reference))
        + "6304"
    )
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def parse_payload(payload: str) -> dict[str, str]:
    """Top-level fields of a payload (for tests and for checking a scanned code)."""
    fields, i = {}, 0
    while i < len(payload):
        tag, length = payload[i : i + 2], int(payload[i + 2 : i + 4])
        fields[tag] = payload[i + 4 : i + 4 + length]
        i += 4 + length
    return fields


def crc_is_valid(payload: str) -> bool:
    return payload[-8:-4] == "6304" and f"{crc16_ccitt_false(payload[:-4].encode('ascii')):04X}" == payload[-4:]


def qr_svg(payload: str, *, scale: int = 5) -> str:
    """An inline <svg> (no XML declaration) of the payload; error level M as VietQR apps expect.
    With a viewBox and no fixed size (omitsize), so the page's box scales the whole code, quiet zone
    included: a fixed-size SVG in a smaller box was cut off and no banking app could read it."""
    return segno.make(payload, error="m", micro=False).svg_inline(scale=scale, border=4, title="VietQR", omitsize=True)
