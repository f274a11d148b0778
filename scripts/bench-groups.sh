#!/usr/bin/env bash
# Roles and groups benchmarks on 127.0.0.1 (see BENCHMARKS.md): 100,000
# users, 2,000 groups 8 levels deep and 100,000 memberships seeded with
# `kadra dev seed`; then wrk at concurrency 8 against the groups page, one
# subtree, the API's whole tree, one position's members and the role list.
# Stops by itself; needs wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
port=${PORT:-18183}
duration=${DURATION:-10s}

go build -trimpath -ldflags "-s -w" -o "$work/kadra" .
"$work/kadra" init --db "$work/k.db" --account Bench --owner-email bench@example.pl \
  --owner-password 'Bench-pass1!' >/dev/null
"$work/kadra" dev seed --db "$work/k.db" --users 100000 --groups 2000 --depth 8 --memberships 100000 >/dev/null
token=$("$work/kadra" token create --db "$work/k.db" --user bench@example.pl --name bench)

"$work/kadra" serve --db "$work/k.db" --addr 127.0.0.1:$port --log-level error >"$work/log" 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.01; done

curl -fs -c "$work/jar" -b "$work/jar" "http://127.0.0.1:$port/login" >"$work/login.html"
csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$work/login.html" | head -1 | sed 's/.*value="//; s/"$//')
curl -fs -c "$work/jar" -b "$work/jar" -o /dev/null \
  --data-urlencode "_csrf=$csrf" --data-urlencode "email=bench@example.pl" --data-urlencode "password=Bench-pass1!" \
  "http://127.0.0.1:$port/login"
cookies=$(awk '$6 ~ /^kadra_/ {printf "%s=%s; ", $6, $7}' "$work/jar")

# The first top-level synthetic group and the first synthetic position.
tree=$(curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/groups")
top=$(echo "$tree" | grep -o '"id":[0-9]*,"account_id":[0-9]*,"parent_id":0,"name":"Synthetic group 1"' | grep -o '^"id":[0-9]*' | cut -d: -f2)
pos=$(echo "$tree" | grep -o '"id":[0-9]*,"account_id":[0-9]*,"parent_id":[0-9]*,"name":"Synthetic position 1"' | grep -o '^"id":[0-9]*' | cut -d: -f2)

report='done = function(s, lat, req)
  io.write(string.format("  %d requests in %.1f s = %.0f/s, p50 %.2f ms, p99 %.2f ms, errors %d\n",
    s.requests, s.duration / 1e6, s.requests / (s.duration / 1e6),
    lat:percentile(50) / 1000, lat:percentile(99) / 1000, s.errors.status + s.errors.connect + s.errors.timeout))
end'
cat >"$work/page.lua" <<LUA
wrk.headers["Cookie"] = "$cookies"
$report
LUA
cat >"$work/api.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
$report
LUA
run() { echo "$1:"; wrk -t2 -c8 -d"$duration" -s "$work/$2" "http://127.0.0.1:$port$3" | tail -1; }
run "HTML groups page (upper levels of 2,000 groups, every count)" page.lua /groups
run "HTML subtree of Synthetic group 1" page.lua "/groups?under=$top"
run "HTML groups page filtered by name" page.lua "/groups?q=group+1999"
run "HTML members of a position (5,000), first page" page.lua "/groups/$pos"
run "HTML role list" page.lua /roles
run "API whole tree with counts (2,042 groups)" api.lua /api/v1/groups
echo "peak RSS of the server: $(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' /proc/$pid/status)"
