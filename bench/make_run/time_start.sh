#!/bin/bash
# Time `make run` from its start to the first 200 of GET / (docs/benchmarks.md, "make run"), then stop
# it as Ctrl-C would (SIGINT to its process group); PostgreSQL and Redis keep running, so a second
# call times a second start. Run it in a clone of its own with free ports, never on the shared ones:
#   PORTAL_DB_PORT=55871 PORTAL_REDIS_PORT=56871 PORTAL_PORT=8871 bench/make_run/time_start.sh <clone> <log>
# and stop the clone's services afterwards with the same ports: bash scripts/stop.sh run
dir=$1; log=$2
: "${PORTAL_DB_PORT:?set a free port}" "${PORTAL_REDIS_PORT:?set a free port}" "${PORTAL_PORT:?set a free port}"
export PORTAL_DB_PORT PORTAL_REDIS_PORT PORTAL_PORT
cd "$dir"
start=$(date +%s.%N)
setsid make run >"$log" 2>&1 &
pid=$!
status=timeout
for _ in $(seq 1 6000); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORTAL_PORT/" || true)
  if [ "$code" = 200 ]; then status=serving; break; fi
  if ! kill -0 "$pid" 2>/dev/null; then status=exited; break; fi
  sleep 0.2
done
end=$(date +%s.%N)
echo "make run: $status after $(echo "$end - $start" | bc) s (load: $(uptime | sed 's/.*load average: //'))"
sleep 3
kill -INT -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null
sleep 8; kill -KILL -- -"$pid" 2>/dev/null
true
