#!/usr/bin/env bash
# The close benchmark of issue 7: times `savbilling close` of a synthetic month, per stage, with
# peak RSS, median of several runs, on SQLite and on MariaDB.
#
#   scripts/bench.sh [S|L|H] [sqlite|mysql|both]   default: S both
#   scripts/bench.sh stop                          stop the bench's MariaDB server (drops its data)
#
# Workloads (sample.Network, seed 1, three months ending 2026-08):
#   S  2 000 repairers,    100 000 interventions a month (~250 000 operations)
#   L  20 000 repairers, 1 000 000 interventions a month (~2.5 M operations)
#   H  history flatness (issue 24): 5 000 repairers, 200 000 interventions a month, two
#      databases: H1 holds the one month 2026-08, H24 the 24 months 2024-09..2026-08 with the
#      first 23 closed untimed; the close of 2026-08 is timed in each, the two alternated run
#      after run, and the ratios H24 / H1 of the read stage and of the wall time printed (target:
#      at most 1.1). The history's outputs are deleted month by month (5 000 statements each).
# The first two months are closed untimed (the history); the close of the third, 2026-08, is
# timed BENCH_RUNS times (default 3), each time from the same state: SQLite from a copy of the
# database, MariaDB after deleting what the previous run booked and waiting for InnoDB to purge
# it. Printed: the median of each figure over the runs (wall, CPU, peak RSS of the savbilling
# process, and the stages of `savbilling close --stages`), then every run.
#
# Seeded databases are cached under $BENCH_DIR (default ${TMPDIR:-/tmp}/savbilling-bench):
# SQLite files, and a throwaway MariaDB server (scripts/mariadb.sh, 2 GiB buffer pool) left
# running between invocations (`scripts/bench.sh stop`). With SAVBILLING_BENCH_MYSQL_DSN
# (go-sql-driver DSN without database, e.g. sav:sav@tcp(127.0.0.1:3306)/) that server is used
# instead. The cache of the closed history is keyed by the binary's hash: any code change closes
# the two history months again (L: a few minutes; seeding L: several minutes per engine). On
# SQLite the histories of the last two binaries are kept, so alternating two binaries (the way
# to compare them on a machine whose file system speed drifts) closes each history once.
#
# BENCH_PROFILE=1 also writes a CPU and an allocation profile of the last timed run
# (SAVBILLING_CPUPROFILE / SAVBILLING_MEMPROFILE) next to its outputs, for `go tool pprof`.
# BENCH_CHECK=1 then checks the last run (the acceptance check at scale): the manifest's counts
# and totals equal the ledger's sums (statements, invoices, and the commission lines, which must
# add up to the statements' commissions), and `savbilling render` of the period into another
# folder gives a manifest listing the same files with the same SHA-256 (every PDF and the
# workbook byte-identical).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/savbilling-bench}
RUNS=${BENCH_RUNS:-3}
LAST=2026-08
export SAVBILLING_NOW=2026-09-02T06:00:00Z # documents dated the same day at every run

say() { echo "bench: $*" >&2; }

if [[ ${1:-} == stop ]]; then
	SAVBILLING_MARIADB_DIR=$BENCH_DIR/mariadb scripts/mariadb.sh stop
	exit 0
fi
W=${1:-S}
ENGINES=${2:-both}
case $W in
S) REPAIRERS=2000 INTERVENTIONS=100000 ;;
L) REPAIRERS=20000 INTERVENTIONS=1000000 ;;
H) REPAIRERS=${BENCH_H_REPAIRERS:-5000} INTERVENTIONS=${BENCH_H_INTERVENTIONS:-200000} ;; # smaller: to try the script
*)
	echo "usage: $0 [S|L|H] [sqlite|mysql|both] | stop" >&2
	exit 2
	;;
esac
case $ENGINES in
both) ENGINES="sqlite mysql" ;;
sqlite | mysql) ;;
*)
	echo "usage: $0 [S|L] [sqlite|mysql|both] | stop" >&2
	exit 2
	;;
