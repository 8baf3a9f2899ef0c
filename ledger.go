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
	// The optional columns of repairers (docs/contract.md), blank (false) when the source has
	// none: frozen with the rest, printed where the documents need them.
	LegalForm   string // « EI », « SARL au capital de 5 000 € », RCS/RM…: printed under the name
	Postcode    string
	City        string
	CountryCode string // ISO 3166-1 alpha-2
	IBAN        string
	BIC         string
	VATOnDebits bool // the repairer opted to pay VAT on debits: the statement says so
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
	// The structured address of the bank file's debtor (issue 23, keys network.postcode, city,
	// country_code): blank, the bank file reads them from Address (« …\n75011 Paris ») and FR.
	Postcode    string `json:",omitempty"`
	City        string `json:",omitempty"`
	CountryCode string `json:",omitempty"`
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
	// LineIndemnityAdjustment books the change of a decision's damage (rules v2): an indemnity.
	LineIndemnityAdjustment SAVLineType = "ajustement indemnité"
	// LineNotCharged lists a decision that charges nothing (unconfirmed, rejected) at 0,00 € (rules v2;
	// the rules v1 booked it as a « charge » of 0,00 €).
	LineNotCharged SAVLineType = "non imputé"
)

// Indemnity reports whether a line of type t is an indemnity (damage charged to the repairer,
// outside the scope of VAT, set off after VAT: « règlement amiable », « franchise », « ajustement
// indemnité ») rather than a reduction of the repairer's price (« charge », « ajustement »,
// « non imputé »), under the rules v2. Under the rules v1 every line was a reduction.
func (t SAVLineType) Indemnity() bool {
	return t == LineSettlement || t == LineDeductible || t == LineIndemnityAdjustment
}

// The versions of the rules a period is closed under (sb_periods.rules_version).
const (
	// RulesV1: damage netted with the SAV charges before VAT (every close before 2026-12).
	RulesV1 = 1
	// RulesV2: damage is an indemnity outside VAT, set off after it; two-part plans; debit notes;
	// statements of account (domain.md, changed 2026-12). Every close of this version.
	RulesV2 = 2
	// RulesVersion is the version this build closes under.
	RulesVersion = RulesV2
)

// The e-invoice versions a period is closed under (sb_periods.einvoice_version).
const (
	// EInvoiceV1: every REL- statement and FAC- invoice is a Factur-X EN 16931 e-invoice, its CII
	// XML embedded in a PDF/A-3 and written alone as einvoices/<number>.xml (issue 21).
	EInvoiceV1 = 1
	// EInvoiceVersion is the version this build closes under.
	EInvoiceVersion = EInvoiceV1
)

// EInvoices reports whether the book's REL- statements and FAC- invoices are e-invoices: a
// period closed (not a draft) under an e-invoice version.
func (b *Book) EInvoices() bool { return !b.Draft && b.EInvoiceVersion >= EInvoiceV1 }

// CommissionLine books the commission of one intervention (the sum of its operations') to its
// repairer. Each intervention is booked once, ever.
type CommissionLine struct {
	InterventionID int64
	RepairerID     int64
	Kind           string
	City           string
	ClosedAt       time.Time
	Operations     int
	// Services designates the service billed: its operations' labels (reconcile.Services); ""
	// when none has a label, or for a line booked before the ledger kept it (migration 80).
	Services    string
	AmountCents int64
	Late        bool // closed in a period that was already closed when it arrived
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
	ChargeBP        int    // partial: share in basis points; 10000 for confirmed; 0 otherwise
	CorrectiveCents int64  // C: the commissions of the SAV's corrective operations
	DamageCents     int64  // the decision's damage (settlement and deductible lines)
	AmountCents     int64  // charged (negative: refunded)
	Note            string // the support's note on the decision, printed on the line
	// What the line needs to explain itself in words (domain.md « What a document explains »),
	// frozen at close; blank on lines booked before they were kept.
	SAVDay       string // the Paris day the SAV intervention was closed, YYYY-MM-DD
	OriginalDay  string // the Paris day the original intervention was closed, YYYY-MM-DD
	OriginalCity string // the original intervention's city
	// For an adjustment (« ajustement », « ajustement indemnité »): the decision the ledger had
	// booked before (outcome, share, damage), what had been booked of the line's kind for that
	// SAV to that repairer, and the number of the latest statement it was booked on (of the
	// other kind when none of its own; "" when none).
	BeforeOutcome     string
	BeforeChargeBP    int
	BeforeDamageCents int64
	BeforeBookedCents int64
	EarlierStatement  string
	// For damage (settlement, deductible, indemnity adjustment): the policy whose deductible
	// applies (PolicyUmbrella, PolicyOwn) and that deductible; the claim is DamageCents minus it
	// when positive.
	Policy          string
	DeductibleCents int64
}

// Adjustment reports whether the line books the revision of a decision already booked.
func (l *SAVLine) Adjustment() bool {
	return l.Type == LineAdjustment || l.Type == LineIndemnityAdjustment
}

