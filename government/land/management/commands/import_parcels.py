"""`manage.py import_parcels FILE [--srs 4326|vn2000|EPSG:3405] [--batch-size N]`: import or update
parcels from a GeoJSON, GeoJSONSeq or Shapefile (government/land/importer.py for the format)."""

from django.core.management.base import BaseCommand, CommandError

from government.land.importer import ImportAbortedError, import_parcels


class Command(BaseCommand):
    help = (
        "Import (insert or update) land parcels from a GeoJSON/Shapefile: GDAL's ogr2ogr loads a staging "
        "table by COPY, PostgreSQL checks every feature and upserts."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--srs", help="the file's spatial reference when it declares none or a wrong one")
        parser.add_argument("--batch-size", type=int, default=100_000, help="features per committed chunk")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, path, srs, batch_size, no_progress, **options):
        try:
            result = import_parcels(path, srs=srs, batch_size=batch_size, progress=not no_progress)
        except ImportAbortedError as exc:
            raise CommandError(str(exc)) from exc
        for problem in result.problems:
            self.stderr.write(f"skipped {problem}")
        if result.skipped > len(result.problems):
            self.stderr.write(f"… and {result.skipped - len(result.problems)} more skipped features")
        self.stdout.write(
            f"parcels: {result.read} read, {result.inserted} inserted, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.skipped} skipped"
            f"{', file truncated' if result.truncated else ''} in {result.seconds:.1f} s"
            f" ({', '.join(f'{name} {seconds:.1f} s' for name, seconds in result.phases.items())})"
        )
