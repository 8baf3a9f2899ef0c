package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/reconcile"
	"savbilling/store"
)

// closeWith closes p on db as the job does, reading the input in full (LoadCloseInput) or
// letting the store sum and book what it can (LoadSummedCloseInput): closeRead without what the
// read examined.
func closeWith(t *testing.T, db *store.DB, p sb.Period, summed bool) *sb.Book {
	t.Helper()
	b, _ := closeRead(t, db, p, summed)
	return b
}

// closeTwins closes p on dbs[0] with the input read in full and on dbs[1] summed, checks that
// both found the same anomalies and booked the same ledger, and returns the summed close's book
// with both ledgers as read back.
func closeTwins(t *testing.T, dbs []*store.DB, p sb.Period) (summed, full, twin *sb.Book) {
	t.Helper()
	f := closeWith(t, dbs[0], p, false)
	summed = closeWith(t, dbs[1], p, true)
	if diff := cmp.Diff(f.Anomalies, summed.Anomalies); diff != "" {
		t.Errorf("%s: anomalies (-full +summed):\n%s", p, diff)
	}
	var err error
	if full, err = dbs[0].LoadBook(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if twin, err = dbs[1].LoadBook(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(full, twin); diff != "" {
		t.Errorf("%s: the ledgers differ (-full +summed):\n%s", p, diff)
	}
	return summed, full, twin
}

// badSource is source() with every kind of intervention the store must not sum: the rules hold
// them (or book them) themselves.
func badSource() sb.Source {
	src := source()
	r4 := sb.Repairer{ID: 4, Name: "Régime inconnu", VATRegime: "exempt", Active: true}
	src.Repairers = append(src.Repairers, r4)
	oct := func(id, repairer int64, kind string, closed time.Time, ops ...sb.Operation) sb.Intervention {
		for i := range ops {
			ops[i].ID, ops[i].InterventionID = id*10+int64(i), id
		}
		return sb.Intervention{ID: id, RepairerID: repairer, City: "Nantes", Kind: kind,
			Status: sb.StatusClosed, ClosedAt: closed, Operations: ops}
	}
	op := func(price, commission int64) sb.Operation {
		return sb.Operation{Label: "op", PriceCents: price, CommissionCents: commission}
	}
	day := utc(2026, 10, 9, 9, 0, 0)
	src.Interventions = append(src.Interventions,
		oct(301, 99, sb.KindStandard, day, op(1000, 800)),               // unknown repairer
		oct(302, 4, sb.KindStandard, day, op(1000, 800)),                // invalid VAT regime
		oct(303, 1, "warranty", day, op(1000, 800)),                     // unknown kind
		oct(304, 1, sb.KindStandard, day, op(1000, 800), op(500, -100)), // negative commission
		oct(305, 3, sb.KindStandard, day, op(1000, -1)),                 // negative price… of commission
		oct(306, 3, sb.KindStandard, day, op(sb.MaxAmountCents+1, 10)),  // improbable price
		oct(307, 3, sb.KindStandard, day, op(100, sb.MaxAmountCents)),
		oct(308, 1, sb.KindStandard, utc(1999, 12, 31, 12, 0, 0), op(100, 100)),           // improbable date
		oct(309, 3, sb.KindStandard, day, op(-5, 100)),                                    // negative price
		oct(310, 3, sb.KindStandard, day, op(100, 1<<62), op(100, 1<<62), op(100, 1<<62)), // beyond int64
		oct(311, 1, sb.KindSAV, day, op(100, 700)),                                        // a SAV without original: its visit is paid
		oct(312, 1, "SAV", day, op(100, 700)),                                             // kind in capitals
		oct(313, 1, "sav ", day, op(100, 700)),                                            // kind with a trailing space
		oct(314, 1, sb.KindStandard, time.Time{}, op(100, 700)),                           // closed, without closed_at
		oct(315, 1, sb.KindStandard, utc(9999, 12, 31, 0, 0, 0), op(100, 700)),            // closed in 9999: reported, waits
		oct(316, 3, sb.KindStandard, day, op(100, 700)),                                   // summed, with oddCity
	)
	src.Interventions[len(src.Interventions)-1].City = oddCity
	for i, status := range []string{"CLOSED", "closed ", "done", ""} { // codes not exactly the contract's
		iv := oct(321+int64(i), 1, sb.KindStandard, day, op(100, 700))
		iv.Status = status
		src.Interventions = append(src.Interventions, iv)
	}
	return src
}

// TestSummedCloseBooksTheSame: three months closed with the input read in full and, on a twin
// database, with the store summing and booking the commission lines: the ledgers are the same,
// line for line, with bad data held, late arrivals and fixes booked later.
//
// MySQL/MariaDB runs it twice: loading the summed lines (LOAD DATA LOCAL INFILE) and inserting
// them, as where the server refuses to load.
func TestSummedCloseBooksTheSame(t *testing.T) {
	defer store.SetSumChunk(4)() // MySQL reads the interventions 4 at a time
	for _, insert := range []bool{false, true} {
		twins := dbtest.Engines(t)
		for i, e := range dbtest.Engines(t) {
			if insert && e.Name != "mysql" {
				continue
			}
			name := e.Name
			if insert {
				name += "/insert"
			}
			t.Run(name, func(t *testing.T) {
				defer store.SetLoadDataOff(insert)()
				testSummedCloseBooksTheSame(t, e, twins[i])
			})
		}
	}
}

// TestSummedCloseWhenLoadRefused: a MySQL/MariaDB server that refuses LOAD DATA LOCAL
// (local_infile off) gets the summed lines by INSERT, with the same ledger as the full read.
// local_infile is global: other tests running meanwhile on the server insert too, which changes
// none of their results.
func TestSummedCloseWhenLoadRefused(t *testing.T) {
	defer store.SetSumChunk(4)()
	e, ok := mysqlEngine(t)
	twin, _ := mysqlEngine(t)
	if ok {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := dbtest.Open(t, e)
			var was int
			if err := db.Query(ctx, "SELECT @@GLOBAL.local_infile", nil, func(rows *sql.Rows) error { return rows.Scan(&was) }); err != nil {
				t.Fatal(err)
			}
			if err := db.Exec(ctx, "SET GLOBAL local_infile = 0"); err != nil {
				t.Fatalf("turn local_infile off (the test user needs SUPER, as scripts/mariadb.sh grants): %v", err)
			}
			t.Cleanup(func() {
				if err := db.Exec(context.Background(), "SET GLOBAL local_infile = ?", was); err != nil {
					t.Errorf("restore local_infile: %v", err)
				}
			})
			if err := db.Exec(ctx, "CREATE TABLE load_probe (id BIGINT NOT NULL PRIMARY KEY)"); err != nil {
				t.Fatal(err)
			}
			err := db.WithCloseLock(ctx, time.Second, func(ctx context.Context, tx *store.Tx) error {
				return tx.LoadRows(ctx, "load_probe", []string{"id"}, [][]any{{int64(1)}})
			})
			if !errors.Is(err, store.ErrLoadRefused) {
				t.Fatalf("LOAD DATA LOCAL with local_infile off: %v, want ErrLoadRefused", err)
			}
			testSummedCloseBooksTheSame(t, e, twin)
		})
	}
}

