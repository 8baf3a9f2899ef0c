package reconcile

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	sb "savbilling"
)

// overflowCase is a repairer 1 with commissions g and one confirmed SAV charging c.
func overflowCase(g, c int64) *sb.CloseInput {
	in := workedExample(sb.Decision{Outcome: sb.OutcomeConfirmed})
	in.Interventions = []sb.Intervention{in.Interventions[3]} // only the SAV visit itself (R2)
	if g > 0 {
		in.Interventions = append(in.Interventions, job(101, 1, "2026-10-05 09:00", g))
	}
	ops := in.SAVs[0].SAV.Operations
	ops[0].CommissionCents, ops[1].CommissionCents = c, 0
	return in
}

func TestOverflow(t *testing.T) {
	tests := []struct {
		name     string
		g, c     int64
		edit     func(in *sb.CloseInput)
		want     figures
		schedule []int64 // the new plan's installments
		invoice  []sb.InvoiceLine
		vat      int64 // the invoice's VAT
	}{
		{name: "no overflow", g: 10000, c: 4000, want: figures{Gross: 10000, Deductions: 4000, NetHT: 6000, VAT: 1200, NetTTC: 7200}},
		{name: "VAT 20,006 € rounds up", g: 10003, want: figures{Gross: 10003, NetHT: 10003, VAT: 2001, NetTTC: 12004}},
		{name: "VAT 20,004 € rounds down", g: 10002, want: figures{Gross: 10002, NetHT: 10002, VAT: 2000, NetTTC: 12002}},
		{name: "exactly absorbed", g: 4000, c: 4000, want: figures{Gross: 4000, Deductions: 4000}},
		{name: "one cent over: one installment", g: 4000, c: 4001, want: figures{Gross: 4000, Deductions: 4001, Overflow: 1, Spread: 1}, schedule: []int64{1}},
		{name: "50.00 over: one installment", g: 0, c: 5000, want: figures{Deductions: 5000, Overflow: 5000, Spread: 5000}, schedule: []int64{5000}},
		{name: "50.01 over: two installments", g: 0, c: 5001, want: figures{Deductions: 5001, Overflow: 5001, Spread: 5001}, schedule: []int64{2501, 2500}},
		{name: "100.00 over 3 is 33.34 33.33 33.33", g: 5000, c: 15000, edit: func(in *sb.CloseInput) {
			in.Overrides = []sb.Override{{RepairerID: 1, Period: "2026-10", Mode: sb.OverrideSpread, Months: 3}}
		}, want: figures{Gross: 5000, Deductions: 15000, Overflow: 10000, Spread: 10000}, schedule: []int64{3334, 3333, 3333}},
		{name: "1 500.00 over: spread on three", g: 0, c: 150000, want: figures{Deductions: 150000, Overflow: 150000, Spread: 150000}, schedule: []int64{50000, 50000, 50000}},
		{name: "1 500.01 over: invoiced", g: 0, c: 150001, want: figures{Deductions: 150001, Overflow: 150001, Invoiced: 150001},
			invoice: []sb.InvoiceLine{{Kind: sb.InvoiceOverflow, AmountCents: 150001}}, vat: 30000},
		{name: "inactive repairer: invoiced", g: 0, c: 3000, edit: func(in *sb.CloseInput) {
			r := in.Repairers[1]
			r.Active = false
			in.Repairers[1] = r
		}, want: figures{Deductions: 3000, Overflow: 3000, Invoiced: 3000}, invoice: []sb.InvoiceLine{{Kind: sb.InvoiceOverflow, AmountCents: 3000}}, vat: 600},
		{name: "override: invoice a small overflow", g: 0, c: 3000, edit: func(in *sb.CloseInput) {
			in.Overrides = []sb.Override{{RepairerID: 1, Period: "2026-10", Mode: sb.OverrideInvoice}}
		}, want: figures{Deductions: 3000, Overflow: 3000, Invoiced: 3000}, invoice: []sb.InvoiceLine{{Kind: sb.InvoiceOverflow, AmountCents: 3000}}, vat: 600},
		{name: "override: spread a large overflow over 6", g: 0, c: 300000, edit: func(in *sb.CloseInput) {
			in.Overrides = []sb.Override{{RepairerID: 1, Period: "2026-10", Mode: sb.OverrideSpread, Months: 6}}
		}, want: figures{Deductions: 300000, Overflow: 300000, Spread: 300000}, schedule: []int64{50000, 50000, 50000, 50000, 50000, 50000}},
		{name: "override of another period is ignored", g: 0, c: 3000, edit: func(in *sb.CloseInput) {
			in.Overrides = []sb.Override{{RepairerID: 1, Period: "2026-09", Mode: sb.OverrideInvoice}}
		}, want: figures{Deductions: 3000, Overflow: 3000, Spread: 3000}, schedule: []int64{3000}},
		{name: "invalid override is warned, default applies", g: 0, c: 3000, edit: func(in *sb.CloseInput) {
			in.Overrides = []sb.Override{{RepairerID: 1, Period: "2026-10", Mode: "later"}}
		}, want: figures{Deductions: 3000, Overflow: 3000, Spread: 3000}, schedule: []int64{3000}},
		{name: "thresholds are configuration", g: 0, c: 3000, edit: func(in *sb.CloseInput) {
			in.Rules.SpreadMaxCents = 2000
		}, want: figures{Deductions: 3000, Overflow: 3000, Invoiced: 3000}, invoice: []sb.InvoiceLine{{Kind: sb.InvoiceOverflow, AmountCents: 3000}}, vat: 600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := overflowCase(tt.g, tt.c)
			if tt.edit != nil {
				tt.edit(in)
			}
			b := mustClose(t, in)
			if diff := cmp.Diff(tt.want, figuresOf(b.StatementOf(1))); diff != "" {
				t.Errorf("R1 (-want +got):\n%s", diff)
			}
			if s := b.StatementOf(1); s.PayableCents != s.NetTTCCents || s.IndemnitiesCents != 0 {
				t.Errorf("R1 has no indemnity: payable %d, Net TTC %d", s.PayableCents, s.NetTTCCents)
			}
			var schedule []int64
			for _, p := range b.Plans {
				if p.CreatedIn == oct && p.RepairerID == 1 {
					schedule = splitOf(p)
					if p.ID != "ECH-1-2026-10" {
						t.Errorf("plan id %q", p.ID)
					}
				}
			}
			if diff := cmp.Diff(tt.schedule, schedule); diff != "" {
				t.Errorf("schedule (-want +got):\n%s", diff)
			}
			var lines []sb.InvoiceLine
			if len(b.Invoices) == 1 {
				inv := b.Invoices[0]
				lines = inv.Lines
				if inv.Number != "FAC-2026-000001" || inv.VATCents != tt.vat || inv.TTCCents != inv.HTCents+tt.vat {
					t.Errorf("invoice %s HT %d TVA %d TTC %d", inv.Number, inv.HTCents, inv.VATCents, inv.TTCCents)
				}
				if inv.DueOn.Sub(inv.IssuedOn).Hours() != 30*24 {
					t.Errorf("invoice due %v, issued %v: want 30 days", inv.DueOn, inv.IssuedOn)
				}
				if b.StatementOf(1).InvoiceNumber != inv.Number {
					t.Errorf("statement does not name its invoice")
				}
			}
			if diff := cmp.Diff(tt.invoice, lines); diff != "" {
				t.Errorf("invoice lines (-want +got):\n%s", diff)
			}
		})
	}
}

