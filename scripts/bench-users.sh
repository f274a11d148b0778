#!/usr/bin/env bash
# Users benchmarks at 100,000 users on 127.0.0.1 (see BENCHMARKS.md, issue
# 15): seeds 100,000 users with 2,000 groups 8 deep and 100,000
# memberships, then runs wrk (2 threads, 8 connections, DURATION each)
# against the HTML user list (search "Anna Kowalczyk" as a whole page and
# as the htmx results, the first page without a search), the user form
# (new and edit), one user by id over the API, and API creates with a
# password; then a 30 s sign-in flood at 16 connections with the list
# loaded beside it, reporting the server's peak RSS; then, with IMPORT=1,
# "kadra import" of 100,000 invited users with groups and of 100,000 plain
# inactive users with new extensions, each into a fresh copy of the seeded
# file. Stops by itself; needs wrk and curl. PROFILE=DIR also writes a CPU
# profile of each import there. ONLY=flood seeds and runs the flood alone;
# SERVE_FLAGS are added to both "kadra serve" (e.g. --memory-limit 128MiB);
# SEEDED=FILE starts from a copy of a file this script seeded before (its
# seeded.db, after the 32 passwords) instead of seeding again.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'for p in ${pid:-} ${pid2:-}; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
port=${PORT:-18182}
duration=${DURATION:-10s}
users=${USERS:-100000}
kadra=${KADRA:-}

if [ -z "$kadra" ]; then
  go build -trimpath -ldflags "-s -w" -o "$work/kadra" .
  kadra="$work/kadra"
fi
if [ -n "${SEEDED:-}" ]; then
  cp "$SEEDED" "$work/k.db"
else
"$kadra" init --db "$work/k.db" --account Bench --owner-email bench@example.pl \
  --owner-password 'Zorza-Lipa-93!' >/dev/null
start=$(date +%s%N)
"$kadra" dev seed --db "$work/k.db" --users "$users" --groups 2000 --depth 8 --memberships 100000
echo "seed: $(( ($(date +%s%N) - start) / 1000000 )) ms"
for i in $(seq 1 32); do
  "$kadra" user reset-password --db "$work/k.db" "synthetic-1-$i@example.invalid" --password 'Zorza-Lipa-93!' >/dev/null
done
fi
cp "$work/k.db" "$work/seeded.db"
token=$("$kadra" token create --db "$work/k.db" --user bench@example.pl --name bench)

"$kadra" serve --db "$work/k.db" --addr 127.0.0.1:$port --log-level error ${SERVE_FLAGS:-} >"$work/log" 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.01; done
base="http://127.0.0.1:$port"

# A signed-in browser session for the HTML pages.
curl -fs -c "$work/jar" -b "$work/jar" "$base/login" >"$work/login.html"
csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$work/login.html" | head -1 | sed 's/.*value="//; s/"$//')
curl -fs -c "$work/jar" -b "$work/jar" -o /dev/null \
  --data-urlencode "_csrf=$csrf" --data-urlencode "email=bench@example.pl" --data-urlencode "password=Zorza-Lipa-93!" \
  "$base/login"
cookies=$(awk '$6 ~ /^kadra_/ {printf "%s=%s; ", $6, $7}' "$work/jar")

report='done = function(s, lat, req)
  io.write(string.format("  %d requests in %.1f s = %.0f/s, p50 %.2f ms, p99 %.2f ms, errors %d\n",
    s.requests, s.duration / 1e6, s.requests / (s.duration / 1e6),
    lat:percentile(50) / 1000, lat:percentile(99) / 1000, s.errors.status + s.errors.connect + s.errors.timeout))
end'
cat >"$work/page.lua" <<LUA
wrk.headers["Cookie"] = "$cookies"
$report
LUA
cat >"$work/results.lua" <<LUA
wrk.headers["Cookie"] = "$cookies"
wrk.headers["HX-Request"] = "true"
wrk.headers["HX-Target"] = "results"
$report
LUA
size() { curl -fs -o /dev/null -w '%{size_download}' -H "Cookie: $cookies" "$@"; }
page() { # title, path[, lua]
  echo "$1 ($(size "$base$2" | awk '{printf "%.1f KB", $1/1000}')):"
  wrk -t2 -c8 -d"$duration" -s "$work/${3:-page}.lua" "$base$2" | tail -1
}

if [ "${ONLY:-}" != flood ]; then
matches=$(curl -fs -H "Authorization: Bearer $token" "$base/api/v1/users?q=Anna%20Kowalczyk&per_page=1" | grep -o '"total":[0-9]*')
page "HTML user list, search \"Anna Kowalczyk\" ($matches), 50 rows, whole page" "/users?q=Anna+Kowalczyk"
echo "The same search as typed (htmx: the results only, $(size -H 'HX-Request: true' -H 'HX-Target: results' "$base/users?q=Anna+Kowalczyk" | awk '{printf "%.1f KB", $1/1000}')):"
wrk -t2 -c8 -d"$duration" -s "$work/results.lua" "$base/users?q=Anna+Kowalczyk" | tail -1
page "HTML user list, first page, no search" "/users"
page "New user form" "/users/new"
page "Edit user form" "/users/5000/edit"

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
wrk -t2 -c8 -d"$duration" -s "$work/get.lua" "$base" | tail -1

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
  local body = string.format('{"email":"load-%d-%d@example.pl","full_name":"Load %d","password":"Zorza-Lipa-93!",' ..
    '"role_id":2,"position_id":2,"extension":"%d"}', tid, counter, counter, ext)
  return wrk.format("POST", "/api/v1/users", {["Authorization"] = "Bearer $token",
    ["Content-Type"] = "application/json"}, body)
