#!/usr/bin/env bash
# The send benchmark of issue 22: throughput of `savbilling send` to a local SMTP server (a real
# Mailpit, scripts/mailpit.sh) and its peak RSS, for networks of several sizes.
#
#   scripts/send-bench.sh [N …]      default: 200 2000 (repairers, so statements)
#
# For each N: a SQLite database with a synthetic network of N repairers (sample.Network, seed 1,
# one month, 2026-08, 20 interventions per repairer) closed with its outputs (cached under
# $BENCH_DIR, default ${TMPDIR:-/tmp}/savbilling-send-bench, keyed by N); a fresh Mailpit; then
# `savbilling send` without rate limit (smtp.rate = 0), timed by GNU time: wall, CPU, peak RSS.
# The send log is emptied before each run (SEND_RUNS runs, default 3; the median is printed).
# Targets (issue 22): at least 50 messages/s for 2 000 statements, and the peak RSS for 2 000
# within 1.2× that for 200.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/savbilling-send-bench}
RUNS=${SEND_RUNS:-3}
SIZES=("$@")
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(200 2000)
export SAVBILLING_NOW=2026-09-02T06:00:00Z
PERIOD=2026-08

say() { echo "send-bench: $*" >&2; }
command -v /usr/bin/time >/dev/null || {
	say "/usr/bin/time (GNU time) is needed for the peak RSS: apt-get install time"
	exit 1
}
mkdir -p "$BENCH_DIR" bin
go build -o bin/savbilling ./cmd/savbilling
BIN=$(pwd)/bin/savbilling
MAILPIT=$(scripts/mailpit.sh build)

mp_pid=
stop_mailpit() { [[ -z $mp_pid ]] || { kill "$mp_pid" 2>/dev/null || true; wait "$mp_pid" 2>/dev/null || true; mp_pid=; }; }
trap stop_mailpit EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

printf '%-6s %-8s %-10s %-8s %-10s %s\n' "N" "sent" "wall s" "cpu s" "msg/s" "peak RSS MiB"
for n in "${SIZES[@]}"; do
	dir=$BENCH_DIR/n$n
	db=sqlite:$dir/savbilling.db
	if [[ ! -f $dir/out/$PERIOD/manifest.json ]]; then
		rm -rf "$dir" && mkdir -p "$dir"
		say "N=$n: seeding and closing $PERIOD"
		"$BIN" seed --repairers "$n" --interventions $((n * 20)) --months 1 --last $PERIOD --db "$db" >/dev/null
		"$BIN" close --period $PERIOD --db "$db" --out "$dir/out" >/dev/null 2>&1
	fi
	"$BIN" migrate --db "$db" >/dev/null # a database cached by an older binary
	cat >"$dir/send.toml" <<TOML
[smtp]
rate = 0
TOML
	results=()
	for run in $(seq "$RUNS"); do
		stop_mailpit
		smtp=$(free_port)
		api=$(free_port)
		rm -f "$dir/mailpit.db"*
		"$MAILPIT" --smtp "127.0.0.1:$smtp" --listen "127.0.0.1:$api" --database "$dir/mailpit.db" --max 0 --quiet --smtp-disable-rdns \
			>"$dir/mailpit.log" 2>&1 &
		mp_pid=$!
		for _ in $(seq 100); do curl -fs "http://127.0.0.1:$api/api/v1/messages?limit=1" >/dev/null 2>&1 && break; sleep 0.1; done
		sqlite3 "$dir/savbilling.db" "DELETE FROM sb_send_log" 2>/dev/null ||
			python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('DELETE FROM sb_send_log'); c.commit()" "$dir/savbilling.db"
		/usr/bin/time -f "TIME %e %U %S %M" -o "$dir/time" "$BIN" send --period $PERIOD --db "$db" --out "$dir/out" \
			--smtp "smtp://127.0.0.1:$smtp?tls=none" --config "$dir/send.toml" >"$dir/stdout" 2>"$dir/stderr" || {
			say "send failed:"
			cat "$dir/stdout" "$dir/stderr" >&2
			exit 1
		}
		sent=$(sed -n 's/^send of [0-9-]*: \([0-9]*\) sent now.*/\1/p' "$dir/stdout")
		got=$(curl -fs "http://127.0.0.1:$api/api/v1/messages?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
		[[ $got == "$sent" ]] || { say "N=$n: the server holds $got messages, the send says $sent"; exit 1; }
		read -r _ wall user sys rss <"$dir/time"
		results+=("$(python3 -c "import sys; w,u,s,r,n=map(float,sys.argv[1:]); print(f'{w:.2f} {u+s:.2f} {n/w:.0f} {r/1024:.1f} {int(n)}')" "$wall" "$user" "$sys" "$rss" "$sent")")
	done
	median=$(printf '%s\n' "${results[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
	read -r wall cpu rate rss sent <<<"$median"
	printf '%-6s %-8s %-10s %-8s %-10s %s\n' "$n" "$sent" "$wall" "$cpu" "$rate" "$rss"
	echo "$n $rss" >>"$BENCH_DIR/rss.$$"
done
if [[ -f $BENCH_DIR/rss.$$ ]] && [[ $(wc -l <"$BENCH_DIR/rss.$$") -ge 2 ]]; then
	python3 - "$BENCH_DIR/rss.$$" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
(n0, r0), (n1, r1) = rows[0], rows[-1]
print(f"peak RSS N={n1} / N={n0}: {float(r1)/float(r0):.2f}× (target ≤ 1.2×)")
PY
fi
rm -f "$BENCH_DIR/rss.$$"
