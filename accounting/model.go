package accounting

import (
	"fmt"
	"time"
)

// Repairer names the auxiliary account of a repairer.
type Repairer struct {
	ID   int64
	Name string
}

// Document is one of the network's own documents to a repairer: an invoice (FAC-…, HT and VAT)
// or a debit note (NDD-…, VAT zero).
type Document struct {
	Number string
	Date   time.Time
	HT     int64
	VAT    int64
}

// Statement is one repairer's statement of the period, with the figures of its computation
// (domain.md, "The statement of one repairer"), all int64 cents:
//
//	G  = Commissions; R = Reductions (< 0: a refund); Or = ReductionOverflow
//	paid_r = InstallmentReductions; Net HT; VAT; Net TTC
//	M  = Indemnities (< 0: a refund); Om = IndemnityOverflow
//	paid_m = InstallmentIndemnities; Payable (the « Net à payer »)
//
// An overflow part goes to OverflowInvoice (Or) or OverflowDebitNote (Om) when the close
// invoiced it, else onto the plan it created. Number is the REL- or RDC- number, Date its date.
type Statement struct {
	Number   string
	Date     time.Time
	Repairer Repairer

	Commissions           int64
	Reductions            int64
	ReductionOverflow     int64
	InstallmentReductions int64
	NetHT                 int64
	VAT                   int64
	NetTTC                int64

	Indemnities            int64
	IndemnityOverflow      int64
	InstallmentIndemnities int64
	Payable                int64

	OverflowInvoice   *Document
	OverflowDebitNote *Document
}

// PlanClosure is a plan closed in the period (2 × n periods old, or its repairer inactive): its
// reduction balance on Invoice (HT = that balance), its indemnity balance on DebitNote.
type PlanClosure struct {
	Repairer  Repairer
	Invoice   *Document
	DebitNote *Document
}

// OpeningKind is the kind of a balance carried from before the first accounting file.
type OpeningKind int

// The balances carried from before (à-nouveaux).
const (
	OpeningPlan      OpeningKind = iota + 1 // the balance of a plan (receivable on a plan)
	OpeningInvoice                          // an invoice of the network, TTC
	OpeningDebitNote                        // a debit note of the network
)

// Opening is one balance carried from before: Ref and Date name its document (the statement
// that created the plan, or the invoice or debit note), Amount is what is still owed.
type Opening struct {
	Repairer Repairer
	Kind     OpeningKind
	Ref      string
	Date     time.Time
	Amount   int64
}

// Period is what the accounting file of one closed period books: its statements, the plans it
// closed, and (in the first file only) the balances carried from before. LastDay is the
// period's last day (every entry's EcritureDate); Validated is the close's date (ValidDate).
type Period struct {
	LastDay      time.Time
	Validated    time.Time
	Statements   []Statement
	PlanClosures []PlanClosure
	Opening      []Opening
}

// maxAbs bounds every amount (10^15 cents, ten thousand billion euros) so that the sums of one
// statement cannot overflow int64.
const maxAbs = 1_000_000_000_000_000

func inRange(vs ...int64) bool {
	for _, v := range vs {
		if v > maxAbs || v < -maxAbs {
			return false
		}
	}
	return true
}

// check verifies that the statement's figures obey the computation of domain.md, so that the
// entries made from them balance and reconcile; an error names the statement and the figure.
func (s Statement) check() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("statement %s (repairer %d): %s: the ledger's figures are inconsistent, fix the close before booking", s.Number, s.Repairer.ID, fmt.Sprintf(format, a...))
	}
	if s.Number == "" || s.Date.IsZero() || s.Repairer.ID <= 0 {
		return fmt.Errorf("statement %q of repairer %d: number, date and repairer are required", s.Number, s.Repairer.ID)
	}
	if !inRange(s.Commissions, s.Reductions, s.ReductionOverflow, s.InstallmentReductions, s.NetHT, s.VAT, s.NetTTC,
		s.Indemnities, s.IndemnityOverflow, s.InstallmentIndemnities, s.Payable) {
		return bad("an amount is beyond 10^15 cents")
	}
	for name, v := range map[string]int64{"commissions": s.Commissions, "reduction overflow": s.ReductionOverflow,
		"installments (reductions)": s.InstallmentReductions, "VAT": s.VAT, "indemnity overflow": s.IndemnityOverflow,
		"installments (indemnities)": s.InstallmentIndemnities, "payable": s.Payable} {
		if v < 0 {
			return bad("%s %d is negative", name, v)
		}
	}
	b := s.Commissions - s.Reductions
	wantOr := max(0, -b)
	if s.ReductionOverflow != wantOr {
		return bad("reduction overflow %d, want %d (G − R = %d)", s.ReductionOverflow, wantOr, b)
	}
	if want := max(0, b) - s.InstallmentReductions; s.NetHT != want || want < 0 {
		return bad("net HT %d, want %d", s.NetHT, want)
	}
	if s.NetTTC != s.NetHT+s.VAT {
		return bad("net TTC %d ≠ net HT %d + VAT %d", s.NetTTC, s.NetHT, s.VAT)
	}
	p := s.NetTTC - s.Indemnities
	if want := max(0, -p); s.IndemnityOverflow != want {
		return bad("indemnity overflow %d, want %d (net TTC − M = %d)", s.IndemnityOverflow, want, p)
	}
	if want := max(0, p) - s.InstallmentIndemnities; s.Payable != want {
		return bad("payable %d, want %d", s.Payable, want)
	}
	if d := s.OverflowInvoice; d != nil {
		if d.HT != s.ReductionOverflow || d.HT <= 0 || d.VAT < 0 || d.Number == "" || d.Date.IsZero() || !inRange(d.VAT) {
			return bad("overflow invoice %q: HT %d must equal the reduction overflow %d, with a number and a date", d.Number, d.HT, s.ReductionOverflow)
		}
	}
	if d := s.OverflowDebitNote; d != nil {
		if d.HT != s.IndemnityOverflow || d.HT <= 0 || d.VAT != 0 || d.Number == "" || d.Date.IsZero() {
			return bad("overflow debit note %q: amount %d must equal the indemnity overflow %d, no VAT, with a number and a date", d.Number, d.HT, s.IndemnityOverflow)
		}
	}
	return nil
}
