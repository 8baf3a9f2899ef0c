package invoices

import (
	"strconv"
	"strings"

	sb "savbilling"
	"savbilling/frfmt"
	"savbilling/money"
)

// --- statement ---

// Column widths of the statement's tables, in millimetres (each table spans contentW).
var (
	colsCommission = []float64{34, 27, 61, 22, 36}
	colsSAV        = []float64{14, 20, 19, 35, 14, 22, 34, 22}
	colsInstall    = []float64{62, 30, 44, 44}
	colsSchedule   = []float64{18, 50, 36, 36, 40}
	colsInvLines   = []float64{140, 40}
	colsCovered    = []float64{18, 24, 24, 38, 46, 30}
)

// colsServices are the columns of the commission table of a statement whose lines have services
// (commissionServices): intervention, date, city, services, amount.
var colsServices = []float64{24, 27, 35, 62, 32}

func cols(widths []float64, titles []string, right ...int) []column {
	out := make([]column, len(widths))
	for i := range widths {
		out[i] = column{title: titles[i], w: widths[i]}
	}
	for _, i := range right {
		out[i].right = true
	}
	return out
}

// layoutStatement builds the layout model of a statement.
func (r *Renderer) layoutStatement(m measurer, b *sb.Book, s *sb.Statement) *doc {
	tx := r.tx
	ts := &tx.Statement
	number := r.number(s.Number)
	repName := clean(s.Repairer.Name, false)
	netName := clean(b.Issuer.Name, false)
	period := periodName(s.Period)

	f := newFlow(m, tx.Common.Ellipsis)
	title, header, footer := ts.Title, ts.RunningHeader, ts.Footer
	mention := fill(ts.SelfBilling, "network", netName, "repairer", repName)
	if s.Account { // a statement of account (rules v2): not an invoice
		title, header, footer = ts.AccountTitle, ts.AccountRunningHeader, ts.AccountFooter
		mention = fill(ts.AccountMention, "repairer", repName)
	}
	r.running(f, fill(header, "number", number, "repairer", repName, "period", period))
	r.statementHead(m, f, b, s, title, mention, number, period)
	r.statementCommissions(f, s)
	f.gap(5)
	r.statementSAV(f, b, s)
	r.statementInstallments(f, b, s)
	r.statementPlans(f, b, s)

	// totals, mentions and payment, kept together on the last page
	f.gap(6)
	if v2(b) {
		r.statementTotalsV2(f, b, s)
	} else {
		r.statementTotalsV1(f, s)
	}

	d := &doc{
		title:   fill(header, "number", number, "repairer", repName, "period", period),
		subject: title,
		author:  netName,
	}
	d.pages = f.finish(func(n, of int) string { return fill(footer, "number", number, "network", netName) },
		func(n, of int) string {
			return fill(tx.Common.Page, "page", strconv.Itoa(n), "pages", strconv.Itoa(of))
		}, r.watermark(b))
	return d
}

// statementHead lays out the top of a statement: its title and self-billing (or account)
// mention, the seller's and buyer's boxes, and the band of its number, date, period and payment
// date.
func (r *Renderer) statementHead(m measurer, f *flow, b *sb.Book, s *sb.Statement, title, mention, number, period string) {
	ts := &r.tx.Statement
	hb := &block{}
	hb.text(marginL, 0, truncate(m, title, stTitle, contentW, f.ell), stTitle)
	y := lineH(stTitle) + 0.5
	for _, l := range wrap(m, mention, stMeta, contentW, 5, f.ell) {
		hb.text(marginL, y, l, stMeta)
		y += lineH(stMeta)
	}
	hb.h = y + 3
	f.put(hb)
	f.put(r.partyBoxes(m, ts.SellerHeading, r.repairerLines(s.Repairer), ts.BuyerHeading, r.networkLines(b.Issuer)))
	f.gap(3)
	f.put(r.metaBand(m, []string{
		fill(ts.Number, "number", number),
		fill(ts.Date, "date", r.dateOf(s.IssuedOn)),
		fill(ts.Period, "period", period),
		fill(ts.PaymentDate, "date", r.dateOf(s.PaymentOn)),
	}))
	f.gap(5)
}

