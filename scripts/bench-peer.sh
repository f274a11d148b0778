#!/usr/bin/env bash
# kadra and PocketBase side by side on PocketBase's own workload (issue 15):
# builds PocketBase from the module proxy (github.com/pocketbase/pocketbase,
# examples/base, CGO_ENABLED=0) into a temporary folder, gives both 5,000
# users (kadra: "kadra dev seed"; PocketBase: the same names and e-mails
# copied into its users table with one password hash), then runs with wrk
# on 127.0.0.1, DURATION each (default 10 s): creates with a password at
# concurrency 1 and 8, a filtered 50-row list, one user by id, password
# sign-ins (8 connections, one user each) and the health check at 32
# connections; prints both columns, the ratio kadra / PocketBase, and each
# server's peak RSS. A benchmark, not a test: not in .ci/run. Needs go,
# wrk, curl, sqlite3 and python3. PB_VERSION picks the PocketBase release
# (v0.36.8 is the newest that builds with Go 1.26).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'for p in ${kpid:-} ${ppid_:-}; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
duration=${DURATION:-10s}
users=${USERS:-5000}
pbv=${PB_VERSION:-v0.36.8}
kport=${KPORT:-18183}
pport=${PPORT:-18290}
pw='Zorza-Lipa-93!'

echo "building kadra and PocketBase $pbv ..." >&2
go build -trimpath -ldflags "-s -w" -o "$work/kadra" .
mkdir "$work/pbsrc"
(cd "$work/pbsrc" && go mod init peer >/dev/null 2>&1 &&
  GOFLAGS=-mod=mod go get "github.com/pocketbase/pocketbase/examples/base@$pbv" >/dev/null 2>&1 &&
  CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/pocketbase" github.com/pocketbase/pocketbase/examples/base)

# kadra: 5,000 users, 16 of them with a password for the sign-ins.
k="$work/kadra"
"$k" init --db "$work/k.db" --account Bench --owner-email bench@example.pl --owner-password "$pw" >/dev/null
"$k" dev seed --db "$work/k.db" --users "$users" --groups 20 --depth 3 --memberships "$users" >/dev/null
for i in $(seq 1 16); do
  "$k" user reset-password --db "$work/k.db" "synthetic-1-$i@example.invalid" --password "$pw" >/dev/null
done
ktoken=$("$k" token create --db "$work/k.db" --user bench@example.pl --name bench)

# PocketBase: a superuser, one user made through the API for its password
# hash, then the kadra users' names and e-mails with that hash.
p="$work/pocketbase"
pdir="$work/pb_data"
"$p" superuser upsert admin@example.pl "$pw" --dir "$pdir" >/dev/null
"$p" serve --http "127.0.0.1:$pport" --dir "$pdir" >"$work/pb.log" 2>&1 &
ppid_=$!
until curl -fs "http://127.0.0.1:$pport/api/health" >/dev/null 2>&1; do sleep 0.05; done
ptoken=$(curl -fs -X POST -H 'Content-Type: application/json' \
  -d "{\"identity\":\"admin@example.pl\",\"password\":\"$pw\"}" \
  "http://127.0.0.1:$pport/api/collections/_superusers/auth-with-password" |
  python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])')
curl -fs -o /dev/null -X POST -H "Authorization: $ptoken" -H 'Content-Type: application/json' \
  -d "{\"email\":\"hash@example.pl\",\"password\":\"$pw\",\"passwordConfirm\":\"$pw\",\"name\":\"Hash\"}" \
  "http://127.0.0.1:$pport/api/collections/users/records"
kill "$ppid_"; wait "$ppid_" 2>/dev/null || true
sqlite3 "$pdir/data.db" <<SQL
ATTACH '$work/k.db' AS k;
INSERT INTO users (id, email, name, password, tokenKey, created, updated, verified)
SELECT printf('u%014d', u.id), u.email, u.full_name, (SELECT password FROM users WHERE email = 'hash@example.pl'),
       lower(hex(randomblob(25))), strftime('%Y-%m-%d %H:%M:%fZ'), strftime('%Y-%m-%d %H:%M:%fZ'), 1
FROM k.users u WHERE u.email LIKE 'synthetic-%';
SQL

report='done = function(s, lat, req)
  io.write(string.format("%.1f %.2f %.2f %d\n", s.requests / (s.duration / 1e6),
    lat:percentile(50) / 1000, lat:percentile(99) / 1000, s.errors.status + s.errors.connect + s.errors.timeout))
