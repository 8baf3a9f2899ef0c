package reconcile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	sb "savbilling"
)

// settlement are the figures of a statement under the rules v2, both parts.
type settlement struct {
	Gross, R, M, Or, Om, NetHT, VAT, NetTTC, PaidR, PaidM, Payable, Spread, Invoiced int64
	Account                                                                          bool
}

func settlementOf(s *sb.Statement) settlement {
	if s == nil {
		return settlement{}
	}
	return settlement{s.GrossCents, s.ReductionsCents, s.IndemnitiesCents, s.ReductionOverflowCents, s.IndemnityOverflowCents,
		s.NetHTCents, s.VATCents, s.NetTTCCents, s.InstallmentsReductionCents(), s.InstallmentsIndemnityCents, s.PayableCents,
		s.SpreadCents, s.InvoicedCents, s.Account}
}

// doc is an invoice or a debit note as the tests compare it.
type doc struct {
	Number            string
	HT, VAT, TTC      int64
	Lines             []sb.InvoiceLine
	DebitNote         bool
	StatementMentions bool // the statement names it
}

func docsOf(b *sb.Book) []doc {
	var out []doc
	for _, v := range b.Invoices {
		s := b.StatementOf(v.Repairer.ID)
		named := s != nil && (s.InvoiceNumber == v.Number || s.DebitNoteNumber == v.Number)
		out = append(out, doc{v.Number, v.HTCents, v.VATCents, v.TTCCents, v.Lines, v.DebitNote(), named})
	}
	return out
}

