"""Where the web CPU of one officer decision goes: the replay's decision POSTs (and its board polls)
sent through the project's WSGI application in this process — the full middleware stack, the real
database and Redis, no server, no network — with CPU time per request, the statements each one
sends and a cProfile of the lot.

Run it against any tree that has bench/border_gate/replay.py (this file can be run from outside the
tree it measures: BENCH_TREE names the tree, default this file's own):

    source scripts/env.sh run && PORTAL_DB_NAME=<own db> REDIS_URL=redis://127.0.0.1:56380/<n> \
      BENCH_TREE=/path/to/tree .venv/bin/python bench/border_gate/profile_decision.py [--rounds 3]

It declares BENCH_TRUCKS trucks (default 60) at the bench crossing through replay.setup() (earlier
bench trucks are deleted), warms up on the first 10, then alternates: timed trucks (CPU per request,
nothing else running in the process), trucks under CaptureQueriesContext (statements per step), and
trucks under cProfile. Output: CPU per decision and per poll (median over rounds), statements per
decision with their SQL for one truck, and the top of the profile (written to BENCH_PROFILE_OUT).
"""

import argparse
import cProfile
import gc
import io
import os
import pstats
import re
import statistics
import sys
import time
import urllib.parse

TREE = os.environ.get("BENCH_TREE") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.chdir(TREE)
sys.path.insert(0, TREE)
sys.path.insert(0, os.path.join(TREE, "bench", "border_gate"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lang_son_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("PORTAL_LOG_LEVEL", "WARNING")
os.environ.setdefault("BENCH_TRUCKS", "60")
os.environ["BENCH_RAW_TRUCKS"] = "0"

import replay  # noqa: E402  (django.setup() happens there, with the tree's settings)
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from lang_son_portal.wsgi import application  # noqa: E402

HOST = "127.0.0.1:8799"


class InProcessClient:
    """One officer's tablet as replay.Client, through the WSGI application instead of a socket."""

    def __init__(self, session_key: str):
        self.cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
        _status, headers, html = self.request("GET", "/border-gate/officer/")
        csrf_cookie = re.search(rf"{settings.CSRF_COOKIE_NAME}=([^;]+)", headers).group(1)
        self.cookie += f"; {settings.CSRF_COOKIE_NAME}={csrf_cookie}"
        self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        path, _q, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8799",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": HOST,
            "HTTP_COOKIE": self.cookie,
            "HTTP_CONNECTION": "close",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if body:
            environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
            environ["CONTENT_LENGTH"] = str(len(body))
            environ["HTTP_REFERER"] = f"http://{HOST}{path}"
        for k, v in (headers or {}).items():
            environ["HTTP_" + k.upper().replace("-", "_")] = v
        out = {}

        def start_response(status, response_headers, exc_info=None):
            out["status"] = int(status[:3])
            out["headers"] = "\r\n".join(f"{k}: {v}" for k, v in response_headers)

        result = application(environ, start_response)
        try:
            payload = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()  # request_finished: what gunicorn's worker does after each response
        return out["status"], out["headers"], payload.decode("utf-8", "replace")

    def post(self, path: str, data: dict):
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf, **data}).encode()
        status, headers, _body = self.request("POST", path, body)
        m = re.search(r"Location: ([^\r\n]*)", headers)
        return status, m.group(1) if m else ""


def decisions(clients, code, steps, yard, step_ids):
    """(step code, callable) for the 8 decision POSTs of one truck, as replay.truck_steps sends them."""
    out = []
    for step in steps:
        data = {"entry_step": step_ids[(code, step.pk)], "decision": "pass", "take": "True"}
        if step.data_kind == "yard":
            data["yard"] = yard
        elif step.data_kind == "certificate":
            data["certificate_number"] = f"KD-{code}"
        elif step.data_kind == "lane":
            data["lane"] = "green"
        elif step.data_kind == "receipt":
            data["receipt_number"] = f"BL-{code}"

        def send(c=clients[step.force], path=f"/border-gate/officer/entries/{code}/decide/", data=data):
            status, location = c.post(path, data)
            if status != 302 or "/officer/steps/" not in location:
                raise SystemExit(f"decision refused: {path} {data} -> {status} {location}")

        out.append((step.code, send))
    return out


def polls(board_client):
    crossing = replay.CROSSING
    return [
        ("officer_board", lambda: board_client.request("GET", f"/border-gate/officer/board/?crossing={crossing}",
                                                         headers={"HX-Request": "true"})),
        ("public_board", lambda: board_client.request("GET", f"/border-gate/board/{crossing}/",
                                                        headers={"HX-Request": "true"})),
        ("live_json", lambda: board_client.request("GET", "/border-gate/live.json")),
        ("bare", lambda: board_client.request("GET", "/bench/bare/")),
    ]  # fmt: skip


