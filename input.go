package savbilling

import (
	"fmt"
	"time"
)

// Rules holds the thresholds of the rules. Every one is configuration; DefaultRules gives the
// values of the domain rulebook.
type Rules struct {
	UmbrellaDeductibleCents   int64 // the network's umbrella RC Pro deductible
	SpreadMaxCents            int64 // an overflow up to this is spread, above it invoiced
	InstallmentStepCents      int64 // one installment per started step of overflow…
	MaxInstallments           int   // …up to this many
	PlanLifetimeFactor        int   // a plan still open after factor × its months is invoiced
	VATRateBP                 int   // the standard VAT rate, in basis points
	StatementPaymentDays      int   // a statement is paid this many days after its issue
	InvoiceDueDays            int   // an invoice is due this many days after its issue
	ClaimWindowDays           int   // a SAV later than this after its original is warned
	UnconfirmedMinCreditCents int64 // the least credit expected on an unconfirmed SAV
}

// DefaultRules returns the thresholds of the domain rulebook.
func DefaultRules() Rules {
	return Rules{
		UmbrellaDeductibleCents:   20000,
		SpreadMaxCents:            150000,
		InstallmentStepCents:      5000,
		MaxInstallments:           3,
		PlanLifetimeFactor:        2,
		VATRateBP:                 2000,
		StatementPaymentDays:      15,
		InvoiceDueDays:            30,
		ClaimWindowDays:           90,
		UnconfirmedMinCreditCents: 400,
	}
}

// Validate names the first threshold out of range, by its configuration key.
func (r Rules) Validate() error {
	checks := []struct {
		key string
		ok  bool
	}{
		{"umbrella_deductible_cents", r.UmbrellaDeductibleCents >= 0},
		{"spread_max_cents", r.SpreadMaxCents >= 0},
		{"installment_step_cents", r.InstallmentStepCents > 0},
		{"max_installments", r.MaxInstallments >= 1 && r.MaxInstallments <= 120},
		{"plan_lifetime_factor", r.PlanLifetimeFactor >= 1 && r.PlanLifetimeFactor <= 12},
		{"vat_rate_bp", r.VATRateBP >= 0 && r.VATRateBP <= 10000},
		{"statement_payment_days", r.StatementPaymentDays >= 0 && r.StatementPaymentDays <= 365},
		{"invoice_due_days", r.InvoiceDueDays >= 0 && r.InvoiceDueDays <= 365},
		{"claim_window_days", r.ClaimWindowDays >= 0},
		{"unconfirmed_min_credit_cents", r.UnconfirmedMinCreditCents >= 0},
	}
	for _, c := range checks {
		if !c.ok {
			return fmt.Errorf("rules.%s is out of range", c.key)
		}
	}
	return nil
}

// SAVCase is one SAV intervention as the rules need it: the visit with its operations, support's
// decision, the original intervention, and for a SAV charged before, what the ledger holds of it.
type SAVCase struct {
	SAV      Intervention  // with its operations
	Decision *Decision     // nil: no decision taken before the period's end
	Original *Intervention // nil: the original intervention does not exist; no operations
	// For a SAV charged in an earlier period (CloseInput.Changed):
	Booked           *SAVState       // the decision the ledger last booked
	BookedByRepairer map[int64]int64 // SAV line amounts booked so far, per repairer, every kind and rules
	// BookedIndemnityByRepairer is the part of BookedByRepairer booked under the rules v2 as
	// indemnities (SAVLineType.Indemnity), per repairer.
	BookedIndemnityByRepairer map[int64]int64
	// BookedV1ByRepairer is the part of BookedByRepairer booked by closes under the rules v1, per
	// repairer: Close splits it by kind from Booked.V1, never from the lines' types.
	BookedV1ByRepairer map[int64]int64
	BookedClaimCents   int64 // insurance claims recorded so far
	// BookedStatement is, per repairer and kind, the number of the latest statement a line of
	// that SAV was booked on ("" when it was on none): an adjustment names it.
	BookedStatement   map[BookedKind]string
	BookedClaimPolicy string // the policy of those claims
}

// BookedKind keys what was booked for a SAV by repairer and kind (reductions or indemnities).
type BookedKind struct {
	RepairerID int64
	Indemnity  bool
}

// DefaultLookbackMonths is the look-back of a close, and the least one allowed (domain rule 1:
// a close finds late arrivals of at least the last 24 months; the audit finds older ones).
const DefaultLookbackMonths = 24

