package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"savbilling"
	"savbilling/internal/dbtest"
	"savbilling/store"
)

func TestLoadCloseInput(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		mustInsert(t, db, source())
		got := loadInput(t, db, oct)

		want := input(oct)
		want.Repairers = map[int64]savbilling.Repairer{1: r1, 2: r2, 3: r3}
		want.Interventions = []savbilling.Intervention{iv90, iv101, iv102, iv106, iv201, iv202, iv203}
		want.SAVs = []savbilling.SAVCase{
			{SAV: iv201, Decision: &d201, Original: bare(iv90)},
			{SAV: iv202, Decision: &d202},       // original 999 is missing
			{SAV: iv203, Original: bare(iv101)}, // decided after the end of October
		}
		want.StrayDecisions = []savbilling.Decision{d102, d777}
		want.Credits = []savbilling.Credit{c501}
		want.Processed = map[int64]savbilling.SAVState{}
		want.Overrides = []savbilling.Override{
			{RepairerID: 2, Period: "2026-10", Mode: savbilling.OverrideSpread, Months: 2},
			{RepairerID: 3, Period: "2026-10", Mode: savbilling.OverrideInvoice},
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
		mustInsert(t, db, savbilling.Source{Repairers: []savbilling.Repairer{r1},
			Interventions: []savbilling.Intervention{iv102, iv103}})
		ids := func(in *savbilling.CloseInput) []int64 {
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
		in.ClosedAt = oct.End(savbilling.Paris).Add(-time.Hour)
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
		early := savbilling.Intervention{ID: 1, RepairerID: 1, Kind: savbilling.KindStandard,
			Status: savbilling.StatusClosed, ClosedAt: utc(2026, 8, 31, 22, 30, 0)}
		open := savbilling.Intervention{ID: 2, RepairerID: 1, Kind: savbilling.KindStandard,
			Status: savbilling.StatusCancelled, ClosedAt: utc(2026, 1, 1, 0, 0, 0)}
		mustInsert(t, db, savbilling.Source{Interventions: []savbilling.Intervention{early, open, iv101}})
		p, ok, err := db.FirstActivity(ctx)
		if err != nil || !ok || p != sep {
			t.Errorf("FirstActivity = %v, %v, %v; want 2026-09, true, nil", p, ok, err)
		}
	})
}
