// Package store is the database access of savbilling, and the only package that speaks SQL.
//
// It reads the marketplace's source tables (repairers, interventions, intervention_operations,
// sav_decisions, client_credits, overflow_overrides; see docs/contract.md) and keeps the job's
// own ledger in tables prefixed sb_ (see docs/schema.md):
//
//	sb_periods        one row per closed period: bounds, instant of the close, issue date, issuer
//	sb_commissions    one row per booked intervention (its primary key: booked once, ever)
//	sb_operations     one row per operation paid, with its intervention (paid once, ever)
//	sb_operation_marks per close, the highest operation id it saw (added operations are above)
//	sb_sav_lines      SAV charges, settlements, deductibles and adjustments, per repairer
//	sb_sav_state      the decision last booked for each SAV (to detect later changes)
//	sb_claims         insurance claims recorded for finance
//	sb_goodwill       customer credits reported (each once)
//	sb_plans          installment plans; sb_installments what each period asked and got
//	sb_statements     the self-billed statements with their totals and frozen repairer identity
//	sb_invoices       the network's overflow invoices, with sb_invoice_lines
//	sb_anomalies      what a close left out or warned about, in order
//	sb_pending        SAVs closed without a decision, as listed at close
//	sb_send_log       what `savbilling send` did with each repairer's message (sendlog.go)
//	sb_fec_periods    the accounting file's fiscal year per period, with sb_fec_numbers its numbers
//
// Two engines are supported with the same logical schema: SQLite (modernc.org/sqlite, no cgo)
// and MySQL 8 / MariaDB 10.6+ (github.com/go-sql-driver/mysql). The migrations are embedded, one
// folder per dialect. Timestamps are stored as UTC "2006-01-02 15:04:05" (to the second) and
// dates as "2006-01-02"; they are read back as UTC.
//
// A close runs in [DB.WithCloseLock]: one close at a time per database, and everything it reads
// and books in a single transaction. Primary keys and unique constraints make a second booking
// of the same fact fail instead of passing silently.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	sb "savbilling"
)

// ErrLocked is returned by WithCloseLock when another run holds the close lock on the database
// and it was not released within the wait.
var ErrLocked = errors.New("another run holds the close lock on this database")

// ErrNotClosed is returned (wrapped) by LoadBook for a period that has not been closed.
var ErrNotClosed = errors.New("period is not closed")

// ErrAlreadyBooked is returned (wrapped, along with the driver's error) by SaveBook when a fact
// of the book is already in the ledger: a primary key or unique constraint refused it.
var ErrAlreadyBooked = errors.New("already booked")

// DB is an open savbilling database: a connection pool and its dialect.
type DB struct {
	db       *sql.DB
	dialect  dialect      // sqliteDialect or *mysqlDialect (dialect.go)
	redacted string       // the database's name as errors may print it
	database string       // MySQL: the database's name, part of the lock names
	limits   *mysqlLimits // MySQL: the server and its timeouts, for errors (Explain)
}

// Open opens the database named db: "sqlite:PATH" (the file is created when missing, mode 0600)
// or "mysql:DSN" with DSN in go-sql-driver/mysql form, e.g. "mysql:sav:pw@tcp(127.0.0.1:3306)/sav".
// For MySQL it forces parseTime=true and loc=UTC, and adds charset=utf8mb4 (collation
// utf8mb4_unicode_ci) and sql_mode='TRADITIONAL' when the DSN does not set them. It checks the
// connection. Errors never contain the password (see Redact); those of a name that cannot be
// used wrap ErrBadDatabase. Only the commands that create a database (migrate, demo) and tests
// use Open; the others use OpenExisting.
func Open(ctx context.Context, db string) (*DB, error) { return open(ctx, db, true) }

// open opens db; create lets it create a missing SQLite file.
func open(ctx context.Context, db string, create bool) (*DB, error) {
	name := Redact(db)
	dl, pool, database, limits, secret, err := openPool(db, create)
	if dl == nil {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open %s: %w", name, classifyOpenError(scrubbed{err, secret}))
	}
	if err := dl.inspect(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open %s: %s", name, scrub(err.Error(), secret))
	}
	return &DB{db: pool, dialect: dl, redacted: name, database: database, limits: limits}, nil
}

// scrub replaces every occurrence of secret in msg.
func scrub(msg, secret string) string {
	if secret == "" {
		return msg
	}
	return strings.ReplaceAll(msg, secret, "***")
}

