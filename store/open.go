package store

// This file decides which databases a command may open (issue 17): only `migrate` and `demo`
// create a database or tables (Open); every other command opens an existing database that holds
// the job's schema at this binary's version (OpenExisting), so that a mistyped SQLite path, an
// in-memory database or the wrong MySQL database is refused before anything is read or written.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"
)

// ErrBadDatabase is returned (wrapped) by Open and OpenExisting when the database's name cannot
// be used as written: a malformed DSN, an unknown form, a SQLite path that does not exist (for
// OpenExisting) or is not a database, query parameters on a SQLite path, an in-memory database
// where a ledger is needed, an unknown MySQL database or refused credentials. It is a
// configuration error (exit 2), unlike a server that is down or unreachable (exit 1).
var ErrBadDatabase = errors.New("unusable database name")

// ErrNoSchema is returned (wrapped) by OpenExisting and CheckSchema when the database does not
// hold the job's schema at this binary's version: none at all (a mistyped path, the wrong
// database: `savbilling migrate` creates it), an older one (`savbilling migrate` upgrades it) or
// a newer one (written by a newer savbilling).
var ErrNoSchema = errors.New("the database does not hold savbilling's schema")

// memoryPath is SQLite's name of a private in-memory database.
const memoryPath = ":memory:"

// sqlitePath checks the PATH of "sqlite:PATH": it takes no query parameters (the job sets its
// own pragmas: WAL, foreign keys, busy timeout), so "x.db?_pragma=…" names the parameters
// refused instead of creating a file called "x.db?_pragma=…". A '?' is read as the start of
// parameters when what follows it is name=value pairs (joined by '&') and the whole is not an
// existing file; otherwise it is part of the path ("a dir?odd/sav.db").
func sqlitePath(path string) (string, error) {
	if path == "" {
		return "", classed(ErrBadDatabase, errors.New("empty SQLite path"))
	}
	file, query, ok := strings.Cut(path, "?")
	if !ok || !queryRE.MatchString(query) {
		return path, nil
	}
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	params := strings.Split(query, "&")
	return "", classed(ErrBadDatabase, fmt.Errorf("unknown parameter %s after the SQLite path %q: sqlite:PATH takes no parameters "+
		"(the job sets WAL, foreign keys and its busy timeout itself); remove them", strings.Join(params, ", "), file))
}

