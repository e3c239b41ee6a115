# A local OpenID Connect provider (npm oauth2-mock-server) for the sign-in
# adapter's tests: adapters/google/tests/oidc-server/server.mjs on
# 127.0.0.1. Exports MOSAIC_TEST_OIDC_ISSUER.
step "OIDC provider (oauth2-mock-server)"
command -v node >/dev/null || apt_install nodejs npm
_oidc_dir=adapters/google/tests/oidc-server
if [ ! -d "$_oidc_dir/node_modules/oauth2-mock-server" ]; then
  (cd "$_oidc_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
_oidc_port=$(free_port)
node "$_oidc_dir/server.mjs" "$_oidc_port" >"$MOSAIC_TEST_RUN_DIR/oidc-server.log" 2>&1 &
_oidc_pid=$!
on_exit "kill $_oidc_pid"
wait_for_port "$_oidc_port" 30 || { cat "$MOSAIC_TEST_RUN_DIR/oidc-server.log" >&2; exit 1; }
export MOSAIC_TEST_OIDC_ISSUER="http://127.0.0.1:$_oidc_port"
echo "MOSAIC_TEST_OIDC_ISSUER=$MOSAIC_TEST_OIDC_ISSUER"
