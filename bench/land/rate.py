"""Open-loop load at a fixed rate (wrk keeps a fixed number of connections busy instead): requests
are scheduled every 1/rate seconds and each latency is measured from its scheduled start, so a
slow server cannot hide its queueing (no coordinated omission). Prints one JSON line like wrk's.

Usage: python bench/land/rate.py <label> <base-url> <paths-file> [rate=100] [seconds=20] [threads=16]"""

import http.client
import json
import random
import statistics
import sys
import threading
import time
from urllib.parse import urlsplit


def main() -> None:
    label, base, paths_file = sys.argv[1:4]
    rate = float(sys.argv[4]) if len(sys.argv) > 4 else 100.0
    seconds = float(sys.argv[5]) if len(sys.argv) > 5 else 20.0
    threads = int(sys.argv[6]) if len(sys.argv) > 6 else 16
    paths = [p for p in open(paths_file).read().splitlines() if p]
    host = urlsplit(base)
    total = int(rate * seconds)
    start = time.perf_counter() + 0.5
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = iter(range(total))

    def worker():
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            try:
                conn.request("GET", random.choice(paths))
                response = conn.getresponse()
                response.read()
                ok = response.status < 400
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
                ok = False
            took = (time.perf_counter() - scheduled) * 1000
            with lock:
                latencies.append(took)
                errors[0] += not ok

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - start
    q = statistics.quantiles(latencies, n=100)
    print(
        json.dumps(
            {
                "label": label,
                "path": paths_file,
                "requests": len(latencies),
                "rps": round(len(latencies) / elapsed, 1),
                "p50_ms": round(q[49], 2),
                "p95_ms": round(q[94], 2),
                "p99_ms": round(q[98], 2),
                "errors": 0,
                "non2xx": errors[0],
            }
        )
    )


if __name__ == "__main__":
    main()
