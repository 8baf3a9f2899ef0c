// Package templates holds what the PDF documents print that is not data: every French label and
// legal mention (texts.toml), the network's default identity (network.toml) and the UTF-8 fonts
// used for names that the PDF core fonts cannot print (fonts/: DejaVu Sans, and Droid Sans
// Fallback for CJK, each with its licence; see docs/fonts.md).
//
// The files are embedded in the binary. A folder given in the configuration overrides them file
// by file: a texts.toml there replaces the embedded one in full, a fonts/DejaVuSans.ttf there
// replaces the embedded regular font, and so on. Load checks everything at once (bad TOML, a
// missing, empty or unknown key, a misspelt placeholder, a file that is not a TrueType font), so
// that a bad override stops the job at start-up, not in the middle of a close.
//
// Texts use named placeholders in braces, « Facture émise par {network} au nom et pour le
// compte de {repairer} », filled with Fill.
package templates

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	sb "savbilling"
	"savbilling/frfmt"
	"savbilling/internal/glyphs"
)

//go:embed texts.toml network.toml fonts/DejaVuSans.ttf fonts/DejaVuSans-Bold.ttf fonts/LICENSE
//go:embed fonts/DroidSansFallbackFull.ttf fonts/LICENSE-DroidSansFallback
var embedded embed.FS

// The names of the template files, relative to the embedded root or to an override folder.
const (
	TextsFile       = "texts.toml"
	NetworkFile     = "network.toml"
	FontRegularFile = "fonts/DejaVuSans.ttf"
	FontBoldFile    = "fonts/DejaVuSans-Bold.ttf"
	FontLicenseFile = "fonts/LICENSE"
	// FontFallbackFile is Droid Sans Fallback (Apache-2.0, Debian's fonts-droid-fallback): the
	// CJK glyphs DejaVu Sans lacks (docs/fonts.md).
	FontFallbackFile        = "fonts/DroidSansFallbackFull.ttf"
	FontFallbackLicenseFile = "fonts/LICENSE-DroidSansFallback"
)

// Set is one loaded, checked set of templates. It is read-only after Load and safe for
// concurrent use.
type Set struct {
	// Texts are the labels and mentions of the documents.
	Texts Texts
	// Network is the network's default identity, for the configuration to freeze into the
	// ledger at close (CloseInput.Issuer). The renderers print Book.Issuer, never this.
	Network sb.Issuer
	// Fonts are the UTF-8 fonts for documents whose text falls outside cp1252.
	Fonts Fonts
	// Glyphs is the fallback chain of Fonts: which font draws each rune (package glyphs).
	Glyphs *glyphs.Chain
	// Overridden lists the files taken from the override folder, in file-name order.
	Overridden []string
}

// Fonts holds TrueType font files.
type Fonts struct {
	Regular  []byte // DejaVu Sans
	Bold     []byte // DejaVu Sans Bold
	Fallback []byte // Droid Sans Fallback: for the runes DejaVu Sans lacks (CJK)
}

// Texts are the contents of texts.toml. Every field is required.
type Texts struct {
	Common    Common         `toml:"common"`
	Party     PartyLabels    `toml:"party"`
	Statement StatementTexts `toml:"statement"`
	Invoice   InvoiceTexts   `toml:"invoice"`
	Outcomes  Outcomes       `toml:"outcomes"`
	LineTypes LineTypes      `toml:"line_types"`
}

// Common are the texts shared by every document. The ph tag lists a text's required
// placeholders, the opt tag its optional ones.
type Common struct {
	Draft       string `toml:"draft"`        // the watermark of a dry run
	DraftNumber string `toml:"draft_number"` // printed where a draft's number would be
	Page        string `toml:"page" ph:"page,pages"`
	Continued   string `toml:"continued" ph:"heading"` // a section's heading on the next page
	NotProvided string `toml:"not_provided"`           // an identity field left empty
	None        string `toml:"none"`                   // a cell with nothing to show
	Late        string `toml:"late"`                   // marks a late commission, explained under the table
	Ellipsis    string `toml:"ellipsis"`               // ends a truncated text
}

