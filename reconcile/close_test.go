package reconcile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	sb "savbilling"
)

// figures are the totals of one statement that the rulebook states.
type figures struct {
	Gross, Deductions, Overflow, Installments, NetHT, VAT, NetTTC, Spread, Invoiced int64
}

func figuresOf(s *sb.Statement) figures {
	if s == nil {
		return figures{}
	}
	return figures{s.GrossCents, s.DeductionsCents, s.OverflowCents, s.InstallmentsCents, s.NetHTCents,
		s.VATCents, s.NetTTCCents, s.SpreadCents, s.InvoicedCents}
}

func mustClose(t *testing.T, in *sb.CloseInput) *sb.Book {
	t.Helper()
	b, err := Close(in)
	if err != nil {
		t.Fatalf("Close: %v", err)
	}
	return b
}

func TestWorkedExample(t *testing.T) {
	tests := []struct {
		name     string
		decision sb.Decision
		r1       figures
		r2       figures
		claim    int64
		plan     []int64
		m, om    int64 // R1's indemnities and indemnity overflow (its Payable is Net TTC − M, at least 0)
	}{
		{
			name:     "confirmed",
			decision: sb.Decision{Outcome: sb.OutcomeConfirmed},
			r1:       figures{Gross: 12500, Deductions: 4500, NetHT: 8000, VAT: 1600, NetTTC: 9600},
			r2:       figures{Gross: 6500, NetHT: 6500, NetTTC: 6500},
		},
		{
			name:     "partial 33.33 %",
			decision: sb.Decision{Outcome: sb.OutcomePartial, ChargeBP: 3333},
			r1:       figures{Gross: 12500, Deductions: 1500, NetHT: 11000, VAT: 2200, NetTTC: 13200},
			r2:       figures{Gross: 6500, NetHT: 6500, NetTTC: 6500},
		},
		{
			name:     "confirmed with 300.00 damage on the umbrella policy",
			decision: sb.Decision{Outcome: sb.OutcomeConfirmed, DamageCents: 30000},
			// domain.md: the invoice is unchanged (80,00 / 16,00 / 96,00); the deductible
			// 200,00 is set off after VAT: Om = 104,00, spread 34,67 / 34,67 / 34,66.
			r1:    figures{Gross: 12500, Deductions: 24500, Overflow: 10400, NetHT: 8000, VAT: 1600, NetTTC: 9600, Spread: 10400},
			r2:    figures{Gross: 6500, NetHT: 6500, NetTTC: 6500},
			claim: 10000,
			plan:  []int64{3467, 3467, 3466},
			m:     20000,
			om:    10400,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := mustClose(t, workedExample(tt.decision))
			if diff := cmp.Diff(tt.r1, figuresOf(b.StatementOf(1))); diff != "" {
				t.Errorf("R1 (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.r2, figuresOf(b.StatementOf(2))); diff != "" {
				t.Errorf("R2 (-want +got):\n%s", diff)
			}
			r1 := b.StatementOf(1)
			if r1.IndemnitiesCents != tt.m || r1.IndemnityOverflowCents != tt.om || r1.ReductionsCents != r1.DeductionsCents-tt.m ||
				r1.PayableCents != max(0, r1.NetTTCCents-tt.m) || r1.Account || r1.Number != "REL-1-2026-0001" {
				t.Errorf("R1: %s R %d M %d Om %d payable %d", r1.Number, r1.ReductionsCents, r1.IndemnitiesCents,
					r1.IndemnityOverflowCents, r1.PayableCents)
			}
			if r2 := b.StatementOf(2); r2.PayableCents != r2.NetTTCCents {
				t.Errorf("R2: payable %d, Net TTC %d", r2.PayableCents, r2.NetTTCCents)
			}
			var claims int64
			for _, c := range b.Claims {
				claims += c.ClaimCents
			}
			if claims != tt.claim {
				t.Errorf("claims = %d, want %d", claims, tt.claim)
			}
			var plan []int64
			if len(b.Plans) == 1 {
				plan = splitOf(b.Plans[0])
				if p := b.Plans[0]; p.IndemnityCents != tt.om || p.RulesVersion != sb.RulesV2 {
					t.Errorf("plan %s: indemnity part %d, rules v%d; want %d, v2", p.ID, p.IndemnityCents, p.RulesVersion, tt.om)
				}
			}
			if diff := cmp.Diff(tt.plan, plan); diff != "" {
				t.Errorf("plan schedule (-want +got):\n%s", diff)
			}
			if len(b.Anomalies) != 0 {
				t.Errorf("unexpected anomalies: %+v", b.Anomalies)
			}
		})
	}
}

func TestWorkedExampleLines(t *testing.T) {
	b := mustClose(t, workedExample(sb.Decision{Outcome: sb.OutcomeConfirmed}))
	r1 := b.StatementOf(1)
	want := []sb.SAVLine{{SAVID: 201, OriginalID: 90, SAVRepairerID: 2, City: "Lyon", RepairerID: 1, Type: sb.LineCharge,
		Outcome: sb.OutcomeConfirmed, ChargeBP: 10000, CorrectiveCents: 4500, AmountCents: 4500,
		SAVDay: "2026-10-12", OriginalDay: "2026-09-20", OriginalCity: "Paris"}}
	if diff := cmp.Diff(want, r1.SAV); diff != "" {
		t.Errorf("R1 SAV lines (-want +got):\n%s", diff)
	}
	if r1.Number != "REL-1-2026-0001" || b.StatementOf(2).Number != "REL-2-2026-0001" {
		t.Errorf("numbers = %s, %s", r1.Number, b.StatementOf(2).Number)
	}
	if r1.VATRateBP != 2000 || b.StatementOf(2).VATRateBP != 0 {
		t.Errorf("VAT rates = %d, %d; want 2000 (standard), 0 (franchise)", r1.VATRateBP, b.StatementOf(2).VATRateBP)
	}
	if got := len(b.StatementOf(2).Commissions); got != 1 || b.StatementOf(2).Commissions[0].AmountCents != 6500 {
		t.Errorf("R2 earns the whole SAV visit, 65.00: %+v", b.StatementOf(2).Commissions)
	}
	if diff := cmp.Diff(sb.Date(2026, 11, 2), b.IssuedOn); diff != "" {
		t.Errorf("issued on (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(sb.Date(2026, 11, 17), r1.PaymentOn); diff != "" {
		t.Errorf("payment on (-want +got):\n%s", diff)
	}
	if len(b.SAVStates) != 1 || b.SAVStates[0].CorrectiveCents != 4500 || b.SAVStates[0].RelatedPriceCents != 6500 {
		t.Errorf("SAV state = %+v", b.SAVStates)
	}
}

func splitOf(p sb.Plan) []int64 {
	var out []int64
	base, rest := p.TotalCents/int64(p.Months), p.TotalCents%int64(p.Months)
	for i := 0; i < p.Months; i++ {
		a := base
		if int64(i) < rest {
			a++
		}
		out = append(out, a)
	}
	return out
}