// planned is an open plan of repairer 1 created in created with the given total and months.
func planned(created string, total int64, months int, paid int64) sb.Plan {
	p := sb.MustPeriod(created)
	return sb.Plan{ID: sb.PlanID(1, p), RepairerID: 1, CreatedIn: p, Months: months, TotalCents: total, PaidCents: paid}
}

func TestInstallments(t *testing.T) {
	tests := []struct {
		name    string
		g       int64
		plans   []sb.Plan
		active  bool
		want    []sb.InstallmentLine
		net     int64
		balance []int64 // per plan after the close
		invoice []sb.InvoiceLine
	}{
		{name: "first installment paid in full", g: 10000, active: true,
			plans: []sb.Plan{planned("2026-09", 12000, 3, 0)},
			want:  []sb.InstallmentLine{{PlanID: "ECH-1-2026-09", RepairerID: 1, Number: 1, Of: 3, DueCents: 4000, PaidCents: 4000}},
			net:   6000, balance: []int64{8000}},
		{name: "shortfall kept in the balance and asked again", g: 1000, active: true,
			plans: []sb.Plan{planned("2026-08", 12000, 3, 4000)}, // 2nd installment due 4000
			want:  []sb.InstallmentLine{{PlanID: "ECH-1-2026-08", RepairerID: 1, Number: 2, Of: 3, DueCents: 4000, PaidCents: 1000}},
			net:   0, balance: []int64{7000}},
		{name: "arrears are asked with the next installment", g: 10000, active: true,
			plans: []sb.Plan{planned("2026-08", 12000, 3, 5000)}, // scheduled through Oct: 8000, paid 5000
			want:  []sb.InstallmentLine{{PlanID: "ECH-1-2026-08", RepairerID: 1, Number: 2, Of: 3, DueCents: 3000, PaidCents: 3000}},
			net:   7000, balance: []int64{4000}},
		{name: "oldest plan first", g: 5000, active: true,
			plans: []sb.Plan{planned("2026-07", 9000, 3, 3000), planned("2026-09", 6000, 2, 0)},
			want: []sb.InstallmentLine{
				{PlanID: "ECH-1-2026-07", RepairerID: 1, Number: 3, Of: 3, DueCents: 6000, PaidCents: 5000},
				{PlanID: "ECH-1-2026-09", RepairerID: 1, Number: 1, Of: 2, DueCents: 3000, PaidCents: 0}},
			net: 0, balance: []int64{1000, 6000}},
		{name: "after the schedule the whole balance is due", g: 10000, active: true,
			plans: []sb.Plan{planned("2026-06", 9000, 3, 7000)},
			want:  []sb.InstallmentLine{{PlanID: "ECH-1-2026-06", RepairerID: 1, Number: 3, Of: 3, DueCents: 2000, PaidCents: 2000}},
			net:   8000, balance: []int64{0}},
		{name: "still open after twice its months: balance invoiced", g: 500, active: true,
			plans: []sb.Plan{planned("2026-04", 9000, 3, 7000)},
			want:  []sb.InstallmentLine{{PlanID: "ECH-1-2026-04", RepairerID: 1, Number: 3, Of: 3, DueCents: 2000, PaidCents: 500}},
			net:   0, balance: []int64{0},
			invoice: []sb.InvoiceLine{{Kind: sb.InvoicePlanBalance, PlanID: "ECH-1-2026-04", AmountCents: 1500}}},
		{name: "inactive repairer: balance due at once, rest invoiced", g: 3000, active: false,
			plans: []sb.Plan{planned("2026-09", 12000, 3, 0)},
			want:  []sb.InstallmentLine{{PlanID: "ECH-1-2026-09", RepairerID: 1, Number: 1, Of: 3, DueCents: 12000, PaidCents: 3000}},
			net:   0, balance: []int64{0},
			invoice: []sb.InvoiceLine{{Kind: sb.InvoicePlanBalance, PlanID: "ECH-1-2026-09", AmountCents: 9000}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := repairer(1, sb.VATStandard)
			r.Active = tt.active
			in := input(oct, r)
			if tt.g > 0 {
				in.Interventions = []sb.Intervention{job(101, 1, "2026-10-05 09:00", tt.g)}
			}
			in.Plans = tt.plans
			b := mustClose(t, in)
			s := b.StatementOf(1)
			if s == nil {
				t.Fatal("no statement")
			}
			if diff := cmp.Diff(tt.want, s.Installments); diff != "" {
				t.Errorf("installments (-want +got):\n%s", diff)
			}
			if s.NetHTCents != tt.net || s.NetHTCents < 0 {
				t.Errorf("net HT = %d, want %d", s.NetHTCents, tt.net)
			}
			var bal []int64
			for _, p := range b.Plans {
				bal = append(bal, p.BalanceCents())
			}
			if diff := cmp.Diff(tt.balance, bal); diff != "" {
				t.Errorf("balances (-want +got):\n%s", diff)
			}
			var lines []sb.InvoiceLine
			if len(b.Invoices) == 1 {
				lines = b.Invoices[0].Lines
			}
			if diff := cmp.Diff(tt.invoice, lines); diff != "" {
				t.Errorf("invoice lines (-want +got):\n%s", diff)
			}
		})
	}
}