// oddCity is a city name with every character the bulk load must escape.
const oddCity = "Saint-Étienne\t \\N\t«\n»\r\\ 'l''Ile' \"x\""

// testSummedCloseBooksTheSame closes three months on e in full and on twin summed.
func testSummedCloseBooksTheSame(t *testing.T, e, twin dbtest.Engine) {
	ctx := context.Background()
	dbs := []*store.DB{dbtest.Open(t, e), dbtest.Open(t, twin)}
	for _, db := range dbs {
		mustInsert(t, db, badSource())
	}
	for k, p := range []sb.Period{sep, oct, nov} {
		if k == 2 {
			// November: a late arrival (closed in September, entered now) and a fix
			for _, db := range dbs {
				late := sb.Intervention{ID: 400, RepairerID: 3, Kind: sb.KindStandard, City: "Lyon",
					Status: sb.StatusClosed, ClosedAt: utc(2026, 9, 15, 10, 0, 0),
					Operations: []sb.Operation{{ID: 4000, InterventionID: 400, PriceCents: 300, CommissionCents: 250}}}
				mustInsert(t, db, sb.Source{Interventions: []sb.Intervention{late}})
				if err := db.Exec(ctx, "UPDATE intervention_operations SET commission_cents = 100 WHERE id = 3041"); err != nil {
					t.Fatal(err)
				}
			}
		}
		summed, a, b := closeTwins(t, dbs, p)
		if summed.Summed == nil && p != sep {
			t.Errorf("%s: nothing summed", p)
		}
		if p == oct {
			held := map[string]bool{}
			for _, an := range a.Anomalies {
				held[an.Item] = an.Blocking
			}
			for _, id := range []string{"301", "302", "303", "304", "305", "306", "308", "309", "310",
				"312", "313", "314", "321", "322", "323", "324"} {
				if !held["intervention "+id] {
					t.Errorf("October: intervention %s not held: %v", id, held)
				}
			}
			if blocking, ok := held["intervention 315"]; !ok || blocking {
				t.Errorf("October: intervention 315, closed in 9999, is not reported as a warning: %v", held)
			}
			for _, id := range []int64{312, 313, 314, 315, 321, 322, 323, 324} {
				for _, c := range b.StatementOf(1).Commissions {
					if c.InterventionID == id {
						t.Errorf("October: intervention %d booked: %+v", id, c)
					}
				}
			}
			odd := false
			for _, c := range b.StatementOf(3).Commissions {
				odd = odd || (c.InterventionID == 316 && c.City == oddCity && c.AmountCents == 700)
			}
			if !odd {
				t.Errorf("October: intervention 316 is not booked with its city %q: %+v", oddCity, b.StatementOf(3).Commissions)
			}
			if s := b.StatementOf(3); s == nil || s.GrossCents < sb.MaxAmountCents {
				t.Errorf("October: the largest plausible commission is not booked: %+v", s)
			}
		}
		if p == nov {
			s := b.StatementOf(3)
			var late bool
			for _, c := range s.Commissions {
				late = late || (c.InterventionID == 400 && c.Late)
			}
			if !late {
				t.Errorf("November: the late arrival is not booked late: %+v", s.Commissions)
			}
			fixed := false
			for _, c := range b.StatementOf(1).Commissions {
				fixed = fixed || (c.InterventionID == 304 && c.Late && c.AmountCents == 900)
			}
			if !fixed {
				t.Errorf("November: the fixed intervention 304 is not booked late: %+v", b.StatementOf(1).Commissions)
			}
		}
	}
}

