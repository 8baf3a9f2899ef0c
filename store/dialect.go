package store

// This file holds the dialect type: everything that differs between SQLite (dialect_sqlite.go)
// and MySQL/MariaDB (dialect_mysql.go) outside the migration folders and the MySQL-only files
// (loaddata.go, summed_mysql.go, mysqltimeouts.go): opening a connection pool, the close and
// send locks, transaction options, the catalogue queries, the SQL fragments that differ, bulk
// inserts, the summing strategy and the classification of driver errors. The rest of the package
// speaks the SQL common to both (with ? placeholders) and asks its DB's dialect for the rest;
// no other file tests which engine it runs on.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"

	sb "savbilling"
)

const (
	dialectSQLite = "sqlite"
	dialectMySQL  = "mysql"

	// closeLockPrefix names the MySQL user-level lock held for the duration of a close.
	closeLockPrefix = "savbilling.close."
	// migrateLockPrefix names the MySQL user-level lock held while migrating.
	migrateLockPrefix = "savbilling.migrate."
)

// dialect is what the store needs to know of its engine. Its two implementations are
// sqliteDialect and *mysqlDialect; a DB holds one for its life.
type dialect interface {
	// name is dialectSQLite or dialectMySQL: DB.Dialect, and the folder of the migrations.
	name() string
	// inspect reads, once the pool is open, what the dialect needs to know of the server.
	inspect(ctx context.Context, pool *sql.DB) error

	// gooseDialect is the goose dialect of the migrations; migrationOptions the provider's
	// options proper to the engine (MySQL: a lock serializing concurrent migrations).
	gooseDialect() goose.Dialect
	migrationOptions(d *DB) []goose.ProviderOption

	// txOptions are the options of the close's transaction (readOnly false) and of a read
	// transaction.
	txOptions(readOnly bool) *sql.TxOptions
	// acquireCloseLock takes the close lock on conn, waiting at most wait (≥ 0), and returns
	// its release; it fails with ErrLocked when the wait ends first.
	acquireCloseLock(ctx context.Context, d *DB, conn *sql.Conn, wait time.Duration) (release func(), err error)
	// lockSend takes the send lock of period p without waiting (see DB.LockSend).
	lockSend(ctx context.Context, d *DB, p sb.Period) (release func(), err error)
	// sendConn runs fn on conn, a connection of its own for a send (see DB.sendConn).
	sendConn(ctx context.Context, conn *sql.Conn, fn func(conn *sql.Conn) error) error

	// tableKind tells whether name is a base table ("table"), a view ("view") or missing ("").
	tableKind(ctx context.Context, q querier, name string) (string, error)
	// indexExists tells whether table has an index called name.
	indexExists(ctx context.Context, q querier, table, name string) (bool, error)
	// dropIndex is the statement dropping index name of table.
	dropIndex(table, name string) string
	// schemaTableQuery counts the tables named by its parameter that may hold the schema's
	// version; relationQuery the tables and views named by its parameter.
	schemaTableQuery() string
	relationQuery() string
	// primaryKeyQuery returns, for the table named by its parameter, whether it is a base table
	// whose primary key has the column id, and the number of its primary key's columns.
	primaryKeyQuery() string

	// exactly is the SQL condition that the text column col equals the next parameter byte for
	// byte, whatever the column's collation.
	exactly(col string) string
	// maybeBefore is the SQL condition that the source timestamp col may be before the next
	// parameter (see Tx.maybeBefore).
	maybeBefore(col string) string
	// maybeFrom is the SQL condition that the source timestamp col may be at or after the next
	// parameter: NULL, at or after it, or (SQLite) in another text form.
	maybeFrom(col string) string
	// bytes is the text column col as a value compared and grouped byte for byte, whatever its
	// collation.
	bytes(col string) string
	// indexedBy is the clause, after a table's name, that makes the engine read it through the
	// index name where the engine would not choose it by itself ("" where it does).
	indexedBy(name string) string
	// upTo is the upper bound of a range of the close's scope that ends at end (Tx.upTo).
	upTo(end time.Time) any
	// fingerprint counts the rows of "FROM … WHERE …" from (its two parameters lo and hi) and
	// sums their column id exactly, whatever the sum (Tx.monthFingerprint).
	fingerprint(ctx context.Context, q querier, id, from string, lo, hi any) (fingerprint, error)
	// scopeInSQL reports whether the close's scope of interventions is gathered in a temporary
	// table (SQLite) rather than in Go (Tx.startRead).
	scopeInSQL() bool
	// insertIgnore is the verb of an INSERT that skips the rows whose key exists already.
	insertIgnore() string
	// drivingJoin is the join, and the SELECT modifier, that make the left table of a join the
	// one that drives it.
	drivingJoin() (join, straight string)
	// idOrderHint is the index hint of a scan of a base table in id order.
	idOrderHint() string
	// upsert ends the INSERT q so that a row whose key (the columns of key) exists already
	// updates the columns set instead.
	upsert(q string, key, set []string) string

	// insertMany stores n rows into cols of table in the close's transaction (Tx.insertMany).
	insertMany(ctx context.Context, tx *Tx, table string, cols []string, n int, row func(i int) []any) error
	// setStatement reports whether the server runs SET STATEMENT … FOR (MariaDB).
	setStatement() bool

	// readsAside reports whether the close reads its facts in a transaction of their own, on a
	// second connection, while its own transaction books (LoadSummedCloseInput).
	readsAside() bool
	// stageSummed is the summing strategy: it books in bk the commission lines of the
	// interventions the store sums, read in tx (see Tx.stageSummed).
	stageSummed(ctx context.Context, tx, bk *Tx, r *closeRead, add func(int64, int, int64) error, spent *time.Duration) ([]int64, error)
}

