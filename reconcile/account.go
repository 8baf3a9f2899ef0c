package reconcile

// A repairer's account for the period: its statement settled from its lines and plans.

import (
	"cmp"
	"fmt"
	"slices"

	sb "savbilling"
	"savbilling/money"
)

// account gathers one repairer's lines during a close.
type account struct {
	id          int64 // the repairer's (in.Repairers: the zero Repairer when unknown)
	commissions []sb.CommissionLine
	summedLines int   // commission lines summed by the store, not listed (CloseInput.Summed)
	summedCents int64 // their amount
	sav         []sb.SAVLine
	plans       []sb.Plan // open plans, oldest first
}

var lineOrder = map[sb.SAVLineType]int{sb.LineCharge: 0, sb.LineNotCharged: 0, sb.LineSettlement: 1, sb.LineDeductible: 2,
	sb.LineAdjustment: 3, sb.LineIndemnityAdjustment: 4}

// settle computes the repairer's statement under the rules v2 (docs/rules.md, the statement):
// G − R − the installments' reduction parts = Net HT → VAT → Net TTC; Net TTC − M − the
// installments' indemnity parts = Payable; the overflow of each side (Or, Om), decided on their
// sum; the invoice (reduction part, with VAT) and the debit note (indemnity part, no VAT) of what
// the month cannot absorb; and the plans as they are after the close. has is false when the
// repairer has nothing to state (no commission, no SAV line that charges or refunds something,
// no installment asked, nothing invoiced): their SAV lines, if any, charge nothing.
func (a *account) settle(in *sb.CloseInput, override *sb.Override) (st sb.Statement, has bool, invoice, note *sb.Invoice, plans []sb.Plan, err error) {
	rep := in.Repairers[a.id]
	st = a.statement(in, rep)
	s := &st // on the stack: the caller copies the statement into the book
	fail := func(e error) (sb.Statement, bool, *sb.Invoice, *sb.Invoice, []sb.Plan, error) {
		return st, false, nil, nil, nil, e
	}
	charges, err := a.deduct(s)
	if err != nil {
		return fail(err)
	}
	dues := a.reductionParts(in, rep, s)
	if err := addVAT(s, rep, in.Rules); err != nil {
		return fail(err)
	}
	var fac, ndd sb.Invoice
	plans, asked, err := a.indemnityParts(in, rep, s, dues, &fac, &ndd)
	if err != nil {
		return fail(err)
	}
	if plans, err = overflow(in, rep, override, s, plans, &fac, &ndd); err != nil {
		return fail(err)
	}
	if invoice, note, err = documents(in, s, &fac, &ndd); err != nil {
		return fail(err)
	}
	s.Account = s.GrossCents <= 0 && s.ReductionsCents >= 0
	has = s.CommissionCount() > 0 || charges || asked || invoice != nil || note != nil
	return st, has, invoice, note, plans, nil
}

// statement starts the repairer's statement: its lines in their order, the commissions the store
// summed counted and in its gross.
func (a *account) statement(in *sb.CloseInput, rep sb.Repairer) sb.Statement {
	slices.SortFunc(a.commissions, func(x, y sb.CommissionLine) int { return cmp.Compare(x.InterventionID, y.InterventionID) })
	slices.SortFunc(a.sav, func(x, y sb.SAVLine) int {
		return cmp.Or(cmp.Compare(x.SAVID, y.SAVID), lineOrder[x.Type]-lineOrder[y.Type])
	})
	return sb.Statement{Repairer: rep.Identity(), Period: in.Period, Commissions: a.commissions, SAV: a.sav,
		UnlistedLines: a.summedLines, GrossCents: a.summedCents}
}

// deduct adds the commissions to G and the SAV lines to the deductions (R and M), and sets what
// is available (G − R, its overflow Or beyond); charges tells whether a SAV line charges or
// refunds something.
func (a *account) deduct(s *sb.Statement) (charges bool, err error) {
	for _, c := range a.commissions {
		if s.GrossCents, err = money.Add(s.GrossCents, c.AmountCents); err != nil {
			return false, fmt.Errorf("commissions: %w", err)
		}
	}
	for _, l := range a.sav {
		if s.DeductionsCents, err = money.Add(s.DeductionsCents, l.AmountCents); err != nil {
			return false, fmt.Errorf("deductions: %w", err)
		}
		if l.Type.Indemnity() {
			s.IndemnitiesCents, err = money.Add(s.IndemnitiesCents, l.AmountCents)
		} else {
			s.ReductionsCents, err = money.Add(s.ReductionsCents, l.AmountCents)
		}
		if err != nil {
			return false, fmt.Errorf("deductions: %w", err)
		}
		charges = charges || l.AmountCents != 0
	}
	avail, err := money.Add(s.GrossCents, -s.ReductionsCents)
	if err != nil {
		return false, fmt.Errorf("available: %w", err)
	}
	if avail < 0 {
		s.ReductionOverflowCents, avail = -avail, 0
	}
	s.AvailableCents = avail
	return charges, nil
}

