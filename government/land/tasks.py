"""Background jobs of the land platform. The import of a cadastral file is long (minutes at
province scale): it runs in a worker, chunk by chunk, each chunk committed, with its progress in the
ParcelImport row the officials' progress page reads. Takes the import's id; running it twice does
no harm (services.parcel_import_run returns a finished or live import as it is, and resumes one
whose process died)."""

from celery import shared_task


@shared_task(acks_late=True, time_limit=3600, soft_time_limit=3500)
def import_parcels_file(import_id: int) -> dict:
    from government.land.services import parcel_import_run

    record = parcel_import_run(import_id=import_id)
    return {
        "status": record.status,
        "read": record.read,
        "inserted": record.inserted,
        "updated": record.updated,
        "skipped": record.skipped,
        "truncated": record.truncated,
    }


@shared_task(ignore_result=True)
def warm_statistics() -> None:
    """Compute the province's statistics into the cache before a leader asks: the grouping over
    2.35 M parcels takes 4–5 s on a quiet machine (measured 2026-12-06), too long for a page.
    The cache key follows the data version, so after an import or an edit the next beat run
    computes the new figures; when they are already cached this does nothing."""
    from government.land.selectors import statistics_cached

    statistics_cached()