// statementCommissions lays out the table of the statement's commission lines, with a note
// under it for each late one.
func (r *Renderer) statementCommissions(f *flow, s *sb.Statement) {
	tx := r.tx
	ts := &tx.Statement
	continued := r.continuedFn
	if len(s.Commissions) == 0 {
		f.hold(f.textBlock(ts.CommissionsHeading, stHeading, 1))
		f.para(marginL, contentW, ts.NoCommissions, stBody)
	} else {
		t := table{heading: ts.CommissionsHeading, continued: continued,
			cols: cols(colsCommission, []string{ts.ColIntervention, ts.ColDate, ts.ColCity, ts.ColOperations, ts.ColAmountHT}, 3, 4)}
		services := commissionServices(s)
		if services {
			t.cols = cols(colsServices, []string{ts.ColIntervention, ts.ColDate, ts.ColCity, ts.ColServices, ts.ColAmountHT}, 4)
			// every line: a row always fits on a page (at most reconcile.ServicesMaxRunes code
			// points, control characters printed as spaces by clean)
			t.cols[3].lines = allLines
		}
		// the rows and their cells in two allocations: a statement has hundreds of lines
		t.rows = make([]row, 0, len(s.Commissions)+1)
		cells := make([]string, 0, 5*len(s.Commissions))
		var lateNotes []string
		for _, c := range s.Commissions {
			id := strconv.FormatInt(c.InterventionID, 10)
			if c.Late {
				lateNotes = append(lateNotes, fill(ts.LateNote, "intervention", id, "date", r.dateOf(c.ClosedAt),
					"period_of", periodOf(sb.PeriodOf(c.ClosedAt, sb.Paris))))
				id += " " + tx.Common.Late
			}
			n := len(cells)
			what := strconv.Itoa(c.Operations)
			if services {
				what = r.services(&c)
			}
			cells = append(cells, id, r.dateOf(c.ClosedAt), r.orNone(c.City), what, eur(c.AmountCents))
			t.rows = append(t.rows, row{cells: cells[n:len(cells):len(cells)]})
		}
		t.rows = append(t.rows, row{total: true, cells: []string{ts.CommissionsTotal, eur(s.GrossCents)}})
		f.table(t)
		if len(lateNotes) > 0 {
			f.gap(1.5)
			for _, n := range lateNotes {
				f.para(marginL, contentW, n, stSmall)
			}
		}
	}
}

// commissionServices reports whether the statement's commission table shows each line's
// services: when one of its lines has them. A statement booked before the ledger kept them
// (migration 80) prints as it did, the count of each line's operations under « Opérations ».
func commissionServices(s *sb.Statement) bool {
	for i := range s.Commissions {
		if s.Commissions[i].Services != "" {
			return true
		}
	}
	return false
}

// services is what the statement says a commission line bills: its services, or without them
// « n opération(s) » (the e-invoice says the same in its own words, einvoice.go).
func (r *Renderer) services(c *sb.CommissionLine) string {
	if v := clean(c.Services, false); v != "" {
		return v
	}
	n := r.tx.Statement.OperationCount
	if c.Operations <= 1 {
		n = r.tx.Statement.OperationCountOne
	}
	return fill(n, "n", strconv.Itoa(c.Operations))
}