// SaveBook checks that the book's summed lines are the ones the store booked.
func TestSaveBookChecksSummedLines(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		mustInsert(t, db, source())
		for _, c := range []struct {
			name string
			load bool
			edit func(b *sb.Book)
			want string
		}{
			{"lines", true, func(b *sb.Book) { b.Summed.Lines++ }, "summed commission lines"},
			{"cents", true, func(b *sb.Book) { b.Summed.AmountCents-- }, "summed commission lines"},
			{"none booked", true, func(b *sb.Book) { b.Summed = nil }, "summed commission lines"},
			{"not staged", false, func(b *sb.Book) {}, "none were booked"},
		} {
			in := input(oct)
			in.Issuer = issuer
			err := db.WithCloseLock(context.Background(), time.Second, func(ctx context.Context, tx *store.Tx) error {
				if err := tx.LoadSummedCloseInput(ctx, in); err != nil {
					return err
				}
				b, err := reconcile.Close(in)
				if err != nil {
					return err
				}
				c.edit(b)
				if !c.load {
					// a book with summed lines given to another transaction
					return db.WithCloseLock(ctx, 0, func(ctx context.Context, tx2 *store.Tx) error { return tx2.SaveBook(ctx, b) })
				}
				return tx.SaveBook(ctx, b)
			})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				if c.name == "not staged" && err != nil && strings.Contains(err.Error(), store.ErrLocked.Error()) {
					continue // SQLite: the second transaction cannot even begin
				}
				t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
			}
		}
		if ps, err := db.ClosedPeriods(context.Background()); err != nil || len(ps) != 0 {
			t.Errorf("a refused book must leave nothing: %v %v", ps, err)
		}
	})
}