end'
# create.lua: POST a new user with a password (body made by the server's
# own format); list, get, login, health likewise.
lua() { # name, body of request()
  cat >"$work/$1.lua" <<LUA
local threads = {}
setup = function(thread) thread:set("tid", #threads + 1); table.insert(threads, thread) end
init = function() n = 0 end
request = function()
  n = n + 1
$2
end
$report
LUA
}
lua kcreate "  return wrk.format('POST', '/api/v1/users', {['Authorization'] = 'Bearer $ktoken', ['Content-Type'] = 'application/json'},
    string.format('{\"email\":\"c-%d-%d-%d@example.pl\",\"full_name\":\"Load %d\",\"password\":\"$pw\",\"role_id\":2,\"position_id\":2,\"extension\":\"%d\"}',
      run, tid, n, n, run * 200000 + tid * 50000 + n))"
lua pcreate "  return wrk.format('POST', '/api/collections/users/records', {['Authorization'] = '$ptoken', ['Content-Type'] = 'application/json'},
    string.format('{\"email\":\"c-%d-%d-%d@example.pl\",\"name\":\"Load %d\",\"password\":\"$pw\",\"passwordConfirm\":\"$pw\"}', run, tid, n, n))"
lua klist "  return wrk.format('GET', '/api/v1/users?q=Anna&per_page=50', {['Authorization'] = 'Bearer $ktoken'})"
lua plist "  return wrk.format('GET', '/api/collections/users/records?perPage=50&filter=' .. \"(name~'Anna'%7C%7Cemail~'Anna')\", {['Authorization'] = '$ptoken'})"
lua kget "  return wrk.format('GET', '/api/v1/users/' .. (2 + (tid * 7919 + n) % $users), {['Authorization'] = 'Bearer $ktoken'})"
lua pget "  return wrk.format('GET', string.format('/api/collections/users/records/u%014d', 2 + (tid * 7919 + n) % $users), {['Authorization'] = '$ptoken'})"
lua klogin "  return wrk.format('POST', '/login', {['Content-Type'] = 'application/x-www-form-urlencoded', ['Cookie'] = cookie},
    '_csrf=' .. csrf .. '&email=synthetic-1-' .. ((tid - 1) * 8 + n % 8 + 1) .. '%40example.invalid&password=Zorza-Lipa-93%21')"
lua plogin "  return wrk.format('POST', '/api/collections/users/auth-with-password', {['Content-Type'] = 'application/json'},
    '{\"identity\":\"synthetic-1-' .. ((tid - 1) * 8 + n % 8 + 1) .. '@example.invalid\",\"password\":\"$pw\"}')"
lua khealth "  return wrk.format('GET', '/healthz')"
lua phealth "  return wrk.format('GET', '/api/health')"

"$k" serve --db "$work/k.db" --addr "127.0.0.1:$kport" --log-level error >"$work/k.log" 2>&1 &
kpid=$!
"$p" serve --http "127.0.0.1:$pport" --dir "$pdir" >"$work/pb.log" 2>&1 &
ppid_=$!
until curl -fs "http://127.0.0.1:$kport/healthz" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$pport/api/health" >/dev/null 2>&1; do sleep 0.05; done
curl -fs -c "$work/jar" "http://127.0.0.1:$kport/login" >"$work/login.html"
csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$work/login.html" | head -1 | sed 's/.*value="//; s/"$//')
cookie=$(awk '$6 == "kadra_csrf" {print $6 "=" $7}' "$work/jar")
sed -i "1i csrf = '$csrf'; cookie = '$cookie'" "$work/klogin.lua"

run=0
measure() { # server, script, connections, threads
  run=$((run + 1))
  sed -i "1{/^run = /d}" "$work/$2.lua"; sed -i "1i run = $run" "$work/$2.lua"
  local base=$kport; [ "$1" = p ] && base=$pport
  wrk -t"$4" -c"$3" -d"$duration" --timeout 10s -s "$work/$2.lua" "http://127.0.0.1:$base" | tail -1
}
printf "%-40s %14s %14s %8s\n" "measure ($users users, wrk $duration each)" "kadra /s" "PocketBase /s" "ratio"
row() { # title, kadra script, pb script, connections, threads
  local kr pr
  kr=$(measure k "$2" "$4" "$5"); pr=$(measure p "$3" "$4" "$5")
  set -- "$1" $kr $pr
  printf "%-40s %14s %14s %8s   p99 %s ms vs %s ms; errors %s / %s\n" "$1" "$2" "$6" \
    "$(awk -v a="$2" -v b="$6" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')" "$4" "$8" "$5" "$9"
}
row "creates with a password, c=1" kcreate pcreate 1 1
row "creates with a password, c=8" kcreate pcreate 8 2
row "filtered list, 50 rows (\"Anna\")" klist plist 8 2
row "one user by id" kget pget 8 2
row "password sign-ins, c=8 (8 users)" klogin plogin 8 2
row "health, c=32" khealth phealth 32 2
printf "%-40s %14s %14s\n" "peak RSS" "$(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' /proc/$kpid/status)" \
  "$(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' /proc/$ppid_/status)"
