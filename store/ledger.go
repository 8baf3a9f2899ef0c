package store

// The ledger's tables as the store writes and reads them. Each table's columns are declared once
// here, next to its row function (the values of a booked fact, in the columns' order) and, where
// the store reads the table back into the ledger's types, its scan function: SaveBook's inserts,
// the LOAD DATA of MySQL, the INSERT … SELECT of SQLite and the loads (bookload.go,
// statements.go) are all built from these lists. A new column is added to the list, the row
// and the scan together.
//
// A scan reads a table's columns without those its query selects on (read), in the same order.

import (
	"database/sql"
	"slices"
	"strings"
	"time"

	sb "savbilling"
)

// columns are the columns of a ledger table, in the order of its rows' values.
type columns []string

// list writes the columns as a SQL list, each name after prefix ("l." for an alias).
func (c columns) list(prefix string) string { return prefix + strings.Join(c, ", "+prefix) }

// without is c less the columns named, in the same order.
func (c columns) without(names ...string) columns {
	return slices.DeleteFunc(slices.Clone(c), func(s string) bool { return slices.Contains(names, s) })
}

// as is c with the columns of subst replaced by the SQL expression given there.
func (c columns) as(subst map[string]string) columns {
	out := slices.Clone(c)
	for i, s := range out {
		if e, ok := subst[s]; ok {
			out[i] = e
		}
	}
	return out
}

// sb_periods: one row per closed period.

// periodCols are the columns of sb_periods.
var periodCols = columns{"period", "start_utc", "end_utc", "closed_at", "issued_on", "issuer_json", "rules_version", "einvoice_version"}

// periodRow is the sb_periods row of period p, closed at closedAt and issued on issuedOn by the
// issuer issuerJSON under the rules and e-invoice versions given.
func periodRow(p sb.Period, closedAt, issuedOn time.Time, issuerJSON string, rules, einvoice int) []any {
	return []any{p.String(), sqlTime(p.Start(sb.Paris)), sqlTime(p.End(sb.Paris)), sqlTime(closedAt), sqlDate(issuedOn),
		issuerJSON, rules, einvoice}
}

// periodInsert inserts a row of sb_periods.
var periodInsert = "INSERT INTO sb_periods (" + periodCols.list("") + ") VALUES (?" + strings.Repeat(", ?", len(periodCols)-1) + ")"

// sb_commissions: one row per booked intervention.

// commissionCols are the columns of sb_commissions (and of the summed lines' LOAD DATA text).
var commissionCols = columns{"intervention_id", "period", "repairer_id", "kind", "city", "closed_at", "operations", "services",
	"amount_cents", "late"}

func commissionRow(p string, c *sb.CommissionLine) []any {
	return []any{c.InterventionID, p, c.RepairerID, c.Kind, c.City, sqlTime(c.ClosedAt), c.Operations,
		c.Services, c.AmountCents, boolInt(c.Late)}
}

// commissionRead are the columns of sb_commissions that scanCommission reads.
var commissionRead = commissionCols.without("period").list("")

// scanCommission scans a commission line from the columns of commissionRead.
func scanCommission(rows *sql.Rows) (sb.CommissionLine, error) {
	var (
		c    sb.CommissionLine
		at   nullTime
		late int
	)
	if err := rows.Scan(&c.InterventionID, &c.RepairerID, &c.Kind, &c.City, &at, &c.Operations,
		&c.Services, &c.AmountCents, &late); err != nil {
		return c, err
	}
	c.ClosedAt, c.Late = at.Time, late != 0
	return c, nil
}

// sb_sav_lines: SAV charges, settlements, deductibles and adjustments.

var savLineColumns = columns{"sav_id", "period", "repairer_id", "type", "original_id", "sav_repairer_id", "city",
	"outcome", "charge_bp", "corrective_cents", "damage_cents", "amount_cents", "note", "sav_day", "original_day",
	"original_city", "before_outcome", "before_charge_bp", "before_damage_cents", "before_booked_cents",
	"earlier_statement", "policy", "deductible_cents"}

