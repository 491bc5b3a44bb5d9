"""Border-gate peak-day replay (issue 4): N trucks × 8 steps through the officers' HTTP forms while
the live boards are polled, then the same transitions replayed in raw SQL in the same run.

Phases (one run, one database, one gunicorn):
  setup    a bench crossing "bench-gate" with the 8-step export pipeline (fruit: plant quarantine
           applies), its ten forces as agencies, one officer per force (TOTP enrolled), N + M trucks
           declared through the services (not timed);
  paced    BENCH_RATE steps/s (default 20) for BENCH_PACED_SECONDS (default 120) with board pollers:
           latency of each step submission (the decision POST) → p50/p95/p99;
  flat-out the remaining trucks with BENCH_WORKERS concurrent officers → HTTP steps/s;
  raw SQL  M trucks replayed with the same row locks and writes (lock entry, lock step, pass it,
           move the current step, update the entry, append an audit row) and the same concurrency
           → raw steps/s; target: HTTP ≥ 0.25 × raw;
  verify   every step of every truck passed exactly once (steps and audit rows), every truck crossed.

Usage (the lead): source scripts/env.sh run && bash bench/border_gate/run.sh
Environment: BENCH_URL, BENCH_TRUCKS (5000), BENCH_RATE (20), BENCH_PACED_SECONDS (120),
BENCH_WORKERS (8), BENCH_RAW_TRUCKS (1000), BENCH_POLLERS (4).
"""

import datetime
import http.cookiejar
import json
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lang_son_portal.settings")
import django

django.setup()

from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

URL = os.environ.get("BENCH_URL", "http://127.0.0.1:8799")
TRUCKS = int(os.environ.get("BENCH_TRUCKS", "5000"))
RATE = float(os.environ.get("BENCH_RATE", "20"))
PACED_SECONDS = float(os.environ.get("BENCH_PACED_SECONDS", "120"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "8"))
RAW_TRUCKS = int(os.environ.get("BENCH_RAW_TRUCKS", "1000"))
POLLERS = int(os.environ.get("BENCH_POLLERS", "4"))
CROSSING = "bench-gate"
FORCES = ["gate_board", "health_quarantine", "plant_quarantine", "customs", "immigration", "border_guard"]


def setup():
    """Bench crossing, agencies, officers and trucks (idempotent: a previous run's bench data is removed)."""
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
        officers = {}
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
            officers[force] = user
        declarant = User.objects.filter(email="bench.declarant@bench.langson.vn").first() or User.objects.create_user(
            email="bench.declarant@bench.langson.vn", password=None
        )
    codes = []
    for i in range(TRUCKS + RAW_TRUCKS):
        e = services.entry_declare(
            actor=declarant,
            data=services.DeclarationData(
                crossing=crossing, direction="export", regime="export",
                vehicle_plate=f"98C-{i // 100:03d}.{i % 100:02d}", driver_name="Bench",
                driver_id_kind="passport", driver_id_number=f"B{i:07d}", driver_phone="0912000111",
                expected_arrival=timezone.now() + datetime.timedelta(hours=1),
                goods=[services.GoodsData("08106000", "Sầu riêng", "fresh_fruit", 20000, 10**9, True)],
            ),
        )  # fmt: skip
        codes.append(e.code)
    steps = list(StepDefinition.objects.filter(crossing=crossing, direction="export").order_by("position"))
    applicable = [s for s in steps if s.condition in ("always", "plant")]
    yard = Yard.objects.get(code="bench-yard").pk
    return crossing, officers, codes[:TRUCKS], codes[TRUCKS:], applicable, yard


