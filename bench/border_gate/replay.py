"""Border-gate peak-day replay (issue 4): N trucks × 8 steps through the officers' HTTP forms while
the live boards are polled, then the same transitions replayed in raw SQL in the same run.

Phases (one run, one database, one gunicorn):
  setup    a bench crossing "bench-gate" with the 8-step export pipeline (fruit: plant quarantine
           applies), its forces as agencies, one officer per force (TOTP enrolled), N + M trucks
           declared through the services (not timed);
  paced    BENCH_RATE steps/s (default 20) for BENCH_PACED_SECONDS (default 120) with board pollers:
           latency of each step submission (the decision POST) → p50/p95/p99;
  flat-out the remaining trucks with BENCH_OFFICERS concurrent officers → HTTP steps/s;
  raw SQL  M other trucks, the same transitions with psycopg and the same concurrency: the same
           row locks, the same rows written (step record, next step, entry state, yard event, lane,
           audit rows with their JSON) → raw steps/s; target: HTTP ≥ 0.25 × raw;
  verify   for the HTTP trucks and the raw trucks alike: every step passed exactly once, exactly
           one pass/cross audit row per step, one lane audit row per truck, every truck crossed.

What one step is over HTTP (what an officer's tablet sends): one POST of the decision form of the
entry page, which takes the step in the same transaction (`take`); at the customs step the same POST
carries the lane, which the view records in its own transaction before the decision's. Officers
who want to reserve a truck first still can ("Nhận xử lý"), not replayed here.

Usage (the lead): source scripts/env.sh run && bash bench/border_gate/run.sh
Environment: BENCH_URL, BENCH_TRUCKS (5000), BENCH_RATE (20), BENCH_PACED_SECONDS (120),
BENCH_OFFICERS (8), BENCH_RAW_TRUCKS (1000), BENCH_POLLERS (4).
"""

import datetime
import json
import os
import re
import socket
import statistics
import sys
import threading
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lang_son_portal.settings")
import django

django.setup()

from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.session import session_key  # noqa: E402

URL = os.environ.get("BENCH_URL", "http://127.0.0.1:8799")
TRUCKS = int(os.environ.get("BENCH_TRUCKS", "5000"))
RATE = float(os.environ.get("BENCH_RATE", "20"))
PACED_SECONDS = float(os.environ.get("BENCH_PACED_SECONDS", "120"))
# Not BENCH_WORKERS: bench/lib/server.sh reads that one for the number of gunicorn workers.
OFFICERS = int(os.environ.get("BENCH_OFFICERS", "8"))
RAW_TRUCKS = int(os.environ.get("BENCH_RAW_TRUCKS", "1000"))
POLLERS = int(os.environ.get("BENCH_POLLERS", "4"))
CROSSING = "bench-gate"
FORCES = ["gate_board", "health_quarantine", "plant_quarantine", "customs", "immigration", "border_guard"]


def setup():
    """Bench crossing, agencies, officers and trucks (idempotent: a previous run's bench data is
    removed), then what the timed phases need (`load`)."""
    prepare()
    return load()