// InstallmentLine is what one plan asked of one statement and what it got.
type InstallmentLine struct {
	PlanID     string
	RepairerID int64
	Number     int   // 1-based index of the installment in the plan's schedule
	Of         int   // the plan's number of installments
	DueCents   int64 // scheduled so far and not yet paid, both parts
	PaidCents  int64 // paid this period, both parts
	// The indemnity part of DueCents and PaidCents (the rest is the reduction part): asked and
	// paid after VAT, from the Net TTC left once the period's indemnities are set off.
	DueIndemnityCents  int64
	PaidIndemnityCents int64
}

// PaidReductionCents is the reduction part paid: it reduced Net HT.
func (l InstallmentLine) PaidReductionCents() int64 { return l.PaidCents - l.PaidIndemnityCents }

// Plan is an installment plan (échéancier) spreading one month's overflow. It has two parts
// (rules v2): the reduction part (the reduction overflow, paid before VAT, its balance closed on
// an invoice) and the indemnity part (the indemnity overflow, paid after VAT, its balance closed
// on a debit note). A plan of the rules v1 has no indemnity part: it keeps the rules it was
// created under until it ends (its installments reduce Net HT, its balance is invoiced).
type Plan struct {
	ID            string // ECH-<repairer id>-YYYY-MM: the period that created it
	RepairerID    int64
	CreatedIn     Period
	Months        int   // number of installments, the first due in CreatedIn.Next()
	TotalCents    int64 // the overflow spread, both parts
	PaidCents     int64 // installments paid so far, both parts
	InvoicedCents int64 // reduction balance invoiced when the plan was closed early
	ClosedIn      Period
	RulesVersion  int // the rules it was created under (RulesV1, RulesV2)

	IndemnityCents     int64 // the indemnity part of TotalCents
	PaidIndemnityCents int64 // the indemnity part of PaidCents
	DebitNotedCents    int64 // indemnity balance put on a debit note when the plan was closed early
}

// ReductionCents is the reduction part of the plan's total.
func (p Plan) ReductionCents() int64 { return p.TotalCents - p.IndemnityCents }

// ReductionBalanceCents is what the plan still holds of its reduction part.
func (p Plan) ReductionBalanceCents() int64 {
	return p.ReductionCents() - (p.PaidCents - p.PaidIndemnityCents) - p.InvoicedCents
}

// IndemnityBalanceCents is what the plan still holds of its indemnity part.
func (p Plan) IndemnityBalanceCents() int64 {
	return p.IndemnityCents - p.PaidIndemnityCents - p.DebitNotedCents
}

// PlanID names the plan created for repairer in period p.
func PlanID(repairer int64, p Period) string {
	return "ECH-" + strconv.FormatInt(repairer, 10) + "-" + p.String()
}

// BalanceCents is what the plan still holds.
func (p Plan) BalanceCents() int64 {
	return p.TotalCents - p.PaidCents - p.InvoicedCents - p.DebitNotedCents
}

// Open reports whether the plan still holds a balance and has not been closed.
func (p Plan) Open() bool { return p.ClosedIn.IsZero() && p.BalanceCents() > 0 }

// Statement is the monthly statement of one repairer (relevé), with its lines and totals: their
// self-billed invoice when the period bills a service of theirs, else a statement of account.
type Statement struct {
	Number string // REL-<repairer id>-YYYY-NNNN, or RDC-<repairer id>-YYYY-MM when Account; empty in a draft
	Seq    int    // 0 for a statement of account
	// Account: a statement of account (« Relevé de compte — ne vaut pas facture »), outside the
	// invoice series: the period bills no service (G = 0 and R ≥ 0, rules v2).
	Account   bool
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
	DeductionsCents   int64 // D = R + M: every SAV charge of the period
	OverflowCents     int64 // O = Or + Om
	AvailableCents    int64 // B = max(0, G − R)
	InstallmentsCents int64 // installments paid, both parts: paid_r + paid_m
	NetHTCents        int64 // B − paid_r
	VATRateBP         int   // 2000 for standard, 0 for franchise
	VATCents          int64
	NetTTCCents       int64
	SpreadCents       int64  // overflow put on a new plan this period, both parts
	InvoicedCents     int64  // everything invoiced or debit-noted to that repairer this period (HT)
	InvoiceNumber     string // the invoice of the reduction part of InvoicedCents, if any

	// The rules v2 (for a period closed under v1: R = D, M = 0, Payable = Net TTC).
	ReductionsCents            int64  // R: reductions of the period (may be < 0: refunds)
	IndemnitiesCents           int64  // M: indemnities of the period (may be < 0: refunds)
	ReductionOverflowCents     int64  // Or = max(0, R − G)
	IndemnityOverflowCents     int64  // Om = max(0, M − Net TTC)
	InstallmentsIndemnityCents int64  // paid_m: the indemnity part of InstallmentsCents
	PayableCents               int64  // the « Net à payer »: Net TTC − M − paid_m, at least 0
	DebitNotedCents            int64  // the part of InvoicedCents on a debit note
	DebitNoteNumber            string // that debit note, if any
}

