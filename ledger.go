package savbilling

import (
	"strconv"
	"time"
)

// Party is the identity of a repairer as printed on documents, frozen in the ledger at close so
// that re-rendering a closed period gives the same bytes even if the source row changed since.
type Party struct {
	ID        int64
	Name      string
	Email     string
	Address   string
	SIRET     string
	VATNumber string
	VATRegime string
}

// Issuer is the network's own identity, printed on every document.
type Issuer struct {
	Name      string
	LegalForm string // e.g. « SAS au capital de 10 000 € »
	Address   string
	SIRET     string
	VATNumber string
	RCS       string // e.g. « RCS Paris 123 456 789 »
	Email     string
	IBAN      string
	BIC       string
}

// SIREN is the first nine digits of a SIRET, or "" when the SIRET is not 14 digits.
func SIREN(siret string) string {
	if len(siret) != 14 {
		return ""
	}
	return siret[:9]
}

// SAVLineType says what a SAV line books. The values are the ones the workbook prints.
type SAVLineType string

// The kinds of SAV line.
const (
	LineCharge     SAVLineType = "charge"            // the corrective commission charged back
	LineAdjustment SAVLineType = "ajustement"        // a decision changed after its charge
	LineSettlement SAVLineType = "règlement amiable" // damage within the deductible
	LineDeductible SAVLineType = "franchise"         // the deductible, damage above it claimed
)

// CommissionLine books the commission of one intervention (the sum of its operations') to its
// repairer. Each intervention is booked once, ever.
type CommissionLine struct {
	InterventionID int64
	RepairerID     int64
	Kind           string
	City           string
	ClosedAt       time.Time
	Operations     int
	AmountCents    int64
	Late           bool // closed in a period that was already closed when it arrived
}

// SAVLine books one amount of one SAV decision to the repairer at fault.
type SAVLine struct {
	SAVID           int64
	OriginalID      int64
	SAVRepairerID   int64  // who did the corrective visit
	City            string // the SAV intervention's city
	RepairerID      int64  // who is charged
	Type            SAVLineType
	Outcome         string
	ChargeBP        int   // partial: share in basis points; 10000 for confirmed; 0 otherwise
	CorrectiveCents int64 // C: the commissions of the SAV's corrective operations
	DamageCents     int64 // the decision's damage (settlement and deductible lines)
	AmountCents     int64 // charged (negative: refunded)
}

// InstallmentLine is what one plan asked of one statement and what it got.
type InstallmentLine struct {
	PlanID     string
	RepairerID int64
	Number     int   // 1-based index of the installment in the plan's schedule
	Of         int   // the plan's number of installments
	DueCents   int64 // scheduled so far and not yet paid
	PaidCents  int64 // taken from this period's available amount
}

// Plan is an installment plan (échéancier) spreading one month's overflow.
type Plan struct {
	ID            string // ECH-<repairer id>-YYYY-MM: the period that created it
	RepairerID    int64
	CreatedIn     Period
	Months        int   // number of installments, the first due in CreatedIn.Next()
	TotalCents    int64 // the overflow spread
	PaidCents     int64 // installments paid so far
	InvoicedCents int64 // balance invoiced when the plan was closed early
	ClosedIn      Period
}

// PlanID names the plan created for repairer in period p.
func PlanID(repairer int64, p Period) string {
	return "ECH-" + strconv.FormatInt(repairer, 10) + "-" + p.String()
}

// BalanceCents is what the plan still holds.
func (p Plan) BalanceCents() int64 { return p.TotalCents - p.PaidCents - p.InvoicedCents }

// Open reports whether the plan still holds a balance and has not been closed.
func (p Plan) Open() bool { return p.ClosedIn.IsZero() && p.BalanceCents() > 0 }

// Statement is the monthly self-billed invoice of one repairer (relevé), with its lines and totals.
type Statement struct {
	Number    string // REL-<repairer id>-YYYY-NNNN; empty in a draft
	Seq       int
	Repairer  Party
	Period    Period
	IssuedOn  time.Time
	PaymentOn time.Time

	Commissions  []CommissionLine // ascending intervention id
	SAV          []SAVLine        // ascending SAV id, then type
	Installments []InstallmentLine
	// UnlistedLines counts the commission lines booked on the statement that Commissions does
	// not list: the lines the store books itself (Book.Summed), or every line of a statement
	// read back with them counted (store.DB.EachStatement). GrossCents covers them all.
	UnlistedLines int

	GrossCents        int64 // G
	DeductionsCents   int64 // D
	OverflowCents     int64 // O = max(0, D − G)
	AvailableCents    int64 // A = max(0, G − D)
	InstallmentsCents int64 // paid = min(I, A)
	NetHTCents        int64 // A − paid
	VATRateBP         int   // 2000 for standard, 0 for franchise
	VATCents          int64
	NetTTCCents       int64
	SpreadCents       int64  // overflow put on a new plan this period
	InvoicedCents     int64  // everything invoiced to that repairer this period
	InvoiceNumber     string // the invoice of InvoicedCents, if any
}

