"""Summarise a bench JSONL file: median throughput and p95 per label, and each label's ratio to the
baseline (the first label given), computed from rounds interleaved in the same run.

Two ratios are printed: `ratio` (median rps of the label / median rps of the baseline) and `round
ratio` (the median, min and max of the per-round ratios: round i of the label against round i of the
baseline, measured seconds apart). On a shared, noisy machine the per-round ratio is the steadier
figure, because both sides of a round saw about the same load.

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
    base = rows[baseline]
    base_rps = statistics.median(r["rps"] for r in base)
    print(
        f"{'label':<12}{'rounds':>7}{'median rps':>12}{'median p95 ms':>15}{'ratio':>8}"
        f"{'round ratio (min-max)':>24}{'errors':>8}"
    )
    for label in [baseline, *labels]:
        rs = rows.get(label, [])
        if not rs:
            print(f"{label:<12} no data")
            continue
        rps = statistics.median(r["rps"] for r in rs)
        p95 = statistics.median(r["p95_ms"] for r in rs)
        errors = sum(r["errors"] + r["non2xx"] for r in rs)
        per_round = [r["rps"] / b["rps"] for r, b in zip(rs, base, strict=False) if b["rps"]]
        spread = f"{statistics.median(per_round):.2f} ({min(per_round):.2f}-{max(per_round):.2f})" if per_round else "-"
        print(f"{label:<12}{len(rs):>7}{rps:>12.1f}{p95:>15.2f}{rps / base_rps:>8.2f}{spread:>24}{errors:>8}")


if __name__ == "__main__":
    main()