// reductionParts takes the installments' reduction parts of the earlier plans, oldest first,
// from what is available, before VAT, and sets Net HT; it returns what each plan asks.
func (a *account) reductionParts(in *sb.CloseInput, rep sb.Repairer, s *sb.Statement) []due {
	avail := s.AvailableCents
	dues := make([]due, len(a.plans))
	for i, p := range a.plans {
		dues[i] = dueNow(p, in.Period, rep.Active)
		if dues[i].r > 0 {
			paid := min(dues[i].r, avail)
			avail -= paid
			a.plans[i].PaidCents += paid
			dues[i].paidR = paid
			s.InstallmentsCents += paid
		}
	}
	s.NetHTCents = avail
	return dues
}

// addVAT sets the statement's VAT (the standard rate for a repairer under the standard regime,
// none otherwise) and Net TTC.
func addVAT(s *sb.Statement, rep sb.Repairer, r sb.Rules) (err error) {
	s.VATRateBP = 0
	if rep.VATRegime == sb.VATStandard {
		s.VATRateBP = r.VATRateBP
	}
	if s.VATCents, err = money.Share(s.NetHTCents, s.VATRateBP); err != nil {
		return fmt.Errorf("VAT: %w", err)
	}
	if s.NetTTCCents, err = money.Add(s.NetHTCents, s.VATCents); err != nil {
		return fmt.Errorf("net TTC: %w", err)
	}
	return nil
}

// indemnityParts is the settlement: the indemnities set off after VAT (their overflow Om beyond),
// then the installments' indemnity parts; each plan's installment line, and the balances of the
// plans that end (repairer inactive, or lifetime over) on the invoice (reduction part) and the
// debit note (indemnity part). It returns the plans as they are after the close, and whether an
// installment was asked.
func (a *account) indemnityParts(in *sb.CloseInput, rep sb.Repairer, s *sb.Statement, dues []due, fac, ndd *sb.Invoice) (plans []sb.Plan, asked bool, err error) {
	pay, err := money.Add(s.NetTTCCents, -s.IndemnitiesCents)
	if err != nil {
		return nil, false, fmt.Errorf("payable: %w", err)
	}
	if pay < 0 {
		s.IndemnityOverflowCents, pay = -pay, 0
	}
	for i := range a.plans {
		p := &a.plans[i]
		d := &dues[i]
		if d.m > 0 {
			paid := min(d.m, pay)
			pay -= paid
			p.PaidCents += paid
			p.PaidIndemnityCents += paid
			d.paidM = paid
			s.InstallmentsCents += paid
			s.InstallmentsIndemnityCents += paid
		}
		if d.r > 0 || d.m > 0 {
			asked = true
			s.Installments = append(s.Installments, sb.InstallmentLine{PlanID: p.ID, RepairerID: p.RepairerID,
				Number: min(in.Period.MonthsSince(p.CreatedIn), p.Months), Of: p.Months, DueCents: d.r + d.m,
				PaidCents: d.paidR + d.paidM, DueIndemnityCents: d.m, PaidIndemnityCents: d.paidM})
		}
		expired := in.Period.MonthsSince(p.CreatedIn) >= in.Rules.PlanLifetimeFactor*p.Months
		if !rep.Active || expired {
			if bal := p.ReductionBalanceCents(); bal > 0 {
				p.InvoicedCents = bal
				fac.Lines = append(fac.Lines, sb.InvoiceLine{Kind: sb.InvoicePlanBalance, PlanID: p.ID, AmountCents: bal})
			}
			if bal := p.IndemnityBalanceCents(); bal > 0 {
				p.DebitNotedCents = bal
				ndd.Lines = append(ndd.Lines, sb.InvoiceLine{Kind: sb.InvoicePlanBalance, PlanID: p.ID, AmountCents: bal})
			}
			if p.InvoicedCents > 0 || p.DebitNotedCents > 0 {
				p.ClosedIn = in.Period
			}
		}
		plans = append(plans, *p)
	}
	s.PayableCents = pay
	return plans, asked, nil
}

