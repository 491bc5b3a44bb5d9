"""Reads of the snapshots every pillar's indicators share (precomputed by core.indicators.services):
the newest value of each indicator, its history and its value in every commune. Raw SQL where the
ORM cannot say it (LATERAL … LIMIT 1, date_bin), on the indexes of IndicatorSnapshot."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection

from core.indicators.models import IndicatorSnapshot

SPARK_POINTS = 60


@dataclass(frozen=True)
class Period:
    """A window of snapshots: `[start, end)`, with the key and label of the filter that chose it."""

    key: str
    label: object
    start: datetime
    end: datetime


# --- snapshot reads ---------------------------------------------------------------------------------------


def _commune_clause(commune_code: int | None) -> tuple[str, list]:
    if commune_code is None:
        return "commune_code IS NULL", []
    return "commune_code = %s", [commune_code]


def latest_values(codes: list[str], *, commune_code: int | None, period: Period) -> dict[str, dict]:
    """The newest snapshot of each indicator whose period began before the period's end (a provisional
    point of the still-open day counts). One index probe per indicator (LATERAL … LIMIT 1)."""
    if not codes:
        return {}
    where, params = _commune_clause(commune_code)
    sql = f"""
        SELECT c.code, s.value, s.period_end, s.provisional, s.computed_at
        FROM unnest(%s::text[]) AS c(code)
        CROSS JOIN LATERAL (
            SELECT value, period_end, provisional, computed_at FROM indicators_indicatorsnapshot
            WHERE indicator_code = c.code AND {where} AND period_start < %s
            ORDER BY period_end DESC LIMIT 1
        ) s
    """  # noqa: S608  # nosec B608: `where` is one of two constant strings, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(codes), *params, period.end])
        return {
            code: {"value": v, "as_of": end, "provisional": p, "computed_at": at}
            for code, v, end, p, at in cursor.fetchall()
        }


def series(
    codes: list[str], *, commune_code: int | None, period: Period, max_points: int = SPARK_POINTS
) -> dict[str, list[tuple[datetime, float | None]]]:
    """Each indicator's history inside the period, thinned to at most `max_points` (the last value of
    each time bucket), oldest first."""
    if not codes:
        return {}
    where, params = _commune_clause(commune_code)
    stride = max((period.end - period.start) / max_points, timedelta(hours=1))
    sql = f"""
        SELECT DISTINCT ON (indicator_code, bucket) indicator_code, bucket, value, period_end FROM (
            SELECT indicator_code, value, period_end,
                   date_bin(%s, period_end, %s) AS bucket
            FROM indicators_indicatorsnapshot
            WHERE indicator_code = ANY(%s) AND {where} AND period_start < %s AND period_end > %s
        ) t
        ORDER BY indicator_code, bucket, period_end DESC
    """  # noqa: S608  # nosec B608: `where` is one of two constant strings, values are parameters
    out: dict[str, list] = {code: [] for code in codes}
    with connection.cursor() as cursor:
        cursor.execute(sql, [stride, period.start, list(codes), *params, period.end, period.start])
        for code, _bucket, value, end in cursor.fetchall():
            out[code].append((end, value))
    return out


def commune_values(code: str, *, period: Period) -> dict:
    """The value of one indicator for every commune at its newest snapshot inside the period."""
    latest = (
        IndicatorSnapshot.objects.filter(
            indicator_code=code, commune_code__isnull=False, period_start__lt=period.end, period_end__gt=period.start
        )
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    if latest is None:
        return {"as_of": None, "values": {}}
    rows = IndicatorSnapshot.objects.filter(
        indicator_code=code, commune_code__isnull=False, period_end=latest
    ).values_list("commune_code", "value")
    return {"as_of": latest, "values": dict(rows)}
