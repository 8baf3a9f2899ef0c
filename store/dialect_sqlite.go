package store

// The SQLite dialect (modernc.org/sqlite): see dialect.go.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/pressly/goose/v3"

	sb "savbilling"
)

const (
	// sqliteBusyMillis is the busy timeout of ordinary SQLite connections.
	sqliteBusyMillis = 5000
	// sqliteCloseCacheKiB is the page cache of a close's SQLite connection (default: 2 MB). It
	// also sizes the sorter's in-memory runs: at workload L, 8 MB closes as fast as 32 MB with a
	// peak RSS 80 MB lower; 4 MB makes the inserts slower.
	sqliteCloseCacheKiB = 8 << 10
)

// sqliteDialect is the dialect of a SQLite database file.
type sqliteDialect struct{}

func (sqliteDialect) name() string                                { return dialectSQLite }
func (sqliteDialect) inspect(context.Context, *sql.DB) error      { return nil }
func (sqliteDialect) gooseDialect() goose.Dialect                 { return goose.DialectSQLite3 }
func (sqliteDialect) migrationOptions(*DB) []goose.ProviderOption { return nil }

// txOptions: a read-write transaction begins IMMEDIATE (DSN _txlock), taking the write lock; a
// read-only one is a plain deferred BEGIN.
func (sqliteDialect) txOptions(readOnly bool) *sql.TxOptions {
	return &sql.TxOptions{ReadOnly: readOnly}
}

// acquireCloseLock: the lock is the database write lock taken by BEGIN IMMEDIATE; here the
// connection's busy timeout is set to wait so that the BEGIN gives up after it (classified by
// isBusy).
func (sqliteDialect) acquireCloseLock(ctx context.Context, _ *DB, conn *sql.Conn, wait time.Duration) (release func(), err error) {
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", wait.Milliseconds())); err != nil {
		return nil, fmt.Errorf("set busy timeout: %w", err)
	}
	// A close inserts a month of commission lines, in an index order of their own: with SQLite's
	// default 2 MB page cache, a million lines spend most of their time reading and writing
	// index pages back. The cache grows only as far as a close needs it. A helper thread sorts
	// the lines in repairer order beside the main one (1–2 s less at L).
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d; PRAGMA threads = 2", sqliteCloseCacheKiB)); err != nil {
		return nil, fmt.Errorf("set cache size: %w", err)
	}
	return func() {
		rctx := context.WithoutCancel(ctx)
		if _, err := conn.ExecContext(rctx, fmt.Sprintf("PRAGMA busy_timeout = %d", sqliteBusyMillis)); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		// the connection goes back to the pool: give the cache back
		if _, err := conn.ExecContext(rctx, "PRAGMA cache_size = -2000; PRAGMA threads = 0; PRAGMA shrink_memory"); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}, nil
}

// lockSend: an flock on the file PATH.send-YYYY-MM.lock next to the database.
func (sqliteDialect) lockSend(_ context.Context, d *DB, p sb.Period) (release func(), err error) {
	path := strings.TrimPrefix(d.redacted, "sqlite:") + ".send-" + p.String() + ".lock"
	release, ok, err := flockFile(path)
	if err != nil {
		return nil, fmt.Errorf("take the send lock of %s: %w", p, err)
	}
	if !ok {
		return nil, fmt.Errorf("%s: %w", p, ErrSendLocked)
	}
	return release, nil
}