// TestDamageIsSetOffAfterVAT: the worked example's R1 (G 125,00, R 45,00: invoice 80,00 / 16,00 /
// 96,00) with damage of each kind; the self-billed invoice never changes, the indemnity is set off
// against the Net TTC.
func TestDamageIsSetOffAfterVAT(t *testing.T) {
	own := func(cents int64) func(in *sb.CloseInput) {
		return func(in *sb.CloseInput) {
			r := in.Repairers[1]
			r.DeductibleCents = ptr(cents)
			in.Repairers[1] = r
		}
	}
	tests := []struct {
		name   string
		damage int64
		edit   func(in *sb.CloseInput)
		want   settlement
		line   sb.SAVLineType
		claim  *sb.Claim
		plan   []int64 // the new plan's indemnity parts
		docs   []doc
	}{
		{name: "damage under the umbrella deductible: amicable settlement", damage: 5000,
			want: settlement{Gross: 12500, R: 4500, M: 5000, NetHT: 8000, VAT: 1600, NetTTC: 9600, Payable: 4600},
			line: sb.LineSettlement},
		{name: "damage over the umbrella deductible: the worked example", damage: 30000,
			want: settlement{Gross: 12500, R: 4500, M: 20000, Om: 10400, NetHT: 8000, VAT: 1600, NetTTC: 9600, Spread: 10400},
			line: sb.LineDeductible, plan: []int64{3467, 3467, 3466},
			claim: &sb.Claim{SAVID: 201, RepairerID: 1, Policy: sb.PolicyUmbrella, DamageCents: 30000, DeductibleCents: 20000, ClaimCents: 10000}},
		{name: "own policy, damage under its deductible", damage: 30000, edit: own(50000),
			want: settlement{Gross: 12500, R: 4500, M: 30000, Om: 20400, NetHT: 8000, VAT: 1600, NetTTC: 9600, Spread: 20400},
			line: sb.LineSettlement, plan: []int64{6800, 6800, 6800}},
		{name: "own policy, damage over its deductible: claim on the repairer's policy", damage: 30000, edit: own(10000),
			want: settlement{Gross: 12500, R: 4500, M: 10000, Om: 400, NetHT: 8000, VAT: 1600, NetTTC: 9600, Spread: 400},
			line: sb.LineDeductible, plan: []int64{400},
			claim: &sb.Claim{SAVID: 201, RepairerID: 1, Policy: sb.PolicyOwn, DamageCents: 30000, DeductibleCents: 10000, ClaimCents: 20000}},
		{name: "franchise repairer: no VAT, the settlement set off all the same", damage: 5000, edit: func(in *sb.CloseInput) {
			r := in.Repairers[1]
			r.VATRegime = sb.VATFranchise
			in.Repairers[1] = r
		}, want: settlement{Gross: 12500, R: 4500, M: 5000, NetHT: 8000, NetTTC: 8000, Payable: 3000}, line: sb.LineSettlement},
		{name: "override: the indemnity overflow on a debit note, no VAT", damage: 30000, edit: func(in *sb.CloseInput) {
			in.Overrides = []sb.Override{{RepairerID: 1, Period: "2026-10", Mode: sb.OverrideInvoice}}
		}, want: settlement{Gross: 12500, R: 4500, M: 20000, Om: 10400, NetHT: 8000, VAT: 1600, NetTTC: 9600, Invoiced: 10400},
			line:  sb.LineDeductible,
			claim: &sb.Claim{SAVID: 201, RepairerID: 1, Policy: sb.PolicyUmbrella, DamageCents: 30000, DeductibleCents: 20000, ClaimCents: 10000},
			docs: []doc{{Number: "NDD-2026-000001", HT: 10400, TTC: 10400, DebitNote: true, StatementMentions: true,
				Lines: []sb.InvoiceLine{{Kind: sb.InvoiceOverflow, AmountCents: 10400}}}}},
		{name: "inactive repairer: both parts invoiced, each on its document", damage: 5000, edit: func(in *sb.CloseInput) {
			r := in.Repairers[1]
			r.Active = false
			in.Repairers[1] = r
			in.Interventions = append([]sb.Intervention{job(101, 1, "2026-10-05 09:00", 2000)}, in.Interventions[3:]...)
		}, want: settlement{Gross: 2000, R: 4500, M: 5000, Or: 2500, Om: 5000, Invoiced: 7500},
			line: sb.LineSettlement,
			docs: []doc{
				{Number: "FAC-2026-000001", HT: 2500, VAT: 500, TTC: 3000, StatementMentions: true,
					Lines: []sb.InvoiceLine{{Kind: sb.InvoiceOverflow, AmountCents: 2500}}},
				{Number: "NDD-2026-000001", HT: 5000, TTC: 5000, DebitNote: true, StatementMentions: true,
					Lines: []sb.InvoiceLine{{Kind: sb.InvoiceOverflow, AmountCents: 5000}}}}},
		{name: "overflow above 1 500,00 €: debit note", damage: 200000, edit: own(200000),
			want: settlement{Gross: 12500, R: 4500, M: 200000, Om: 190400, NetHT: 8000, VAT: 1600, NetTTC: 9600, Invoiced: 190400},
			line: sb.LineSettlement,
			docs: []doc{{Number: "NDD-2026-000001", HT: 190400, TTC: 190400, DebitNote: true, StatementMentions: true,
				Lines: []sb.InvoiceLine{{Kind: sb.InvoiceOverflow, AmountCents: 190400}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := workedExample(sb.Decision{Outcome: sb.OutcomeConfirmed, DamageCents: tt.damage})
			if tt.edit != nil {
				tt.edit(in)
			}
			b := mustClose(t, in)
			r1 := b.StatementOf(1)
			if diff := cmp.Diff(tt.want, settlementOf(r1)); diff != "" {
				t.Errorf("R1 (-want +got):\n%s", diff)
			}
			if r1 == nil || len(r1.SAV) != 2 || r1.SAV[0].Type != sb.LineCharge || r1.SAV[1].Type != tt.line {
				t.Fatalf("R1's SAV lines: %+v, want a charge and a %s", r1.SAV, tt.line)
			}
			var claim *sb.Claim
			if len(b.Claims) == 1 {
				claim = &b.Claims[0]
			}
			if diff := cmp.Diff(tt.claim, claim); diff != "" {
				t.Errorf("claim (-want +got):\n%s", diff)
			}
			var plan []int64
			for _, p := range b.Plans {
				if p.RepairerID == 1 {
					if p.ReductionCents() != 0 {
						t.Errorf("plan %s holds a reduction part of %d", p.ID, p.ReductionCents())
					}
					plan = splitOf(sb.Plan{TotalCents: p.IndemnityCents, Months: p.Months})
				}
			}
			if diff := cmp.Diff(tt.plan, plan); diff != "" {
				t.Errorf("plan's indemnity parts (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.docs, docsOf(b)); diff != "" {
				t.Errorf("invoices and debit notes (-want +got):\n%s", diff)
			}
		})
	}
}

// twoParts is an open plan of repairer 1 of the rules v2 with its two parts and what each was paid.
func twoParts(created string, reduction, indemnity int64, months int, paidR, paidM int64) sb.Plan {
	p := planned(created, reduction+indemnity, months, paidR+paidM)
	p.IndemnityCents, p.PaidIndemnityCents, p.RulesVersion = indemnity, paidM, sb.RulesV2
	return p
}

// TestTwoPartPlanPaidShort follows one plan (30,00 € of reductions, 60,00 € of indemnities, over
// three months) through three closes of a repairer who earns little: each installment pays its
// reduction part before VAT and its indemnity part after it; a shortfall stays in its part and is
// asked again; once the schedule is over the whole of each balance is asked.
func TestTwoPartPlanPaidShort(t *testing.T) {
	plan := twoParts("2026-09", 3000, 6000, 3, 0, 0)
	months := []struct {
		period string
		g      int64
		want   settlement
		line   sb.InstallmentLine
		redBal int64
		indBal int64
	}{
		// Oct: asks 10,00 + 20,00; 15,00 earned: 10,00 before VAT, Net HT 5,00, VAT 1,00, 6,00 left for 20,00.
		{"2026-10", 1500, settlement{Gross: 1500, NetHT: 500, VAT: 100, NetTTC: 600, PaidR: 1000, PaidM: 600},
			sb.InstallmentLine{Number: 1, Of: 3, DueCents: 3000, PaidCents: 1600, DueIndemnityCents: 2000, PaidIndemnityCents: 600}, 2000, 5400},
		// Nov: nothing earned: asks 10,00 and 34,00 (its 20,00 and the 14,00 short), gets nothing.
		{"2026-11", 0, settlement{Account: true},
			sb.InstallmentLine{Number: 2, Of: 3, DueCents: 4400, DueIndemnityCents: 3400}, 2000, 5400},
		// Dec: the schedule is over: both balances asked, and paid.
		{"2026-12", 10000, settlement{Gross: 10000, NetHT: 8000, VAT: 1600, NetTTC: 9600, PaidR: 2000, PaidM: 5400, Payable: 4200},
			sb.InstallmentLine{Number: 3, Of: 3, DueCents: 7400, PaidCents: 7400, DueIndemnityCents: 5400, PaidIndemnityCents: 5400}, 0, 0},
	}
	for i, m := range months {
		p := sb.MustPeriod(m.period)
		in := input(p, repairer(1, sb.VATStandard))
		if m.g > 0 {
			in.Interventions = []sb.Intervention{job(int64(100+i), 1, m.period+"-05 09:00", m.g)}
		}
		in.Plans = []sb.Plan{plan}
		b := mustClose(t, in)
		s := b.StatementOf(1)
		if diff := cmp.Diff(m.want, settlementOf(s)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", p, diff)
		}
		m.line.PlanID, m.line.RepairerID = plan.ID, 1
		if diff := cmp.Diff([]sb.InstallmentLine{m.line}, s.Installments); diff != "" {
			t.Errorf("%s installment (-want +got):\n%s", p, diff)
		}
		plan = b.Plans[0]
		if plan.ReductionBalanceCents() != m.redBal || plan.IndemnityBalanceCents() != m.indBal {
			t.Errorf("%s: balances %d, %d; want %d, %d", p, plan.ReductionBalanceCents(), plan.IndemnityBalanceCents(), m.redBal, m.indBal)
		}
		if len(b.Invoices) != 0 {
			t.Errorf("%s: nothing to invoice, got %+v", p, b.Invoices)
		}
	}
}

// TestPlanClosedEachPartItsOwnWay: an exhausted plan, and a plan of an inactive repairer, close
// their reduction balance on an invoice (VAT 20 %) and their indemnity balance on a debit note.
func TestPlanClosedEachPartItsOwnWay(t *testing.T) {
	tests := []struct {
		name   string
		active bool
		g      int64
		plan   sb.Plan
		want   settlement
		docs   []doc
	}{
		{name: "exhausted after twice its months, nothing earned", active: true,
			plan: twoParts("2026-04", 3000, 6000, 3, 2000, 4000),
			want: settlement{Account: true, Invoiced: 3000},
			docs: []doc{
				{Number: "FAC-2026-000001", HT: 1000, VAT: 200, TTC: 1200, StatementMentions: true,
					Lines: []sb.InvoiceLine{{Kind: sb.InvoicePlanBalance, PlanID: "ECH-1-2026-04", AmountCents: 1000}}},
				{Number: "NDD-2026-000001", HT: 2000, TTC: 2000, DebitNote: true, StatementMentions: true,
					Lines: []sb.InvoiceLine{{Kind: sb.InvoicePlanBalance, PlanID: "ECH-1-2026-04", AmountCents: 2000}}}}},
		{name: "inactive repairer: whole balance asked, the rest closed", active: false, g: 2000,
			plan: twoParts("2026-09", 3000, 6000, 3, 0, 0),
			want: settlement{Gross: 2000, PaidR: 2000, Invoiced: 7000},
			docs: []doc{
				{Number: "FAC-2026-000001", HT: 1000, VAT: 200, TTC: 1200, StatementMentions: true,
					Lines: []sb.InvoiceLine{{Kind: sb.InvoicePlanBalance, PlanID: "ECH-1-2026-09", AmountCents: 1000}}},
				{Number: "NDD-2026-000001", HT: 6000, TTC: 6000, DebitNote: true, StatementMentions: true,
					Lines: []sb.InvoiceLine{{Kind: sb.InvoicePlanBalance, PlanID: "ECH-1-2026-09", AmountCents: 6000}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := repairer(1, sb.VATStandard)
			r.Active = tt.active
			in := input(oct, r)
			if tt.g > 0 {
				in.Interventions = []sb.Intervention{job(101, 1, "2026-10-05 09:00", tt.g)}
			}
			in.Plans = []sb.Plan{tt.plan}
			b := mustClose(t, in)
			if diff := cmp.Diff(tt.want, settlementOf(b.StatementOf(1))); diff != "" {
				t.Errorf("R1 (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.docs, docsOf(b)); diff != "" {
				t.Errorf("documents (-want +got):\n%s", diff)
			}
			if p := b.Plans[0]; p.ClosedIn != oct || p.BalanceCents() != 0 {
				t.Errorf("plan %+v: not closed", p)
			}
		})
	}
}

// TestWhichStatement: a self-billed invoice (REL-) only when the period bills a service (G > 0 or
// R < 0); otherwise a statement of account outside the series; a SAV line that charges nothing
// makes no statement by itself.
func TestWhichStatement(t *testing.T) {
	changed := func(booked, bookedM int64, d sb.Decision) func(in *sb.CloseInput) {
		return func(in *sb.CloseInput) {
			c := in.SAVs[0]
			in.SAVs = nil
			c.Booked = &sb.SAVState{SAVID: 201, Outcome: "whatever", FirstPeriod: oct.Prev()}
			c.BookedByRepairer = map[int64]int64{1: booked}
			c.BookedIndemnityByRepairer = map[int64]int64{1: bookedM}
			d.SAVID, d.DecidedAt = 201, at("2026-10-20 10:00")
			c.Decision = &d
			in.Changed = []sb.SAVCase{c}
		}
	}
	tests := []struct {
		name     string
		edit     func(in *sb.CloseInput)
		number   string // R1's statement ("": none)
		unlisted int    // SAV lines without a statement
	}{
		{name: "commissions: the self-billed invoice", number: "REL-1-2026-0008"},
		{name: "only a SAV that charges nothing: no statement", edit: func(in *sb.CloseInput) {
			in.SAVs[0].Decision.Outcome = sb.OutcomeUnconfirmed
		}, unlisted: 1},
		{name: "only charges: a statement of account", edit: func(in *sb.CloseInput) {}, number: "RDC-1-2026-10"},
		{name: "a refund of an earlier reduction is billed: the self-billed invoice", edit: changed(4500, 0,
			sb.Decision{Outcome: sb.OutcomeRejected}), number: "REL-1-2026-0008"},
		{name: "a refund of an indemnity alone: a statement of account", edit: changed(9500, 5000,
			sb.Decision{Outcome: sb.OutcomeConfirmed}), number: "RDC-1-2026-10"},
		{name: "an installment asked, nothing earned: a statement of account", edit: func(in *sb.CloseInput) {
			in.SAVs = nil
			in.Plans = []sb.Plan{twoParts("2026-09", 0, 3000, 3, 0, 0)}
		}, number: "RDC-1-2026-10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := workedExample(sb.Decision{Outcome: sb.OutcomeConfirmed})
			in.LastStatementSeq[1] = 7
			if tt.edit != nil {
				in.Interventions = in.Interventions[3:] // R1 earns nothing: only the SAV visit of R2
				tt.edit(in)
			}
			b := mustClose(t, in)
			var got string
			if s := b.StatementOf(1); s != nil {
				got = s.Number
				if s.Account != (got[:3] == "RDC") || (s.Account && s.Seq != 0) {
					t.Errorf("%s: account %v seq %d", got, s.Account, s.Seq)
				}
			}
			if got != tt.number || len(b.Unlisted) != tt.unlisted {
				t.Errorf("R1's statement %q with %d unlisted lines; want %q, %d", got, len(b.Unlisted), tt.number, tt.unlisted)
			}
			for _, l := range b.Unlisted {
				if l.Type != sb.LineNotCharged || l.AmountCents != 0 || l.RepairerID != 1 {
					t.Errorf("unlisted line %+v", l)
				}
			}
			if s := b.StatementOf(2); s == nil || s.Number != "REL-2-2026-0001" {
				t.Errorf("R2 earns the SAV visit: %+v", s)
			}
		})
	}
}

// TestRulesV1PlansAndDecisions: what the rules v1 booked keeps its rules. A v1 plan (no indemnity
// part, whatever it spread) reduces Net HT and is invoiced with VAT when it ends; a decision
// revised under v2 on a SAV charged under v1 books its difference per kind, what v1 booked split by
// recomputing the corrective charge its decision implied then, never from the v1 lines' types.
func TestRulesV1PlansAndDecisions(t *testing.T) {
	t.Run("a v1 plan's installment reduces Net HT; its balance is invoiced", func(t *testing.T) {
		v1 := planned("2026-04", 24500, 3, 20000) // a v1 overflow, damage included
		v1.RulesVersion = sb.RulesV1
		in := input(oct, repairer(1, sb.VATStandard))
		in.Interventions = []sb.Intervention{job(101, 1, "2026-10-05 09:00", 3000)}
		in.Plans = []sb.Plan{v1}
		b := mustClose(t, in)
		want := settlement{Gross: 3000, PaidR: 3000, Invoiced: 1500}
		if diff := cmp.Diff(want, settlementOf(b.StatementOf(1))); diff != "" {
			t.Errorf("R1 (-want +got):\n%s", diff)
		}
		wantDocs := []doc{{Number: "FAC-2026-000001", HT: 1500, VAT: 300, TTC: 1800, StatementMentions: true,
			Lines: []sb.InvoiceLine{{Kind: sb.InvoicePlanBalance, PlanID: "ECH-1-2026-04", AmountCents: 1500}}}}
		if diff := cmp.Diff(wantDocs, docsOf(b)); diff != "" {
			t.Errorf("documents (-want +got):\n%s", diff)
		}
		if p := b.Plans[0]; p.RulesVersion != sb.RulesV1 || p.IndemnityCents != 0 {
			t.Errorf("the v1 plan was re-qualified: %+v", p)
		}
	})

	tests := []struct {
		name     string
		v1       sb.SAVDecisionV1
		booked   map[int64]int64 // every line booked under v1 (whatever their types)
		decision sb.Decision     // now
		want     adj
	}{
		{name: "v1 charge and deductible, damage lowered under v2",
			v1:       sb.SAVDecisionV1{Outcome: sb.OutcomeConfirmed, CorrectiveCents: 4500},
			booked:   map[int64]int64{1: 4500 + 20000},
			decision: sb.Decision{Outcome: sb.OutcomeConfirmed, DamageCents: 5000},
			want:     adj{1: {sb.LineIndemnityAdjustment: 5000 - 20000}}},
		// Under v1 the damage added later was booked as an « ajustement »: its type says nothing
		// of its kind; the decision does.
		{name: "v1 damage booked as an ajustement, removed under v2",
			v1:       sb.SAVDecisionV1{Outcome: sb.OutcomeConfirmed, CorrectiveCents: 4500},
			booked:   map[int64]int64{1: 4500 + 5000},
			decision: sb.Decision{Outcome: sb.OutcomeConfirmed},
			want:     adj{1: {sb.LineIndemnityAdjustment: -5000}}},
		{name: "v1 partial share with a settlement, confirmed under v2",
			v1:       sb.SAVDecisionV1{Outcome: sb.OutcomePartial, ChargeBP: 3333, CorrectiveCents: 4500},
			booked:   map[int64]int64{1: 1500 + 5000},
			decision: sb.Decision{Outcome: sb.OutcomeConfirmed, DamageCents: 5000},
			want:     adj{1: {sb.LineAdjustment: 3000}}},
		{name: "v1 faulty repairer 3, moved back to the original's repairer under v2",
			v1:       sb.SAVDecisionV1{Outcome: sb.OutcomeConfirmed, FaultyRepairerID: 3, CorrectiveCents: 4500},
			booked:   map[int64]int64{1: 0, 3: 4500 + 5000},
			decision: sb.Decision{Outcome: sb.OutcomeConfirmed, DamageCents: 5000},
			want: adj{1: {sb.LineAdjustment: 4500, sb.LineIndemnityAdjustment: 5000},
				3: {sb.LineAdjustment: -4500, sb.LineIndemnityAdjustment: -5000}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := workedExample(sb.Decision{Outcome: sb.OutcomeConfirmed})
			in.Repairers[3] = repairer(3, sb.VATStandard)
			c := in.SAVs[0]
			in.SAVs = nil
			in.Interventions = in.Interventions[:3]
			v1 := tt.v1
			c.Booked = &sb.SAVState{SAVID: 201, Outcome: "whatever", FirstPeriod: oct.AddMonths(-3), V1: &v1}
			c.BookedByRepairer, c.BookedV1ByRepairer = tt.booked, tt.booked
			d := tt.decision
			d.SAVID, d.DecidedAt = 201, at("2026-10-20 10:00")
			c.Decision = &d
			in.Changed = []sb.SAVCase{c}
			b := mustClose(t, in)
			got := adj{}
			for _, s := range b.Statements {
				for _, l := range s.SAV {
					if got[l.RepairerID] == nil {
						got[l.RepairerID] = map[sb.SAVLineType]int64{}
					}
					got[l.RepairerID][l.Type] += l.AmountCents
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("adjustments (-want +got):\n%s", diff)
			}
			if len(b.SAVStates) != 1 || b.SAVStates[0].V1 != nil {
				// the store keeps the v1 decision: the close does not write it
				t.Errorf("state %+v", b.SAVStates)
			}
		})
	}
}
