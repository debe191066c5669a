#!/usr/bin/env bash
# Everything that talks to PostgreSQL at run time works behind PgBouncer in transaction
# mode (docs/deployment.md, "A connection pooler"). CI runs this after `make test`:
#
#   1. a real PgBouncer (Debian's package, installed if absent) on a free port in front of
#      PostgreSQL at $PGBOUNCER_UPSTREAM (127.0.0.1:5432), transaction pooling, trust
#      authentication for every login role, every database (wildcard);
#   2. the CSV export, transparency, public-log and health tests with pytest-django's
#      database reached through it (DATABASE_POOLER=transaction, --reuse-db);
#   3. the fault suite (tests/faults): each local production stack's app server, task
#      worker and management commands connect through it (SOLIDARITY_PROD_POOLER), while
#      creating databases and migrating stay direct, as an operator runs them;
#   4. PgBouncer's own statistics, which must show transactions pooled for both runs.
#
# Usage: deploy/pgbouncer_ci.sh [extra pytest arguments]   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."

UPSTREAM_HOST=${PGBOUNCER_UPSTREAM_HOST:-127.0.0.1}
UPSTREAM_PORT=${PGBOUNCER_UPSTREAM_PORT:-5432}
DATABASE=${PGBOUNCER_TEST_DATABASE:-solidarity_pgbouncer}
PY=.venv/bin/python
started=$(date +%s)

if [ ! -x /usr/sbin/pgbouncer ]; then
  echo "Installing PgBouncer (Debian's package) for the pooler run"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
  systemctl disable --now pgbouncer >/dev/null 2>&1 || true  # only ours runs, on its own port
fi
pg_isready -q -h "$UPSTREAM_HOST" -p "$UPSTREAM_PORT" || { echo "FATAL: PostgreSQL at $UPSTREAM_HOST:$UPSTREAM_PORT cannot be reached" >&2; exit 1; }

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RUN_DIR=$(mktemp -d /tmp/solidarity-pgbouncer.XXXXXX)
chmod 755 "$RUN_DIR"

# Trust authentication still wants each user listed: every login role there is now, and the
# two that the local production stacks create (deploy/prodlocal.py).
{
  psql -h "$UPSTREAM_HOST" -p "$UPSTREAM_PORT" -U postgres -d postgres -Atc "SELECT rolname FROM pg_roles WHERE rolcanlogin"
  printf '%s\n' postgres solidarity_prod_owner solidarity_prod_app
} | sort -u | sed 's/.*/"&" ""/' >"$RUN_DIR/users.txt"

cat >"$RUN_DIR/pgbouncer.ini" <<INI
[databases]
* = host=$UPSTREAM_HOST port=$UPSTREAM_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PORT
unix_socket_dir =
auth_type = trust
auth_file = $RUN_DIR/users.txt
admin_users = postgres
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 40
ignore_startup_parameters = extra_float_digits
logfile = $RUN_DIR/pgbouncer.log
pidfile = $RUN_DIR/pgbouncer.pid
INI

as_user=()
if [ "$(id -u)" = 0 ]; then
  chown -R postgres "$RUN_DIR"  # PgBouncer will not run as root
  as_user=(-u postgres)
fi
/usr/sbin/pgbouncer -d -q "${as_user[@]}" "$RUN_DIR/pgbouncer.ini"
stop_pgbouncer() {
  if [ -f "$RUN_DIR/pgbouncer.pid" ]; then kill "$(cat "$RUN_DIR/pgbouncer.pid")" 2>/dev/null || true; fi
}
trap stop_pgbouncer EXIT
for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p "$PORT" && break; sleep 0.2; done
pg_isready -h 127.0.0.1 -p "$PORT" || { cat "$RUN_DIR/pgbouncer.log" >&2; exit 1; }
echo "PgBouncer $(/usr/sbin/pgbouncer --version | head -1 | cut -d' ' -f2) in transaction mode on 127.0.0.1:$PORT → $UPSTREAM_HOST:$UPSTREAM_PORT"

# pytest's own database through the pooler. Backups and restores are left out: pg_dump and
# pg_restore (manage.py backup/restore, as the owner role) talk to PostgreSQL directly, never
# through the pooler, like migrations (docs/operations.md).
t0=$(date +%s)
DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/$DATABASE" DATABASE_POOLER=transaction \
  "$PY" -m pytest --reuse-db -p no:cacheprovider -q \
  tests/web/test_transparency_pages.py tests/transparency tests/publiclog tests/web/test_health.py \
  tests/web/test_metrics.py tests/api/test_public.py tests/api/test_public_log.py \
  --ignore=tests/publiclog/test_backups.py "$@"
t1=$(date +%s)

# The production stacks of the fault suite through the pooler.
DATABASE_URL="postgres://postgres@$UPSTREAM_HOST:$UPSTREAM_PORT/$DATABASE" \
  SOLIDARITY_PROD_POOLER="postgres://127.0.0.1:$PORT" \
  "$PY" -m pytest --reuse-db -p no:cacheprovider -q tests/faults "$@"
t2=$(date +%s)

# Proof that the traffic went through PgBouncer, not around it.
stats=$(psql -h 127.0.0.1 -p "$PORT" -U postgres -d pgbouncer -Atc "SHOW STATS" -F ' ')
pooled() { awk -v db="$1" '$1 == db { n += $2 } END { print n + 0 }' <<<"$stats"; }
tests_xacts=$(pooled "test_$DATABASE")
faults_xacts=$(awk '$1 ~ /^solidarity_faults_/ { n += $2 } END { print n + 0 }' <<<"$stats")
echo "PgBouncer pooled $tests_xacts transactions for the pytest database and $faults_xacts for the fault stacks"
if [ "$tests_xacts" -eq 0 ] || [ "$faults_xacts" -eq 0 ]; then
  echo "FATAL: a run did not go through PgBouncer" >&2
  exit 1
fi
echo "pooler run: $((t1 - t0)) s pytest database, $((t2 - t1)) s fault suite, $(($(date +%s) - started)) s in all"
