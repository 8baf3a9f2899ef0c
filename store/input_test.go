package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/store"
)

func TestLoadCloseInput(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		mustInsert(t, db, source())
		got := loadInput(t, db, oct)

		want := input(oct)
		want.Repairers = map[int64]sb.Repairer{1: r1, 2: r2, 3: r3}
		want.Interventions = []sb.Intervention{iv90, iv101, iv102, iv106, iv201, iv202, iv203}
		want.SAVs = []sb.SAVCase{
			{SAV: iv201, Decision: &d201, Original: bare(iv90)},
			{SAV: iv202, Decision: &d202},       // original 999 is missing
			{SAV: iv203, Original: bare(iv101)}, // decided after the end of October
		}
		want.StrayDecisions = []sb.Decision{d102, d777}
		want.Credits = []sb.Credit{c501}
		// 502 is granted on a standard intervention: read all the same (issue 17), not dropped
		want.StrayCredits = []sb.StrayCredit{{Credit: c502, RepairerID: 1}}
		want.Processed = map[int64]sb.SAVState{}
		want.Overrides = []sb.Override{
			{RepairerID: 2, Period: "2026-10", Mode: sb.OverrideSpread, Months: 2},
			{RepairerID: 3, Period: "2026-10", Mode: sb.OverrideInvoice},
		}
		want.LastStatementSeq = map[int64]int{}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("LoadCloseInput(2026-10) (-want +got):\n%s", diff)
		}
	})
}

// An intervention closed at 2026-10-31 22:59:59 UTC (23:59:59 in Paris) is in October; one closed
// at 23:00:00 UTC (midnight in Paris) is in November.
func TestPeriodBounds(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		mustInsert(t, db, sb.Source{Repairers: []sb.Repairer{r1},
			Interventions: []sb.Intervention{iv102, iv103}})
		ids := func(in *sb.CloseInput) []int64 {
			var out []int64
			for _, iv := range in.Interventions {
				out = append(out, iv.ID)
			}
			return out
		}
		if got, want := ids(loadInput(t, db, oct)), []int64{102}; !cmp.Equal(got, want) {
			t.Errorf("2026-10: interventions %v, want %v", got, want)
		}
		if got, want := ids(loadInput(t, db, nov)), []int64{102, 103}; !cmp.Equal(got, want) {
			t.Errorf("2026-11 (nothing booked): interventions %v, want %v", got, want)
		}
		// Closed a month after September's close (1 October, 05:00 UTC): impossible, passed for the
		// rules to report.
		if got, want := ids(loadInput(t, db, sep)), []int64{102, 103}; !cmp.Equal(got, want) {
			t.Errorf("2026-09: interventions %v, want %v (closed after the close's instant)", got, want)
		}
		in := input(sep)
		in.ClosedAt = oct.End(sb.Paris).Add(-time.Hour)
		err := db.ReadTx(context.Background(), func(ctx context.Context, tx *store.Tx) error { return tx.LoadCloseInput(ctx, in) })
		if got, want := ids(in), []int64(nil); err != nil || !cmp.Equal(got, want) {
			t.Errorf("2026-09 closed at the end of October: interventions %v, %v; want none", got, err)
		}
	})
}

func TestFirstActivity(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		if _, ok, err := db.FirstActivity(ctx); err != nil || ok {
			t.Fatalf("FirstActivity on an empty database = %v, %v; want false, nil", ok, err)
		}
		// 2026-08-31 22:30 UTC is already September in Paris (UTC+2).
		early := sb.Intervention{ID: 1, RepairerID: 1, Kind: sb.KindStandard,
			Status: sb.StatusClosed, ClosedAt: utc(2026, 8, 31, 22, 30, 0)}
		open := sb.Intervention{ID: 2, RepairerID: 1, Kind: sb.KindStandard,
			Status: sb.StatusCancelled, ClosedAt: utc(2026, 1, 1, 0, 0, 0)}
		mustInsert(t, db, sb.Source{Interventions: []sb.Intervention{early, open, iv101}})
		p, ok, err := db.FirstActivity(ctx)
		if err != nil || !ok || p != sep {
			t.Errorf("FirstActivity = %v, %v, %v; want 2026-09, true, nil", p, ok, err)
		}
	})
}

// TestLoadCloseInputInIDLists: the operations, decisions, original interventions and booked
// states read by lists of ids give the same close inputs whatever the size of a list, on a
// synthetic network of three months (SAVs, credits, missing originals, pending decisions), the
// last two read after closing the previous one.
func TestLoadCloseInputInIDLists(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		last := sb.MustPeriod("2026-08")
		mustInsertSample(t, db, 3, last)
		var changed, credited []int64 // SAVs charged before p whose decision changed, or credited since
		for p := last.Prev().Prev(); ; p = p.Next() {
			want := loadInput(t, db, p)
			restore := store.SetIDList(7)
			got := loadInput(t, db, p)
			restore()
			if len(want.SAVs) < 30 || len(want.Credits) == 0 {
				t.Fatalf("%s: %d SAVs and %d credits: too few to read in several lists", p, len(want.SAVs), len(want.Credits))
			}
			for _, id := range changed {
				if !slices.ContainsFunc(want.Changed, func(c sb.SAVCase) bool { return c.SAV.ID == id }) {
					t.Errorf("%s: SAV %d, whose decision changed, is not among the changed cases", p, id)
				}
			}
			for _, id := range credited {
				if _, ok := want.Processed[id]; !ok {
					t.Errorf("%s: SAV %d, credited after its charge, has no booked state", p, id)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%s: close input read by lists of 7 ids (-999 +7):\n%s", p, diff)
			}
			if p == last {
				return
			}
			closeWith(t, db, p, false)
			// Twenty SAVs charged so far: ten decisions changed, ten credits granted afterwards.
			var charged []int64
			err := db.Query(ctx, "SELECT sav_id FROM sb_sav_state ORDER BY sav_id", nil, func(rows *sql.Rows) error {
				var id int64
				err := rows.Scan(&id)
				charged = append(charged, id)
				return err
			})
			if err != nil || len(charged) < 20 {
				t.Fatalf("%s: %d SAVs charged (%v), want at least 20", p, len(charged), err)
			}
			changed, credited = charged[:10], charged[10:20]
			for i, id := range charged[:20] {
				q := fmt.Sprintf("UPDATE sav_decisions SET damage_cents = damage_cents + 100 WHERE intervention_id = %d", id)
				if i >= 10 {
					q = fmt.Sprintf("INSERT INTO client_credits (id, intervention_id, amount_cents, granted_at, reason) "+
						"VALUES (%d, %d, 500, '%s', 'geste')", 9_000_000+int(p.Month)*100+i, id, p.Next().Start(sb.Paris).UTC().Add(time.Hour).Format(time.DateTime))
				}
				if err := db.Exec(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}
