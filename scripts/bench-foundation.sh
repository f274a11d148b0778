#!/usr/bin/env bash
# Foundation benchmarks on 127.0.0.1 (see BENCHMARKS.md): stripped binary
# size, start time to the first 200 on /healthz, idle RSS, and sign-ins per
# second at concurrency 8 with wrk. Stops by itself; needs wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
port=${PORT:-18181}
duration=${DURATION:-10s}

go build -trimpath -ldflags "-s -w" -o "$work/kadra" .
echo "binary (stripped): $(stat -c %s "$work/kadra" | awk '{printf "%.1f MB", $1/1048576}')"

"$work/kadra" init --db "$work/k.db" --account Bench --owner-email bench@example.pl \
  --owner-password 'Bench-pass1!' >/dev/null
# Sixteen users to sign in, eight per wrk thread: attempts in flight count
# against their address's limits (R-SEC-3), so eight at once for one
# address would be refused by design.
"$work/kadra" dev seed --db "$work/k.db" --users 16 --groups 1 --depth 1 --positions 1 \
  --memberships 0 >/dev/null
for i in $(seq 1 16); do
  "$work/kadra" user reset-password --db "$work/k.db" "synthetic-1-$i@example.invalid" \
    --password 'Bench-pass1!' >/dev/null
done

start=$(date +%s%N)
"$work/kadra" serve --db "$work/k.db" --addr 127.0.0.1:$port --log-level error >"$work/log" 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.002; done
end=$(date +%s%N)
echo "start to first 200 on /healthz: $(( (end - start) / 1000000 )) ms"
sleep 2
echo "idle RSS: $(awk '/VmRSS/ {printf "%.1f MB", $2/1024}' /proc/$pid/status)"

# One CSRF cookie and its token, reused by every request of the load.
curl -fs -c "$work/jar" "http://127.0.0.1:$port/login" >"$work/login.html"
token=$(grep -o 'name="_csrf" value="[^"]*"' "$work/login.html" | head -1 | sed 's/.*value="//; s/"$//')
cookie=$(awk '$6 == "kadra_csrf" {print $6 "=" $7}' "$work/jar")
cat >"$work/login.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "$cookie"
local threads, n = 0, 0
setup = function(thread)
  thread:set("first", threads * 8) -- a global of the thread's own script
  threads = threads + 1
end
request = function()
  n = n % 8 + 1
  return wrk.format(nil, nil, nil, "_csrf=$token&email=synthetic-1-" .. (first + n) ..
    "%40example.invalid&password=Bench-pass1%21")
end
done = function(summary, latency, requests)
  io.write(string.format("sign-ins: %d in %.1f s = %.1f/s, p50 %.1f ms, p99 %.1f ms, non-303: %d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status))
end
LUA
wrk -t2 -c8 -d"$duration" -s "$work/login.lua" "http://127.0.0.1:$port/login" | tail -1
echo "RSS after the load: $(awk '/VmRSS/ {printf "%.1f MB", $2/1024}' /proc/$pid/status)"
