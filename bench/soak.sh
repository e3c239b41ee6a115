#!/usr/bin/env bash
# Soak test of mosaic-api: a mixed read/write load at a fixed rate for a
# fixed time, reported in ten slices so that drift shows.
#
#   bench/soak.sh [minutes, default 10] [requests/s, default 200] [sqlite|postgres, default sqlite]
#
# MOSAIC_SOAK_PROFILE=debug uses the debug build (quick to try the script;
# figures are only meaningful with the default release build).
#
# The load: wrk, 2 threads, 16 connections, each connection waiting
# 16/rate s before each request (wrk's `delay()`: a think time, so the rate
# reached is the target less what the answers themselves take; wrk2/oha
# would pace open-loop): 70 % get a story, 20 % list a legacy's stories,
# 10 % create a story. Per slice it reports requests/s, errors
# (socket errors and non-2xx answers), p50 and p99; at the start and the
# end the server's RSS and open file descriptors, with their growth.
# Bounded: it stops after the given minutes and stops everything it
# started. Exits non-zero when there was any error. Not part of scripts/test.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
rate=${2:-200}
backend=${3:-sqlite}
profile=${MOSAIC_SOAK_PROFILE:-release}
connections=16
slices=10

# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
apt_install wrk curl

step "$profile build of mosaic-api"
case "$profile" in
  release) binary=$(cargo_executable mosaic-api --release -p mosaic-api --bin mosaic-api) ;;
  debug) binary=$(cargo_executable mosaic-api --all-features -p mosaic-api --bin mosaic-api) ;;
  *) echo "MOSAIC_SOAK_PROFILE must be release or debug" >&2; exit 2 ;;
esac

data_dir="$MOSAIC_TEST_RUN_DIR/data"
mkdir -p "$data_dir"
case "$backend" in
  sqlite) database_url="sqlite://$data_dir/mosaic.db" ;;
  postgres)
    # shellcheck source=scripts/test.d/10-postgres.sh
    source scripts/test.d/10-postgres.sh
    _pg_as_postgres /usr/lib/postgresql/15/bin/psql -h 127.0.0.1 -p "$_pg_port" -U postgres -qc 'CREATE DATABASE mosaic_soak'
    database_url="${MOSAIC_TEST_POSTGRES_URL%/*}/mosaic_soak"
    ;;
  *) echo "backend must be sqlite or postgres" >&2; exit 2 ;;
esac

step "starting mosaic-api ($backend)"
port=$(free_port)
base="http://127.0.0.1:$port"
MOSAIC_DATABASE_URL="$database_url" MOSAIC_DATA_DIR="$data_dir" MOSAIC_BIND="127.0.0.1:$port" \
  MOSAIC_PUBLIC_URL="$base" MOSAIC_LOG=warn MOSAIC_LOG_FORMAT=text \
  MOSAIC_STORIES_PER_MINUTE=100000000 MOSAIC_WEB_DIR="$data_dir/no-web" \
  "$binary" >"$MOSAIC_TEST_RUN_DIR/server.log" 2>&1 &
server_pid=$!
on_exit "kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null"
wait_for_port "$port" 60 || { cat "$MOSAIC_TEST_RUN_DIR/server.log" >&2; exit 1; }
link=""
for _ in $(seq 1 100); do
  link=$(grep -o 'http://[^ ]*/sign-in?token=[A-Za-z0-9_-]*' "$MOSAIC_TEST_RUN_DIR/server.log" | head -1 || true)
  [ -n "$link" ] && break
  sleep 0.1
done
[ -n "$link" ] || { echo "no first sign-in link" >&2; cat "$MOSAIC_TEST_RUN_DIR/server.log" >&2; exit 1; }
cookie=$(sign_in_cookie "$link")
api() { # method path [json]
  curl -sf -X "$1" "$base$2" -H "Cookie: $cookie" -H "Origin: $base" \
    -H 'Content-Type: application/json' ${3:+--data "$3"}
}
legacy=$(api POST /api/legacies '{"name":"Jane Doe","birth_date":"1950-01-01","death_date":"2024-01-01"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
story_body="{\"legacy_id\":\"$legacy\",\"title\":\"Soak memory\",\"content\":\"She loved gardening, and the roses by the gate were hers.\",\"visibility\":\"private\"}"
story=$(api POST /api/stories "$story_body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

delay_ms=$(( connections * 1000 / rate ))
cat >"$MOSAIC_TEST_RUN_DIR/mix.lua" <<LUA
local n = 0
function delay() return $delay_ms end
function request()
  n = n + 1
  local headers = { ["Cookie"] = "$cookie", ["Origin"] = "$base" }
  local pick = n % 10
  if pick == 0 then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/stories", headers, '$story_body')
  elseif pick <= 2 then
    return wrk.format("GET", "/api/stories?legacy_id=$legacy", headers)
  else
    return wrk.format("GET", "/api/stories/$story", headers)
  end
end
LUA

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
fds() { find "/proc/$server_pid/fd" -mindepth 1 -maxdepth 1 | wc -l; }
slice_seconds=$(( minutes * 60 / slices ))
[ "$slice_seconds" -ge 1 ] || slice_seconds=1

# A short warm-up, so that the pools and caches are filled before the
# start figures are taken.
wrk -t2 -c"$connections" -d5s -s "$MOSAIC_TEST_RUN_DIR/mix.lua" "$base" >/dev/null
rss_start=$(rss_kb); fds_start=$(fds)

step "soak: $minutes min at $rate req/s ($connections connections), $slices slices of $slice_seconds s"
rows=()
total_errors=0
for slice in $(seq 1 "$slices"); do
  out=$(wrk -t2 -c"$connections" -d"${slice_seconds}s" --latency -s "$MOSAIC_TEST_RUN_DIR/mix.lua" "$base")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  socket=$(awk -F'[ ,]+' '/Socket errors/ {print $4+$6+$8+$10}' <<<"$out")
  errors=$(( ${non2xx:-0} + ${socket:-0} ))
  total_errors=$(( total_errors + errors ))
  rows+=("| $slice | $((slice * slice_seconds)) s | $rps | $errors | $p50 | $p99 | $(( $(rss_kb) / 1024 )) MB | $(fds) |")
done
rss_end=$(rss_kb); fds_end=$(fds)

step "results ($backend, $profile build)"
echo "| slice | at | req/s | errors | p50 | p99 | RSS | fds |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
growth() { python3 -c "print(f'{($2 - $1) * 100 / $1:+.1f} %')"; }
echo "RSS: $((rss_start / 1024)) MB at the start, $((rss_end / 1024)) MB at the end ($(growth "$rss_start" "$rss_end"))"
echo "open fds: $fds_start at the start, $fds_end at the end ($(growth "$fds_start" "$fds_end"))"
echo "errors: $total_errors"
[ "$total_errors" -eq 0 ]
