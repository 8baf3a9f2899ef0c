#!/usr/bin/env bash
# A throwaway MariaDB server for the test suite (see docs/mariadb.md of the shared docs).
#
#   scripts/mariadb.sh start   install MariaDB if missing (as root, via apt), start a server in a
#                              temporary directory (or reuse the one already running), print
#                              `export SAVBILLING_TEST_MYSQL_DSN=...` on stdout, and
#                              `export SAVBILLING_MARIADB_STARTED=1` when it started a new one
#   scripts/mariadb.sh env     print the export line of the running server
#   scripts/mariadb.sh stop    kill the server by its pid and remove its directory
#   scripts/mariadb.sh status  exit 0 when the server is running
#
# Use: eval "$(scripts/mariadb.sh start)"; go test ./...; scripts/mariadb.sh stop
# The state lives in $SAVBILLING_MARIADB_DIR (default ${TMPDIR:-/tmp}/savbilling-mariadb).
# $SAVBILLING_MARIADB_OPTS adds server options (scripts/bench.sh: a larger buffer pool).
# Messages go to stderr; stdout carries only shell to eval.
set -euo pipefail

DIR=${SAVBILLING_MARIADB_DIR:-${TMPDIR:-/tmp}/savbilling-mariadb}
SOCK=$DIR/sock
PIDFILE=$DIR/pid
PORTFILE=$DIR/port
USER_NAME=sav
USER_PW=sav

say() { echo "mariadb.sh: $*" >&2; }

# ours PID: PID is alive and is a mariadbd (a stale pid file may name a recycled pid).
ours() {
	[[ -n $1 ]] && kill -0 "$1" 2>/dev/null && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q mariadbd
}

running() {
	[[ -f $PIDFILE ]] || return 1
	local pid
	pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
	ours "$pid" || return 1
	mariadb-admin --no-defaults --socket="$SOCK" -uroot ping >/dev/null 2>&1
}

print_env() {
	local port
	port=$(cat "$PORTFILE")
	echo "export SAVBILLING_TEST_MYSQL_DSN='${USER_NAME}:${USER_PW}@tcp(127.0.0.1:${port})/'"
}

install() {
	command -v mariadbd >/dev/null 2>&1 && command -v mariadb-install-db >/dev/null 2>&1 && return 0
	if [[ $(id -u) != 0 ]]; then
		say "mariadbd is not installed and we are not root: install mariadb-server and mariadb-client"
		exit 1
	fi
	say "installing mariadb-server and mariadb-client"
	apt-get update >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends mariadb-server mariadb-client >&2
}

port_free() { ! (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
	if running; then
		say "reusing the server running in $DIR"
		print_env
		return 0
	fi
	install
	stop_quiet
	mkdir -p "$DIR"
	local port=33306
	while ! port_free "$port"; do
		port=$((port + 1))
		if ((port > 33406)); then
			say "no free port in 33306..33406"
			exit 1
		fi
	done
	echo "$port" >"$PORTFILE"
	local user
	user=$(id -un)
	say "initialising a data directory in $DIR/data"
	mariadb-install-db --no-defaults --datadir="$DIR/data" --user="$user" \
		--auth-root-authentication-method=normal --skip-test-db >"$DIR/install.log" 2>&1 || {
		cat "$DIR/install.log" >&2
		exit 1
	}
	# Throwaway server: durability traded for speed.
	nohup mariadbd --no-defaults --datadir="$DIR/data" --socket="$SOCK" --port="$port" \
		--bind-address=127.0.0.1 --user="$user" --pid-file="$PIDFILE" --log-error="$DIR/err.log" \
		--skip-log-bin --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
		--innodb-buffer-pool-size=128M --max-connections=500 ${SAVBILLING_MARIADB_OPTS:-} >/dev/null 2>&1 &
	local i
	for ((i = 0; i < 300; i++)); do
		if mariadb-admin --no-defaults --socket="$SOCK" -uroot ping >/dev/null 2>&1; then
			break
		fi
		sleep 0.1
	done
	if ! running; then
		say "the server did not start; its log:"
		cat "$DIR/err.log" >&2 || true
		exit 1
	fi
	mariadb --no-defaults --socket="$SOCK" -uroot -e "
		CREATE USER IF NOT EXISTS '${USER_NAME}'@'127.0.0.1' IDENTIFIED BY '${USER_PW}';
		CREATE USER IF NOT EXISTS '${USER_NAME}'@'localhost' IDENTIFIED BY '${USER_PW}';
		GRANT ALL ON *.* TO '${USER_NAME}'@'127.0.0.1';
		GRANT ALL ON *.* TO '${USER_NAME}'@'localhost';"
	say "started MariaDB $(mariadbd --version | awk '{print $3}') on 127.0.0.1:$port (pid $(cat "$PIDFILE"))"
	print_env
	echo "export SAVBILLING_MARIADB_STARTED=1"
}

stop_quiet() {
	if [[ -f $PIDFILE ]]; then
		local pid i
		pid=$(cat "$PIDFILE" 2>/dev/null || true)
		if ours "$pid"; then
			kill "$pid" 2>/dev/null || true
			for ((i = 0; i < 300; i++)); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
			if kill -0 "$pid" 2>/dev/null; then
				kill -9 "$pid" 2>/dev/null || true
			fi
		fi
	fi
	rm -rf "$DIR"
}

case ${1:-} in
start) start ;;
env)
	if running; then print_env; else
		say "no server running in $DIR"
		exit 1
	fi
	;;
stop)
	stop_quiet
	say "stopped"
	;;
status) running ;;
*)
	echo "usage: $0 start|stop|env|status" >&2
	exit 2
	;;
esac