// Redact returns db (as given to Open) with any password replaced by ***, for logs and errors.
// "mysql:sav:pw@tcp(h:3306)/sav" becomes "mysql:sav:***@tcp(h:3306)/sav"; SQLite paths are
// returned unchanged; an unknown form loses whatever sits between the first ':' of its user
// information and the last '@'.
func Redact(db string) string {
	if strings.HasPrefix(db, "sqlite:") {
		return db
	}
	if rest, ok := strings.CutPrefix(db, "mysql:"); ok {
		pw := mysqlPassword(rest)
		if pw == "" {
			return db
		}
		if i := strings.Index(rest, ":"+pw+"@"); i >= 0 {
			return "mysql:" + rest[:i] + ":***" + rest[i+len(pw)+1:]
		}
		return "mysql:" + scrub(rest, pw)
	}
	// Unknown form: scheme://user:password@host… or user:password@host…
	at := strings.LastIndex(db, "@")
	if at < 0 {
		return db
	}
	start := 0
	if i := strings.Index(db[:at], "://"); i >= 0 {
		start = i + 3
	}
	colon := strings.Index(db[start:at], ":")
	if colon < 0 {
		return db
	}
	return db[:start+colon+1] + "***" + db[at:]
}

// Close closes the pool.
func (d *DB) Close() error { return d.db.Close() }

// Dialect returns "sqlite" or "mysql".
func (d *DB) Dialect() string { return d.dialect.name() }

// String returns the database's redacted name.
func (d *DB) String() string { return d.redacted }

// Exec runs one statement outside any transaction. It is an escape hatch for tests and the demo
// (to corrupt or fix source rows); the job itself never uses it.
func (d *DB) Exec(ctx context.Context, query string, args ...any) error {
	if _, err := d.db.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("exec on %s: %w", d.redacted, err)
	}
	return nil
}

// WithCloseLock runs fn in the close's single transaction while holding the database's close lock,
// so that at most one close runs at a time on a database. It waits at most wait for the lock
// (0: do not wait) and returns an error wrapping ErrLocked when another run holds it.
//
// fn's transaction is committed when fn returns nil; when fn returns an error or panics, or ctx
// is cancelled, it is rolled back and nothing is booked.
//
// MySQL: a user-level lock GET_LOCK('savbilling.close.<database>') held by a dedicated
// connection, with a REPEATABLE READ transaction on that connection (the lock dies with the
// session if the process does). SQLite: the transaction begins IMMEDIATE, taking
// the database's write lock, with a busy timeout of wait.
func (d *DB) WithCloseLock(ctx context.Context, wait time.Duration, fn func(ctx context.Context, tx *Tx) error) error {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", d.redacted, err)
	}
	defer conn.Close()
	release, err := d.dialect.acquireCloseLock(ctx, d, conn, max(wait, 0))
	if err != nil {
		return err
	}
	defer release()
	sqlTx, err := conn.BeginTx(ctx, d.dialect.txOptions(false))
	if err != nil {
		if isBusy(err) {
			return fmt.Errorf("%w (%v)", ErrLocked, err)
		}
		return fmt.Errorf("begin the close transaction: %w", err)
	}
	done := false
	tx := &Tx{d: d, tx: sqlTx}
	defer func() {
		if !done {
			_ = tx.endLoading(true) // stop loading the summed lines
			_ = sqlTx.Rollback()    // fn failed or panicked: nothing is booked
		}
	}()
	if err = fn(ctx, tx); err == nil {
		err = tx.Loaded() // fn did not book the lines it loaded (SaveBook waits for them)
	}
	if err != nil { // the deferred function stops the loading
		if isBusy(err) && !errors.Is(err, ErrLocked) {
			return fmt.Errorf("%w: %w", ErrLocked, err)
		}
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		done = true // a failed commit is rolled back by the driver
		if isBusy(err) {
			return fmt.Errorf("%w: commit: %w", ErrLocked, err)
		}
		return fmt.Errorf("commit the close: %w", err)
	}
	done = true
	return nil
}

// ReadTx runs fn in a read-only transaction that sees one consistent snapshot of the database
// (dry runs, rendering). It takes no lock and never books anything.
func (d *DB) ReadTx(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	sqlTx, err := d.db.BeginTx(ctx, d.dialect.txOptions(true))
	if err != nil {
		return fmt.Errorf("begin a read transaction on %s: %w", d.redacted, err)
	}
	defer sqlTx.Rollback()
	return fn(ctx, &Tx{d: d, tx: sqlTx})
}