// adj is the adjustments expected per repairer and type.
type adj = map[int64]map[sb.SAVLineType]int64

func TestAdjustments(t *testing.T) {
	third := repairer(3, sb.VATStandard)
	tests := []struct {
		name    string
		booked  map[int64]int64 // booked so far under the rules v2, every kind…
		bookedM map[int64]int64 // …of which indemnities
		claim   int64
		edit    func(in *sb.CloseInput, d *sb.Decision)
		want    adj
		claimD  int64
		r1Net   int64
		r1Pay   int64 // R1's Net à payer
	}{
		{name: "confirmed then partial 50 %: refund", booked: map[int64]int64{1: 4500},
			edit: func(_ *sb.CloseInput, d *sb.Decision) { d.Outcome, d.ChargeBP = sb.OutcomePartial, 5000 },
			want: adj{1: {sb.LineAdjustment: -2250}}, r1Net: 12500 + 2250, r1Pay: (12500 + 2250) * 12 / 10},
		{name: "confirmed then rejected: full refund", booked: map[int64]int64{1: 4500},
			edit: func(_ *sb.CloseInput, d *sb.Decision) { d.Outcome = sb.OutcomeRejected },
			want: adj{1: {sb.LineAdjustment: -4500}}, r1Net: 12500 + 4500, r1Pay: (12500 + 4500) * 12 / 10},
		{name: "unconfirmed then confirmed: further charge", booked: map[int64]int64{1: 0},
			edit: func(_ *sb.CloseInput, d *sb.Decision) {},
			want: adj{1: {sb.LineAdjustment: 4500}}, r1Net: 12500 - 4500, r1Pay: 9600},
		{name: "faulty repairer changed", booked: map[int64]int64{1: 4500},
			edit: func(in *sb.CloseInput, d *sb.Decision) { in.Repairers[3] = third; d.FaultyRepairerID = 3 },
			want: adj{1: {sb.LineAdjustment: -4500}, 3: {sb.LineAdjustment: 4500}}, r1Net: 12500 + 4500, r1Pay: 17000 * 12 / 10},
		// The damage's difference is an indemnity: set off after VAT, the invoice unchanged.
		{name: "damage added above the deductible", booked: map[int64]int64{1: 4500},
			edit: func(_ *sb.CloseInput, d *sb.Decision) { d.DamageCents = 30000 },
			want: adj{1: {sb.LineIndemnityAdjustment: 20000}}, claimD: 10000, r1Net: 12500, r1Pay: 0},
		{name: "damage lowered below the deductible", booked: map[int64]int64{1: 24500}, bookedM: map[int64]int64{1: 20000}, claim: 10000,
			edit: func(_ *sb.CloseInput, d *sb.Decision) { d.DamageCents = 5000 },
			want: adj{1: {sb.LineIndemnityAdjustment: 5000 - 20000}}, claimD: -10000, r1Net: 12500, r1Pay: 15000 + 15000},
		{name: "revised damage: settlement becomes deductible and claim", booked: map[int64]int64{1: 4500 + 5000}, bookedM: map[int64]int64{1: 5000},
			edit: func(_ *sb.CloseInput, d *sb.Decision) { d.DamageCents = 30000 },
			want: adj{1: {sb.LineIndemnityAdjustment: 15000}}, claimD: 10000, r1Net: 12500, r1Pay: 0},
		{name: "refund of an indemnity", booked: map[int64]int64{1: 4500 + 5000}, bookedM: map[int64]int64{1: 5000},
			edit: func(_ *sb.CloseInput, d *sb.Decision) { d.DamageCents = 0 },
			want: adj{1: {sb.LineIndemnityAdjustment: -5000}}, r1Net: 12500, r1Pay: 15000 + 5000},
		{name: "both kinds change: rejected after a settlement", booked: map[int64]int64{1: 4500 + 5000}, bookedM: map[int64]int64{1: 5000},
			edit: func(_ *sb.CloseInput, d *sb.Decision) { d.Outcome = sb.OutcomeRejected },
			want: adj{1: {sb.LineAdjustment: -4500, sb.LineIndemnityAdjustment: -5000}}, r1Net: 17000, r1Pay: 17000*12/10 + 5000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := workedExample(sb.Decision{Outcome: sb.OutcomeConfirmed})
			c := in.SAVs[0]
			in.SAVs = nil
			in.Interventions = in.Interventions[:3] // the SAV visit was paid when it was charged
			c.Booked = &sb.SAVState{SAVID: 201, Outcome: "whatever", FirstPeriod: oct.Prev()}
			c.BookedByRepairer = tt.booked
			c.BookedIndemnityByRepairer = tt.bookedM
			c.BookedClaimCents = tt.claim
			if tt.claim != 0 {
				c.BookedClaimPolicy = sb.PolicyUmbrella
			}
			tt.edit(in, c.Decision)
			in.Changed = []sb.SAVCase{c}
			b := mustClose(t, in)
			got := adj{}
			for _, s := range b.Statements {
				for _, l := range s.SAV {
					if l.Type != sb.LineAdjustment && l.Type != sb.LineIndemnityAdjustment {
						t.Errorf("only adjustments expected, got %+v", l)
					}
					if got[l.RepairerID] == nil {
						got[l.RepairerID] = map[sb.SAVLineType]int64{}
					}
					got[l.RepairerID][l.Type] += l.AmountCents
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("adjustments (-want +got):\n%s", diff)
			}
			var claimD int64
			for _, cl := range b.Claims {
				claimD += cl.ClaimCents
				if !cl.Adjustment {
					t.Errorf("claim difference must be marked as an adjustment")
				}
			}
			if claimD != tt.claimD {
				t.Errorf("claim difference = %d, want %d", claimD, tt.claimD)
			}
			if s := b.StatementOf(1); s.NetHTCents != tt.r1Net || s.PayableCents != tt.r1Pay {
				t.Errorf("R1 net HT = %d, payable %d; want %d, %d", s.NetHTCents, s.PayableCents, tt.r1Net, tt.r1Pay)
			}
			if len(b.SAVStates) != 1 || b.SAVStates[0].FirstPeriod != oct.Prev() || b.SAVStates[0].LastPeriod != oct {
				t.Errorf("state = %+v", b.SAVStates)
			}
		})
	}
}

