package invoices

import (
	"strconv"

	sb "savbilling"
	"savbilling/frfmt"
)

// layoutInvoice builds the layout model of an overflow invoice from the network to a repairer.
func (r *Renderer) layoutInvoice(m measurer, b *sb.Book, inv *sb.Invoice) *doc {
	tx := r.tx
	ti := &tx.Invoice
	number := r.number(inv.Number)
	repName := clean(inv.Repairer.Name, false)
	netName := clean(b.Issuer.Name, false)
	period := periodName(inv.Period)

	f := newFlow(m, tx.Common.Ellipsis)
	debit := inv.DebitNote() // a debit note: the indemnity part, outside the scope of VAT
	titleT, headerT, footerT, natureT := ti.Title, ti.RunningHeader, ti.Footer, ti.Nature
	if debit {
		titleT, headerT, footerT, natureT = ti.DebitTitle, ti.DebitRunningHeader, ti.DebitFooter, ti.DebitNature
	}
	r.running(f, fill(headerT, "number", number, "repairer", repName))
	r.invoiceHead(m, f, b, inv, fill(titleT, "number", number), natureT, period)
	stmtName, overflow, planLines := r.invoiceLines(f, b, inv)
	if overflow {
		r.invoiceCovered(f, b, inv, stmtName)
	}
	r.invoicePlans(f, b, planLines)

	// totals and legal mentions, kept together on the last page
	f.gap(6)
	f.place(r.invoiceTotals(m, b, inv, number))

	d := &doc{title: fill(headerT, "number", number, "repairer", repName), author: netName}
	d.subject = fill(natureT, "period", period, "period_of", periodOf(inv.Period))
	d.pages = f.finish(func(n, of int) string { return fill(footerT, "number", number, "network", netName) },
		func(n, of int) string {
			return fill(tx.Common.Page, "page", strconv.Itoa(n), "pages", strconv.Itoa(of))
		}, r.watermark(b))
	return d
}

// invoiceHead lays out the top of an invoice or a debit note: its title, the seller's and
// buyer's boxes, the band of its dates and period, and the nature of the service.
func (r *Renderer) invoiceHead(m measurer, f *flow, b *sb.Book, inv *sb.Invoice, title, natureT, period string) {
	ti := &r.tx.Invoice
	hb := &block{}
	hb.text(marginL, 0, truncate(m, title, stTitle, contentW, f.ell), stTitle)
	hb.h = lineH(stTitle) + 3
	f.put(hb)
	f.put(r.partyBoxes(m, ti.SellerHeading, r.networkLines(b.Issuer), ti.BuyerHeading, r.buyerLines(inv.Repairer)))
	f.gap(3)
	f.put(r.metaBand(m, []string{
		fill(ti.IssueDate, "date", r.dateOf(inv.IssuedOn)),
		fill(ti.DueDate, "date", r.dateOf(inv.DueOn)),
		fill(ti.Period, "period", period),
	}))
	f.gap(4)

	// nature of the service
	nb := &block{}
	nb.text(marginL, 0, ti.NatureLabel, stLabel)
	nb.h = lineH(stLabel) + 0.5
	for _, l := range wrap(m, fill(natureT, "period", period, "period_of", periodOf(inv.Period)), stBody, contentW, 3, f.ell) {
		nb.text(marginL, nb.h, l, stBody)
		nb.h += lineH(stBody)
	}
	f.place(nb)
	f.gap(4)
}

// invoiceLines lays out the table of the invoice's lines and returns the name of its statement
// (its number, or the draft's label), whether it invoices an overflow, and its plan balance
// lines.
func (r *Renderer) invoiceLines(f *flow, b *sb.Book, inv *sb.Invoice) (stmtName string, overflow bool, planLines []sb.InvoiceLine) {
	ti := &r.tx.Invoice
	continued := r.continuedFn
	st := inv.Statement // what the ledger booked with the invoice: never looked up in b.Statements
	debit := inv.DebitNote()
	lineOverflow, linePlan := ti.LineOverflow, ti.LinePlanBalance
	if debit {
		lineOverflow, linePlan = ti.DebitLineOverflow, ti.DebitLinePlanBalance
	}
	stmtName = ti.StatementDraft
	if st != nil && st.Number != "" {
		stmtName = st.Number
	}
	colAmount := ti.ColAmountHT
	if debit {
		colAmount = ti.DebitColAmount
	}
	t := table{continued: continued, cols: cols(colsInvLines, []string{ti.ColDesignation, colAmount}, 1)}
	for _, l := range inv.Lines {
		var label string
		switch l.Kind {
		case sb.InvoiceOverflow:
			overflow = true
			label = fill(lineOverflow, "statement", stmtName)
			switch {
			case st == nil:
			case debit:
				label += "\n" + fill(ti.DebitOverflowDetail, "indemnities", eur(st.IndemnitiesCents),
					"ttc", eur(st.NetTTCCents), "overflow", eur(st.IndemnityOverflowCents))
			case v2(b):
				label += "\n" + fill(ti.ReductionOverflowDetail, "reductions", eur(st.ReductionsCents),
					"gross", eur(st.GrossCents), "overflow", eur(st.ReductionOverflowCents))
			default:
				label += "\n" + fill(ti.OverflowDetail, "deductions", eur(st.DeductionsCents),
					"gross", eur(st.GrossCents), "overflow", eur(st.OverflowCents))
			}
		case sb.InvoicePlanBalance:
			planLines = append(planLines, l)
			label = fill(linePlan, "plan", l.PlanID)
		default:
			label = l.Kind
		}
		t.rows = append(t.rows, row{cells: []string{label, eur(l.AmountCents)}})
	}
	totalHT := ti.TotalHT
	if debit {
		totalHT = ti.DebitTotal
	}
	t.rows = append(t.rows, row{total: true, cells: []string{totalHT, eur(inv.HTCents)}})
	f.table(t)
	return stmtName, overflow, planLines
}

