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

// DocKind is the kind of one of the network's own documents to a repairer.
type DocKind int

// The network's documents.
const (
	KindInvoice   DocKind = iota + 1 // FAC-…: re-invoiced SAV costs, with VAT
	KindDebitNote                    // NDD-…: indemnities, outside the scope of VAT
)

// Document is an invoice or a debit note of the network to a repairer, issued in the period. It
// bills the period's overflow (OverflowHT: the reduction overflow on an invoice, the indemnity
// overflow on a debit note) and/or the balances of plans closed in the period (PlanBalanceHT).
// VAT is zero on a debit note.
type Document struct {
	Kind          DocKind
	Number        string
	Date          time.Time
	Repairer      Repairer
	OverflowHT    int64
	PlanBalanceHT int64
	VAT           int64
}

// Statement is one repairer's statement of the period, with the figures of its computation
// (domain.md, "The statement of one repairer"), all int64 cents:
//
//	G  = Commissions; R = Reductions (< 0: a refund); Or = ReductionOverflow
//	paid_r = InstallmentReductions; Net HT; VAT; Net TTC
//	M  = Indemnities (< 0: a refund); Om = IndemnityOverflow
//	paid_m = InstallmentIndemnities; Payable (the « Net à payer »)
//
// Number is the REL- or RDC- number, Date its date. The overflow Or + Om goes onto the plan the
// close created (PlanID), unless OverflowInvoiced: then onto the period's invoice (Or) and
// debit note (Om) of that repairer.
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

	OverflowInvoiced bool
	PlanID           string
}

// OpeningKind is the kind of a balance carried from before the first accounting file.
type OpeningKind int

// The balances carried from before (à-nouveaux).
const (
	OpeningPlan      OpeningKind = iota + 1 // the balance of a plan (receivable on a plan)
	OpeningInvoice                          // an invoice of the network, TTC
	OpeningDebitNote                        // a debit note of the network
)

// Opening is one balance carried from before: Ref and Date name its document (the plan, or the
// invoice or debit note), Amount is what is still owed.
type Opening struct {
	Repairer Repairer
	Kind     OpeningKind
	Ref      string
	Date     time.Time
	Amount   int64
}

// Period is what the accounting file of one closed period books: its statements, the network's
// invoices and debit notes, and (in the first file only) the balances carried from before. LastDay is the
// period's last day (every entry's EcritureDate); Validated is the close's date (ValidDate).
type Period struct {
	LastDay    time.Time
	Validated  time.Time
	Statements []Statement
	Documents  []Document
	Opening    []Opening
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
	return nil
}

// check verifies a document's figures; an error names it.
func (d Document) check() error {
	if d.Number == "" || d.Date.IsZero() || d.Repairer.ID <= 0 {
		return fmt.Errorf("document %q of repairer %d: number, date and repairer are required", d.Number, d.Repairer.ID)
	}
	if !inRange(d.OverflowHT, d.PlanBalanceHT, d.VAT) || d.OverflowHT < 0 || d.PlanBalanceHT < 0 || d.VAT < 0 || d.OverflowHT+d.PlanBalanceHT == 0 {
		return fmt.Errorf("document %s: amounts must be ≥ 0 with something billed (overflow %d, plan balances %d, VAT %d)", d.Number, d.OverflowHT, d.PlanBalanceHT, d.VAT)
	}
	switch d.Kind {
	case KindInvoice:
	case KindDebitNote:
		if d.VAT != 0 {
			return fmt.Errorf("debit note %s: VAT %d; an indemnity is outside the scope of VAT", d.Number, d.VAT)
		}
	default:
		return fmt.Errorf("document %s: unknown kind %d", d.Number, d.Kind)
	}
	return nil
}
