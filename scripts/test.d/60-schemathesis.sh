# The OpenAPI document against the real server: Schemathesis generates
# requests from bin/api/openapi.json (as served) and checks every answer
# against it (--checks all: undeclared statuses, responses that break their
# schema, schema-valid requests refused, invalid ones accepted, 405 without
# `Allow`, …), signed in as the creator of a legacy, on SQLite and on the
# Postgres of 10-postgres.sh. Any failure fails the run.
#
# The one rule OpenAPI cannot state (a death date before the birth date) is
# kept out of the generated "valid" bodies by scripts/schemathesis/mosaic_hooks.py.
#
# `ignored_auth` is left out: it sends invalid credentials and expects a
# 401, but the fixed session cookie given with -H overrides them (the
# authorization matrix in bin/api/tests covers that ground). `logout` is
# left out because it would end that session for every later request
# (bin/api/tests covers it). For `search_stories`, the hooks generate as
# valid only queries with something to search for (a rule of its query
# language that a pattern cannot state; see mosaic_hooks.py).
# `chat_stream` is tested against the scripted OpenAI-compatible model
# (mosaic-scripted-model, the exact streaming wire format), so the server
# really answers with its event stream. The seed is fixed, so a run is
# reproducible: the same requests on every machine.
step "schemathesis: install"
_st_version=4.32.5
_st_venv="${XDG_CACHE_HOME:-$HOME/.cache}/mosaic-life/schemathesis-$_st_version"
if ! "$_st_venv/bin/st" --version 2>/dev/null | grep -q "$_st_version"; then
  command -v python3 >/dev/null || apt_install python3
  python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
  rm -rf "$_st_venv"
  python3 -m venv "$_st_venv"
  timeout 600 "$_st_venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$_st_version"
fi

# The same build 70-web.sh uses (a no-op there afterwards).
timeout 1800 cargo build --quiet -p mosaic-api -p mosaic-admin
timeout 1800 cargo build --quiet -p mosaic-openai-test-server --bin mosaic-scripted-model
_st_model_port=$(free_port)
"${CARGO_TARGET_DIR:-$PWD/target}/debug/mosaic-scripted-model" "127.0.0.1:$_st_model_port" \
  >"$MOSAIC_TEST_RUN_DIR/schemathesis-model.log" 2>&1 &
_st_model_pid=$!
on_exit "kill $_st_model_pid"
wait_for_port "$_st_model_port" 30 || { cat "$MOSAIC_TEST_RUN_DIR/schemathesis-model.log" >&2; exit 1; }
: "${MOSAIC_TEST_POSTGRES_URL:?is not set: scripts/test.d/10-postgres.sh starts the Postgres this step tests on}"

# `schemathesis_run NAME DATABASE_URL`: a fresh server on that database,
# a legacy created by the signed-in first account, then Schemathesis.
schemathesis_run() {
  local name=$1 database_url=$2 port data cookie
  port=$(free_port)
  data="$MOSAIC_TEST_RUN_DIR/$name-data"
  mkdir -p "$data"
  start_mosaic_api "$name" "$port" \
    MOSAIC_BIND="127.0.0.1:$port" MOSAIC_PUBLIC_URL="http://127.0.0.1:$port" \
    MOSAIC_DATA_DIR="$data" MOSAIC_DATABASE_URL="$database_url" MOSAIC_WEB_DIR= \
    MOSAIC_LOG_FORMAT=text MOSAIC_STORIES_PER_MINUTE=100000 MOSAIC_SIGN_INS_PER_MINUTE=100000 \
    MOSAIC_AI_BASE_URL="http://127.0.0.1:$_st_model_port/v1" MOSAIC_AI_MODEL=scripted \
    MOSAIC_AI_MESSAGES_PER_DAY=100000
  cookie=$(sign_in_cookie "$mosaic_api_first_link")
  python3 - "http://127.0.0.1:$port" "$cookie" <<'PY'
import sys, urllib.request
request = urllib.request.Request(
    sys.argv[1] + "/api/legacies", data=b'{"name": "Ada Lovelace"}', method="POST",
    headers={"Content-Type": "application/json", "Cookie": sys.argv[2]},
)
urllib.request.urlopen(request).read()
PY
  PYTHONPATH="$PWD/scripts/schemathesis" SCHEMATHESIS_HOOKS=mosaic_hooks \
    timeout 600 "$_st_venv/bin/st" run "http://127.0.0.1:$port/openapi.json" \
    --url "http://127.0.0.1:$port/api" \
    -H "Cookie: $cookie" -H "X-Requested-With: schemathesis" \
    --checks all --exclude-checks ignored_auth \
    --exclude-operation-id logout \
    --max-examples "${MOSAIC_SCHEMATHESIS_EXAMPLES:-25}" --seed 1 \
    --generation-database none --no-color \
    --report junit --report-junit-path "$PWD/test-output/schemathesis-$name.xml" \
    || { echo "--- mosaic-api log ($name, last 40 lines) ---" >&2; tail -40 "$MOSAIC_TEST_RUN_DIR/$name.log" >&2; return 1; }
}

mkdir -p test-output
step "schemathesis: SQLite"
schemathesis_run schemathesis-sqlite "sqlite://$MOSAIC_TEST_RUN_DIR/schemathesis-sqlite-data/mosaic.db"

step "schemathesis: Postgres"
_st_db="mosaic_schemathesis_$$"
psql -q "$MOSAIC_TEST_POSTGRES_URL" -c "CREATE DATABASE $_st_db"
on_exit "psql -q '$MOSAIC_TEST_POSTGRES_URL' -c 'DROP DATABASE IF EXISTS $_st_db WITH (FORCE)'"
schemathesis_run schemathesis-postgres "${MOSAIC_TEST_POSTGRES_URL%/*}/$_st_db"
