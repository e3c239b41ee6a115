# The web app (web/): install, build (OpenAPI client generation + typecheck +
# Vite), component tests (Vitest), then the browser tests (playwright-core
# driving Debian's Chromium) against a real mosaic-api on SQLite and local
# media and the OIDC provider of 20-oidc.sh, and the bundle-size budget with
# first-contentful-paint. The AI companion is on, answering from a real
# mosaic-scripted-model process.
# Screenshots go to test-output/screenshots/. MOSAIC_WEB_E2E=web/e2e/x.test.mjs
# runs only the browser tests named (while working on them).
step "web: install"
command -v node >/dev/null || apt_install nodejs npm
apt_install chromium
# npm ci again whenever package-lock.json changed since the last install.
if ! cmp -s web/package-lock.json web/node_modules/.mosaic-installed-lock 2>/dev/null; then
  (cd web && timeout 600 npm ci --no-audit --no-fund --loglevel=error)
  cp web/package-lock.json web/node_modules/.mosaic-installed-lock
fi

step "web: build (typed API client from bin/api/openapi.json, typecheck, bundle)"
(cd web && timeout 300 npm run build)

step "web: component tests (vitest)"
(cd web && timeout 300 npm test)

step "web: browser tests against mosaic-api"
timeout 1800 cargo build --quiet -p mosaic-api -p mosaic-admin
# The AI companion answers from the scripted OpenAI-compatible model server
# (the exact streaming wire format); the chat test scripts its answers
# through /control/script.
timeout 1800 cargo build --quiet -p mosaic-openai-test-server --bin mosaic-scripted-model
_web_target="${CARGO_TARGET_DIR:-$PWD/target}"
_web_model_port=$(free_port)
"$_web_target/debug/mosaic-scripted-model" "127.0.0.1:$_web_model_port" >"$MOSAIC_TEST_RUN_DIR/web-model.log" 2>&1 &
_web_model_pid=$!
on_exit "kill $_web_model_pid"
wait_for_port "$_web_model_port" 30 || { cat "$MOSAIC_TEST_RUN_DIR/web-model.log" >&2; exit 1; }
# "Sign in with Google" is tested against the OIDC provider 20-oidc.sh started.
: "${MOSAIC_TEST_OIDC_ISSUER:?is not set: scripts/test.d/20-oidc.sh starts the OIDC provider the web tests sign in with}"
_web_port=$(free_port)
_web_data="$MOSAIC_TEST_RUN_DIR/web-data"
mkdir -p "$_web_data" test-output/screenshots
# Settings shared by the server and the admin CLI the tests call for sign-in links.
_web_env=(
  MOSAIC_BIND="127.0.0.1:$_web_port"
  MOSAIC_PUBLIC_URL="http://127.0.0.1:$_web_port"
  MOSAIC_DATA_DIR="$_web_data"
  MOSAIC_WEB_DIR="$PWD/web/dist"
  MOSAIC_LOG_FORMAT=text
  MOSAIC_STORIES_PER_MINUTE=1000
  MOSAIC_SIGN_INS_PER_MINUTE=1000
  MOSAIC_MEDIA_QUOTA_BYTES=300000
  MOSAIC_OIDC_ISSUER="$MOSAIC_TEST_OIDC_ISSUER"
  MOSAIC_OIDC_CLIENT_ID=mosaic-web-e2e
  MOSAIC_OIDC_CLIENT_SECRET=mosaic-web-e2e-secret
  MOSAIC_OIDC_REDIRECT_URL="http://127.0.0.1:$_web_port/auth/google/callback"
  MOSAIC_AI_BASE_URL="http://127.0.0.1:$_web_model_port/v1"
  MOSAIC_AI_MODEL=scripted
)
start_mosaic_api web-api "$_web_port" "${_web_env[@]}"
# The link the server prints for the first account, used by the journey test.
_web_first_link=$mosaic_api_first_link
env "${_web_env[@]}" \
  MOSAIC_TEST_WEB_URL="http://127.0.0.1:$_web_port" \
  MOSAIC_TEST_FIRST_SIGN_IN_URL="$_web_first_link" \
  MOSAIC_TEST_ADMIN_BIN="$_web_target/debug/mosaic-admin" \
  MOSAIC_TEST_AI_SCRIPT_URL="http://127.0.0.1:$_web_model_port/control/script" \
  MOSAIC_TEST_SCREENSHOT_DIR="$PWD/test-output/screenshots" \
  timeout 600 node --test --test-concurrency=1 --test-timeout=120000 ${MOSAIC_WEB_E2E:-web/e2e/} \
  || {
    echo "--- mosaic-api log (last 80 lines) ---" >&2; tail -80 "$MOSAIC_TEST_RUN_DIR/web-api.log" >&2
    echo "--- mosaic-scripted-model log ---" >&2; tail -20 "$MOSAIC_TEST_RUN_DIR/web-model.log" >&2
    exit 1
  }
echo "screenshots: test-output/screenshots/"

step "web: bundle budget and first-contentful-paint"
_web_measure_link=$(env "${_web_env[@]}" "$_web_target/debug/mosaic-admin" login-link --email measure@example.com --create --name "Measure" \
  | grep -o 'http://[^ ]*/sign-in?token=[A-Za-z0-9_-]*' | head -1)
(cd web && timeout 180 node scripts/measure.mjs --base "http://127.0.0.1:$_web_port" --sign-in-link "$_web_measure_link")
