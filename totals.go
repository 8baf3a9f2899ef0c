package savbilling

// Totals sums a Book: the figures of the manifest and of the workbook's summary.
type Totals struct {
	Statements int
	Invoices   int // invoices and debit notes
	DebitNotes int // of which debit notes
	Anomalies  int // blocking and warnings
	Blocking   int
	Pending    int

	GrossCents        int64 // commissions booked
	DeductionsCents   int64 // D = R + M: charges + settlements + deductibles + adjustments
	ChargesCents      int64
	SettlementsCents  int64
	DeductiblesCents  int64
	AdjustmentsCents  int64
	InstallmentsCents int64 // installments paid
	NetCents          int64 // net HT
	VATCents          int64
	NetTTCCents       int64
	SpreadCents       int64 // overflow put on new plans
	InvoicedCents     int64 // everything invoiced or debit-noted (HT)
	OverflowCents     int64
	OffsetCents       int64 // charges offset against the month's commissions: D − O
	GoodwillCents     int64 // customer credits borne by the network
	ClaimsCents       int64 // insurance claims recorded

	PlanBalancesBeforeCents int64
	PlanBalancesAfterCents  int64

	// Per kind (rules v2; a period closed under v1 has every charge a reduction).
	ReductionsCents            int64 // R: charges and adjustments
	IndemnitiesCents           int64 // M: settlements, deductibles and indemnity adjustments
	IndemnityAdjustmentsCents  int64 // « ajustement indemnité » lines
	InstallmentsIndemnityCents int64 // the indemnity part of InstallmentsCents
	IndemnityOverflowCents     int64 // Om: the indemnity part of OverflowCents
	SpreadIndemnityCents       int64 // the indemnity part of SpreadCents
	PayableCents               int64 // « Net à payer »
	DebitNotesCents            int64 // the part of InvoicedCents on debit notes

	PlanIndemnityBalancesBeforeCents int64
	PlanIndemnityBalancesAfterCents  int64
}

// Totals sums the book. Plan balances are those of the plans the book holds, which are all the
// plans that were open before the close or created by it.
func (b *Book) Totals() Totals {
	var t Totals
	for i := range b.Statements {
		s := &b.Statements[i]
		t.Statements++
		t.GrossCents += s.GrossCents
		t.DeductionsCents += s.DeductionsCents
		t.ReductionsCents += s.ReductionsCents
		t.IndemnitiesCents += s.IndemnitiesCents
		t.InstallmentsIndemnityCents += s.InstallmentsIndemnityCents
		t.IndemnityOverflowCents += s.IndemnityOverflowCents
		t.PayableCents += s.PayableCents
		for _, l := range s.SAV {
			t.AddSAV(l.Type, l.AmountCents)
		}
		t.InstallmentsCents += s.InstallmentsCents
		t.NetCents += s.NetHTCents
		t.VATCents += s.VATCents
		t.NetTTCCents += s.NetTTCCents
		t.SpreadCents += s.SpreadCents
		t.OverflowCents += s.OverflowCents
	}
	t.AddRest(b)
	return t
}

// AddSAV adds the amount of a SAV line of type tp to the sum of its type; a type the rulebook
// does not know is in none of them.
func (t *Totals) AddSAV(tp SAVLineType, cents int64) {
	switch tp {
	case LineCharge:
		t.ChargesCents += cents
	case LineSettlement:
		t.SettlementsCents += cents
	case LineDeductible:
		t.DeductiblesCents += cents
	case LineAdjustment:
		t.AdjustmentsCents += cents
	case LineIndemnityAdjustment:
		t.IndemnityAdjustmentsCents += cents
	}
}

// AddRest adds what b holds besides its statements (its invoices, plans, goodwill, claims,
// anomalies and pending SAVs) to totals that hold every statement of b already, summed
// elsewhere (b.Statements is not read: store.DB.LoadBookHead sums them in the database). It is
// called once.
func (t *Totals) AddRest(b *Book) {
	t.Invoices = len(b.Invoices)
	for i := range b.Invoices {
		if b.Invoices[i].DebitNote() {
			t.DebitNotes++
			t.DebitNotesCents += b.Invoices[i].HTCents
		}
	}
	t.Pending = len(b.Pending)
	t.Anomalies = len(b.Anomalies)
	for _, a := range b.Anomalies {
		if a.Blocking {
			t.Blocking++
		}
	}
	t.OffsetCents = t.DeductionsCents - t.OverflowCents
	for _, inv := range b.Invoices {
		t.InvoicedCents += inv.HTCents
	}
	var invoicedPlans, debitNotedPlans int64
	for _, p := range b.Plans {
		t.PlanBalancesAfterCents += p.BalanceCents()
		t.PlanIndemnityBalancesAfterCents += p.IndemnityBalanceCents()
		if p.ClosedIn == b.Period {
			invoicedPlans += p.InvoicedCents
			debitNotedPlans += p.DebitNotedCents
		}
		if p.CreatedIn == b.Period {
			t.SpreadIndemnityCents += p.IndemnityCents
		}
	}
	// balances after = before + spread − paid − invoiced (or debit-noted) plan balances
	t.PlanBalancesBeforeCents = t.PlanBalancesAfterCents - t.SpreadCents + t.InstallmentsCents + invoicedPlans + debitNotedPlans
	t.PlanIndemnityBalancesBeforeCents = t.PlanIndemnityBalancesAfterCents - t.SpreadIndemnityCents +
		t.InstallmentsIndemnityCents + debitNotedPlans
	for _, g := range b.Goodwill {
		if g.BorneByNetwork {
			t.GoodwillCents += g.AmountCents
		}
	}
	for _, c := range b.Claims {
		t.ClaimsCents += c.ClaimCents
	}
}

// StatementOf returns the statement of the repairer, or nil.
func (b *Book) StatementOf(repairer int64) *Statement {
	for i := range b.Statements {
		if b.Statements[i].Repairer.ID == repairer {
			return &b.Statements[i]
		}
	}
	return nil
}

// PlansOf returns the book's plans of the repairer, oldest first.
func (b *Book) PlansOf(repairer int64) []Plan {
	var out []Plan
	for _, p := range b.Plans {
		if p.RepairerID == repairer {
			out = append(out, p)
		}
	}
	return out
}
