"""Kill the Celery worker with SIGKILL while 1,000 jobs of the portal's real kinds run, and count
what was lost and what was done twice (docs/reliability.md, issue 9).

Jobs (each through the real service and the real task):
- 400 notifications (core.notifications: notify() → deliver), SMS to the file backend;
- 200 transcript signatures (society: 4 classes × 50 students, transcripts_sign_class_homeroom →
  run_signing_job, WeasyPrint + pyHanko);
- 200 border-gate daily reports (border_gate.tasks.daily_report for 200 past dates);
- 200 indicator snapshot runs (core.indicators: snapshot_schedule for 200 past hours → snapshot_run_execute).

The worker (prefork, concurrency 2, the portal's settings: acks_late, reject_on_worker_lost,
prefetch 1, unacked restore 1 s × 1, visibility timeout 10 min) runs on a Redis of its own started
here on a free port. Its whole process group is killed with SIGKILL KILLS times, a few seconds apart
while jobs are in flight, and restarted each time. A sweeper sends the portal's own recovery beat
jobs (requeue_stale, snapshot_recover, resume_signing_jobs) every SWEEP seconds, as beat would.

Counts at the end, from the database and the SMS outbox: jobs not done (lost) and jobs whose effect
happened twice (an SMS line written twice for one notification, a transcript signed twice, a
snapshot run completed twice, two reports for one day).

Run (make run's database, migrated; takes 10–15 minutes because a killed snapshot run is resumed
only when its heartbeat is 10 minutes old):
    source scripts/env.sh run && PORTAL_DB_NAME=<a database of your own> \\
      .venv/bin/python bench/reliability/kill_worker.py
"""

import datetime as dt
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

KILLS = int(os.environ.get("KILLS", "5"))
SWEEP = float(os.environ.get("SWEEP", "15"))
TIMEOUT = float(os.environ.get("TIMEOUT", "1500"))
N_NOTIFY, N_CLASSES, N_STUDENTS, N_REPORTS, N_SNAPSHOTS = 400, 4, 50, 200, 200
KILL_AFTER_JOBS = (80, 180)
if os.environ.get("SMOKE"):  # a quick check of the script itself: 40 jobs, one kill
    N_NOTIFY, N_CLASSES, N_STUDENTS, N_REPORTS, N_SNAPSHOTS = 20, 1, 5, 10, 5
    KILL_AFTER_JOBS = (3, 8)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


WORK = Path(tempfile.mkdtemp(prefix="portal-kill-"))
REDIS_PORT = free_port()
os.environ.update(
    {
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "PORTAL_MEDIA_ROOT": str(WORK / "media"),
        "PORTAL_NOTIFICATION_REQUEUE_AFTER_MINUTES": "1",
        "PORTAL_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "lang_son_portal.settings",
    }
)
redis_server = subprocess.Popen(
    ["redis-server", "--bind", "127.0.0.1", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"],
    stdout=subprocess.DEVNULL,
)
time.sleep(0.5)

import django  # noqa: E402
import redis  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from border_gate.models import DailyReport  # noqa: E402
from border_gate.tasks import daily_report  # noqa: E402
from core.audit.models import AuditLog  # noqa: E402
from core.indicators import services as indicator_services  # noqa: E402
from core.indicators.models import SnapshotRun  # noqa: E402
from core.indicators.tasks import snapshot_recover  # noqa: E402
from core.notifications.models import Notification  # noqa: E402
from core.notifications.services import notify  # noqa: E402
from core.notifications.tasks import requeue_stale  # noqa: E402
from society.models import Gradebook, Transcript  # noqa: E402
from society.services import transcripts  # noqa: E402
from society.tasks import resume_signing_jobs  # noqa: E402
from tests.society.conftest import build_school  # noqa: E402

RUN = uuid.uuid4().hex[:6]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {msg}", flush=True)


def seed() -> dict:
    """Create the jobs; their tasks wait in the queue until a worker starts. The kinds are
    interleaved in the queue, so every kill hits a worker busy with a mix of them."""
    worlds = []
    for c in range(N_CLASSES):
        world = build_school(n_students=N_STUDENTS, prefix=f"K{RUN}{c}-")
        Gradebook.objects.filter(school_class=world.school_class).update(status=Gradebook.Status.LOCKED)
        worlds.append(world)
    # Past days and hours far from now and from each other run: nothing else computes them.
    base_day = dt.date(2020, 1, 1) + dt.timedelta(days=random.randint(0, 1500))
    days = [base_day + dt.timedelta(days=i) for i in range(N_REPORTS)]
    DailyReport.objects.filter(date__in=days).delete()
    base_hour = timezone.now() - dt.timedelta(days=random.randint(400, 1200))
    notifications, runs = [], []
    rounds = max(N_REPORTS, N_SNAPSHOTS)
    per_round = N_NOTIFY // rounds
    signing_at = {rounds * (2 * c + 1) // (2 * N_CLASSES): w for c, w in enumerate(worlds)}
    for r in range(rounds):
        for k in range(per_round):
            i = r * per_round + k
            with transaction.atomic():
                notifications += notify(
                    event="bench.reliability",
                    subject="Thử độ tin cậy",
                    body=f"Tin nhắn {i} của lượt {RUN}",
                    phone=f"09{i:08d}",
                    channels=("sms",),
                    dedupe_key=f"bench-kill-{RUN}-{i}",
                )
        if r < N_REPORTS:
            daily_report.delay(days[r].isoformat())
        if r < N_SNAPSHOTS:
            at = base_hour + dt.timedelta(hours=r)
            runs.append(indicator_services.snapshot_schedule(frequency="hourly", now=at).pk)
        if r in signing_at:
            world = signing_at[r]
            transcripts.transcripts_sign_class_homeroom(actor=world.homeroom, school_class=world.school_class)
    return {
        "notifications": [n.pk for n in notifications],
        "classes": [w.school_class.pk for w in worlds],
        "days": days,
        "runs": runs,
    }


def progress(jobs: dict) -> dict:
    return {
        "notifications": Notification.objects.filter(pk__in=jobs["notifications"], status="sent").count(),
        "transcripts": Transcript.objects.filter(
            school_class_id__in=jobs["classes"], status=Transcript.Status.HOMEROOM_SIGNED
        ).count(),
        "reports": DailyReport.objects.filter(date__in=jobs["days"]).count(),
        "snapshots": SnapshotRun.objects.filter(pk__in=jobs["runs"], status=SnapshotRun.Status.DONE).count(),
    }


TOTALS = {
    "notifications": N_NOTIFY,
    "transcripts": N_CLASSES * N_STUDENTS,
    "reports": N_REPORTS,
    "snapshots": N_SNAPSHOTS,
}


def attempts(model, pks) -> list:
    """How many runs took 1, 2, ... attempts (a killed one is attempted again)."""
    return sorted(Counter(model.objects.filter(pk__in=pks).values_list("attempts", flat=True)).items())


def start_worker() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lang_son_portal", "worker", "--concurrency", "2", "-l", "ERROR",
         "--without-mingle", "--without-gossip", "-n", f"kill-{RUN}-{uuid.uuid4().hex[:4]}@localhost"],
        cwd=ROOT, env=os.environ.copy(), stdout=(WORK / "worker.log").open("ab"), stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: SIGKILL takes the main process and its children
    )  # fmt: skip


