"""Compute past snapshots synchronously: `manage.py indicators_backfill --days 365 --hours 168`.
Idempotent (periods already computed are skipped). Used for a new installation's history, the demo
data and the operations-centre benchmark."""

from django.core.management.base import BaseCommand

from core.indicators.services import snapshot_backfill


class Command(BaseCommand):
    help = "Compute the last N days (daily indicators) and H hours (hourly indicators) of snapshots."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--hours", type=int, default=48)

    def handle(self, *args, days, hours, **options):
        def log(message):
            if options["verbosity"]:
                self.stdout.write(message)

        daily = snapshot_backfill(frequency="daily", periods=days, log=log)
        hourly = snapshot_backfill(frequency="hourly", periods=hours, log=log)
        log(f"snapshots: {daily} days and {hourly} hours computed")