// queryRE matches URI query parameters: name=value pairs joined by '&'.
var queryRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*=[^&/]*(&[A-Za-z_][A-Za-z0-9_.]*=[^&/]*)*$`)

// createSQLiteFile creates the missing database file at path with mode 0600 (it holds
// personal data); SQLite gives its -wal and -shm files the mode of the database file.
func createSQLiteFile(path string) error {
	if path == memoryPath {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case errors.Is(err, fs.ErrExist):
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return classed(ErrBadDatabase, fmt.Errorf("cannot create %s: its folder does not exist", path))
	case err != nil:
		return classed(ErrBadDatabase, fmt.Errorf("cannot create %s: %v", path, err))
	}
	return f.Close()
}

// existingSQLiteFile checks that path names an existing SQLite file, not created by opening it.
func existingSQLiteFile(path string) error {
	if path == memoryPath {
		return classed(ErrBadDatabase, fmt.Errorf("sqlite::memory: is an in-memory database, empty at every start: it can hold no ledger; "+
			"name a file (sqlite:PATH) created by `savbilling migrate`"))
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return classed(ErrNoSchema, fmt.Errorf("%s does not exist (a mistyped path?); nothing was created. "+
			"For a new database, run `savbilling migrate --db sqlite:%s` first", path, path))
	case err != nil:
		return classed(ErrBadDatabase, err)
	case st.IsDir():
		return classed(ErrBadDatabase, fmt.Errorf("%s is a folder, not a SQLite file", path))
	}
	return nil
}

// OpenExisting opens the database named db, as Open does, for a command that only reads or
// books (close, render, schedule, seed): it never creates anything. A SQLite file must exist (it
// is opened with mode=rw, so a mistyped path creates no file), sqlite::memory: is refused, and
// the database must hold the job's schema at this binary's version (CheckSchema). Errors wrap
// ErrBadDatabase or ErrNoSchema when the name or the database is wrong (bad configuration), and
// neither when the database could not be reached (a failed run).
func OpenExisting(ctx context.Context, db string) (*DB, error) {
	d, err := open(ctx, db, false)
	if err != nil {
		return nil, err
	}
	if err := d.CheckSchema(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// CheckSchema returns nil when the database holds the job's schema at this binary's version,
// and an error wrapping ErrNoSchema that names the database and the fix otherwise.
func (d *DB) CheckSchema(ctx context.Context) error {
	p, err := d.provider()
	if err != nil {
		return fmt.Errorf("schema of %s: %w", d.redacted, err)
	}
	var want int64
	for _, s := range p.ListSources() {
		want = max(want, s.Version)
	}
	var n int
	if err := d.db.QueryRowContext(ctx, d.dialect.schemaTableQuery(), versionTable).Scan(&n); err != nil {
		return fmt.Errorf("read the schema of %s: %w", d.redacted, classifyOpenError(err))
	}
	if n == 0 {
		return classed(ErrNoSchema, fmt.Errorf("%s has no savbilling tables (no %s): a mistyped path or the wrong database? "+
			"If it is the right one, run `savbilling migrate --db %s` first", d.redacted, versionTable, d.redacted))
	}
	var have sql.NullInt64
	if err := d.db.QueryRowContext(ctx, "SELECT MAX(version_id) FROM "+versionTable).Scan(&have); err != nil {
		return fmt.Errorf("read the schema version of %s: %w", d.redacted, err)
	}
	switch {
	case have.Int64 < want:
		return classed(ErrNoSchema, fmt.Errorf("the schema of %s is at version %d, this savbilling needs version %d: run `savbilling migrate --db %s` (after a backup)",
			d.redacted, have.Int64, want, d.redacted))
	case have.Int64 > want:
		return classed(ErrNoSchema, fmt.Errorf("the schema of %s is at version %d, newer than this savbilling's %d: run the savbilling that migrated it",
			d.redacted, have.Int64, want))
	}
	return nil
}

// scrubbed is an error whose message hides secret (a password), still unwrapping to the
// driver's error for classifyOpenError.
type scrubbed struct {
	err    error
	secret string
}

func (s scrubbed) Error() string { return scrub(s.err.Error(), s.secret) }
func (s scrubbed) Unwrap() error { return s.err }

// rowTables are the tables whose rows make a database someone's data: the source tables of the
// contract and the ledger's closed periods.
var rowTables = []string{"repairers", "interventions", "intervention_operations", "sav_decisions", "client_credits",
	"overflow_overrides", "sb_periods"}

// FirstRows returns the first of the source tables (and the ledger's sb_periods) that exists
// and holds a row, "" when none does. It reads the catalogue first and creates nothing, so the
// demo can refuse a real database before migrating it.
func (d *DB) FirstRows(ctx context.Context) (string, error) {
	for _, t := range rowTables {
		var n int
		if err := d.db.QueryRowContext(ctx, d.dialect.relationQuery(), t).Scan(&n); err != nil {
			return "", fmt.Errorf("read the tables of %s: %w", d.redacted, classifyOpenError(err))
		}
		if n == 0 {
			continue
		}
		var one int
		err := d.db.QueryRowContext(ctx, "SELECT 1 FROM "+t+" LIMIT 1").Scan(&one)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			continue
		case err != nil:
			return "", fmt.Errorf("read %s of %s: %w", t, d.redacted, err)
		}
		return t, nil
	}
	return "", nil
}

// classedError is err, classed as kind (ErrBadDatabase or ErrNoSchema) for errors.Is without
// repeating kind's text in the message.
type classedError struct{ kind, err error }

func classed(kind, err error) error { return classedError{kind, err} }

func (c classedError) Error() string   { return c.err.Error() }
func (c classedError) Unwrap() []error { return []error{c.kind, c.err} }
