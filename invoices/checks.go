package invoices

import (
	"errors"
	"fmt"
	"math"
	"strings"

	sb "savbilling"
	"savbilling/money"
)

// --- checks: a ledger that does not add up is a bug; never print it as an invoice ---

// checkStatement checks that the statement's totals agree with its lines and the rulebook's
// formula.
func checkStatement(b *sb.Book, s *sb.Statement) error {
	if v2(b) {
		return checkStatementV2(b, s)
	}
	// Every sum is checked: a total that wrapped around int64 is never printed.
	var g, d, paid int64
	var errs []error
	for _, c := range s.Commissions {
		g, errs = add(g, c.AmountCents, errs)
	}
	for _, l := range s.SAV {
		d, errs = add(d, l.AmountCents, errs)
	}
	for _, i := range s.Installments {
		paid, errs = add(paid, i.PaidCents, errs)
	}
	avail, errs := sub(s.GrossCents, s.DeductionsCents, errs)
	over := int64(0)
	if avail < 0 {
		avail, over = 0, -avail
	}
	net, errs := sub(s.AvailableCents, s.InstallmentsCents, errs)
	ttc, errs := add(s.NetHTCents, s.VATCents, errs)
	if len(errs) > 0 {
		return fmt.Errorf("the ledger does not add up: statement %s: %w", s.Number, errs[0])
	}
	vat, err := money.Share(s.NetHTCents, s.VATRateBP)
	if err != nil {
		return err
	}
	checks := []total{
		{"commissions (G)", s.GrossCents, g},
		{"SAV deductions (D)", s.DeductionsCents, d},
		{"installments paid", s.InstallmentsCents, paid},
		{"available (A)", s.AvailableCents, avail},
		{"overflow (O)", s.OverflowCents, over},
		{"net HT", s.NetHTCents, net},
		{"VAT", s.VATCents, vat},
		{"net TTC", s.NetTTCCents, ttc},
	}
	if s.NetHTCents < 0 {
		return fmt.Errorf("the ledger does not add up: net HT is negative (%d)", s.NetHTCents)
	}
	return agree(b, s, checks)
}

// total is one of a statement's booked totals (got) and what its lines give (want).
type total struct {
	what      string
	got, want int64
}

// agree checks, for a statement of either rules, that every total is what its lines give, that
// an issued statement has a valid number and that the book names its issuer.
func agree(b *sb.Book, s *sb.Statement, totals []total) error {
	for _, c := range totals {
		if c.got != c.want {
			return fmt.Errorf("the ledger does not add up: %s is %d, its lines give %d", c.what, c.got, c.want)
		}
	}
	if !b.Draft && !validNumber(s.Number) {
		return fmt.Errorf("repairer %d: no valid number (%q)", s.Repairer.ID, s.Number)
	}
	if strings.TrimSpace(b.Issuer.Name) == "" {
		return errors.New("the book has no issuer name")
	}
	return nil
}

// checkInvoice checks that the invoice's totals agree with its lines.
func checkInvoice(b *sb.Book, inv *sb.Invoice) error {
	var ht int64
	var errs []error
	for _, l := range inv.Lines {
		ht, errs = add(ht, l.AmountCents, errs)
	}
	ttc, errs := add(inv.HTCents, inv.VATCents, errs)
	if len(errs) > 0 {
		return fmt.Errorf("the ledger does not add up: invoice %s: %w", inv.Number, errs[0])
	}
	vat, err := money.Share(inv.HTCents, inv.VATRateBP)
	if err != nil {
		return err
	}
	if inv.DebitNote() && (inv.VATRateBP != 0 || inv.VATCents != 0) {
		return fmt.Errorf("the ledger does not add up: debit note %s carries VAT", inv.Number)
	}
	if vat != inv.VATCents {
		return fmt.Errorf("the ledger does not add up: TVA is %d, HT × rate gives %d", inv.VATCents, vat)
	}
	if ht != inv.HTCents {
		return fmt.Errorf("the ledger does not add up: HT is %d, its lines give %d", inv.HTCents, ht)
	}
	if inv.TTCCents != ttc {
		return fmt.Errorf("the ledger does not add up: TTC %d ≠ HT %d + TVA %d", inv.TTCCents, inv.HTCents, inv.VATCents)
	}
	if !b.Draft && !validNumber(inv.Number) {
		return fmt.Errorf("repairer %d: no valid number (%q)", inv.Repairer.ID, inv.Number)
	}
	if strings.TrimSpace(b.Issuer.Name) == "" {
		return errors.New("the book has no issuer name")
	}
	return nil
}

// add is a + b, checked: on overflow it returns a and appends the error to errs.
func add(a, b int64, errs []error) (int64, []error) {
	s, err := money.Add(a, b)
	if err != nil {
		return a, append(errs, err)
	}
	return s, errs
}

// sub is a − b, checked like add.
func sub(a, b int64, errs []error) (int64, []error) {
	if b == math.MinInt64 {
		return a, append(errs, money.ErrOverflow)
	}
	return add(a, -b, errs)
}

// validNumber reports whether a document number is non-empty and safe as a file name.
func validNumber(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for _, c := range []byte(n) {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