// sendConn keeps the connection's page cache to sendCacheKiB during fn, and sets it back to the
// default afterwards.
func (sqliteDialect) sendConn(ctx context.Context, conn *sql.Conn, fn func(conn *sql.Conn) error) error {
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", sendCacheKiB)); err != nil {
		return fmt.Errorf("set cache size: %w", err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA cache_size = -2000"); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	return fn(conn)
}

func (sqliteDialect) tableKind(ctx context.Context, q querier, name string) (string, error) {
	return catalogueKind(ctx, q, "SELECT type FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", name)
}

func (sqliteDialect) dropIndex(_, name string) string { return "DROP INDEX " + name }

func (sqliteDialect) indexExists(ctx context.Context, q querier, _, name string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?", name).Scan(&n)
	return n > 0, err
}

func (sqliteDialect) schemaTableQuery() string {
	return "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
}

func (sqliteDialect) relationQuery() string {
	return "SELECT COUNT(*) FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?"
}

func (sqliteDialect) primaryKeyQuery() string {
	return `SELECT COALESCE(MAX(p.name = 'id'), 0), COUNT(*) FROM sqlite_master m, pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name = ? AND p.pk > 0`
}

func (sqliteDialect) exactly(col string) string { return col + " = ? COLLATE BINARY" }

// maybeBefore: timestamps are text compared as text, so a value in another text form may be
// before the end too.
func (sqliteDialect) maybeBefore(col string) string {
	return "(" + col + " IS NULL OR " + col + " < ? OR " + col + " NOT GLOB '" + canonicalTime + "')"
}

func (sqliteDialect) maybeFrom(col string) string {
	return "(" + col + " IS NULL OR " + col + " >= ? OR " + col + " NOT GLOB '" + canonicalTime + "')"
}

func (sqliteDialect) bytes(col string) string      { return col }
func (sqliteDialect) indexedBy(name string) string { return " INDEXED BY " + name }

// upTo: the next UTC day ("YYYY-MM-DD"): timestamps are text compared as text (Tx.upTo).
func (sqliteDialect) upTo(end time.Time) any { return end.UTC().AddDate(0, 0, 1).Format(time.DateOnly) }

// fingerprint: one SUM of the ids; SQLite's SUM fails beyond 2^63, and then the high and low 32
// bits are summed apart (twice the work: only for ids that large).
func (sqliteDialect) fingerprint(ctx context.Context, q querier, id, from string, lo, hi any) (fingerprint, error) {
	var (
		fp         fingerprint
		sum        sql.NullInt64
		hi32, lo32 sql.NullInt64
	)
	err := q.QueryRowContext(ctx, "SELECT COUNT(*), SUM("+id+")"+from, lo, hi).Scan(&fp.count, &sum)
	if err == nil {
		fp.sum = strconv.FormatInt(sum.Int64, 10)
		return fp, nil
	}
	if !strings.Contains(err.Error(), "integer overflow") {
		return fp, err
	}
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*), SUM("+id+" >> 32), SUM("+id+" & 4294967295)"+from,
		lo, hi).Scan(&fp.count, &hi32, &lo32); err != nil {
		return fp, err
	}
	s := new(big.Int).Lsh(big.NewInt(hi32.Int64), 32)
	fp.sum = s.Add(s, big.NewInt(lo32.Int64)).String()
	return fp, nil
}

func (sqliteDialect) scopeInSQL() bool { return true }

func (sqliteDialect) insertIgnore() string { return "INSERT OR IGNORE" }

func (sqliteDialect) drivingJoin() (join, straight string) { return "CROSS JOIN", "" }
func (sqliteDialect) idOrderHint() string                  { return " NOT INDEXED" }

func (sqliteDialect) upsert(q string, key, set []string) string {
	for i, c := range set {
		set[i] = c + " = excluded." + c
	}
	return q + " ON CONFLICT (" + strings.Join(key, ", ") + ") DO UPDATE SET " + strings.Join(set, ", ")
}

// insertMany: multi-row INSERTs.
func (sqliteDialect) insertMany(ctx context.Context, tx *Tx, table string, cols []string, n int, row func(i int) []any) error {
	return insertRows(ctx, tx.tx, table, cols, n, row)
}

func (sqliteDialect) setStatement() bool { return false }
func (sqliteDialect) readsAside() bool   { return false }

// stageSummed: one pass into a temporary table, then INSERT … SELECT (stageSQLite).
func (sqliteDialect) stageSummed(ctx context.Context, tx, _ *Tx, r *closeRead, add func(int64, int, int64) error, spent *time.Duration) ([]int64, error) {
	return tx.stageSQLite(ctx, r, add, spent)
}

// sqliteDSN builds the modernc.org/sqlite DSN of the database file at path: WAL journal, foreign
// keys, a 5 s busy timeout, and BEGIN IMMEDIATE for read-write transactions (so that the close's
// transaction takes the write lock when it begins).
// Without create, mode=rw: SQLite opens the file only if it exists, never creating it.
func sqliteDSN(path string, create bool) string {
	// The file: URI form lets SQLite decode %XX; escape the characters that would end the path.
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	mode := ""
	if !create {
		mode = "mode=rw&"
	}
	return "file:" + esc + "?" + mode + fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate", sqliteBusyMillis)
}

// openSQLite opens the pool of the SQLite file at path (see sqlitePath for what it accepts);
// create creates the missing file, with mode 0600, and allows sqlite::memory:.
func openSQLite(path string, create bool) (*sql.DB, error) {
	path, err := sqlitePath(path)
	if err != nil {
		return nil, err
	}
	if create {
		err = createSQLiteFile(path)
	} else {
		err = existingSQLiteFile(path)
	}
	if err != nil {
		return nil, err
	}
	return sql.Open("sqlite", sqliteDSN(path, create))
}
