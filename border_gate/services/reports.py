"""The daily (20:00) report."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from border_gate.models import (
    Crossing,
    DailyReport,
    Direction,
    Entry,
    GoodsLine,
    GoodsType,
)


def daily_report_generate(*, date: datetime.date, now: datetime.datetime | None = None) -> DailyReport:
    """The 20:00 report for `date` (idempotent: regenerating replaces the day's figures).
    Cleared trucks per crossing and direction (export fruit / other; import goods / new vehicles;
    turned around), and the export backlog at generation time: fruit, other goods, and trucks
    outside the gate area (declared, expected by now, not yet checked in)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(date, datetime.time.min, tzinfo=tz)
    end = start + datetime.timedelta(days=1)
    now = now or timezone.now()
    crossings = list(Crossing.objects.order_by("position"))
    closed = Entry.objects.filter(closed_at__gte=start, closed_at__lt=end)
    new_vehicle_entries = GoodsLine.objects.filter(goods_type=GoodsType.NEW_VEHICLE).values("entry_id")
    per_crossing = []
    totals = {
        "cleared": 0,
        "export": 0,
        "export_fruit": 0,
        "export_other": 0,
        "import": 0,
        "import_goods": 0,
        "import_new_vehicles": 0,
        "turned_around": 0,
    }
    for c in crossings:
        qs = closed.filter(crossing=c)
        row = qs.aggregate(
            cleared=Count("pk", filter=Q(status=Entry.Status.CROSSED)),
            export=Count("pk", filter=Q(status=Entry.Status.CROSSED, direction=Direction.EXPORT)),
            export_fruit=Count("pk", filter=Q(status=Entry.Status.CROSSED, direction=Direction.EXPORT, is_fruit=True)),
            import_=Count("pk", filter=Q(status=Entry.Status.CROSSED, direction=Direction.IMPORT)),
            import_new_vehicles=Count(
                "pk", filter=Q(status=Entry.Status.CROSSED, direction=Direction.IMPORT, pk__in=new_vehicle_entries)
            ),
            turned_around=Count("pk", filter=Q(status=Entry.Status.REJECTED)),
        )
        row["import"] = row.pop("import_")
        row["export_other"] = row["export"] - row["export_fruit"]
        row["import_goods"] = row["import"] - row["import_new_vehicles"]
        for k in totals:
            totals[k] += row[k]
        per_crossing.append({"crossing": c.code, "name": c.name, **row})
    open_export = Entry.objects.filter(
        direction=Direction.EXPORT, status__in=[Entry.Status.IN_PROGRESS, Entry.Status.HELD]
    )
    outside = Entry.objects.filter(direction=Direction.EXPORT, status=Entry.Status.DECLARED, expected_arrival__lte=now)
    backlog = {
        "fruit": open_export.filter(is_fruit=True).count(),
        "other": open_export.filter(is_fruit=False).count(),
        "outside_gate_area": outside.count(),
    }
    backlog["total"] = sum(backlog.values())
    previous = DailyReport.objects.filter(date=date - datetime.timedelta(days=1)).first()
    backlog["delta"] = backlog["total"] - previous.data["backlog"]["total"] if previous else None
    data = {
        "date": date.isoformat(),
        "totals": totals,
        "crossings": per_crossing,
        "backlog": backlog,
        "generated_at": now.isoformat(),
    }
    report, _c = DailyReport.objects.update_or_create(date=date, defaults={"data": data, "generated_at": now})
    return report