def prepare():
    """Bench crossing, agencies, officers and TRUCKS + RAW_TRUCKS declared trucks; a previous run's
    bench trucks are removed first."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group

    from border_gate import services
    from border_gate.models import Crossing, StepDefinition, Yard
    from core.agencies.models import Agency
    from core.users.models import User

    with transaction.atomic():
        crossing, _ = Crossing.objects.get_or_create(
            code=CROSSING, defaults={"name": "Cửa khẩu benchmark", "random_inspection_share": 0, "position": 99}
        )
        with connection.cursor() as c:  # a previous run's trucks (bench data only)
            c.execute("UPDATE border_gate_entry SET current_step_id = NULL WHERE crossing_id = %s", [crossing.pk])
            c.execute(
                "DELETE FROM border_gate_entrystep WHERE entry_id IN "
                "(SELECT id FROM border_gate_entry WHERE crossing_id = %s)",
                [crossing.pk],
            )
            for table in ("border_gate_goodsline", "border_gate_entryversion", "border_gate_yardevent"):
                c.execute(
                    f"DELETE FROM {table} WHERE entry_id IN (SELECT id FROM border_gate_entry WHERE crossing_id = %s)",
                    [crossing.pk],
                )
            c.execute(
                "DELETE FROM border_gate_entry_containers WHERE entry_id IN "
                "(SELECT id FROM border_gate_entry WHERE crossing_id = %s)",
                [crossing.pk],
            )
            c.execute("DELETE FROM border_gate_entry WHERE crossing_id = %s", [crossing.pk])
        Yard.objects.get_or_create(
            code="bench-yard",
            defaults={"crossing": crossing, "name": "Bãi benchmark", "capacity": 100000, "confidence": "placeholder"},
        )
        if not StepDefinition.objects.filter(crossing=crossing).exists():
            template = StepDefinition.objects.filter(crossing__code="huu-nghi", direction="export").order_by("position")
            for s in template:
                StepDefinition.objects.create(
                    crossing=crossing, direction="export", position=s.position, code=s.code, name=s.name,
                    force=s.force, condition=s.condition, data_kind=s.data_kind, requires_call=False,
                )  # fmt: skip
        province = Agency.objects.get(code="ubnd-tinh").admin_unit
        for force in FORCES:
            agency, _ = Agency.objects.get_or_create(
                code=f"{CROSSING}-{force}",
                defaults={"name": f"{force} bench", "kind": "border_force", "force": force, "crossing_code": CROSSING,
                          "admin_unit": province},
            )  # fmt: skip
            email = f"bench.{force}@bench.langson.vn"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=None, agency=agency, full_name=f"Bench {force}")
                user.groups.add(Group.objects.get(name="border_officer"))
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
                TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        declarant = User.objects.filter(email="bench.declarant@bench.langson.vn").first() or User.objects.create_user(
            email="bench.declarant@bench.langson.vn", password=None
        )
    for i in range(TRUCKS + RAW_TRUCKS):
        services.entry_declare(
            actor=declarant,
            data=services.DeclarationData(
                crossing=crossing, direction="export", regime="export",
                vehicle_plate=f"98C-{i // 100:03d}.{i % 100:02d}", driver_name="Bench",
                driver_id_kind="passport", driver_id_number=f"B{i:07d}", driver_phone="0912000111",
                expected_arrival=timezone.now() + datetime.timedelta(hours=1),
                goods=[services.GoodsData("08106000", "Sầu riêng", "fresh_fruit", 20000, 10**9, True)],
            ),
        )  # fmt: skip


def load():
    """What the timed phases need, read from the prepared database: the officers, the trucks (in
    declaration order: the first TRUCKS go through HTTP, the others through raw SQL), the steps
    that apply to them, the yard and the step ids the entry pages carry. Refuses a database that
    is not freshly prepared for this TRUCKS + RAW_TRUCKS (a replay needs every truck declared)."""
    from border_gate.models import Crossing, Entry, EntryStep, StepDefinition, Yard
    from core.users.models import User

    crossing = Crossing.objects.get(code=CROSSING)
    officers = {force: User.objects.get(email=f"bench.{force}@bench.langson.vn") for force in FORCES}
    entries = list(Entry.objects.filter(crossing=crossing).order_by("pk").values_list("code", "status"))
    if len(entries) != TRUCKS + RAW_TRUCKS or any(status != Entry.Status.DECLARED for _c, status in entries):
        raise SystemExit(
            f"{len(entries)} bench trucks, not {TRUCKS} + {RAW_TRUCKS} declared ones: prepare them first "
            "(BENCH_STEP=setup with the same BENCH_TRUCKS and BENCH_RAW_TRUCKS)"
        )
    codes = [code for code, _s in entries]
    steps = list(StepDefinition.objects.filter(crossing=crossing, direction="export").order_by("position"))
    applicable = [s for s in steps if s.condition in ("always", "plant")]
    yard = Yard.objects.get(code="bench-yard").pk
    # The entry page the officer opened carries the step id in its form; the bench reads them all
    # here, once, so the client does no database work while it is being timed.
    step_ids = {
        (code, step_id): pk
        for code, step_id, pk in EntryStep.objects.filter(entry__crossing=crossing).values_list(
            "entry__code", "step_id", "pk"
        )
    }
    return crossing, officers, codes[:TRUCKS], codes[TRUCKS:], applicable, yard, step_ids


def session_cookie(user) -> str:
    return session_key(user)


class Client:
    """One officer's tablet: session cookie + CSRF token, one short HTTP/1.1 exchange per request
    over a plain socket (the sync workers close every connection). A plain socket rather than
    urllib: the client shares the server's two cores, and urllib spent ~1 ms of CPU per request.
    Redirects are not followed (the step submission is the POST); the `messages` cookie a
    decision sets is dropped, as the page the browser is redirected to would have consumed it
    (sent back unconsumed, it grows until Django moves messages into the session, a write per
    request no officer causes)."""

    def __init__(self, session_key: str):
        from django.conf import settings

        parsed = urllib.parse.urlsplit(URL)
        self.addr = (parsed.hostname, parsed.port or 80)
        self.host = parsed.netloc
        self.cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
        _status, headers, html = self._exchange(b"GET", "/border-gate/officer/")
        csrf_cookie = re.search(rf"{settings.CSRF_COOKIE_NAME}=([^;]+)", headers).group(1)
        self.cookie += f"; {settings.CSRF_COOKIE_NAME}={csrf_cookie}"
        self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def _exchange(self, method: bytes, path: str, body: bytes = b"", headers: dict | None = None):
        head = [
            method + b" " + path.encode() + b" HTTP/1.1",
            b"Host: " + self.host.encode(),
            b"Cookie: " + self.cookie.encode(),
            b"Connection: close",
        ]
        for k, val in (headers or {}).items():
            head.append(f"{k}: {val}".encode())
        if body:
            head += [
                b"Content-Type: application/x-www-form-urlencoded",
                b"Content-Length: " + str(len(body)).encode(),
                b"Referer: " + URL.encode() + path.encode(),
            ]
        with socket.create_connection(self.addr, timeout=30) as sock:
            sock.sendall(b"\r\n".join(head) + b"\r\n\r\n" + body)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        raw = b"".join(chunks)
        header_block, _sep, payload = raw.partition(b"\r\n\r\n")
        text = header_block.decode("latin-1")
        return int(text[9:12]), text, payload.decode("utf-8", "replace")

    def get(self, path, headers=None):
        status, _headers, body = self._exchange(b"GET", path, headers=headers)
        if status >= 400:
            raise OSError(f"GET {path}: {status}")
        return status, body

    def post(self, path, data):
        """Returns (status, Location header, seconds)."""
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf, **data}).encode()
        t = time.perf_counter()
        status, headers, _body = self._exchange(b"POST", path, body)
        elapsed = time.perf_counter() - t
        m = re.search(r"\r\nLocation: ([^\r\n]*)", headers, re.IGNORECASE)
        return status, m.group(1) if m else "", elapsed


def truck_steps(client_for, code, steps, yard, step_ids, lat, errors, pace=None):
    """The 8 steps of one truck through HTTP: one decide-with-take POST each (with the lane at the
    customs step). Returns the number of steps."""
    done = 0
    for step in steps:
        c = client_for[step.force]
        if pace:
            pace()
        data = {"entry_step": step_ids[(code, step.pk)], "decision": "pass", "take": "True"}
        if step.data_kind == "yard":
            data["yard"] = yard
        elif step.data_kind == "certificate":
            data["certificate_number"] = f"KD-{code}"
        elif step.data_kind == "lane":
            data["lane"] = "green"  # recorded (own transaction) and passed by the one submission
        elif step.data_kind == "receipt":
            data["receipt_number"] = f"BL-{code}"
        status, location, t = c.post(f"/border-gate/officer/entries/{code}/decide/", data)
        # Success redirects to the officer's step queue; a refused decision re-renders the form (400).
        if status != 302 or "/officer/steps/" not in location:
            errors.append((code, step.code, status))
        lat.append(t)
        done += 1
    return done


def poll_boards(stop, counter):
    c = None
    while not stop.is_set():
        try:
            c = c or Client(BOARD_SESSION)
            c.get("/border-gate/officer/board/?crossing=" + CROSSING, {"HX-Request": "true"})
            c.get(f"/border-gate/board/{CROSSING}/", {"HX-Request": "true"})
            c.get("/border-gate/live.json")
            counter.append(3)
        except Exception:  # noqa: BLE001 - a poller error is counted, not fatal
            counter.append(0)
        time.sleep(1)


def raw_replay(codes, officers, steps, yard_id, workers):
    """The same transitions in raw SQL (psycopg, autocommit off, same concurrency), one transaction
    per step as over HTTP, writing the same rows:
      customs lane  lock the entry, read its customs step, set lane/inspection, lane audit row;
      decision      lock the entry, lock its steps in position order (and read their codes), at the
                    yard step lock the yard, count it and add the yard event; the step record
                    (passed, taker, decider, data), the next current step, the entry (status,
                    arrival, current step, yard, fee receipt, crossed), the pass/cross audit row
                    with the same before/after JSON.
    Not replayed: what the web stack adds (session, user, roles, TOTP, scope and entry look-ups,
    form validation) — the ratio measures exactly that."""
    import psycopg

    s = connection.settings_dict
    dsn = f"host={s['HOST']} port={s['PORT']} dbname={s['NAME']} user={s['USER']} password={s['PASSWORD']}"
    actors = {force: (u.pk, u.email) for force, u in officers.items()}
    force_of = {s.code: s.force for s in steps}
    kinds = [s.data_kind for s in steps]
    queue = list(codes)
    lock = threading.Lock()
    count = [0]
    audit_sql = (
        "INSERT INTO audit_auditlog (at, actor_id, actor_label, action, object_type, object_id, object_repr,"
        " before, after, ip, request_id) VALUES (now(), %s, %s, %s, 'border_gate.entry', %s, %s, %s, %s,"
        " '127.0.0.1', %s)"
    )

    def lane(cur, code):
        actor_id, label = actors["customs"]
        cur.execute("SELECT id, lane, inspection_required FROM border_gate_entry WHERE code = %s FOR UPDATE", [code])
        entry_id, old_lane, old_insp = cur.fetchone()
        cur.execute(
            "SELECT es.status FROM border_gate_entrystep es JOIN border_gate_stepdefinition sd ON sd.id = es.step_id"
            " WHERE es.entry_id = %s AND sd.data_kind = 'lane' LIMIT 1",
            [entry_id],
        )
        cur.fetchone()
        cur.execute(
            "UPDATE border_gate_entry SET lane = 'green', inspection_required = false, inspection_random = false,"
            " updated_at = now() WHERE id = %s",
            [entry_id],
        )
        cur.execute(
            audit_sql,
            [actor_id, label, "border_gate.entry.lane", str(entry_id), code,
             json.dumps({"lane": old_lane, "inspection_required": old_insp}),
             json.dumps({"lane": "green", "inspection_required": False, "random": False}), uuid.uuid4().hex],
        )  # fmt: skip

    def decide(cur, code):
        cur.execute(
            "SELECT id, status, current_yard_id, fee_amount FROM border_gate_entry WHERE code = %s FOR UPDATE",
            [code],
        )
        entry_id, status, current_yard, fee_amount = cur.fetchone()
        cur.execute(
            "SELECT es.id, es.status, es.is_current, sd.code, sd.data_kind FROM border_gate_entrystep es"
            " JOIN border_gate_stepdefinition sd ON sd.id = es.step_id WHERE es.entry_id = %s"
            " ORDER BY es.position FOR UPDATE OF es",
            [entry_id],
        )
        rows = cur.fetchall()
        i = next(i for i, r in enumerate(rows) if r[2])
        es_id, _st, _cur, step_code, kind = rows[i]
        actor_id, label = actors[force_of[step_code]]
        data = {}
        receipt = None
        if kind == "yard":
            cur.execute(
                "SELECT id, capacity, code FROM border_gate_yard WHERE id = %s AND is_active FOR UPDATE", [yard_id]
            )
            _y, capacity, yard_code = cur.fetchone()
            if current_yard != yard_id:
                cur.execute("SELECT count(*) FROM border_gate_entry WHERE current_yard_id = %s", [yard_id])
                assert cur.fetchone()[0] < capacity
                cur.execute(
                    "INSERT INTO border_gate_yardevent (yard_id, entry_id, kind, at, source, external_id, created_at)"
                    " VALUES (%s, %s, 'in', now(), %s, '', now())",
                    [yard_id, entry_id, label],
                )
                current_yard = yard_id
            data["yard"] = yard_code
        elif kind == "certificate":
            data["certificate_number"] = f"KD-{code}"
        elif kind == "lane":
            data["lane"] = "green"
        elif kind == "receipt":
            receipt = f"BL-{code}"
            data.update(receipt_number=receipt, amount=fee_amount)
        cur.execute(
            "UPDATE border_gate_entrystep SET status = 'passed', is_current = false, taken_by_id = %s,"
            " taken_at = now(), decided_by_id = %s, decided_by_label = %s, decided_at = now(), data = %s"
            " WHERE id = %s",
            [actor_id, actor_id, label, json.dumps(data), es_id],
        )
        nxt = next((r for r in rows[i + 1 :] if r[1] in ("pending", "taken", "held")), None)
        if nxt:
            cur.execute("UPDATE border_gate_entrystep SET is_current = true WHERE id = %s", [nxt[0]])
        new_status = "crossed" if nxt is None else "in_progress"
        cur.execute(
            "UPDATE border_gate_entry SET status = %s, arrived_at = coalesce(arrived_at, now()),"
            " current_step_id = %s, current_yard_id = %s,"
            " fee_receipt_number = coalesce(%s, fee_receipt_number), fee_paid_at = coalesce(fee_paid_at, %s),"
            " closed_at = CASE WHEN %s THEN now() END, updated_at = now() WHERE id = %s",
            [new_status, nxt[0] if nxt else None, None if nxt is None else current_yard, receipt,
             timezone.now() if receipt else None, nxt is None, entry_id],
        )  # fmt: skip
        if nxt is None and current_yard:
            cur.execute(
                "INSERT INTO border_gate_yardevent (yard_id, entry_id, kind, at, source, external_id, created_at)"
                " VALUES (%s, %s, 'out', now(), 'system', '', now())",
                [current_yard, entry_id],
            )
        cur.execute(
            audit_sql,
            [actor_id, label, "border_gate.entry." + ("cross" if nxt is None else "pass"), str(entry_id), code,
             json.dumps({"status": status, "step": step_code}),
             json.dumps({"status": new_status, "step": step_code, "decision": "pass", "data": data,
                         "next_step": nxt[3] if nxt else None, "taken": True}),
             uuid.uuid4().hex],
        )  # fmt: skip
        return kind

    finished = threading.Barrier(workers + 1)
    release = threading.Event()

    def work():
        with psycopg.connect(dsn, autocommit=False) as conn:
            try:
                replay_trucks(conn)
            finally:
                # Keep the connection (its backend process) until the CPU snapshot is taken.
                finished.wait()
                release.wait()

    def replay_trucks(conn):
        while True:
            with lock:
                if not queue:
                    return
                code = queue.pop()
            for kind in kinds:  # the client knows the pipeline, as the HTTP client does
                if kind == "lane":  # the lane of the customs decision's POST, its own transaction
                    with conn.transaction(), conn.cursor() as cur:
                        lane(cur, code)
                with conn.transaction(), conn.cursor() as cur:
                    decide(cur, code)
                with lock:
                    count[0] += 1

    threads = [threading.Thread(target=work) for _ in range(workers)]
    cpu0 = cpu_snapshot()
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    finished.wait()
    elapsed = time.perf_counter() - t0
    cpu1 = cpu_snapshot()
    release.set()
    for t in threads:
        t.join()
    return count[0], elapsed, cpu_per_step(cpu0, cpu1, count[0])


def verify(codes, steps_per_truck):
    """Each (truck, step) passed exactly once, one pass/cross audit row per step and one lane row per
    truck (none lost, none duplicated), every truck crossed."""
    with connection.cursor() as c:
        c.execute(
            """SELECT count(*) FILTER (WHERE es.status = 'passed'), count(*) FILTER (WHERE es.status <> 'passed'
                      AND es.status <> 'skipped'), count(DISTINCT e.id) FILTER (WHERE e.status = 'crossed'),
                      count(*) FILTER (WHERE es.is_current)
               FROM border_gate_entry e JOIN border_gate_entrystep es ON es.entry_id = e.id
               WHERE e.code = ANY(%s)""",
            [codes],
        )
        passed, not_passed, crossed, still_current = c.fetchone()
        c.execute(
            """SELECT count(*) FILTER (WHERE action IN ('border_gate.entry.pass', 'border_gate.entry.cross')),
                      count(*) FILTER (WHERE action = 'border_gate.entry.lane'),
                      count(*) FILTER (WHERE action = 'border_gate.entry.cross')
               FROM audit_auditlog WHERE object_type = 'border_gate.entry'
                 AND object_id IN (SELECT id::text FROM border_gate_entry WHERE code = ANY(%s))""",
            [codes],
        )
        audit_steps, audit_lanes, audit_crossed = c.fetchone()
        c.execute(
            """SELECT count(*) FROM (SELECT object_id, after->>'step' AS step, count(*) n FROM audit_auditlog
               WHERE action IN ('border_gate.entry.pass', 'border_gate.entry.cross')
                 AND object_type = 'border_gate.entry'
                 AND object_id IN (SELECT id::text FROM border_gate_entry WHERE code = ANY(%s))
               GROUP BY 1, 2 HAVING count(*) > 1) d""",
            [codes],
        )
        (duplicated,) = c.fetchone()
    expected = len(codes) * steps_per_truck
    out = {
        "expected_steps": expected,
        "passed": passed,
        "not_passed": not_passed,
        "still_current": still_current,
        "crossed": crossed,
        "audit_step_rows": audit_steps,
        "audit_lane_rows": audit_lanes,
        "audit_cross_rows": audit_crossed,
        "duplicated_audit": duplicated,
    }
    out["ok"] = (
        passed == expected
        and not_passed == 0
        and still_current == 0
        and crossed == len(codes)
        and audit_steps == expected
        and audit_lanes == len(codes)
        and audit_crossed == len(codes)
        and duplicated == 0
    )
    return out


_TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: str) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0.0


def _procs():
    """(pid, ppid, cmdline) of every process (Linux /proc)."""
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/stat") as f:
                ppid = f.read().rsplit(")", 1)[1].split()[1]
        except OSError:
            continue
        out.append((pid, ppid, cmd))
    return out


def cpu_snapshot() -> dict:
    """CPU seconds used so far by the bench client (this process), the bench's gunicorn (master +
    workers, found by its URL's port) and the PostgreSQL cluster serving the database (backends of
    the postmaster whose data directory is the profile's). Where the time of a step goes."""
    port = urllib.parse.urlparse(URL).port
    procs = _procs()
    web = {pid for pid, _pp, cmd in procs if "gunicorn" in cmd and f":{port}" in cmd}
    web |= {pid for pid, pp, _c in procs if pp in web}
    data_dir = os.environ.get("PORTAL_DATA_DIR", "")
    masters = {pid for pid, _pp, cmd in procs if "bin/postgres" in cmd and data_dir and data_dir in cmd}
    db = masters | {pid for pid, pp, _c in procs if pp in masters}
    me = os.times()
    return {
        "client": me.user + me.system,
        "web": sum(_proc_cpu(p) for p in web),
        "db": sum(_proc_cpu(p) for p in db),
    }


