#!/usr/bin/env bash
# The real SMTP server of the send tests (issue 22): Mailpit, built from the Go module proxy.
#
#   scripts/mailpit.sh build   build Mailpit v1.33.1 (go install) into $SAVBILLING_MAILPIT_DIR unless it
#                              is there already, and print its path on stdout; the tests find it there
#   scripts/mailpit.sh start   build it if needed, start one on two free loopback ports (SMTP without TLS
#                              or AUTH, HTTP API), print `export SAVBILLING_MAILPIT_SMTP=127.0.0.1:PORT`
#                              and `export SAVBILLING_MAILPIT_API=http://127.0.0.1:PORT` on stdout
#   scripts/mailpit.sh stop    kill the server started, by its pid, and remove its directory
#
# The binary lives in $SAVBILLING_MAILPIT_DIR (default ~/.cache/savbilling/mailpit-v1.33.1): the
# default is where internal/mailpit looks; elsewhere, point SAVBILLING_MAILPIT at the binary.
# Building takes about a minute and ~35 MB; CI (.ci/run) builds it before `make test`, where the
# send tests fail when it is missing (elsewhere they skip, loudly).
# Use: eval "$(scripts/mailpit.sh start)"; savbilling send --smtp "smtp://$SAVBILLING_MAILPIT_SMTP?tls=none" …
# Messages go to stderr; stdout carries only what to eval (or the path, for build).
set -euo pipefail

VERSION=v1.33.1
BIN_DIR=${SAVBILLING_MAILPIT_DIR:-$HOME/.cache/savbilling/mailpit-$VERSION}
BIN=$BIN_DIR/mailpit
RUN_DIR=${TMPDIR:-/tmp}/savbilling-mailpit
PIDFILE=$RUN_DIR/pid

say() { echo "mailpit.sh: $*" >&2; }

build() {
	if [[ -x $BIN ]]; then
		echo "$BIN"
		return
	fi
	say "building Mailpit $VERSION into $BIN_DIR (about a minute)"
	mkdir -p "$BIN_DIR"
	# -p 1: the machine is shared; GOFLAGS: no VCS stamping outside a repository
	GOBIN=$BIN_DIR GOFLAGS=-buildvcs=false nice -n 10 go install -p 1 "github.com/axllent/mailpit@$VERSION" >&2
	echo "$BIN"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

case ${1:-} in
build) build ;;
start)
	build >/dev/null
	mkdir -p "$RUN_DIR"
	if [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
		say "already running (pid $(cat "$PIDFILE"))"
		cat "$RUN_DIR/env"
		exit 0
	fi
	smtp=$(free_port)
	api=$(free_port)
	"$BIN" --smtp "127.0.0.1:$smtp" --listen "127.0.0.1:$api" --database "$RUN_DIR/mailpit.db" --max 0 --quiet \
		--smtp-disable-rdns >"$RUN_DIR/log" 2>&1 &
	echo $! >"$PIDFILE"
	for _ in $(seq 100); do
		if curl -fs "http://127.0.0.1:$api/api/v1/messages?limit=1" >/dev/null 2>&1; then
			printf 'export SAVBILLING_MAILPIT_SMTP=127.0.0.1:%s\nexport SAVBILLING_MAILPIT_API=http://127.0.0.1:%s\n' "$smtp" "$api" | tee "$RUN_DIR/env"
			say "started (pid $(cat "$PIDFILE")); log in $RUN_DIR/log"
			exit 0
		fi
		sleep 0.1
	done
	say "did not start; log:"
	cat "$RUN_DIR/log" >&2
	exit 1
	;;
stop)
	if [[ -f $PIDFILE ]]; then
		pid=$(cat "$PIDFILE")
		if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q mailpit; then
			kill "$pid"
		fi
	fi
	rm -rf "$RUN_DIR"
	;;
*)
	echo "usage: $0 build|start|stop" >&2
	exit 2
	;;
esac
