package invoices

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	sb "savbilling"
	"savbilling/einvoice"
	"savbilling/frfmt"
)

// The e-invoices of a closed period (docs/einvoice.md, "Rules chosen"): the mapping from the
// booked ledger to the einvoice model. Everything comes from the book and the statement or
// invoice as booked (the identities frozen on them, the issuer frozen on the period), so that a
// render of a closed period gives the same XML, hence the same PDF, as its close.

// EInvoiceDir is the folder, inside a period's folder, of the e-invoices' XML written alone:
// einvoices/<number>.xml.
const EInvoiceDir = "einvoices"

// EInvoicePath is the path of a document's XML relative to the period's folder.
func EInvoicePath(number string) string { return EInvoiceDir + "/" + number + ".xml" }

// StatementIsEInvoice reports whether statement s of b is an e-invoice: a self-billed
// statement (REL-, not a statement of account) of a period closed under an e-invoice version.
// It reads the number alone (a statement read with store.NumbersOnly knows nothing else).
func StatementIsEInvoice(b *sb.Book, s *sb.Statement) bool {
	return b.EInvoices() && !s.Account && strings.HasPrefix(s.Number, "REL-")
}

// InvoiceIsEInvoice reports whether inv of b is an e-invoice: an invoice FAC- (not a debit
// note) of a period closed under an e-invoice version.
func InvoiceIsEInvoice(b *sb.Book, inv *sb.Invoice) bool {
	return b.EInvoices() && !inv.DebitNote()
}

// RepairerParty is the e-invoice party of a repairer's frozen identity (Party.EInvoiceParty).
func RepairerParty(p sb.Party) einvoice.Party { return p.EInvoiceParty() }

// IssuerParty is the e-invoice party of the network (Issuer.EInvoiceParty).
func IssuerParty(is sb.Issuer) einvoice.Party { return is.EInvoiceParty() }

// legalNotes are the notes every e-invoice carries (BR-FR-05): B2B, the recovery indemnity, the
// late-payment penalties, no discount; with the texts the PDF prints.
func (r *Renderer) legalNotes() []einvoice.Note {
	ti := &r.tx.Invoice
	return []einvoice.Note{
		{Subject: einvoice.NoteBAR, Text: "B2B"},
		{Subject: einvoice.NotePMT, Text: upperFirst(ti.Indemnity) + "."},
		{Subject: einvoice.NotePMD, Text: ti.Penalty + "."},
		{Subject: einvoice.NoteAAB, Text: ti.NoDiscount},
	}
}

func upperFirst(s string) string {
	for i, c := range s {
		if c >= 'a' && c <= 'z' {
			return s[:i] + string(c-'a'+'A') + s[i+1:]
		}
		return s
	}
	return s
}

// periodDays are the first and last days of the period (BG-14), as calendar dates.
func periodDays(p sb.Period) (time.Time, time.Time) {
	return sb.Date(p.Year, p.Month, 1), sb.Date(p.Year, p.Month+1, 0)
}

// vatOf is the VAT category of a rate: S at that rate, or E (franchise en base) at 0.
func vatOf(rateBP int) einvoice.VAT {
	if rateBP == 0 {
		return einvoice.Franchise
	}
	return einvoice.VAT{Category: "S", RateBP: int64(rateBP)}
}