func TestNumbering(t *testing.T) {
	in := input(sb.MustPeriod("2027-01"), repairer(1, sb.VATStandard), repairer(2, sb.VATStandard), repairer(3, sb.VATStandard))
	in.LastStatementSeq = map[int64]int{1: 12} // repairer 1's sequence of 2027 already has 12 statements
	in.LastInvoiceSeq = 41
	for _, r := range []int64{3, 1, 2} {
		iv := job(100+r, r, "2027-01-10 09:00", 1000)
		in.Interventions = append(in.Interventions, iv)
	}
	// repairers 2 and 3 overflow into invoices
	in.Overrides = []sb.Override{{RepairerID: 2, Period: "2027-01", Mode: sb.OverrideInvoice}, {RepairerID: 3, Period: "2027-01", Mode: sb.OverrideInvoice}}
	for _, r := range []int64{2, 3} {
		orig := job(10+r, 1, "2027-01-02 09:00", 1000)
		sav := sb.Intervention{ID: 200 + r, RepairerID: 1, Kind: sb.KindSAV, OriginalID: orig.ID, Status: sb.StatusClosed,
			ClosedAt: at("2027-01-20 10:00"), Operations: []sb.Operation{{ID: 2000 + r, CommissionCents: 5000, SAVRelated: true}}}
		in.SAVs = append(in.SAVs, sb.SAVCase{SAV: sav, Original: &orig,
			Decision: &sb.Decision{SAVID: sav.ID, Outcome: sb.OutcomeConfirmed, FaultyRepairerID: r, DecidedAt: at("2027-01-21 10:00")}})
	}
	b := mustClose(t, in)
	var got []string
	for _, s := range b.Statements {
		got = append(got, s.Number)
	}
	for _, inv := range b.Invoices {
		got = append(got, inv.Number+"→"+itoa(int(inv.Repairer.ID)))
	}
	want := []string{"REL-1-2027-0013", "REL-2-2027-0001", "REL-3-2027-0001", "FAC-2027-000042→2", "FAC-2027-000043→3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("numbers (-want +got):\n%s", diff)
	}
}