// InstallmentsReductionCents is paid_r, the reduction part of the installments paid.
func (s *Statement) InstallmentsReductionCents() int64 {
	return s.InstallmentsCents - s.InstallmentsIndemnityCents
}

// AccountNumber names the statement of account of repairer in period p.
func AccountNumber(repairer int64, p Period) string {
	return "RDC-" + strconv.FormatInt(repairer, 10) + "-" + p.String()
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

// The kinds of document an Invoice is.
const (
	DocInvoice   = "facture"       // FAC-: the reduction part, VAT 20 %
	DocDebitNote = "note de débit" // NDD-: the indemnity part, outside the scope of VAT
)

// Invoice is a document from the network to a repairer for what statements cannot absorb: an
// invoice (FAC-, the reduction part, with VAT) or a debit note (NDD-, the indemnity part, no VAT).
type Invoice struct {
	Number    string // FAC-YYYY-NNNNNN or NDD-YYYY-NNNNNN; empty in a draft
	Kind      string // DocInvoice or DocDebitNote ("" reads as DocInvoice)
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
	// Statement is the repairer's statement of the period the invoice's overflow comes from,
	// nil when the period issued them none: the invoice names it and lists the SAV items it
	// bills. reconcile sets it; the store reads it back from the ledger with the invoice, so
	// that an invoice renders the same from the close's book and from a closed period.
	Statement *InvoicedStatement
}

// InvoicedStatement is what an invoice carries of the statement its overflow comes from.
type InvoicedStatement struct {
	Number                 string // REL-… or RDC-…; empty in a draft
	GrossCents             int64  // G
	DeductionsCents        int64  // D: every SAV charge, reductions and indemnities
	OverflowCents          int64  // O = Or + Om
	ReductionsCents        int64  // R (rules v2)
	IndemnitiesCents       int64  // M (rules v2)
	NetTTCCents            int64  // the self-billed invoice's total
	ReductionOverflowCents int64  // Or (rules v2)
	IndemnityOverflowCents int64  // Om (rules v2)
	SAV                    []SAVLine
}

// Billed is what an overflow document of the statement's period bills of it (Invoice.Statement).
func (s *Statement) Billed() *InvoicedStatement {
	return &InvoicedStatement{Number: s.Number, GrossCents: s.GrossCents, DeductionsCents: s.DeductionsCents,
		OverflowCents: s.OverflowCents, ReductionsCents: s.ReductionsCents, IndemnitiesCents: s.IndemnitiesCents,
		NetTTCCents: s.NetTTCCents, ReductionOverflowCents: s.ReductionOverflowCents,
		IndemnityOverflowCents: s.IndemnityOverflowCents, SAV: s.SAV}
}

// DebitNote reports whether the document is a debit note.
func (v *Invoice) DebitNote() bool { return v.Kind == DocDebitNote }

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
	// V1 is the decision as the last close under the rules v1 booked it (outcome, share, faulty
	// repairer, corrective commission), kept when later closes update the state: nil when the SAV
	// was never booked under v1. A revision under v2 splits what v1 booked by kind from it.
	V1 *SAVDecisionV1
}

// SAVDecisionV1 is what the rules v1 last booked for a SAV: enough to recompute its corrective
// charge (the reduction part of what was booked; the rest was damage, an indemnity).
type SAVDecisionV1 struct {
	Outcome          string
	ChargeBP         int
	FaultyRepairerID int64 // as in the decision: 0 when NULL
	CorrectiveCents  int64
}

// Book is one period's booking: what a close computes, what the store writes, and what the
// renderers read back. Slices are in a fixed order so that rendering is deterministic.
type Book struct {
	Period   Period
	ClosedAt time.Time // the instant of the close, UTC
	IssuedOn time.Time // the documents' date: the Paris day of ClosedAt
	Draft    bool
	Issuer   Issuer
	// RulesVersion is the version of the rules the period was closed under (RulesV1, RulesV2).
	RulesVersion int
	// EInvoiceVersion is the e-invoice version the period was closed under
	// (sb_periods.einvoice_version): 0 before e-invoices, EInvoiceV1 when its REL- statements
	// and FAC- invoices are Factur-X e-invoices (docs/einvoice.md).
	EInvoiceVersion int

	Statements []Statement // ascending repairer id
	Invoices   []Invoice   // invoices then debit notes, each by ascending number (so ascending repairer id)
	Plans      []Plan      // every plan open before the close or created by it, as it is after it
	Claims     []Claim
	Goodwill   []Goodwill
	Anomalies  []Anomaly
	Pending    []PendingSAV
	SAVStates  []SAVState // written by this close
	// Unlisted are the SAV lines that charge nothing (0,00 €) of repairers without a statement in
	// the period: a line that charges nothing makes no statement by itself (rules v2). They are
	// booked and listed in the workbook.
	Unlisted []SAVLine
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