// openPool opens the pool of db ("sqlite:PATH" or "mysql:DSN", see Open) with its dialect, the
// MySQL database's name and timeouts, and the password that errors must not show; create lets
// it create a missing SQLite file.
func openPool(db string, create bool) (dl dialect, pool *sql.DB, database string, limits *mysqlLimits, secret string, err error) {
	prefix, rest, _ := strings.Cut(db, ":")
	switch prefix {
	case "sqlite":
		pool, err = openSQLite(rest, create)
		return sqliteDialect{}, pool, "", nil, "", err
	case "mysql":
		secret = mysqlPassword(rest)
		pool, database, limits, err = openMySQL(rest)
		if err != nil {
			err = classed(ErrBadDatabase, errors.New(scrub(err.Error(), secret)))
		}
		return &mysqlDialect{}, pool, database, limits, secret, err
	}
	return nil, nil, "", nil, "", classed(ErrBadDatabase, fmt.Errorf("database %q: want sqlite:PATH or mysql:DSN (go-sql-driver form, e.g. mysql:user:password@tcp(host:3306)/dbname)", Redact(db)))
}

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

// catalogueKind runs a catalogue query returning the kind of a table (tableKind): "" when it
// returns no row.
func catalogueKind(ctx context.Context, q querier, query, name string) (string, error) {
	var kind string
	err := q.QueryRowContext(ctx, query, name).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return kind, err
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

// isUnindexable reports whether err is MySQL's refusal to index a column whole: a key longer
// than the table's row format allows (ER_TOO_LONG_KEY), or a TEXT column (ER_BLOB_KEY_WITHOUT_LENGTH).
func isUnindexable(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && (me.Number == 1071 || me.Number == 1170)
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

// classifyOpenError marks the errors of opening a database that are its configuration's fault
// (ErrBadDatabase): credentials refused, an unknown MySQL database, a SQLite file that cannot be
// opened or is not a database. A server that is down or unreachable stays a plain error.
func classifyOpenError(err error) error {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 1044, 1045, 1698: // access denied to the database; for the user; auth plugin refused
			return classed(ErrBadDatabase, err)
		case 1049: // ER_BAD_DB_ERROR
			return classed(ErrBadDatabase, fmt.Errorf("%w (create it on the server, then run `savbilling migrate`)", err))
		}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 3, 14, 23, 26: // SQLITE_PERM, SQLITE_CANTOPEN, SQLITE_AUTH, SQLITE_NOTADB
			return classed(ErrBadDatabase, err)
		}
	}
	return err
}
