"""The statements one HTTP transfer (the wallet page's form, as bench/economy/transfers.py http
posts it) sends, through Django's test client in process, on the bench database.

    source scripts/env.sh run && PORTAL_DB_NAME=<own db> .venv/bin/python bench/economy/profile_http.py
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
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.economy.transfers import HOT, _users_and_wallets  # noqa: E402


def main(n: int = 100) -> None:
    people = _users_and_wallets()[HOT:]
    a, b = people[2], people[3]
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(a.user)
    run = int(time.time())

    def post(i):
        response = client.post(
            "/economy/wallet/", {"to_wallet": b.number, "amount": "1", "idempotency_key": f"h{run}-{i}"}
        )
        assert response.status_code == 302, response.status_code

    for i in range(10):
        post(f"w{i}")
    with CaptureQueriesContext(connection) as ctx:
        post("one")
    print(f"statements per HTTP transfer: {len(ctx.captured_queries)}")
    for q in ctx.captured_queries:
        print(f"  {q['time']:>6} s  {q['sql'][:200]}")
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(n):
        post(i)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{n} sequential HTTP transfers in process: {1000 * wall / n:.2f} ms wall, {1000 * cpu / n:.2f} ms CPU each")
    if len(sys.argv) > 2:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for i in range(n):
            post(f"p{i}")
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
