package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/reconcile"
	"savbilling/store"
)

// closeMonth closes p (after last, zero for the first close) as a close does: read, compute,
// book, in the close's transaction.
func closeMonth(t *testing.T, db *store.DB, p, last sb.Period) *sb.Book {
	t.Helper()
	var b *sb.Book
	err := db.WithCloseLock(context.Background(), time.Second, func(ctx context.Context, tx *store.Tx) error {
		in := input(p)
		in.Issuer, in.LastClosed = issuer, last
		if err := tx.LoadCloseInput(ctx, in); err != nil {
			return err
		}
		var err error
		if b, err = reconcile.Close(in); err != nil {
			return err
		}
		return tx.SaveBook(ctx, b)
	})
	if err != nil {
		t.Fatalf("close %s: %v", p, err)
	}
	return b
}

// runAudit runs the audit from since (zero: the whole history) in the close's lock.
func runAudit(t *testing.T, db *store.DB, since sb.Period) *store.AuditResult {
	t.Helper()
	var res *store.AuditResult
	err := db.WithCloseLock(context.Background(), time.Second, func(ctx context.Context, tx *store.Tx) error {
		var err error
		res, err = tx.Audit(ctx, since)
		return err
	})
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	return res
}

// auditedLedger writes a clean network (nothing held), closes September and October 2026, and
// checks the audit finds nothing; then writes behind the closes one row of each kind the audit
// finds, and rows it must not find.
func auditedLedger(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	// SAV 203, closed in October without a decision, is pending; SAV 205 is decided in November.
	iv205 := sb.Intervention{ID: 205, RepairerID: 3, Kind: sb.KindSAV, OriginalID: 101, Status: sb.StatusClosed,
		ClosedAt:   utc(2026, 10, 26, 8, 0, 0),
		Operations: []sb.Operation{{ID: 2051, InterventionID: 205, CommissionCents: 1000, SAVRelated: true}}}
	mustInsert(t, db, sb.Source{Repairers: []sb.Repairer{r1, r2, r3},
		Interventions: []sb.Intervention{iv90, iv101, iv201, iv203, iv205},
		Decisions:     []sb.Decision{d201}, Credits: []sb.Credit{c501}})
	closeMonth(t, db, sep, sb.Period{})
	closeMonth(t, db, oct, sep)
	if res := runAudit(t, db, sb.Period{}); res.Total() != 0 || res.Listed != 0 || res.LastClosed != oct {
		t.Fatalf("clean ledger: audit found %+v", res)
	}

	// (1) an intervention closed in September, entered now; not found: open, cancelled, closed in
	// November (the open period). Its operation 950 is below the mark, but its intervention is not
	// paid: not an added operation.
	late := sb.Intervention{ID: 300, RepairerID: 1, Kind: sb.KindStandard, Status: sb.StatusClosed, ClosedAt: utc(2026, 9, 10, 9, 0, 0),
		Operations: []sb.Operation{{ID: 950, InterventionID: 300, PriceCents: 2000, CommissionCents: 1200}}}
	open := sb.Intervention{ID: 301, RepairerID: 1, Kind: sb.KindStandard, Status: sb.StatusOpen, ClosedAt: utc(2026, 9, 11, 9, 0, 0)}
	cancelled := sb.Intervention{ID: 302, RepairerID: 1, Kind: sb.KindStandard, Status: sb.StatusCancelled, ClosedAt: utc(2026, 9, 12, 9, 0, 0)}
	november := sb.Intervention{ID: 303, RepairerID: 1, Kind: sb.KindStandard, Status: sb.StatusClosed, ClosedAt: utc(2026, 11, 2, 9, 0, 0)}
	// (1), undated: closed with no closing time (the close holds it).
	undated := sb.Intervention{ID: 304, RepairerID: 1, Kind: sb.KindStandard, Status: sb.StatusClosed}
	mustInsert(t, db, sb.Source{Interventions: []sb.Intervention{late, open, cancelled, november, undated},
		// (2) SAV 203's decision, taken in October, entered now; SAV 205's taken in November: not found.
		Decisions: []sb.Decision{{SAVID: 203, Outcome: sb.OutcomeConfirmed, DecidedAt: utc(2026, 10, 28, 9, 0, 0)},
			{SAVID: 205, Outcome: sb.OutcomeConfirmed, DecidedAt: utc(2026, 11, 3, 9, 0, 0)}},
		// (4) a credit granted in October, entered now; one of November: not found.
		Credits: []sb.Credit{{ID: 504, InterventionID: 201, AmountCents: 700, GrantedAt: utc(2026, 10, 20, 9, 0, 0)},
			{ID: 505, InterventionID: 201, AmountCents: 800, GrantedAt: utc(2026, 11, 3, 9, 0, 0)}}})
	// (3) SAV 201's decision revised without moving decided_at.
	d := d201
	d.Outcome, d.ChargeBP = sb.OutcomePartial, 5000
	if err := db.UpdateDecision(ctx, d); err != nil {
		t.Fatal(err)
	}
	// (5) an operation added to intervention 101 (paid in October) with an id below the mark; one
	// above it is the next close's to find.
	for _, id := range []int64{1013, 9001} {
		if err := db.Exec(ctx, `INSERT INTO intervention_operations (id, intervention_id, label, price_cents, commission_cents, sav_related)
			VALUES (?, 101, 'Ajout', 1000, 800, 0)`, id); err != nil {
			t.Fatal(err)
		}
	}
}

