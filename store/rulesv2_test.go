package store_test

import (
	"context"
	"testing"
	"time"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/reconcile"
	"savbilling/sample"
	"savbilling/store"

	"github.com/google/go-cmp/cmp"
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
		r1 := sb.Party{ID: 1, Name: "R1", VATRegime: sb.VATStandard}
		line := sb.SAVLine{SAVID: 201, OriginalID: 90, SAVRepairerID: 2, RepairerID: 1, Outcome: sb.OutcomeConfirmed,
			ChargeBP: 10000, CorrectiveCents: 4500, DamageCents: 30000}
		charge, adj := line, line
		charge.Type, charge.AmountCents = sb.LineCharge, 4500
		adj.Type, adj.AmountCents = sb.LineAdjustment, 20000
		v1 := &sb.Book{Period: oct, ClosedAt: utc(2026, 11, 2, 5, 0, 0), IssuedOn: sb.Date(2026, 11, 2),
			Issuer: issuer, RulesVersion: sb.RulesV1,
			Statements: []sb.Statement{{Number: "REL-1-2026-0001", Seq: 1, Repairer: r1, Period: oct,
				SAV: []sb.SAVLine{charge, adj}, DeductionsCents: 24500, ReductionsCents: 24500, OverflowCents: 24500,
				ReductionOverflowCents: 24500, InvoicedCents: 24500}},
			SAVStates: []sb.SAVState{{SAVID: 201, Outcome: sb.OutcomeConfirmed, DamageCents: 30000,
				DecidedAt: d.DecidedAt, CorrectiveCents: 4500, RelatedPriceCents: 6500, FirstPeriod: oct, LastPeriod: oct}},
		}
		mustSave(t, db, v1)

		revise := func(p sb.Period, damage int64, at time.Time) *sb.Book {
			t.Helper()
			d.DamageCents, d.DecidedAt = damage, at
			if err := db.UpdateDecision(ctx, d); err != nil {
				t.Fatal(err)
			}
			in := loadInput(t, db, p)
			in.Repairers[1] = sb.Repairer{ID: 1, Name: "R1", SIRET: "53122000100014", VATRegime: sb.VATStandard, Active: true}
			in.LastClosed = p.Prev()
			if len(in.Changed) != 1 {
				t.Fatalf("%s: changed %+v", p, in.Changed)
			}
			c := in.Changed[0]
			wantV1 := &sb.SAVDecisionV1{Outcome: sb.OutcomeConfirmed, CorrectiveCents: 4500}
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
		adjustments := func(b *sb.Book) map[sb.SAVLineType]int64 {
			out := map[sb.SAVLineType]int64{}
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
		if want := map[sb.SAVLineType]int64{sb.LineIndemnityAdjustment: 5000 - 20000}; !cmp.Equal(want, adjustments(nb)) {
			t.Errorf("November: %v, want %v", adjustments(nb), want)
		}
		db2 := revise(sb.MustPeriod("2026-12"), 0, utc(2026, 12, 5, 9, 0, 0))
		if want := map[sb.SAVLineType]int64{sb.LineIndemnityAdjustment: -5000}; !cmp.Equal(want, adjustments(db2)) {
			t.Errorf("December: %v, want %v", adjustments(db2), want)
		}
		var rules int
		scanRow(t, db, "SELECT rules_version FROM sb_periods WHERE period = '2026-12'", &rules)
		if rules != sb.RulesV2 {
			t.Errorf("December closed under the rules v%d", rules)
		}
	})
}

// TestMigrationReadsEarlierPeriodsAsRulesV1: migration 9 on a ledger booked before it (here a
// close of October with the worked example's damage netted before VAT, O = 120,00 € spread)
// marks the period as closed under the rules v1, reads its statements back with every charge a
// reduction (R = D, M = 0) and Payable = Net TTC, its plan without an indemnity part, and keeps the
// decision v1 booked for each SAV.
func TestMigrationReadsEarlierPeriodsAsRulesV1(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := openUnmigrated(t, e)
			if err := db.MigrateTo(ctx, 7); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{
				`INSERT INTO sb_periods (period, start_utc, end_utc, closed_at, issued_on, issuer_json)
					VALUES ('2026-10', '2026-09-30 22:00:00', '2026-10-31 23:00:00', '2026-11-02 05:00:00', '2026-11-02', '{}')`,
				`INSERT INTO sb_plans (id, repairer_id, created_period, months, total_cents, invoiced_cents, closed_period)
					VALUES ('ECH-1-2026-10', 1, '2026-10', 3, 12000, 0, NULL)`,
				`INSERT INTO sb_statements (number, repairer_id, period, year, seq, issued_on, payment_on, name, email, address,
					siret, vat_number, vat_regime, gross_cents, deductions_cents, overflow_cents, available_cents,
					installments_cents, net_ht_cents, vat_rate_bp, vat_cents, net_ttc_cents, spread_cents, invoiced_cents,
					invoice_number, commission_lines)
					VALUES ('REL-1-2026-0001', 1, '2026-10', 2026, 1, '2026-11-02', '2026-11-17', 'R1', '', '', '', '', 'standard',
					12500, 24500, 12000, 0, 0, 0, 2000, 0, 0, 12000, 0, '', 0)`,
				`INSERT INTO sb_statements (number, repairer_id, period, year, seq, issued_on, payment_on, name, email, address,
					siret, vat_number, vat_regime, gross_cents, deductions_cents, overflow_cents, available_cents,
					installments_cents, net_ht_cents, vat_rate_bp, vat_cents, net_ttc_cents, spread_cents, invoiced_cents,
					invoice_number, commission_lines)
					VALUES ('REL-2-2026-0001', 2, '2026-10', 2026, 1, '2026-11-02', '2026-11-17', 'R2', '', '', '', '', 'franchise',
					6500, 0, 0, 6500, 0, 6500, 0, 0, 6500, 0, 0, '', 0)`,
				`INSERT INTO sb_sav_state (sav_id, outcome, charge_bp, faulty_repairer_id, damage_cents, decided_at,
					corrective_cents, related_price_cents, first_period, last_period)
					VALUES (201, 'confirmed', 0, 0, 30000, '2026-10-12 16:00:00', 4500, 6500, '2026-10', '2026-10')`,
			} {
				if err := db.Exec(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			b, err := db.LoadBook(ctx, oct)
			if err != nil {
				t.Fatal(err)
			}
			r1, r2 := b.StatementOf(1), b.StatementOf(2)
			if b.RulesVersion != sb.RulesV1 || r1.ReductionsCents != 24500 || r1.IndemnitiesCents != 0 ||
				r1.ReductionOverflowCents != 12000 || r1.IndemnityOverflowCents != 0 || r1.PayableCents != 0 || r2.PayableCents != 6500 {
				t.Errorf("v1 period read back as rules v%d: R1 %+v, R2 payable %d", b.RulesVersion, r1, r2.PayableCents)
			}
			if p := b.Plans[0]; p.RulesVersion != sb.RulesV1 || p.IndemnityCents != 0 || p.ReductionBalanceCents() != 12000 {
				t.Errorf("v1 plan: %+v", p)
			}
			var outcome string
			var corrective int64
			scanRow(t, db, "SELECT v1_outcome, v1_corrective_cents FROM sb_sav_state WHERE sav_id = 201", &outcome, &corrective)
			if outcome != sb.OutcomeConfirmed || corrective != 4500 {
				t.Errorf("the decision v1 booked: %q, %d", outcome, corrective)
			}
		})
	}
}
