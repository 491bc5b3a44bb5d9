"""Summarise a bench JSONL file: median throughput and p95 per label, and each label's ratio to the
baseline (the first label given), computed from rounds interleaved in the same run.

Usage: python bench/summarize.py results.jsonl <baseline> <label> [<label> ...]
"""

import json
import statistics
import sys


def main() -> None:
    path, baseline, *labels = sys.argv[1:]
    rows: dict[str, list[dict]] = {}
    with open(path) as fh:
        for line in fh:
            row = json.loads(line)
            rows.setdefault(row["label"], []).append(row)
    base_rps = statistics.median(r["rps"] for r in rows[baseline])
    print(f"{'label':<12}{'rounds':>7}{'median rps':>12}{'median p95 ms':>15}{'ratio':>8}{'errors':>8}")
    for label in [baseline, *labels]:
        rs = rows.get(label, [])
        if not rs:
            print(f"{label:<12} no data")
            continue
        rps = statistics.median(r["rps"] for r in rs)
        p95 = statistics.median(r["p95_ms"] for r in rs)
        errors = sum(r["errors"] + r["non2xx"] for r in rs)
        print(f"{label:<12}{len(rs):>7}{rps:>12.1f}{p95:>15.2f}{rps / base_rps:>8.2f}{errors:>8}")


if __name__ == "__main__":
    main()