GC = {"start": 0.0, "seconds": [0.0, 0.0, 0.0], "count": [0, 0, 0]}


def _gc_clock(phase, info):
    """CPU time spent in the garbage collector, by generation (gc.callbacks)."""
    if phase == "start":
        GC["start"] = time.process_time()
    else:
        GC["seconds"][info["generation"]] += time.process_time() - GC["start"]
        GC["count"][info["generation"]] += 1


def cpu_of(fn) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def _toggles():
    """Changes measured against the tree as it is, each switched on and off at run time in the same
    process (bench only; nothing here is product code)."""
    import functools

    from django.db import connection as conn

    def audit_sql():
        from core.audit.models import AuditLog

        @functools.cache
        def insert_sql():
            fields = [f for f in AuditLog._meta.concrete_fields if not f.primary_key]
            qn = conn.ops.quote_name
            columns = ", ".join(qn(f.column) for f in fields)
            marks = ", ".join(["%s"] * len(fields))
            return f"INSERT INTO {qn(AuditLog._meta.db_table)} ({columns}) VALUES ({marks}) RETURNING id", fields

        original = AuditLog.save

        def save(self, *a, **k):
            sql, fields = insert_sql()
            params = [f.get_db_prep_save(f.pre_save(self, True), conn) for f in fields]
            with conn.cursor() as cursor:
                cursor.execute(sql, params)
                self.pk = cursor.fetchone()[0]
            self._state.adding = False

        return lambda on: setattr(AuditLog, "save", save if on else original)

    def redis_reuse():
        from core.cache import _DegradingClient

        original = _DegradingClient.get_client

        def get_client(self, key=None, *, write=False):
            index = self._get_connection_pool_index(write)
            clients = self.__dict__.setdefault("_bench_clients", {})
            if index not in clients:
                clients[index] = self._client(connection_pool=self._get_connection_pool(index))
            return clients[index]

        return lambda on: setattr(_DegradingClient, "get_client", get_client if on else original)

    return {"audit_sql": audit_sql, "redis_reuse": redis_reuse}


def toggle_rounds(truck, names: str, rounds: int, timed: int) -> None:
    """Alternate rounds without and with the named changes (comma-separated, see _toggles): CPU per
    decision of each round, then the median of each side and their difference."""
    available = _toggles()
    switches = [available[n]() for n in names.split(",")]
    sides: dict[bool, list[float]] = {False: [], True: []}
    for r in range(2 * rounds):
        on = r % 2 == 1
        for switch in switches:
            switch(on)
        cpu = []
        for _ in range(timed):
            for _step, send in truck():
                cpu.append(cpu_of(send))
        sides[on].append(1000 * statistics.mean(cpu))
    for switch in switches:
        switch(False)
    off, on = statistics.median(sides[False]), statistics.median(sides[True])
    rounds_off = " ".join(f"{v:.2f}" for v in sides[False])
    rounds_on = " ".join(f"{v:.2f}" for v in sides[True])
    print(f"toggle {names}: off {rounds_off} | on {rounds_on}")
    print(f"  median off {off:.2f}, on {on:.2f} ms per decision: {on - off:+.2f} ms")