// CommissionCount is the number of commission lines booked on the statement, listed or not.
func (s *Statement) CommissionCount() int { return len(s.Commissions) + s.UnlistedLines }

// SummedLines describes the commission lines of a close that are not listed in its statements'
// Commissions: those of the interventions the store summed in the database (CloseInput.Summed),
// which it books itself, in the close's transaction, as it sums them. SaveBook checks that it
// booked exactly Lines lines for AmountCents.
type SummedLines struct {
	End         time.Time // the close's end: interventions closed strictly before it
	LateBefore  time.Time // CloseInput.LateBefore: a line closed before it is a late arrival
	Lines       int
	AmountCents int64
}

// InvoiceLine is one item of an overflow invoice.
type InvoiceLine struct {
	Kind        string // InvoiceOverflow or InvoicePlanBalance
	PlanID      string // InvoicePlanBalance: the plan closed
	AmountCents int64
}

// The kinds of invoice line.
const (
	InvoiceOverflow    = "overflow"     // the month's overflow, not spread
	InvoicePlanBalance = "plan-balance" // the balance of a plan closed early
)

// Invoice is an invoice from the network to a repairer for what statements cannot absorb.
type Invoice struct {
	Number    string // FAC-YYYY-NNNNNN; empty in a draft
	Seq       int
	Repairer  Party
	Period    Period
	IssuedOn  time.Time
	DueOn     time.Time
	Lines     []InvoiceLine
	HTCents   int64
	VATRateBP int
	VATCents  int64
	TTCCents  int64
}

// Claim is an insurance claim for damage above the deductible, recorded for finance.
type Claim struct {
	SAVID           int64
	RepairerID      int64
	Policy          string // PolicyUmbrella or PolicyOwn
	DamageCents     int64
	DeductibleCents int64
	ClaimCents      int64 // damage − deductible; an adjustment books the difference
	Adjustment      bool
}

// The insurance policies a claim can go to.
const (
	PolicyUmbrella = "chapeau"      // the network's umbrella RC Pro
	PolicyOwn      = "individuelle" // the repairer's own RC Pro
)

// Goodwill is a customer credit granted on a SAV visit and borne by the network, or granted on an
// intervention that is no SAV (Outcome "": borne by the network, reported with a warning).
type Goodwill struct {
	CreditID       int64
	SAVID          int64 // the intervention the credit is granted on
	AmountCents    int64
	GrantedAt      time.Time
	Reason         string
	Outcome        string // the SAV's decision; "" for a credit on an intervention that is no SAV
	BorneByNetwork bool   // unconfirmed and rejected: the network pays; otherwise recharged
	Fits           bool   // the credit fits the outcome
	Note           string // why it does not fit
}

// Anomaly is an item the close left out (Blocking) or booked with a warning.
type Anomaly struct {
	Item       string // e.g. « intervention 123 », « SAV 201 », « décision 55 »
	RepairerID int64  // 0 when none or unknown
	Reason     string
	Fix        string
	Blocking   bool
}

// PendingSAV is a SAV closed without a support decision: listed, not charged.
type PendingSAV struct {
	SAVID         int64
	OriginalID    int64
	SAVRepairerID int64
	ClosedAt      time.Time
	AgeDays       int // whole days from ClosedAt to the end of the period
}

// SAVState is what the ledger remembers of the decision it last booked for a SAV, so that the
// next close can tell when support changed it.
type SAVState struct {
	SAVID             int64
	Outcome           string
	ChargeBP          int
	FaultyRepairerID  int64 // as in the decision: 0 when NULL
	DamageCents       int64
	DecidedAt         time.Time
	CorrectiveCents   int64
	RelatedPriceCents int64 // customer price of the corrective operations, for credit checks
	FirstPeriod       Period
	LastPeriod        Period
}

// Book is one period's booking: what a close computes, what the store writes, and what the
// renderers read back. Slices are in a fixed order so that rendering is deterministic.
type Book struct {
	Period   Period
	ClosedAt time.Time // the instant of the close, UTC
	IssuedOn time.Time // the documents' date: the Paris day of ClosedAt
	Draft    bool
	Issuer   Issuer

	Statements []Statement // ascending repairer id
	Invoices   []Invoice   // ascending number (so ascending repairer id)
	Plans      []Plan      // every plan open before the close or created by it, as it is after it
	Claims     []Claim
	Goodwill   []Goodwill
	Anomalies  []Anomaly
	Pending    []PendingSAV
	SAVStates  []SAVState // written by this close
	// Summed, when not nil, are commission lines the close books without listing them in the
	// statements (see SummedLines). A book read back from the ledger has none.
	Summed *SummedLines
	// Operations are the operations of the commission lines listed in Statements, in the order
	// of CloseInput.Interventions: the store keys each one in the ledger, so that no
	// operation is ever paid twice. A book read back from the ledger has none.
	Operations []BookedOperation
}

// BookedOperation is an operation paid with the commission line of its intervention.
type BookedOperation struct {
	OperationID    int64
	InterventionID int64
}

// OperationBooking is where the ledger booked an operation: the intervention it was paid with,
// in which period.
type OperationBooking struct {
	InterventionID int64
	Period         Period
}