def session_cookie(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return s.session_key


class Client:
    """One officer's browser: session cookie + CSRF token, keep-alive-less urllib."""

    def __init__(self, session_key: str):
        from django.conf import settings

        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        self.session_cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
        html = self.get("/border-gate/officer/")[1]
        m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        self.csrf = m.group(1)

    def get(self, path, headers=None):
        req = urllib.request.Request(URL + path, headers={"Cookie": self._cookies(), **(headers or {})})
        with self.opener.open(req, timeout=30) as r:
            return r.status, r.read().decode()

    def post(self, path, data):
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf, **data}).encode()
        req = urllib.request.Request(
            URL + path, data=body, headers={"Cookie": self._cookies(), "Referer": URL + path,
                                            "Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        t = time.perf_counter()
        try:
            with self.opener.open(req, timeout=30) as r:
                status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
        return status, time.perf_counter() - t

    def _cookies(self):
        extra = "; ".join(f"{c.name}={c.value}" for c in self.jar)
        return self.session_cookie + (f"; {extra}" if extra else "")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp


def truck_steps(client_for, code, steps, yard, lat, errors, pace=None):
    """The 8 steps of one truck through HTTP: take, (lane), decide. Returns the number of steps."""
    from border_gate.models import EntryStep

    done = 0
    for step in steps:
        c = client_for[step.force]
        if pace:
            pace()
        status, _t = c.post(f"/border-gate/officer/entries/{code}/take/", {})
        es = EntryStep.objects.filter(entry__code=code, step=step).values_list("pk", flat=True).first()
        data = {"entry_step": es, "decision": "pass"}
        if step.data_kind == "yard":
            data["yard"] = yard
        elif step.data_kind == "certificate":
            data["certificate_number"] = f"KD-{code}"
        elif step.data_kind == "lane":
            c.post(f"/border-gate/officer/entries/{code}/lane/", {"lane": "green"})
        elif step.data_kind == "receipt":
            data["receipt_number"] = f"BL-{code}"
        status, t = c.post(f"/border-gate/officer/entries/{code}/decide/", data)
        if status != 302:
            errors.append((code, step.code, status))
        lat.append(t)
        done += 1
    connections.close_all()
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


def raw_replay(codes, steps, workers):
    """The same transitions, raw SQL, same concurrency: per step, lock the entry and its step, mark it
    passed, move `is_current`/`current_step`, update the entry, append an audit row."""
    import psycopg

    s = connection.settings_dict
    dsn = f"host={s['HOST']} port={s['PORT']} dbname={s['NAME']} user={s['USER']} password={s['PASSWORD']}"
    queue = list(codes)
    lock = threading.Lock()
    count = [0]

    def work():
        with psycopg.connect(dsn, autocommit=False) as conn:
            while True:
                with lock:
                    if not queue:
                        return
                    code = queue.pop()
                for _step in steps:
                    with conn.transaction(), conn.cursor() as cur:
                        cur.execute("SELECT id FROM border_gate_entry WHERE code = %s FOR UPDATE", [code])
                        (entry_id,) = cur.fetchone()
                        cur.execute(
                            "SELECT id FROM border_gate_entrystep WHERE entry_id = %s AND is_current FOR UPDATE",
                            [entry_id],
                        )
                        (es_id,) = cur.fetchone()
                        cur.execute(
                            "UPDATE border_gate_entrystep SET status = 'passed', is_current = false,"
                            " decided_at = now(), data = '{}' WHERE id = %s",
                            [es_id],
                        )
                        cur.execute(
                            "SELECT id FROM border_gate_entrystep WHERE entry_id = %s AND status = 'pending'"
                            " ORDER BY position LIMIT 1 FOR UPDATE",
                            [entry_id],
                        )
                        nxt = cur.fetchone()
                        if nxt:
                            cur.execute("UPDATE border_gate_entrystep SET is_current = true WHERE id = %s", [nxt[0]])
                            cur.execute(
                                "UPDATE border_gate_entry SET status = 'in_progress', current_step_id = %s,"
                                " updated_at = now(), arrived_at = coalesce(arrived_at, now()) WHERE id = %s",
                                [nxt[0], entry_id],
                            )
                        else:
                            cur.execute(
                                "UPDATE border_gate_entry SET status = 'crossed', current_step_id = NULL,"
                                " closed_at = now(), updated_at = now() WHERE id = %s",
                                [entry_id],
                            )
                        cur.execute(
                            "INSERT INTO audit_auditlog (at, actor_label, action, object_type, object_id, object_repr,"
                            " request_id) VALUES (now(), 'bench-raw', 'border_gate.entry.pass', 'border_gate.entry',"
                            " %s, %s, '')",
                            [str(entry_id), code],
                        )
                    with lock:
                        count[0] += 1

    threads = [threading.Thread(target=work) for _ in range(workers)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return count[0], time.perf_counter() - t0


def pct(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main():
    global BOARD_SESSION
    t_setup = time.perf_counter()
    _crossing, officers, http_codes, raw_codes, steps, yard = setup()
    print(f"setup: {len(http_codes)} + {len(raw_codes)} trucks, {len(steps)} steps each, "
          f"{time.perf_counter() - t_setup:.0f}s", flush=True)  # fmt: skip
    sessions = {f: session_cookie(u) for f, u in officers.items()}
    BOARD_SESSION = sessions["gate_board"]
    connections.close_all()

    stop = threading.Event()
    polls: list[int] = []
    pollers = [threading.Thread(target=poll_boards, args=(stop, polls), daemon=True) for _ in range(POLLERS)]
    for p in pollers:
        p.start()

    # paced phase: RATE steps/s shared by the workers (a token bucket)
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
            truck_steps(clients, code, steps, yard, paced_lat, errors, pace=pace)

    threads = [threading.Thread(target=paced_worker) for _ in range(WORKERS)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    paced_elapsed = time.perf_counter() - t0

    # flat-out phase: the rest of the peak day as fast as the server goes
    flat_lat: list[float] = []

    def flat_worker():
        clients = {f: Client(sessions[f]) for f in FORCES}
        while True:
            with rem_lock:
                if not remaining:
                    return
                code = remaining.pop()
            truck_steps(clients, code, steps, yard, flat_lat, errors)

    threads = [threading.Thread(target=flat_worker) for _ in range(WORKERS)]
    t1 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flat_elapsed = time.perf_counter() - t1
    stop.set()

    raw_count, raw_elapsed = raw_replay(raw_codes, steps, WORKERS)

    # verification: each (truck, step) passed exactly once; audit rows too; every truck crossed
    with connection.cursor() as c:
        c.execute(
            """SELECT count(*) FILTER (WHERE es.status = 'passed'), count(*) FILTER (WHERE es.status <> 'passed'
                      AND es.status <> 'skipped'), count(DISTINCT e.id) FILTER (WHERE e.status = 'crossed')
               FROM border_gate_entry e JOIN border_gate_entrystep es ON es.entry_id = e.id
               WHERE e.code = ANY(%s)""",
            [http_codes],
        )
        passed, not_passed, crossed = c.fetchone()
        c.execute(
            """SELECT count(*) FROM (SELECT object_id, after->>'step' AS step, count(*) n FROM audit_auditlog
               WHERE action IN ('border_gate.entry.pass', 'border_gate.entry.cross')
                 AND object_type = 'border_gate.entry'
                 AND object_id IN (SELECT id::text FROM border_gate_entry WHERE code = ANY(%s))
               GROUP BY 1, 2 HAVING count(*) > 1) d""",
            [http_codes],
        )
        (duplicated,) = c.fetchone()
    expected = len(http_codes) * len(steps)
    http_steps = len(paced_lat) + len(flat_lat)
    result = {
        "trucks": len(http_codes),
        "steps_per_truck": len(steps),
        "paced": {
            "rate_target": RATE,
            "steps": len(paced_lat),
            "seconds": round(paced_elapsed, 1),
            "achieved_rate": round(len(paced_lat) / paced_elapsed, 1) if paced_elapsed else None,
            "p50_ms": round(1000 * (statistics.median(paced_lat) if paced_lat else 0), 1),
            "p95_ms": round(1000 * (pct(paced_lat, 95) or 0), 1),
            "p99_ms": round(1000 * (pct(paced_lat, 99) or 0), 1),
        },
        "flat_out": {
            "steps": len(flat_lat),
            "seconds": round(flat_elapsed, 1),
            "steps_per_s": round(len(flat_lat) / flat_elapsed, 1) if flat_elapsed else None,
            "p95_ms": round(1000 * (pct(flat_lat, 95) or 0), 1),
        },
        "raw_sql": {
            "steps": raw_count,
            "seconds": round(raw_elapsed, 1),
            "steps_per_s": round(raw_count / raw_elapsed, 1),
        },
        "board_polls": sum(polls),
        "verify": {
            "expected_steps": expected,
            "http_steps": http_steps,
            "passed": passed,
            "not_passed": not_passed,
            "crossed": crossed,
            "duplicated_audit": duplicated,
            "errors": len(errors),
        },
    }
    if flat_lat and raw_count:
        result["ratio_http_to_raw"] = round((len(flat_lat) / flat_elapsed) / (raw_count / raw_elapsed), 3)
    result["targets"] = {
        "p95_le_250ms_at_20_per_s": result["paced"]["p95_ms"] <= 250 and result["paced"]["achieved_rate"] >= 0.9 * RATE,
        "ratio_ge_0_25": result.get("ratio_http_to_raw", 0) >= 0.25,
        "no_lost_or_duplicated": (
            passed == expected and not_passed == 0 and duplicated == 0 and crossed == len(http_codes)
        ),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if errors[:5]:
        print("first errors:", errors[:5])


BOARD_SESSION = ""
if __name__ == "__main__":
    main()