// overflow decides the month's own overflow, O = Or + Om: finance's override, inactive →
// invoice and debit note, small → spread (a new plan, added to plans), else invoice and debit
// note (their first lines).
func overflow(in *sb.CloseInput, rep sb.Repairer, override *sb.Override, s *sb.Statement, plans []sb.Plan, fac, ndd *sb.Invoice) ([]sb.Plan, error) {
	r := in.Rules
	var err error
	if s.OverflowCents, err = money.Add(s.ReductionOverflowCents, s.IndemnityOverflowCents); err != nil {
		return nil, fmt.Errorf("overflow: %w", err)
	}
	o := s.OverflowCents
	if o <= 0 {
		return plans, nil
	}
	spread, months := false, 0
	switch {
	case override != nil:
		spread, months = override.Mode == sb.OverrideSpread, override.Months
	case !rep.Active:
	case o <= r.SpreadMaxCents:
		spread, months = true, int(min(int64(r.MaxInstallments), max(1, money.CeilDiv(o, r.InstallmentStepCents))))
	}
	if spread {
		s.SpreadCents = o
		return append(plans, sb.Plan{ID: sb.PlanID(rep.ID, in.Period), RepairerID: rep.ID,
			CreatedIn: in.Period, Months: months, TotalCents: o, IndemnityCents: s.IndemnityOverflowCents,
			RulesVersion: sb.RulesVersion}), nil
	}
	if or := s.ReductionOverflowCents; or > 0 {
		fac.Lines = append([]sb.InvoiceLine{{Kind: sb.InvoiceOverflow, AmountCents: or}}, fac.Lines...)
	}
	if om := s.IndemnityOverflowCents; om > 0 {
		ndd.Lines = append([]sb.InvoiceLine{{Kind: sb.InvoiceOverflow, AmountCents: om}}, ndd.Lines...)
	}
	return plans, nil
}

// documents totals the invoice (with VAT) and the debit note (outside the scope of VAT) of the
// lines fac and ndd carry, nil when they carry none, and what the statement invoiced.
func documents(in *sb.CloseInput, s *sb.Statement, fac, ndd *sb.Invoice) (invoice, note *sb.Invoice, err error) {
	if len(fac.Lines) > 0 {
		fac.Kind, fac.Repairer, fac.Period, fac.VATRateBP = sb.DocInvoice, s.Repairer, in.Period, in.Rules.VATRateBP
		for _, l := range fac.Lines {
			fac.HTCents += l.AmountCents
		}
		if fac.VATCents, err = money.Share(fac.HTCents, fac.VATRateBP); err != nil {
			return nil, nil, fmt.Errorf("invoice VAT: %w", err)
		}
		if fac.TTCCents, err = money.Add(fac.HTCents, fac.VATCents); err != nil {
			return nil, nil, fmt.Errorf("invoice TTC: %w", err)
		}
		invoice = new(sb.Invoice) // only then on the heap: most repairers have no invoice
		*invoice = *fac
	}
	if len(ndd.Lines) > 0 {
		ndd.Kind, ndd.Repairer, ndd.Period = sb.DocDebitNote, s.Repairer, in.Period
		for _, l := range ndd.Lines {
			ndd.HTCents += l.AmountCents
		}
		ndd.TTCCents = ndd.HTCents // outside the scope of VAT
		s.DebitNotedCents = ndd.HTCents
		note = new(sb.Invoice)
		*note = *ndd
	}
	if s.InvoicedCents, err = money.Add(fac.HTCents, ndd.HTCents); err != nil {
		return nil, nil, fmt.Errorf("invoiced: %w", err)
	}
	return invoice, note, nil
}

// due is what an open plan asks of a period, per part, and what it got.
type due struct {
	r, m         int64 // asked: reduction part, indemnity part
	paidR, paidM int64
}

// dueNow is what an open plan asks of period p, per part: what its schedule called for up to p
// and has not been paid (so a shortfall is asked again), all of the part's balance once the
// schedule is over or when the repairer is inactive. Each part's schedule splits that part as in
// Money (installment k is the sum of the parts' k-th shares).
func dueNow(pl sb.Plan, p sb.Period, active bool) due {
	k := p.MonthsSince(pl.CreatedIn) // installments scheduled up to p
	if k <= 0 {
		return due{}
	}
	if !active || k >= pl.Months {
		return due{r: max(0, pl.ReductionBalanceCents()), m: max(0, pl.IndemnityBalanceCents())}
	}
	part := func(total, paid, balance int64) int64 {
		var scheduled int64
		for _, amt := range money.Split(total, pl.Months)[:k] {
			scheduled += amt
		}
		return max(0, min(balance, scheduled-paid))
	}
	return due{
		r: part(pl.ReductionCents(), pl.PaidCents-pl.PaidIndemnityCents, pl.ReductionBalanceCents()),
		m: part(pl.IndemnityCents, pl.PaidIndemnityCents, pl.IndemnityBalanceCents()),
	}
}
