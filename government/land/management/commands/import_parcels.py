"""`manage.py import_parcels FILE [--srs 4326|vn2000|EPSG:3405] [--batch-size N]`: import or update
parcels from a GeoJSON, GeoJSONSeq or Shapefile (government/land/importer.py for the format), with a
progress bar here and progress rows for the officials' page (/dat-dai/can-bo/nhap-du-lieu/).
`manage.py import_parcels --cleanup`: drop the staging tables of killed imports and mark their runs
failed (the next import does it too)."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import ServiceError
from government.land import services
from government.land.importer import DEFAULT_BATCH
from government.land.models import ParcelImport


class Command(BaseCommand):
    help = (
        "Import (insert or update) land parcels from a GeoJSON/Shapefile: GDAL's ogr2ogr loads a staging "
        "table by COPY, PostgreSQL checks every feature and upserts. --cleanup: clear after killed imports."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?")
        parser.add_argument("--srs", help="the file's spatial reference when it declares none or a wrong one")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH, help="features per committed chunk")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--cleanup", action="store_true", help="drop staging tables of killed imports")

    def handle(self, *args, path, srs, batch_size, no_progress, cleanup, **options):
        if cleanup:
            done = services.parcel_imports_reap()
            self.stdout.write(
                f"dropped {len(done['tables'])} staging table(s); "
                f"{len(done['imports'])} stopped import(s) marked failed"
            )
            if not path:
                return
        if not path:
            raise CommandError("give the file to import (or --cleanup)")
        try:
            record = services.parcel_import_create(actor=None, path=path, srs=srs or "")
        except ServiceError as exc:
            raise CommandError("; ".join(m for messages in exc.errors.values() for m in messages)) from exc
        record = services.parcel_import_run(import_id=record.pk, progress=not no_progress, batch_size=batch_size)
        if record.status == ParcelImport.Status.FAILED:
            raise CommandError(record.error)
        for position, reason in record.problems:
            self.stderr.write(f"skipped #{position}: {reason}" if position else f"skipped {reason}")
        if record.skipped > len(record.problems):
            self.stderr.write(f"… and {record.skipped - len(record.problems)} more skipped features")
        phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in record.phases.items())
        self.stdout.write(
            f"parcels: {record.read} read, {record.inserted} inserted, {record.updated} updated, "
            f"{record.unchanged} unchanged, {record.skipped} skipped"
            f"{', file truncated' if record.truncated else ''} in {record.seconds or 0:.1f} s ({phases})"
        )
