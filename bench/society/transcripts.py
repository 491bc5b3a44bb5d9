"""Generate and double-sign transcripts with the batch job (issue 14: ≥ 28 transcripts/s on 2 cores).

Seeds one school with CLASSES classes of STUDENTS students (12 subjects, both terms' gradebooks
complete and locked), then, with the Celery workers started by run.sh, times:
  1. every homeroom teacher signs their class (one job per class: PDF generation + 1st signature),
  2. the principal signs the whole school (one job: 2nd signature),
and prints the throughput and the time split (PDF, signatures, storage) the jobs recorded.

Usage (run.sh does this): python bench/society/transcripts.py --classes 50 --students 40
"""

import argparse
import datetime as dt
import json
import os
import sys
import time

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lang_son_portal.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402

from core.geo.models import AdministrativeUnit  # noqa: E402
from society import services  # noqa: E402
from society.models import (  # noqa: E402
    Conduct,
    Enrollment,
    Gradebook,
    Mark,
    School,
    SchoolClass,
    SchoolStaff,
    SchoolYear,
    SigningJob,
    Student,
    Subject,
    Transcript,
)
from society.selectors import school_year_of  # noqa: E402

SUBJECTS = [
    ("toan", "Toán", "score"),
    ("ngu-van", "Ngữ văn", "score"),
    ("tieng-anh", "Tiếng Anh", "score"),
    ("khtn", "Khoa học tự nhiên", "score"),
    ("ls-dl", "Lịch sử và Địa lí", "score"),
    ("gdcd", "Giáo dục công dân", "score"),
    ("cong-nghe", "Công nghệ", "score"),
    ("tin-hoc", "Tin học", "score"),
    ("gddp", "Nội dung giáo dục địa phương", "comment"),
    ("the-duc", "Giáo dục thể chất", "comment"),
    ("nghe-thuat", "Nghệ thuật", "comment"),
    ("hdtn", "Hoạt động trải nghiệm, hướng nghiệp", "comment"),
]


def seed(classes: int, students: int, tag: str):
    user_model = get_user_model()
    commune = AdministrativeUnit.objects.filter(structure="2025", level="commune").order_by("code").first()
    year, _ = SchoolYear.objects.get_or_create(start_year=school_year_of(dt.date.today()))
    with transaction.atomic():
        school = School.objects.create(
            code=f"BENCH-{tag}", name=f"Trường THCS Bench {tag}", level="thcs", commune=commune
        )
        principal = user_model.objects.create_user(
            email=f"principal-{tag}@bench.vn", password=None, full_name="Nông Văn Hiệu"
        )
        SchoolStaff.objects.create(school=school, user=principal, role="principal")
        subjects = [
            Subject.objects.get_or_create(code=c, defaults={"name": n, "assessment": a, "order": i})[0]
            for i, (c, n, a) in enumerate(SUBJECTS)
        ]
        homerooms = []
        for k in range(classes):
            # Written class by class: a 16,000-student school has ~1.5 million marks, which must
            # not all sit in memory at once.
            marks, conducts = [], []
            teacher = user_model.objects.create_user(
                email=f"gvcn-{tag}-{k}@bench.vn", password=None, full_name=f"Hoàng Thị Chủ Nhiệm {k}"
            )
            SchoolStaff.objects.create(school=school, user=teacher, role="teacher")
            sc = SchoolClass.objects.create(
                school=school, year=year, name=f"{6 + k % 4}A{k}", grade=6 + k % 4, homeroom_teacher=teacher
            )
            homerooms.append((teacher, sc))
            books = [
                Gradebook(school_class=sc, subject=s, term=t, teacher=teacher, status="locked")
                for s in subjects
                for t in (1, 2)
            ]
            Gradebook.objects.bulk_create(books)
            studs = Student.objects.bulk_create(
                [
                    Student(
                        school=school,
                        code=f"B{tag}-{k}-{i}",
                        full_name=f"Lương Thị Học Sinh {k}-{i}",
                        date_of_birth=dt.date(2013, 1 + i % 12, 1 + i % 28),
                        gender="nu" if i % 2 else "nam",
                        ethnicity="Tày",
                        place_of_birth="Lạng Sơn",
                        personal_id=f"020{k:04d}{i:05d}",
                    )
                    for i in range(students)
                ]
            )
            enrollments = Enrollment.objects.bulk_create(
                [Enrollment(student=s, school_class=sc, number=i + 1) for i, s in enumerate(studs)]
            )
            for b in books:
                for i, s in enumerate(studs):
                    for comp in ("tx1", "tx2", "gk", "ck"):
                        if b.subject.assessment == "comment":
                            marks.append(Mark(gradebook=b, student=s, component=comp, comment="D"))
                        else:
                            marks.append(Mark(gradebook=b, student=s, component=comp, score=5 + (i + len(comp)) % 6))
            for e in enrollments:
                for period in (0, 1, 2):
                    conducts.append(Conduct(enrollment=e, period=period, level="T", updated_by=teacher))
            Mark.objects.bulk_create(marks, batch_size=5000)
            Conduct.objects.bulk_create(conducts, batch_size=5000)
    return school, year, principal, homerooms


