package store

// The MySQL 8 / MariaDB dialect (github.com/go-sql-driver/mysql): see dialect.go.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/pressly/goose/v3"

	sb "savbilling"
)

// mysqlDialect is the dialect of a MySQL or MariaDB database.
type mysqlDialect struct {
	mariadb bool // the server is MariaDB (SET STATEMENT), read by inspect
}

func (*mysqlDialect) name() string { return dialectMySQL }

// inspect reads the server's version: MariaDB or MySQL.
func (m *mysqlDialect) inspect(ctx context.Context, pool *sql.DB) error {
	var version string
	if err := pool.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version); err != nil {
		return fmt.Errorf("read the server's version: %w", err)
	}
	m.mariadb = strings.Contains(version, "MariaDB")
	return nil
}

func (*mysqlDialect) gooseDialect() goose.Dialect { return goose.DialectMySQL }

func (*mysqlDialect) migrationOptions(d *DB) []goose.ProviderOption {
	return []goose.ProviderOption{goose.WithSessionLocker(mysqlMigrateLocker{database: d.database})}
}

// txOptions: both are REPEATABLE READ, one consistent snapshot.
func (*mysqlDialect) txOptions(readOnly bool) *sql.TxOptions {
	return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: readOnly}
}

// acquireCloseLock: GET_LOCK('savbilling.close.<database>', seconds) on the session; 0 (timeout)
// is ErrLocked.
func (*mysqlDialect) acquireCloseLock(ctx context.Context, d *DB, conn *sql.Conn, wait time.Duration) (release func(), err error) {
	// The wait is taken in slices shorter than the read timeout, which would cut it.
	deadline := time.Now().Add(wait)
	for {
		slice := min(max(time.Until(deadline), 0), d.lockSlice())
		var got sql.NullInt64
		if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, ?)", lockName(closeLockPrefix, d.database), slice.Seconds()).Scan(&got); err != nil {
			return nil, fmt.Errorf("take the close lock: %w", err)
		}
		if !got.Valid {
			return nil, errors.New("take the close lock: GET_LOCK returned NULL")
		}
		if got.Int64 == 1 {
			break
		}
		if !time.Now().Before(deadline) {
			return nil, ErrLocked
		}
	}
	return func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(rctx, "DO RELEASE_LOCK(?)", lockName(closeLockPrefix, d.database)); err != nil {
			// The lock dies with the session: drop the connection rather than pool it.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}, nil
}

// lockSend: a user-level lock GET_LOCK('savbilling.send.YYYY-MM.<database>') held by a
// dedicated connection.
func (*mysqlDialect) lockSend(ctx context.Context, d *DB, p sb.Period) (release func(), err error) {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", d.redacted, err)
	}
	name := lockName(sendLockPrefix+p.String()+".", d.database)
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, 0)", name).Scan(&got); err != nil {
		conn.Close()
		return nil, fmt.Errorf("take the send lock of %s: %w", p, err)
	}
	if got.Int64 != 1 {
		conn.Close()
		return nil, fmt.Errorf("%s: %w", p, ErrSendLocked)
	}
	return func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(rctx, "DO RELEASE_LOCK(?)", name); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn }) // the lock dies with the session
		}
		conn.Close()
	}, nil
}

// sendConn runs fn as it is: the server's caches are the server's.
func (*mysqlDialect) sendConn(_ context.Context, conn *sql.Conn, fn func(conn *sql.Conn) error) error {
	return fn(conn)
}

func (*mysqlDialect) tableKind(ctx context.Context, q querier, name string) (string, error) {
	return catalogueKind(ctx, q, "SELECT CASE WHEN TABLE_TYPE = 'BASE TABLE' THEN 'table' ELSE 'view' END FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", name)
}

func (*mysqlDialect) dropIndex(table, name string) string {
	return "DROP INDEX " + name + " ON " + table
}

func (*mysqlDialect) indexExists(ctx context.Context, q querier, table, name string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = ?", table, name).Scan(&n)
	return n > 0, err
}

func (*mysqlDialect) schemaTableQuery() string {
	return "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"
}

func (*mysqlDialect) relationQuery() string {
	return "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"
}

func (*mysqlDialect) primaryKeyQuery() string {
	return `SELECT COALESCE(MAX(t.TABLE_TYPE = 'BASE TABLE' AND s.COLUMN_NAME = 'id'), 0), COUNT(s.COLUMN_NAME)
			FROM information_schema.TABLES t JOIN information_schema.STATISTICS s
			ON s.TABLE_SCHEMA = t.TABLE_SCHEMA AND s.TABLE_NAME = t.TABLE_NAME AND s.INDEX_NAME = 'PRIMARY'
			WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_NAME = ?`
}

func (*mysqlDialect) exactly(col string) string { return col + " = CAST(? AS BINARY)" }

func (*mysqlDialect) maybeBefore(col string) string {
	return "(" + col + " IS NULL OR " + col + " < ?)"
}

func (*mysqlDialect) maybeFrom(col string) string {
	return "(" + col + " IS NULL OR " + col + " >= ?)"
}

func (*mysqlDialect) bytes(col string) string { return "CAST(" + col + " AS BINARY)" }

// indexedBy: "" (MySQL/MariaDB pick the key of the queries that use it: for sb_commissions by
// period, its clustered key (period, …)).
func (*mysqlDialect) indexedBy(string) string { return "" }

func (*mysqlDialect) upTo(end time.Time) any { return sqlTime(end) }

