# Sourced by the store benchmarks: a throwaway PostgreSQL cluster (Debian's server package) in
# $pgdir on a free loopback port $port, run as the postgres user when run as root, trusted
# without a password, stopped and removed when the script exits. Defines as_pg and psql_.
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
pgdir="$(mktemp -d)"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$pgdir"; fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
as_pg "$pgbin/initdb" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $pgdir" start >/dev/null
trap 'as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m fast stop >/dev/null; rm -rf "$pgdir"' EXIT
psql_() { as_pg "$pgbin/psql" -h "$pgdir" -p "$port" -U postgres -Atq -v ON_ERROR_STOP=1 "$@"; }
