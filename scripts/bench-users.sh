#!/usr/bin/env bash
# Users benchmarks at 100,000 users on 127.0.0.1 (see BENCHMARKS.md): the
# HTML user list filtered by a search term, one user by id over the API,
# and creating users with passwords over the API, each at concurrency 8
# with wrk; the peak RSS of the server. Stops by itself; needs wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
port=${PORT:-18182}
duration=${DURATION:-10s}
users=${USERS:-100000}

go build -trimpath -ldflags "-s -w" -o "$work/kadra" .
"$work/kadra" init --db "$work/k.db" --account Bench --owner-email bench@example.pl \
  --owner-password 'Bench-pass1!' >/dev/null
start=$(date +%s%N)
"$work/kadra" dev seed --db "$work/k.db" --users "$users" --groups 2000 --depth 8 --memberships 100000
echo "seed: $(( ($(date +%s%N) - start) / 1000000 )) ms"
token=$("$work/kadra" token create --db "$work/k.db" --user bench@example.pl --name bench)

"$work/kadra" serve --db "$work/k.db" --addr 127.0.0.1:$port --log-level error >"$work/log" 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.01; done

# A signed-in browser session for the HTML list.
curl -fs -c "$work/jar" -b "$work/jar" "http://127.0.0.1:$port/login" >"$work/login.html"
csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$work/login.html" | head -1 | sed 's/.*value="//; s/"$//')
curl -fs -c "$work/jar" -b "$work/jar" -o /dev/null \
  --data-urlencode "_csrf=$csrf" --data-urlencode "email=bench@example.pl" --data-urlencode "password=Bench-pass1!" \
  "http://127.0.0.1:$port/login"
cookies=$(awk '$6 ~ /^kadra_/ {printf "%s=%s; ", $6, $7}' "$work/jar")

report='done = function(s, lat, req)
  io.write(string.format("  %d requests in %.1f s = %.0f/s, p50 %.2f ms, p99 %.2f ms, errors %d\n",
    s.requests, s.duration / 1e6, s.requests / (s.duration / 1e6),
    lat:percentile(50) / 1000, lat:percentile(99) / 1000, s.errors.status + s.errors.connect + s.errors.timeout))
end'

term="Anna Kowalczyk"
matches=$(curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/users?q=Anna%20Kowalczyk&per_page=1" | grep -o '"total":[0-9]*')
echo "HTML user list, search \"$term\" ($matches), 50 rows:"
cat >"$work/list.lua" <<LUA
wrk.headers["Cookie"] = "$cookies"
$report
LUA
wrk -t2 -c8 -d"$duration" -s "$work/list.lua" "http://127.0.0.1:$port/users?q=Anna+Kowalczyk" | tail -1

echo "The same search as typed (htmx: the results only):"
cat >"$work/results.lua" <<LUA
wrk.headers["Cookie"] = "$cookies"
wrk.headers["HX-Request"] = "true"
wrk.headers["HX-Target"] = "results"
$report
LUA
wrk -t2 -c8 -d"$duration" -s "$work/results.lua" "http://127.0.0.1:$port/users?q=Anna+Kowalczyk" | tail -1

echo "API: one user by id:"
cat >"$work/get.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/v1/users/" .. (2 + counter % $users))
end
$report
LUA
wrk -t2 -c8 -d"$duration" -s "$work/get.lua" "http://127.0.0.1:$port" | tail -1

echo "API: create users with a password (one hash each):"
cat >"$work/create.lua" <<LUA
local threads = {}
setup = function(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
init = function() counter = 0 end
request = function()
  counter = counter + 1
  local ext = tid * 100000 + counter
  local body = string.format('{"email":"load-%d-%d@example.pl","full_name":"Load %d","password":"Load-pass1!",' ..
    '"password_confirm":"Load-pass1!","role_id":2,"position_id":2,"extension":"%d"}', tid, counter, counter, ext)
  return wrk.format("POST", "/api/v1/users", {["Authorization"] = "Bearer $token",
    ["Content-Type"] = "application/json"}, body)
end
$report
LUA
wrk -t2 -c8 -d"$duration" -s "$work/create.lua" "http://127.0.0.1:$port" | tail -1
echo "peak RSS of the server: $(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' /proc/$pid/status)"
