"""Two workers at once on the same signing job or broadcast (real threads, real PostgreSQL row
locks): every transcript is signed once and every delivery sent once."""

import threading

import pytest
from django.db import connection

from core.audit.models import AuditLog
from core.signing.verification import verify_pdf
from society import services
from society.models import BroadcastDelivery, Transcript
from tests.society.conftest import build_school
from tests.society.test_transcripts import complete_class

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    """The threads below are the workers: nothing goes to the broker."""
    from society.services import broadcasts, transcripts

    monkeypatch.setattr(transcripts, "_enqueue", lambda *a, **k: None)
    monkeypatch.setattr(broadcasts, "_enqueue", lambda *a, **k: None)


def _twice_at_once(func, **kwargs):
    results, errors = [], []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            results.append(func(**kwargs))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not errors, errors
    return results


def test_two_workers_sign_each_transcript_once():
    world = build_school(n_students=6)
    complete_class(world)
    job = services.transcripts_sign_class_homeroom(actor=world.homeroom, school_class=world.school_class)
    results = _twice_at_once(services.signing_job_run, job_id=job.pk)
    assert sum(results) == 6
    assert AuditLog.objects.filter(action="society.transcript.sign_homeroom").count() == 6
    for t in Transcript.objects.all():
        assert t.status == "homeroom_signed" and len(verify_pdf(t.file.open("rb").read()).signatures) == 1


def test_two_workers_send_each_delivery_once(settings, tmp_path):
    settings.PORTAL_OUTBOX_PATH = tmp_path
    from core.geo.models import AdministrativeUnit as Unit
    from society.services import broadcasts
    from tests.conftest import COMMUNE_A, make_user

    commune = Unit.objects.get(structure="2025", level="commune", code=COMMUNE_A)
    for i in range(30):
        make_user(
            f"dan{i}@example.vn",
            roles=["citizen"],
            full_name=f"Công Dân {i}",
            phone=f"09123450{i:02d}",
            admin_unit=commune,
        )
    author = make_user("xa@langson.gov.vn", roles=["commune_official"], admin_unit=commune)
    leader = make_user("ld@langson.gov.vn", roles=["province_leader"])
    broadcast = broadcasts.broadcast_create(
        actor=author, title="T", body="Kính gửi {ho_ten}", communes=[commune], group="citizens", channels=["zalo"]
    )
    broadcasts.broadcast_submit(actor=author, broadcast=broadcast)
    broadcasts.broadcast_approve(actor=leader, broadcast=broadcast)
    broadcasts.BATCH, saved = 4, broadcasts.BATCH  # small batches so the two workers interleave
    try:
        results = _twice_at_once(broadcasts.broadcast_send, broadcast_id=broadcast.pk)
    finally:
        broadcasts.BATCH = saved
    assert sum(results) == 30
    lines = [line for p in tmp_path.glob("zalo-*.jsonl") for line in p.read_text().splitlines()]
    assert len(lines) == 30 and len(set(lines)) == 30
    assert BroadcastDelivery.objects.filter(status="sent").count() == 30