// LoadBookHead is LoadBook without its statements; EachStatement gives LoadBook's statements
// back a batch at a time, with their commission lines listed or counted; EachSAVLine gives every
// SAV line in the workbook's order; LoadBookTotals sums them as LoadBook's Totals.
func TestLoadBookHeadAndEachStatement(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		mustInsert(t, db, badSource())
		closeWith(t, db, sep, true)
		closeWith(t, db, oct, true)
		full, err := db.LoadBook(ctx, oct)
		if err != nil {
			t.Fatal(err)
		}
		if len(full.Statements) < 3 {
			t.Fatalf("the fixture books %d statements: too few to read them in batches", len(full.Statements))
		}
		head, headTotals, err := db.LoadBookHead(ctx, oct)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(full.Totals(), headTotals); diff != "" {
			t.Errorf("LoadBookHead's totals (-LoadBook's +got):\n%s", diff)
		}
		want := *full
		want.Statements = nil
		if diff := cmp.Diff(&want, head); diff != "" {
			t.Errorf("LoadBookHead (-want +got):\n%s", diff)
		}
		counted := make([]sb.Statement, len(full.Statements))
		rows := make([]sb.Statement, len(full.Statements))
		numbers := make([]sb.Statement, len(full.Statements))
		for i, s := range full.Statements {
			numbers[i] = sb.Statement{Period: s.Period, Number: s.Number, Repairer: sb.Party{ID: s.Repairer.ID}}
			s.UnlistedLines, s.Commissions = len(s.Commissions), nil
			counted[i] = s
			s.SAV, s.Installments = nil, nil
			rows[i] = s
		}
		for _, batch := range []int{1, 2, 1000} {
			restore := store.SetStatementBatches(batch, batch)
			for lines, want := range map[store.Lines][]sb.Statement{
				store.LinesListed: full.Statements, store.LinesCounted: counted, store.RowsOnly: rows, store.NumbersOnly: numbers} {
				var got []sb.Statement
				err = db.EachStatement(ctx, oct, lines, func(s *sb.Statement) error {
					got = append(got, *s)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("EachStatement by %d, lines %d (-LoadBook +got):\n%s", batch, lines, diff)
				}
			}
			stop := errors.New("stop")
			n := 0
			err = db.EachStatement(ctx, oct, store.LinesListed, func(*sb.Statement) error { n++; return stop })
			if !errors.Is(err, stop) || n != 1 {
				t.Errorf("EachStatement by %d after fn's error: %v, %d calls; want stop after 1", batch, err, n)
			}
			restore()
		}
		if err := db.EachStatement(ctx, nov, store.RowsOnly, func(*sb.Statement) error { return nil }); !errors.Is(err, store.ErrNotClosed) {
			t.Errorf("EachStatement of an open period: %v, want ErrNotClosed", err)
		}
		if _, _, err := db.LoadBookHead(ctx, nov); !errors.Is(err, store.ErrNotClosed) {
			t.Errorf("LoadBookHead of an open period: %v, want ErrNotClosed", err)
		}

		type savRow struct {
			Line            sb.SAVLine
			Name, Statement string
		}
		var wantLines, gotLines []savRow
		for _, s := range full.Statements {
			for _, l := range s.SAV {
				wantLines = append(wantLines, savRow{l, s.Repairer.Name, s.Number})
			}
		}
		sort.SliceStable(wantLines, func(i, j int) bool { return wantLines[i].Line.SAVID < wantLines[j].Line.SAVID })
		if len(wantLines) < 2 {
			t.Fatalf("the fixture books %d SAV lines: too few to check their order", len(wantLines))
		}
		err = db.EachSAVLine(ctx, oct, func(l *sb.SAVLine, name, statement string) error {
			gotLines = append(gotLines, savRow{*l, name, statement})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(wantLines, gotLines); diff != "" {
			t.Errorf("EachSAVLine (-LoadBook's lines by SAV +got):\n%s", diff)
		}

		totals, err := db.LoadBookTotals(ctx, oct)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(full.Totals(), totals); diff != "" {
			t.Errorf("LoadBookTotals (-LoadBook's +got):\n%s", diff)
		}
		if totals.GrossCents == 0 || totals.Statements == 0 {
			t.Errorf("LoadBookTotals: %+v, want the statements' commissions", totals)
		}
		if _, err := db.LoadBookTotals(ctx, nov); !errors.Is(err, store.ErrNotClosed) {
			t.Errorf("LoadBookTotals of an open period: %v, want ErrNotClosed", err)
		}
	})
}

// EachSAVLine lists a period's SAV lines by SAV, then by the statements' order, then by type, on
// a network whose SAVs charge repairers in another order than their ids: listing them by
// repairer first would differ.
func TestEachSAVLineOrder(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		last := sb.MustPeriod("2026-08")
		mustInsertSample(t, db, 2, last)
		closeWith(t, db, last.Prev(), true)
		closeWith(t, db, last, true)
		full, err := db.LoadBook(ctx, last)
		if err != nil {
			t.Fatal(err)
		}
		type line struct{ SAV, Repairer int64 }
		var byRepairer []line // the statements' order: by repairer, then SAV
		for _, s := range full.Statements {
			for _, l := range s.SAV {
				byRepairer = append(byRepairer, line{l.SAVID, l.RepairerID})
			}
		}
		want := slices.Clone(byRepairer)
		sort.SliceStable(want, func(i, j int) bool { return want[i].SAV < want[j].SAV })
		if slices.Equal(want, byRepairer) {
			t.Fatalf("the fixture's %d SAV lines are in the same order by repairer as by SAV: it cannot tell them apart", len(want))
		}
		var got []line
		err = db.EachSAVLine(ctx, last, func(l *sb.SAVLine, _, _ string) error {
			got = append(got, line{l.SAVID, l.RepairerID})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("EachSAVLine (-by SAV, then statement +got):\n%s", diff)
		}
	})
}

