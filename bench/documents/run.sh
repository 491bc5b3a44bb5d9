#!/usr/bin/env bash
# Documents search benchmark (issue 16): full-text search over 100,000 documents, with and without
# diacritics, by number and by words, against the bare single-query view, same gunicorn, interleaved
# rounds in one run. Targets: search p95 <= 100 ms and throughput >= 0.5 x bare.
# Like with like: `bare` is requested with the clerk's session cookie, as the search is.
# Usage: source scripts/env.sh run && PORTAL_DB_NAME=<db> bash bench/documents/run.sh   (README.md here)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/server.sh
ROUNDS="${BENCH_ROUNDS:-3}"
if [ "${BENCH_SKIP_SETUP:-0}" != 1 ]; then
  .venv/bin/python bench/documents/setup.py "${BENCH_DOCUMENTS:-100000}"
fi
mkdir -p bench/results
out="bench/results/documents-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
bench_server_start
trap bench_server_stop EXIT
cookie=$(.venv/bin/python bench/session.py bench.vanthu@langson.gov.vn)
cookie="$cookie; csrftoken=$(.venv/bin/python -c 'from django.utils.crypto import get_random_string; print(get_random_string(32))')"
# Words without diacritics, words with them (URL-encoded UTF-8), a number as printed, a rare word
# with filters, and the book with no query (newest first).
PLAIN="/van-ban/tim-kiem/?q=bien+gioi"
ACCENTED="/van-ban/tim-kiem/?q=chuy%E1%BB%83n+%C4%91%E1%BB%95i+s%E1%BB%91"
NUMBER="/van-ban/tim-kiem/?q=125%2FQ%C4%90-UBND"
FILTERED="/van-ban/tim-kiem/?q=tiem+chung+dinh+lap&direction=in&doc_type=CV"
BOOK="/van-ban/tim-kiem/"
echo "server: ${BENCH_SERVER_DESC:-gunicorn}; load before: $(uptime)"
for p in /bench/bare/ "$PLAIN" "$ACCENTED" "$NUMBER" "$FILTERED" "$BOOK"; do
  BENCH_DURATION=3s wrk_json warmup "$p" "$cookie" >/dev/null
done
for r in $(seq 1 "$ROUNDS"); do
  wrk_json bare /bench/bare/ "$cookie" | tee -a "$out"
  wrk_json plain "$PLAIN" "$cookie" | tee -a "$out"
  wrk_json accented "$ACCENTED" "$cookie" | tee -a "$out"
  wrk_json number "$NUMBER" "$cookie" | tee -a "$out"
  wrk_json filtered "$FILTERED" "$cookie" | tee -a "$out"
  wrk_json book "$BOOK" "$cookie" | tee -a "$out"
done
echo "load after: $(uptime)"
.venv/bin/python bench/summarize.py "$out" bare plain accented number filtered book
echo "targets: every search p95 <= 100 ms, ratio >= 0.50"
