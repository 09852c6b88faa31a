#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 cluster.
#
#   scripts/with-postgres.sh CMD [ARG...]
#
# Starts a fresh cluster in a new temporary folder, listening on 127.0.0.1 only, on a free port
# in 54000-54999, with trust authentication on loopback only. Creates the role `nieuwestart`
# (LOGIN CREATEDB, no superuser, so pytest-django can create test_nieuwestart) and its database,
# runs CMD with DATABASE_URL=postgres://nieuwestart@127.0.0.1:PORT/nieuwestart exported, then
# stops the cluster and removes the folder on every way out. Exits with CMD's exit code.
#
# initdb refuses to run as root: as root, the server runs as the `postgres` OS user in a folder
# that user owns; as anyone else, it runs as that user.
#
# CMD runs in the foreground so it keeps stdin (a debugger works). Ctrl-C reaches CMD and the
# cluster is removed when CMD ends; a TERM sent to this script alone waits for CMD to end.
#
# Environment: PG_BINDIR (folder with initdb and pg_ctl; default /usr/lib/postgresql/15/bin,
# else the ones on PATH), TMPDIR (where the cluster folder goes; default /tmp).
set -euo pipefail

log() { printf 'with-postgres: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

[[ $# -gt 0 ]] || die "usage: $0 CMD [ARG...]"

if [[ -z "${PG_BINDIR:-}" ]]; then
    if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
        PG_BINDIR=/usr/lib/postgresql/15/bin
    elif command -v initdb >/dev/null 2>&1; then
        PG_BINDIR="$(dirname "$(readlink -f "$(command -v initdb)")")"
    else
        die "initdb not found: install PostgreSQL 15 (Debian: apt-get install postgresql-15)"
    fi
fi
for tool in initdb pg_ctl psql; do
    [[ -x "$PG_BINDIR/$tool" ]] || die "$PG_BINDIR/$tool not found or not executable"
done
pg_version="$("$PG_BINDIR/initdb" --version)"
[[ "$pg_version" == *" 15."* ]] || log "warning: expected PostgreSQL 15, found: $pg_version"

as_owner=()
if [[ "$(id -u)" -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' OS user"
    as_owner=(runuser -u postgres --)
fi

workdir="$(mktemp -d "${TMPDIR:-/tmp}/nieuwestart-pg.XXXXXX")"
datadir="$workdir/data"
logfile="$workdir/server.log"
started=0

cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [[ "$started" -eq 1 ]]; then
        local t0
        t0="$(now)"
        (cd "$workdir" && "${as_owner[@]}" "$PG_BINDIR/pg_ctl" stop -D "$datadir" -m fast -w -t 30 \
            >/dev/null) || log "warning: pg_ctl stop failed"
        log "cluster stopped in $(elapsed "$t0")s"
    fi
    rm -rf -- "$workdir"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if [[ ${#as_owner[@]} -gt 0 ]]; then
    chown postgres: "$workdir"
fi
chmod 700 "$workdir"

t0="$(now)"
# Run the server tools from inside the folder they own, so the postgres user never needs
# access to the caller's working directory.
(cd "$workdir" && "${as_owner[@]}" "$PG_BINDIR/initdb" -D "$datadir" -U postgres \
    --encoding=UTF8 --locale=C.UTF-8 --auth=trust --no-sync >"$workdir/initdb.log" 2>&1) || {
    cat "$workdir/initdb.log" >&2
    die "initdb failed"
}

# Loopback only: no other host may connect, and only over 127.0.0.1 or the private socket.
cat >"$datadir/pg_hba.conf" <<'EOF'
local all all              trust
host  all all 127.0.0.1/32 trust
EOF
# Throwaway data: durability settings off for speed.
cat >>"$datadir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$workdir'
fsync = off
synchronous_commit = off
full_page_writes = off
CONF

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

for _attempt in 1 2 3 4 5 6 7 8; do
    port=$((54000 + RANDOM % 1000))
    port_in_use "$port" && continue
    if (cd "$workdir" && "${as_owner[@]}" "$PG_BINDIR/pg_ctl" start -D "$datadir" -l "$logfile" \
        -w -t 30 -o "-p $port" >/dev/null); then
        started=1
        break
    fi
    log "could not start on port $port, trying another"
done
if [[ "$started" -ne 1 ]]; then
    [[ -f "$logfile" ]] && tail -n 20 "$logfile" >&2
    die "PostgreSQL did not start"
fi

"$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE nieuwestart LOGIN CREATEDB NOSUPERUSER" \
    -c "CREATE DATABASE nieuwestart OWNER nieuwestart" >/dev/null
log "${pg_version#initdb (PostgreSQL) } ready on 127.0.0.1:$port in $(elapsed "$t0")s"

export DATABASE_URL="postgres://nieuwestart@127.0.0.1:$port/nieuwestart"
set +e
"$@"
rc=$?
set -e
exit "$rc"