// The store skips its check for repeated rows only where a primary key on id rules them out:
// on the tables it creates, not on a view over them.
func TestUniqueIDs(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		if err := db.Exec(ctx, "CREATE VIEW iv_view AS SELECT * FROM interventions"); err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(ctx, "CREATE TABLE no_key (id BIGINT, x INT)"); err != nil {
			t.Fatal(err)
		}
		err := db.ReadTx(ctx, func(ctx context.Context, tx *store.Tx) error {
			for table, want := range map[string]bool{"interventions": true, "intervention_operations": true,
				"iv_view": false, "no_key": false, "sb_statements": false, "missing": false} {
				got, err := tx.UniqueIDs(ctx, table)
				if err != nil || got != want {
					t.Errorf("uniqueIDs(%s) = %v, %v; want %v", table, got, err, want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestSummedCloseFailsWhole: on MySQL/MariaDB the sums are read on a second connection while the
// close's connection books them. A failure on either side ends both and the close books nothing:
// no commission line, no period.
func TestSummedCloseFailsWhole(t *testing.T) {
	defer store.SetSumChunk(4)() // many ranges: the failure comes in the middle of the pipeline
	for _, c := range []struct {
		name   string
		setup  []string // statements making the close fail (on intervention 316's range, or later)
		noTemp bool     // TMPDIR names a missing folder (the spool cannot be created)
		want   string   // in the error: why it failed
		side   string   // in the error: the step that fails
	}{
		{"booking fails", []string{`CREATE TRIGGER refuse_316 BEFORE INSERT ON sb_commissions FOR EACH ROW
			IF NEW.intervention_id = 316 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'; END IF`},
			false, "refused by the test", "load into sb_commissions"},
		{"reading fails", []string{
			// interventions becomes a view whose row 316 cannot be read (its city: the look-back's
			// fingerprints, read first, read only the ids and times)
			`CREATE FUNCTION refuse_316(id BIGINT, city VARCHAR(80)) RETURNS VARCHAR(80) DETERMINISTIC
				BEGIN IF id = 316 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'; END IF; RETURN city; END`,
			"RENAME TABLE interventions TO interventions_base",
			`CREATE VIEW interventions AS SELECT id, repairer_id, customer_id, refuse_316(id, city) AS city, kind,
				original_intervention_id, status, closed_at FROM interventions_base`},
			false, "refused by the test", "read summed commissions"},
		{"reading fails after the sums", []string{
			// sav_decisions, read once the lines are summed (and maybe loading still), cannot be read
			// (their outcome: the look-back's fingerprints, read first, read only the ids and times)
			`CREATE FUNCTION refuse_any(v VARCHAR(20)) RETURNS VARCHAR(20) DETERMINISTIC
				BEGIN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'; RETURN v; END`,
			"RENAME TABLE sav_decisions TO sav_decisions_base",
			`CREATE VIEW sav_decisions AS SELECT intervention_id, refuse_any(outcome) AS outcome, charge_bp,
				faulty_repairer_id, damage_cents, decided_at, decided_by, note FROM sav_decisions_base`},
			false, "refused by the test", "read SAVs"},
		// the summed lines wait in a spool file in TMPDIR
		{"no temporary folder", nil, true, "set TMPDIR to a writable folder", "create the spool of commission lines"},
	} {
		e, ok := mysqlEngine(t)
		if !ok {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			db := dbtest.Open(t, e)
			tmp := t.TempDir() // the spool of the lines read ahead of their loading
			t.Setenv("TMPDIR", tmp)
			if c.noTemp {
				t.Setenv("TMPDIR", filepath.Join(tmp, "missing"))
			}
			mustInsert(t, db, badSource())
			for _, s := range c.setup {
				if err := db.Exec(ctx, s); err != nil {
					t.Fatal(err)
				}
			}
			in := input(oct)
			in.Issuer = issuer
			err := db.WithCloseLock(ctx, time.Second, func(ctx context.Context, tx *store.Tx) error {
				return tx.LoadSummedCloseInput(ctx, in)
			})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("close refused: %v, want an error saying %q", err, c.want)
			}
			if !strings.Contains(err.Error(), c.side) {
				t.Errorf("close refused: %v, want it from %q", err, c.side)
			}
			var lines, periods int
			scanRow(t, db, "SELECT (SELECT COUNT(*) FROM sb_commissions), (SELECT COUNT(*) FROM sb_periods)", &lines, &periods)
			if lines != 0 || periods != 0 {
				t.Errorf("after the failed close: %d commission lines and %d periods booked, want none", lines, periods)
			}
			if left, err := os.ReadDir(tmp); err != nil || len(left) > 0 {
				t.Errorf("after the failed close, the temporary folder holds %v (%v), want nothing", left, err)
			}
		})
	}
}

// TestSummedCloseRepeatedRows: source tables that are views may repeat a row. An intervention
// whose row is repeated, or one of whose operations is, is not summed by the store: the rules
// read it in full and hold it, as the full read does. The one beside them is summed.
//
// MySQL reads the interventions a chunk at a time, each found by a LIMIT: with chunks of 1 to 5
// the three rows of intervention 601 fall on every side of a chunk's end, or fill a chunk.
func TestSummedCloseRepeatedRows(t *testing.T) {
	for chunk := 1; chunk <= 5; chunk++ {
		t.Run(fmt.Sprintf("chunk%d", chunk), func(t *testing.T) {
			defer store.SetSumChunk(chunk)()
			testSummedCloseRepeatedRows(t)
		})
	}
}

func testSummedCloseRepeatedRows(t *testing.T) {
	twins := dbtest.Engines(t)
	for i, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			dbs := []*store.DB{dbtest.Open(t, e), dbtest.Open(t, twins[i])}
			rename := "ALTER TABLE %s RENAME TO %s"
			if e.Name == "mysql" {
				rename = "RENAME TABLE %s TO %s"
			}
			for _, db := range dbs {
				src := source()
				for id := int64(601); id <= 603; id++ {
					src.Interventions = append(src.Interventions, sb.Intervention{ID: id, RepairerID: 1,
						Kind: sb.KindStandard, City: "Dijon", Status: sb.StatusClosed, ClosedAt: utc(2026, 10, 20, 9, 0, 0),
						Operations: []sb.Operation{{ID: id * 10, InterventionID: id, PriceCents: 1000, CommissionCents: 300},
							{ID: id*10 + 1, InterventionID: id, PriceCents: 500, CommissionCents: 200}}})
				}
				mustInsert(t, db, src)
				for _, q := range []string{
					fmt.Sprintf(rename, "interventions", "iv_base"),
					fmt.Sprintf(rename, "intervention_operations", "op_base"),
					"CREATE VIEW interventions AS SELECT * FROM iv_base UNION ALL SELECT * FROM iv_base WHERE id = 601 UNION ALL SELECT * FROM iv_base WHERE id = 601",
					"CREATE VIEW intervention_operations AS SELECT * FROM op_base UNION ALL SELECT * FROM op_base WHERE id = 6021",
				} {
					if err := db.Exec(ctx, q); err != nil {
						t.Fatal(err)
					}
				}
			}
			summed, _, b := closeTwins(t, dbs, oct)
			held := map[string]bool{}
			for _, an := range b.Anomalies {
				held[an.Item] = true
			}
			if !held["intervention 601"] || !held["intervention 602"] || held["intervention 603"] {
				t.Errorf("held: %v, want interventions 601 and 602, not 603", held)
			}
			booked := map[int64]int64{}
			for _, c := range b.StatementOf(1).Commissions {
				booked[c.InterventionID] = c.AmountCents
			}
			if _, ok := booked[601]; ok {
				t.Errorf("intervention 601, repeated, is booked")
			}
			if _, ok := booked[602]; ok {
				t.Errorf("intervention 602, with a repeated operation, is booked")
			}
			if booked[603] != 500 {
				t.Errorf("intervention 603 booked for %d cents, want 500", booked[603])
			}
			if summed.Summed == nil {
				t.Errorf("nothing summed")
			}
		})
	}
}

// TestSummedCloseBooksExtremeIDs: the summing pass reads the interventions by ranges of ids, and
// the first and last possible ids are in them: interventions -2^63 and 2^63-1 are booked like
// any other.
func TestSummedCloseBooksExtremeIDs(t *testing.T) {
	defer store.SetSumChunk(4)()
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		src := source()
		for i, id := range []int64{math.MinInt64, math.MaxInt64} {
			src.Interventions = append(src.Interventions, sb.Intervention{ID: id, RepairerID: 1,
				Kind: sb.KindStandard, City: "Paris", Status: sb.StatusClosed, ClosedAt: utc(2026, 10, 12, 9, 0, 0),
				Operations: []sb.Operation{{ID: 9000 + int64(i), InterventionID: id, PriceCents: 1000, CommissionCents: 700 + int64(i)}}})
		}
		mustInsert(t, db, src)
		if b := closeWith(t, db, oct, true); b.Summed == nil {
			t.Fatal("nothing summed")
		}
		got := map[int64]int64{}
		booked, err := db.LoadBook(context.Background(), oct)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range booked.StatementOf(1).Commissions {
			got[c.InterventionID] = c.AmountCents
		}
		if got[math.MinInt64] != 700 || got[math.MaxInt64] != 701 {
			t.Errorf("repairer 1's lines: intervention -2^63 → %d cents, 2^63-1 → %d cents; want 700 and 701 (all: %v)",
				got[math.MinInt64], got[math.MaxInt64], got)
		}
	})
}