esac
command -v /usr/bin/time >/dev/null || {
	say "/usr/bin/time (GNU time) is needed for the peak RSS: apt-get install time"
	exit 1
}

mkdir -p "$BENCH_DIR"
BIN=$BENCH_DIR/savbilling
go build -o "$BIN" ./cmd/savbilling
KEY=$(sha256sum "$BIN" | cut -c1-12)

# Output trees are not deleted just before a timed run. On ext4, a file created soon after many
# were deleted nearby costs several times more kernel time (inode allocation skips, one by one, the
# inodes freed in the last minute or so: recently_deleted in fs/ext4/ialloc.c): deleting the
# previous run's 20 000 PDFs right before a close made its PDF stage 4-7 s slower here, which a
# monthly close never sees. discard moves a tree to the trash; the trash is emptied when the script
# ends, and a timed run starts only once the last emptying is 65 s old.
TRASH=$BENCH_DIR/trash
discard() {
	local d
	for d in "$@"; do
		[[ -e $d ]] || continue
		mkdir -p "$TRASH"
		mv "$d" "$(mktemp -d "$TRASH/XXXXXX")/"
	done
}
empty_trash() {
	if [[ -d $TRASH ]]; then
		rm -rf "$TRASH"
		sync
		date +%s >"$BENCH_DIR/trash-emptied"
	fi
}
trap empty_trash EXIT
settle_deletes() {
	local last wait
	last=$(cat "$BENCH_DIR/trash-emptied" 2>/dev/null || echo 0)
	wait=$((last + 65 - $(date +%s)))
	if ((wait > 0)); then
		say "waiting ${wait} s: files were deleted less than a minute ago (see discard)"
		sleep "$wait"
	fi
}

# timed RUNDIR DB: one timed close of $LAST into RUNDIR/out; appends a result line to RUNDIR/runs:
# wall_s cpu_s rss_mb read compute book pdf workbook manifest (ms)
timed() {
	local dir=$1 db=$2 prof=()
	discard "$dir/out"
	settle_deletes
	sync
	if [[ ${BENCH_PROFILE:-} == 1 ]]; then
		prof=(env SAVBILLING_CPUPROFILE="$dir/cpu.pprof" SAVBILLING_MEMPROFILE="$dir/mem.pprof")
	fi
	"${prof[@]}" /usr/bin/time -f "TIME %e %U %S %M" "$BIN" close --stages --period "$LAST" --db "$db" --out "$dir/out" \
		>"$dir/stdout" 2>"$dir/stderr" || {
		cat "$dir/stdout" "$dir/stderr" >&2
		return 1
	}
	local t s
	t=$(grep '^TIME ' "$dir/stderr")
	s=$(grep '^stages: ' "$dir/stdout")
	val() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$s"; }
	# shellcheck disable=SC2086
	set -- $t
	printf '%s %.2f %d %s %s %s %s %s %s\n' "$2" "$(echo "$3 + $4" | bc)" $(($5 / 1024)) \
		"$(val read_ms)" "$(val compute_ms)" "$(val book_ms)" "$(val pdf_ms)" "$(val workbook_ms)" "$(val manifest_ms)" >>"$dir/runs"
}

# report NAME RUNDIR: the medians and the runs
report() {
	local name=$1 dir=$2
	python3 - "$name" "$dir/runs" <<'EOF'
import statistics, sys
name, path = sys.argv[1], sys.argv[2]
rows = [l.split() for l in open(path) if l.strip()]
cols = ["wall s", "cpu s", "RSS MiB", "read", "compute", "book", "pdf", "workbook", "manifest"]
med = [statistics.median(float(r[i]) for r in rows) for i in range(len(cols))]
print(f"\n== {name}: median of {len(rows)} runs (stages in ms)")
print("  " + "  ".join(f"{c:>9}" for c in cols))
fmt = lambda v, i: f"{v:9.2f}" if i < 2 else f"{v:9.0f}"
print("  " + "  ".join(fmt(v, i) for i, v in enumerate(med)))
for r in rows:
    print("  " + "  ".join(fmt(float(v), i) for i, v in enumerate(r)) + "   (run)")
EOF
}

