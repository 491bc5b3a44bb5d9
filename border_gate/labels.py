"""What people read in place of the stored keys and codes: the declaration's fields in versions and
diffs, their values (choices, yes/no), and the actions of a truck's history. One place, so the
declarant's page, the correction form and the officers' history say the same thing."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from border_gate.models import Direction, GoodsType, Journey, Regime

# The snapshot's keys (services.declarations.entry_snapshot), in the order a declaration reads.
FIELD_LABELS = {
    "crossing": gettext_lazy("Cửa khẩu"),
    "direction": gettext_lazy("Chiều"),
    "regime": gettext_lazy("Loại hình"),
    "journey": gettext_lazy("Hành trình"),
    "vehicle_plate": gettext_lazy("Biển số xe"),
    "trailer_plate": gettext_lazy("Biển số rơ moóc"),
    "containers": gettext_lazy("Container"),
    "driver_name": gettext_lazy("Họ tên lái xe"),
    "driver_id_number": gettext_lazy("Số giấy tờ lái xe"),
    "driver_phone": gettext_lazy("Điện thoại lái xe"),
    "driver_licence": gettext_lazy("Giấy phép lái xe"),
    "health_symptoms": gettext_lazy("Lái xe có triệu chứng"),
    "health_note": gettext_lazy("Thông tin sức khỏe"),
    "expected_arrival": gettext_lazy("Dự kiến đến cửa khẩu"),
    "customs_declaration_number": gettext_lazy("Số tờ khai hải quan"),
}
GOODS_LABELS = {
    "hs_code": gettext_lazy("Mã HS"),
    "description": gettext_lazy("Mô tả hàng hóa"),
    "goods_type": gettext_lazy("Nhóm hàng"),
    "weight_kg": gettext_lazy("Khối lượng (kg)"),
    "value_vnd": gettext_lazy("Trị giá (VND)"),
    "perishable": gettext_lazy("Dễ hư hỏng"),
}
_CHOICES = {
    "direction": dict(Direction.choices),
    "regime": dict(Regime.choices),
    "journey": dict(Journey.choices),
    "goods_type": dict(GoodsType.choices),
}
_GOODS_KEY = re.compile(r"^goods\.(?P<line>\d+)\.(?P<attr>\w+)$")


def field_label(key: str) -> str:
    """ "goods.2.weight_kg" → "Dòng hàng 2: Khối lượng (kg)"; an unknown key is shown as it is."""
    m = _GOODS_KEY.match(key or "")
    if m:
        return _("Dòng hàng %(n)s: %(field)s") % {
            "n": m["line"],
            "field": GOODS_LABELS.get(m["attr"], m["attr"]),
        }
    return str(FIELD_LABELS.get(key, key))


def field_value(key: str, value) -> str:
    """A stored value as the declarant typed or chose it: choices by their label, yes/no, amounts
    with thousands separators, and a dash for an empty value."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    m = _GOODS_KEY.match(key or "")
    attr = m["attr"] if m else key
    if attr in _CHOICES:
        return str(_CHOICES[attr].get(value, value))
    if attr in ("weight_kg", "value_vnd") and isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def snapshot_rows(snapshot: dict) -> list[tuple[str, str, str]]:
    """(key, label, value) for each field of a version, goods lines after the truck's fields."""
    return [(k, field_label(k), field_value(k, v)) for k, v in snapshot.items()]


def change_rows(changes: dict) -> list[tuple[str, str, str]]:
    """(label, before, after) for each changed field of a version."""
    return [(field_label(k), field_value(k, old), field_value(k, new)) for k, (old, new) in changes.items()]


# The actions of a truck's audit trail (services write them; officers read them in the history).
ACTION_LABELS = {
    "border_gate.entry.declare": gettext_lazy("Khai báo"),
    "border_gate.entry.correct": gettext_lazy("Sửa khai báo"),
    "border_gate.entry.cancel": gettext_lazy("Hủy khai báo"),
    "border_gate.entry.expire": gettext_lazy("Khai báo hết hạn"),
    "border_gate.entry.take": gettext_lazy("Nhận bước"),
    "border_gate.entry.release": gettext_lazy("Trả lại bước"),
    "border_gate.entry.pass": gettext_lazy("Cho qua bước"),
    "border_gate.entry.hold": gettext_lazy("Tạm dừng"),
    "border_gate.entry.reject": gettext_lazy("Từ chối"),
    "border_gate.entry.lane": gettext_lazy("Phân luồng"),
    "border_gate.entry.call": gettext_lazy("Gọi xe vào"),
    "border_gate.entry.yard_in": gettext_lazy("Vào bãi"),
    "border_gate.entry.yard_out": gettext_lazy("Ra bãi"),
    "border_gate.entry.fee_request": gettext_lazy("Tạo yêu cầu thanh toán phí"),
    "border_gate.entry.fee_paid": gettext_lazy("Đã thanh toán phí"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    # A new action without a label still reads as words, never as a dotted code.
    return str(label) if label is not None else action.rsplit(".", 1)[-1].replace("_", " ")
