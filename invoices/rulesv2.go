package invoices

import (
	"fmt"
	"strconv"

	sb "savbilling"
	"savbilling/frfmt"
	"savbilling/money"
)

// v2 reports whether the book was closed under the rules of 2026-12 (docs/rules.md): its
// statements show the invoice part apart from the settlement part. A book of the rules v1 prints
// as v1 printed it, so that its issued documents are reproduced to the byte.
func v2(b *sb.Book) bool { return b.RulesVersion >= sb.RulesV2 }

// colsInstallV2 are the widths of the installments table under the rules v2.
var colsInstallV2 = []float64{50, 20, 36, 37, 37}

// checkStatementV2 checks a statement of the rules v2 against its lines and the formula: G − R
// − paid_r = Net HT → VAT → Net TTC; Net TTC − M − paid_m = Payable; each overflow per side.
func checkStatementV2(b *sb.Book, s *sb.Statement) error {
	var g, r, m, paid, paidM int64
	var errs []error
	for _, c := range s.Commissions {
		g, errs = add(g, c.AmountCents, errs)
	}
	for _, l := range s.SAV {
		if l.Type.Indemnity() {
			m, errs = add(m, l.AmountCents, errs)
		} else {
			r, errs = add(r, l.AmountCents, errs)
		}
	}
	for _, i := range s.Installments {
		paid, errs = add(paid, i.PaidCents, errs)
		paidM, errs = add(paidM, i.PaidIndemnityCents, errs)
	}
	d, errs := add(r, m, errs)
	avail, errs := sub(s.GrossCents, s.ReductionsCents, errs)
	overR := int64(0)
	if avail < 0 {
		avail, overR = 0, -avail
	}
	net, errs := sub(s.AvailableCents, s.InstallmentsReductionCents(), errs)
	ttc, errs := add(s.NetHTCents, s.VATCents, errs)
	pay, errs := sub(s.NetTTCCents, s.IndemnitiesCents, errs)
	overM := int64(0)
	if pay < 0 {
		pay, overM = 0, -pay
	}
	pay, errs = sub(pay, s.InstallmentsIndemnityCents, errs)
	over, errs := add(overR, overM, errs)
	if len(errs) > 0 {
		return fmt.Errorf("the ledger does not add up: statement %s: %w", s.Number, errs[0])
	}
	vat, err := money.Share(s.NetHTCents, s.VATRateBP)
	if err != nil {
		return err
	}
	checks := []total{
		{"commissions (G)", s.GrossCents, g},
		{"reductions (R)", s.ReductionsCents, r},
		{"indemnities (M)", s.IndemnitiesCents, m},
		{"SAV deductions (D)", s.DeductionsCents, d},
		{"installments paid", s.InstallmentsCents, paid},
		{"installments paid, indemnity part", s.InstallmentsIndemnityCents, paidM},
		{"available (B)", s.AvailableCents, avail},
		{"reduction overflow (Or)", s.ReductionOverflowCents, overR},
		{"indemnity overflow (Om)", s.IndemnityOverflowCents, overM},
		{"overflow (O)", s.OverflowCents, over},
		{"net HT", s.NetHTCents, net},
		{"VAT", s.VATCents, vat},
		{"net TTC", s.NetTTCCents, ttc},
		{"net à payer", s.PayableCents, pay},
	}
	if s.NetHTCents < 0 || s.PayableCents < 0 {
		return fmt.Errorf("the ledger does not add up: net HT %d, net à payer %d", s.NetHTCents, s.PayableCents)
	}
	return agree(b, s, checks)
}

// installmentsV2 is the table of the installments taken this period, each with its reduction part
// (taken before VAT) and its indemnity part (taken after VAT).
func (r *Renderer) installmentsV2(s *sb.Statement) table {
	ts := &r.tx.Statement
	t := table{heading: ts.InstallmentsHeading, continued: r.continuedFn,
		cols: cols(colsInstallV2, []string{ts.ColPlan, ts.ColInstallment, ts.ColDue, ts.ColPaidReduction, ts.ColPaidIndemnity}, 1, 2, 3, 4)}
	for _, in := range s.Installments {
		t.rows = append(t.rows, row{cells: []string{in.PlanID,
			fill(ts.InstallmentOf, "n", strconv.Itoa(in.Number), "of", strconv.Itoa(in.Of)),
			eur(in.DueCents), eur(in.PaidReductionCents()), eur(in.PaidIndemnityCents)}})
	}
	t.rows = append(t.rows, row{total: true, cells: []string{ts.InstallmentsTotal, eur(s.InstallmentsCents)}})
	return t
}