func savLineRow(p string, l *sb.SAVLine) []any {
	return []any{l.SAVID, p, l.RepairerID, string(l.Type), l.OriginalID, l.SAVRepairerID, l.City, l.Outcome,
		l.ChargeBP, l.CorrectiveCents, l.DamageCents, l.AmountCents, l.Note, l.SAVDay, l.OriginalDay,
		l.OriginalCity, l.BeforeOutcome, l.BeforeChargeBP, l.BeforeDamageCents, l.BeforeBookedCents,
		l.EarlierStatement, l.Policy, l.DeductibleCents}
}

// savLineCols are the columns of sb_sav_lines that scanSAVLine reads, each name after prefix.
func savLineCols(prefix string) string { return savLineColumns.without("period").list(prefix) }

// scanSAVLine scans a SAV line from the columns of savLineCols, then into more what follows them.
func scanSAVLine(rows *sql.Rows, more ...any) (sb.SAVLine, error) {
	var (
		l  sb.SAVLine
		tp string
	)
	dest := append([]any{&l.SAVID, &l.RepairerID, &tp, &l.OriginalID, &l.SAVRepairerID, &l.City, &l.Outcome,
		&l.ChargeBP, &l.CorrectiveCents, &l.DamageCents, &l.AmountCents, &l.Note, &l.SAVDay, &l.OriginalDay,
		&l.OriginalCity, &l.BeforeOutcome, &l.BeforeChargeBP, &l.BeforeDamageCents, &l.BeforeBookedCents,
		&l.EarlierStatement, &l.Policy, &l.DeductibleCents}, more...)
	if err := rows.Scan(dest...); err != nil {
		return l, err
	}
	l.Type = sb.SAVLineType(tp)
	return l, nil
}

// sb_installments: what each period asked of a plan and got.

var installmentCols = columns{"plan_id", "period", "repairer_id", "number", "of_n", "due_cents", "paid_cents",
	"due_indemnity_cents", "paid_indemnity_cents"}

func installmentRow(p string, l *sb.InstallmentLine) []any {
	return []any{l.PlanID, p, l.RepairerID, l.Number, l.Of, l.DueCents, l.PaidCents, l.DueIndemnityCents, l.PaidIndemnityCents}
}

// scanInstallment scans an installment from the columns of installmentCols but period.
func scanInstallment(rows *sql.Rows) (l sb.InstallmentLine, err error) {
	err = rows.Scan(&l.PlanID, &l.RepairerID, &l.Number, &l.Of, &l.DueCents, &l.PaidCents, &l.DueIndemnityCents,
		&l.PaidIndemnityCents)
	return l, err
}

// sb_statements: the self-billed statements, with their repairer's identity frozen.

var statementCols = columns{"number", "repairer_id", "period", "year", "seq", "issued_on",
	"payment_on", "name", "email", "address", "siret", "vat_number", "vat_regime", "gross_cents", "deductions_cents",
	"overflow_cents", "available_cents", "installments_cents", "net_ht_cents", "vat_rate_bp", "vat_cents",
	"net_ttc_cents", "spread_cents", "invoiced_cents", "invoice_number", "commission_lines", "legal_form",
	"postcode", "city", "country_code", "iban", "bic", "vat_on_debits",
	"reductions_cents", "indemnities_cents", "reduction_overflow_cents", "indemnity_overflow_cents",
	"installments_indemnity_cents", "payable_cents", "debit_noted_cents", "debit_note_number"}