// StatementEInvoice is the e-invoice of a self-billed statement (type 389): the repairer sells,
// the network buys; one line per commission (listed: s must be read with its lines), a line of
// the net refund of earlier reductions when R < 0, the reductions applied as allowances, the
// indemnities set off as the amount already settled (BT-113), so that the amount due (BT-115)
// is the Net à payer. It refuses a statement that is not an e-invoice or whose lines are not
// listed.
func (r *Renderer) StatementEInvoice(b *sb.Book, s *sb.Statement) (*einvoice.Document, error) {
	if !StatementIsEInvoice(b, s) {
		return nil, fmt.Errorf("statement %s is not an e-invoice (a draft, a statement of account, or a period closed before e-invoices)", s.Number)
	}
	if s.UnlistedLines > 0 {
		return nil, fmt.Errorf("statement %s: %d commission lines not listed: read it with its lines", s.Number, s.UnlistedLines)
	}
	ts := &r.tx.Statement
	start, end := periodDays(s.Period)
	d := &einvoice.Document{
		Number: s.Number, Type: einvoice.SelfBilled, IssueDate: s.IssuedOn, PeriodStart: start, PeriodEnd: end,
		Seller: RepairerParty(s.Repairer), Buyer: IssuerParty(b.Issuer),
		VAT: vatOf(s.VATRateBP), DueDate: s.PaymentOn,
	}
	d.Notes = append(r.legalNotes(), einvoice.Note{Subject: einvoice.NoteREG,
		Text: fill(ts.SelfBilling, "network", clean(b.Issuer.Name, false), "repairer", clean(s.Repairer.Name, false)) + "."})
	if d.VAT.Category == "E" {
		d.Notes = append(d.Notes, einvoice.Note{Subject: einvoice.NoteTXD, Text: einvoice.Franchise.Exemption})
	}
	if len(s.Commissions) > 0 {
		d.Lines = make([]einvoice.Line, 0, len(s.Commissions)+1)
	}
	var buf []byte // a line's texts, built in one buffer: a statement has hundreds of lines
	for _, c := range s.Commissions {
		if c.AmountCents == 0 { // nothing billed (BR-FR-DEC-03: every line above zero)
			continue
		}
		if c.AmountCents < 0 {
			return nil, fmt.Errorf("statement %s: intervention %d: negative commission %d cents", s.Number, c.InterventionID, c.AmountCents)
		}
		// ID: the intervention; Name: « Commission intervention <id> »; Description:
		// « <day>, <city>, <services> » (no city when it has none; « <n> opération(s) » without
		// services, as the statement)
		buf = append(buf[:0], "Commission intervention "...)
		buf = strconv.AppendInt(buf, c.InterventionID, 10)
		name := string(buf)
		id := name[len("Commission intervention "):]
		buf = sb.DayIn(c.ClosedAt, sb.Paris).AppendFormat(buf[:0], time.DateOnly)
		if city := clean(c.City, false); city != "" {
			buf = append(append(buf, ", "...), city...)
		}
		buf = append(buf, ", "...)
		if services := clean(c.Services, false); services != "" {
			buf = append(buf, services...)
		} else { // as before migration 80, whatever the texts
			buf = strconv.AppendInt(buf, int64(c.Operations), 10)
			buf = append(buf, " opération"...)
			if c.Operations > 1 {
				buf = append(buf, 's')
			}
		}
		d.Lines = append(d.Lines, einvoice.Line{ID: id, Name: name, Description: string(buf), AmountCents: c.AmountCents})
	}
	if s.ReductionsCents < 0 {
		d.Lines = append(d.Lines, einvoice.Line{ID: "R", Name: "Remboursement net de réductions SAV antérieures", AmountCents: -s.ReductionsCents})
	}
	if s.ReductionsCents > 0 {
		if a := min(s.ReductionsCents, s.GrossCents); a > 0 {
			d.Allowances = append(d.Allowances, einvoice.Allowance{Reason: "Réductions SAV de la période", AmountCents: a})
		}
	}
	if paid := s.InstallmentsReductionCents(); paid > 0 {
		d.Allowances = append(d.Allowances, einvoice.Allowance{Reason: "Échéances de plan, part réductions", AmountCents: paid})
	}
	due := min(s.NetTTCCents, s.PayableCents)
	d.PrepaidCents = s.NetTTCCents - due
	if d.PrepaidCents > 0 {
		text := "Montant déjà réglé par compensation : " + frfmt.FormatEUR(d.PrepaidCents) + " d'indemnités SAV (hors TVA"
		if s.DebitNoteNumber != "" {
			text += ", note de débit " + s.DebitNoteNumber
		}
		text += ") ; net à payer " + frfmt.FormatEUR(due) + "."
		d.Notes = append(d.Notes, einvoice.Note{Subject: einvoice.NoteAAI, Text: text})
	}
	d.PaymentTerms = ts.NoPayment
	if due > 0 {
		d.PaymentTerms = fill(ts.PayablePayment, "date", r.dateOf(s.PaymentOn))
	}
	if sb.IBANValid(s.Repairer.IBAN) {
		d.PayeeIBAN = compactIBAN(s.Repairer.IBAN)
	}
	d.Expect = &einvoice.Expected{NetHTCents: s.NetHTCents, VATCents: s.VATCents, NetTTCCents: s.NetTTCCents, DueCents: due}
	return d, nil
}

