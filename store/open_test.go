package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/store"
)

// TestOpenExistingRefusesADatabaseWithoutSchema: OpenExisting creates nothing and refuses a
// missing SQLite file, sqlite::memory:, query parameters, an empty database, and a schema older
// or newer than the binary's; it accepts a migrated database.
func TestOpenExistingRefusesADatabaseWithoutSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	missing := filepath.Join(dir, "typo.db")
	for _, c := range []struct {
		db   string
		kind error
		text string
	}{
		{"sqlite:" + missing, store.ErrNoSchema, "does not exist"},
		{"sqlite::memory:", store.ErrBadDatabase, "in-memory"},
		{"sqlite:" + missing + "?_pragma=foo(1)", store.ErrBadDatabase, "unknown parameter _pragma=foo(1)"},
		{"sqlite:" + dir, store.ErrBadDatabase, "is a folder"},
	} {
		d, err := store.OpenExisting(ctx, c.db)
		if err == nil {
			d.Close()
		}
		if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.text) {
			t.Errorf("OpenExisting(%s) = %v, want %v with %q", c.db, err, c.kind, c.text)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("OpenExisting created %v", entries)
	}
	// Open refuses parameters too, rather than creating "typo.db?_pragma=foo(1)"
	if _, err := store.Open(ctx, "sqlite:"+missing+"?_pragma=foo(1)"); !errors.Is(err, store.ErrBadDatabase) {
		t.Errorf("Open with parameters: %v", err)
	}

	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			if e.Name == "sqlite" { // an empty file, as `touch` leaves it
				if err := os.WriteFile(strings.TrimPrefix(e.DB, "sqlite:"), nil, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			_, err := store.OpenExisting(ctx, e.DB)
			if !errors.Is(err, store.ErrNoSchema) || !strings.Contains(err.Error(), "savbilling migrate --db "+store.Redact(e.DB)) {
				t.Errorf("empty database: %v", err)
			}
			db := dbtest.Open(t, e)
			d, err := store.OpenExisting(ctx, e.DB)
			if err != nil {
				t.Fatalf("migrated database: %v", err)
			}
			d.Close()
			var v int64
			scanRow(t, db, "SELECT MAX(version_id) FROM sb_schema_version", &v)
			if err := db.Exec(ctx, "DELETE FROM sb_schema_version WHERE version_id = ?", v); err != nil {
				t.Fatal(err)
			}
			var older int64 // the migrations' versions need not be consecutive
			scanRow(t, db, "SELECT MAX(version_id) FROM sb_schema_version", &older)
			_, err = store.OpenExisting(ctx, e.DB)
			if !errors.Is(err, store.ErrNoSchema) || !strings.Contains(err.Error(), fmt.Sprintf("at version %d, this savbilling needs version %d", older, v)) {
				t.Errorf("older schema: %v", err)
			}
			for _, version := range []int64{v, v + 1} { // back to v, then one this binary does not know
				if err := db.Exec(ctx, "INSERT INTO sb_schema_version (version_id, is_applied) VALUES (?, 1)", version); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := store.OpenExisting(ctx, e.DB); !errors.Is(err, store.ErrNoSchema) || !strings.Contains(err.Error(), "newer") {
				t.Errorf("newer schema: %v", err)
			}
		})
	}
}

// TestSQLiteFilesCreated0600: the database file Open creates, and its -wal and -shm files, are
// readable by their owner only (they hold personal data), whatever the umask lets through.
func TestSQLiteFilesCreated0600(t *testing.T) {
	defer syscall.Umask(syscall.Umask(0o022))
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new.db")
	db, err := store.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	mustInsert(t, db, source()) // the connection stays open: WAL and its index exist
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
		} else if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %#o, want 0600", p, st.Mode().Perm())
		}
	}
}

