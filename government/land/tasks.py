"""Background jobs of the land platform. The import of a cadastral file is long (minutes at
province scale): it runs in a worker, batch by batch, each batch committed, so a crash resumes by
running it again (upserts are idempotent). Takes a path, not an object."""

from celery import shared_task


@shared_task(acks_late=True, time_limit=3600, soft_time_limit=3500)
def import_parcels_file(path: str, srs: str | None = None) -> dict:
    from government.land.importer import import_parcels

    result = import_parcels(path, srs=srs)
    return {
        "read": result.read,
        "inserted": result.inserted,
        "updated": result.updated,
        "skipped": result.skipped,
        "truncated": result.truncated,
        "problems": [str(p) for p in result.problems[:100]],
    }
