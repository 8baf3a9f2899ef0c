package savbilling

import (
	"fmt"
	"time"
)

// The values of the source tables' enumerated columns, as the contract spells them.
const (
	VATStandard  = "standard"  // repairers.vat_regime: VAT charged at the standard rate
	VATFranchise = "franchise" // repairers.vat_regime: franchise en base, art. 293 B du CGI

	KindStandard = "standard" // interventions.kind: an ordinary job
	KindSAV      = "sav"      // interventions.kind: a corrective visit (service après-vente)

	StatusOpen      = "open"
	StatusClosed    = "closed"
	StatusCancelled = "cancelled"

	OutcomeConfirmed   = "confirmed"   // prise en charge totale
	OutcomePartial     = "partial"     // prise en charge partielle
	OutcomeUnconfirmed = "unconfirmed" // SAV non confirmé
	OutcomeRejected    = "rejected"    // pas de SAV

	OverrideSpread  = "spread"
	OverrideInvoice = "invoice"
)

// Repairer is a row of repairers: an independent mechanic of the network.
type Repairer struct {
	ID        int64
	Name      string
	Email     string
	Address   string
	SIRET     string
	VATNumber string
	VATRegime string // VATStandard or VATFranchise; anything else is an anomaly
	// DeductibleCents is the repairer's own RC Pro deductible; nil means the umbrella policy.
	DeductibleCents *int64
	Active          bool
	Defect          *Defect // why the row cannot be used as read; nil when sound
	// The optional columns (docs/contract.md), read when the table or view has them.
	LegalForm   string
	Postcode    string
	City        string
	CountryCode string
	IBAN        string
	BIC         string
	VATOnDebits bool
}

// Identity is the part of a repairer that documents print, frozen in the ledger at close.
func (r Repairer) Identity() Party {
	return Party{ID: r.ID, Name: r.Name, Email: r.Email, Address: r.Address, SIRET: r.SIRET,
		VATNumber: r.VATNumber, VATRegime: r.VATRegime, LegalForm: r.LegalForm, Postcode: r.Postcode, City: r.City,
		CountryCode: r.CountryCode, IBAN: r.IBAN, BIC: r.BIC, VATOnDebits: r.VATOnDebits}
}

// Intervention is a row of interventions with its operations.
type Intervention struct {
	ID         int64
	RepairerID int64
	CustomerID int64 // 0 when NULL
	City       string
	Kind       string // KindStandard or KindSAV
	OriginalID int64  // kind sav: the intervention whose work is disputed; 0 when NULL
	Status     string
	ClosedAt   time.Time // zero when NULL
	Operations []Operation
	Defect     *Defect // why the row cannot be used as read; nil when sound
}

// Operation is a row of intervention_operations.
type Operation struct {
	ID              int64
	InterventionID  int64
	Label           string
	PriceCents      int64   // the customer price
	CommissionCents int64   // the repairer's commission, excl. VAT
	SAVRelated      bool    // on a SAV intervention: corrective work or its travel
	Defect          *Defect // why the row cannot be used as read; nil when sound
}

// Decision is a row of sav_decisions: support's decision on a SAV intervention.
type Decision struct {
	SAVID            int64
	Outcome          string
	ChargeBP         int   // partial: share charged in basis points, 1..9999; 0 when NULL
	FaultyRepairerID int64 // 0 when NULL: the original intervention's repairer is at fault
	DamageCents      int64
	DecidedAt        time.Time
	DecidedBy        string
	Note             string
	Defect           *Defect // why the row cannot be used as read; nil when sound
}

// Credit is a row of client_credits: a credit granted to the customer of an intervention.
type Credit struct {
	ID             int64
	InterventionID int64
	AmountCents    int64
	GrantedAt      time.Time
	Reason         string
	Defect         *Defect // why the row cannot be used as read; nil when sound
}

// Defect is what makes a source row unusable as read, found by the store: a required column
// NULL, a code that is not exactly one the contract spells (case and trailing spaces count), a
// timestamp in no known form, one key on two rows. The rules hold the row's item as an anomaly
// with Reason and Fix (in French, for the Anomalies sheet); nothing of it is booked until the
// source is corrected, and the next close reads it again.
type Defect struct {
	Reason string // what is wrong, e.g. « statut "CLOSED" inconnu »
	Fix    string // the column or table to correct
}

// NewDefect is a Defect with the fix and a reason formatted from format and args.
func NewDefect(fix, format string, args ...any) *Defect {
	return &Defect{Reason: fmt.Sprintf(format, args...), Fix: fix}
}

// Override is a row of overflow_overrides: finance's decision on one repairer's overflow.
type Override struct {
	RepairerID int64
	Period     string // YYYY-MM as stored; validated by the rules
	Mode       string // OverrideSpread or OverrideInvoice
	Months     int    // spread: number of installments; 0 when NULL
}

// Source is a whole set of source rows, as the sample network generator produces them and the
// store inserts them. The close never reads a Source: it reads a CloseInput.
type Source struct {
	Repairers     []Repairer
	Interventions []Intervention // with their Operations
	Decisions     []Decision
	Credits       []Credit
	Overrides     []Override
}

// Bounds of plausible source values. A value outside them is bad data: the rules hold its item
// as an anomaly. With MaxAmountCents, no sum of a month's amounts can overflow int64.
const (
	// MaxAmountCents bounds any single amount read from the source (an operation's price or
	// commission, a damage, a credit): 100 000 000,00 €.
	MaxAmountCents = 10_000_000_000
)

// FutureSlack is how far after the close's own instant a source timestamp may be before it is
// impossible (reported as an anomaly): clocks of the marketplace's servers may run a little ahead.
const FutureSlack = 24 * time.Hour

// EarliestDate bounds the timestamps read from the source: an intervention closed, a decision
// taken or a credit granted before 1 January 2000 is improbable (a zero date, a typo).
var EarliestDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
