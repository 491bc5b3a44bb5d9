"""Indicators of the land platform, registered with core's registry for the operations centre:
parcels and area in the database (stocks, per commune), the share of residential land, and the
error reports still open (a flow the land office works down). No personal data."""

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from core.indicators.registry import Indicator, from_by_commune, percent, register
from government.land.models import ErrorReport, Parcel


def _parcels(end, commune_code=None):
    qs = Parcel.objects.all()
    if commune_code is not None:
        qs = qs.filter(commune__code=int(commune_code))
    return qs


def parcels_by_commune(start, end):
    return dict(Parcel.objects.values_list("commune__code").annotate(n=Count("id")).values_list("commune__code", "n"))


def area_by_commune(start, end):
    rows = Parcel.objects.values("commune__code").annotate(a=Sum("area_m2"))
    return {row["commune__code"]: round(float(row["a"]) / 10_000, 1) for row in rows if row["a"]}


# The province's figure from the communes' (one answer); none at all is "no data": nothing imported yet.
parcels_total = from_by_commune(parcels_by_commune, province=lambda values: sum(values.values()) or None)


def area_ha(start, end, commune_code=None):
    if commune_code is not None:
        return area_by_commune(start, end).get(int(commune_code))
    total = _parcels(end).aggregate(a=Sum("area_m2"))["a"]
    return round(float(total) / 10_000, 1) if total else None


def residential_share(start, end, commune_code=None):
    rows = _parcels(end, commune_code).aggregate(total=Count("id"), res=Count("id", filter=_residential()))
    return percent(rows["res"], rows["total"])


def _residential():
    from django.db.models import Q

    return Q(land_use__residential=True)


def splittable_by_commune(start, end):
    """Parcels the split rule lets be split, per commune (every parcel counted: selectors' rule)."""
    from django.db.models import F, Q

    from government.land.selectors import split_minimum_expression, unit_kind_expression

    rows = (
        Parcel.objects.annotate(unit_kind=unit_kind_expression(), split_min=split_minimum_expression())
        .values("commune__code")
        .annotate(n=Count("id", filter=Q(area_m2__gte=2 * F("split_min"))))
    )
    return {row["commune__code"]: row["n"] for row in rows}


splittable_total = from_by_commune(splittable_by_commune, province=lambda values: sum(values.values()) or None)


def reports_open(start, end, commune_code=None):
    qs = ErrorReport.objects.filter(created_at__lt=end, status__in=["submitted", "in_review"])
    if commune_code is not None:
        qs = qs.filter(parcel__commune__code=int(commune_code))
    return qs.count()


register(
    Indicator(
        code="government.land.parcels",
        pillar="government",
        name=_("Thửa đất trong cơ sở dữ liệu đất đai"),
        unit=_("thửa"),
        compute=parcels_total,
        by_commune=True,
        compute_by_commune=parcels_by_commune,
        detail_url_name="land:statistics",
        public=True,
        description=_("Số thửa đất đã số hóa (bản đồ địa chính) theo xã, phường."),
    )
)
register(
    Indicator(
        code="government.land.area_ha",
        pillar="government",
        name=_("Diện tích đã số hóa"),
        unit="ha",
        compute=area_ha,
        by_commune=True,
        compute_by_commune=area_by_commune,
        detail_url_name="land:statistics",
        public=True,
    )
)
register(
    Indicator(
        code="government.land.residential_share",
        pillar="government",
        name=_("Tỷ lệ thửa đất ở"),
        unit="%",
        compute=residential_share,
        by_commune=True,
        detail_url_name="land:statistics",
        public=True,
    )
)
register(
    Indicator(
        code="government.land.splittable",
        pillar="government",
        name=_("Thửa đất đủ diện tích tách thửa"),
        unit=_("thửa"),
        compute=splittable_total,
        by_commune=True,
        compute_by_commune=splittable_by_commune,
        detail_url_name="land:statistics",
        description=_("Thửa có diện tích ít nhất gấp đôi mức tối thiểu sau tách của loại đất (quy định tách thửa)."),
    )
)
register(
    Indicator(
        code="government.land.reports_open",
        pillar="government",
        name=_("Báo sai sót dữ liệu đất đai chưa trả lời"),
        unit=_("báo cáo"),
        compute=reports_open,
        by_commune=True,
        higher_is_better=False,
        detail_url_name="land:official",
    )
)
