"""Indicators of the digital border gate, and its live panel on the operations centre's province view
(core.indicators.registry).

Periods are half-open `[start, end)`. Flows (trucks cleared, average wait) count what happened in the
period; stocks (backlog, congestion level) are the state at `period_end`, computed from the entries'
timestamps, so a past period gives the backlog as it was then."""

import json
from pathlib import Path

from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from border_gate import congestion, selectors
from border_gate.models import Entry
from core.indicators.registry import Indicator, Panel, PanelColumn, register, register_panel

_CROSSINGS = json.loads((Path(__file__).resolve().parent / "reference" / "crossings.v1.json").read_text("utf-8"))[
    "crossings"
]


def _cleared(start, end, commune_code=None, crossing=None):
    if commune_code is not None:
        return None  # crossings are reported for the province, not per commune
    qs = Entry.objects.filter(status=Entry.Status.CROSSED, closed_at__gte=start, closed_at__lt=end)
    if crossing:
        qs = qs.filter(crossing__code=crossing)
    return qs.count()


def _backlog_at(end, crossing=None) -> int:
    """Trucks arrived by `end`, not yet called to the barrier nor closed at `end`."""
    qs = Entry.objects.filter(arrived_at__lt=end).filter(
        Q(called_at__isnull=True) | Q(called_at__gte=end), Q(closed_at__isnull=True) | Q(closed_at__gte=end)
    )
    if crossing:
        qs = qs.filter(crossing__code=crossing)
    return qs.count()


def _backlog(start, end, commune_code=None, crossing=None):
    if commune_code is not None:
        return None
    return _backlog_at(end, crossing)


def _level(start, end, commune_code=None, crossing=None):
    """The national congestion band as a level, 0 green … 3 red (border_gate/congestion.py)."""
    if commune_code is not None:
        return None
    return congestion.level(_backlog_at(end, crossing))


def _avg_wait(start, end, commune_code=None):
    if commune_code is not None:
        return None
    # the board's figure, computed the one way (border_gate.selectors.average_wait_minutes)
    return selectors.average_wait_minutes(start, end)


def _declared(start, end, commune_code=None):
    if commune_code is not None:
        return None
    return Entry.objects.filter(created_at__gte=start, created_at__lt=end).count()


register(
    Indicator(
        code="border_gate.trucks_cleared",
        pillar="border_gate",
        name=_("Xe thông quan qua các cửa khẩu"),
        unit=_("xe"),
        compute=_cleared,
        frequency="daily",
        detail_url_name="border_gate:public-board",
        public=True,
        description=_("Số lượt xe đã qua cửa khẩu (xuất và nhập) trong kỳ."),
    )
)
register(
    Indicator(
        code="border_gate.trucks_cleared_hourly",
        pillar="border_gate",
        name=_("Xe thông quan trong giờ"),
        unit=_("xe"),
        compute=_cleared,
        frequency="hourly",
        detail_url_name="border_gate:public-board",
        public=True,
    )
)
register(
    Indicator(
        code="border_gate.backlog",
        pillar="border_gate",
        name=_("Xe tồn tại các cửa khẩu"),
        unit=_("xe"),
        compute=_backlog,
        higher_is_better=False,
        frequency="hourly",
        detail_url_name="border_gate:public-board",
        public=True,
        description=_("Xe đã đến cửa khẩu, chưa được gọi qua, vào cuối kỳ."),
    )
)
register(
    Indicator(
        code="border_gate.average_wait_minutes",
        pillar="border_gate",
        name=_("Thời gian chờ trung bình tại bãi"),
        unit=_("phút"),
        compute=_avg_wait,
        higher_is_better=False,
        frequency="hourly",
        detail_url_name="border_gate:public-board",
        public=True,
        description=_("Từ khi xe đến cửa khẩu đến khi được gọi, trung bình các xe được gọi trong kỳ."),
    )
)
register(
    Indicator(
        code="border_gate.declarations",
        pillar="border_gate",
        name=_("Khai báo trước khi xe đến"),
        unit=_("tờ khai"),
        compute=_declared,
        frequency="daily",
        public=True,
    )
)
for _c in _CROSSINGS:
    _code = _c["code"]
    register(
        Indicator(
            code=f"border_gate.backlog.{_code}",
            pillar="border_gate",
            name=format_lazy("{} — {}", _("Xe tồn"), _c["name"]),
            unit=_("xe"),
            compute=lambda s, e, commune_code=None, _code=_code: _backlog(s, e, commune_code, _code),
            higher_is_better=False,
            frequency="hourly",
            detail_url_name="border_gate:public-board",
            public=True,
            extra={"crossing": _code},
        )
    )
    register(
        Indicator(
            code=f"border_gate.congestion_level.{_code}",
            pillar="border_gate",
            name=format_lazy("{} — {}", _("Mức ùn tắc"), _c["name"]),
            unit=_("mức (0 xanh – 3 đỏ)"),
            compute=lambda s, e, commune_code=None, _code=_code: _level(s, e, commune_code, _code),
            higher_is_better=False,
            frequency="hourly",
            detail_url_name="border_gate:public-board",
            public=True,
            extra={"crossing": _code, "band": congestion.level_band},
        )
    )
    register(
        Indicator(
            code=f"border_gate.trucks_cleared.{_code}",
            pillar="border_gate",
            name=format_lazy("{} — {}", _("Xe thông quan"), _c["name"]),
            unit=_("xe"),
            compute=lambda s, e, commune_code=None, _code=_code: _cleared(s, e, commune_code, _code),
            frequency="daily",
            detail_url_name="border_gate:public-board",
            public=True,
            extra={"crossing": _code},
        )
    )


# The crossings' live panel: the newest snapshot of each indicator above by crossing, and this pillar's
# public live feed (views.live_json) polled by the operations centre's page between snapshots.
register_panel(
    Panel(
        code="border_gate.crossings",
        pillar="border_gate",
        title=_("Cửa khẩu — trực tiếp"),
        empty_text=_("Chưa có số liệu cửa khẩu."),
        group_key="crossing",
        group_names=lambda: {c["code"]: c["name"] for c in _CROSSINGS},
        live_url_name="border_gate:live-json",
        live_rows_key="crossings",
        live_columns=(
            PanelColumn("name", _("Cửa khẩu")),
            PanelColumn("waiting", _("Xe đang chờ"), band_key="band"),
            PanelColumn("cleared_today", _("Đã thông quan hôm nay")),
            PanelColumn("expected_outside", _("Xe chưa vào bãi")),
        ),
    )
)