# check NAME RUNDIR DB QUERY-COMMAND: the acceptance check of the last run (BENCH_CHECK=1).
# QUERY-COMMAND runs one SQL statement and prints its single row, space- or tab-separated.
check() {
	local name=$1 dir=$2 db=$3
	shift 3
	local p=$LAST
	say "$name: checking the manifest against the ledger, and a re-render"
	local st inv com
	st=$("$@" "SELECT COUNT(*), SUM(gross_cents), SUM(deductions_cents), SUM(installments_cents), SUM(net_ht_cents), SUM(vat_cents), SUM(spread_cents) FROM sb_statements WHERE period = '$p'")
	inv=$("$@" "SELECT COUNT(*), COALESCE(SUM(ht_cents), 0) FROM sb_invoices WHERE period = '$p'")
	com=$("$@" "SELECT COUNT(*), SUM(amount_cents) FROM sb_commissions WHERE period = '$p'")
	discard "$dir/rerender"
	"$BIN" render --period "$p" --db "$db" --out "$dir/rerender" >/dev/null 2>&1
	python3 "$ROOT/scripts/check-manifest.py" "$dir/out/$p/manifest.json" "$dir/rerender/$p/manifest.json" "$st" "$inv" "$com"
}

# history_of MONTHS: the months a database of MONTHS months ending $LAST closes untimed, oldest
# first (all but $LAST).
history_of() {
	python3 - "$LAST" "$1" <<'EOF'
import sys
y, m = map(int, sys.argv[1].split("-"))
n = int(sys.argv[2])
out = []
for k in range(n - 1, 0, -1):
    yy, mm = y, m - k
    while mm < 1:
        yy, mm = yy - 1, mm + 12
    out.append(f"{yy:04d}-{mm:02d}")
print(" ".join(out))
EOF
}

# close_history DB OUTDIR MONTH...: closes each month untimed, its outputs deleted at once.
close_history() {
	local db=$1 out=$2 p
	shift 2
	for p in "$@"; do
		say "  history: close $p"
		"$BIN" close --period "$p" --db "$db" --out "$out" >"$out.log" 2>&1 || {
			cat "$out.log" >&2
			return 1
		}
		discard "$out"
		empty_trash
	done
}

# prepare_sqlite NAME MONTHS: seeds workload NAME (MONTHS months ending $LAST) once, closes its
# history with this binary once (cached), and sets HISTORY_DB to the database to copy for a run.
prepare_sqlite() {
	local name=$1 months=$2
	local base=$BENCH_DIR/$name-sqlite
	mkdir -p "$base"
	if [[ ! -f $base/seeded.db ]]; then
		say "seeding $name into SQLite (once; cached in $base/seeded.db)"
		rm -f "$base"/seeding.db*
		"$BIN" seed --repairers "$REPAIRERS" --interventions "$INTERVENTIONS" --months "$months" --last "$LAST" --seed 1 \
			--db "sqlite:$base/seeding.db" >&2
		mv "$base/seeding.db" "$base/seeded.db"
	fi
	HISTORY_DB=$base/history-$KEY.db
	if [[ ! -f $HISTORY_DB ]]; then
		local history
		read -ra history <<<"$(history_of "$months")"
		say "closing the history of $name (${#history[@]} months) on SQLite with this binary (cached for it)"
		# keep the history of the binary used just before (alternating two binaries re-closes none)
		{ ls -t "$base"/history-*.db 2>/dev/null || true; } | tail -n +2 | xargs -r rm -f
		rm -f "$base"/work.db*
		cp "$base/seeded.db" "$base/work.db"
		"$BIN" migrate --db "sqlite:$base/work.db" >/dev/null
		close_history "sqlite:$base/work.db" "$base/history-out" "${history[@]}"
		mv "$base/work.db" "$HISTORY_DB"
	fi
}