// statementSAV lays out the table of the statement's SAV lines (the other repairers appear by id
// only), then their explanation (rules v2) or notes (rules v1).
func (r *Renderer) statementSAV(f *flow, b *sb.Book, s *sb.Statement) {
	tx := r.tx
	ts := &tx.Statement
	continued := r.continuedFn
	if len(s.SAV) == 0 {
		f.hold(f.textBlock(ts.SAVHeading, stHeading, 1))
		f.para(marginL, contentW, ts.NoSAV, stBody)
	} else {
		t := table{heading: ts.SAVHeading, continued: continued,
			cols: cols(colsSAV, []string{ts.ColSAV, ts.ColOriginal, ts.ColSAVRepairer, ts.ColDecision, ts.ColShare,
				ts.ColCorrective, ts.ColType, ts.ColCharged}, 0, 1, 2, 4, 5, 7)}
		var notes []string
		noted, noteSeen := map[int64]bool{}, map[int64]bool{}
		for _, l := range s.SAV {
			share, corrective := tx.Common.None, tx.Common.None
			switch l.Type {
			case sb.LineCharge, sb.LineAdjustment, sb.LineNotCharged:
				if l.ChargeBP > 0 {
					share = frfmt.FormatBP(l.ChargeBP)
				}
				corrective = eur(l.CorrectiveCents)
			case sb.LineSettlement, sb.LineDeductible, sb.LineIndemnityAdjustment:
				if l.DamageCents != 0 && !noted[l.SAVID] && !v2(b) {
					noted[l.SAVID] = true
					notes = append(notes, fill(ts.DamageNote, "sav", strconv.FormatInt(l.SAVID, 10), "damage", eur(l.DamageCents)))
				}
			}
			if note := clean(l.Note, false); note != "" && !noteSeen[l.SAVID] && !v2(b) {
				noteSeen[l.SAVID] = true
				notes = append(notes, fill(ts.DecisionNote, "sav", strconv.FormatInt(l.SAVID, 10), "note", note))
			}
			t.rows = append(t.rows, row{cells: []string{
				strconv.FormatInt(l.SAVID, 10), strconv.FormatInt(l.OriginalID, 10), strconv.FormatInt(l.SAVRepairerID, 10),
				tx.Outcomes.Label(l.Outcome), share, corrective, tx.LineTypes.Label(l.Type), eur(l.AmountCents)}})
		}
		t.rows = append(t.rows, row{total: true, cells: []string{ts.SAVTotal, eur(s.DeductionsCents)}})
		f.table(t)
		if v2(b) { // the rules v2 explain every line in words, a small gap between SAVs; v1's documents print as they did
			f.gap(1.5)
			for i, group := range r.explainSAV(s.SAV) {
				if i > 0 {
					f.gap(1)
				}
				for _, n := range group {
					f.para(marginL, contentW, n, stSmall)
				}
			}
		} else if len(notes) > 0 {
			f.gap(1.5)
			for _, n := range notes {
				f.para(marginL, contentW, n, stSmall)
			}
		}
	}
}

// statementInstallments lays out the installments taken this period, if any.
func (r *Renderer) statementInstallments(f *flow, b *sb.Book, s *sb.Statement) {
	ts := &r.tx.Statement
	continued := r.continuedFn
	if len(s.Installments) > 0 && v2(b) {
		f.gap(5)
		f.table(r.installmentsV2(s))
	} else if len(s.Installments) > 0 {
		f.gap(5)
		t := table{heading: ts.InstallmentsHeading, continued: continued,
			cols: cols(colsInstall, []string{ts.ColPlan, ts.ColInstallment, ts.ColDue, ts.ColPaid}, 1, 2, 3)}
		for _, in := range s.Installments {
			t.rows = append(t.rows, row{cells: []string{in.PlanID,
				fill(ts.InstallmentOf, "n", strconv.Itoa(in.Number), "of", strconv.Itoa(in.Of)),
				eur(in.DueCents), eur(in.PaidCents)}})
		}
		t.rows = append(t.rows, row{total: true, cells: []string{ts.InstallmentsTotal, eur(s.InstallmentsCents)}})
		f.table(t)
	}
}

// statementPlans lays out the repairer's plans, if any: schedule, paid, balance.
func (r *Renderer) statementPlans(f *flow, b *sb.Book, s *sb.Statement) {
	ts := &r.tx.Statement
	if plans := b.PlansOf(s.Repairer.ID); len(plans) > 0 {
		f.gap(5)
		f.hold(f.textBlock(ts.PlansHeading, stHeading, 1))
		for i, p := range plans {
			if i > 0 {
				f.gap(3)
			}
			r.planSchedule(f, b, p)
		}
	}
}

