// Package einvoice writes French e-invoices: the UN/CEFACT Cross Industry Invoice (CII D16B) of
// the Factur-X 1.0 profile EN 16931 (guideline urn:cen.eu:en16931:2017), with the French
// business rules of the reform (BR-FR, "Flux 2") in mind: SIREN and electronic addresses
// (scheme 0225), billing framework S1, the notes PMT / PMD / AAB, VAT category S or E
// (VATEX-FR-FRANCHISE).
//
// It knows nothing of the ledger: a caller fills a Document (amounts in int64 cents, no float)
// and Marshal checks it, computes the totals BT-106..BT-115 from the cents (refusing them when
// they differ from the ledger's, given in Document.Expect) and writes the XML. CheckParty says
// whether a party's identity can make a valid invoice at all, so that a caller holds a document
// before it takes a number rather than issue an invoice the platforms refuse.
//
// docs/einvoice.md maps each business term to its source in the ledger.
package einvoice

import "time"

// TypeCode is the invoice type code (BT-3, UNTDID 1001).
type TypeCode string

// The type codes the batch issues.
const (
	// SelfBilled is a self-billed invoice: the buyer issues it in the seller's name (a statement).
	SelfBilled TypeCode = "389"
	// Commercial is an ordinary invoice (the network's own invoice to a repairer).
	Commercial TypeCode = "380"
)

// Profile is the Factur-X profile written in the guideline parameter (BT-24).
const Profile = "urn:cen.eu:en16931:2017"

// BillingFramework is the French billing framework (BT-23): S1, an invoice for services,
// neither already paid nor a down payment.
const BillingFramework = "S1"

// Document is one invoice in the terms of EN 16931. Amounts are in euro cents.
type Document struct {
	Number      string    // BT-1: at most 35 characters among A-Z a-z 0-9 + - _ /
	Type        TypeCode  // BT-3
	IssueDate   time.Time // BT-2, a calendar date (its year, month and day as given)
	PeriodStart time.Time // BG-14 BT-73, optional (zero: none)
	PeriodEnd   time.Time // BG-14 BT-74, with PeriodStart
	Seller      Party     // BG-4
	Buyer       Party     // BG-7
	Notes       []Note    // BG-1, in order; PMT, PMD and AAB each exactly once (BR-FR-05)
	Lines       []Line    // BG-25, at least one
	// Allowances are document-level allowances (BG-20): the reductions applied to this invoice,
	// never more than the sum of the lines.
	Allowances []Allowance
	VAT        VAT // the one VAT category of the lines and allowances
	// PrepaidCents is the amount already settled (BT-113): on a statement, the indemnities set
	// off against it. 0 ≤ PrepaidCents ≤ the total with VAT.
	PrepaidCents int64
	PaymentTerms string    // BT-20, written with the due date
	DueDate      time.Time // BT-9, on or after the issue date
	// PayeeIBAN is the account the amount due is paid to (BT-84); empty: no payment means
	// (BG-16 is optional, and a credit transfer without an account breaks BR-61).
	PayeeIBAN        string
	PayeeAccountName string // BT-85, optional
	// Expect, when set, are the ledger's totals: Marshal refuses a document whose computed
	// totals differ from them by a cent.
	Expect *Expected
}

// Party is a seller or a buyer.
type Party struct {
	Name  string // BT-27 / BT-44
	SIRET string // 14 digits: the SIREN (its first 9) is BT-30 / BT-47 (scheme 0002), the SIRET BT-29 / BT-46 (scheme 0009)
	VATID string // BT-31 / BT-48, e.g. FR40303265045; empty for a franchise seller
	// TaxRegistration is the seller's tax registration identifier (BT-32, scheme FC), written
	// for a seller without a VAT number so that BR-E-02 / BR-S-02 hold.
	TaxRegistration string
	Address         Address
}

// Address is a structured postal address (BG-5 / BG-8).
type Address struct {
	Lines    []string // BT-35..BT-37 / BT-50..BT-52: at most 3
	Postcode string   // BT-38 / BT-53
	City     string   // BT-37 / BT-52
	Country  string   // BT-40 / BT-55: ISO 3166-1 alpha-2
}

// Note is a document note (BG-1): a subject code (BT-21, UNTDID 4451) and its text (BT-22).
type Note struct {
	Subject string
	Text    string
}

// The note subjects of the French rules.
const (
	NotePMT = "PMT" // the 40 € fixed recovery indemnity
	NotePMD = "PMD" // the late-payment penalties
	NoteAAB = "AAB" // the discount for early payment, or its absence
	NoteREG = "REG" // regulatory information: the self-billing mention
	NoteTXD = "TXD" // the tax mention (art. 293 B du CGI)
	NoteAAI = "AAI" // general information: the amount settled by compensation
	NoteBAR = "BAR" // the processing of the invoice: B2B
)

// Line is an invoice line (BG-25): one service, quantity 1, at its net amount.
type Line struct {
	ID          string // BT-126, unique in the document
	Name        string // BT-153
	Description string // BT-154, optional
	AmountCents int64  // BT-131 = BT-146, above zero
}

// Allowance is a document-level allowance (BG-20).
type Allowance struct {
	Reason      string // BT-97
	AmountCents int64  // BT-92, above zero
}

// VAT is a VAT category with its rate.
type VAT struct {
	Category      string // BT-118: "S" (standard) or "E" (exempt)
	RateBP        int64  // BT-119 in basis points: 2000 for 20 %, 0 for E
	Exemption     string // BT-120, for E: « TVA non applicable, art. 293 B du CGI »
	ExemptionCode string // BT-121, for E: VATEX-FR-FRANCHISE
}

// Standard20 is the standard French rate, 20 %.
var Standard20 = VAT{Category: "S", RateBP: 2000}

// Franchise is the franchise en base de TVA of article 293 B of the Code général des impôts.
var Franchise = VAT{Category: "E", Exemption: "TVA non applicable, art. 293 B du CGI", ExemptionCode: "VATEX-FR-FRANCHISE"}

// Expected are the ledger's totals of a document, in cents.
type Expected struct {
	NetHTCents  int64 // BT-109
	VATCents    int64 // BT-110
	NetTTCCents int64 // BT-112
	DueCents    int64 // BT-115
}

// Totals are a document's totals (BG-22), in cents.
type Totals struct {
	LineCents      int64 // BT-106: sum of the lines
	AllowanceCents int64 // BT-107: sum of the allowances
	TaxBasisCents  int64 // BT-109 = BT-106 − BT-107 (no charges)
	VATCents       int64 // BT-110 = BT-117: the basis × the rate, rounded half away from zero
	GrandCents     int64 // BT-112 = BT-109 + BT-110
	PrepaidCents   int64 // BT-113
	DueCents       int64 // BT-115 = BT-112 − BT-113
}