// fingerprint: SUM of a BIGINT is a DECIMAL, exact beyond 2^63.
func (*mysqlDialect) fingerprint(ctx context.Context, q querier, id, from string, lo, hi any) (fingerprint, error) {
	var (
		fp  fingerprint
		sum sql.NullString
	)
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*), SUM("+id+")"+from, lo, hi).Scan(&fp.count, &sum); err != nil {
		return fp, err
	}
	fp.sum = sum.String
	if !sum.Valid {
		fp.sum = "0"
	}
	return fp, nil
}

func (*mysqlDialect) scopeInSQL() bool { return false }

func (*mysqlDialect) insertIgnore() string { return "INSERT IGNORE" }

func (*mysqlDialect) drivingJoin() (join, straight string) { return "JOIN", "STRAIGHT_JOIN " }
func (*mysqlDialect) idOrderHint() string                  { return " FORCE INDEX (PRIMARY)" }

// upsert: ON DUPLICATE KEY UPDATE (the key is the table's).
func (*mysqlDialect) upsert(q string, _, set []string) string {
	for i, c := range set {
		set[i] = c + " = VALUES(" + c + ")"
	}
	return q + " ON DUPLICATE KEY UPDATE " + strings.Join(set, ", ")
}

// insertMany: one LOAD DATA LOCAL INFILE (about half the server's time of multi-row INSERTs for
// the ledger's tens of thousands of statements, SAV lines and states at L, on the close's
// critical path), or multi-row INSERTs where the server refuses it (loaddata.go).
func (*mysqlDialect) insertMany(ctx context.Context, tx *Tx, table string, cols []string, n int, row func(i int) []any) error {
	if n == 0 {
		return insertRows(ctx, tx.tx, table, cols, n, row)
	}
	var text tsv
	for i := range n {
		if err := text.row(row(i)); err != nil {
			return fmt.Errorf("load into %s: row %d: %w", table, i, err)
		}
	}
	if tx.insert == nil {
		tx.insert = newBulk()
	}
	return tx.insert.load(ctx, tx.tx, table, cols, batchRows, text.buf, text.lines)
}

func (m *mysqlDialect) setStatement() bool { return m.mariadb }
func (*mysqlDialect) readsAside() bool     { return true }

// stageSummed: read a list of ids at a time on the reading connection, loaded by the close's
// (stageMySQL).
func (*mysqlDialect) stageSummed(ctx context.Context, tx, bk *Tx, r *closeRead, add func(int64, int, int64) error, _ *time.Duration) ([]int64, error) {
	return tx.stageMySQL(ctx, bk, r.in, r.w, r.ivs, add)
}

// mysqlConfig parses a go-sql-driver DSN and adds what the job needs: parseTime and loc=UTC
// always (timestamps are UTC), charset utf8mb4 with collation utf8mb4_unicode_ci and a strict
// sql_mode when the DSN does not choose them.
func mysqlConfig(dsn string) (*mysql.Config, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	if cfg.DBName == "" {
		return nil, errors.New("the DSN names no database (…/DBNAME)")
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	applyTimeouts(cfg, dsn)
	if !strings.Contains(cfg.FormatDSN(), "charset=") {
		if err := cfg.Apply(mysql.Charset("utf8mb4", "utf8mb4_unicode_ci")); err != nil {
			return nil, err
		}
	}
	if _, ok := cfg.Params["sql_mode"]; !ok {
		if cfg.Params == nil {
			cfg.Params = map[string]string{}
		}
		cfg.Params["sql_mode"] = "'TRADITIONAL'"
	}
	return cfg, nil
}

// openMySQL opens the pool of the MySQL/MariaDB database of dsn and returns the name of the
// database and its timeouts.
func openMySQL(dsn string) (*sql.DB, string, *mysqlLimits, error) {
	cfg, err := mysqlConfig(dsn)
	if err != nil {
		return nil, "", nil, err
	}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, "", nil, err
	}
	limits := &mysqlLimits{addr: cfg.Addr, connect: cfg.Timeout, read: cfg.ReadTimeout, written: cfg.WriteTimeout}
	db := sql.OpenDB(timeoutConnector{conn, *limits})
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, cfg.DBName, limits, nil
}

// mysqlMigrateLocker serializes concurrent migrations of a MySQL database with a user-level lock.
type mysqlMigrateLocker struct{ database string }

// SessionLock waits up to a minute for the migration lock.
func (l mysqlMigrateLocker) SessionLock(ctx context.Context, conn *sql.Conn) error {
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, 60)", lockName(migrateLockPrefix, l.database)).Scan(&got); err != nil {
		return err
	}
	if got.Int64 != 1 {
		return errors.New("another process is migrating this database")
	}
	return nil
}

// SessionUnlock releases the migration lock.
func (l mysqlMigrateLocker) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, "DO RELEASE_LOCK(?)", lockName(migrateLockPrefix, l.database))
	return err
}

// mysqlPassword is the password of a go-sql-driver DSN, best effort ("" when none is found).
func mysqlPassword(dsn string) string {
	if cfg, err := mysql.ParseDSN(dsn); err == nil {
		return cfg.Passwd
	}
	// Malformed DSN: [user[:password]@]… with the password up to the last '@'.
	at := strings.LastIndex(dsn, "@")
	if at < 0 {
		return ""
	}
	_, pw, _ := strings.Cut(dsn[:at], ":")
	return pw
}