// Tx is a transaction opened by WithCloseLock or ReadTx. It is valid only during their fn.
type Tx struct {
	d      *DB
	tx     *sql.Tx
	summed *summedState // the commission lines LoadSummedCloseInput booked, for SaveBook

	// loading, while the summed commission lines are being loaded (MySQL), ends their loading
	// (see lineLoader.wait): Loaded, SaveBook or the end of WithCloseLock calls it.
	loading func(abort bool) error

	// insert is how insertMany stores rows on MySQL: LOAD DATA until the server refuses it.
	insert *bulk

	// opMark is the operation mark of the close read in this transaction, for SaveBook.
	opMark *operationMark

	// look is the look-back of the close read in this transaction, for SaveBook (lookback.go).
	look *lookState
}

// Dialect returns the dialect of the transaction's database.
func (tx *Tx) Dialect() string { return tx.d.dialect.name() }

// LastClosed returns the latest closed period, false when none is.
func (tx *Tx) LastClosed(ctx context.Context) (sb.Period, bool, error) {
	return tx.periodAgg(ctx, "MAX")
}

// FirstClosed returns the earliest closed period, false when none is.
func (tx *Tx) FirstClosed(ctx context.Context) (sb.Period, bool, error) {
	return tx.periodAgg(ctx, "MIN")
}

func (tx *Tx) periodAgg(ctx context.Context, agg string) (sb.Period, bool, error) {
	var s sql.NullString
	if err := tx.tx.QueryRowContext(ctx, "SELECT "+agg+"(period) FROM sb_periods").Scan(&s); err != nil {
		return sb.Period{}, false, fmt.Errorf("read closed periods: %w", err)
	}
	if !s.Valid {
		return sb.Period{}, false, nil
	}
	p, err := sb.ParsePeriod(s.String)
	if err != nil {
		return sb.Period{}, false, fmt.Errorf("sb_periods: %w", err)
	}
	return p, true, nil
}

// IsClosed reports whether period p has been closed.
func (tx *Tx) IsClosed(ctx context.Context, p sb.Period) (bool, error) {
	var n int
	if err := tx.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM sb_periods WHERE period = ?", p.String()).Scan(&n); err != nil {
		return false, fmt.Errorf("read closed periods: %w", err)
	}
	return n > 0, nil
}

// ClosedPeriods returns the closed periods, oldest first.
func (d *DB) ClosedPeriods(ctx context.Context) ([]sb.Period, error) {
	rows, err := d.db.QueryContext(ctx, "SELECT period FROM sb_periods ORDER BY period")
	if err != nil {
		return nil, fmt.Errorf("read closed periods: %w", err)
	}
	defer rows.Close()
	var out []sb.Period
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		p, err := sb.ParsePeriod(s)
		if err != nil {
			return nil, fmt.Errorf("sb_periods: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// FirstActivity returns the Europe/Paris period of the earliest closed intervention (the first
// period a scheduler catching up should close), false when there is none.
func (d *DB) FirstActivity(ctx context.Context) (sb.Period, bool, error) {
	var t nullTime
	err := d.db.QueryRowContext(ctx, "SELECT MIN(closed_at) FROM interventions WHERE status = ? AND closed_at IS NOT NULL",
		sb.StatusClosed).Scan(&t)
	if err != nil {
		return sb.Period{}, false, fmt.Errorf("read first activity: %w", err)
	}
	if t.Time.IsZero() {
		return sb.Period{}, false, nil
	}
	return sb.PeriodOf(t.Time, sb.Paris), true, nil
}

// UpdateDecision overwrites the sav_decisions row of dec.SAVID with dec (tests and the demo change
// decisions after a close). It fails when there is no such row.
func (d *DB) UpdateDecision(ctx context.Context, dec sb.Decision) error {
	res, err := d.db.ExecContext(ctx, `UPDATE sav_decisions SET outcome = ?, charge_bp = ?, faulty_repairer_id = ?,
		damage_cents = ?, decided_at = ?, decided_by = ?, note = ? WHERE intervention_id = ?`,
		dec.Outcome, nullInt(int64(dec.ChargeBP)), nullInt(dec.FaultyRepairerID), dec.DamageCents,
		sqlTime(dec.DecidedAt), nullStr(dec.DecidedBy), nullStr(dec.Note), dec.SAVID)
	if err != nil {
		return fmt.Errorf("update decision of SAV %d: %w", dec.SAVID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		// MySQL counts changed rows only: tell "same values" from "no row".
		var c int
		if err := d.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM sav_decisions WHERE intervention_id = ?", dec.SAVID).Scan(&c); err != nil {
			return fmt.Errorf("update decision of SAV %d: %w", dec.SAVID, err)
		}
		if c == 0 {
			return fmt.Errorf("update decision of SAV %d: no such decision", dec.SAVID)
		}
	}
	return nil
}
