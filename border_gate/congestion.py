"""The national congestion bands for trucks waiting at a crossing (VNSW): green under 500, yellow
500–1,000, orange 1,001–5,000, red above 5,000. Defined here once; the boards, the public JSON and the
operations centre's congestion level all read it."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

# (band, the highest number of waiting trucks in it); the last band has no upper limit.
BANDS: tuple[tuple[str, int | None], ...] = (("green", 499), ("yellow", 1000), ("orange", 5000), ("red", None))


def level(waiting: int) -> int:
    """The band's position: 0 green … 3 red."""
    for i, (_band, highest) in enumerate(BANDS):
        if highest is None or waiting <= highest:
            return i
    raise AssertionError("the last band has no upper limit")


def band(waiting: int) -> str:
    return BANDS[level(waiting)][0]


def ranges() -> dict[str, str]:
    """Each band's range as the public JSON prints it ("< 500", "500–1000", …)."""
    out, low = {}, 0
    for name, highest in BANDS:
        if low == 0:
            out[name] = f"< {highest + 1}"
        elif highest is None:
            out[name] = f"> {low - 1}"
        else:
            out[name] = f"{low}–{highest}"
        low = (highest or 0) + 1
    return out


def level_band(value: float) -> str:
    """The band of a congestion level (0–3), for whoever colours the level indicator."""
    return BANDS[min(max(int(value), 0), len(BANDS) - 1)][0]


def explained() -> str:
    """The bands in words, as the public board prints them under its table; built from BANDS so the
    note and the colours cannot disagree at a boundary."""
    (_g, green), (_y, yellow), (_o, orange), _red = BANDS

    def n(value: int) -> str:
        return number_format(value, force_grouping=True)

    return _(
        "Mức ùn tắc theo Cổng một cửa quốc gia: xanh dưới %(yellow_from)s xe chờ, vàng %(yellow_from)s–%(yellow_to)s, "
        "cam %(orange_from)s–%(orange_to)s, đỏ trên %(orange_to)s."
    ) % {
        "yellow_from": n(green + 1),
        "yellow_to": n(yellow),
        "orange_from": n(yellow + 1),
        "orange_to": n(orange),
    }
