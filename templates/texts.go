package templates

import sb "savbilling"

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
	ColOperations      string `toml:"col_operations"`             // a statement whose lines have no services: their count
	ColServices        string `toml:"col_services"`               // the services of each line (reconcile.Services)
	OperationCountOne  string `toml:"operation_count_one" ph:"n"` // a line without services: its one operation (or none)
	OperationCount     string `toml:"operation_count" ph:"n"`     // a line without services: its operations
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
