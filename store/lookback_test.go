package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/reconcile"
	"savbilling/store"
)

// closeRead closes p on db as the job does (summed or read in full) and returns its book and
// what its read examined.
func closeRead(t *testing.T, db *store.DB, p sb.Period, summed bool) (*sb.Book, store.ReadStats) {
	t.Helper()
	in := input(p)
	in.Issuer = issuer
	var (
		b  *sb.Book
		rs store.ReadStats
	)
	err := db.WithCloseLock(context.Background(), time.Second, func(ctx context.Context, tx *store.Tx) error {
		last, ok, err := tx.LastClosed(ctx)
		if err != nil {
			return err
		}
		if ok {
			in.LastClosed = last
		}
		load := tx.LoadCloseInput
		if summed {
			load = tx.LoadSummedCloseInput
		}
		if err := load(ctx, in); err != nil {
			return err
		}
		rs = tx.ReadStats()
		if b, err = reconcile.Close(in); err != nil {
			return err
		}
		return tx.SaveBook(ctx, b)
	})
	if err != nil {
		t.Fatalf("close %s (summed %v): %v", p, summed, err)
	}
	return b, rs
}

// forReads runs fn on every engine, once with the input read in full and once summed, each on
// a fresh database.
func forReads(t *testing.T, fn func(t *testing.T, db *store.DB, summed bool)) {
	t.Helper()
	for _, summed := range []bool{false, true} {
		for _, e := range dbtest.Engines(t) { // a new database each time
			t.Run(fmt.Sprintf("%s/summed=%v", e.Name, summed), func(t *testing.T) {
				fn(t, dbtest.Open(t, e), summed)
			})
		}
	}
}

// plainIV is a closed standard intervention of repairer 1 with one operation (id*10).
func plainIV(id int64, closed time.Time) sb.Intervention {
	return sb.Intervention{ID: id, RepairerID: 1, City: "Paris", Kind: sb.KindStandard, Status: sb.StatusClosed,
		ClosedAt: closed, Operations: []sb.Operation{{ID: id * 10, InterventionID: id, Label: "Révision",
			PriceCents: 4000, CommissionCents: 1000 + id}}}
}

// bookedIn returns the period and late flag of intervention id's commission line, "" when none.
func bookedIn(t *testing.T, db *store.DB, id int64) (string, bool) {
	t.Helper()
	var (
		period string
		late   int
		n      int
	)
	scanRow(t, db, fmt.Sprintf(`SELECT COUNT(*), COALESCE(MAX(period), ''), COALESCE(MAX(late), 0)
		FROM sb_commissions WHERE intervention_id = %d`, id), &n, &period, &late)
	return period, late == 1
}

// closeSeries closes the periods from first to last, in order.
func closeSeries(t *testing.T, db *store.DB, first, last sb.Period, summed bool) {
	t.Helper()
	for p := first; !last.Before(p); p = p.Next() {
		closeRead(t, db, p, summed)
	}
}

// An intervention closed three months ago and inserted after those months were closed (a late
// arrival) is booked by the next close, marked late.
func TestALateArrivalOfThreeMonthsAgoIsBookedByTheNextCloseMarkedLate(t *testing.T) {
	forReads(t, func(t *testing.T, db *store.DB, summed bool) {
		mustInsert(t, db, sb.Source{Repairers: []sb.Repairer{r1}, Interventions: []sb.Intervention{
			plainIV(1, utc(2026, 6, 10, 9, 0, 0)), plainIV(2, utc(2026, 7, 10, 9, 0, 0)),
			plainIV(3, utc(2026, 8, 10, 9, 0, 0)), plainIV(4, utc(2026, 9, 10, 9, 0, 0))}})
		closeSeries(t, db, sb.MustPeriod("2026-06"), sep, summed)
		mustInsert(t, db, sb.Source{Interventions: []sb.Intervention{plainIV(7, utc(2026, 7, 20, 9, 0, 0)),
			plainIV(8, utc(2026, 10, 3, 9, 0, 0))}})
		closeRead(t, db, oct, summed)
		if p, late := bookedIn(t, db, 7); p != "2026-10" || !late {
			t.Errorf("the late arrival of 2026-07: booked in %q, late %v; want 2026-10, late", p, late)
		}
		if p, late := bookedIn(t, db, 8); p != "2026-10" || late {
			t.Errorf("October's intervention: booked in %q, late %v; want 2026-10, not late", p, late)
		}
	})
}

