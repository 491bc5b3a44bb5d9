"""Lookups on the parcel table are single-row index probes: a parallel plan makes a 0.2 ms
point-in-parcel 11 ms (docs/shared STACK-NOTES, measured at 2.3 M parcels). The table's own storage
parameter keeps the planner from choosing one, for every query, without a SET per request."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("land", "0002_initial")]
    operations = [
        migrations.RunSQL(
            "ALTER TABLE land_parcel SET (parallel_workers = 0); "
            "ALTER TABLE land_planzone SET (parallel_workers = 0); "
            "ALTER TABLE land_pricezone SET (parallel_workers = 0);",
            "ALTER TABLE land_parcel RESET (parallel_workers); "
            "ALTER TABLE land_planzone RESET (parallel_workers); "
            "ALTER TABLE land_pricezone RESET (parallel_workers);",
        )
    ]