# run_sqlite NAME HISTORY_DB: one timed close of $LAST from a copy of HISTORY_DB into the run
# folder of NAME.
run_sqlite() {
	local run=$BENCH_DIR/$1-sqlite/run
	mkdir -p "$run"
	rm -f "$run"/run.db*
	cp "$2" "$run/run.db"
	"$BIN" migrate --db "sqlite:$run/run.db" >/dev/null # a history closed with no month (H1) is at the seed's version
	timed "$run" "sqlite:$run/run.db"
}

bench_sqlite() {
	if [[ $W == H ]]; then
		local h1 h24 i
		prepare_sqlite H1 1
		h1=$HISTORY_DB
		prepare_sqlite H24 24
		h24=$HISTORY_DB
		discard "$BENCH_DIR/H1-sqlite/run" "$BENCH_DIR/H24-sqlite/run"
		for i in $(seq "$RUNS"); do
			say "SQLite H: timed close of $LAST, run $i/$RUNS, one month then 24 months of data"
			run_sqlite H1 "$h1"
			run_sqlite H24 "$h24"
		done
		report "H1 (one month) on SQLite" "$BENCH_DIR/H1-sqlite/run"
		report "H24 (24 months) on SQLite" "$BENCH_DIR/H24-sqlite/run"
		flatness "SQLite" "$BENCH_DIR/H1-sqlite/run" "$BENCH_DIR/H24-sqlite/run"
		return
	fi
	prepare_sqlite "$W" 3
	local run=$BENCH_DIR/$W-sqlite/run i
	discard "$run"
	for i in $(seq "$RUNS"); do
		say "SQLite $W: timed close of $LAST, run $i/$RUNS"
		run_sqlite "$W" "$HISTORY_DB"
	done
	report "$W on SQLite" "$run"
	if [[ ${BENCH_CHECK:-} == 1 ]]; then
		check "$W on SQLite" "$run" "sqlite:$run/run.db" python3 -c 'import sqlite3, sys; print(*sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone())' "$run/run.db"
	fi
}

# flatness ENGINE H1-RUNDIR H24-RUNDIR: the ratios of the medians, 24 months over one (issue 24's
# target: at most 1.1 for the read stage and for the whole close).
flatness() {
	python3 - "$@" <<'EOF'
import statistics, sys
eng, one, many = sys.argv[1:]
def med(path, i):
    return statistics.median(float(l.split()[i]) for l in open(path + "/runs") if l.strip())
w1, w24 = med(one, 0), med(many, 0)
r1, r24 = med(one, 3), med(many, 3)
print(f"\n== history flatness on {eng}: month 24 of 24 against month 1 of 1")
print(f"  read  {r1:.0f} ms -> {r24:.0f} ms: x{r24 / r1:.2f}   (target <= 1.10)")
print(f"  wall  {w1:.2f} s -> {w24:.2f} s: x{w24 / w1:.2f}   (target <= 1.10)")
EOF
}

mysql_start() {
	if [[ -n ${SAVBILLING_BENCH_MYSQL_DSN:-} ]]; then
		DSN=$SAVBILLING_BENCH_MYSQL_DSN
		return
	fi
	local env_lines
	env_lines=$(SAVBILLING_MARIADB_DIR=$BENCH_DIR/mariadb \
		SAVBILLING_MARIADB_OPTS="--innodb-buffer-pool-size=2G --innodb-log-file-size=512M" scripts/mariadb.sh start)
	eval "$env_lines"
	DSN=$SAVBILLING_TEST_MYSQL_DSN
	say "MariaDB of the bench: $DSN (left running; scripts/bench.sh stop)"
}

