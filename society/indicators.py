"""Indicators of the digital society pillar, registered with core's registry."""

from django.utils.translation import gettext_lazy as _

from core.indicators.registry import Indicator, register
from core.indicators.targets import LOCAL


def _day(moment):
    """First local day not included in a period ending at `moment` (exclusive bound)."""
    local = moment.astimezone(LOCAL)
    day = local.date()
    return day if local.time() == local.time().min else day.fromordinal(day.toordinal() + 1)


def _with_province(by_commune, combine=lambda values: sum(values.values())):
    def compute(period_start, period_end, commune_code=None):
        values = by_commune(period_start, period_end)
        return values.get(commune_code, 0) if commune_code is not None else combine(values)

    return compute


def platform_share_by_commune(period_start, period_end):
    from society.selectors import schools_by_commune

    total, on = schools_by_commune(_day(period_end))
    return {code: round(100.0 * on.get(code, 0) / n, 2) for code, n in total.items() if n}


def platform_share(period_start, period_end, commune_code=None):
    from society.selectors import schools_by_commune

    total, on = schools_by_commune(_day(period_end))
    if commune_code is not None:
        n = total.get(commune_code)
        return round(100.0 * on.get(commune_code, 0) / n, 2) if n else None
    n = sum(total.values())
    return round(100.0 * sum(on.values()) / n, 2) if n else None


def transcripts_by_commune(period_start, period_end):
    from society.selectors import transcripts_signed_by_commune

    return transcripts_signed_by_commune(_day(period_end))


def teams_count_by_commune(period_start, period_end):
    from society.selectors import teams_by_commune

    return teams_by_commune(_day(period_end))[0]


def members_by_commune(period_start, period_end):
    from society.selectors import teams_by_commune

    return teams_by_commune(_day(period_end))[1]


def visits_by_commune(period_start, period_end):
    """Households helped by the teams' members (their visit log), not reported session tallies."""
    from society.selectors import household_visits_by_commune

    return household_visits_by_commune(period_start.astimezone(LOCAL).date(), _day(period_end))


def vneid_by_commune(period_start, period_end):
    from society.selectors import household_visits_by_commune

    return household_visits_by_commune(
        period_start.astimezone(LOCAL).date(), _day(period_end), help_code="vneid", done_only=True
    )


register(
    Indicator(
        code="society.schools.platform_share",
        pillar="society",
        name=_("Tỷ lệ trường học dùng nền tảng dạy học số"),
        unit="%",
        compute=platform_share,
        by_commune=True,
        compute_by_commune=platform_share_by_commune,
        detail_url_name="society:schools",
        public=True,
    )
)
register(
    Indicator(
        code="society.transcripts.signed",
        pillar="society",
        name=_("Học bạ số đã ký (năm học hiện tại)"),
        unit=_("học sinh"),
        compute=_with_province(transcripts_by_commune),
        by_commune=True,
        compute_by_commune=transcripts_by_commune,
        detail_url_name="society:schools",
        public=True,
    )
)
register(
    Indicator(
        code="society.tech_teams.count",
        pillar="society",
        name=_("Tổ công nghệ số cộng đồng"),
        unit=_("tổ"),
        compute=_with_province(teams_count_by_commune),
        by_commune=True,
        compute_by_commune=teams_count_by_commune,
        detail_url_name="society:teams",
        public=True,
    )
)
register(
    Indicator(
        code="society.tech_teams.members",
        pillar="society",
        name=_("Thành viên tổ công nghệ số cộng đồng"),
        unit=_("người"),
        compute=_with_province(members_by_commune),
        by_commune=True,
        compute_by_commune=members_by_commune,
        detail_url_name="society:teams",
        public=True,
    )
)
register(
    Indicator(
        code="society.tech_teams.visits",
        pillar="society",
        name=_("Hộ gia đình được tổ công nghệ hỗ trợ (trong ngày)"),
        unit=_("hộ"),
        compute=_with_province(visits_by_commune),
        by_commune=True,
        compute_by_commune=visits_by_commune,
        detail_url_name="society:teams",
        public=True,
        description=_("Chỉ tiêu dòng: số lượt hỗ trợ hộ gia đình thành viên tổ ghi trong kỳ (một ngày)."),
    )
)
register(
    Indicator(
        code="society.tech_teams.vneid",
        pillar="society",
        name=_("Hộ được kích hoạt định danh điện tử VNeID (trong ngày)"),
        unit=_("hộ"),
        compute=_with_province(vneid_by_commune),
        by_commune=True,
        compute_by_commune=vneid_by_commune,
        detail_url_name="society:teams",
        public=True,
        description=_("Chỉ tiêu dòng: lượt hỗ trợ có kích hoạt VNeID đã làm xong, theo nhật ký của tổ."),
    )
)
