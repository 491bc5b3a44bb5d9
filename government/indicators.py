"""Indicators of the digital government pillar, grouped as Decision 766/QĐ-TTg groups them
(research note §4): 2 on-time processing, 3 online service and online payment, 4 digitisation,
5 satisfaction. Every one is computable for the province, per commune (the operations-centre map)
and, through `breakdown`, per agency or procedure.

Periods are half-open `[start, end)` (core.indicators.registry). Flows count the dossiers received
(or finished) inside the period; "on time" is 766's indicator 2.1: dossiers finished in the period
plus those still open at its end, on time when finished (or still open) by the appointment date;
a dossier with more than one supplement request counts as late (766 rule).
"""

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.indicators.registry import Indicator, every_commune, percent, register
from government.models import OPEN_STATUSES, Dossier, DossierRating

S = Dossier.Status
FINISHED = (S.COMPLETED, S.REJECTED)
GROUP_FIELDS = {"commune": "admin_unit__code", "agency": "agency__code", "procedure": "procedure__code"}


def _base(commune_code=None) -> QuerySet:
    qs = Dossier.objects.exclude(status=S.DRAFT)
    if commune_code is not None:
        qs = qs.filter(admin_unit__code=int(commune_code), admin_unit__structure="2025")
    return qs


def _grouped(qs: QuerySet, group: str | None, **aggregates) -> dict | list[dict]:
    if group is None:
        return [qs.aggregate(**aggregates)]
    field = GROUP_FIELDS[group]
    return list(qs.exclude(**{f"{field}__isnull": True}).values(key=F(field)).annotate(**aggregates))


def _result(rows, group, formula, *, counts=False):
    if group is None:
        return formula(rows[0])
    out = {}
    if counts and group == "commune":
        # A count is data even when nothing happened: every commune of the map gets its 0.
        out = every_commune({})
    for row in rows:
        value = formula(row)
        if value is not None:
            out[row["key"]] = value
    return out


# --- 766 group 2: on-time processing ---------------------------------------------------------------


def on_time_rate(start, end, commune_code=None, group=None):
    end_date = timezone.localtime(end).date()
    single_supplement = Q(supplement_count__lte=1)
    finished = Q(finished_at__gte=start, finished_at__lt=end)
    open_at_end = Q(received_at__lt=end) & (Q(finished_at__isnull=True) | Q(finished_at__gte=end))
    qs = _base(commune_code).filter(received_at__isnull=False).filter(finished | open_at_end)
    rows = _grouped(
        qs,
        group,
        total=Count("id"),
        on_time=Count(
            "id",
            filter=single_supplement
            & ((finished & Q(finished_at__date__lte=F("due_date"))) | (open_at_end & Q(due_date__gte=end_date))),
        ),
    )
    return _result(rows, group, lambda r: percent(r["on_time"], r["total"]))


# --- 766 group 3: online service and online payment ------------------------------------------------


def online_share(start, end, commune_code=None, group=None):
    qs = _base(commune_code).filter(received_at__gte=start, received_at__lt=end)
    rows = _grouped(qs, group, total=Count("id"), online=Count("id", filter=Q(channel=Dossier.Channel.ONLINE)))
    return _result(rows, group, lambda r: percent(r["online"], r["total"]))


def online_payment_share(start, end, commune_code=None, group=None):
    qs = _base(commune_code).filter(fee_amount__gt=0, paid_at__gte=start, paid_at__lt=end)
    rows = _grouped(qs, group, total=Count("id"), online=Count("id", filter=Q(paid_online=True)))
    return _result(rows, group, lambda r: percent(r["online"], r["total"]))


# --- 766 group 4: digitisation ----------------------------------------------------------------------


def digitised_share(start, end, commune_code=None, group=None):
    qs = _base(commune_code).filter(received_at__gte=start, received_at__lt=end)
    rows = _grouped(qs, group, total=Count("id"), digitised=Count("id", filter=Q(is_digitised=True)))
    return _result(rows, group, lambda r: percent(r["digitised"], r["total"]))


# --- 766 group 5: satisfaction (indicator 5.4) --------------------------------------------------------


