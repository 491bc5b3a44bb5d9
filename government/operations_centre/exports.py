"""The dashboard's data as an XLSX workbook (openpyxl): one sheet per part of the current view."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.indicators.registry import LOCAL
from government.operations_centre.selectors import PILLAR_LABELS


def _naive(moment):
    # Excel has no time zones: write local wall-clock time.
    return moment.astimezone(LOCAL).replace(tzinfo=None) if moment else None


def _sheet(wb, title, header, rows, first=False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title[:31]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for i, _h in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = 18 if i > 2 else 42
    ws.freeze_panes = "A2"
    return ws


def dashboard_xlsx(data: dict) -> bytes:
    wb = Workbook()
    scope, period = data["scope"], data["period"]
    where = _("Toàn tỉnh") if scope.is_province else scope.commune_name
    _sheet(
        wb,
        _("Tổng quan"),
        [_("Mục"), _("Giá trị")],
        [
            [_("Phạm vi"), where],
            [_("Kỳ"), str(period.label)],
            [_("Từ"), _naive(period.start)],
            [_("Đến"), _naive(period.end)],
            [_("Xuất lúc"), _naive(timezone.now())],
            [_("Người xuất"), str(data["user"])],
        ],
        first=True,
    )
    rows = []
    for block in data["blocks"]:
        for tile in block.tiles:
            rows.append(
                [
                    str(PILLAR_LABELS.get(block.pillar, block.pillar)),
                    tile.code,
                    str(tile.indicator.name),
                    str(tile.indicator.unit),
                    tile.value,
                    _naive(tile.as_of),
                    tile.status.target_value,
                    tile.status.target_year,
                    str(tile.status.label),
                ]
            )
    _sheet(
        wb,
        _("Chỉ tiêu"),
        [
            _("Trụ cột"),
            _("Mã"),
            _("Chỉ tiêu"),
            _("Đơn vị"),
            _("Giá trị"),
            _("Đến thời điểm"),
            _("Mục tiêu"),
            _("Năm mục tiêu"),
            _("Đánh giá"),
        ],
        rows,
    )
    indicator = data["indicator"]
    if indicator is not None:
        _sheet(
            wb,
            _("Chuỗi thời gian"),
            [_("Đến thời điểm"), f"{indicator.name} ({indicator.unit})"],
            [[_naive(end), value] for end, value in data["series"]],
        )
        if data["ranking"]:
            _sheet(
                wb,
                _("Xếp hạng xã"),
                [_("Hạng"), _("Xã, phường"), _("Mã"), f"{indicator.name} ({indicator.unit})"],
                [[r["rank"], r["name"], r["code"], r["value"]] for r in data["ranking"]],
            )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