func TestGoodwill(t *testing.T) {
	tests := []struct {
		name    string
		outcome string
		credits []int64
		borne   bool
		fits    bool
	}{
		{"unconfirmed with 4.00 credit", sb.OutcomeUnconfirmed, []int64{400}, true, true},
		{"unconfirmed with 2.00 credit does not fit", sb.OutcomeUnconfirmed, []int64{200}, true, false},
		{"unconfirmed with two credits summing to 4.00", sb.OutcomeUnconfirmed, []int64{200, 200}, true, true},
		{"rejected with the travel fee", sb.OutcomeRejected, []int64{1500}, true, true},
		{"rejected with more than the corrective price", sb.OutcomeRejected, []int64{7000}, true, false},
		{"confirmed: recharged, not borne", sb.OutcomeConfirmed, []int64{6500}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := workedExample(sb.Decision{Outcome: tt.outcome})
			for i, a := range tt.credits {
				in.Credits = append(in.Credits, sb.Credit{ID: int64(i + 1), InterventionID: 201, AmountCents: a, GrantedAt: at("2026-10-12 16:00")})
			}
			in.Credits = append(in.Credits, sb.Credit{ID: 99, InterventionID: 999, AmountCents: 400}) // on a SAV still pending
			b := mustClose(t, in)
			if len(b.Goodwill) != len(tt.credits) {
				t.Fatalf("goodwill = %+v", b.Goodwill)
			}
			for _, g := range b.Goodwill {
				if g.BorneByNetwork != tt.borne || g.Fits != tt.fits || g.Outcome != tt.outcome {
					t.Errorf("goodwill %+v: want borne %v fits %v", g, tt.borne, tt.fits)
				}
			}
			warned := len(b.Anomalies) == 1 && strings.Contains(b.Anomalies[0].Reason, "crédits client") && !b.Anomalies[0].Blocking
			if warned == tt.fits {
				t.Errorf("anomalies = %+v; want a warning iff the credits do not fit", b.Anomalies)
			}
		})
	}
}