// statementTotalsV1 lays out the totals of a statement of a period closed under the rules v1, as
// that version printed them (its documents are reproduced to the byte).
func (r *Renderer) statementTotalsV1(f *flow, s *sb.Statement) {
	ts := &r.tx.Statement
	m := f.m
	rows := []totalsRow{
		{label: ts.TotalGross, amount: eur(s.GrossCents)},
		{label: ts.TotalDeductions, amount: eur(s.DeductionsCents)},
	}
	var notes []string
	if s.OverflowCents > 0 {
		rows = append(rows, totalsRow{label: ts.TotalOverflow, amount: eur(s.OverflowCents)})
		notes = append(notes, fill(ts.OverflowNote, "amount", eur(s.OverflowCents)))
	}
	if s.SpreadCents > 0 {
		rows = append(rows, totalsRow{label: fill(ts.TotalSpread, "plan", sb.PlanID(s.Repairer.ID, s.Period)),
			amount: eur(s.SpreadCents)})
	}
	if s.InvoicedCents > 0 {
		inv := s.InvoiceNumber
		if inv == "" {
			inv = ts.InvoiceDraft
		}
		rows = append(rows, totalsRow{label: fill(ts.TotalInvoiced, "invoice", inv), amount: eur(s.InvoicedCents)})
	}
	if s.InstallmentsCents > 0 || len(s.Installments) > 0 {
		rows = append(rows, totalsRow{label: ts.TotalInstallments, amount: eur(s.InstallmentsCents)})
	}
	rows = append(rows, totalsRow{label: ts.TotalNetHT, amount: eur(s.NetHTCents), rule: true, bold: true})
	if s.Repairer.VATRegime == sb.VATFranchise && s.VATCents == 0 {
		rows = append(rows, totalsRow{label: ts.VATFranchise})
	} else {
		rows = append(rows, totalsRow{label: fill(ts.TotalVAT, "rate", frfmt.FormatBP(s.VATRateBP)), amount: eur(s.VATCents)})
	}
	rows = append(rows, totalsRow{label: ts.TotalNetTTC, amount: eur(s.NetTTCCents), strong: true})
	pay := ts.NoPayment
	if s.NetTTCCents > 0 {
		pay = fill(ts.Payment, "date", r.dateOf(s.PaymentOn))
	}
	notes = append([]string{pay}, notes...)
	r.placeWithMentions(f, m, r.totalsBox(m, ts.TotalsHeading, rows, notes), s.Repairer)
}

// placeWithMentions places the totals and, under them on the same page, the mentions a B2B
// invoice carries (self-billed invoices too): category of the operation, late-payment penalties
// and the 40 € recovery indemnity (art. L441-10 of the Code de commerce), no discount, and the
// repairer's option for VAT on debits when they opted.
func (r *Renderer) placeWithMentions(f *flow, m measurer, totals *block, p sb.Party, before ...string) {
	ts, ti := &r.tx.Statement, &r.tx.Invoice
	lines := []string{ts.Category, fill(ts.LatePayment, "penalty", ti.Penalty, "indemnity", ti.Indemnity), ts.NoDiscount}
	if p.VATOnDebits {
		lines = append(lines, ts.VATOnDebits)
	}
	// one small paragraph under the totals: the statement keeps its length. Its lines are the
	// same on every statement printed with the same font: wrapped once per renderer.
	key := mentionsKey{debits: p.VATOnDebits}
	pd, cacheable := m.(*pdfDoc)
	if cacheable {
		key.core = pd.core
	}
	var wrapped []string
	if v, ok := r.mentions.Load(key); ok && cacheable {
		wrapped = v.([]string)
	} else {
		wrapped = wrap(m, strings.Join(lines, " "), stSmall, contentW, 0, f.ell)
		if cacheable {
			r.mentions.Store(key, wrapped)
		}
	}
	mb := &block{h: 2}
	// what the caller prints first, over the full width (where an overflow went)
	for _, b := range before {
		for _, w := range wrap(m, b, stBody, contentW, 0, f.ell) {
			mb.text(marginL, mb.h, w, stBody)
			mb.h += lineH(stBody)
		}
	}
	if len(before) > 0 {
		mb.h += 1.5
	}
	for _, w := range wrapped {
		mb.text(marginL, mb.h, w, stSmall)
		mb.h += lineH(stSmall)
	}
	f.need(totals.h + mb.h)
	f.put(totals)
	f.put(mb)
}

