"""Where one service transfer goes: the statements it sends (CaptureQueriesContext) and the plans
of the hot ones (EXPLAIN ANALYZE), on the bench database after `transfers.py setup`.

    source scripts/env.sh run && PORTAL_DB_NAME=<own db> .venv/bin/python bench/economy/profile_transfer.py
"""

import os
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lang_son_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.economy.transfers import HOT, _users_and_wallets  # noqa: E402
from economy.services import wallets as wallet_service  # noqa: E402


def main(n: int = 200) -> None:
    people = _users_and_wallets()[HOT:]
    run = int(time.time())
    a, b = people[0], people[1]
    # Warm up (prepared statements, the limit rules' cache, the system accounts' ids).
    for i in range(10):
        wallet_service.wallet_transfer(
            actor=a.user, source=a, to_number=b.number, amount=1, idempotency_key=f"prof-{run}-w{i}"
        )
    with CaptureQueriesContext(connection) as ctx:
        wallet_service.wallet_transfer(
            actor=a.user, source=a, to_number=b.number, amount=1, idempotency_key=f"prof-{run}-one"
        )
    print(f"statements per transfer: {len(ctx.captured_queries)}")
    for q in ctx.captured_queries:
        print(f"  {q['time']:>6} s  {q['sql'][:160]}")
    for q in ctx.captured_queries:
        sql = q["sql"]
        if sql.startswith("SELECT") and "FOR UPDATE" not in sql:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print("\n".join(r[0] for r in cursor.fetchall()))
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(n):
        x, y = people[i % len(people)], people[(i + 7) % len(people)]
        wallet_service.wallet_transfer(
            actor=x.user, source=x, to_number=y.number, amount=1, idempotency_key=f"prof-{run}-{i}"
        )
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{n} sequential transfers: {1000 * wall / n:.2f} ms wall, {1000 * cpu / n:.2f} ms client CPU each")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