def satisfaction(start, end, commune_code=None, group=None):
    """100% − (share finished late + share rated "không hài lòng"), over the dossiers finished in
    the period; 766 gives full points at ≥ 90%."""
    qs = _base(commune_code).filter(status__in=FINISHED, finished_at__gte=start, finished_at__lt=end)
    rows = _grouped(
        qs,
        group,
        total=Count("id"),
        late=Count("id", filter=Q(finished_at__date__gt=F("due_date")) | Q(supplement_count__gt=1)),
        unhappy=Count("id", filter=Q(rating__score=DossierRating.Score.UNSATISFIED)),
    )

    def formula(r):
        if not r["total"]:
            return None
        return round(max(0.0, 100.0 * (1 - (r["late"] + r["unhappy"]) / r["total"])), 2)

    return _result(rows, group, formula)


# --- volumes ------------------------------------------------------------------------------------------


def received(start, end, commune_code=None, group=None):
    qs = _base(commune_code).filter(received_at__gte=start, received_at__lt=end)
    rows = _grouped(qs, group, total=Count("id"))
    return _result(rows, group, lambda r: r["total"], counts=True)


def overdue_open(start, end, commune_code=None, group=None):
    """Stock at the end of the period: open dossiers whose appointment date has passed."""
    end_date = timezone.localtime(end).date()
    qs = (
        _base(commune_code)
        .filter(received_at__lt=end, due_date__lt=end_date, status__in=OPEN_STATUSES)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=end))
    )
    rows = _grouped(qs, group, total=Count("id"))
    return _result(rows, group, lambda r: r["total"], counts=True)


COMPUTE = {
    "on_time_rate": on_time_rate,
    "online_share": online_share,
    "online_payment_share": online_payment_share,
    "digitised_share": digitised_share,
    "satisfaction": satisfaction,
    "received": received,
    "overdue_open": overdue_open,
}


def breakdown(name: str, start, end, *, by: str) -> dict:
    """One indicator per commune, agency or procedure: {key: value}."""
    return COMPUTE[name](start, end, group=by)


def _by_commune(func):
    return lambda start, end: func(start, end, group="commune")


def _register(name, label, unit, description, group766, *, higher_is_better=True, public=True):
    func = COMPUTE[name]
    register(
        Indicator(
            code=f"government.dossiers.{name}",
            pillar="government",
            name=label,
            unit=unit,
            compute=lambda start, end, commune_code=None: func(start, end, commune_code),
            by_commune=True,
            compute_by_commune=_by_commune(func),
            higher_is_better=higher_is_better,
            frequency="daily",
            detail_url_name="government:procedure-list",
            public=public,
            description=description,
            extra={"decision_766_group": group766},
        )
    )


_register(
    "on_time_rate",
    _("Tỷ lệ hồ sơ giải quyết đúng hạn"),
    "%",
    _("Hồ sơ kết thúc trong kỳ đúng hạn và hồ sơ đang giải quyết còn trong hạn, trên tổng số (QĐ 766, chỉ số 2.1)."),
    "2",
)
_register(
    "online_share",
    _("Tỷ lệ hồ sơ nộp trực tuyến"),
    "%",
    _("Hồ sơ tiếp nhận trực tuyến trên tổng số hồ sơ tiếp nhận trong kỳ (QĐ 766, chỉ số 3.3)."),
    "3",
)
_register(
    "online_payment_share",
    _("Tỷ lệ hồ sơ thanh toán trực tuyến"),
    "%",
    _("Hồ sơ có lệ phí được nộp trực tuyến trên tổng số hồ sơ có lệ phí đã nộp trong kỳ (QĐ 766, chỉ số 3.6)."),
    "3",
)
_register(
    "digitised_share",
    _("Tỷ lệ hồ sơ được số hóa"),
    "%",
    _("Hồ sơ có thành phần số hóa trên tổng số hồ sơ tiếp nhận trong kỳ (QĐ 766, nhóm 4)."),
    "4",
)
_register(
    "satisfaction",
    _("Mức độ hài lòng trong giải quyết thủ tục hành chính"),
    "%",
    _("100% trừ tỷ lệ hồ sơ trễ hạn và tỷ lệ không hài lòng, trên hồ sơ kết thúc trong kỳ (QĐ 766, chỉ số 5.4)."),
    "5",
)
_register(
    "received",
    _("Số hồ sơ thủ tục hành chính tiếp nhận"),
    _("hồ sơ"),
    _("Hồ sơ tiếp nhận trong kỳ, mọi hình thức."),
    "",
)
_register(
    "overdue_open",
    _("Số hồ sơ đang quá hạn"),
    _("hồ sơ"),
    _("Hồ sơ chưa giải quyết xong đã quá ngày hẹn trả, tại cuối kỳ."),
    "2",
    higher_is_better=False,
    public=False,
)
