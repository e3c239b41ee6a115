# Shell helpers shared by scripts/test and the benchmarks: a run directory
# that is removed at exit, clean-up steps, free ports, waiting for a port,
# and apt installs of missing packages. Source it from the repository root.

export MOSAIC_TEST_RUN_DIR
MOSAIC_TEST_RUN_DIR=$(mktemp -d /tmp/mosaic-test.XXXXXX)
chmod 755 "$MOSAIC_TEST_RUN_DIR"

_exit_steps=()
on_exit() { _exit_steps+=("$1"); }
_run_exit_steps() {
  local i
  for ((i = ${#_exit_steps[@]} - 1; i >= 0; i--)); do
    eval "${_exit_steps[i]}" || true
  done
  rm -rf "$MOSAIC_TEST_RUN_DIR"
}
trap _run_exit_steps EXIT

step() { printf '\n==> %s (at %ds)\n' "$*" "$SECONDS"; }

# A free TCP port on 127.0.0.1 (the kernel picks it; the tiny race with
# another process is acceptable for throwaway test servers).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits until something accepts connections on 127.0.0.1:$1 (at most $2 s).
wait_for_port() {
  local port=$1 seconds=${2:-30} i
  for ((i = 0; i < seconds * 10; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$port after ${seconds}s" >&2
  return 1
}

# apt-get install, once per run, only for packages that are missing.
_apt_updated=
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -z "$_apt_updated" ]; then apt-get update -qq; _apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Builds with cargo (the remaining arguments) and prints the path of the
# executable named $1 that cargo reports, wherever the target directory is.
cargo_executable() {
  local name=$1
  shift
  cargo build --quiet --message-format=json-render-diagnostics "$@" |
    python3 -c 'import json, sys
name = sys.argv[1]
paths = [m["executable"] for m in map(json.loads, sys.stdin)
         if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == name]
if not paths:
    sys.exit(f"cargo built no executable named {name}")
print(paths[-1])' "$name"
}

# Starts target/debug/mosaic-api (under $CARGO_TARGET_DIR when set) as a throwaway server: `start_mosaic_api
# NAME PORT [MOSAIC_X=value …]` runs it with those settings (which must
# bind 127.0.0.1:PORT), logs to $MOSAIC_TEST_RUN_DIR/NAME.log, stops it at
# exit, waits until it listens, and sets `mosaic_api_first_link` to the
# one-time sign-in link it printed for the first account.
start_mosaic_api() {
  local name=$1 port=$2 pid
  shift 2
  env "$@" "${CARGO_TARGET_DIR:-target}/debug/mosaic-api" >"$MOSAIC_TEST_RUN_DIR/$name.log" 2>&1 &
  pid=$!
  on_exit "kill $pid"
  wait_for_port "$port" 60 || { cat "$MOSAIC_TEST_RUN_DIR/$name.log" >&2; return 1; }
  mosaic_api_first_link=$(grep -o 'http://[^ ]*/sign-in?token=[A-Za-z0-9_-]*' "$MOSAIC_TEST_RUN_DIR/$name.log" | head -1)
  [ -n "$mosaic_api_first_link" ] || {
    echo "mosaic-api ($name) printed no first sign-in link" >&2
    cat "$MOSAIC_TEST_RUN_DIR/$name.log" >&2
    return 1
  }
}

# Redeems a one-time sign-in link the way the web app's sign-in page does
# and prints the session cookie (`mosaic_session=…`).
sign_in_cookie() {
  python3 - "$1" <<'PY'
import json, sys, urllib.parse, urllib.request
link = urllib.parse.urlsplit(sys.argv[1])
token = urllib.parse.parse_qs(link.query)["token"][0]
request = urllib.request.Request(
    f"{link.scheme}://{link.netloc}/api/auth/sign-in-link",
    data=json.dumps({"token": token}).encode(),
    headers={"Content-Type": "application/json"},
    method="POST",
)
with urllib.request.urlopen(request) as response:
    cookie = response.headers["Set-Cookie"].split(";", 1)[0]
print(cookie)
PY
}