func statementRow(p string, s *sb.Statement) []any {
	r := &s.Repairer
	return []any{s.Number, r.ID, p, s.Period.Year, seqColumn(s), sqlDate(s.IssuedOn), sqlDate(s.PaymentOn),
		r.Name, r.Email, r.Address, r.SIRET, r.VATNumber, r.VATRegime, s.GrossCents, s.DeductionsCents,
		s.OverflowCents, s.AvailableCents, s.InstallmentsCents, s.NetHTCents, s.VATRateBP, s.VATCents,
		s.NetTTCCents, s.SpreadCents, s.InvoicedCents, s.InvoiceNumber, s.CommissionCount(), r.LegalForm,
		r.Postcode, r.City, r.CountryCode, r.IBAN, r.BIC, boolInt(r.VATOnDebits),
		s.ReductionsCents, s.IndemnitiesCents, s.ReductionOverflowCents, s.IndemnityOverflowCents,
		s.InstallmentsIndemnityCents, s.PayableCents, s.DebitNotedCents, s.DebitNoteNumber}
}

// statementRead are the columns of sb_statements that scanStatement reads.
var statementRead = statementCols.without("period", "year").list("")

// scanStatement scans a statement of period from the columns of statementRead; its
// commission_lines go to UnlistedLines.
func scanStatement(rows *sql.Rows, period sb.Period) (sb.Statement, error) {
	s := sb.Statement{Period: period}
	var issued, payment nullTime
	r := &s.Repairer
	var debits int
	if err := rows.Scan(&s.Number, &r.ID, &s.Seq, &issued, &payment, &r.Name, &r.Email, &r.Address,
		&r.SIRET, &r.VATNumber, &r.VATRegime, &s.GrossCents, &s.DeductionsCents, &s.OverflowCents,
		&s.AvailableCents, &s.InstallmentsCents, &s.NetHTCents, &s.VATRateBP, &s.VATCents, &s.NetTTCCents,
		&s.SpreadCents, &s.InvoicedCents, &s.InvoiceNumber, &s.UnlistedLines, &r.LegalForm, &r.Postcode,
		&r.City, &r.CountryCode, &r.IBAN, &r.BIC, &debits, &s.ReductionsCents,
		&s.IndemnitiesCents, &s.ReductionOverflowCents, &s.IndemnityOverflowCents, &s.InstallmentsIndemnityCents,
		&s.PayableCents, &s.DebitNotedCents, &s.DebitNoteNumber); err != nil {
		return s, err
	}
	r.VATOnDebits = debits != 0
	if s.Seq < 0 { // a statement of account: outside the series (seqColumn)
		s.Seq, s.Account = 0, true
	}
	s.IssuedOn, s.PaymentOn = issued.Time, payment.Time
	return s, nil
}

// sb_invoices and sb_debit_notes: the network's overflow invoices and debit notes, with the
// repairer's identity frozen; sb_invoice_lines and sb_debit_note_lines their lines.

var invoiceCols = columns{"number", "year", "seq", "repairer_id", "period", "issued_on",
	"due_on", "name", "email", "address", "siret", "vat_number", "vat_regime", "ht_cents", "vat_rate_bp",
	"vat_cents", "ttc_cents", "legal_form", "postcode", "city", "country_code", "iban", "bic", "vat_on_debits"}

// invoiceVAT are the VAT columns of sb_invoices, which a debit note has not.
var invoiceVAT = []string{"vat_rate_bp", "vat_cents", "ttc_cents"}

// debitNoteCols are the columns of sb_debit_notes: those of an invoice without VAT.
var debitNoteCols = invoiceCols.without(invoiceVAT...)

func invoiceRow(p string, v *sb.Invoice) []any {
	r := &v.Repairer
	return []any{v.Number, v.Period.Year, v.Seq, r.ID, p, sqlDate(v.IssuedOn), sqlDate(v.DueOn), r.Name,
		r.Email, r.Address, r.SIRET, r.VATNumber, r.VATRegime, v.HTCents, v.VATRateBP, v.VATCents, v.TTCCents,
		r.LegalForm, r.Postcode, r.City, r.CountryCode, r.IBAN, r.BIC, boolInt(r.VATOnDebits)}
}

