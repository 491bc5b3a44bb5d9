"""Demo periodic reports (`seed_demo`): the current and previous periods of every form, and the
demo commune official's monthly report filed through the services. Idempotent."""

from core.demo import register

DEMO_VALUES = {
    "ho-so-truc-tuyen": "164",
    "ty-le-truc-tuyen": "87,5",
    "to-cong-nghe": "14",
    "luot-ho-tro": "412",
    "ho-cua-hang-so": "1.318",
    "ket-noi-mang": "Tốt",
    "kho-khan": "Một số thôn chưa có sóng 4G ổn định.",
}


@register("reporting", order=75)
def generate(*, scale, log):
    from core.users.models import User
    from government.reporting import services
    from government.reporting.models import Report, ReportPeriod

    services.periods_ensure()
    official = (
        User.objects.filter(email__endswith="@demo.langson.vn", groups__name="commune_official", agency__kind="commune")
        .order_by("pk")
        .first()
    )
    if official is None:
        return
    for period in (
        ReportPeriod.objects.filter(form__code="cds-xa-hang-thang").select_related("form").order_by("-deadline")
    ):
        if not period.is_open():
            continue
        if Report.objects.filter(period=period, agency_id=official.agency_id).exists():
            continue
        services.report_save(actor=official, period=period, values=DEMO_VALUES, submit=True)
        log(f"demo report: {period} by {official.agency}")
        break