// A statement keeps the number of its commission lines (sb_statements.commission_lines, written
// with them): the counted reads give it without counting, and listing the lines checks it.
func TestStatementLineCount(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		mustInsert(t, db, badSource())
		closeWith(t, db, oct, true)
		full, err := db.LoadBook(ctx, oct)
		if err != nil {
			t.Fatal(err)
		}
		var target *sb.Statement
		for i := range full.Statements {
			if s := &full.Statements[i]; len(s.Commissions) > 1 && (target == nil || len(s.Commissions) > len(target.Commissions)) {
				target = s
			}
		}
		if target == nil {
			t.Fatal("the fixture books no statement with two commission lines")
		}
		counts := func() map[string]int {
			got := map[string]int{}
			err := db.EachStatement(ctx, oct, store.LinesCounted, func(s *sb.Statement) error {
				got[s.Number] = s.CommissionCount()
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		got := counts()
		for _, s := range full.Statements {
			if got[s.Number] != len(s.Commissions) {
				t.Errorf("statement %s: %d lines counted, %d listed", s.Number, got[s.Number], len(s.Commissions))
			}
		}

		// A line lost behind the ledger's back: the count no longer matches the lines.
		if err := db.Exec(ctx, "DELETE FROM sb_commissions WHERE intervention_id = ?", target.Commissions[0].InterventionID); err != nil {
			t.Fatal(err)
		}
		if got := counts()[target.Number]; got != len(target.Commissions) {
			t.Errorf("statement %s after a line was deleted: %d lines counted, want the %d its row keeps", target.Number, got, len(target.Commissions))
		}
		want := fmt.Sprintf("statement %s: %d commission lines booked, its row says %d", target.Number, len(target.Commissions)-1, len(target.Commissions))
		for _, read := range []func() error{
			func() error { _, err := db.LoadBook(ctx, oct); return err },
			func() error {
				return db.EachStatement(ctx, oct, store.LinesListed, func(*sb.Statement) error { return nil })
			},
		} {
			if err := read(); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("reading the lines back: %v, want %q", err, want)
			}
		}
	})
}