func debitNoteRow(p string, v *sb.Invoice) []any {
	r := &v.Repairer
	return []any{v.Number, v.Period.Year, v.Seq, r.ID, p, sqlDate(v.IssuedOn), sqlDate(v.DueOn), r.Name,
		r.Email, r.Address, r.SIRET, r.VATNumber, r.VATRegime, v.HTCents, r.LegalForm, r.Postcode, r.City,
		r.CountryCode, r.IBAN, r.BIC, boolInt(r.VATOnDebits)}
}

// invoiceRead are the columns of sb_invoices that scanInvoice reads; debitNoteRead those of
// sb_debit_notes, with an invoice's VAT columns as a debit note's (none, TTC = HT).
var (
	invoiceRead   = invoiceCols.without("year", "period").list("")
	debitNoteRead = invoiceCols.without("year", "period").as(map[string]string{"vat_rate_bp": "0", "vat_cents": "0", "ttc_cents": "ht_cents"}).list("")
)

// scanInvoice scans an invoice or debit note of period from the columns of invoiceRead (or
// debitNoteRead).
func scanInvoice(rows *sql.Rows, period sb.Period, kind string) (sb.Invoice, error) {
	v := sb.Invoice{Period: period, Kind: kind}
	var issued, due nullTime
	r := &v.Repairer
	var debits int
	if err := rows.Scan(&v.Number, &v.Seq, &r.ID, &issued, &due, &r.Name, &r.Email, &r.Address, &r.SIRET,
		&r.VATNumber, &r.VATRegime, &v.HTCents, &v.VATRateBP, &v.VATCents, &v.TTCCents, &r.LegalForm,
		&r.Postcode, &r.City, &r.CountryCode, &r.IBAN, &r.BIC, &debits); err != nil {
		return v, err
	}
	r.VATOnDebits = debits != 0
	v.IssuedOn, v.DueOn = issued.Time, due.Time
	return v, nil
}

// invoiceLineCols are the columns of sb_invoice_lines and sb_debit_note_lines, the first named
// after the document's number (invoice_number, note_number).
func invoiceLineCols(key string) columns {
	return columns{key, "line_no", "kind", "plan_id", "amount_cents"}
}

// invoiceLine is a line of an invoice or debit note, with its document's number and its rank.
type invoiceLine struct {
	number string
	no     int
	sb.InvoiceLine
}

func invoiceLineRow(l *invoiceLine) []any {
	return []any{l.number, l.no, l.Kind, nullStr(l.PlanID), l.AmountCents}
}

// scanInvoiceLine scans a line and its document's number from the columns of invoiceLineCols
// but line_no.
func scanInvoiceLine(rows *sql.Rows) (number string, l sb.InvoiceLine, err error) {
	var plan sql.NullString
	if err := rows.Scan(&number, &l.Kind, &plan, &l.AmountCents); err != nil {
		return "", l, err
	}
	l.PlanID = strOf(plan)
	return number, l, nil
}

// sb_plans: installment plans.

var planCols = columns{"id", "repairer_id", "created_period", "months", "total_cents", "invoiced_cents", "closed_period",
	"rules_version", "indemnity_cents", "debit_noted_cents"}

// planRow is the row of a plan created in period p.
func planRow(p string, pl *sb.Plan) []any {
	return []any{pl.ID, pl.RepairerID, p, pl.Months, pl.TotalCents, pl.InvoicedCents, nullPeriod(pl.ClosedIn),
		max(pl.RulesVersion, sb.RulesV1), pl.IndemnityCents, pl.DebitNotedCents}
}

// sb_claims: insurance claims.

var claimCols = columns{"sav_id", "period", "repairer_id", "policy", "damage_cents", "deductible_cents", "claim_cents", "adjustment"}

