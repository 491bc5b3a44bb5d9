"""Indicators of meetings for the operations centre (core.indicators.registry, ADR 0501): meetings
held in the period (concluded, by the host agency's commune; the province counts every agency) and the
share of them that had an online room — the seed's "online meetings" from province to commune."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.indicators.registry import Indicator, register, share_indicator

COMMUNE = "agency__admin_unit__code"


def _held(period_start, period_end):
    from government.meetings.models import Meeting

    return Meeting.objects.filter(
        status=Meeting.Status.CONCLUDED, concluded_at__gte=period_start, concluded_at__lt=period_end
    )


def held_parts(period_start, period_end) -> tuple[dict, dict]:
    """(held with an online room, held) per commune; the key None gathers agencies outside communes."""
    rows = (
        _held(period_start, period_end)
        .values(COMMUNE, "agency__admin_unit__structure", "agency__admin_unit__level")
        .annotate(n=Count("pk"), online=Count("pk", filter=~Q(video_url="")))
    )
    online: dict = {}
    held: dict = {}
    for r in rows:
        in_commune = (r["agency__admin_unit__structure"], r["agency__admin_unit__level"]) == ("2025", "commune")
        code = r[COMMUNE] if in_commune else None
        held[code] = held.get(code, 0) + r["n"]
        online[code] = online.get(code, 0) + r["online"]
    return online, held


def held_by_commune(period_start, period_end) -> dict[int, int]:
    held = held_parts(period_start, period_end)[1]
    held.pop(None, None)
    return held


def held(period_start, period_end, commune_code=None):
    if commune_code is not None:
        return held_by_commune(period_start, period_end).get(int(commune_code))
    return sum(held_parts(period_start, period_end)[1].values())


online_share, online_share_by_commune = share_indicator(held_parts)


register(
    Indicator(
        code="government.meetings.held",
        pillar="government",
        name=_("Cuộc họp đã tổ chức trên nền tảng"),
        unit=_("cuộc họp"),
        compute=held,
        by_commune=True,
        compute_by_commune=held_by_commune,
        detail_url_name="meetings:calendar",
        description=_("Cuộc họp kết thúc trong kỳ (có biên bản), theo cơ quan chủ trì."),
    )
)
register(
    Indicator(
        code="government.meetings.online_share",
        pillar="government",
        name=_("Tỷ lệ cuộc họp có phòng họp trực tuyến"),
        unit="%",
        compute=online_share,
        by_commune=True,
        compute_by_commune=online_share_by_commune,
        detail_url_name="meetings:calendar",
        description=_("Cuộc họp kết thúc trong kỳ có liên kết phòng họp trực tuyến / số cuộc họp kết thúc trong kỳ."),
    )
)
