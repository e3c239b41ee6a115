# Two mosaic-api replicas on one Postgres and one S3 (the servers of
# 10-postgres.sh and 30-s3.sh) behind a round-robin nginx on 127.0.0.1, as
# on Kubernetes: a session made through one works through the other, the
# 11th story in a minute is refused whichever replica gets it, and a rolling
# restart (SIGTERM, drain, start again; one replica after the other) under
# wrk load loses no request. Prints the restart and start-to-ready times.
# (bin/api/tests/replicas.rs checks simultaneous start-up, migrations and
# the drain itself against the binaries directly.)
step "replicas: two mosaic-api behind nginx, rolling restart under load"
apt_install nginx wrk curl
: "${MOSAIC_TEST_POSTGRES_URL:?is not set: scripts/test.d/10-postgres.sh starts Postgres}"
: "${MOSAIC_TEST_S3_ENDPOINT:?is not set: scripts/test.d/30-s3.sh starts the S3 server}"
_rep_dir="$MOSAIC_TEST_RUN_DIR/replicas"
mkdir -p "$_rep_dir"
# A copy of the binary cargo reports (another build may replace it meanwhile).
cargo_executable mosaic-api --all-features -p mosaic-api >"$_rep_dir/bin-path"
cp "$(cat "$_rep_dir/bin-path")" "$_rep_dir/mosaic-api"
_rep_db="replicas_$$_$RANDOM"
psql -q "$MOSAIC_TEST_POSTGRES_URL" -c "CREATE DATABASE $_rep_db"
on_exit "psql -q '$MOSAIC_TEST_POSTGRES_URL' -c 'DROP DATABASE IF EXISTS $_rep_db WITH (FORCE)'"
_rep_lb_port=$(free_port)
_rep_base="http://127.0.0.1:$_rep_lb_port"
_rep_secret=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
_rep_env=(
  MOSAIC_DATABASE_URL="${MOSAIC_TEST_POSTGRES_URL%/*}/$_rep_db"
  MOSAIC_PUBLIC_URL="$_rep_base"
  MOSAIC_SESSION_SECRET="$_rep_secret"
  MOSAIC_S3_BUCKET="$MOSAIC_TEST_S3_BUCKET"
  MOSAIC_S3_ENDPOINT="$MOSAIC_TEST_S3_ENDPOINT"
  MOSAIC_S3_ACCESS_KEY_ID="$MOSAIC_TEST_S3_ACCESS_KEY"
  MOSAIC_S3_SECRET_ACCESS_KEY="$MOSAIC_TEST_S3_SECRET_KEY"
  MOSAIC_ADMIN_EMAIL=admin@replicas.test
  MOSAIC_LOG_FORMAT=text
  MOSAIC_SHUTDOWN_DRAIN_SECONDS=2
  MOSAIC_TRUSTED_PROXY_HOPS=1
  MOSAIC_WEB_DIR="$_rep_dir/no-web"
)
declare -A _rep_port _rep_metrics_port _rep_pid
_rep_port[a]=$(free_port)
_rep_port[b]=$(free_port)
# /metrics is served on its own listener only (MOSAIC_METRICS_BIND).
_rep_metrics_port[a]=$(free_port)
_rep_metrics_port[b]=$(free_port)

# Starts replica $1 (in the background, in this shell so that it can be
# waited for).
_rep_launch() {
  mkdir -p "$_rep_dir/$1"
  _rep_started[$1]=$(date +%s%N)
  env "${_rep_env[@]}" MOSAIC_BIND="127.0.0.1:${_rep_port[$1]}" MOSAIC_DATA_DIR="$_rep_dir/$1" \
    MOSAIC_METRICS_BIND="127.0.0.1:${_rep_metrics_port[$1]}" \
    "$_rep_dir/mosaic-api" >>"$_rep_dir/$1.out" 2>>"$_rep_dir/$1.log" &
  _rep_pid[$1]=$!
}

# Waits until replica $1 answers /ready with 200 (at most 60 s); prints how
# long that took since its start.
_rep_ready() {
  local i
  for ((i = 0; i < 600; i++)); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${_rep_port[$1]}/ready")" = 200 ]; then
      echo "replica $1 ready $(((($(date +%s%N) - _rep_started[$1]) / 1000000))) ms after start"
      return 0
    fi
    kill -0 "${_rep_pid[$1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "replica $1 did not become ready:" >&2
  tail -30 "$_rep_dir/$1.log" >&2
  return 1
}