// The look-back is 24 months (domain rule 1): an intervention closed 25 months before the period
// and inserted after the periods were closed is not booked by the close (the audit finds it,
// docs/rules.md "The look-back"); one closed 23 months before is, as a late arrival.
func TestAnInterventionClosed25MonthsBeforeThePeriodIsLeftToTheAudit(t *testing.T) {
	forReads(t, func(t *testing.T, db *store.DB, summed bool) {
		mustInsert(t, db, sb.Source{Repairers: []sb.Repairer{r1}, Interventions: []sb.Intervention{
			plainIV(1, utc(2024, 3, 10, 9, 0, 0)), plainIV(2, utc(2026, 9, 10, 9, 0, 0))}})
		closeRead(t, db, sep, summed) // the first close books the history before it
		mustInsert(t, db, sb.Source{Interventions: []sb.Intervention{
			plainIV(25, utc(2024, 9, 15, 9, 0, 0)),  // 2024-09: 25 months before 2026-10
			plainIV(23, utc(2024, 11, 15, 9, 0, 0)), // 2024-11: 23 months before
			plainIV(24, utc(2024, 10, 1, 9, 0, 0)),  // 2024-10: the look-back's first month
		}})
		b, rs := closeRead(t, db, oct, summed)
		if p, _ := bookedIn(t, db, 25); p != "" {
			t.Errorf("the intervention of 25 months before: booked in %s, want left to the audit", p)
		}
		for _, id := range []int64{23, 24} {
			if p, late := bookedIn(t, db, id); p != "2026-10" || !late {
				t.Errorf("intervention %d, inside the look-back: booked in %q, late %v; want 2026-10, late", id, p, late)
			}
		}
		for _, a := range b.Anomalies {
			if strings.Contains(a.Item, "25") {
				t.Errorf("the intervention of 25 months before is reported: %+v", a)
			}
		}
		if want := []string{"interventions 2024-10", "interventions 2024-11"}; !slices.Equal(rs.MonthsReread, want) {
			t.Errorf("months re-read: %v, want %v", rs.MonthsReread, want)
		}
	})
}

// An intervention closed 25 months before the period whose id lies among the period's own (ids
// do not follow closing times) is left to the audit too: MariaDB's summing pass reads a dense
// list of ids as a range of the primary key and must drop the range's ids the close did not list.
func TestAnOldInterventionAmongThePeriodsIDsIsLeftToTheAudit(t *testing.T) {
	forReads(t, func(t *testing.T, db *store.DB, summed bool) {
		mustInsert(t, db, sb.Source{Repairers: []sb.Repairer{r1}, Interventions: []sb.Intervention{
			plainIV(1, utc(2026, 9, 10, 9, 0, 0))}})
		closeRead(t, db, sep, summed)
		mustInsert(t, db, sb.Source{Interventions: []sb.Intervention{
			plainIV(30, utc(2026, 10, 2, 9, 0, 0)), plainIV(31, utc(2026, 10, 3, 9, 0, 0)),
			plainIV(32, utc(2024, 9, 15, 9, 0, 0)), // 25 months before October, inserted now
			plainIV(33, utc(2026, 10, 4, 9, 0, 0))}})
		closeRead(t, db, oct, summed)
		if p, _ := bookedIn(t, db, 32); p != "" {
			t.Errorf("the intervention of 25 months before, id 32: booked in %s, want left to the audit", p)
		}
		for _, id := range []int64{30, 31, 33} {
			if p, late := bookedIn(t, db, id); p != "2026-10" || late {
				t.Errorf("October's intervention %d: booked in %q, late %v; want 2026-10, not late", id, p, late)
			}
		}
	})
}

