# An S3-compatible server that checks SigV4 signatures, including presigned
# URLs and their signed headers (s3s-fs), for the storage adapter's tests
# (adapters/s3/tests/s3_store.rs). Exports MOSAIC_TEST_S3_ENDPOINT,
# MOSAIC_TEST_S3_BUCKET, MOSAIC_TEST_S3_ACCESS_KEY, MOSAIC_TEST_S3_SECRET_KEY.
step "S3-compatible server (s3s-fs)"
# 0.14.1 is the newest that builds on Rust 1.95 (about 3 minutes, once).
# cargo installs into ~/.cargo/bin, which need not be on PATH.
_s3s_fs=$(command -v s3s-fs || echo "${CARGO_HOME:-$HOME/.cargo}/bin/s3s-fs")
[ -x "$_s3s_fs" ] || cargo install s3s-fs@0.14.1 --features binary --locked
_s3_root="$MOSAIC_TEST_RUN_DIR/s3"
export MOSAIC_TEST_S3_BUCKET=mosaic-test
mkdir -p "$_s3_root/$MOSAIC_TEST_S3_BUCKET" # s3s-fs: a bucket is a folder of the root
export MOSAIC_TEST_S3_ACCESS_KEY=test MOSAIC_TEST_S3_SECRET_KEY=test
_s3_port=$(free_port)
"$_s3s_fs" --host 127.0.0.1 --port "$_s3_port" \
  --access-key "$MOSAIC_TEST_S3_ACCESS_KEY" --secret-key "$MOSAIC_TEST_S3_SECRET_KEY" \
  "$_s3_root" >"$MOSAIC_TEST_RUN_DIR/s3s-fs.log" 2>&1 &
_s3_pid=$!
on_exit "kill $_s3_pid"
wait_for_port "$_s3_port" 30 || { cat "$MOSAIC_TEST_RUN_DIR/s3s-fs.log" >&2; exit 1; }
export MOSAIC_TEST_S3_ENDPOINT="http://127.0.0.1:$_s3_port"
echo "MOSAIC_TEST_S3_ENDPOINT=$MOSAIC_TEST_S3_ENDPOINT"
