"""Demo data of the digital society pillar (core.demo), at the seed's province scale: 674 schools,
20,000 teachers (transcripts are real, signed ones: see bench/society for the 200,000), 1,702 community technology teams
with 6,214 members, and a year of their visits (~2 a month each). "small" shrinks it fifty times.
Idempotent: schools by code, teams topped up per commune, visits only for teams that have none."""

import datetime as dt
import random

from django.db import connection, transaction
from django.db.models import Count

from core.demo import register
from core.geo.models import AdministrativeUnit as Unit

SCHOOLS, TEACHERS, STUDENTS = 674, 20_000, 200_000
TEAMS, MEMBERS = 1_702, 6_214
LEVELS = [("mam_non", 0.34), ("tieu_hoc", 0.30), ("thcs", 0.27), ("thpt", 0.045), ("lien_cap", 0.045)]
LEVEL_NAMES = {
    "mam_non": "Trường Mầm non",
    "tieu_hoc": "Trường Tiểu học",
    "thcs": "Trường THCS",
    "thpt": "Trường THPT",
    "lien_cap": "Trường PTDTBT TH&THCS",
}
TOPICS = ["vneid", "dvc", "payments", "ecommerce", "safety", "other"]
TODAY = dt.date(2026, 11, 26)


def _split(total: int, weights: list[float]) -> list[int]:
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    out = [int(v) for v in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[: total - sum(out)]:
        out[i] += 1
    return out


def _copy(table: str, columns: list[str], rows) -> int:
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


@register("society", order=50)
def generate(*, scale: str, log) -> None:
    from society.models import School, TechTeam

    factor = 1 if scale == "province" else 1 / 50
    rng = random.Random(674)
    units = list(Unit.objects.filter(structure=Unit.Structure.CURRENT, level=Unit.Level.COMMUNE).order_by("code"))

    # Schools: deterministic codes, so a second run finds them.
    n_schools = max(len(LEVELS), round(SCHOOLS * factor))
    per_level = _split(n_schools, [w for _l, w in LEVELS])
    schools = []
    for (level, _w), count in zip(LEVELS, per_level, strict=True):
        for i in range(count):
            unit = units[rng.randrange(len(units))]
            joined = dt.date(2021, 9, 5) + dt.timedelta(days=rng.randint(0, 700))
            schools.append(
                School(
                    code=f"LS-{level}-{i + 1:03d}",
                    name=f"{LEVEL_NAMES[level]} {unit.name.split(' ', 1)[-1]} {i + 1}",
                    level=level,
                    commune=unit,
                    on_platform_since=joined,
                )
            )
    teachers = _split(round(TEACHERS * factor), [rng.uniform(0.5, 1.5) for _i in schools])
    for school, n in zip(schools, teachers, strict=True):
        school.teachers = n
    School.objects.bulk_create(schools, ignore_conflicts=True, batch_size=1000)
    by_code = dict(School.objects.values_list("code", "pk"))
    log(f"schools: {len(by_code):,}")

    # Teams, topped up per commune to a deterministic target.
    n_teams = round(TEAMS * factor)
    team_targets = _split(n_teams, [random.Random(u.code).uniform(0.6, 1.4) for u in units])
    members = _split(round(MEMBERS * factor), [random.Random(i).uniform(1, 6) for i in range(n_teams)])
    have = dict(TechTeam.objects.values("commune_id").annotate(n=Count("id")).values_list("commune_id", "n"))
    new_teams, k = [], 0
    for unit, target in zip(units, team_targets, strict=True):
        for i in range(target):
            if i >= have.get(unit.id, 0):
                new_teams.append(
                    TechTeam(
                        commune=unit,
                        village=f"Thôn {i + 1}",
                        name=f"Tổ công nghệ số cộng đồng thôn {i + 1}, {unit.name}",
                        members=max(1, members[k]),
                        established_on=dt.date(2021, 10, 1) + dt.timedelta(days=(k * 7) % 270),
                    )
                )
            k += 1
    TechTeam.objects.bulk_create(new_teams, batch_size=1000)
    log(f"community technology teams: +{len(new_teams):,}")

    # A year of visits for every team without any yet (about two a month each).
    team_ids = list(TechTeam.objects.filter(visits__isnull=True).values_list("pk", flat=True))
    start = TODAY - dt.timedelta(days=365)

    def visit_rows():
        for team_id in team_ids:
            r = random.Random(team_id)
            for offset in sorted(r.sample(range(366), 24)):
                yield (
                    team_id,
                    start + dt.timedelta(days=offset),
                    r.choice(TOPICS),
                    r.randint(3, 25),
                    "",
                    dt.datetime.now(dt.UTC),
                )

    with transaction.atomic():
        n = _copy(
            "society_techteamvisit",
            ["team_id", "visited_on", "topic", "households_reached", "note", "created_at"],
            visit_rows(),
        )
    log(f"visits: +{n:,}")


# --- a working school, for trying gradebooks and transcripts (`make run`) ------------------------

DEMO_SCHOOL = "DEMO-THCS-DONG-KINH"
DEMO_SUBJECTS = [
    ("toan", "Toán", "score"),
    ("ngu-van", "Ngữ văn", "score"),
    ("tieng-anh", "Tiếng Anh", "score"),
    ("khtn", "Khoa học tự nhiên", "score"),
    ("ls-dl", "Lịch sử và Địa lí", "score"),
    ("gdcd", "Giáo dục công dân", "score"),
    ("the-duc", "Giáo dục thể chất", "comment"),
    ("nghe-thuat", "Nghệ thuật", "comment"),
]
DEMO_STAFF = [
    ("giaovien.toan@demo.langson.vn", "Lăng Văn Toán", "teacher"),
    ("giaovien.chunhiem@demo.langson.vn", "Hoàng Thị Chủ Nhiệm", "teacher"),
    ("hieutruong@demo.langson.vn", "Nông Văn Hiệu", "principal"),
    ("quantri.truong@demo.langson.vn", "Vi Thị Quản", "admin"),
]


def _demo_user(email: str, full_name: str):
    from allauth.account.models import EmailAddress

    from core.users.demo import DEMO_PASSWORD
    from core.users.models import User

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


@register("society_school", order=55)
def generate_school(*, scale: str, log) -> None:
    """One lower-secondary school with a class of 8 whose gradebooks are filled and finished except
    maths term II (open, empty: for the maths teacher to enter), a parent (the demo citizen) and a
    technology team member. Idempotent: nothing is added when the school exists."""
    from society.models import (
        Conduct,
        Enrollment,
        Gradebook,
        Mark,
        School,
        SchoolClass,
        SchoolStaff,
        SchoolYear,
        Student,
        Subject,
        TechTeam,
        TechTeamMember,
    )
    from society.selectors import school_year_of

    if School.objects.filter(code=DEMO_SCHOOL).exists():
        return
    commune = Unit.objects.get(structure=Unit.Structure.CURRENT, level=Unit.Level.COMMUNE, code=5977)
    with transaction.atomic():
        year, _created = SchoolYear.objects.get_or_create(start_year=school_year_of(TODAY))
        school = School.objects.create(
            code=DEMO_SCHOOL, name="Trường THCS Đông Kinh (demo)", level="thcs", commune=commune, teachers=4
        )
        staff = {}
        for email, name, role in DEMO_STAFF:
            staff[email] = _demo_user(email, name)
            SchoolStaff.objects.get_or_create(school=school, user=staff[email], role=role)
        math, homeroom = staff[DEMO_STAFF[0][0]], staff[DEMO_STAFF[1][0]]
        school_class = SchoolClass.objects.create(
            school=school, year=year, name="6A", grade=6, homeroom_teacher=homeroom
        )
        subjects = [
            Subject.objects.get_or_create(code=c, defaults={"name": n, "assessment": a, "order": i})[0]
            for i, (c, n, a) in enumerate(DEMO_SUBJECTS)
        ]
        parent = _demo_user("congdan@demo.langson.vn", "Hoàng Văn Dân")
        names = ["Hoàng Thị Mai", "Lương Văn An", "Vi Thị Bình", "Nông Văn Cường", "Lý Thị Dung", "Triệu Văn Em",
                 "Hà Thị Giang", "Chu Văn Hải"]  # fmt: skip
        rng = random.Random(6)
        students = []
        for i, name in enumerate(names):
            student = Student.objects.create(
                school=school,
                code=f"DEMO-HS-{i + 1:03d}",
                full_name=name,
                date_of_birth=dt.date(2014, 1 + i, 3 + i),
                gender="nu" if "Thị" in name else "nam",
                ethnicity=rng.choice(["Tày", "Nùng", "Kinh", "Dao"]),
                place_of_birth="Lạng Sơn",
                personal_id=f"0201400{i + 1:05d}",
            )
            if i == 0:
                student.guardians.add(parent)
            e = Enrollment.objects.create(student=student, school_class=school_class, number=i + 1)
            students.append((student, e))
        marks = []
        for subject in subjects:
            for term in (1, 2):
                open_book = subject.code == "toan" and term == 2
                book = Gradebook.objects.create(
                    school_class=school_class,
                    subject=subject,
                    term=term,
                    teacher=math if subject.code == "toan" else homeroom,
                    status="open" if open_book else "locked",
                    locked_at=None if open_book else dt.datetime.now(dt.UTC),
                )
                if open_book:
                    continue
                for student, _e in students:
                    for component in ("tx1", "tx2", "gk", "ck"):
                        if subject.assessment == "comment":
                            marks.append(Mark(gradebook=book, student=student, component=component, comment="D"))
                        else:
                            score = round(rng.uniform(5.5, 9.8), 1)
                            marks.append(Mark(gradebook=book, student=student, component=component, score=score))
        Mark.objects.bulk_create(marks)
        Conduct.objects.bulk_create(
            [Conduct(enrollment=e, period=p, level="T", updated_by=homeroom) for _s, e in students for p in (0, 1, 2)]
        )
        team = TechTeam.objects.filter(commune=commune, is_active=True).order_by("pk").first()
        if team is not None:
            member = _demo_user("thanhvien.to@demo.langson.vn", "Lộc Văn Tổ")
            TechTeamMember.objects.get_or_create(team=team, user=member)
    log(
        "demo school: giaovien.toan@, giaovien.chunhiem@, hieutruong@, quantri.truong@, thanhvien.to@"
        "demo.langson.vn (password as the other demo accounts); the demo citizen is a parent"
    )
