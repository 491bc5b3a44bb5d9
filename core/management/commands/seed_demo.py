"""Demo data for local use and benchmarks: `manage.py seed_demo --scale small|province`.

Each app contributes a generator in its `demo.py` (core.demo.register); they run in their `order`.
`small` is what `make run` loads (under a minute); `province` uses the seed's real figures (2.3 M land
parcels, 700,000 trucks a year, 200,000 students, 116,301 digital shops) and is streamed by the
generators in batches, in constant memory. Every generator is idempotent.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import autodiscover_modules

from core import demo


class Command(BaseCommand):
    help = "Load demo data (idempotent). Never run against production: demo passwords are public."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=demo.SCALES, default="small")
        parser.add_argument("--only", nargs="*", help="generator names to run (default: all)")

    def handle(self, *args, scale, only, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with DJANGO_ENV=production (demo passwords are public).")
        autodiscover_modules("demo")
        verbosity = options["verbosity"]

        def log(message: str) -> None:
            if verbosity:
                self.stdout.write(f"  {message}")

        for generator in demo.generators():
            if only and generator.name not in only:
                continue
            started = time.perf_counter()
            if verbosity:
                self.stdout.write(f"[seed_demo:{scale}] {generator.name} …")
            generator.func(scale=scale, log=log)
            if verbosity:
                self.stdout.write(f"[seed_demo:{scale}] {generator.name} done in {time.perf_counter() - started:.1f} s")
