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