// PartyLabels label the identity fields of the network and the repairers.
type PartyLabels struct {
	SIRET      string `toml:"siret" ph:"siret"`
	SIREN      string `toml:"siren" ph:"siren"`
	VATNumber  string `toml:"vat_number" ph:"vat"`
	RepairerID string `toml:"repairer_id" ph:"id"`
	Email      string `toml:"email" ph:"email"`
}

// StatementTexts are the texts of the monthly statement (relevé, self-billed invoice).
type StatementTexts struct {
	Title         string `toml:"title"`
	SelfBilling   string `toml:"self_billing" ph:"network,repairer"`
	SellerHeading string `toml:"seller_heading"`
	BuyerHeading  string `toml:"buyer_heading"`
	Number        string `toml:"number" ph:"number"`
	Date          string `toml:"date" ph:"date"`
	Period        string `toml:"period" ph:"period"`
	PaymentDate   string `toml:"payment_date" ph:"date"`
	RunningHeader string `toml:"running_header" opt:"number,repairer,period"`
	Footer        string `toml:"footer" opt:"number,network"`

	CommissionsHeading string `toml:"commissions_heading"`
	ColIntervention    string `toml:"col_intervention"`
	ColDate            string `toml:"col_date"`
	ColCity            string `toml:"col_city"`
	ColOperations      string `toml:"col_operations"`
	ColAmountHT        string `toml:"col_amount_ht"`
	CommissionsTotal   string `toml:"commissions_total"`
	NoCommissions      string `toml:"no_commissions"`

	SAVHeading     string `toml:"sav_heading"`
	ColSAV         string `toml:"col_sav"`
	ColOriginal    string `toml:"col_original"`
	ColSAVRepairer string `toml:"col_sav_repairer"`
	ColDecision    string `toml:"col_decision"`
	ColShare       string `toml:"col_share"`
	ColCorrective  string `toml:"col_corrective"`
	ColType        string `toml:"col_type"`
	ColCharged     string `toml:"col_charged"`
	SAVTotal       string `toml:"sav_total"`
	DamageNote     string `toml:"damage_note" ph:"sav,damage"`
	DecisionNote   string `toml:"decision_note" ph:"sav,note"` // the support's note on a SAV's decision
	NoSAV          string `toml:"no_sav"`
	// LateNote explains a commission line marked Common.Late: an intervention closed in a period
	// already closed when it arrived.
	LateNote string `toml:"late_note" ph:"intervention,date" opt:"period_of"`

	InstallmentsHeading string `toml:"installments_heading"`
	ColPlan             string `toml:"col_plan"`
	ColInstallment      string `toml:"col_installment"`
	ColDue              string `toml:"col_due"`
	ColPaid             string `toml:"col_paid"`
	InstallmentOf       string `toml:"installment_of" ph:"n,of"`
	InstallmentsTotal   string `toml:"installments_total"`

	PlansHeading string `toml:"plans_heading"`
	PlanTitle    string `toml:"plan_title" ph:"plan,total,n" opt:"period_of"`
	ColNumber    string `toml:"col_number"`
	ColPeriod    string `toml:"col_period"`
	ColScheduled string `toml:"col_scheduled"`
	ColPlanPaid  string `toml:"col_plan_paid"`
	ColRemaining string `toml:"col_remaining"`
	PlanPaid     string `toml:"plan_paid" ph:"amount"`
	PlanInvoiced string `toml:"plan_invoiced" ph:"amount" opt:"invoice"`
	PlanBalance  string `toml:"plan_balance" ph:"amount"`
	PlanClosed   string `toml:"plan_closed" opt:"period_of"`

	TotalsHeading     string `toml:"totals_heading"`
	TotalGross        string `toml:"total_gross"`
	TotalDeductions   string `toml:"total_deductions"`
	TotalOverflow     string `toml:"total_overflow"`
	TotalSpread       string `toml:"total_spread" ph:"plan"`
	TotalInvoiced     string `toml:"total_invoiced" ph:"invoice"`
	TotalInstallments string `toml:"total_installments"`
	TotalNetHT        string `toml:"total_net_ht"`
	TotalVAT          string `toml:"total_vat" ph:"rate"`
	TotalNetTTC       string `toml:"total_net_ttc"`
	VATFranchise      string `toml:"vat_franchise"`
	Payment           string `toml:"payment" ph:"date"`
	NoPayment         string `toml:"no_payment"`
	OverflowNote      string `toml:"overflow_note" ph:"amount"`
	InvoiceDraft      string `toml:"invoice_draft"` // names a draft's invoice, which has no number

	// The mentions of a B2B invoice, printed under the totals.
	Category    string `toml:"category"`
	LatePayment string `toml:"late_payment" ph:"penalty,indemnity"` // with [invoice] penalty and indemnity
	NoDiscount  string `toml:"no_discount"`
	VATOnDebits string `toml:"vat_on_debits"` // when the repairer opted to pay VAT on debits

	// The rules of 2026-12 (periods closed under the rules v2).
	AccountTitle               string `toml:"account_title"`
	AccountMention             string `toml:"account_mention" opt:"repairer"`
	AccountRunningHeader       string `toml:"account_running_header" opt:"number,repairer,period"`
	AccountFooter              string `toml:"account_footer" opt:"number,network"`
	ColPaidReduction           string `toml:"col_paid_reduction"`
	ColPaidIndemnity           string `toml:"col_paid_indemnity"`
	PlanParts                  string `toml:"plan_parts" ph:"reduction,indemnity"`
	PlanDebitNoted             string `toml:"plan_debit_noted" ph:"amount" opt:"note"`
	InvoiceHeading             string `toml:"invoice_heading"`
	AccountHeading             string `toml:"account_heading"`
	TotalReductions            string `toml:"total_reductions"`
	TotalReductionOverflow     string `toml:"total_reduction_overflow"`
	ReductionOverflowNote      string `toml:"reduction_overflow_note" ph:"amount"`
	TotalInstallmentsReduction string `toml:"total_installments_reduction"`
	SettlementHeading          string `toml:"settlement_heading"`
	TotalIndemnities           string `toml:"total_indemnities"`
	TotalIndemnityOverflow     string `toml:"total_indemnity_overflow"`
	IndemnityOverflowNote      string `toml:"indemnity_overflow_note" ph:"amount"`
	TotalInstallmentsIndemnity string `toml:"total_installments_indemnity"`
	TotalDebitNoted            string `toml:"total_debit_noted" ph:"note"`
	TotalPayable               string `toml:"total_payable"`
	IndemnityNote              string `toml:"indemnity_note"`
	PayablePayment             string `toml:"payable_payment" ph:"date"`
	NoteDraft                  string `toml:"note_draft"` // names a draft's debit note

	// What a SAV line says in words (issue 19, domain.md « What a document explains »), under the
	// SAV table of a statement of the rules v2: one story per SAV, then one sentence per line.
	SAVStory         string `toml:"sav_story" ph:"sav,original,decision" opt:"sav_when,original_when"`
	WhenWhere        string `toml:"when_where" ph:"day,city"` // « du 12/10/2026 à Lyon »
	When             string `toml:"when" ph:"day"`
	Where            string `toml:"where" ph:"city"`
	DecisionShare    string `toml:"decision_share" ph:"decision,share"`
	ExplainCharge    string `toml:"explain_charge" ph:"corrective,share,amount"`
	ExplainNone      string `toml:"explain_none" ph:"outcome"` // « non imputé : SAV non confirmé »
	ExplainSettle    string `toml:"explain_settle" ph:"damage,deductible,policy,amount"`
	ExplainDeduct    string `toml:"explain_deduct" ph:"damage,deductible,policy,amount,claim"`
	ExplainOwnClaim  string `toml:"explain_own_claim" ph:"claim"` // a claim on the repairer's own policy
	PolicyUmbrella   string `toml:"policy_umbrella"`
	PolicyOwn        string `toml:"policy_own"`
	ExplainAdjust    string `toml:"explain_adjust" ph:"change,booked,before,now,diff" opt:"earlier"`
	BookedReduction  string `toml:"booked_reduction"`
	BookedIndemnity  string `toml:"booked_indemnity"`
	ExplainEarlier   string `toml:"explain_earlier" ph:"statement"`
	AdjustDecision   string `toml:"adjust_decision" ph:"before,after"`
	AdjustDamage     string `toml:"adjust_damage" ph:"before,after"`
	AdjustRevised    string `toml:"adjust_revised"` // neither outcome, share nor damage changed: the faulty repairer did
	DiffCharged      string `toml:"diff_charged" ph:"amount"`
	DiffRefunded     string `toml:"diff_refunded" ph:"amount"`
	ShortConfirmed   string `toml:"short_confirmed"`
	ShortPartial     string `toml:"short_partial" ph:"share"`
	ShortUnconfirmed string `toml:"short_unconfirmed"`
	ShortRejected    string `toml:"short_rejected"`
	// Where an overflow went and what is owed, in euros TTC (under the settlement's totals).
	OwedInvoice       string `toml:"owed_invoice" ph:"invoice,ht,ttc,date"`
	OwedDebitNote     string `toml:"owed_debit_note" ph:"note,amount,date"`
	OwedPlan          string `toml:"owed_plan" ph:"plan,amount,n,first,last"`
	OwedPlanParts     string `toml:"owed_plan_parts" ph:"reductions,indemnity"`
	OwedPlanReduction string `toml:"owed_plan_reduction" ph:"reductions"`
	PlanReductionsVAT string `toml:"plan_reductions_vat" ph:"reduction,ttc"`
	PlanReductions    string `toml:"plan_reductions" ph:"reduction"`
}