// TestFirstRows: FirstRows names the first table holding a row, "" for an empty or
// unmigrated database, and reads without creating anything.
func TestFirstRows(t *testing.T) {
	ctx := context.Background()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			d, err := store.Open(ctx, e.DB)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if got, err := d.FirstRows(ctx); got != "" || err != nil {
				t.Errorf("unmigrated: %q, %v", got, err)
			}
			if err := d.CheckSchema(ctx); !errors.Is(err, store.ErrNoSchema) {
				t.Errorf("FirstRows created the schema: %v", err)
			}
			db := dbtest.Open(t, e)
			if got, err := d.FirstRows(ctx); got != "" || err != nil {
				t.Errorf("migrated, empty: %q, %v", got, err)
			}
			mustInsert(t, db, sb.Source{Interventions: []sb.Intervention{{ID: 1, RepairerID: 9, City: "Paris",
				Kind: sb.KindStandard, Status: sb.StatusClosed, ClosedAt: utc(2026, 10, 3, 10, 0, 0)}}})
			if got, err := d.FirstRows(ctx); got != "interventions" || err != nil {
				t.Errorf("with an intervention: %q, %v", got, err)
			}
		})
	}
}

// TestLedgerFingerprint: the fingerprint of a closed period is stable, differs between two
// ledgers of the same period that differ in the instant of the close or in one amount, and is
// ErrNotClosed for a period not closed.
func TestLedgerFingerprint(t *testing.T) {
	ctx := context.Background()
	forEngines(t, func(t *testing.T, e dbtest.Engine, db *store.DB) {
		if _, err := db.LedgerFingerprint(ctx, sep); !errors.Is(err, store.ErrNotClosed) {
			t.Errorf("not closed: %v", err)
		}
		if err := save(ctx, db, bookSep()); err != nil {
			t.Fatal(err)
		}
		fp, err := db.LedgerFingerprint(ctx, sep)
		if err != nil || len(fp) != 64 {
			t.Fatalf("fingerprint %q, %v", fp, err)
		}
		if again, _ := db.LedgerFingerprint(ctx, sep); again != fp {
			t.Errorf("not stable: %s then %s", fp, again)
		}
		for name, change := range map[string]func(*sb.Book){
			"closed a second later": func(b *sb.Book) { b.ClosedAt = b.ClosedAt.Add(time.Second) },
			"one cent of VAT":       func(b *sb.Book) { b.Statements[0].VATCents++; b.Statements[0].NetTTCCents++ },
			"one SAV line's amount": func(b *sb.Book) { b.Statements[1].SAV[0].AmountCents-- },
		} {
			other := dbtest.Open(t, dbtest.Engines(t)[map[string]int{"sqlite": 0, "mysql": 1}[e.Name]])
			b := bookSep()
			change(b)
			if err := save(ctx, other, b); err != nil {
				t.Fatal(err)
			}
			if got, err := other.LedgerFingerprint(ctx, sep); err != nil || got == fp {
				t.Errorf("%s: fingerprint %s, %v; want another than %s", name, got, err, fp)
			}
		}
	})
}

// BenchmarkLedgerFingerprint is the fingerprint of a period of workload L's size in what it
// reads: 20 000 statements, each with a SAV line (L has ~31 000).
func BenchmarkLedgerFingerprint(b *testing.B) {
	ctx := context.Background()
	for _, e := range dbtest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			db := dbtest.Open(b, e)
			book := bookSep()
			tmpl := book.Statements[1]
			book.Statements, book.Plans, book.SAVStates = nil, nil, nil
			for i := range 20000 {
				s := tmpl
				s.Repairer.ID = int64(1000 + i)
				s.Number = fmt.Sprintf("REL-%d-2026-0001", s.Repairer.ID)
				s.SAV = []sb.SAVLine{tmpl.SAV[0]}
				s.SAV[0].SAVID, s.SAV[0].RepairerID = int64(100000+i), s.Repairer.ID
				s.SpreadCents, s.OverflowCents = 0, 0
				book.Statements = append(book.Statements, s)
			}
			if closed, _ := db.ClosedPeriods(ctx); len(closed) == 0 { // the function runs more than once
				if err := db.WithCloseLock(ctx, time.Minute, func(ctx context.Context, tx *store.Tx) error {
					return tx.SaveBook(ctx, book)
				}); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				if _, err := db.LedgerFingerprint(ctx, sep); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