// planSchedule lays out one plan: its title, its installments with what was paid of each, and
// what remains.
func (r *Renderer) planSchedule(f *flow, b *sb.Book, p sb.Plan) {
	tx := r.tx
	ts := &tx.Statement
	title := fill(ts.PlanTitle, "plan", p.ID, "total", eur(p.TotalCents), "n", strconv.Itoa(p.Months),
		"period_of", periodOf(p.CreatedIn))
	if p.Months >= 1 && p.TotalCents >= 0 {
		t := table{heading: "", continued: func(string) string { return title },
			cols: cols(colsSchedule, []string{ts.ColNumber, ts.ColPeriod, ts.ColScheduled, ts.ColPlanPaid, ts.ColRemaining}, 0, 2, 3, 4)}
		paidLeft := p.PaidCents
		for i, amount := range money.Split(p.TotalCents, p.Months) {
			paid := min(amount, max(paidLeft, 0))
			paidLeft -= paid
			t.rows = append(t.rows, row{cells: []string{strconv.Itoa(i + 1), periodName(p.CreatedIn.AddMonths(i + 1)),
				eur(amount), eur(paid), eur(amount - paid)}})
		}
		// the title goes with the header and the first row
		tb := f.textBlock(title, stBodyB, 2)
		tb.h += 0.5
		f.hold(tb)
		f.table(t)
	} else {
		f.place(f.textBlock(title, stBodyB, 2))
	}
	lines := []string{fill(ts.PlanPaid, "amount", eur(p.PaidCents))}
	if p.IndemnityCents != 0 {
		lines = append([]string{fill(ts.PlanParts, "reduction", eur(p.ReductionCents()), "indemnity", eur(p.IndemnityCents))}, lines...)
	}
	if p.InvoicedCents > 0 {
		inv := ""
		for _, in := range b.Invoices {
			for _, l := range in.Lines {
				if l.Kind == sb.InvoicePlanBalance && l.PlanID == p.ID && !in.DebitNote() {
					inv = r.number(in.Number)
				}
			}
		}
		if inv == "" {
			inv = tx.Common.None
		}
		lines = append(lines, fill(ts.PlanInvoiced, "amount", eur(p.InvoicedCents), "invoice", inv))
	}
	if p.DebitNotedCents > 0 {
		note := tx.Common.None
		for _, in := range b.Invoices {
			for _, l := range in.Lines {
				if l.Kind == sb.InvoicePlanBalance && l.PlanID == p.ID && in.DebitNote() {
					note = r.number(in.Number)
				}
			}
		}
		lines = append(lines, fill(ts.PlanDebitNoted, "amount", eur(p.DebitNotedCents), "note", note))
	}
	lines = append(lines, fill(ts.PlanBalance, "amount", eur(p.BalanceCents())))
	if !p.ClosedIn.IsZero() {
		lines = append(lines, fill(ts.PlanClosed, "period_of", periodOf(p.ClosedIn)))
	}
	f.gap(1)
	for _, l := range lines {
		f.para(marginL, contentW, l, stBody)
	}
}

// textBlock is a block of one text wrapped over the content width, at most maxLines lines.
func (f *flow) textBlock(s string, st style, maxLines int) *block {
	b := &block{}
	for _, l := range wrap(f.m, s, st, contentW, maxLines, f.ell) {
		b.text(marginL, b.h, l, st)
		b.h += lineH(st)
	}
	b.h += 1
	return b
}
