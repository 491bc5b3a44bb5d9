"""Economy benchmark (issue 13): wallet-to-wallet transfers through the service against a raw SQL
transfer (psycopg) on the same tables, in the same run, interleaved; hot wallets against cold ones;
then the HTTP transfer page at a paced 50 transfers/s. See bench/economy/README.md.

Usage (run profile, own database; see run.sh):
    .venv/bin/python bench/economy/transfers.py setup
    .venv/bin/python bench/economy/transfers.py throughput [--threads 4] [--seconds 8] [--rounds 3]
    .venv/bin/python bench/economy/transfers.py http --url http://127.0.0.1:8797 [--rate 50] [--seconds 30]
"""

import argparse
import json
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lang_son_portal.settings")
# As the server runs (bench/lib/server.sh): with DEBUG on, Django keeps and formats every query
# (CursorDebugWrapper), ~3 ms of CPU per service transfer that production never pays.
os.environ.setdefault("DJANGO_DEBUG", "0")
django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from bench.session import session_key  # noqa: E402

PEOPLE = 200  # bench wallets, each owned by a bench user
HOT = 5
FUND = 20_000_000  # two cash-ins of 10 M (the daily cash-in limit is 20 M)
PREFIX = "bench-economy-"


def _users_and_wallets():
    from economy.models import Wallet

    return list(Wallet.objects.filter(user__email__startswith=PREFIX).select_related("user").order_by("pk"))