func pendingOf(t *testing.T, db *store.DB) map[string][]int64 {
	t.Helper()
	out := map[string][]int64{}
	for _, s := range []string{store.PendingInterventions, store.PendingDecisions, store.PendingCredits, store.PendingOperations} {
		ids, err := db.SourcePending(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		if ids != nil {
			out[s] = ids
		}
	}
	return out
}

// union is a and b merged, each source's ids ascending and once.
func union(a, b map[string][]int64) map[string][]int64 {
	out := map[string][]int64{}
	for _, m := range []map[string][]int64{a, b} {
		for s, ids := range m {
			out[s] = append(out[s], ids...)
		}
	}
	for s := range out {
		slices.Sort(out[s])
		out[s] = slices.Compact(out[s])
	}
	return out
}

func foundIDs(res *store.AuditResult) [][]int64 {
	var out [][]int64
	for _, f := range res.Found {
		out = append(out, f.IDs)
	}
	return out
}

// TestAuditFindsEachKindAndListsItForTheNextClose: each kind the audit finds, behind two closed
// months, and only those; their ids are listed in sb_source_pending under their source, once.
func TestAuditFindsEachKindAndListsItForTheNextClose(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		auditedLedger(t, db)
		tracked := pendingOf(t, db) // what the closes left unsettled (lookback.go): read again anyway
		res := runAudit(t, db, sb.Period{})
		want := [][]int64{{300, 304}, {203}, {201}, {504}, {1013}}
		if diff := cmp.Diff(want, foundIDs(res)); diff != "" {
			t.Errorf("found (-want +got):\n%s", diff)
		}
		if res.Oldest() != sep || res.Found[store.AuditInterventions].Undated != 1 || res.LastClosed != oct {
			t.Errorf("oldest %s, undated %d, last closed %s; want 2026-09, 1, 2026-10", res.Oldest(),
				res.Found[store.AuditInterventions].Undated, res.LastClosed)
		}
		for k, m := range []sb.Period{sep, oct, oct, oct, oct} {
			if res.Found[k].Oldest != m {
				t.Errorf("%s: oldest %s, want %s", res.Found[k].Kind, res.Found[k].Oldest, m)
			}
		}
		wantPending := union(tracked, map[string][]int64{"interventions": {300, 304}, "sav_decisions": {201, 203},
			"client_credits": {504}, "operations": {1013}})
		if diff := cmp.Diff(wantPending, pendingOf(t, db)); diff != "" || res.Listed != 6 {
			t.Errorf("sb_source_pending (-want +got):\n%s; listed %d, want 6", diff, res.Listed)
		}
		if res.Scanned["interventions"] != 10 || res.Scanned["sav_decisions"] != 3 || res.Scanned["client_credits"] != 3 ||
			res.Scanned["intervention_operations"] == 0 {
			t.Errorf("scanned %v", res.Scanned)
		}
		// A second run finds the same and lists nothing new.
		again := runAudit(t, db, sb.Period{})
		if diff := cmp.Diff(want, foundIDs(again)); diff != "" || again.Listed != 0 {
			t.Errorf("second run: listed %d, found (-want +got):\n%s", again.Listed, diff)
		}

		// The next close books them: intervention 300 late, SAV 203 charged, SAV 201 adjusted,
		// credit 504 reported; it holds 304 (no closing time) and lists operation 9001 (above
		// the mark) as added after its intervention was paid, which the audit then leaves alone.
		b := closeMonth(t, db, nov, oct)
		var late300 int
		scanRow(t, db, "SELECT late FROM sb_commissions WHERE intervention_id = 300 AND period = '2026-11'", &late300)
		if late300 != 1 {
			t.Errorf("intervention 300 booked in November with late = %d", late300)
		}
		var states, credits []int64
		for _, st := range b.SAVStates {
			states = append(states, st.SAVID)
		}
		for _, g := range b.Goodwill {
			credits = append(credits, g.CreditID)
		}
		if !slices.Contains(states, 201) || !slices.Contains(states, 203) || !slices.Contains(credits, 504) {
			t.Errorf("November: SAV states of %v, credits %v; want 201 and 203 charged, 504 reported", states, credits)
		}
		after := runAudit(t, db, sb.Period{})
		got := foundIDs(after)
		if diff := cmp.Diff([][]int64{{304}, nil, nil, nil}, got[:4]); diff != "" || slices.Contains(got[4], 9001) {
			t.Errorf("after the November close (-want +got):\n%s\noperations %v", diff, got[4])
		}
	})
}

