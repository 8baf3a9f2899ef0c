package reconcile

import (
	"slices"
	"time"

	sb "savbilling"
)

// WholeRule is the rule of an intervention the rules book whole, with its constants: the one
// definition that commission (the rules) and the store's summing pass (store/summed*.go, which
// books at once the lines of the interventions the rules are bound to book whole) both use. The
// rules run the checks of CommissionChecks; the store builds its SQL and its Go checks from the
// fields and methods of Whole, so that what it sums stays a subset of what the rules book whole.
type WholeRule struct {
	// Kinds are the interventions.kind codes booked, exactly (case and spaces included).
	Kinds []string
	// Status is the interventions.status code of an intervention that may be booked, exactly.
	Status string
	// VATRegimes are the repairers.vat_regime codes a statement can handle, exactly.
	VATRegimes []string
	// EarliestClosed is the earliest plausible interventions.closed_at (on or after it).
	EarliestClosed time.Time
	// MaxAmountCents bounds an operation's commission and price (0..MaxAmountCents cents).
	MaxAmountCents int64
}

// Whole is the rule the rules apply: kind standard or sav, status closed, a repairer with a
// standard or franchise VAT regime, closed on or after savbilling.EarliestDate, amounts within
// 0..savbilling.MaxAmountCents.
var Whole = WholeRule{
	Kinds:          []string{sb.KindStandard, sb.KindSAV},
	Status:         sb.StatusClosed,
	VATRegimes:     []string{sb.VATStandard, sb.VATFranchise},
	EarliestClosed: sb.EarliestDate,
	MaxAmountCents: sb.MaxAmountCents,
}

// Kind reports whether an intervention of kind k may be booked (check "kind").
func (w WholeRule) Kind(k string) bool { return slices.Contains(w.Kinds, k) }

// Regime reports whether a statement can handle a repairer of VAT regime v.
func (w WholeRule) Regime(v string) bool { return slices.Contains(w.VATRegimes, v) }

// Repairer reports whether the interventions of r may be booked whole as far as r is concerned:
// no defect in its row, a VAT regime a statement can handle (check "repairer"), and an identity
// that makes a valid e-invoice (else the rules hold r's statement, its interventions unbooked).
func (w WholeRule) Repairer(r sb.Repairer) bool {
	if r.Defect != nil || !w.Regime(r.VATRegime) {
		return false
	}
	_, billable := r.Identity().CheckEInvoice()
	return billable
}

// Closed reports whether an intervention closed at t is plausible (check "closed"): on or after
// EarliestClosed. The end of the period is the store's scope, not a hold.
func (w WholeRule) Closed(t time.Time) bool { return !t.Before(w.EarliestClosed) }

// Late reports whether a line closed at t is booked late in a close whose LateBefore is
// lateBefore (zero: none is).
func (w WholeRule) Late(t, lateBefore time.Time) bool {
	return !lateBefore.IsZero() && t.Before(lateBefore)
}

// CommissionChecks are the names of the checks commission runs on an intervention, in their
// order: the first that fails holds the intervention whole. A new check is a new name here, and
// the store's summing pass must exclude what it holds (store's
// TestEveryHoldReasonOfACommissionIsHeldOnTheSummedPathToo fails until it has a case).
var CommissionChecks = checkNames(holdChecks)

// holdCheck is a named check of commission: on the intervention, or on each operation in turn.
type holdCheck struct {
	name         string
	intervention func(in *sb.CloseInput, iv sb.Intervention) *problem
	// operation checks op; total is the sum of the commissions of the operations before it.
	operation func(op sb.Operation, total *int64) *problem
}

// holdChecks are the checks of commission, in order. Consecutive operation checks run together
// over each operation in turn (the first operation failing one of them is the one reported).
var holdChecks = []holdCheck{
	{name: "row", intervention: func(_ *sb.CloseInput, iv sb.Intervention) *problem { return checkRow(iv) }},
	{name: "repairer", intervention: func(in *sb.CloseInput, iv sb.Intervention) *problem {
		return checkRepairer(in.Repairers, iv.RepairerID, "réparateur")
	}},
	{name: "kind", intervention: checkKind},
	{name: "closed", intervention: checkClosed},
	{name: "amounts", operation: func(op sb.Operation, _ *int64) *problem { return checkAmounts(op) }},
	{name: "negative", operation: func(op sb.Operation, _ *int64) *problem { return checkNegative(op) }},
	{name: "overflow", operation: checkOverflow},
	{name: "booked elsewhere", intervention: bookedElsewhere},
}

func checkNames(cs []holdCheck) []string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.name
	}
	return names
}

// runHoldChecks runs holdChecks on iv and returns the first problem, or the sum of its
// operations' commissions.
func runHoldChecks(in *sb.CloseInput, iv sb.Intervention) (int64, *problem) {
	var total int64
	for i := 0; i < len(holdChecks); {
		if c := holdChecks[i]; c.intervention != nil {
			if p := c.intervention(in, iv); p != nil {
				return 0, p
			}
			i++
			continue
		}
		j := i
		for j < len(holdChecks) && holdChecks[j].operation != nil {
			j++
		}
		for _, op := range iv.Operations {
			for _, c := range holdChecks[i:j] {
				if p := c.operation(op, &total); p != nil {
					return 0, p
				}
			}
		}
		i = j
	}
	return total, nil
}
