# A throwaway PostgreSQL 15 cluster for the Postgres adapter's tests
# (adapters/postgres/tests/store.rs): 127.0.0.1 on a free port, trust auth,
# fsync off. Each test creates and drops its own database on it.
# Exports MOSAIC_TEST_POSTGRES_URL (the server's `postgres` database).
step "PostgreSQL 15"
_pg_bin=/usr/lib/postgresql/15/bin
# Debian 12's postgresql-15 ships the contrib extensions (pg_trgm) too.
if [ ! -x "$_pg_bin/initdb" ] || ! id postgres >/dev/null 2>&1 ||
  [ ! -f /usr/share/postgresql/15/extension/pg_trgm.control ]; then
  apt_install postgresql-15 postgresql-contrib
fi
# Postgres refuses to run as root: run its tools as the postgres user.
_pg_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
_pg_dir="$MOSAIC_TEST_RUN_DIR/postgres"
mkdir -p "$_pg_dir"
[ "$(id -u)" -eq 0 ] && chown postgres: "$_pg_dir"
_pg_port=$(free_port)
_pg_as_postgres "$_pg_bin/initdb" -D "$_pg_dir/data" -U postgres --auth=trust -N -E UTF8 \
  --locale=C.UTF-8 >"$_pg_dir/initdb.log" 2>&1 || { cat "$_pg_dir/initdb.log" >&2; exit 1; }
_pg_as_postgres "$_pg_bin/pg_ctl" -D "$_pg_dir/data" -l "$_pg_dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $_pg_port -k $_pg_dir -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$_pg_dir/server.log" >&2; exit 1; }
on_exit "_pg_as_postgres $_pg_bin/pg_ctl -D $_pg_dir/data -m immediate -w stop >/dev/null"
export MOSAIC_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$_pg_port/postgres"
echo "MOSAIC_TEST_POSTGRES_URL=$MOSAIC_TEST_POSTGRES_URL"
