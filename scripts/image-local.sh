#!/usr/bin/env bash
# Builds the runtime image without a Docker daemon and starts it, on a
# machine where registries cannot be pulled from: a Debian bookworm base made
# by mmdebstrap from the apt mirror, the locally built mosaic-api and
# mosaic-admin copied in (the Dockerfile's runtime stage, same user, paths
# and entrypoint), committed with buildah (vfs storage, chroot isolation),
# then run as uid 10001. Prints the image size and the time from start to
# /ready = 200, then stops it with SIGTERM (it drains and exits).
#
#   scripts/image-local.sh            # debug binaries (cargo build)
#   scripts/image-local.sh --release  # cargo build --release (≈10 min clean)
#
# Not part of scripts/test: the base alone takes 1–2 minutes. The full
# multi-stage build is `docker build .` where a daemon exists.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh

profile=debug
cargo_flags=()
if [ "${1:-}" = --release ]; then profile=release; cargo_flags=(--release); fi
apt_install buildah mmdebstrap curl
B=(buildah --storage-driver vfs)
export BUILDAH_ISOLATION=chroot

step "binaries ($profile)"
dir="$MOSAIC_TEST_RUN_DIR/image"
mkdir -p "$dir"
for bin in mosaic-api mosaic-admin; do
  cargo_executable "$bin" --all-features "${cargo_flags[@]}" -p mosaic-api -p mosaic-admin >"$dir/path"
  cp "$(cat "$dir/path")" "$dir/$bin"
done
strip "$dir/mosaic-api" "$dir/mosaic-admin"

step "base: Debian bookworm (mmdebstrap, essential + ca-certificates)"
mmdebstrap --variant=essential --include=ca-certificates --quiet \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' bookworm "$dir/rootfs.tar"

step "image: mosaic-life:local (buildah)"
ctr=$("${B[@]}" from scratch)
on_exit "${B[*]} rm $ctr >/dev/null"
"${B[@]}" add "$ctr" "$dir/rootfs.tar" /
"${B[@]}" copy --chmod 0755 "$ctr" "$dir/mosaic-api" "$dir/mosaic-admin" /usr/local/bin/
"${B[@]}" run "$ctr" -- sh -c 'echo "mosaic:x:10001:10001::/data:/usr/sbin/nologin" >>/etc/passwd &&
  echo "mosaic:x:10001:" >>/etc/group && mkdir -p /data && chown 10001:10001 /data &&
  rm -rf /var/cache/apt/* /var/lib/apt/lists/*'
"${B[@]}" config --user 10001:10001 --workingdir /data --port 8080 --volume /data \
  --env MOSAIC_BIND=0.0.0.0:8080 --env MOSAIC_DATA_DIR=/data --env MOSAIC_LOG_FORMAT=json \
  --entrypoint '["/usr/local/bin/mosaic-api"]' "$ctr"
"${B[@]}" commit --quiet "$ctr" mosaic-life:local >/dev/null
"${B[@]}" images --format '{{.Name}}:{{.Tag}} {{.Size}}' mosaic-life:local

step "start it and wait for /ready"
run=$("${B[@]}" from --quiet mosaic-life:local)
on_exit "${B[*]} rm $run >/dev/null"
port=$(free_port)
started=$(date +%s%N)
"${B[@]}" run --user 10001:10001 --env "MOSAIC_BIND=127.0.0.1:$port" "$run" -- \
  /usr/local/bin/mosaic-api >"$dir/run.log" 2>&1 &
runner=$!
code=
for ((i = 0; i < 600; i++)); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ready" || true)
  [ "$code" = 200 ] && break
  sleep 0.05
done
[ "$code" = 200 ] || { echo "the container never got ready:" >&2; tail -20 "$dir/run.log" >&2; exit 1; }
echo "ready $((($(date +%s%N) - started) / 1000000)) ms after 'buildah run'"
# The server's own pid: the descendant of `buildah run` named mosaic-api.
server=
queue=("$runner")
while [ ${#queue[@]} -gt 0 ] && [ -z "$server" ]; do
  pid=${queue[0]}
  queue=("${queue[@]:1}")
  [ "$(ps -o comm= -p "$pid")" = mosaic-api ] && server=$pid
  mapfile -t -O "${#queue[@]}" queue < <(pgrep -P "$pid")
done
[ -n "$server" ] || { echo "cannot find the server's process" >&2; exit 1; }
echo "runs as: $(ps -o user= -p "$server")"
kill -TERM "$server"
status=0
wait "$runner" || status=$?
if [ "$status" = 0 ] && grep -q 'draining' "$dir/run.log"; then
  echo "drained and stopped cleanly after SIGTERM"
else
  echo "the container did not stop cleanly (exit status $status):" >&2
  tail -5 "$dir/run.log" >&2
  exit 1
fi