func TestDuplicatedCreditsAreWarned(t *testing.T) {
	in := workedExample(sb.Decision{Outcome: sb.OutcomeUnconfirmed})
	in.Credits = []sb.Credit{
		{ID: 7, InterventionID: 201, AmountCents: 400, GrantedAt: at("2026-10-12 16:00")},
		{ID: 8, InterventionID: 201, AmountCents: 400, GrantedAt: at("2026-10-12 16:00")},
		{ID: 9, InterventionID: 201, AmountCents: 400, GrantedAt: at("2026-10-13 16:00")},
	}
	b := mustClose(t, in)
	if len(b.Goodwill) != 3 {
		t.Errorf("every credit is reported: %+v", b.Goodwill)
	}
	if len(b.Anomalies) != 1 || b.Anomalies[0].Blocking || !strings.Contains(b.Anomalies[0].Reason, "crédits 7 et 8") {
		t.Errorf("anomalies = %+v, want one warning naming credits 7 and 8", b.Anomalies)
	}
}

func TestSameCreditRowTwice(t *testing.T) {
	in := workedExample(sb.Decision{Outcome: sb.OutcomeUnconfirmed})
	c := sb.Credit{ID: 7, InterventionID: 201, AmountCents: 400, GrantedAt: at("2026-10-12 16:00")}
	in.Credits = []sb.Credit{c, c}
	b := mustClose(t, in)
	if len(b.Goodwill) != 1 || b.Goodwill[0].AmountCents != 400 {
		t.Errorf("goodwill = %+v, want the credit once", b.Goodwill)
	}
	if len(b.Anomalies) != 1 || !strings.Contains(b.Anomalies[0].Reason, "deux fois") {
		t.Errorf("anomalies = %+v", b.Anomalies)
	}
}