func claimRow(p string, c *sb.Claim) []any {
	return []any{c.SAVID, p, c.RepairerID, c.Policy, c.DamageCents, c.DeductibleCents, c.ClaimCents, boolInt(c.Adjustment)}
}

func scanClaim(rows *sql.Rows) (sb.Claim, error) {
	var (
		c   sb.Claim
		adj int
	)
	if err := rows.Scan(&c.SAVID, &c.RepairerID, &c.Policy, &c.DamageCents, &c.DeductibleCents,
		&c.ClaimCents, &adj); err != nil {
		return c, err
	}
	c.Adjustment = adj != 0
	return c, nil
}

// sb_goodwill: customer credits reported.

var goodwillCols = columns{"credit_id", "period", "sav_id", "amount_cents", "granted_at", "reason", "outcome", "borne", "fits", "note"}

func goodwillRow(p string, g *sb.Goodwill) []any {
	return []any{g.CreditID, p, g.SAVID, g.AmountCents, sqlTime(g.GrantedAt), g.Reason, g.Outcome,
		boolInt(g.BorneByNetwork), boolInt(g.Fits), g.Note}
}

func scanGoodwill(rows *sql.Rows) (sb.Goodwill, error) {
	var (
		g           sb.Goodwill
		at          nullTime
		borne, fits int
	)
	if err := rows.Scan(&g.CreditID, &g.SAVID, &g.AmountCents, &at, &g.Reason, &g.Outcome, &borne, &fits,
		&g.Note); err != nil {
		return g, err
	}
	g.GrantedAt, g.BorneByNetwork, g.Fits = at.Time, borne != 0, fits != 0
	return g, nil
}

// sb_anomalies: what a close left out or warned about, in order (seq).

var anomalyCols = columns{"period", "seq", "item", "repairer_id", "reason", "fix", "blocking"}

func anomalyRow(p string, seq int, a *sb.Anomaly) []any {
	return []any{p, seq, a.Item, a.RepairerID, a.Reason, a.Fix, boolInt(a.Blocking)}
}

func scanAnomaly(rows *sql.Rows) (sb.Anomaly, error) {
	var (
		a        sb.Anomaly
		blocking int
	)
	if err := rows.Scan(&a.Item, &a.RepairerID, &a.Reason, &a.Fix, &blocking); err != nil {
		return a, err
	}
	a.Blocking = blocking != 0
	return a, nil
}

// sb_pending: SAVs closed without a decision.

var pendingCols = columns{"period", "sav_id", "original_id", "sav_repairer_id", "closed_at", "age_days"}

func pendingRow(p string, x *sb.PendingSAV) []any {
	return []any{p, x.SAVID, x.OriginalID, x.SAVRepairerID, sqlTime(x.ClosedAt), x.AgeDays}
}

func scanPending(rows *sql.Rows) (sb.PendingSAV, error) {
	var (
		x  sb.PendingSAV
		at nullTime
	)
	if err := rows.Scan(&x.SAVID, &x.OriginalID, &x.SAVRepairerID, &at, &x.AgeDays); err != nil {
		return x, err
	}
	x.ClosedAt = at.Time
	return x, nil
}

// sb_sav_state: the decision last booked for each SAV.

var savStateCols = columns{"sav_id", "outcome", "charge_bp", "faulty_repairer_id",
	"damage_cents", "decided_at", "corrective_cents", "related_price_cents", "first_period", "last_period",
	"v1_outcome", "v1_charge_bp", "v1_faulty_repairer_id", "v1_corrective_cents"}

// savStateRow is the row of a SAV's state first booked in p; v1 its v1_ columns (v1Of).
func savStateRow(p string, st *sb.SAVState, v1 [4]any) []any {
	return []any{st.SAVID, st.Outcome, st.ChargeBP, st.FaultyRepairerID, st.DamageCents, sqlTime(st.DecidedAt),
		st.CorrectiveCents, st.RelatedPriceCents, p, p, v1[0], v1[1], v1[2], v1[3]}
}
