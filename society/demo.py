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
    teachers = _split(round(TEACHERS * factor), [rng.uniform(0.5, 1.5) for _ in schools])
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