def cpu_per_step(before: dict, after: dict, steps: int) -> dict:
    return {k: round(1000 * (after[k] - before[k]) / steps, 2) for k in before} if steps else {}


def pct(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def ms(v):
    return round(1000 * (v or 0), 1)


def main():
    global BOARD_SESSION
    step = os.environ.get("BENCH_STEP", "all")  # all | setup (prepare only) | measure (prepared before)
    t_setup = time.perf_counter()
    if step in ("all", "setup"):
        prepare()
        print(f"setup: {TRUCKS} + {RAW_TRUCKS} trucks declared, {time.perf_counter() - t_setup:.0f}s", flush=True)
        if step == "setup":
            return
    _crossing, officers, http_codes, raw_codes, steps, yard, step_ids = load()
    print(f"replay: {len(http_codes)} + {len(raw_codes)} trucks, {len(steps)} steps each", flush=True)
    sessions = {f: session_cookie(u) for f, u in officers.items()}
    BOARD_SESSION = sessions["gate_board"]
    connections.close_all()
    load_before = os.getloadavg()

    stop = threading.Event()
    polls: list[int] = []
    pollers = [threading.Thread(target=poll_boards, args=(stop, polls), daemon=True) for _ in range(POLLERS)]
    for p in pollers:
        p.start()

    # paced phase: RATE steps/s shared by the officers (a token bucket)
    paced_lat: list[float] = []
    errors: list = []
    interval = 1 / RATE
    next_slot = [time.perf_counter()]
    slot_lock = threading.Lock()

    def pace():
        with slot_lock:
            slot = next_slot[0]
            next_slot[0] = slot + interval
        delay = slot - time.perf_counter()
        if delay > 0:
            time.sleep(delay)

    remaining = list(reversed(http_codes))
    rem_lock = threading.Lock()
    deadline = time.perf_counter() + PACED_SECONDS

    def paced_worker():
        clients = {f: Client(sessions[f]) for f in FORCES}
        while time.perf_counter() < deadline:
            with rem_lock:
                if not remaining:
                    return
                code = remaining.pop()
            truck_steps(clients, code, steps, yard, step_ids, paced_lat, errors, pace=pace)

    threads = [threading.Thread(target=paced_worker) for _ in range(OFFICERS)]
    next_slot[0] = time.perf_counter()
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    paced_elapsed = time.perf_counter() - t0
    paced_polls = sum(polls)

    # flat-out phase: the rest of the peak day as fast as the server goes
    flat_lat: list[float] = []

    def flat_worker():
        clients = {f: Client(sessions[f]) for f in FORCES}
        while True:
            with rem_lock:
                if not remaining:
                    return
                code = remaining.pop()
            truck_steps(clients, code, steps, yard, step_ids, flat_lat, errors)

    threads = [threading.Thread(target=flat_worker) for _ in range(OFFICERS)]
    cpu_flat0 = cpu_snapshot()
    t1 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flat_elapsed = time.perf_counter() - t1
    cpu_flat1 = cpu_snapshot()
    stop.set()
    flat_polls = sum(polls) - paced_polls
    load_http = os.getloadavg()

    for p in pollers:
        p.join()
    raw_count, raw_elapsed, raw_cpu = raw_replay(raw_codes, officers, steps, yard, OFFICERS)
    load_raw = os.getloadavg()

    http_verify = verify(http_codes, len(steps))
    raw_verify = verify(raw_codes, len(steps))
    http_steps = len(paced_lat) + len(flat_lat)
    result = {
        "date": timezone.now().isoformat(timespec="seconds"),
        "trucks": len(http_codes),
        "raw_trucks": len(raw_codes),
        "steps_per_truck": len(steps),
        "officers": OFFICERS,
        "pollers": POLLERS,
        "loadavg_1m": {
            "before": round(load_before[0], 2),
            "after_http": round(load_http[0], 2),
            "after_raw": round(load_raw[0], 2),
        },
        "paced": {
            "rate_target": RATE,
            "steps": len(paced_lat),
            "seconds": round(paced_elapsed, 1),
            "achieved_rate": round(len(paced_lat) / paced_elapsed, 1) if paced_elapsed else None,
            "p50_ms": ms(statistics.median(paced_lat) if paced_lat else 0),
            "p95_ms": ms(pct(paced_lat, 95)),
            "p99_ms": ms(pct(paced_lat, 99)),
            "board_requests_per_s": round(paced_polls / paced_elapsed, 1) if paced_elapsed else None,
        },
        "flat_out": {
            "steps": len(flat_lat),
            "seconds": round(flat_elapsed, 1),
            "steps_per_s": round(len(flat_lat) / flat_elapsed, 1) if flat_elapsed else None,
            "http_requests_per_s": round(len(flat_lat) / flat_elapsed, 1) if flat_elapsed else None,
            "p50_ms": ms(statistics.median(flat_lat) if flat_lat else 0),
            "p95_ms": ms(pct(flat_lat, 95)),
            "board_requests_per_s": round(flat_polls / flat_elapsed, 1) if flat_elapsed else None,
            # CPU milliseconds per step (board polls included in web/db), by process group.
            "cpu_ms_per_step": cpu_per_step(cpu_flat0, cpu_flat1, len(flat_lat)),
        },
        "raw_sql": {
            "steps": raw_count,
            "seconds": round(raw_elapsed, 2),
            "steps_per_s": round(raw_count / raw_elapsed, 1),
            "cpu_ms_per_step": raw_cpu,
        },
        "verify": {"http": http_verify, "raw": raw_verify, "http_steps": http_steps, "errors": len(errors)},
    }
    if flat_lat and raw_count:
        result["ratio_http_to_raw"] = round((len(flat_lat) / flat_elapsed) / (raw_count / raw_elapsed), 3)
    result["targets"] = {
        "p95_le_250ms_at_20_per_s": result["paced"]["p95_ms"] <= 250 and result["paced"]["achieved_rate"] >= 0.9 * RATE,
        "ratio_ge_0_25": result.get("ratio_http_to_raw", 0) >= 0.25,
        "no_lost_or_duplicated": http_verify["ok"]
        and raw_verify["ok"]
        and http_steps == http_verify["expected_steps"]
        and not errors,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if errors[:5]:
        print("first errors:", errors[:5])


BOARD_SESSION = ""
if __name__ == "__main__":
    main()