// invoiceCovered lays out the SAV items an overflow invoice covers: under the rules v2, those of
// its kind.
func (r *Renderer) invoiceCovered(f *flow, b *sb.Book, inv *sb.Invoice, stmtName string) {
	tx := r.tx
	ti := &tx.Invoice
	continued := r.continuedFn
	st := inv.Statement
	debit := inv.DebitNote()
	covered := []sb.SAVLine(nil)
	var coveredSum int64
	if st != nil {
		for _, l := range st.SAV {
			if !v2(b) || l.Type.Indemnity() == debit {
				covered = append(covered, l)
				coveredSum += l.AmountCents
			}
		}
		if !v2(b) {
			coveredSum = st.DeductionsCents
		}
	}
	chargedCol := ti.ColCharged
	if debit {
		chargedCol = tx.Statement.ColCharged // outside VAT: no « HT »
	}
	if len(covered) > 0 {
		f.gap(5)
		ct := table{heading: fill(ti.CoveredHeading, "statement", stmtName), continued: continued,
			cols: cols(colsCovered, []string{ti.ColSAV, ti.ColOriginal, ti.ColSAVRepairer, ti.ColDecision, ti.ColType,
				chargedCol}, 0, 1, 2, 5)}
		for _, l := range covered {
			ct.rows = append(ct.rows, row{cells: []string{strconv.FormatInt(l.SAVID, 10), strconv.FormatInt(l.OriginalID, 10),
				strconv.FormatInt(l.SAVRepairerID, 10), tx.Outcomes.Label(l.Outcome), tx.LineTypes.Label(l.Type),
				eur(l.AmountCents)}})
		}
		ct.rows = append(ct.rows, row{total: true, cells: []string{tx.Statement.SAVTotal, eur(coveredSum)}})
		f.table(ct)
	}
}

// invoicePlans lays out a sentence for each plan whose balance the invoice charges.
func (r *Renderer) invoicePlans(f *flow, b *sb.Book, planLines []sb.InvoiceLine) {
	tx := r.tx
	ti := &tx.Invoice
	if len(planLines) > 0 {
		f.gap(3)
		for _, l := range planLines {
			var created sb.Period
			for _, p := range b.Plans {
				if p.ID == l.PlanID {
					created = p.CreatedIn
				}
			}
			s := fill(ti.PlanCovered, "plan", l.PlanID, "period_of", tx.Common.None)
			if !created.IsZero() {
				s = fill(ti.PlanCovered, "plan", l.PlanID, "period_of", periodOf(created))
			}
			f.para(marginL, contentW, s, stBody)
		}
	}
}

// invoiceTotals is the box of the invoice's totals and legal mentions.
func (r *Renderer) invoiceTotals(m measurer, b *sb.Book, inv *sb.Invoice, number string) *block {
	ti := &r.tx.Invoice
	debit := inv.DebitNote()
	rows := []totalsRow{
		{label: ti.TotalHT, amount: eur(inv.HTCents)},
		{label: fill(ti.TotalVAT, "rate", frfmt.FormatBP(inv.VATRateBP)), amount: eur(inv.VATCents)},
		{label: ti.TotalTTC, amount: eur(inv.TTCCents), rule: true},
		{label: ti.NetDue, amount: eur(inv.TTCCents), strong: true},
	}
	if debit {
		rows = []totalsRow{
			{label: ti.DebitTotal, amount: eur(inv.HTCents)},
			{label: ti.DebitNoVAT},
			{label: ti.NetDue, amount: eur(inv.TTCCents), rule: true, strong: true},
		}
	}
	days := ""
	if !inv.IssuedOn.IsZero() && !inv.DueOn.IsZero() {
		days = strconv.Itoa(int(sb.DayIn(inv.DueOn, sb.Paris).Sub(sb.DayIn(inv.IssuedOn, sb.Paris)).Hours() / 24))
	}
	notes := []string{
		fill(ti.DueTerms, "days", days, "date", r.dateOf(inv.DueOn)),
		fill(ti.LatePayment, "penalty", ti.Penalty, "indemnity", ti.Indemnity),
		ti.NoDiscount,
		fill(ti.Payment, "iban", r.orMissing(b.Issuer.IBAN), "bic", r.orMissing(b.Issuer.BIC), "number", number),
	}
	return r.totalsBox(m, ti.TotalsHeading, rows, notes)

}

// buyerLines is the repairer's identity as an invoice's buyer: name, address, SIREN, VAT
// number, and their id.
func (r *Renderer) buyerLines(p sb.Party) []idLine {
	return r.repairerLines(p)
}