def worker_cpu_seconds() -> float:
    """CPU time (user + system) used so far by the Celery worker run.sh started and its children:
    on a machine shared with other work, CPU per transcript is the figure that does not depend on
    how busy the neighbours are."""
    root = os.environ.get("BENCH_WORKER_PID")
    if not root:
        return 0.0
    pids, todo = set(), [root]
    while todo:
        pid = todo.pop()
        pids.add(pid)
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                todo.extend(open(f"/proc/{pid}/task/{task}/children").read().split())
            except OSError:
                pass
    ticks = 0
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


def postgres_backends() -> dict[int, float]:
    """CPU seconds used so far by each PostgreSQL backend connected to the bench database (the
    workers' pooled connections): the database's share of the cost, which the worker's own CPU
    time does not include."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    ticks = {}
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            ticks[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass
    return ticks


# Last CPU time seen per backend: the workers' backends may end with their tasks, so they are
# sampled while the jobs run (at most one polling interval of a backend's work is missed).
DB_SEEN: dict[int, float] = {}


def wait(school, status: str, total: int):
    # One count for the whole school, not one per job: with hundreds of class jobs the per-job
    # progress queries would take the database's CPU away from the workers being measured.
    while True:
        DB_SEEN.update(postgres_backends())
        if Transcript.objects.filter(school=school, status__in=status.split(",")).count() >= total:
            return
        time.sleep(0.5)


def seeded(tag: str):
    """A school seeded earlier (--seed-only): the same objects `seed` returns."""
    school = School.objects.get(code=f"BENCH-{tag}")
    year = SchoolClass.objects.filter(school=school).first().year
    principal = SchoolStaff.objects.get(school=school, role="principal").user
    homerooms = [
        (sc.homeroom_teacher, sc) for sc in SchoolClass.objects.filter(school=school).select_related("homeroom_teacher")
    ]
    return school, year, principal, homerooms


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--classes", type=int, default=50)
    parser.add_argument("--students", type=int, default=40)
    # Seeding is heavy work: wallclock.sh seeds before the quiet window (--seed-only prints the
    # school's tag) and times a seeded school inside it (--school TAG).
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument("--school", default="")
    args = parser.parse_args()
    t = time.perf_counter()
    if args.school:
        tag = args.school
        school, year, principal, homerooms = seeded(tag)
        n = Enrollment.objects.filter(school_class__school=school).count()
    else:
        tag = dt.datetime.now().strftime("%H%M%S%f")
        school, year, principal, homerooms = seed(args.classes, args.students, tag)
        n = args.classes * args.students
        print(f"seeded {n} students in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    if args.seed_only:
        print(tag)
        return

    cpu_start = worker_cpu_seconds()
    db_start = postgres_backends()
    start = time.perf_counter()
    jobs = [services.transcripts_sign_class_homeroom(actor=teacher, school_class=sc) for teacher, sc in homerooms]
    wait(school, "homeroom_signed,signed", n)
    mid = time.perf_counter()
    job = services.transcripts_sign_principal(actor=principal, school=school, year=year)
    wait(school, "signed", n)
    end = time.perf_counter()
    cpu = worker_cpu_seconds() - cpu_start
    DB_SEEN.update(postgres_backends())
    db_cpu = sum(used - db_start.get(pid, 0.0) for pid, used in DB_SEEN.items())

    signed = Transcript.objects.filter(school=school, status="signed").count()
    ids = [j.pk for j in jobs]
    homeroom_jobs = SigningJob.objects.filter(pk__in=ids)
    principal_job = SigningJob.objects.get(pk=job.pk)
    split = {
        "pdf_s": sum(j.pdf_seconds for j in homeroom_jobs),
        "homeroom_sign_s": sum(j.sign_seconds for j in homeroom_jobs),
        "principal_sign_s": principal_job.sign_seconds,
        "principal_read_s": principal_job.pdf_seconds,
        "storage_s": sum(j.storage_seconds for j in homeroom_jobs) + principal_job.storage_seconds,
    }
    per = {k.removesuffix("_s") + "_ms_per_transcript": round(1000 * v / n, 1) for k, v in split.items()}
    result = {
        "transcripts": n,
        "signed": signed,
        "failed": sum(j.failed for j in homeroom_jobs) + principal_job.failed,
        "homeroom_phase_s": round(mid - start, 2),
        "principal_phase_s": round(end - mid, 2),
        "total_s": round(end - start, 2),
        "transcripts_per_s": round(n / (end - start), 2),
        **per,
        "worker_cpu_ms_per_transcript": round(1000 * cpu / n, 1),
        "postgres_cpu_ms_per_transcript": round(1000 * db_cpu / n, 1),
        # What 2 otherwise idle cores would sustain at that CPU cost, workers and database
        # together (the machine is shared, so wall-clock rates mostly measure the neighbours).
        "projected_per_s_on_2_idle_cores": round(2 * n / (cpu + db_cpu), 1) if cpu else None,
        "load_avg_1m_after": os.getloadavg()[0],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