// InvoiceTexts are the texts of the network's overflow invoice.
type InvoiceTexts struct {
	Title         string `toml:"title" ph:"number"`
	SellerHeading string `toml:"seller_heading"`
	BuyerHeading  string `toml:"buyer_heading"`
	IssueDate     string `toml:"issue_date" ph:"date"`
	DueDate       string `toml:"due_date" ph:"date"`
	Period        string `toml:"period" ph:"period"`
	NatureLabel   string `toml:"nature_label"`
	Nature        string `toml:"nature" opt:"period,period_of"`
	RunningHeader string `toml:"running_header" opt:"number,repairer"`
	Footer        string `toml:"footer" opt:"number,network"`

	ColDesignation  string `toml:"col_designation"`
	ColAmountHT     string `toml:"col_amount_ht"`
	LineOverflow    string `toml:"line_overflow" ph:"statement"`
	LinePlanBalance string `toml:"line_plan_balance" ph:"plan"`
	StatementDraft  string `toml:"statement_draft"` // names a draft's statement, which has no number
	OverflowDetail  string `toml:"overflow_detail" ph:"deductions,gross,overflow"`

	CoveredHeading string `toml:"covered_heading" opt:"statement"`
	ColSAV         string `toml:"col_sav"`
	ColOriginal    string `toml:"col_original"`
	ColSAVRepairer string `toml:"col_sav_repairer"`
	ColDecision    string `toml:"col_decision"`
	ColType        string `toml:"col_type"`
	ColCharged     string `toml:"col_charged"`
	PlanCovered    string `toml:"plan_covered" ph:"plan" opt:"period_of"`

	TotalsHeading string `toml:"totals_heading"`
	TotalHT       string `toml:"total_ht"`
	TotalVAT      string `toml:"total_vat" ph:"rate"`
	TotalTTC      string `toml:"total_ttc"`
	NetDue        string `toml:"net_due"`

	DueTerms    string `toml:"due_terms" ph:"date" opt:"days"`
	Penalty     string `toml:"penalty"`
	Indemnity   string `toml:"indemnity"`
	LatePayment string `toml:"late_payment" ph:"penalty,indemnity"`
	NoDiscount  string `toml:"no_discount"`
	Payment     string `toml:"payment" ph:"iban" opt:"bic,number"`

	// The debit note (NDD-): the indemnity part of an overflow, outside the scope of VAT.
	DebitTitle              string `toml:"debit_title" ph:"number"`
	DebitNature             string `toml:"debit_nature" opt:"period,period_of"`
	DebitRunningHeader      string `toml:"debit_running_header" opt:"number,repairer"`
	DebitFooter             string `toml:"debit_footer" opt:"number,network"`
	DebitLineOverflow       string `toml:"debit_line_overflow" ph:"statement"`
	DebitLinePlanBalance    string `toml:"debit_line_plan_balance" ph:"plan"`
	DebitOverflowDetail     string `toml:"debit_overflow_detail" ph:"indemnities,ttc,overflow"`
	ReductionOverflowDetail string `toml:"reduction_overflow_detail" ph:"reductions,gross,overflow"`
	DebitTotal              string `toml:"debit_total"`
	DebitColAmount          string `toml:"debit_col_amount"`
	DebitNoVAT              string `toml:"debit_no_vat"`
}