// On MySQL the summed lines are still being loaded when LoadSummedCloseInput returns, while the
// rules compute: a close failing then (the rules, or a panic) stops the loading and books
// nothing; SaveBook waits for the lines and books after them.
func TestSummedCloseLoadingOutlivesTheRead(t *testing.T) {
	defer store.SetSumChunk(2)() // many segments to load
	forEngines(t, func(t *testing.T, e dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		mustInsert(t, db, badSource())
		if e.Name == "mysql" {
			// every line loaded takes 20 ms: the loading outlasts the reads
			if err := db.Exec(ctx, `CREATE TRIGGER slow_load BEFORE INSERT ON sb_commissions FOR EACH ROW
				SET @slept = SLEEP(0.02)`); err != nil {
				t.Fatal(err)
			}
		}
		rulesFailed := errors.New("the rules failed")
		err := db.WithCloseLock(ctx, time.Second, func(ctx context.Context, tx *store.Tx) error {
			in := input(oct)
			in.Issuer = issuer
			if err := tx.LoadSummedCloseInput(ctx, in); err != nil {
				return err
			}
			return rulesFailed
		})
		if !errors.Is(err, rulesFailed) {
			t.Fatalf("close: %v, want the rules' error", err)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("the close's panic was not passed on")
				}
			}()
			_ = db.WithCloseLock(ctx, time.Second, func(ctx context.Context, tx *store.Tx) error {
				in := input(oct)
				in.Issuer = issuer
				if err := tx.LoadSummedCloseInput(ctx, in); err != nil {
					return err
				}
				panic("the rules panicked")
			})
		}()
		var lines, periods int
		scanRow(t, db, "SELECT (SELECT COUNT(*) FROM sb_commissions), (SELECT COUNT(*) FROM sb_periods)", &lines, &periods)
		if lines != 0 || periods != 0 {
			t.Errorf("after the failed closes: %d commission lines and %d periods booked, want none", lines, periods)
		}

		var summed int
		err = db.WithCloseLock(ctx, time.Second, func(ctx context.Context, tx *store.Tx) error {
			in := input(oct)
			in.Issuer = issuer
			if err := tx.LoadSummedCloseInput(ctx, in); err != nil {
				return err
			}
			for _, s := range in.Summed {
				summed += s.Lines
			}
			b, err := reconcile.Close(in)
			if err != nil {
				return err
			}
			if err := tx.SaveBook(ctx, b); err != nil {
				return err
			}
			// SaveBook returned with the summed lines all booked, not still loading
			booked, err := tx.CountIn(ctx, "SELECT COUNT(*) FROM sb_commissions")
			if err == nil && booked < summed {
				err = fmt.Errorf("SaveBook returned with %d commission lines booked, %d of them summed", booked, summed)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		scanRow(t, db, "SELECT COUNT(*) FROM sb_commissions", &lines)
		if summed == 0 || lines < summed {
			t.Errorf("after the close: %d commission lines booked, %d of them summed; want them all", lines, summed)
		}
	})
}