def setup():
    """Bench users with wallets, funded by cash-in at a bench agent (through the services)."""
    from core.geo.models import AdministrativeUnit
    from core.users.models import User
    from economy.models import AgentStaff, BankSupervisor, SoftAtmAgent
    from economy.services import agents, wallets

    unit = AdministrativeUnit.objects.filter(structure="2025", level="commune").order_by("code").first()
    clerk, _ = User.objects.get_or_create(email=f"{PREFIX}clerk@example.vn", defaults={"full_name": "Bench clerk"})
    boss, _ = User.objects.get_or_create(email=f"{PREFIX}boss@example.vn", defaults={"full_name": "Bench boss"})
    agent, _ = SoftAtmAgent.objects.get_or_create(
        name="Bench agent",
        defaults={"commune": unit, "address": "bench", "bank": "BenchBank", "opened_on": "2024-01-01"},
    )
    AgentStaff.objects.get_or_create(user=clerk, defaults={"agent": agent})
    BankSupervisor.objects.get_or_create(user=boss, defaults={"bank": "BenchBank"})
    agents.agent_fund(
        actor=boss, agent=agent, emoney=FUND * PEOPLE * 2, cash=1_000_000, idempotency_key=f"{PREFIX}fund"
    )
    for i in range(PEOPLE):
        user, _ = User.objects.get_or_create(
            email=f"{PREFIX}{i}@example.vn", defaults={"full_name": f"Bench {i}", "phone": f"091{i:07d}"}
        )
        if not hasattr(user, "wallet"):
            wallets.wallet_open(
                actor=user,
                citizen_id=f"020{900000000 + i:09d}",
                phone=f"091{i:07d}",
                full_name=f"Bench {i}",
                commune=unit,
                user=user,
            )
            user.refresh_from_db()
        # Cash-in limits are per day: several cash-ins of 10 M each.
        for k in range(FUND // 10_000_000):
            agents.cash_in(
                actor=clerk,
                agent=agent,
                wallet_number=user.wallet.number,
                amount=10_000_000,
                idempotency_key=f"{PREFIX}fund-{i}-{k}",
            )
    print(json.dumps({"setup": "ok", "wallets": PEOPLE}))


# --- the raw SQL transfer: the same tables, the same locks and rows, no Django --------------------

RAW_SQL = {
    "lock": "SELECT id, balance FROM economy_ledgeraccount WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
    "txn": (
        "INSERT INTO economy_ledgertransaction (kind, idempotency_key, fingerprint, amount, description, created_at)"
        " VALUES ('transfer', %s, %s, %s, '', now()) RETURNING id"
    ),
    "entries": (
        "INSERT INTO economy_ledgerentry (transaction_id, account_id, amount) VALUES (%s, %s, %s), (%s, %s, %s)"
    ),
}


def _dsn():
    db = settings.DATABASES["default"]
    return f"host={db['HOST']} port={db['PORT']} dbname={db['NAME']} user={db['USER']} password={db['PASSWORD']}"


def raw_transfer(conn, a: int, b: int, amount: int, key: str) -> None:
    with conn.transaction():
        rows = conn.execute(RAW_SQL["lock"], ([a, b],)).fetchall()
        if dict(rows)[a] < amount:
            raise RuntimeError("insufficient")
        (txn,) = conn.execute(RAW_SQL["txn"], (key, "raw", amount)).fetchone()
        conn.execute(RAW_SQL["entries"], (txn, a, -amount, txn, b, amount))


def _worker(kind: str, pairs_name: str, n: int, stop: float, run_id: str, out) -> None:
    """One process: transfers until `stop` (time.time()), then reports its count."""
    from django.db import connections

    from economy.services import wallets as wallet_service

    connections.close_all()  # never share the parent's connection across fork
    wallets = _users_and_wallets()
    pairs_for = hot_pair if pairs_name == "hot" else cold_pair
    rng = random.Random(f"{run_id}-{kind}-{n}")
    conn = psycopg.connect(_dsn(), autocommit=True) if kind == "raw" else None
    backend = _backend_pid(conn)
    cpu0, db0 = time.process_time(), _proc_cpu(backend)
    i = 0
    while time.time() < stop:
        a, b = pairs_for(rng, wallets)
        key = f"{PREFIX}{run_id}-{kind}-{pairs_name}-{n}-{i}"
        amount = rng.randint(1, 1000)
        if conn is not None:
            raw_transfer(conn, a.account_id, b.account_id, amount, key)
        else:
            wallet_service.wallet_transfer(
                actor=a.user, source=a, to_number=b.number, amount=amount, idempotency_key=key
            )
        i += 1
    # CPU spent per transfer by this process and by its PostgreSQL backend: what the work costs,
    # whatever the neighbours on a shared machine do to the wall clock.
    out.put((i, time.process_time() - cpu0, _proc_cpu(backend) - db0))


def _backend_pid(conn) -> int:
    if conn is not None:
        return conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _proc_cpu(pid: int) -> float:
    """user + system CPU seconds of a local process (the PostgreSQL backend), 0 if unreadable."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


CPU: dict[str, list[float]] = {}


def _run_processes(kind: str, pairs_name: str, workers: int, seconds: float, run_id: str) -> float:
    """Transfers per second with `workers` processes (no GIL shared between them, like gunicorn's)."""
    import multiprocessing as mp

    connection.close()
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    start = time.time() + 1.0  # every process starts together, after its set-up
    stop = start + seconds
    procs = [ctx.Process(target=_worker, args=(kind, pairs_name, n, stop, run_id, out)) for n in range(workers)]
    for p in procs:
        p.start()
    reports = [out.get() for _ in procs]
    for p in procs:
        p.join()
    done = sum(r[0] for r in reports)
    if done:
        label = kind if pairs_name == "cold" else f"{kind}_{pairs_name}"
        CPU.setdefault(label, []).append(1000 * sum(r[1] + r[2] for r in reports) / done)
    return done / seconds


def cold_pair(rng, wallets):
    a, b = rng.sample(wallets[HOT:], 2)
    return a, b


def hot_pair(rng, wallets):
    a = rng.choice(wallets[:HOT])
    b = rng.choice([w for w in wallets[:HOT] if w is not a])
    return a, b


def throughput(threads: int, seconds: float, rounds: int):
    from economy.selectors import ledger_drift

    run_id = str(int(time.time()))
    results = {"service": [], "raw": [], "service_hot": []}
    for r in range(rounds):
        # Interleaved: each round measures the three in turn, so drift in the machine's load hits all.
        results["service"].append(_run_processes("service", "cold", threads, seconds, f"{run_id}-{r}"))
        results["raw"].append(_run_processes("raw", "cold", threads, seconds, f"{run_id}-{r}"))
        results["service_hot"].append(_run_processes("service", "hot", threads, seconds, f"{run_id}-{r}"))
        print(json.dumps({"round": r + 1, **{k: round(v[-1], 1) for k, v in results.items()}}), flush=True)
    med = {k: statistics.median(v) for k, v in results.items()}
    connection.close()
    drift = ledger_drift()
    summary = {
        "processes": threads,
        "seconds_per_measure": seconds,
        "rounds": rounds,
        "median_per_s": {k: round(v, 1) for k, v in med.items()},
        "service_vs_raw": round(med["service"] / med["raw"], 3),
        "hot_vs_cold": round(med["service_hot"] / med["service"], 3),
        # CPU (client process + its PostgreSQL backend) per transfer, median of rounds, and the
        # ratio it implies: raw CPU / service CPU.
        "cpu_ms_per_transfer": {k: round(statistics.median(v), 2) for k, v in CPU.items()},
        "service_vs_raw_by_cpu": round(statistics.median(CPU["raw"]) / statistics.median(CPU["service"]), 3),
        "drift_total": drift["total"],
        "mismatched": len(drift["mismatched"]),
        "usage_mismatched": len(drift["usage"]),
        "negative": len(drift["negative"]),
    }
    print(json.dumps(summary))


# --- HTTP: the wallet page's transfer form at a paced rate -----------------------------------------


def http(url: str, rate: float, seconds: float, clients: int):
    import http.client

    wallets = _users_and_wallets()[HOT:]
    parsed = urllib.parse.urlparse(url)
    people = []
    for w in wallets[:clients]:
        sid = session_key(w.user)
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
        conn.request("GET", "/economy/wallet/", headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={sid}"})
        resp = conn.getresponse()
        body = resp.read().decode()
        csrf_cookie = re.search(r"csrftoken=([^;]+)", resp.getheader("Set-Cookie") or "").group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        people.append((w, sid, csrf_cookie, token))
        conn.close()
    connection.close()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    interval = 1.0 / rate
    start = time.monotonic() + 0.5
    total = int(rate * seconds)
    per_client = [list(range(i, total, clients)) for i in range(clients)]

    def client(n: int):
        w, sid, csrf_cookie, token = people[n]
        rng = random.Random(n)
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
        for k in per_client[n]:
            due = start + k * interval  # open-loop pacing: the schedule does not wait for slow answers
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            target = rng.choice(wallets)
            while target.pk == w.pk:
                target = rng.choice(wallets)
            body = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "to_wallet": target.number,
                    "amount": str(rng.randint(1, 1000)),
                    "idempotency_key": f"http-{int(start)}-{n}-{k}",
                }
            )
            headers = {
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={sid}; csrftoken={csrf_cookie}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": url + "/economy/wallet/",
                "Origin": url,
            }
            t0 = time.monotonic()
            try:
                conn.request("POST", "/economy/wallet/", body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
                status = 0
            # Latency from when the request was due: a late start (the client fell behind) counts.
            elapsed = time.monotonic() - min(t0, max(due, t0 - 10))
            with lock:
                latencies.append(elapsed * 1000)
                statuses[status] = statuses.get(status, 0) + 1
        conn.close()

    ts = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    t_start = time.monotonic()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.monotonic() - t_start
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 1)

    print(
        json.dumps(
            {
                "rate_target": rate,
                "requests": len(latencies),
                "achieved_per_s": round(len(latencies) / wall, 1),
                "statuses": statuses,
                "p50_ms": pct(50),
                "p95_ms": pct(95),
                "p99_ms": pct(99),
                "max_ms": round(latencies[-1], 1),
            }
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["setup", "throughput", "http"])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--url", default="http://127.0.0.1:8797")
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    if args.command == "setup":
        setup()
    elif args.command == "throughput":
        throughput(args.threads, args.seconds, args.rounds)
    else:
        http(args.url, args.rate, args.seconds or 30, args.clients)
