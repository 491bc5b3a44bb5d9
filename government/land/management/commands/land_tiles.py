"""`manage.py land_tiles --warm [--zoom 14 ...]` renders and stores the map's low-zoom parcel tiles
over the province (after an import, so the first visitors do not wait); `--clear` drops them."""

from django.core.management.base import BaseCommand

from government.land import tiles


class Command(BaseCommand):
    help = "Warm or clear the stored low-zoom vector tiles of the parcels (government/land/tiles.py)."

    def add_arguments(self, parser):
        parser.add_argument("--warm", action="store_true")
        parser.add_argument("--clear", action="store_true")
        parser.add_argument("--zoom", type=int, nargs="+", default=[tiles.MIN_ZOOM])

    def handle(self, *args, warm, clear, zoom, verbosity, **options):
        if clear:
            tiles.invalidate_all()
            self.stdout.write("stored tiles dropped")
        if warm:
            log = (lambda message: self.stderr.write(message)) if verbosity > 1 else (lambda message: None)
            stored = tiles.warm(tuple(zoom), log=log)
            self.stdout.write(f"{stored} tiles stored at zoom {', '.join(map(str, zoom))}")