def sample_profile(truck, trucks: int, out: str) -> None:
    """A statistical profile of `trucks` trucks' decisions: the stack is sampled every 0.5 ms of CPU
    (SIGPROF), so functions called often are not inflated as under cProfile. Writes JSON: samples
    per (file, function) as the leaf (self) and anywhere in the stack (cumulative)."""
    import json
    import signal

    interval = 0.0005
    leaf: dict[str, int] = {}
    cumulative: dict[str, int] = {}
    active = [False]

    def on_sample(_signum, frame):
        if not active[0]:
            return
        seen = set()
        first = True
        while frame is not None:
            code = frame.f_code
            key = f"{code.co_filename.replace(TREE, '')}:{code.co_name}"
            if first:
                leaf[key] = leaf.get(key, 0) + 1
                first = False
            if key not in seen:
                cumulative[key] = cumulative.get(key, 0) + 1
                seen.add(key)
            frame = frame.f_back

    signal.signal(signal.SIGPROF, on_sample)
    signal.setitimer(signal.ITIMER_PROF, interval, interval)
    n = 0
    for _ in range(trucks):
        for _step, send in truck():
            active[0] = True
            send()
            active[0] = False
            n += 1
    signal.setitimer(signal.ITIMER_PROF, 0, 0)
    with open(out, "w") as f:
        json.dump({"decisions": n, "interval": interval, "leaf": leaf, "cumulative": cumulative}, f)
    total = sum(leaf.values())
    print(f"sampled {n} decisions: {total} samples = {1000 * total * interval / n:.2f} ms CPU per decision -> {out}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timed", type=int, default=10, help="trucks timed per round")
    parser.add_argument("--queries-trucks", type=int, default=1)
    parser.add_argument("--profile-trucks", type=int, default=10)
    args = parser.parse_args()
    need = 10 + args.rounds * args.timed + args.queries_trucks + args.profile_trucks
    if replay.TRUCKS < need:
        raise SystemExit(f"BENCH_TRUCKS={replay.TRUCKS}: needs at least {need}")

    t0 = time.perf_counter()
    _crossing, officers, codes, _raw, steps, yard, step_ids = replay.setup()
    print(f"tree {TREE} · setup {len(codes)} trucks in {time.perf_counter() - t0:.0f} s", flush=True)
    sessions = {f: replay.session_cookie(u) for f, u in officers.items()}
    clients = {f: InProcessClient(sessions[f]) for f in replay.FORCES}
    board = clients["gate_board"]
    queue = list(codes)

    def truck():
        return decisions(clients, queue.pop(0), steps, yard, step_ids)

    for _ in range(10):  # warm-up: first requests build caches, templates, prepared statements
        for _code, send in truck():
            send()
    for _name, poll in polls(board):
        poll()

    if os.environ.get("BENCH_TOGGLE"):
        toggle_rounds(truck, os.environ["BENCH_TOGGLE"], args.rounds, args.timed)
        return
    per_round = []
    poll_round = []
    gc.callbacks.append(_gc_clock)
    for _r in range(args.rounds):
        cpu: dict[str, list[float]] = {}
        for _ in range(args.timed):
            for step_code, send in truck():
                cpu.setdefault(step_code, []).append(cpu_of(send))
        pc: dict[str, list[float]] = {}
        for _ in range(20):
            for name, poll in polls(board):
                pc.setdefault(name, []).append(cpu_of(poll))
        per_round.append(cpu)
        poll_round.append(pc)

    print("\nCPU ms per decision (mean over the round's trucks), rounds:")
    step_codes = [s.code for s in steps]
    for sc in step_codes:
        vals = [1000 * statistics.mean(r[sc]) for r in per_round]
        print(f"  {sc:28s} " + "  ".join(f"{v:6.2f}" for v in vals))
    means = [1000 * statistics.mean([x for v in r.values() for x in v]) for r in per_round]
    print(f"  {'ALL (mean of 8 steps)':28s} " + "  ".join(f"{v:6.2f}" for v in means)
          + f"   median {statistics.median(means):.2f}")  # fmt: skip
    gc.callbacks.remove(_gc_clock)
    n_requests = args.rounds * (args.timed * len(steps) + 80)
    print(
        f"  garbage collector over these {n_requests} requests: collections by generation {GC['count']}, "
        f"CPU {1000 * sum(GC['seconds']):.0f} ms ({1000 * sum(GC['seconds']) / n_requests:.3f} ms per request; "
        f"gen2 {1000 * GC['seconds'][2]:.0f} ms)"
    )
    print("CPU ms per poll/bare request (mean of 20), rounds:")
    for name in ("officer_board", "public_board", "live_json", "bare"):
        vals = [1000 * statistics.mean(r[name]) for r in poll_round]
        print(f"  {name:28s} " + "  ".join(f"{v:6.2f}" for v in vals))

    print("\nStatements per decision (one truck):")
    for step_code, send in truck():
        with CaptureQueriesContext(connection) as ctx:
            send()
        print(f"  {step_code}: {len(ctx.captured_queries)}")
        if os.environ.get("BENCH_SHOW_SQL"):
            for q in ctx.captured_queries:
                print("      " + q["sql"][:220])
    for name, poll in polls(board):
        with CaptureQueriesContext(connection) as ctx:
            poll()
        print(f"  poll {name}: {len(ctx.captured_queries)}")

    if os.environ.get("BENCH_SAMPLE"):
        sample_profile(truck, args.profile_trucks, os.environ["BENCH_SAMPLE"])
        return
    prof = cProfile.Profile(time.process_time)
    n = 0
    for _ in range(args.profile_trucks):
        for _step, send in truck():
            prof.enable()
            send()
            prof.disable()
            n += 1
    out = os.environ.get("BENCH_PROFILE_OUT", "/tmp/decision.prof")
    prof.dump_stats(out)
    s = io.StringIO()
    st = pstats.Stats(prof, stream=s)
    st.sort_stats("cumulative").print_stats(60)
    print(f"\ncProfile of {n} decisions (process time), written to {out}:")
    print(s.getvalue()[:12000])


if __name__ == "__main__":
    main()