// TestAnAdjustmentCarriesWhatItRevises: an adjustment line carries the decision booked before,
// what was booked of its kind for that SAV to that repairer, and the earlier statement's number,
// so that the statement can explain it (domain.md « What a document explains »).
func TestAnAdjustmentCarriesWhatItRevises(t *testing.T) {
	in := workedExample(sb.Decision{Outcome: sb.OutcomeConfirmed, DamageCents: 6000})
	c := in.SAVs[0]
	in.SAVs = nil
	in.Interventions = in.Interventions[:3]
	c.Booked = &sb.SAVState{SAVID: 201, Outcome: sb.OutcomePartial, ChargeBP: 2500, FirstPeriod: oct.Prev()}
	c.BookedByRepairer = map[int64]int64{1: 1125}
	c.BookedIndemnityByRepairer = map[int64]int64{}
	c.BookedStatement = map[sb.BookedKind]string{{RepairerID: 1}: "REL-1-2026-0007"}
	in.Changed = []sb.SAVCase{c}
	b := mustClose(t, in)
	type got struct {
		Type                   sb.SAVLineType
		Before                 string
		BP                     int
		Damage, Booked, Amount int64
		Earlier, Day, OrigDay  string
		Policy                 string
		Deductible             int64
	}
	var lines []got
	for _, l := range b.StatementOf(1).SAV {
		lines = append(lines, got{l.Type, l.BeforeOutcome, l.BeforeChargeBP, l.BeforeDamageCents, l.BeforeBookedCents,
			l.AmountCents, l.EarlierStatement, l.SAVDay, l.OriginalDay, l.Policy, l.DeductibleCents})
	}
	want := []got{
		{sb.LineAdjustment, sb.OutcomePartial, 2500, 0, 1125, 4500 - 1125, "REL-1-2026-0007", "2026-10-12", "2026-09-20", "", 0},
		{sb.LineIndemnityAdjustment, sb.OutcomePartial, 2500, 0, 0, 6000, "REL-1-2026-0007", "2026-10-12", "2026-09-20", sb.PolicyUmbrella, 20000},
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("adjustment lines (-want +got):\n%s", diff)
	}
}