// TestAuditSinceExcludesOlderRows: from October on, the intervention closed in September is not
// found (nor listed); the undated one still is.
func TestAuditSinceExcludesOlderRows(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		auditedLedger(t, db)
		tracked := pendingOf(t, db)
		res := runAudit(t, db, oct)
		want := [][]int64{{304}, {203}, {201}, {504}, {1013}}
		if diff := cmp.Diff(want, foundIDs(res)); diff != "" {
			t.Errorf("found from 2026-10 (-want +got):\n%s", diff)
		}
		if got, want := pendingOf(t, db)["interventions"], union(tracked, map[string][]int64{"interventions": {304}})["interventions"]; !cmp.Equal(got, want) {
			t.Errorf("listed interventions %v, want %v (304 and what the closes track)", got, want)
		}
		if res.Oldest() != oct || res.Scanned["interventions"] != 6 { // 90 and 300-302 are older
			t.Errorf("oldest %s, scanned %v", res.Oldest(), res.Scanned)
		}
		// From November on (the open period), nothing dated is found.
		nothing := runAudit(t, db, nov)
		if diff := cmp.Diff([][]int64{{304}, nil, nil, nil, nil}, foundIDs(nothing)); diff != "" {
			t.Errorf("found from 2026-11 (-want +got):\n%s", diff)
		}
	})
}

// TestAuditWithoutAClosedPeriodFindsNothing: before the first close there is nothing a close
// missed; the audit lists nothing.
func TestAuditWithoutAClosedPeriodFindsNothing(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		mustInsert(t, db, source())
		res := runAudit(t, db, sb.Period{})
		if !res.LastClosed.IsZero() || res.Total() != 0 || len(pendingOf(t, db)) != 0 {
			t.Errorf("audit before any close: %+v, pending %v", res, pendingOf(t, db))
		}
	})
}
