from celery import shared_task

from society.services import transcripts

# Transcripts one task signs before handing over to a fresh task: keeps each task far below the
# time limit and lets other work interleave on the workers.
CHUNK = 500


@shared_task(acks_late=True, ignore_result=True)
def run_signing_job(job_id: int) -> int:
    """Sign what is left of a signing job. Idempotent and safe to run several times at once: each
    transcript is claimed under a row lock and its status checked before signing."""
    signed = transcripts.signing_job_run(job_id=job_id, limit=CHUNK)
    if signed >= CHUNK:
        run_signing_job.delay(job_id)
    return signed


@shared_task(acks_late=True, ignore_result=True)
def resume_signing_jobs() -> int:
    """Beat job: re-enqueue signing jobs the database says are unfinished and nobody works on."""
    return transcripts.signing_jobs_resume()


@shared_task(acks_late=True, ignore_result=True)
def send_broadcast(broadcast_id: int) -> int:
    """Send a broadcast's pending deliveries. Idempotent: rows are claimed under SKIP LOCKED and
    only PENDING ones are sent."""
    from society.services import broadcasts

    sent = broadcasts.broadcast_send(broadcast_id=broadcast_id, limit=5000)
    if sent >= 5000:
        send_broadcast.delay(broadcast_id)
    return sent


@shared_task(acks_late=True, ignore_result=True)
def settle_unknown_deliveries(broadcast_id: int) -> dict:
    """Settle a broadcast's interrupted deliveries: sent, sent again (bounded), or left for an
    official when the provider cannot tell. Idempotent: only unsettled rows are looked at."""
    from society.services import broadcasts

    return broadcasts.deliveries_settle_unknown(broadcast_id=broadcast_id)


@shared_task(acks_late=True, ignore_result=True)
def recover_broadcasts() -> dict:
    """Beat job: interrupted deliveries become "unknown" and are settled; pending ones are enqueued
    again; loudspeaker items whose slot changed and that the loudspeaker system has not confirmed
    are moved there. Returns the counts of each part."""
    from society.services import broadcasts, loudspeakers

    synced = loudspeakers.loudspeaker_sync()
    unknown, enqueued = broadcasts.broadcasts_recover()
    return {"unknown": unknown, "enqueued": enqueued, "loudspeakers": synced}


@shared_task(acks_late=True, ignore_result=True)
def sync_loudspeakers(commune_id: int | None = None) -> dict:
    """Move a commune's loudspeaker items to the slots its new times give them. Idempotent: only
    items whose confirmed slot differs are looked at, under SKIP LOCKED."""
    from society.services import loudspeakers

    return loudspeakers.loudspeaker_sync(commune_id=commune_id)