# The balancer's pool: the replicas in $@ (nginx reloads gracefully). This
# stands in for what Kubernetes and the ALB do with /ready: nginx itself
# has no active health checks.
_rep_pool() {
  local name
  for name in "$@"; do
    echo "server 127.0.0.1:${_rep_port[$name]};"
  done >"$_rep_dir/pool.conf"
  [ -f "$_rep_dir/nginx.pid" ] && nginx -p "$_rep_dir" -c "$_rep_dir/nginx.conf" -s reload
  return 0
}

# Waits until replica $1's /ready answers $2.
_rep_wait_ready_status() {
  local i
  for ((i = 0; i < 600; i++)); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${_rep_port[$1]}/ready")" = "$2" ] && return 0
    sleep 0.05
  done
  echo "replica $1: /ready never answered $2" >&2
  return 1
}

# Waits until replica $1 has answered at least $2 load requests (its
# /metrics), i.e. the balancer really sends it traffic.
_rep_serves() {
  local i served
  for ((i = 0; i < 600; i++)); do
    served=$(curl -s "http://127.0.0.1:${_rep_metrics_port[$1]}/metrics" |
      awk '/^mosaic_http_requests_total\{route="get_legacy"/ { n += $NF } END { print n + 0 }')
    [ "$served" -ge "$2" ] && return 0
    sleep 0.05
  done
  echo "replica $1 gets no traffic through the balancer" >&2
  return 1
}

# SIGTERM to replica $1; once its /ready says 503 the balancer drops it
# (during the drain, while it still serves), then it must exit cleanly.
_rep_stop() {
  kill -TERM "${_rep_pid[$1]}"
  _rep_wait_ready_status "$1" 503
  _rep_pool "$2"
  if ! wait "${_rep_pid[$1]}"; then
    echo "replica $1 did not exit cleanly after SIGTERM:" >&2
    tail -30 "$_rep_dir/$1.log" >&2
    return 1
  fi
}

# Both start at the same moment on the empty database.
declare -A _rep_started
_rep_launch a
_rep_launch b
on_exit 'kill ${_rep_pid[a]} ${_rep_pid[b]} 2>/dev/null'
_rep_ready a
_rep_ready b

cat >"$_rep_dir/nginx.conf" <<NGINX
worker_processes 1;
pid $_rep_dir/nginx.pid;
error_log $_rep_dir/nginx-error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  # One request per client connection: a graceful reload then never closes
  # an idle keep-alive connection under a client's feet (a race of the
  # test's balancer, not of the replicas).
  keepalive_timeout 0;
  client_body_temp_path $_rep_dir/nginx-body;
  proxy_temp_path $_rep_dir/nginx-proxy;
  fastcgi_temp_path $_rep_dir/nginx-fastcgi;
  uwsgi_temp_path $_rep_dir/nginx-uwsgi;
  scgi_temp_path $_rep_dir/nginx-scgi;
  upstream mosaic {
    include $_rep_dir/pool.conf;
  }
  server {
    listen 127.0.0.1:$_rep_lb_port;
    location / {
      proxy_pass http://mosaic;
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      # nginx's default: a GET that meets a refused or reset connection is
      # retried on the other replica. The check below counts such errors:
      # with the drain there must be none to retry.
      proxy_next_upstream error timeout;
    }
  }
}
NGINX
_rep_pool a b
nginx -p "$_rep_dir" -c "$_rep_dir/nginx.conf" -g 'daemon off;' &
_rep_nginx=$!
on_exit "kill $_rep_nginx"
wait_for_port "$_rep_lb_port" 10

# Exactly one replica printed the first administrator's link.
_rep_links=$(cat "$_rep_dir"/a.out "$_rep_dir"/b.out | grep -c '/sign-in?token=' || true)
[ "$_rep_links" = 1 ] || { echo "expected one first-start link, got $_rep_links" >&2; exit 1; }
_rep_token=$(cat "$_rep_dir"/a.out "$_rep_dir"/b.out | grep -o 'token=[A-Za-z0-9_-]*' | cut -d= -f2)