def sweep() -> None:
    """What beat sends in production, more often (the same tasks)."""
    requeue_stale.delay()
    snapshot_recover.delay()
    resume_signing_jobs.delay()


def main() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # One run per database at a time: the recovery jobs act on every pending row of the database,
        # so a second run would deliver this run's notifications from its own (unkilled) worker.
        cursor.execute("SELECT pg_try_advisory_lock(4209001)")
        if not cursor.fetchone()[0]:
            sys.exit("another kill_worker run uses this database")
    t0 = time.monotonic()
    jobs = seed()
    queued = redis.Redis(port=REDIS_PORT).llen("celery")
    log(f"seeded {sum(TOTALS.values())} jobs in {time.monotonic() - t0:.0f} s; {queued} messages queued")
    global worker
    worker = start_worker()
    # Kill once this worker has finished a random number of jobs, so it is killed while working.
    started, baseline, kill_after = time.monotonic(), 0, random.randint(*KILL_AFTER_JOBS)
    kills = []
    last_sweep = time.monotonic()
    while True:
        time.sleep(1)
        done = progress(jobs)
        finished = sum(done.values())
        if len(kills) < KILLS and (finished - baseline >= kill_after or time.monotonic() - started > 90):
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
            kills.append({"at_s": round(time.monotonic() - t0, 1), "done_before": dict(done)})
            log(f"SIGKILL #{len(kills)} (worker group {worker.pid}); done so far {done}")
            worker = start_worker()
            started, baseline, kill_after = time.monotonic(), finished, random.randint(*KILL_AFTER_JOBS)
        if time.monotonic() - last_sweep > SWEEP:
            sweep()
            last_sweep = time.monotonic()
        if done == TOTALS and len(kills) == KILLS:
            break
        if time.monotonic() - t0 > TIMEOUT:
            log("timeout")
            break
    elapsed = time.monotonic() - t0
    os.killpg(worker.pid, signal.SIGTERM)
    worker.wait(30)

    # Done twice: each effect counted at its source.
    sms_lines = Counter()
    for f in (WORK / "outbox" / "sms").glob("*.jsonl"):
        for line in f.open():
            sms_lines[json.loads(line)["notification_id"]] += 1
    ids = set(jobs["notifications"])
    transcript_ids = Transcript.objects.filter(school_class_id__in=jobs["classes"]).values_list("pk", flat=True)

    def audited_twice(action: str, object_ids) -> int:
        rows = AuditLog.objects.filter(action=action, object_id__in=[str(pk) for pk in object_ids])
        return sum(1 for v in Counter(rows.values_list("object_id", flat=True)).values() if v > 1)

    reports_per_day = Counter(DailyReport.objects.filter(date__in=jobs["days"]).values_list("date", flat=True))
    twice = {
        "notifications": sum(1 for k, v in sms_lines.items() if k in ids and v > 1),
        "transcripts": audited_twice("society.transcript.sign_homeroom", transcript_ids),
        "reports": sum(1 for v in reports_per_day.values() if v > 1),
        "snapshots": audited_twice("indicators.snapshot_run.complete", jobs["runs"]),
    }
    done = progress(jobs)
    result = {
        "run": RUN,
        "jobs": TOTALS,
        "done": done,
        "lost": {k: TOTALS[k] - done[k] for k in TOTALS},
        "done_twice": twice,
        "kills": kills,
        "sms_lines": sum(sms_lines[i] for i in ids),
        "snapshot_attempts": attempts(SnapshotRun, jobs["runs"]),
        "notification_attempts": attempts(Notification, jobs["notifications"]),
        "elapsed_s": round(elapsed, 1),
    }
    print(json.dumps(result, default=str, indent=1))


worker = None

if __name__ == "__main__":
    try:
        main()
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        redis_server.terminate()
        redis_server.wait(10)
        shutil.rmtree(WORK, ignore_errors=True)
