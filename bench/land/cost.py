"""In-process cost of the land lookups, side by side with the bare view: each path of a list is
requested through Django's test client (the whole middleware stack, no network), and the Python CPU
time (time.process_time) and wall time per request are reported with the number of SQL queries. On a
machine shared by several helpers, CPU time per request is steadier than throughput; run it in two
trees (before/after) alternately to compare.

Usage: python bench/land/cost.py <paths-dir> [requests-per-kind=300]  (environment of bench/land/env.sh)"""

import json
import os
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path.cwd()))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lang_son_portal.settings")
django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

KINDS = {
    "bare": None,
    "lookup": "lookups.txt",
    "point": "points.txt",
    "tile_z14": "tiles-14.txt",
    "tile_z15": "tiles-15.txt",
}


def main() -> None:
    folder = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    client = Client(HTTP_HOST="127.0.0.1")
    for kind, name in KINDS.items():
        paths = ["/bench/bare/"] * count if name is None else (folder / name).read_text().split()[:count]
        client.get(paths[0])  # warm caches and the connection
        queries = 0
        cpu, wall = time.process_time(), time.perf_counter()
        for path in paths:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            queries += len(captured.captured_queries)
            assert response.status_code in (200, 302), (path, response.status_code)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        reset_queries()
        print(json.dumps({
            "label": kind, "requests": len(paths), "cpu_ms": round(1000 * cpu / len(paths), 2),
            "wall_ms": round(1000 * wall / len(paths), 2), "queries": round(queries / len(paths), 2),
        }))  # fmt: skip


if __name__ == "__main__":
    main()
