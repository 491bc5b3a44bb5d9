"""What runs while a transfer holds the two wallets' row locks (ADR 1303 §4): each statement of N
sequential service transfers timed around Django's cursor (`execute_wrapper`), the Python between
them, and COMMIT; "held" is from the locking statement to the end of COMMIT. Sequential, so no
waiting on another transfer's locks is counted: this is the time others would wait.

    source scripts/env.sh run && PORTAL_DB_NAME=<own db> .venv/bin/python bench/economy/profile_locks.py [N]
"""

import os
import statistics
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lang_son_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
django.setup()

from django.db import connection  # noqa: E402

from bench.economy.transfers import HOT, _users_and_wallets  # noqa: E402
from economy.services import wallets as wallet_service  # noqa: E402


def _name(sql: str) -> str:
    if "FOR UPDATE" in sql:
        return "lock (SELECT … FOR UPDATE)"
    if sql.startswith("WITH t AS (INSERT"):
        return "transaction + entries (INSERT)"
    if "audit_auditlog" in sql[:60]:
        return "audit row (INSERT)"
    if sql.startswith("SELECT nextval"):
        return "id (nextval)"
    return sql[:40]


def main(n: int) -> None:
    people = _users_and_wallets()[HOT:]
    run = int(time.time())
    marks: list[tuple[str, float, float]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            marks.append((_name(sql), started, time.perf_counter()))

    def transfer(i: int, tag: str) -> None:
        a, b = people[i % len(people)], people[(i + 7) % len(people)]
        wallet_service.wallet_transfer(
            actor=a.user, source=a, to_number=b.number, amount=1, idempotency_key=f"locks-{run}-{tag}-{i}"
        )

    for i in range(20):  # warm-up: prepared statements, the limit rules' cache
        transfer(i, "warm")
    phases: dict[str, list[float]] = {}
    with connection.execute_wrapper(timed):
        for i in range(n):
            marks.clear()
            started = time.perf_counter()
            transfer(i, "run")
            ended = time.perf_counter()
            previous = started
            for k, (name, begin, end) in enumerate(marks):
                phases.setdefault(f"{k + 1}. Python before: {name}", []).append(begin - previous)
                phases.setdefault(f"{k + 1}. {name}", []).append(end - begin)
                previous = end
            phases.setdefault(f"{len(marks) + 1}. COMMIT (and the Python around it)", []).append(ended - previous)
            lock_start = next(begin for name, begin, _end in marks if name.startswith("lock"))
            phases.setdefault("held: lock statement to end of COMMIT", []).append(ended - lock_start)
            phases.setdefault("whole transfer", []).append(ended - started)
    print(f"{n} sequential transfers, median (mean) ms")
    for name in sorted(phases, key=lambda k: (not k[0].isdigit(), k)):
        values = phases[name]
        print(f"  {name:48s} {1000 * statistics.median(values):6.3f} ({1000 * statistics.mean(values):6.3f})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