// Outcomes label support's decisions.
type Outcomes struct {
	Confirmed   string `toml:"confirmed"`
	Partial     string `toml:"partial"`
	Unconfirmed string `toml:"unconfirmed"`
	Rejected    string `toml:"rejected"`
}

// Label returns the label of an outcome code (savbilling.OutcomeConfirmed…), or the code itself
// when it is not one of the four.
func (o Outcomes) Label(code string) string {
	switch code {
	case sb.OutcomeConfirmed:
		return o.Confirmed
	case sb.OutcomePartial:
		return o.Partial
	case sb.OutcomeUnconfirmed:
		return o.Unconfirmed
	case sb.OutcomeRejected:
		return o.Rejected
	}
	return code
}

// LineTypes label the types of SAV line.
type LineTypes struct {
	Charge     string `toml:"charge"`
	Adjustment string `toml:"adjustment"`
	Settlement string `toml:"settlement"`
	Deductible string `toml:"deductible"`
	// The rules of 2026-12.
	IndemnityAdjustment string `toml:"indemnity_adjustment"`
	NotCharged          string `toml:"not_charged"`
}

// Label returns the label of a SAV line type, or the type itself when it is unknown.
func (l LineTypes) Label(t sb.SAVLineType) string {
	switch t {
	case sb.LineCharge:
		return l.Charge
	case sb.LineAdjustment:
		return l.Adjustment
	case sb.LineSettlement:
		return l.Settlement
	case sb.LineDeductible:
		return l.Deductible
	case sb.LineIndemnityAdjustment:
		return l.IndemnityAdjustment
	case sb.LineNotCharged:
		return l.NotCharged
	}
	return string(t)
}