# sql DATABASE STATEMENTS: runs statements on the bench server through the job's driver-free way:
# the mariadb client, from the DSN's user, password, host and port.
sql() {
	local db=$1
	shift
	local user pass host port
	user=${DSN%%:*}
	pass=${DSN#*:}
	pass=${pass%%@*}
	host=$(sed -n 's/.*tcp(\([^:]*\):\([0-9]*\)).*/\1/p' <<<"$DSN")
	port=$(sed -n 's/.*tcp(\([^:]*\):\([0-9]*\)).*/\2/p' <<<"$DSN")
	mariadb --no-defaults -h"$host" -P"$port" -u"$user" -p"$pass" -N ${db:+"$db"} -e "$*"
}

# prepare_mysql NAME MONTHS: seeds workload NAME into the bench server's database savbench_NAME
# once, closes its history with this binary once, and sets DBSPEC.
prepare_mysql() {
	local name=$1 months=$2
	local base=$BENCH_DIR/$name-mysql db=savbench_$name
	mkdir -p "$base"
	DBSPEC="mysql:${DSN}${db}"
	if [[ $(sql "" "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$db' AND TABLE_NAME = 'bench_seeded'") != 1 ]]; then
		say "seeding $name into MariaDB database $db (once; kept on the bench server)"
		sql "" "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db CHARACTER SET utf8mb4"
		"$BIN" seed --repairers "$REPAIRERS" --interventions "$INTERVENTIONS" --months "$months" --last "$LAST" --seed 1 \
			--db "$DBSPEC" >&2
		sql "$db" "CREATE TABLE bench_seeded (k INT)"
	fi
	if [[ $(sql "$db" "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$db' AND TABLE_NAME = 'bench_history_$KEY'") != 1 ]]; then
		local history tables
		read -ra history <<<"$(history_of "$months")"
		say "closing the history of $name (${#history[@]} months) on MariaDB with this binary"
		tables=$(sql "" "SELECT GROUP_CONCAT(TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$db' AND (TABLE_NAME LIKE 'sb\\_%' OR TABLE_NAME LIKE 'bench\\_history\\_%' OR TABLE_NAME LIKE 'bench\\_snap\\_%')")
		if [[ $tables != NULL && -n $tables ]]; then
			sql "$db" "SET FOREIGN_KEY_CHECKS = 0; DROP TABLE IF EXISTS $tables"
		fi
		"$BIN" migrate --db "$DBSPEC" >/dev/null
		close_history "$DBSPEC" "$base/history-out" "${history[@]}"
		sql "$db" "CREATE TABLE bench_history_$KEY (k INT);
			CREATE TABLE bench_snap_sav_state AS SELECT * FROM sb_sav_state;
			CREATE TABLE bench_snap_plans AS SELECT * FROM sb_plans;
			CREATE TABLE bench_snap_source_months AS SELECT * FROM sb_source_months;
			CREATE TABLE bench_snap_source_pending AS SELECT * FROM sb_source_pending"
	fi
}

bench_mysql() {
	mysql_start
	if [[ $W == H ]]; then
		local s1 s24 i
		prepare_mysql H1 1
		s1=$DBSPEC
		prepare_mysql H24 24
		s24=$DBSPEC
		discard "$BENCH_DIR/H1-mysql/run" "$BENCH_DIR/H24-mysql/run"
		mkdir -p "$BENCH_DIR/H1-mysql/run" "$BENCH_DIR/H24-mysql/run"
		for i in $(seq "$RUNS"); do
			say "MariaDB H: timed close of $LAST, run $i/$RUNS, one month then 24 months of data"
			undo_mysql savbench_H1
			timed "$BENCH_DIR/H1-mysql/run" "$s1"
			undo_mysql savbench_H24
			timed "$BENCH_DIR/H24-mysql/run" "$s24"
		done
		report "H1 (one month) on MariaDB" "$BENCH_DIR/H1-mysql/run"
		report "H24 (24 months) on MariaDB" "$BENCH_DIR/H24-mysql/run"
		flatness "MariaDB" "$BENCH_DIR/H1-mysql/run" "$BENCH_DIR/H24-mysql/run"
		undo_mysql savbench_H1
		undo_mysql savbench_H24
		return
	fi
	prepare_mysql "$W" 3
	local db=savbench_$W
	local run=$BENCH_DIR/$W-mysql/run i
	discard "$run"
	mkdir -p "$run"
	for i in $(seq "$RUNS"); do
		say "MariaDB $W: timed close of $LAST, run $i/$RUNS"
		undo_mysql "$db"
		timed "$run" "$DBSPEC"
	done
	report "$W on MariaDB" "$run"
	if [[ ${BENCH_CHECK:-} == 1 ]]; then
		check "$W on MariaDB" "$run" "$DBSPEC" sql "$db"
	fi
	undo_mysql "$db"
}

# undo_mysql DB: back to the history closed, $LAST open (what a run of the bench booked, deleted).
undo_mysql() {
	local db=$1 p=$LAST
	sql "$db" "
		DELETE FROM sb_fec_numbers WHERE period = '$p';
		DELETE FROM sb_fec_periods WHERE period = '$p';
		DELETE FROM sb_debit_note_lines WHERE note_number IN (SELECT number FROM sb_debit_notes WHERE period = '$p');
		DELETE FROM sb_debit_notes WHERE period = '$p';
		DELETE FROM sb_invoice_lines WHERE invoice_number IN (SELECT number FROM sb_invoices WHERE period = '$p');
		DELETE FROM sb_invoices WHERE period = '$p';
		DELETE FROM sb_installments WHERE period = '$p';
		DELETE FROM sb_statements WHERE period = '$p';
		DELETE FROM sb_operations WHERE intervention_id IN (SELECT intervention_id FROM sb_commissions WHERE period = '$p');
		DELETE FROM sb_operation_marks WHERE period = '$p';
		DELETE FROM sb_commissions WHERE period = '$p';
		DELETE FROM sb_sav_lines WHERE period = '$p';
		DELETE FROM sb_claims WHERE period = '$p';
		DELETE FROM sb_goodwill WHERE period = '$p';
		DELETE FROM sb_anomalies WHERE period = '$p';
		DELETE FROM sb_pending WHERE period = '$p';
		DELETE FROM sb_sav_state;
		INSERT INTO sb_sav_state SELECT * FROM bench_snap_sav_state;
		DELETE FROM sb_plans WHERE created_period = '$p';
		UPDATE sb_plans p JOIN bench_snap_plans s ON s.id = p.id SET p.closed_period = s.closed_period, p.invoiced_cents = s.invoiced_cents, p.debit_noted_cents = s.debit_noted_cents;
		DELETE FROM sb_source_months;
		INSERT INTO sb_source_months SELECT * FROM bench_snap_source_months;
		DELETE FROM sb_source_pending;
		INSERT INTO sb_source_pending SELECT * FROM bench_snap_source_pending;
		DELETE FROM sb_periods WHERE period = '$p'"
	settle_mariadb
}

# settle_mariadb: waits (at most 10 minutes) until the bench's MariaDB server is idle, using less
# than 5 % of a core over 5 s: a timed close must not share the server's two cores with InnoDB's
# purge of what undo_mysql deleted (a million lines: a minute or more; timed at once, a run took
# 45-53 s instead of 36). With SAVBILLING_BENCH_MYSQL_DSN (no pid to watch) it sleeps
# BENCH_SETTLE seconds (default 60).
settle_mariadb() {
	local pidfile=$BENCH_DIR/mariadb/pid pid t0=$SECONDS a b
	if [[ -n ${SAVBILLING_BENCH_MYSQL_DSN:-} || ! -f $pidfile ]]; then
		sleep "${BENCH_SETTLE:-60}"
		return 0
	fi
	pid=$(cat "$pidfile")
	ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; } # user + system, 100 a second
	while ((SECONDS - t0 < 600)); do
		a=$(ticks)
		sleep 5
		b=$(ticks)
		if ((b - a < 25)); then
			say "MariaDB idle after $((SECONDS - t0)) s"
			return 0
		fi
	done
	say "MariaDB still busy after 10 minutes: timing anyway"
}

echo "savbilling close benchmark: workload $W ($REPAIRERS repairers, $INTERVENTIONS interventions a month), close of $LAST"
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB; load now: $(cut -d' ' -f1-3 /proc/loadavg)"
for e in $ENGINES; do
	case $e in
	sqlite) bench_sqlite ;;
	mysql) bench_mysql ;;
	esac
done
