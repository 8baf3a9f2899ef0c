package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"savbilling"
	"savbilling/internal/dbtest"
	"savbilling/reconcile"
	"savbilling/sample"
	"savbilling/store"
)

// TestDecisionRevisedAfterTheSwitchOnAV1Charge: the worked example's SAV 201 was charged in
// October under the rules v1 (45,00 € charge, and the 300,00 € damage's deductible of 200,00 €
// added by a v1 « ajustement »: a line type that says nothing of its kind). Support lowers the
// damage to 50,00 € in November and removes it in December. Each close under v2 books the
// difference per kind, what v1 booked split by the decision v1 last booked, which the ledger keeps
// through the v2 updates of the SAV's state.
func TestDecisionRevisedAfterTheSwitchOnAV1Charge(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		src := sample.WorkedExample()
		mustInsert(t, db, src)
		d := src.Decisions[0]
		r1 := savbilling.Party{ID: 1, Name: "R1", VATRegime: savbilling.VATStandard}
		line := savbilling.SAVLine{SAVID: 201, OriginalID: 90, SAVRepairerID: 2, RepairerID: 1, Outcome: savbilling.OutcomeConfirmed,
			ChargeBP: 10000, CorrectiveCents: 4500, DamageCents: 30000}
		charge, adj := line, line
		charge.Type, charge.AmountCents = savbilling.LineCharge, 4500
		adj.Type, adj.AmountCents = savbilling.LineAdjustment, 20000
		v1 := &savbilling.Book{Period: oct, ClosedAt: utc(2026, 11, 2, 5, 0, 0), IssuedOn: savbilling.Date(2026, 11, 2),
			Issuer: issuer, RulesVersion: savbilling.RulesV1,
			Statements: []savbilling.Statement{{Number: "REL-1-2026-0001", Seq: 1, Repairer: r1, Period: oct,
				SAV: []savbilling.SAVLine{charge, adj}, DeductionsCents: 24500, ReductionsCents: 24500, OverflowCents: 24500,
				ReductionOverflowCents: 24500, InvoicedCents: 24500}},
			SAVStates: []savbilling.SAVState{{SAVID: 201, Outcome: savbilling.OutcomeConfirmed, DamageCents: 30000,
				DecidedAt: d.DecidedAt, CorrectiveCents: 4500, RelatedPriceCents: 6500, FirstPeriod: oct, LastPeriod: oct}},
		}
		mustSave(t, db, v1)

		revise := func(p savbilling.Period, damage int64, at time.Time) *savbilling.Book {
			t.Helper()
			d.DamageCents, d.DecidedAt = damage, at
			if err := db.UpdateDecision(ctx, d); err != nil {
				t.Fatal(err)
			}
			in := loadInput(t, db, p)
			in.Repairers[1] = savbilling.Repairer{ID: 1, Name: "R1", VATRegime: savbilling.VATStandard, Active: true}
			in.LastClosed = p.Prev()
			if len(in.Changed) != 1 {
				t.Fatalf("%s: changed %+v", p, in.Changed)
			}
			c := in.Changed[0]
			wantV1 := &savbilling.SAVDecisionV1{Outcome: savbilling.OutcomeConfirmed, CorrectiveCents: 4500}
			if !cmp.Equal(wantV1, c.Booked.V1) || !cmp.Equal(map[int64]int64{1: 24500}, c.BookedV1ByRepairer) {
				t.Errorf("%s: what v1 booked: %+v, %v", p, c.Booked.V1, c.BookedV1ByRepairer)
			}
			b, err := reconcile.Close(in)
			if err != nil {
				t.Fatal(err)
			}
			b.Plans = nil // not this test's subject (no plan is open)
			mustSave(t, db, b)
			return b
		}
		adjustments := func(b *savbilling.Book) map[savbilling.SAVLineType]int64 {
			out := map[savbilling.SAVLineType]int64{}
			for _, s := range b.Statements {
				for _, l := range s.SAV {
					if l.SAVID == 201 && l.RepairerID == 1 {
						out[l.Type] += l.AmountCents
					}
				}
			}
			return out
		}
		nb := revise(nov, 5000, utc(2026, 11, 10, 9, 0, 0))
		if want := map[savbilling.SAVLineType]int64{savbilling.LineIndemnityAdjustment: 5000 - 20000}; !cmp.Equal(want, adjustments(nb)) {
			t.Errorf("November: %v, want %v", adjustments(nb), want)
		}
		db2 := revise(savbilling.MustPeriod("2026-12"), 0, utc(2026, 12, 5, 9, 0, 0))
		if want := map[savbilling.SAVLineType]int64{savbilling.LineIndemnityAdjustment: -5000}; !cmp.Equal(want, adjustments(db2)) {
			t.Errorf("December: %v, want %v", adjustments(db2), want)
		}
		var rules int
		scanRow(t, db, "SELECT rules_version FROM sb_periods WHERE period = '2026-12'", &rules)
		if rules != savbilling.RulesV2 {
			t.Errorf("December closed under the rules v%d", rules)
		}
	})
}
