#!/usr/bin/env bash
# HTTP benchmark of mosaic-api (release build) over the seeded family
# dataset (10,000 users, 1,000 legacies, 100,000 stories), driven by wrk
# from the same machine, everything on 127.0.0.1.
#
#   bench/http/run.sh sqlite|postgres [seconds per scenario, default 15] [connections, default 32]
#
# Reports, per scenario, requests/s and p50/p99 latency, plus the time from
# process start to a ready server (migrations already applied) and the
# server's peak RSS. Bounded: four scenarios of fixed duration, then it stops
# the server (and the throwaway Postgres cluster it started).
set -euo pipefail
cd "$(dirname "$0")/../.."
backend=${1:?usage: bench/http/run.sh sqlite|postgres [seconds] [connections]}
seconds=${2:-15}
connections=${3:-32}

# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
apt_install wrk curl

step "release build of mosaic-api and the fixture tool"
cargo build --release --quiet -p mosaic-api --bin mosaic-api
cargo build --release --quiet -p mosaic-bench --bin http_fixture

data_dir="$MOSAIC_TEST_RUN_DIR/data"
mkdir -p "$data_dir"
case "$backend" in
  sqlite) database_url="sqlite://$data_dir/mosaic.db" ;;
  postgres)
    # shellcheck source=scripts/test.d/10-postgres.sh
    source scripts/test.d/10-postgres.sh
    _pg_as_postgres /usr/lib/postgresql/15/bin/psql -h 127.0.0.1 -p "$_pg_port" -U postgres -qc 'CREATE DATABASE mosaic_bench'
    database_url="${MOSAIC_TEST_POSTGRES_URL%/*}/mosaic_bench"
    ;;
  *) echo "backend must be sqlite or postgres" >&2; exit 2 ;;
esac

step "seeding ($backend)"
fixture="$MOSAIC_TEST_RUN_DIR/fixture.json"
target/release/http_fixture --database-url "$database_url" --data-dir "$data_dir" --out "$fixture"
field() { python3 -c "import json,sys; print(json.load(open('$fixture'))['$1'])"; }
legacy=$(field legacy_id); story=$(field story_id); surname=$(field surname)
member_cookie=$(field member_cookie); editor_cookie=$(field editor_cookie)

step "starting mosaic-api"
port=$(free_port)
base="http://127.0.0.1:$port"
started_ns=$(date +%s%N)
MOSAIC_DATABASE_URL="$database_url" MOSAIC_DATA_DIR="$data_dir" MOSAIC_BIND="127.0.0.1:$port" \
  MOSAIC_PUBLIC_URL="$base" MOSAIC_LOG=warn MOSAIC_STORIES_PER_MINUTE=100000000 \
  target/release/mosaic-api >"$MOSAIC_TEST_RUN_DIR/server.log" 2>&1 &
server_pid=$!
on_exit "kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null"
for _ in $(seq 1 300); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/ready" || true)" = 200 ] && break
  sleep 0.01
done
ready_ms=$(( ($(date +%s%N) - started_ns) / 1000000 ))

cat >"$MOSAIC_TEST_RUN_DIR/create.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Origin"] = "$base"
wrk.headers["Cookie"] = "$editor_cookie"
wrk.body = '{"legacy_id":"$legacy","title":"Benchmark memory","content":"She loved gardening, and the roses by the gate were hers.","visibility":"private"}'
LUA

results=()
run() { # name, wrk arguments...
  local name=$1; shift
  local out
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@")
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  results+=("| $name | $rps | $p50 | $p99 | ${non2xx:-0} |")
}

step "load: $seconds s per scenario, $connections connections, 2 wrk threads"
run "list stories (member, first page)" -H "Cookie: $member_cookie" "$base/api/stories?legacy_id=$legacy"
run "get story" -H "Cookie: $member_cookie" "$base/api/stories/$story"
run "search legacies" -H "Cookie: $member_cookie" "$base/api/legacies/search?q=$surname"
run "create story (editor)" -s "$MOSAIC_TEST_RUN_DIR/create.lua" "$base/api/stories"
peak_rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")

step "results ($backend)"
echo "| scenario ($backend) | req/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|"
printf '%s\n' "${results[@]}"
echo
echo "ready after start: ${ready_ms} ms; peak RSS under load: $((peak_rss_kb / 1024)) MB"