// statementTotalsV2 lays out the totals of a statement of the rules v2 in two parts: the invoice
// (commissions, reductions, Net HT, VAT, Net TTC: the self-billed invoice ends there; for a
// statement of account, the account of the period), then below it the settlement (indemnities set
// off after VAT, installments' indemnity parts, the Net à payer), and where each overflow went.
func (r *Renderer) statementTotalsV2(f *flow, b *sb.Book, s *sb.Statement) {
	ts := &r.tx.Statement
	m := f.m
	heading := ts.InvoiceHeading
	if s.Account {
		heading = ts.AccountHeading
	}
	rows := []totalsRow{
		{label: ts.TotalGross, amount: eur(s.GrossCents)},
		{label: ts.TotalReductions, amount: eur(s.ReductionsCents)},
	}
	var notes []string
	if s.ReductionOverflowCents > 0 {
		rows = append(rows, totalsRow{label: ts.TotalReductionOverflow, amount: eur(s.ReductionOverflowCents)})
	}
	if s.InstallmentsReductionCents() > 0 {
		rows = append(rows, totalsRow{label: ts.TotalInstallmentsReduction, amount: eur(s.InstallmentsReductionCents())})
	}
	rows = append(rows, totalsRow{label: ts.TotalNetHT, amount: eur(s.NetHTCents), rule: true, bold: true})
	if s.Repairer.VATRegime == sb.VATFranchise && s.VATCents == 0 {
		rows = append(rows, totalsRow{label: ts.VATFranchise})
	} else {
		rows = append(rows, totalsRow{label: fill(ts.TotalVAT, "rate", frfmt.FormatBP(s.VATRateBP)), amount: eur(s.VATCents)})
	}
	rows = append(rows, totalsRow{label: ts.TotalNetTTC, amount: eur(s.NetTTCCents), strong: true})
	if s.ReductionOverflowCents > 0 {
		notes = append(notes, fill(ts.ReductionOverflowNote, "amount", eur(s.ReductionOverflowCents)))
	}
	f.place(r.totalsBox(m, heading, rows, notes))

	f.gap(4)
	rows = []totalsRow{
		{label: ts.TotalNetTTC, amount: eur(s.NetTTCCents)},
		{label: ts.TotalIndemnities, amount: eur(s.IndemnitiesCents)},
	}
	if s.IndemnityOverflowCents > 0 {
		rows = append(rows, totalsRow{label: ts.TotalIndemnityOverflow, amount: eur(s.IndemnityOverflowCents)})
	}
	if s.InstallmentsIndemnityCents > 0 {
		rows = append(rows, totalsRow{label: ts.TotalInstallmentsIndemnity, amount: eur(s.InstallmentsIndemnityCents)})
	}
	if s.SpreadCents > 0 {
		rows = append(rows, totalsRow{label: fill(ts.TotalSpread, "plan", sb.PlanID(s.Repairer.ID, s.Period)),
			amount: eur(s.SpreadCents)})
	}
	if fac := s.InvoicedCents - s.DebitNotedCents; fac > 0 {
		inv := s.InvoiceNumber
		if inv == "" {
			inv = ts.InvoiceDraft
		}
		rows = append(rows, totalsRow{label: fill(ts.TotalInvoiced, "invoice", inv), amount: eur(fac)})
	}
	if s.DebitNotedCents > 0 {
		note := s.DebitNoteNumber
		if note == "" {
			note = ts.NoteDraft
		}
		rows = append(rows, totalsRow{label: fill(ts.TotalDebitNoted, "note", note), amount: eur(s.DebitNotedCents)})
	}
	rows = append(rows, totalsRow{label: ts.TotalPayable, amount: eur(s.PayableCents), rule: true, strong: true})
	pay := ts.NoPayment
	if s.PayableCents > 0 {
		pay = fill(ts.PayablePayment, "date", r.dateOf(s.PaymentOn))
	}
	notes = []string{pay}
	if s.IndemnityOverflowCents > 0 {
		notes = append(notes, fill(ts.IndemnityOverflowNote, "amount", eur(s.IndemnityOverflowCents)))
	}
	if s.IndemnitiesCents != 0 || s.InstallmentsIndemnityCents != 0 || s.IndemnityOverflowCents != 0 {
		notes = append(notes, ts.IndemnityNote)
	}
	r.placeWithMentions(f, m, r.totalsBox(m, ts.SettlementHeading, rows, notes), s.Repairer, r.owed(b, s)...)
}
