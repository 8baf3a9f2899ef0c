package faults

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "modernc.org/sqlite"

	"savbilling/internal/dbtest"
	"savbilling/store"
)

// engineNames are the engines the suite runs on: sqlite always, mysql when dbtest says so (it
// fails under CI when MariaDB is missing).
func engineNames(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, e := range dbtest.Engines(t) {
		out = append(out, e.Name)
	}
	return out
}

// newDB returns a fresh, empty database of the engine, removed at the end of the test.
func newDB(t testing.TB, engine string) string {
	t.Helper()
	if engine == "sqlite" {
		return "sqlite:" + filepath.Join(t.TempDir(), "savbilling.db")
	}
	for _, e := range dbtest.Engines(t) {
		if e.Name == engine {
			return e.DB
		}
	}
	t.Fatalf("no %s engine", engine)
	return ""
}

// migrated returns a fresh database of the engine with the schema of the migrations.
func migrated(t testing.TB, engine string) string {
	t.Helper()
	db := newDB(t, engine)
	s, err := store.Open(bg, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(bg); err != nil {
		t.Fatal(err)
	}
	return db
}

// rawOpen opens a database/sql pool on a savbilling database name (sqlite:PATH or mysql:DSN), for
// the test to read the ledger and write source rows the store would not.
func rawOpen(t testing.TB, db string) *sql.DB {
	t.Helper()
	var (
		pool *sql.DB
		err  error
	)
	switch {
	case strings.HasPrefix(db, "sqlite:"):
		pool, err = sql.Open("sqlite", "file:"+strings.TrimPrefix(db, "sqlite:")+"?_pragma=busy_timeout(20000)&_pragma=journal_mode(WAL)")
	case strings.HasPrefix(db, "mysql:"):
		var cfg *mysql.Config
		cfg, err = mysql.ParseDSN(strings.TrimPrefix(db, "mysql:"))
		if err == nil {
			cfg.ParseTime, cfg.Loc = true, time.UTC
			if err = cfg.Apply(mysql.Charset("utf8mb4", "utf8mb4_unicode_ci")); err == nil {
				conn, cerr := mysql.NewConnector(cfg)
				if err = cerr; err == nil {
					pool = sql.OpenDB(conn)
				}
			}
		}
	default:
		t.Fatalf("rawOpen: unknown database %q", db)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	return pool
}

// mustExec runs statements on a raw pool, failing the test on error.
func mustExec(t testing.TB, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(bg, query, args...); err != nil {
		t.Fatalf("%s: %v", firstLine(query), err)
	}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + "…"
	}
	return s
}

// engineOf is "sqlite" or "mysql".
func engineOf(db string) string {
	engine, _, _ := strings.Cut(db, ":")
	return engine
}

// sourceTables are the tables of the contract that the job reads.
var sourceTables = []string{"repairers", "interventions", "intervention_operations", "sav_decisions", "client_credits", "overflow_overrides"}

// ledgerTables are the job's own tables, in an order that respects their references.
var ledgerTables = []string{"sb_periods", "sb_plans", "sb_statements", "sb_commissions", "sb_operations", "sb_operation_marks", "sb_sav_lines", "sb_sav_state",
	"sb_claims", "sb_goodwill", "sb_installments", "sb_invoices", "sb_invoice_lines", "sb_anomalies", "sb_pending"}

// cloneDB copies database from (source tables and ledger) into a fresh database of the same
// engine and returns its name. SQLite: the file is copied; MariaDB: a migrated database gets
// every row with INSERT … SELECT.
func cloneDB(t testing.TB, from string) string {
	t.Helper()
	if engineOf(from) == "sqlite" {
		src := strings.TrimPrefix(from, "sqlite:")
		dst := filepath.Join(t.TempDir(), "savbilling.db")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if _, err := os.Stat(src + suffix); err == nil {
				copyFile(t, src+suffix, dst+suffix)
			}
		}
		return "sqlite:" + dst
	}
	to := migrated(t, "mysql")
	fromName, toName := mysqlDBName(t, from), mysqlDBName(t, to)
	pool := rawOpen(t, to)
	conn, err := pool.Conn(bg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{"SET FOREIGN_KEY_CHECKS = 0", "SET UNIQUE_CHECKS = 0"} {
		if _, err := conn.ExecContext(bg, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, table := range append(slices.Clone(sourceTables), ledgerTables...) {
		q := fmt.Sprintf("INSERT INTO `%s`.`%s` SELECT * FROM `%s`.`%s`", toName, table, fromName, table)
		if _, err := conn.ExecContext(bg, q); err != nil {
			t.Fatalf("clone %s: %v", table, err)
		}
	}
	return to
}

func mysqlDBName(t testing.TB, db string) string {
	cfg, err := mysql.ParseDSN(strings.TrimPrefix(db, "mysql:"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg.DBName
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// ledgerDump is a canonical text of the ledger: per sb_ table, its rows (columns joined with
// '|', NULL written NULL, times in UTC to the second), sorted.
type ledgerDump map[string][]string

func dumpLedger(t testing.TB, db *sql.DB) ledgerDump {
	t.Helper()
	out := ledgerDump{}
	for _, table := range ledgerTables {
		out[table] = queryRows(t, db, "SELECT * FROM "+table)
		sort.Strings(out[table])
	}
	return out
}

// queryRows returns the rows of a query as canonical text lines, in the order of the query.
func queryRows(t testing.TB, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(bg, query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	lines := []string{}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = canon(v)
		}
		lines = append(lines, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

func canon(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return string(x)
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05")
	default:
		return fmt.Sprint(x)
	}
}

// sum is a short hash of the dump, for logs.
func (d ledgerDump) sum() string {
	h := sha256.New()
	for _, table := range ledgerTables {
		fmt.Fprintf(h, "%s %d\n", table, len(d[table]))
		for _, l := range d[table] {
			fmt.Fprintln(h, l)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// diffLedger reports how got differs from want, table by table (at most a few lines each).
func diffLedger(want, got ledgerDump) []string {
	var out []string
	for _, table := range ledgerTables {
		w, g := want[table], got[table]
		if slices.Equal(w, g) {
			continue
		}
		missing, extra := setDiff(w, g), setDiff(g, w)
		out = append(out, fmt.Sprintf("%s: %d rows, want %d; missing %d (e.g. %v), extra %d (e.g. %v)",
			table, len(g), len(w), len(missing), head(missing, 3), len(extra), head(extra, 3)))
	}
	return out
}

// setDiff is the lines of a not in b (multiset).
func setDiff(a, b []string) []string {
	n := map[string]int{}
	for _, l := range b {
		n[l]++
	}
	var out []string
	for _, l := range a {
		if n[l] > 0 {
			n[l]--
			continue
		}
		out = append(out, l)
	}
	return out
}

func head[T any](s []T, n int) []T {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// count is SELECT COUNT(*) … as an int.
func count(t testing.TB, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(bg, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// checkGapless checks the ledger's numbering: statement sequences 1..n per repairer and year
// (a statement of account, outside the series, stores minus its month), invoice and debit note
// sequences 1..n per year, and numbers that spell their sequence.
func checkGapless(t testing.TB, db *sql.DB) {
	t.Helper()
	type key struct {
		repairer int64
		year     int
	}
	seqs := map[key][]int{}
	rows, err := db.QueryContext(bg, "SELECT repairer_id, year, seq, number FROM sb_statements")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k key
		var seq int
		var number string
		if err := rows.Scan(&k.repairer, &k.year, &seq, &number); err != nil {
			t.Fatal(err)
		}
		if seq < 0 {
			if want := fmt.Sprintf("RDC-%d-%04d-%02d", k.repairer, k.year, -seq); number != want {
				t.Errorf("statement of account %s has seq %d: want number %s", number, seq, want)
			}
			continue
		}
		if want := fmt.Sprintf("REL-%d-%04d-%04d", k.repairer, k.year, seq); number != want {
			t.Errorf("statement %s has seq %d: want number %s", number, seq, want)
		}
		seqs[k] = append(seqs[k], seq)
	}
	rows.Close()
	for k, s := range seqs {
		slices.Sort(s)
		for i, v := range s {
			if v != i+1 {
				t.Errorf("statements of repairer %d in %d: sequence %v is not 1..%d", k.repairer, k.year, s, len(s))
				break
			}
		}
	}
	for _, doc := range []struct{ table, prefix string }{{"sb_invoices", "FAC"}, {"sb_debit_notes", "NDD"}} {
		inv := map[int][]int{}
		rows, err = db.QueryContext(bg, "SELECT year, seq, number FROM "+doc.table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var year, seq int
			var number string
			if err := rows.Scan(&year, &seq, &number); err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("%s-%04d-%06d", doc.prefix, year, seq); number != want {
				t.Errorf("document %s has seq %d: want number %s", number, seq, want)
			}
			inv[year] = append(inv[year], seq)
		}
		rows.Close()
		for y, s := range inv {
			slices.Sort(s)
			for i, v := range s {
				if v != i+1 {
					t.Errorf("%s of %d: sequence %v is not 1..%d", doc.table, y, s, len(s))
					break
				}
			}
		}
	}
}
