package store

// This file holds everything that differs between SQLite and MySQL/MariaDB outside the
// migration folders: opening a connection pool, the close lock, transaction options, the
// catalogue queries of the index migration and the classification of driver errors. The rest of
// the package speaks the SQL common to both (with ? placeholders).

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
)

const (
	dialectSQLite = "sqlite"
	dialectMySQL  = "mysql"

	// sqliteBusyMillis is the busy timeout of ordinary SQLite connections.
	sqliteBusyMillis = 5000
	// sqliteCloseCacheKiB is the page cache of a close's SQLite connection (default: 2 MB). It
	// also sizes the sorter's in-memory runs: at workload L, 8 MB closes as fast as 32 MB with a
	// peak RSS 80 MB lower; 4 MB makes the inserts slower.
	sqliteCloseCacheKiB = 8 << 10
	// closeLockPrefix names the MySQL user-level lock held for the duration of a close.
	closeLockPrefix = "savbilling.close."
	// migrateLockPrefix names the MySQL user-level lock held while migrating.
	migrateLockPrefix = "savbilling.migrate."
)

// lockName is the MySQL user-level lock prefix+database. User-level locks are server-wide, so the
// database's name is part of it (hashed when the whole would pass MySQL's 64 characters).
func lockName(prefix, database string) string {
	name := prefix + database
	if len(name) > 64 {
		sum := sha256.Sum256([]byte(database))
		name = prefix + hex.EncodeToString(sum[:])[:40]
	}
	return name
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

// gooseDialect is the goose dialect of d.
func (d *DB) gooseDialect() goose.Dialect {
	if d.dialect == dialectMySQL {
		return goose.DialectMySQL
	}
	return goose.DialectSQLite3
}

// txOptions are the options of the close's transaction (readOnly false) and of a read
// transaction. On MySQL both are REPEATABLE READ: one consistent snapshot. On SQLite a read-write
// transaction begins IMMEDIATE (DSN _txlock), a read-only one is a plain deferred BEGIN.
func (d *DB) txOptions(readOnly bool) *sql.TxOptions {
	if d.dialect == dialectMySQL {
		return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: readOnly}
	}
	return &sql.TxOptions{ReadOnly: readOnly}
}

// acquireCloseLock takes the close lock on conn, waiting at most wait, and returns its release.
//
// MySQL: GET_LOCK('savbilling.close', seconds) on the session; 0 (timeout) is ErrLocked.
// SQLite: the lock is the database write lock taken by BEGIN IMMEDIATE; here the connection's
// busy timeout is set to wait so that the BEGIN gives up after it (classified by isBusy).
func (d *DB) acquireCloseLock(ctx context.Context, conn *sql.Conn, wait time.Duration) (release func(), err error) {
	wait = max(wait, 0)
	if d.dialect == dialectMySQL {
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

// tableKind tells whether name is a base table ("table"), a view ("view") or missing ("").
func tableKind(ctx context.Context, tx *sql.Tx, dialect, name string) (string, error) {
	var q string
	if dialect == dialectMySQL {
		q = "SELECT CASE WHEN TABLE_TYPE = 'BASE TABLE' THEN 'table' ELSE 'view' END FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"
	} else {
		q = "SELECT type FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?"
	}
	var kind string
	err := tx.QueryRowContext(ctx, q, name).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return kind, err
}

// indexExists tells whether table has an index called name.
func indexExists(ctx context.Context, tx *sql.Tx, dialect, table, name string) (bool, error) {
	var q string
	var args []any
	if dialect == dialectMySQL {
		q = "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = ?"
		args = []any{table, name}
	} else {
		q = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?"
		args = []any{name}
	}
	var n int
	err := tx.QueryRowContext(ctx, q, args...).Scan(&n)
	return n > 0, err
}

// isBusy reports whether err is SQLite's SQLITE_BUSY or SQLITE_LOCKED: another connection holds
// the write lock.
func isBusy(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == 5 || c == 6
	}
	return false
}

// isDuplicate reports whether err is a primary key or unique constraint violation.
func isDuplicate(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		// SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE
		return se.Code() == 1555 || se.Code() == 2067
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1062 // ER_DUP_ENTRY
	}
	return false
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