// network is the form of network.toml.
type network struct {
	Network struct {
		Name      string `toml:"name"`
		LegalForm string `toml:"legal_form"`
		Address   string `toml:"address"`
		SIRET     string `toml:"siret"`
		VATNumber string `toml:"vat_number"`
		RCS       string `toml:"rcs"`
		Email     string `toml:"email" optional:"true"`
		IBAN      string `toml:"iban"`
		BIC       string `toml:"bic"`
		// the bank file's structured address of the network (issue 23); blank: read from address
		Postcode    string `toml:"postcode" optional:"true"`
		City        string `toml:"city" optional:"true"`
		CountryCode string `toml:"country_code" optional:"true"`
	} `toml:"network"`
}

// Load reads the embedded templates, each file replaced by its namesake in overrideDir when
// there is one ("" means the embedded files only), and checks them all.
func Load(overrideDir string) (*Set, error) {
	var over fs.FS
	if overrideDir != "" {
		st, err := os.Stat(overrideDir)
		if err != nil {
			return nil, fmt.Errorf("templates: override folder: %w", err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("templates: override folder %s is not a folder", overrideDir)
		}
		over = os.DirFS(overrideDir)
	}
	return load(embedded, over, overrideDir)
}

// load reads each file from over when it has it, else from base. overName names over in errors.
func load(base, over fs.FS, overName string) (*Set, error) {
	s := &Set{}
	read := func(name string) ([]byte, string, error) {
		if over != nil {
			data, err := fs.ReadFile(over, name)
			if err == nil {
				s.Overridden = append(s.Overridden, name)
				return data, filepath.Join(overName, filepath.FromSlash(name)), nil
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return nil, "", fmt.Errorf("templates: %w", err)
			}
		}
		data, err := fs.ReadFile(base, name)
		if err != nil {
			return nil, "", fmt.Errorf("templates: embedded %s: %w", name, err)
		}
		return data, name + " (embedded)", nil
	}

	data, where, err := read(TextsFile)
	if err != nil {
		return nil, err
	}
	if err := decodeStrict(data, where, &s.Texts, "ph"); err != nil {
		return nil, err
	}

	if data, where, err = read(NetworkFile); err != nil {
		return nil, err
	}
	var n network
	if err := decodeStrict(data, where, &n, ""); err != nil {
		return nil, err
	}
	s.Network = sb.Issuer{Name: n.Network.Name, LegalForm: n.Network.LegalForm,
		Address: n.Network.Address, SIRET: n.Network.SIRET, VATNumber: n.Network.VATNumber,
		RCS: n.Network.RCS, Email: n.Network.Email, IBAN: n.Network.IBAN, BIC: n.Network.BIC,
		Postcode: n.Network.Postcode, City: n.Network.City, CountryCode: n.Network.CountryCode}

	for _, f := range []struct {
		name string
		dst  *[]byte
	}{{FontRegularFile, &s.Fonts.Regular}, {FontBoldFile, &s.Fonts.Bold}, {FontFallbackFile, &s.Fonts.Fallback}} {
		if data, where, err = read(f.name); err != nil {
			return nil, err
		}
		if !isTrueType(data) {
			return nil, fmt.Errorf("templates: %s: not a TrueType font (.ttf with glyf outlines)", where)
		}
		*f.dst = data
	}
	if s.Glyphs, err = glyphs.NewChain(s.Fonts.Regular, s.Fonts.Bold, s.Fonts.Fallback); err != nil {
		return nil, fmt.Errorf("templates: fonts: %w", err)
	}
	slices.Sort(s.Overridden)
	return s, nil
}

// isTrueType reports whether data starts like a TrueType font file, the only kind gofpdf embeds.
func isTrueType(data []byte) bool {
	return len(data) > 12 && (bytes.HasPrefix(data, []byte{0, 1, 0, 0}) || bytes.HasPrefix(data, []byte("true")))
}

// decodeStrict decodes TOML data into v (a pointer to a struct of structs of strings) and checks
// that every string field is defined and not blank (unless tagged optional), that no key is
// unknown and, when checkPlaceholders, that each text uses its placeholders as its ph (required)
// and opt (optional) tags say.
func decodeStrict(data []byte, where string, v any, phTag string) error {
	md, err := toml.Decode(string(data), v)
	if err != nil {
		return fmt.Errorf("templates: %s: %w", where, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return fmt.Errorf("templates: %s: unknown key %s", where, und[0])
	}
	var errs []error
	var walk func(rv reflect.Value, path []string)
	walk = func(rv reflect.Value, path []string) {
		rt := rv.Type()
		for i := range rt.NumField() {
			sf := rt.Field(i)
			key := sf.Tag.Get("toml")
			p := append(slices.Clone(path), key)
			fv := rv.Field(i)
			switch fv.Kind() {
			case reflect.Struct:
				walk(fv, p)
			case reflect.String:
				name := strings.Join(p, ".")
				if sf.Tag.Get("optional") == "true" {
					continue
				}
				if !md.IsDefined(p...) {
					errs = append(errs, fmt.Errorf("templates: %s: missing key %s", where, name))
					continue
				}
				if strings.TrimSpace(fv.String()) == "" {
					errs = append(errs, fmt.Errorf("templates: %s: key %s is empty", where, name))
					continue
				}
				if phTag != "" {
					if err := checkPlaceholders(fv.String(), sf.Tag.Get("ph"), sf.Tag.Get("opt")); err != nil {
						errs = append(errs, fmt.Errorf("templates: %s: key %s: %w", where, name, err))
					}
				}
			}
		}
	}
	walk(reflect.ValueOf(v).Elem(), nil)
	return errors.Join(errs...)
}

// checkPlaceholders checks that text holds every placeholder of required and no placeholder
// outside required and optional (both comma-separated lists of names).
func checkPlaceholders(text, required, optional string) error {
	allowed := map[string]bool{}
	var req []string
	if required != "" {
		req = strings.Split(required, ",")
	}
	for _, n := range req {
		allowed[n] = true
	}
	if optional != "" {
		for _, n := range strings.Split(optional, ",") {
			allowed[n] = true
		}
	}
	used := map[string]bool{}
	rest := text
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return fmt.Errorf("unclosed « { » in %q", text)
		}
		name := rest[i+1 : i+j]
		if !allowed[name] {
			names := slices.Sorted(func(yield func(string) bool) {
				for n := range allowed {
					if !yield(n) {
						return
					}
				}
			})
			if len(names) == 0 {
				return fmt.Errorf("unknown placeholder {%s}: this text takes none", name)
			}
			return fmt.Errorf("unknown placeholder {%s}: this text takes {%s}", name, strings.Join(names, "}, {"))
		}
		used[name] = true
		rest = rest[i+j+1:]
	}
	for _, n := range req {
		if !used[n] {
			return fmt.Errorf("placeholder {%s} is required", n)
		}
	}
	return nil
}

