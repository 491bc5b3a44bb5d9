"""The cells every economy CSV import checks the same way (platform sales exports, providers'
account-use reports): the header, a month, a whole number. Each check adds its Vietnamese reason to
the line's list instead of raising, so a file's every bad line is reported at once."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

from django.utils.translation import gettext as _

from core.errors import ServiceError


def read_rows(text: str, columns: Sequence[str]) -> csv.DictReader:
    """The file's rows (a UTF-8 BOM from spreadsheet exports ignored); ServiceError under `file`
    when the header is not exactly `columns`."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None or [f.strip() for f in reader.fieldnames] != list(columns):
        message = _("Dòng 1: tệp phải có đúng các cột %(cols)s.") % {"cols": ", ".join(columns)}
        raise ServiceError(message, errors={"file": [message]})
    return reader


def parse_month(value: str) -> dt.date:
    """'2026-11' or '11/2026' → 1 Nov 2026; ValueError otherwise."""
    value = (value or "").strip()
    for fmt in ("%Y-%m", "%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date().replace(day=1)
        except ValueError:
            continue
    raise ValueError(value)


def parse_whole(value: str) -> int:
    """A non-negative whole number, thousands separators ('.', ',', ' ') allowed; ValueError otherwise."""
    cleaned = (value or "").strip().replace(".", "").replace(",", "").replace(" ", "")
    if not cleaned.isdigit():
        raise ValueError(value)
    return int(cleaned)


def month_cell(value: str, this_month: dt.date, line: list[str]) -> dt.date | None:
    """The row's month, or None with the reason added to `line` (unreadable, or not yet begun —
    then the month is still returned, as the duplicate check never runs on a line with reasons)."""
    try:
        month = parse_month(value)
    except ValueError:
        line.append(_("tháng phải có dạng 2026-11"))
        return None
    if month > this_month:
        line.append(_("tháng chưa tới"))
    return month


def whole_cell(value: str, reason: str, line: list[str]) -> int | None:
    """The row's whole number, or None with `reason` added to `line`."""
    try:
        return parse_whole(value)
    except ValueError:
        line.append(reason)
        return None


def line_error(number: int, line: list[str]) -> str:
    return _("Dòng %(n)s: %(errors)s.") % {"n": number, "errors": "; ".join(line)}