// LateBefore is the instant before which an intervention booked by this close is a late
// arrival: the period's start once a period has been closed; zero for the first close, which
// books the history before its period as ordinary lines.
func (in *CloseInput) LateBefore() time.Time {
	if in.LastClosed.IsZero() {
		return time.Time{}
	}
	return in.Start
}

// CommissionSum is what one repairer's summed interventions earn (CloseInput.Summed): one
// commission line per intervention, the sum of its operations' commissions.
type CommissionSum struct {
	RepairerID  int64
	Lines       int   // interventions
	AmountCents int64 // the sum of their commissions
}

// CloseInput is everything the rules need to close one period, read once in one transaction.
type CloseInput struct {
	Period   Period
	Start    time.Time // the period's first instant, UTC
	End      time.Time // the period's end, UTC: facts count when strictly before it
	ClosedAt time.Time // the instant of the close (read once at the edge), UTC
	Issuer   Issuer
	Rules    Rules

	// Repairers holds every repairer, keyed by id.
	Repairers map[int64]Repairer
	// Interventions are those closed before End and not yet booked, with all their operations,
	// ascending id. SAV interventions are among them (their commissions are earned like any).
	// When the store sums interventions in the database (Summed), only those it could not
	// prove valid are here.
	Interventions []Intervention
	// BookedOperations are the operations of Interventions that the ledger booked already, with
	// the intervention they were paid with (another one: they were moved since), keyed by
	// operation id. The rules hold an intervention holding one. Nil when there is none.
	BookedOperations map[int64]OperationBooking
	// AddedOperations are the operations created since the previous close (CloseInput's store
	// reads them above the highest operation id that close saw) whose intervention the ledger
	// booked before they were there: never paid, reported, ascending operation id.
	AddedOperations []AddedOperation
	// Summed are, per repairer (ascending id), the interventions closed before End and not yet
	// booked that the store summed in the database instead of listing them in Interventions:
	// only interventions that the rules are bound to book whole (a known repairer with a valid
	// VAT regime, a known kind, no operation with a negative amount, amounts far from the
	// int64 limit). Nil when the store lists every intervention.
	Summed []CommissionSum
	// SAVs are the SAV interventions closed before End and not yet charged, ascending id,
	// whatever the state of their decision.
	SAVs []SAVCase
	// Changed are the SAVs charged before whose decision, taken before End, now differs from the
	// booked one (outcome, share, faulty repairer or damage), ascending id.
	Changed []SAVCase
	// StrayDecisions are decisions taken before End on an intervention that is missing or not a
	// SAV, ascending id.
	StrayDecisions []Decision
	// Credits are customer credits granted before End on SAV interventions, not yet reported,
	// ascending id.
	Credits []Credit
	// StrayCredits are customer credits granted before End on an intervention that is not a SAV
	// (its kind is exactly standard) or that does not exist, not yet reported, ascending id.
	StrayCredits []StrayCredit
	// Processed is the booked state of the SAVs charged in earlier periods that Credits refer to.
	Processed map[int64]SAVState
	// Plans are the open plans, oldest first (created period, then repairer id).
	Plans []Plan
	// Overrides are finance's decisions for this period.
	Overrides []Override
	// LastStatementSeq is, per repairer, the last statement sequence used in Period.Year.
	LastStatementSeq map[int64]int
	// LastInvoiceSeq is the last invoice sequence used in Period.Year.
	LastInvoiceSeq int
	// LastDebitNoteSeq is the last debit note sequence used in Period.Year.
	LastDebitNoteSeq int
	// LookbackMonths is how many calendar months before Period the store re-reads for late
	// arrivals and revisions when they moved (docs/rules.md, "The look-back"); 0 means
	// DefaultLookbackMonths.
	LookbackMonths int
	// LastClosed is the last period closed before this one: an intervention closed before Start is
	// a late arrival. Zero for the first close.
	LastClosed Period
}

// AddedOperation is an operation found on an intervention that the ledger had booked before the
// operation was on it (created, or moved there, after the intervention was paid).
type AddedOperation struct {
	OperationID     int64
	InterventionID  int64
	RepairerID      int64  // the intervention's, as booked
	Period          Period // the period that booked the intervention
	CommissionCents int64  // the operation's commission as read (0 when NULL)
}

// StrayCredit is a customer credit granted on an intervention that is not a SAV: a cost borne by
// the network all the same, reported with a warning.
type StrayCredit struct {
	Credit
	Missing    bool  // the intervention does not exist
	RepairerID int64 // the intervention's repairer; 0 when unknown
}