// Fill replaces the placeholders of text: Fill("N° {number}", "number", "REL-1-2026-0001").
// args are name, value pairs; a placeholder without a value is left as written. Load has
// checked that each text uses only its own placeholders. The word « de » (or « De ») right
// before a placeholder is elided when the value asks it (frfmt.Elides): « pour le compte de
// {repairer} » prints « pour le compte d'Éloïse Martin ».
func Fill(text string, args ...string) string {
	if strings.IndexByte(text, '{') < 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 32)
	rest := text
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			break
		}
		name := rest[i+1 : i+j]
		val, ok := "", false
		for k := 0; k+1 < len(args); k += 2 {
			if args[k] == name {
				val, ok = args[k+1], true
				break
			}
		}
		before := rest[:i]
		if ok && elidedDe(before) && frfmt.Elides(val) {
			// « de {repairer} » with Éloïse: « d'Éloïse »
			b.WriteString(before[:len(before)-3])
			b.WriteString(before[len(before)-3 : len(before)-2])
			b.WriteString("'")
		} else {
			b.WriteString(before)
		}
		if ok {
			b.WriteString(val)
		} else {
			b.WriteString(rest[i : i+j+1])
		}
		rest = rest[i+j+1:]
	}
	b.WriteString(rest)
	return b.String()
}

// elidedDe reports whether text ends with the word « de » and a space.
func elidedDe(text string) bool {
	if !strings.HasSuffix(text, "de ") && !strings.HasSuffix(text, "De ") {
		return false
	}
	if len(text) == 3 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(text[:len(text)-3])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// Embedded returns the embedded template files, e.g. to copy them into an override folder as a
// starting point.
func Embedded() fs.FS { return embedded }