// A held intervention (its repairer unknown) is booked by the close after its repairer is
// fixed, although its month did not move: the close tracks the ids it left unsettled.
func TestAHeldInterventionFixedLaterIsBookedByTheNextClose(t *testing.T) {
	forReads(t, func(t *testing.T, db *store.DB, summed bool) {
		held := plainIV(5, utc(2026, 9, 12, 9, 0, 0))
		held.RepairerID = 9
		mustInsert(t, db, sb.Source{Repairers: []sb.Repairer{r1}, Interventions: []sb.Intervention{
			plainIV(1, utc(2026, 8, 10, 9, 0, 0)), held}})
		closeSeries(t, db, sb.MustPeriod("2026-08"), sep, summed)
		if p, _ := bookedIn(t, db, 5); p != "" {
			t.Fatalf("the intervention of an unknown repairer was booked in %s", p)
		}
		closeRead(t, db, oct, summed) // still held: tracked again
		r9 := r3
		r9.ID = 9
		mustInsert(t, db, sb.Source{Repairers: []sb.Repairer{r9}})
		_, rs := closeRead(t, db, nov, summed)
		if p, late := bookedIn(t, db, 5); p != "2026-11" || !late {
			t.Errorf("the held intervention once fixed: booked in %q, late %v; want 2026-11, late", p, late)
		}
		if len(rs.MonthsReread) != 0 {
			t.Errorf("months re-read: %v, want none (the intervention was tracked by id)", rs.MonthsReread)
		}
		var pending int
		scanRow(t, db, "SELECT COUNT(*) FROM sb_source_pending WHERE source = 'interventions' AND id = 5", &pending)
		if pending != 0 {
			t.Errorf("the booked intervention is still tracked")
		}
	})
}

// A SAV without decision stays pending from close to close (tracked), and is charged by the
// close of the period its decision comes in; a decision revised later inside the look-back
// (the revision moves decided_at) is adjusted by the next close.
func TestAPendingSAVIsChargedWhenItsDecisionComesAndARevisionIsAdjusted(t *testing.T) {
	forReads(t, func(t *testing.T, db *store.DB, summed bool) {
		ctx := context.Background()
		orig := plainIV(90, utc(2026, 8, 20, 8, 0, 0))
		sav := sb.Intervention{ID: 201, RepairerID: 2, City: "Paris", Kind: sb.KindSAV, OriginalID: 90,
			Status: sb.StatusClosed, ClosedAt: utc(2026, 9, 12, 9, 0, 0),
			Operations: []sb.Operation{{ID: 2011, InterventionID: 201, Label: "Reprise", CommissionCents: 3500, SAVRelated: true}}}
		sav2 := sav
		sav2.ID, sav2.ClosedAt = 202, utc(2026, 9, 14, 9, 0, 0)
		sav2.Operations = []sb.Operation{{ID: 2021, InterventionID: 202, Label: "Reprise", CommissionCents: 2500, SAVRelated: true}}
		mustInsert(t, db, sb.Source{Repairers: []sb.Repairer{r1, r2}, Interventions: []sb.Intervention{orig, sav, sav2},
			Decisions: []sb.Decision{{SAVID: 202, Outcome: sb.OutcomeConfirmed, DamageCents: 8000, DecidedAt: utc(2026, 9, 15, 9, 0, 0)}}})
		closeSeries(t, db, sb.MustPeriod("2026-08"), sep, summed)
		b, _ := closeRead(t, db, oct, summed)
		if !slices.ContainsFunc(b.Pending, func(p sb.PendingSAV) bool { return p.SAVID == 201 }) {
			t.Fatalf("October: SAV 201, without decision, is not listed pending: %+v", b.Pending)
		}
		mustInsert(t, db, sb.Source{Decisions: []sb.Decision{{SAVID: 201, Outcome: sb.OutcomeConfirmed, DamageCents: 12000,
			DecidedAt: utc(2026, 11, 4, 9, 0, 0)}}})
		// SAV 202's decision revised: rejected, decided again on 2026-10-20 (after October was closed)
		if err := db.Exec(ctx, "UPDATE sav_decisions SET outcome = ?, damage_cents = 0, decided_at = ? WHERE intervention_id = 202",
			sb.OutcomeRejected, "2026-10-20 09:00:00"); err != nil {
			t.Fatal(err)
		}
		closeRead(t, db, nov, summed)
		var outcome, last string
		scanRow(t, db, "SELECT outcome, last_period FROM sb_sav_state WHERE sav_id = 201", &outcome, &last)
		if outcome != sb.OutcomeConfirmed || last != "2026-11" {
			t.Errorf("SAV 201 once decided: state %s, last period %s; want confirmed in 2026-11", outcome, last)
		}
		scanRow(t, db, "SELECT outcome, last_period FROM sb_sav_state WHERE sav_id = 202", &outcome, &last)
		if outcome != sb.OutcomeRejected || last != "2026-11" {
			t.Errorf("SAV 202 once revised: state %s, last period %s; want rejected in 2026-11", outcome, last)
		}
	})
}

