package faults

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	sb "savbilling"
	"savbilling/internal/fuzzbytes"
	"savbilling/reconcile"
	"savbilling/store"
)

// FuzzLoadCloseInput writes arbitrary source rows — NULLs anywhere, timestamps in any text form,
// unknown enumerations, extreme amounts, quotes and control characters — into SQLite source
// tables (views over permissive tables, as an operator may provide), then closes October 2026
// through the real store in its close transaction twice: with the store summing what it can
// (LoadSummedCloseInput, as a close does), then, from the same rows, reading every intervention
// in full (LoadCloseInput, as a dry run does), and reads the ledger back. Invariants: no panic;
// the close never fails (bad data is an anomaly); both paths give the same anomalies and the
// same statements; every intervention that concerns the close (concerns) is booked exactly once
// or held as an anomaly, and only a closed one of October is booked; LoadBook gives back what
// was booked (times to the second, as the ledger keeps them); totals never negative nor wrapped.
//
//	go test ./faults -run '^$' -fuzz '^FuzzLoadCloseInput$' -fuzztime 5m
func FuzzLoadCloseInput(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("closed intervention, SAV with decision and credit"))
	f.Add([]byte{2, 1, 0, 0, 1, 2, 3, 0, 0, 0, 1, 1, 1, 9, 9, 9, 4, 4, 4, 0, 2, 7})
	f.Add([]byte{0xff, 0xfe, 0xfd, 0xfc, 0, 0, 0, 3, 3, 3, 3, 3, 3, 5, 5, 5, 5, 6, 6, 6, 6, 6, 1, 2, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		db, raw := fuzzDB(t)
		rows := fuzzRows(data)
		if err := resetSource(raw, rows); err != nil {
			t.Fatalf("write the rows: %v", err)
		}
		newInput := func() *sb.CloseInput {
			return &sb.CloseInput{Period: oct, Start: oct.Start(sb.Paris), End: oct.End(sb.Paris), ClosedAt: octNow,
				Issuer: sb.Issuer{Name: "Réseau"}, Rules: sb.DefaultRules()}
		}
		// The large closes' path first: the store sums and books what it can, the rules the rest.
		var summed *sb.Book
		err := db.WithCloseLock(context.Background(), 0, func(ctx context.Context, tx *store.Tx) error {
			in := newInput()
			if err := tx.LoadSummedCloseInput(ctx, in); err != nil {
				return err
			}
			b, err := reconcile.Close(in)
			if err != nil {
				return err
			}
			summed = b
			return tx.SaveBook(ctx, b)
		})
		if err != nil {
			t.Fatalf("the close (summed) failed: %v\nrows: %v", err, rows)
		}
		checkBooked(t, raw, rows, summed)
		summedLedger, err := db.LoadBook(context.Background(), oct)
		if err != nil {
			t.Fatal(err)
		}
		if err := resetSource(raw, rows); err != nil {
			t.Fatalf("write the rows: %v", err)
		}
		// Then every intervention read in full: the same anomalies, the same statements.
		var booked *sb.Book
		err = db.WithCloseLock(context.Background(), 0, func(ctx context.Context, tx *store.Tx) error {
			in := newInput()
			if err := tx.LoadCloseInput(ctx, in); err != nil {
				return err
			}
			b, err := reconcile.Close(in)
			if err != nil {
				return err
			}
			if err := tx.SaveBook(ctx, b); err != nil {
				return err
			}
			booked = b
			return nil
		})
		if err != nil {
			t.Fatalf("the close failed: %v\nrows: %v", err, rows)
		}
		checkBooked(t, raw, rows, booked)
		if diff := cmp.Diff(booked.Anomalies, summed.Anomalies, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("anomalies (-full +summed):\n%s\nrows: %v", diff, rows)
		}
		if diff := cmp.Diff(statementTotals(booked), statementTotals(summed)); diff != "" {
			t.Fatalf("statements (-full +summed):\n%s\nrows: %v", diff, rows)
		}
		loaded, err := db.LoadBook(context.Background(), oct)
		if err != nil {
			t.Fatal(err)
		}
		// Each line's services, byte for byte: the store's SQL (summed) as the rules (full).
		if diff := cmp.Diff(servicesOf(loaded), servicesOf(summedLedger)); diff != "" {
			t.Fatalf("services (-full +summed):\n%s\nrows: %v", diff, rows)
		}
		// The ledger keeps times to the second (store: SaveBook); documents render from it.
		toSecond := cmp.Comparer(func(a, b time.Time) bool { return a.Truncate(time.Second).Equal(b.Truncate(time.Second)) })
		if diff := cmp.Diff(booked, loaded, cmpopts.IgnoreFields(sb.Book{}, "SAVStates", "Operations"), cmpopts.EquateEmpty(), toSecond); diff != "" {
			t.Fatalf("LoadBook does not give back the booked book (-booked +loaded):\n%s\nrows: %v", diff, rows)
		}
		// The operations of the lines listed are keyed in the ledger, each with its intervention.
		for _, op := range booked.Operations {
			if n := count(t, raw, "SELECT COUNT(*) FROM sb_operations WHERE operation_id = ? AND intervention_id = ?", op.OperationID, op.InterventionID); n != 1 {
				t.Fatalf("operation %d of intervention %d is keyed %d times in sb_operations\nrows: %v", op.OperationID, op.InterventionID, n, rows)
			}
		}
		for _, s := range booked.Statements {
			if s.GrossCents < 0 || s.NetHTCents < 0 || s.VATCents < 0 {
				t.Fatalf("%s: G %d net HT %d VAT %d", s.Number, s.GrossCents, s.NetHTCents, s.VATCents)
			}
			if s.NetTTCCents < s.NetHTCents {
				t.Fatalf("%s: net TTC wrapped (%d)", s.Number, s.NetTTCCents)
			}
		}
		for _, inv := range booked.Invoices {
			if inv.TTCCents < inv.HTCents {
				t.Fatalf("%s: TTC wrapped (%d)", inv.Number, inv.TTCCents)
			}
		}
	})
}

