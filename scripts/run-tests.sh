#!/usr/bin/env bash
# `make test`: the whole suite on PostgreSQL and Redis.
#
# Uses DATABASE_URL / REDIS_URL when set; otherwise the local servers on their default ports
# when they answer; otherwise starts throwaway ones when their programs are installed; otherwise
# stops with one line that says what to install. Arguments go to pytest.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
python="$here/.venv/bin/python"
scratch=""
pg_bin=""
owner=""
cleanup() {
    if [ -n "$scratch" ]; then
        if [ -f "$scratch/pg/postmaster.pid" ]; then
            if [ -n "$owner" ]; then
                su "$owner" -c "'$pg_bin/pg_ctl' -D '$scratch/pg' -m immediate stop" >/dev/null 2>&1 || true
            else
                "$pg_bin/pg_ctl" -D "$scratch/pg" -m immediate stop >/dev/null 2>&1 || true
            fi
        fi
        [ -f "$scratch/redis.pid" ] && kill "$(cat "$scratch/redis.pid")" 2>/dev/null || true
        rm -rf "$scratch"
    fi
}
trap cleanup EXIT

answers() {  # host port: does something listen there?
    "$python" - "$1" "$2" <<'PY'
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1).close()
except OSError:
    sys.exit(1)
PY
}

postgres_role() {  # which of postgres/root may connect to the local server
    "$python" - <<'PY'
import sys
import psycopg
for role in ("postgres", "root"):
    try:
        psycopg.connect(host="127.0.0.1", port=5432, user=role, dbname="postgres", connect_timeout=2).close()
    except psycopg.Error:
        continue
    print(role)
    sys.exit(0)
sys.exit(1)
PY
}

find_pg_bin() {
    for dir in /usr/lib/postgresql/*/bin /usr/local/pgsql/bin /usr/local/bin /usr/bin; do
        [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
    done
    return 1
}

if [ -z "${DATABASE_URL:-}" ]; then
    if answers 127.0.0.1 5432 && role=$(postgres_role); then
        export DATABASE_URL="postgres://$role@127.0.0.1:5432/dress_store"
    elif pg_bin=$(find_pg_bin); then
        scratch=${scratch:-$(mktemp -d)}
        port=55432
        echo "Starting a throwaway PostgreSQL on port $port" >&2
        [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1 && owner="postgres"
        mkdir -p "$scratch/pg"
        if [ -n "$owner" ]; then
            chown -R "$owner" "$scratch"
            su "$owner" -c "'$pg_bin/initdb' -D '$scratch/pg' -U postgres -A trust" >/dev/null
            su "$owner" -c "'$pg_bin/pg_ctl' -D '$scratch/pg' -o '-p $port -k $scratch -c listen_addresses=127.0.0.1' -w start" >/dev/null
        else
            "$pg_bin/initdb" -D "$scratch/pg" -U postgres -A trust >/dev/null
            "$pg_bin/pg_ctl" -D "$scratch/pg" -o "-p $port -k $scratch -c listen_addresses=127.0.0.1" -w start >/dev/null
        fi
        export DATABASE_URL="postgres://postgres@127.0.0.1:$port/dress_store"
    else
        echo "make test needs PostgreSQL: set DATABASE_URL, run a server on 127.0.0.1:5432, or install it (apt-get install postgresql)." >&2
        exit 1
    fi
fi

if [ -z "${REDIS_URL:-}" ]; then
    if answers 127.0.0.1 6379; then
        export REDIS_URL="redis://127.0.0.1:6379/1"
    elif command -v redis-server >/dev/null; then
        scratch=${scratch:-$(mktemp -d)}
        port=56379
        echo "Starting a throwaway Redis on port $port" >&2
        redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
            --pidfile "$scratch/redis.pid" --dir "$scratch" --logfile "$scratch/redis.log"
        for _ in $(seq 50); do answers 127.0.0.1 "$port" && break; sleep 0.1; done
        export REDIS_URL="redis://127.0.0.1:$port/1"
    else
        echo "make test needs Redis: set REDIS_URL, run a server on 127.0.0.1:6379, or install it (apt-get install redis-server)." >&2
        exit 1
    fi
fi

cd "$here"
# The test settings, whatever the shell says (one set up for production must not point the suite
# at production's database and media).
export DJANGO_SETTINGS_MODULE=dress_store.settings.test
"$python" -m pytest "$@"