// What the read examined: a close whose earlier months did not move re-reads no month of the
// look-back, and reads about the month's rows; an intervention inserted late into a closed month
// makes the next close re-read exactly that month.
func TestTheReadOfAMonthReReadsOnlyTheMonthsThatMoved(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db := dbtest.Open(t, e)
			mar := sb.MustPeriod("2026-03")
			mustInsertSample(t, db, 3, mar)
			var month int
			scanRow(t, db, fmt.Sprintf("SELECT COUNT(*) FROM interventions WHERE closed_at >= '%s' AND closed_at < '%s'",
				mar.Start(sb.Paris).UTC().Format(time.DateTime), mar.End(sb.Paris).UTC().Format(time.DateTime)), &month)
			closeSeries(t, db, sb.MustPeriod("2026-01"), sb.MustPeriod("2026-02"), true)
			_, rs := closeRead(t, db, mar, true)
			if rs.LookbackMonths != 24 || rs.MonthsChecked != 3*25 {
				t.Errorf("look-back %d months, %d fingerprints; want 24 and 3×25", rs.LookbackMonths, rs.MonthsChecked)
			}
			if len(rs.MonthsReread) != 0 {
				t.Errorf("the close of 2026-03 re-read %v, want no month", rs.MonthsReread)
			}
			if n := rs.Rows["interventions"]; n > month+50 {
				t.Errorf("the close of 2026-03 read %d interventions; want about the month's %d", n, month)
			}
			mustInsert(t, db, sb.Source{Interventions: []sb.Intervention{plainIV(900_000, utc(2026, 1, 20, 9, 0, 0))}})
			_, rs = closeRead(t, db, sb.MustPeriod("2026-04"), true)
			if want := []string{"interventions 2026-01"}; !slices.Equal(rs.MonthsReread, want) {
				t.Errorf("after a late insert into 2026-01, the close re-read %v; want %v", rs.MonthsReread, want)
			}
			if p, late := bookedIn(t, db, 900_000); p != "2026-04" || !late {
				t.Errorf("the late insert: booked in %q, late %v; want 2026-04, late", p, late)
			}
		})
	}
}

// An operation added to an intervention booked before, with an id below the operation mark (the
// close's fast path does not see it), that the audit found (sb_source_pending, source
// 'operations') is reported by the next close, once.
func TestAnOperationTheAuditFoundIsReportedByTheNextClose(t *testing.T) {
	forReads(t, func(t *testing.T, db *store.DB, summed bool) {
		ctx := context.Background()
		mustInsert(t, db, sb.Source{Repairers: []sb.Repairer{r1}, Interventions: []sb.Intervention{
			plainIV(1, utc(2026, 9, 10, 9, 0, 0)), plainIV(2, utc(2026, 10, 10, 9, 0, 0))}})
		closeSeries(t, db, sep, oct, summed) // operation mark: 20
		if err := db.Exec(ctx, `INSERT INTO intervention_operations (id, intervention_id, label, price_cents, commission_cents, sav_related)
			VALUES (15, 1, 'Oubli', 1000, 300, 0)`); err != nil {
			t.Fatal(err)
		}
		reported := func(b *sb.Book) bool {
			return slices.ContainsFunc(b.Anomalies, func(a sb.Anomaly) bool { return a.Item == "opération 15" })
		}
		if b, _ := closeRead(t, db, nov, summed); reported(b) {
			t.Fatalf("November reports operation 15 before the audit found it (below the mark): the test proves nothing")
		}
		if err := db.Exec(ctx, "INSERT INTO sb_source_pending (source, id) VALUES ('operations', 15)"); err != nil {
			t.Fatal(err)
		}
		if b, _ := closeRead(t, db, sb.MustPeriod("2026-12"), summed); !reported(b) {
			t.Errorf("December does not report operation 15, which the audit found: %+v", b.Anomalies)
		}
		if b, _ := closeRead(t, db, sb.MustPeriod("2027-01"), summed); reported(b) {
			t.Errorf("January reports operation 15 again")
		}
	})
}
