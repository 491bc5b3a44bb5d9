"""Indicators of the digital society pillar, registered with core's registry."""

from django.utils.translation import gettext_lazy as _

from core.indicators.registry import LOCAL, Indicator, day_after, from_by_commune, register, share_indicator


def _platform_parts(period_start, period_end):
    from society.selectors import schools_by_commune

    total, on = schools_by_commune(day_after(period_end))
    return on, total


platform_share, platform_share_by_commune = share_indicator(_platform_parts)


def transcripts_by_commune(period_start, period_end):
    from society.selectors import transcripts_signed_by_commune

    return transcripts_signed_by_commune(day_after(period_end))


def teams_count_by_commune(period_start, period_end):
    from society.selectors import teams_by_commune

    return teams_by_commune(day_after(period_end))[0]


def members_by_commune(period_start, period_end):
    from society.selectors import teams_by_commune

    return teams_by_commune(day_after(period_end))[1]


def visits_by_commune(period_start, period_end):
    """Households helped by the teams' members (their visit log), not reported session tallies."""
    from society.selectors import household_visits_by_commune

    return household_visits_by_commune(period_start.astimezone(LOCAL).date(), day_after(period_end))


def vneid_by_commune(period_start, period_end):
    from society.selectors import household_visits_by_commune

    return household_visits_by_commune(
        period_start.astimezone(LOCAL).date(), day_after(period_end), help_code="vneid", done_only=True
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
# Counts per commune, summed for the province.
for code, counts, name, unit, url, description in [
    (
        "society.transcripts.signed",
        transcripts_by_commune,
        _("Học bạ số đã ký (năm học hiện tại)"),
        _("học sinh"),
        "society:schools",
        "",
    ),
    ("society.tech_teams.count", teams_count_by_commune, _("Tổ công nghệ số cộng đồng"), _("tổ"), "society:teams", ""),
    (
        "society.tech_teams.members",
        members_by_commune,
        _("Thành viên tổ công nghệ số cộng đồng"),
        _("người"),
        "society:teams",
        "",
    ),
    (
        "society.tech_teams.visits",
        visits_by_commune,
        _("Hộ gia đình được tổ công nghệ hỗ trợ (trong ngày)"),
        _("hộ"),
        "society:teams",
        _("Chỉ tiêu dòng: số lượt hỗ trợ hộ gia đình thành viên tổ ghi trong kỳ (một ngày)."),
    ),
    (
        "society.tech_teams.vneid",
        vneid_by_commune,
        _("Hộ được kích hoạt định danh điện tử VNeID (trong ngày)"),
        _("hộ"),
        "society:teams",
        _("Chỉ tiêu dòng: lượt hỗ trợ có kích hoạt VNeID đã làm xong, theo nhật ký của tổ."),
    ),
]:
    register(
        Indicator(
            code=code,
            pillar="society",
            name=name,
            unit=unit,
            compute=from_by_commune(counts),
            by_commune=True,
            compute_by_commune=counts,
            detail_url_name=url,
            public=True,
            description=description,
        )
    )