// servicesOf are the services of every commission line of b, by intervention.
func servicesOf(b *sb.Book) map[int64]string {
	out := map[int64]string{}
	for _, s := range b.Statements {
		for _, c := range s.Commissions {
			out[c.InterventionID] = c.Services
		}
	}
	return out
}

// statementTotals are the totals of every statement of b, by repairer.
func statementTotals(b *sb.Book) map[int64][6]int64 {
	out := map[int64][6]int64{}
	for _, s := range b.Statements {
		out[s.Repairer.ID] = [6]int64{int64(s.CommissionCount()), s.GrossCents, s.DeductionsCents, s.NetHTCents, s.VATCents, s.SpreadCents}
	}
	return out
}

// checkBooked checks that every intervention the close must consider (concerns) is booked
// exactly once or held as an anomaly, and that no other is booked.
func checkBooked(t *testing.T, raw *sql.DB, rows []srow, b *sb.Book) {
	t.Helper()
	listed := map[string]bool{}
	for _, a := range b.Anomalies {
		listed[a.Item] = true
	}
	for _, r := range rows {
		id, considered, bookable := concerns(r, oct.End(sb.Paris), octNow.Add(sb.FutureSlack))
		if id == nil {
			continue
		}
		n := count(t, raw, "SELECT COUNT(*) FROM sb_commissions WHERE intervention_id = ?", *id)
		h := listed[fmt.Sprintf("intervention %d", *id)]
		switch {
		case considered && n+boolInt(h) != 1:
			t.Fatalf("intervention %d: booked %d times, held %v\nrows: %v", *id, n, h, rows)
		case n > 0 && !bookable:
			t.Fatalf("intervention %d is booked, but its row is not that of a closed intervention of October\nrows: %v", *id, rows)
		case !considered && h:
			t.Fatalf("intervention %d is listed, but it does not concern October's close\nrows: %v", *id, rows)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

var (
	fuzzDir   string
	fuzzOnce  sync.Once
	fuzzStore *store.DB
	fuzzRaw   *sql.DB
	fuzzErr   error
)

// fuzzDB is the fuzzing process's SQLite database with lenient source views, made once.
func fuzzDB(t *testing.T) (*store.DB, *sql.DB) {
	fuzzOnce.Do(func() {
		// on tmpfs when there is one: every exec commits, and fsync would set the pace
		tmp := ""
		if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
			tmp = "/dev/shm"
		}
		dir, err := os.MkdirTemp(tmp, "savbilling-fuzz")
		if err != nil {
			fuzzErr = err
			return
		}
		fuzzDir = dir // removed by TestMain
		path := filepath.Join(dir, "fuzz.db")
		if fuzzRaw, fuzzErr = sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(20000)&_pragma=journal_mode(WAL)"); fuzzErr != nil {
			return
		}
		fuzzRaw.SetMaxOpenConns(1)
		for _, l := range lenientTables {
			var cols []string
			for _, c := range strings.Split(l.cols, ",") {
				cols = append(cols, strings.Fields(c)[0])
			}
			for _, q := range []string{"CREATE TABLE " + l.table + " (" + l.cols + ")",
				"CREATE VIEW " + l.view + " AS SELECT " + strings.Join(cols, ", ") + " FROM " + l.table} {
				if _, fuzzErr = fuzzRaw.Exec(q); fuzzErr != nil {
					return
				}
			}
		}
		if fuzzStore, fuzzErr = store.Open(context.Background(), "sqlite:"+path); fuzzErr != nil {
			return
		}
		fuzzErr = fuzzStore.Migrate(context.Background())
	})
	if fuzzErr != nil {
		t.Fatal(fuzzErr)
	}
	return fuzzStore, fuzzRaw
}

// resetSource empties the ledger and the source tables and writes rows, in one transaction.
func resetSource(raw *sql.DB, rows []srow) error {
	tx, err := raw.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for i := len(ledgerTables) - 1; i >= 0; i-- {
		if _, err := tx.Exec("DELETE FROM " + ledgerTables[i]); err != nil {
			return err
		}
	}
	tables := map[string]string{}
	for _, l := range lenientTables {
		tables[l.view] = l.table
		if _, err := tx.Exec("DELETE FROM " + l.table); err != nil {
			return err
		}
	}
	for _, r := range rows {
		q := "INSERT INTO " + tables[r.table] + " (" + strings.Join(r.cols, ", ") + ") VALUES (" +
			strings.TrimSuffix(strings.Repeat("?, ", len(r.cols)), ", ") + ")"
		if _, err := tx.Exec(q, r.vals...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// fuzzSrc decodes the fuzzer's bytes (fuzzbytes.Reader) into this target's values.
type fuzzSrc struct{ *fuzzbytes.Reader }

func (d *fuzzSrc) pick(vals ...any) any { return vals[d.Intn(len(vals))] }

// amount: mostly ordinary, sometimes NULL, zero, negative or extreme.
func (d *fuzzSrc) amount() any {
	switch k := d.Intn(12); {
	case k < 7:
		return int64(d.Byte())*100 + int64(d.Byte())
	case k == 7:
		return nil
	case k == 8:
		return int64(0)
	case k == 9:
		return -1 - int64(d.Byte())
	case k == 10:
		return d.pick(int64(math.MaxInt64), int64(math.MaxInt64/2+1), int64(math.MinInt64))
	default:
		return int64(d.Byte()) * 100000
	}
}

// when: mostly a valid October timestamp, sometimes NULL, another form, garbage or far away.
func (d *fuzzSrc) when() any {
	switch k := d.Intn(8); {
	case k < 5:
		return fmt.Sprintf("2026-%02d-%02d %02d:%02d:00", 9+d.Intn(3), 1+d.Intn(28), d.Intn(24), d.Intn(60))
	case k == 5:
		return nil
	default:
		return d.pick("2026-10-05T10:00:00Z", "2026-10-05 10:00:00.123456", "2026-10-05", "1000-01-01 00:00:00",
			"9999-12-31 23:59:59", "0000-00-00 00:00:00", "garbage", "", "1/2/2026", "2026-10-31 23:00:00", "2026-10-31 22:59:59")
	}
}

func (d *fuzzSrc) text() any {
	return d.pick("Paris", nil, "", "O'Brien \"x\" '); DROP TABLE repairers; --", "Zoé\x00\x07\tDu\x1b[31m", "Łukasz 王 🚲",
		strings.Repeat("long ", 60), "(Roue) \\ ) Tj", "=1+1")
}

// fuzzRows decodes source rows: up to 4 repairers, 10 interventions (unique ids) with
// operations, decisions, credits and overrides.
func fuzzRows(data []byte) []srow {
	d := &fuzzSrc{fuzzbytes.New(data)}
	var out []srow
	nr := 1 + d.Intn(4)
	for id := int64(1); id <= int64(nr); id++ {
		r := rep(id, "Réparateur", "standard").set("name", d.pick("Alice", "Bruno", nil, "Zoé\x00", strings.Repeat("N", 300))).
			set("vat_regime", d.pick("standard", "standard", "franchise", "exempt", nil, "STANDARD")).
			set("active", d.pick(int64(1), int64(1), int64(0), nil, int64(7)))
		if d.Intn(4) == 0 {
			r = r.set("rc_pro_deductible_cents", d.amount())
		}
		out = append(out, r)
	}
	n := d.Intn(11)
	for k := range n {
		id := int64(100 + k)
		v := iv(id, 1, "standard", nil, "closed", nil).
			set("repairer_id", d.pick(int64(1+d.Intn(nr+1)), nil)).
			set("kind", d.pick("standard", "standard", "sav", "sav", "SAV", nil, "repair")).
			set("status", d.pick("closed", "closed", "closed", "open", "cancelled", nil, "CLOSED", "closed ")).
			set("closed_at", d.when()).
			set("city", d.text())
		if d.Intn(3) > 0 {
			v = v.set("original_intervention_id", d.pick(int64(100+d.Intn(n+1)), nil, id, int64(999999)))
		}
		out = append(out, v)
		for o := range d.Intn(4) {
			out = append(out, op(id*10+int64(o), id, d.amount(), d.amount(), 0).set("sav_related", d.pick(int64(1), int64(0), nil, int64(2))).
				set("label", d.text()))
		}
		if d.Intn(2) == 0 {
			out = append(out, dec(id, d.pick("confirmed", "partial", "unconfirmed", "rejected", nil, "CONFIRMED", "maybe"),
				d.pick(nil, int64(0), int64(3333), int64(10000), int64(-1)), d.pick(nil, nil, int64(1+d.Intn(nr+1))),
				d.amount(), d.when()).set("note", d.text()))
		}
		for c := range d.Intn(3) {
			out = append(out, credit(id*10+int64(c), id, d.amount(), d.when(), d.text()))
		}
	}
	for range d.Intn(3) {
		out = append(out, srow{"overflow_overrides", []string{"repairer_id", "period", "mode", "months"},
			[]any{int64(1 + d.Intn(nr+1)), d.pick("2026-10", "2026-10", nil, "garbage"), d.pick("spread", "invoice", nil, "x"), d.pick(nil, int64(0), int64(2), int64(500))}})
	}
	return out
}

// concerns classifies an interventions row for a close with end and now: its id (nil for
// another table or a NULL id), whether the close must book or hold it — a status not exactly
// open or cancelled, and a closed_at NULL, unreadable, before end or after now — and whether it
// may be booked at all: status exactly 'closed', a readable closed_at before end.
func concerns(r srow, end, now time.Time) (id *int64, considered, bookable bool) {
	if r.table != "interventions" {
		return nil, false, false
	}
	v := map[string]any{}
	for i, c := range r.cols {
		v[c] = r.vals[i]
	}
	n, ok := v["id"].(int64)
	if !ok {
		return nil, false, false
	}
	status, _ := v["status"].(string)
	if status == "open" || status == "cancelled" {
		return &n, false, false
	}
	s, _ := v["closed_at"].(string)
	var at time.Time
	var err error = fmt.Errorf("unreadable")
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05Z07:00", "2006-01-02"} {
		if at, err = time.Parse(layout, s); err == nil {
			break
		}
	}
	readable := err == nil && !strings.HasPrefix(s, "0000")
	considered = !readable || at.Before(end) || at.After(now)
	bookable = status == "closed" && readable && at.Before(end)
	return &n, considered, bookable
}
