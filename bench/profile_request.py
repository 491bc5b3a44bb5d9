"""CPU time and statements of signed-in GET requests (the foundation bench's pages by default), sent
through the project's WSGI application in this process: the full middleware stack, the real database
and Redis, no server and no network, so what one request costs the web worker is measured apart from
the rest of the machine.

    source scripts/env.sh run && PORTAL_DB_NAME=<own db> .venv/bin/python bench/profile_request.py \
        [--email congdan@demo.langson.vn] [--rounds 3] [--n 200] [--profile /] [paths ...]

Rounds are interleaved (each path N times per round); printed: CPU ms per request per round and the
median, statements per request, and with --profile PATH a cProfile of N requests of that path
(process time), sorted by cumulative time.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lang_son_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("PORTAL_LOG_LEVEL", "WARNING")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from bench.session import session_key  # noqa: E402
from lang_son_portal.wsgi import application  # noqa: E402

DEFAULT_PATHS = ["/bench/bare/", "/", "/api/v1/core/agencies/?limit=20"]


def session_key_for(email: str) -> str:
    from django.contrib.auth import get_user_model

    return session_key(get_user_model().objects.get(email=email))


def get(path: str, cookie: str) -> int:
    path, _q, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8799",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8799",
        "HTTP_COOKIE": cookie,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    out = {}

    def start_response(status, headers, exc_info=None):
        out["status"] = int(status[:3])

    result = application(environ, start_response)
    try:
        b"".join(result)
    finally:
        result.close()  # request_finished, as gunicorn's worker does
    return out["status"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    parser.add_argument("--email", default="congdan@demo.langson.vn")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--profile", default="")
    args = parser.parse_args()
    # The same cookies as bench/foundation.sh: the session and a CSRF cookie a browser keeps.
    cookie = (
        f"{settings.SESSION_COOKIE_NAME}={session_key_for(args.email)}; "
        f"{settings.CSRF_COOKIE_NAME}={get_random_string(32)}"
    )
    for path in args.paths:  # warm-up
        for _ in range(20):
            status = get(path, cookie)
        if status != 200:
            raise SystemExit(f"{path}: {status}")
    results: dict[str, list[float]] = {p: [] for p in args.paths}
    for _r in range(args.rounds):
        for path in args.paths:
            t = time.process_time()
            for _ in range(args.n):
                get(path, cookie)
            results[path].append(1000 * (time.process_time() - t) / args.n)
    print(f"CPU ms per request ({args.n} per round, {args.rounds} rounds), statements per request:")
    for path, vals in results.items():
        with CaptureQueriesContext(connection) as ctx:
            get(path, cookie)
        print(
            f"  {path:40s} " + "  ".join(f"{v:6.2f}" for v in vals)
            + f"   median {statistics.median(vals):6.2f}   {len(ctx.captured_queries)} statements"
        )  # fmt: skip
        if os.environ.get("BENCH_SHOW_SQL"):
            for q in ctx.captured_queries:
                print("      " + q["sql"][:240])
    if args.profile:
        prof = cProfile.Profile(time.process_time)
        prof.enable()
        for _ in range(args.n):
            get(args.profile, cookie)
        prof.disable()
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(70)
        print(s.getvalue()[:14000])


if __name__ == "__main__":
    main()
