"""The on-time rate of periodic reports, registered with core's registry for the operations centre:
of the reports due in the period (their deadline inside it), the share first submitted before the
deadline; a unit that filed nothing counts as late. Per commune: that commune's People's Committee."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.indicators.registry import Indicator, percent, register
from government.reporting.models import Report, ReportPeriod
from government.reporting.services import expected_agencies


def _due_periods(start, end):
    return ReportPeriod.objects.filter(deadline__gt=start, deadline__lte=end).select_related("form")


def on_time_rate(start, end, commune_code=None):
    expected = on_time = 0
    for period in _due_periods(start, end):
        agencies = expected_agencies(period.form)
        if commune_code is not None:
            agencies = agencies.filter(admin_unit__code=int(commune_code), admin_unit__structure="2025")
        n = agencies.count()
        if not n:
            continue
        expected += n
        on_time += Report.objects.filter(period=period, agency__in=agencies, on_time=True).count()
    return percent(on_time, expected, digits=1)


def on_time_by_commune(start, end):
    expected: dict[int, int] = {}
    on_time: dict[int, int] = {}
    for period in _due_periods(start, end):
        if period.form.submitters != "communes":
            continue
        for code in (
            expected_agencies(period.form)
            .filter(admin_unit__structure="2025")
            .values_list("admin_unit__code", flat=True)
        ):
            expected[code] = expected.get(code, 0) + 1
        rows = (
            Report.objects.filter(period=period, agency__admin_unit__structure="2025")
            .values("agency__admin_unit__code")
            .annotate(n=Count("pk", filter=Q(on_time=True)))
        )
        for row in rows:
            code = row["agency__admin_unit__code"]
            on_time[code] = on_time.get(code, 0) + row["n"]
    return {code: percent(on_time.get(code, 0), n, digits=1) for code, n in expected.items() if n}


register(
    Indicator(
        code="government.reporting.on_time_rate",
        pillar="government",
        name=_("Báo cáo định kỳ nộp đúng hạn"),
        unit="%",
        compute=on_time_rate,
        by_commune=True,
        compute_by_commune=on_time_by_commune,
        detail_url_name="reporting:index",
        description=_(
            "Tỷ lệ báo cáo định kỳ đến hạn trong kỳ được đơn vị nộp trước hạn (đơn vị không nộp tính là trễ)."
        ),
    )
)