// InvoiceEInvoice is the e-invoice of a network invoice FAC- (type 380): the network sells, the
// repairer buys; one line per invoice line, VAT at the invoice's rate, the whole total due.
func (r *Renderer) InvoiceEInvoice(b *sb.Book, inv *sb.Invoice) (*einvoice.Document, error) {
	if !InvoiceIsEInvoice(b, inv) {
		return nil, fmt.Errorf("invoice %s is not an e-invoice (a draft, a debit note, or a period closed before e-invoices)", inv.Number)
	}
	ti := &r.tx.Invoice
	start, end := periodDays(inv.Period)
	d := &einvoice.Document{
		Number: inv.Number, Type: einvoice.Commercial, IssueDate: inv.IssuedOn, PeriodStart: start, PeriodEnd: end,
		Seller: IssuerParty(b.Issuer), Buyer: RepairerParty(inv.Repairer),
		Notes: r.legalNotes(), VAT: vatOf(inv.VATRateBP), DueDate: inv.DueOn,
	}
	if d.VAT.Category == "E" {
		return nil, errors.New("invoice " + inv.Number + ": an invoice of the network bears VAT")
	}
	statement := ""
	if inv.Statement != nil {
		statement = inv.Statement.Number
	}
	for i, l := range inv.Lines {
		name := fill(ti.LineOverflow, "statement", statement)
		if l.Kind == sb.InvoicePlanBalance {
			name = fill(ti.LinePlanBalance, "plan", l.PlanID)
		}
		if l.AmountCents <= 0 {
			return nil, fmt.Errorf("invoice %s: line %d of %d cents", inv.Number, i+1, l.AmountCents)
		}
		d.Lines = append(d.Lines, einvoice.Line{ID: strconv.Itoa(i + 1), Name: name, AmountCents: l.AmountCents})
	}
	days := ""
	if !inv.IssuedOn.IsZero() && !inv.DueOn.IsZero() {
		days = strconv.Itoa(int(sb.DayIn(inv.DueOn, sb.Paris).Sub(sb.DayIn(inv.IssuedOn, sb.Paris)).Hours() / 24))
	}
	d.PaymentTerms = fill(ti.DueTerms, "days", days, "date", r.dateOf(inv.DueOn))
	if sb.IBANValid(b.Issuer.IBAN) {
		d.PayeeIBAN = compactIBAN(b.Issuer.IBAN)
	}
	d.Expect = &einvoice.Expected{NetHTCents: inv.HTCents, VATCents: inv.VATCents, NetTTCCents: inv.TTCCents, DueCents: inv.TTCCents}
	return d, nil
}

// compactIBAN is an IBAN without spaces, in upper case.
func compactIBAN(iban string) string {
	out := make([]byte, 0, len(iban))
	for i := 0; i < len(iban); i++ {
		c := iban[i]
		switch {
		case c == ' ':
		case c >= 'a' && c <= 'z':
			out = append(out, c-'a'+'A')
		default:
			out = append(out, c)
		}
	}
	return string(out)
}