# Requests through the balancer: JSON, same origin.
_rep_curl() {
  curl -s -H "Origin: $_rep_base" -H 'Content-Type: application/json' -H "Cookie: ${_rep_cookie:-}" "$@"
}
_rep_cookie=$(_rep_curl -o /dev/null -D - "$_rep_base/api/auth/sign-in-link" -d "{\"token\":\"$_rep_token\"}" |
  grep -i '^set-cookie:' | head -1 | sed -E 's/^[Ss]et-[Cc]ookie: ([^;]*).*/\1/')
[ -n "$_rep_cookie" ] || { echo "redeeming the sign-in link through nginx failed" >&2; exit 1; }
# Round robin: consecutive requests alternate replicas; the session works on both.
for _ in 1 2 3 4; do
  _code=$(_rep_curl -o /dev/null -w '%{http_code}' "$_rep_base/api/me")
  [ "$_code" = 200 ] || { echo "GET /api/me through nginx answered $_code" >&2; exit 1; }
done
_rep_legacy=$(_rep_curl "$_rep_base/api/legacies" -d '{"name":"Jane Doe","birth_date":"1950-01-01","death_date":"2024-01-01"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for n in $(seq 1 11); do
  _code=$(_rep_curl -o "$_rep_dir/story.json" -w '%{http_code}' "$_rep_base/api/stories" \
    -d "{\"legacy_id\":\"$_rep_legacy\",\"title\":\"Story $n\",\"content\":\"She loved gardening.\",\"visibility\":\"private\"}")
  _want=201
  [ "$n" = 11 ] && _want=429
  [ "$_code" = "$_want" ] || { echo "story $n through nginx: $_code, expected $_want" >&2; cat "$_rep_dir/story.json" >&2; exit 1; }
done
echo "sessions and the story limit hold across replicas (10 stories, the 11th refused)"

# Rolling restart under load: each replica in turn gets SIGTERM, drains,
# stops and starts again while wrk reads the legacy through nginx.
cat >"$_rep_dir/load.lua" <<LUA
wrk.headers["Cookie"] = "$_rep_cookie"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() statuses = {} end
function response(status) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local e = summary.errors
  local other = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      if status ~= 200 then other[#other + 1] = status .. "x" .. n end
    end
  end
  io.write(string.format("RESULT requests=%d connect=%d read=%d write=%d timeout=%d status=%d p99_ms=%.1f non_200=[%s]\n",
    summary.requests, e.connect, e.read, e.write, e.timeout, e.status, latency:percentile(99) / 1000,
    table.concat(other, " ")))
end
LUA
wrk -t2 -c8 -d15s -s "$_rep_dir/load.lua" "$_rep_base/api/legacies/$_rep_legacy" >"$_rep_dir/wrk.out" 2>&1 &
_rep_wrk=$!
_rep_serves a 100
_rep_serves b 100
for name in a b; do
  other=$([ "$name" = a ] && echo b || echo a)
  _t0=$(date +%s%N)
  _rep_stop "$name" "$other"
  _rep_launch "$name"
  _rep_ready "$name"
  _rep_pool a b
  # A rolling update moves on only once the new replica takes traffic.
  _rep_serves "$name" 100
  echo "replica $name restarted (drain, stop, start, ready) in $((($(date +%s%N) - _t0) / 1000000)) ms"
done
wait "$_rep_wrk"
_rep_result=$(grep '^RESULT' "$_rep_dir/wrk.out") || { cat "$_rep_dir/wrk.out" >&2; exit 1; }
echo "wrk during the rolling restart: $_rep_result"
case "$_rep_result" in
  *" connect=0 read=0 write=0 timeout=0 status=0 "*) ;;
  *) echo "requests failed during the rolling restart" >&2; cat "$_rep_dir/wrk.out" >&2; exit 1 ;;
esac
_rep_upstream_errors=$(grep -c 'upstream' "$_rep_dir/nginx-error.log" || true)
if [ "$_rep_upstream_errors" != 0 ]; then
  echo "nginx met $_rep_upstream_errors upstream errors (requests that needed a retry):" >&2
  grep upstream "$_rep_dir/nginx-error.log" | head -5 >&2
  exit 1
fi
echo "no request failed or needed a retry during the rolling restart"
kill "$_rep_nginx" "${_rep_pid[a]}" "${_rep_pid[b]}" 2>/dev/null || true