end
$report
LUA
wrk -t2 -c8 -d"$duration" --timeout 10s -s "$work/create.lua" "$base" | tail -1
echo "peak RSS of the server so far: $(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' /proc/$pid/status)"
fi

# Peak RSS under a sign-in flood plus list load, on a fresh server.
kill "$pid"; wait "$pid" 2>/dev/null || true
"$kadra" serve --db "$work/k.db" --addr 127.0.0.1:$port --log-level error ${SERVE_FLAGS:-} >"$work/log" 2>&1 &
pid=$!
until curl -fs "$base/healthz" >/dev/null 2>&1; do sleep 0.01; done
echo "RSS of the fresh server: $(awk '/VmRSS/ {printf "%.1f MB", $2/1024}' /proc/$pid/status)"
curl -fs -c "$work/jar2" "$base/login" >"$work/login2.html"
csrf2=$(grep -o 'name="_csrf" value="[^"]*"' "$work/login2.html" | head -1 | sed 's/.*value="//; s/"$//')
cookie2=$(awk '$6 == "kadra_csrf" {print $6 "=" $7}' "$work/jar2")
curl -fs -c "$work/jar3" -b "$work/jar3" "$base/login" >"$work/login.html"
csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$work/login.html" | head -1 | sed 's/.*value="//; s/"$//')
curl -fs -c "$work/jar3" -b "$work/jar3" -o /dev/null \
  --data-urlencode "_csrf=$csrf" --data-urlencode "email=bench@example.pl" --data-urlencode "password=Zorza-Lipa-93!" \
  "$base/login"
cookies=$(awk '$6 ~ /^kadra_/ {printf "%s=%s; ", $6, $7}' "$work/jar3")
cat >"$work/page.lua" <<LUA
wrk.headers["Cookie"] = "$cookies"
local n = 0
request = function()
  n = n + 1
  if n % 2 == 0 then return wrk.format("GET", "/users?q=Anna+Kowalczyk") end
  return wrk.format("GET", "/users?page=" .. (n % 40 + 1))
end
$report
LUA
cat >"$work/login.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "$cookie2"
local threads, n = 0, 0
setup = function(thread)
  thread:set("first", threads * 16)
  threads = threads + 1
end
request = function()
  n = n % 16 + 1
  return wrk.format(nil, nil, nil, "_csrf=$csrf2&email=synthetic-1-" .. (first + n) ..
    "%40example.invalid&password=Zorza-Lipa-93%21")
end
$report
LUA
echo "30 s sign-in flood at 16 connections with the list loaded at 4 connections beside it:"
wrk -t2 -c4 -d30s --timeout 10s -s "$work/page.lua" "$base" | tail -1 >"$work/flood-list.txt" &
pid2=$!
# The peak of the anonymous part of the RSS (the heaps, Go's and SQLite's),
# sampled every 0.1 s: VmHWM also counts the executable's mapped pages.
( peak=0; while kill -0 "$pid2" 2>/dev/null; do
    a=$(awk '/RssAnon/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)
    [ "${a:-0}" -gt "$peak" ] && peak=$a
    sleep 0.1
  done; echo "$peak" >"$work/anon-peak.txt" ) &
pid3=$!
echo "  sign-ins:$(wrk -t2 -c16 -d30s --timeout 10s -s "$work/login.lua" "$base/login" | tail -1)"
wait "$pid2" || true
echo "  list:$(cat "$work/flood-list.txt")"
wait "$pid3" || true
echo "peak RSS of the server: $(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' /proc/$pid/status) (anonymous part at most $(awk '{printf "%.1f MB", $1/1024}' "$work/anon-peak.txt"); the executable's pages now $(awk '/RssFile/ {printf "%.1f MB", $2/1024}' /proc/$pid/status))"
kill "$pid"; wait "$pid" 2>/dev/null || true

if [ "${IMPORT:-0}" = 1 ]; then
  {
    echo "email,full_name,role,position,groups,extension,send_invite"
    for i in $(seq 1 "$users"); do
      echo "inv$i@example.pl,Invited $i,Staff member,Synthetic position $((i % 20 + 1)),Synthetic group 1,$((600000 + i)),true"
    done
  } >"$work/invited.csv"
  {
    echo "email,full_name,role,position,extension"
    for i in $(seq 1 "$users"); do
      echo "plain$i@example.pl,Plain $i,Staff member,Synthetic position 1,$((800000 + i))"
    done
  } >"$work/plain.csv"
  for kind in invited plain; do
    cp "$work/seeded.db" "$work/i.db"
    start=$(date +%s%N)
    if ! "$kadra" import --db "$work/i.db" "$work/$kind.csv" >"$work/$kind.out"; then
      echo "import $kind: refused rows:"; grep -v 'created$' "$work/$kind.out" | head -5
    fi
    echo "kadra import, $users $kind rows: $(( ($(date +%s%N) - start) / 1000000 )) ms; $(tail -2 "$work/$kind.out" | head -1)"
  done
fi
