"""Demo history for the operations centre (core.demo): runs after every pillar's generator and
computes past snapshots with the real snapshot job, so the dashboard has sparklines, time series and
a map from the first start. small: 60 days + 48 hours; province: a year of days + 7 days of hours."""

from core.demo import register


@register("indicators", order=900)
def generate(*, scale: str, log) -> None:
    from core.indicators.services import snapshot_backfill

    days, hours = (365, 168) if scale == "province" else (60, 48)
    daily = snapshot_backfill(frequency="daily", periods=days, log=log)
    hourly = snapshot_backfill(frequency="hourly", periods=hours, log=log)
    log(f"snapshots: {daily} days and {hourly} hours computed")
