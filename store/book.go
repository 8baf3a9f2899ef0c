package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	sb "savbilling"
)

// checkBook refuses a book whose lines do not belong where the ledger will file them: LoadBook
// could not give it back as it was.
func checkBook(b *sb.Book) error {
	if b.Draft {
		return errors.New("a draft book is never saved")
	}
	if b.Period.IsZero() {
		return errors.New("the book has no period")
	}
	if b.ClosedAt.IsZero() || b.IssuedOn.IsZero() {
		return errors.New("the book has no ClosedAt or IssuedOn")
	}
	for _, s := range b.Statements {
		if s.Period != b.Period {
			return fmt.Errorf("statement %s is of period %s", s.Number, s.Period)
		}
		if s.Number == "" {
			return fmt.Errorf("statement of repairer %d has no number", s.Repairer.ID)
		}
		for _, l := range s.Commissions {
			if l.RepairerID != s.Repairer.ID {
				return fmt.Errorf("statement %s: commission of intervention %d is for repairer %d", s.Number, l.InterventionID, l.RepairerID)
			}
		}
		for _, l := range s.SAV {
			if l.RepairerID != s.Repairer.ID {
				return fmt.Errorf("statement %s: SAV line %d %s is for repairer %d", s.Number, l.SAVID, l.Type, l.RepairerID)
			}
		}
		for _, l := range s.Installments {
			if l.RepairerID != s.Repairer.ID {
				return fmt.Errorf("statement %s: installment of %s is for repairer %d", s.Number, l.PlanID, l.RepairerID)
			}
		}
	}
	for _, l := range b.Unlisted {
		if l.AmountCents != 0 {
			return fmt.Errorf("SAV line %d %s of %d cents for repairer %d without a statement", l.SAVID, l.Type, l.AmountCents, l.RepairerID)
		}
	}
	for _, inv := range b.Invoices {
		if inv.Period != b.Period {
			return fmt.Errorf("invoice %s is of period %s", inv.Number, inv.Period)
		}
		if inv.Number == "" {
			return fmt.Errorf("invoice of repairer %d has no number", inv.Repairer.ID)
		}
	}
	return nil
}

// booked wraps a failed insert or update of the book, flagging duplicates with ErrAlreadyBooked.
func booked(p sb.Period, err error) error {
	if isDuplicate(err) {
		return fmt.Errorf("book %s: %w: %w", p, ErrAlreadyBooked, err)
	}
	return fmt.Errorf("book %s: %w", p, err)
}

// SaveBook books b, a period's close, in the transaction: the sb_periods row, every statement with
// its commissions, SAV lines and installments, the invoices with their lines, claims, goodwill,
// anomalies (in their order), pending SAVs, the plans created by the close (CreatedIn == b.Period)
// and the closing of those it closed (ClosedIn == b.Period), and the SAV states (inserted when
// FirstPeriod == b.Period, updated otherwise). A draft book is refused.
//
// Times are stored to the second, dates as their calendar day: a book whose ClosedAt has
// sub-second precision does not come back equal from LoadBook. Every fact is keyed (intervention,
// SAV line, credit, statement and invoice numbers, …): booking one twice fails with an error
// wrapping ErrAlreadyBooked, and since SaveBook runs in WithCloseLock's transaction nothing of
// that attempt remains.
func (tx *Tx) SaveBook(ctx context.Context, b *sb.Book) error {
	if b == nil {
		return errors.New("save book: nil book")
	}
	if err := tx.Loaded(); err != nil { // the lines LoadSummedCloseInput books come first
		return err
	}
	if err := checkBook(b); err != nil {
		return fmt.Errorf("save book %s: %w", b.Period, err)
	}
	q := tx.tx
	p := b.Period.String()
	issuer, err := json.Marshal(b.Issuer)
	if err != nil {
		return fmt.Errorf("save book %s: issuer: %w", p, err)
	}
	staged, err := tx.checkSummed(b)
	if err != nil {
		return fmt.Errorf("save book %s: %w", p, err)
	}
	tx.summed = nil
	if staged {
		// LoadSummedCloseInput inserted the period's row with the lines it booked: complete it.
		res, err := q.ExecContext(ctx, `UPDATE sb_periods SET closed_at = ?, issued_on = ?, issuer_json = ?, rules_version = ?,
			einvoice_version = ? WHERE period = ?`, sqlTime(b.ClosedAt), sqlDate(b.IssuedOn), string(issuer), rulesOf(b),
			b.EInvoiceVersion, p)
		if err != nil {
			return booked(b.Period, fmt.Errorf("update sb_periods: %w", err))
		}
		if n, err := res.RowsAffected(); err != nil || n > 1 {
			return fmt.Errorf("book %s: update sb_periods: %d rows (%v)", p, n, err)
		}
	} else {
		_, err = q.ExecContext(ctx, `INSERT INTO sb_periods (period, start_utc, end_utc, closed_at, issued_on, issuer_json,
			rules_version, einvoice_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p, sqlTime(b.Period.Start(sb.Paris)),
			sqlTime(b.Period.End(sb.Paris)), sqlTime(b.ClosedAt), sqlDate(b.IssuedOn), string(issuer), rulesOf(b),
			b.EInvoiceVersion)
		if err != nil {
			return booked(b.Period, fmt.Errorf("insert into sb_periods: %w", err))
		}
	}

	// Plans first: installments refer to them.
	var created []sb.Plan
	for _, pl := range b.Plans {
		if pl.CreatedIn == b.Period {
			created = append(created, pl)
		}
	}
	err = tx.insertMany(ctx, "sb_plans",
		[]string{"id", "repairer_id", "created_period", "months", "total_cents", "invoiced_cents", "closed_period",
			"rules_version", "indemnity_cents", "debit_noted_cents"},
		len(created), func(i int) []any {
			pl := created[i]
			return []any{pl.ID, pl.RepairerID, p, pl.Months, pl.TotalCents, pl.InvoicedCents, nullPeriod(pl.ClosedIn),
				max(pl.RulesVersion, sb.RulesV1), pl.IndemnityCents, pl.DebitNotedCents}
		})
	if err != nil {
		return booked(b.Period, err)
	}
	for _, pl := range b.Plans {
		if pl.ClosedIn != b.Period || pl.CreatedIn == b.Period {
			continue
		}
		res, err := q.ExecContext(ctx, `UPDATE sb_plans SET closed_period = ?, invoiced_cents = ?, debit_noted_cents = ?
			WHERE id = ? AND closed_period IS NULL`, p, pl.InvoicedCents, pl.DebitNotedCents, pl.ID)
		if err != nil {
			return booked(b.Period, fmt.Errorf("close plan %s: %w", pl.ID, err))
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("book %s: close plan %s: no open plan of that id (%d rows, %v)", p, pl.ID, n, err)
		}
	}

	sts := b.Statements
	err = tx.insertMany(ctx, "sb_statements", []string{"number", "repairer_id", "period", "year", "seq", "issued_on",
		"payment_on", "name", "email", "address", "siret", "vat_number", "vat_regime", "gross_cents", "deductions_cents",
		"overflow_cents", "available_cents", "installments_cents", "net_ht_cents", "vat_rate_bp", "vat_cents",
		"net_ttc_cents", "spread_cents", "invoiced_cents", "invoice_number", "commission_lines", "legal_form",
		"postcode", "city", "country_code", "iban", "bic", "vat_on_debits",
		"reductions_cents", "indemnities_cents", "reduction_overflow_cents", "indemnity_overflow_cents",
		"installments_indemnity_cents", "payable_cents", "debit_noted_cents", "debit_note_number"},
		len(sts), func(i int) []any {
			s := sts[i]
			r := s.Repairer
			return []any{s.Number, r.ID, p, s.Period.Year, seqColumn(&s), sqlDate(s.IssuedOn), sqlDate(s.PaymentOn),
				r.Name, r.Email, r.Address, r.SIRET, r.VATNumber, r.VATRegime, s.GrossCents, s.DeductionsCents,
				s.OverflowCents, s.AvailableCents, s.InstallmentsCents, s.NetHTCents, s.VATRateBP, s.VATCents,
				s.NetTTCCents, s.SpreadCents, s.InvoicedCents, s.InvoiceNumber, s.CommissionCount(), r.LegalForm,
				r.Postcode, r.City, r.CountryCode, r.IBAN, r.BIC, boolInt(r.VATOnDebits),
				s.ReductionsCents, s.IndemnitiesCents, s.ReductionOverflowCents, s.IndemnityOverflowCents,
				s.InstallmentsIndemnityCents, s.PayableCents, s.DebitNotedCents, s.DebitNoteNumber}
		})
	if err != nil {
		return booked(b.Period, err)
	}

	var (
		comms []sb.CommissionLine
		savs  []sb.SAVLine
		insts []sb.InstallmentLine
	)
	for _, s := range sts {
		comms = append(comms, s.Commissions...)
		savs = append(savs, s.SAV...)
		insts = append(insts, s.Installments...)
	}
	savs = append(savs, b.Unlisted...)
	err = tx.insertMany(ctx, "sb_commissions", []string{"intervention_id", "period", "repairer_id", "kind", "city",
		"closed_at", "operations", "amount_cents", "late"},
		len(comms), func(i int) []any {
			c := comms[i]
			return []any{c.InterventionID, p, c.RepairerID, c.Kind, c.City, sqlTime(c.ClosedAt), c.Operations,
				c.AmountCents, boolInt(c.Late)}
		})
	if err != nil {
		return booked(b.Period, err)
	}
	if err := tx.saveOperations(ctx, b); err != nil {
		return err
	}
	if err := tx.saveOperationMark(ctx, b.Period); err != nil {
		return err
	}
	err = tx.insertMany(ctx, "sb_sav_lines", []string{"sav_id", "period", "repairer_id", "type", "original_id",
		"sav_repairer_id", "city", "outcome", "charge_bp", "corrective_cents", "damage_cents", "amount_cents", "note",
		"sav_day", "original_day", "original_city", "before_outcome", "before_charge_bp", "before_damage_cents",
		"before_booked_cents", "earlier_statement", "policy", "deductible_cents"},
		len(savs), func(i int) []any {
			l := savs[i]
			return []any{l.SAVID, p, l.RepairerID, string(l.Type), l.OriginalID, l.SAVRepairerID, l.City, l.Outcome,
				l.ChargeBP, l.CorrectiveCents, l.DamageCents, l.AmountCents, l.Note, l.SAVDay, l.OriginalDay,
				l.OriginalCity, l.BeforeOutcome, l.BeforeChargeBP, l.BeforeDamageCents, l.BeforeBookedCents,
				l.EarlierStatement, l.Policy, l.DeductibleCents}
		})
	if err != nil {
		return booked(b.Period, err)
	}
	err = tx.insertMany(ctx, "sb_installments", []string{"plan_id", "period", "repairer_id", "number", "of_n",
		"due_cents", "paid_cents", "due_indemnity_cents", "paid_indemnity_cents"},
		len(insts), func(i int) []any {
			l := insts[i]
			return []any{l.PlanID, p, l.RepairerID, l.Number, l.Of, l.DueCents, l.PaidCents, l.DueIndemnityCents, l.PaidIndemnityCents}
		})
	if err != nil {
		return booked(b.Period, err)
	}

	var invs, notes []sb.Invoice
	for _, v := range b.Invoices {
		if v.DebitNote() {
			notes = append(notes, v)
		} else {
			invs = append(invs, v)
		}
	}
	err = tx.insertMany(ctx, "sb_invoices", []string{"number", "year", "seq", "repairer_id", "period", "issued_on",
		"due_on", "name", "email", "address", "siret", "vat_number", "vat_regime", "ht_cents", "vat_rate_bp",
		"vat_cents", "ttc_cents", "legal_form", "postcode", "city", "country_code", "iban", "bic", "vat_on_debits"},
		len(invs), func(i int) []any {
			v := invs[i]
			r := v.Repairer
			return []any{v.Number, v.Period.Year, v.Seq, r.ID, p, sqlDate(v.IssuedOn), sqlDate(v.DueOn), r.Name,
				r.Email, r.Address, r.SIRET, r.VATNumber, r.VATRegime, v.HTCents, v.VATRateBP, v.VATCents, v.TTCCents,
				r.LegalForm, r.Postcode, r.City, r.CountryCode, r.IBAN, r.BIC, boolInt(r.VATOnDebits)}
		})
	if err != nil {
		return booked(b.Period, err)
	}
	err = tx.insertMany(ctx, "sb_debit_notes", []string{"number", "year", "seq", "repairer_id", "period", "issued_on",
		"due_on", "name", "email", "address", "siret", "vat_number", "vat_regime", "ht_cents", "legal_form",
		"postcode", "city", "country_code", "iban", "bic", "vat_on_debits"},
		len(notes), func(i int) []any {
			v := notes[i]
			r := v.Repairer
			return []any{v.Number, v.Period.Year, v.Seq, r.ID, p, sqlDate(v.IssuedOn), sqlDate(v.DueOn), r.Name,
				r.Email, r.Address, r.SIRET, r.VATNumber, r.VATRegime, v.HTCents, r.LegalForm, r.Postcode, r.City,
				r.CountryCode, r.IBAN, r.BIC, boolInt(r.VATOnDebits)}
		})
	if err != nil {
		return booked(b.Period, err)
	}
	type invLine struct {
		number string
		no     int
		sb.InvoiceLine
	}
	for _, t := range []struct {
		table, key string
		docs       []sb.Invoice
	}{{"sb_invoice_lines", "invoice_number", invs}, {"sb_debit_note_lines", "note_number", notes}} {
		var lines []invLine
		for _, v := range t.docs {
			for i, l := range v.Lines {
				lines = append(lines, invLine{v.Number, i + 1, l})
			}
		}
		err = tx.insertMany(ctx, t.table, []string{t.key, "line_no", "kind", "plan_id", "amount_cents"},
			len(lines), func(i int) []any {
				l := lines[i]
				return []any{l.number, l.no, l.Kind, nullStr(l.PlanID), l.AmountCents}
			})
		if err != nil {
			return booked(b.Period, err)
		}
	}

	cl := b.Claims
	err = tx.insertMany(ctx, "sb_claims", []string{"sav_id", "period", "repairer_id", "policy", "damage_cents",
		"deductible_cents", "claim_cents", "adjustment"},
		len(cl), func(i int) []any {
			c := cl[i]
			return []any{c.SAVID, p, c.RepairerID, c.Policy, c.DamageCents, c.DeductibleCents, c.ClaimCents,
				boolInt(c.Adjustment)}
		})
	if err != nil {
		return booked(b.Period, err)
	}
	gw := b.Goodwill
	err = tx.insertMany(ctx, "sb_goodwill", []string{"credit_id", "period", "sav_id", "amount_cents", "granted_at",
		"reason", "outcome", "borne", "fits", "note"},
		len(gw), func(i int) []any {
			g := gw[i]
			return []any{g.CreditID, p, g.SAVID, g.AmountCents, sqlTime(g.GrantedAt), g.Reason, g.Outcome,
				boolInt(g.BorneByNetwork), boolInt(g.Fits), g.Note}
		})
	if err != nil {
		return booked(b.Period, err)
	}
	an := b.Anomalies
	err = tx.insertMany(ctx, "sb_anomalies", []string{"period", "seq", "item", "repairer_id", "reason", "fix", "blocking"},
		len(an), func(i int) []any {
			a := an[i]
			return []any{p, i + 1, a.Item, a.RepairerID, a.Reason, a.Fix, boolInt(a.Blocking)}
		})
	if err != nil {
		return booked(b.Period, err)
	}
	pe := b.Pending
	err = tx.insertMany(ctx, "sb_pending", []string{"period", "sav_id", "original_id", "sav_repairer_id", "closed_at", "age_days"},
		len(pe), func(i int) []any {
			x := pe[i]
			return []any{p, x.SAVID, x.OriginalID, x.SAVRepairerID, sqlTime(x.ClosedAt), x.AgeDays}
		})
	if err != nil {
		return booked(b.Period, err)
	}

	var fresh []sb.SAVState
	for _, st := range b.SAVStates {
		if st.FirstPeriod == b.Period {
			fresh = append(fresh, st)
			continue
		}
		v1 := v1Of(b, st)
		res, err := q.ExecContext(ctx, `UPDATE sb_sav_state SET outcome = ?, charge_bp = ?, faulty_repairer_id = ?,
			damage_cents = ?, decided_at = ?, corrective_cents = ?, related_price_cents = ?, last_period = ?,
			v1_outcome = COALESCE(?, v1_outcome), v1_charge_bp = COALESCE(?, v1_charge_bp),
			v1_faulty_repairer_id = COALESCE(?, v1_faulty_repairer_id), v1_corrective_cents = COALESCE(?, v1_corrective_cents)
			WHERE sav_id = ?`, st.Outcome, st.ChargeBP, st.FaultyRepairerID, st.DamageCents, sqlTime(st.DecidedAt),
			st.CorrectiveCents, st.RelatedPriceCents, p, v1[0], v1[1], v1[2], v1[3], st.SAVID)
		if err != nil {
			return booked(b.Period, fmt.Errorf("update SAV state %d: %w", st.SAVID, err))
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			var c int
			if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM sb_sav_state WHERE sav_id = ?", st.SAVID).Scan(&c); err != nil || c != 1 {
				return fmt.Errorf("book %s: update SAV state %d: no booked state for that SAV", p, st.SAVID)
			}
		}
	}
	err = tx.insertMany(ctx, "sb_sav_state", []string{"sav_id", "outcome", "charge_bp", "faulty_repairer_id",
		"damage_cents", "decided_at", "corrective_cents", "related_price_cents", "first_period", "last_period",
		"v1_outcome", "v1_charge_bp", "v1_faulty_repairer_id", "v1_corrective_cents"},
		len(fresh), func(i int) []any {
			st := fresh[i]
			v1 := v1Of(b, st)
			return []any{st.SAVID, st.Outcome, st.ChargeBP, st.FaultyRepairerID, st.DamageCents, sqlTime(st.DecidedAt),
				st.CorrectiveCents, st.RelatedPriceCents, p, p, v1[0], v1[1], v1[2], v1[3]}
		})
	if err != nil {
		return booked(b.Period, err)
	}
	return nil
}

// v1Of is what the v1_ columns of sb_sav_state get from a state booked by b: the decision itself
// when b is booked under the rules v1 (what v1 last booked), else NULLs, which leave the columns
// as they were (a later close keeps what v1 booked).
func v1Of(b *sb.Book, st sb.SAVState) [4]any {
	if rulesOf(b) != sb.RulesV1 {
		return [4]any{nil, nil, nil, nil}
	}
	return [4]any{st.Outcome, st.ChargeBP, st.FaultyRepairerID, st.CorrectiveCents}
}

// rulesOf is the rules version a book is booked under: RulesV1 for a book that names none.
func rulesOf(b *sb.Book) int { return max(b.RulesVersion, sb.RulesV1) }

// seqColumn is the sb_statements.seq of a statement: its number in the repairer's series, or for a
// statement of account (outside the series) minus its month, so that the key (repairer_id, year,
// seq) still holds one statement of account a month and MAX(seq) over positive values the series.
func seqColumn(s *sb.Statement) int {
	if s.Account {
		return -int(s.Period.Month)
	}
	return s.Seq
}

// LoadBook rebuilds the book of closed period p from the ledger tables alone (never the source
// tables), as SaveBook was given it, except SAVStates (nil) and Draft (false). Lists come back in
// the order the Book documents (statements by repairer id, commissions by intervention id, SAV
// lines by SAV id then charge, règlement amiable, franchise, ajustement, installments by plan id,
// invoices by number, their lines in order, claims by SAV id, goodwill by credit id, anomalies in
// their saved order, pending by SAV id); empty lists are nil. Plans are as they stood after the
// close of p: the plans open before p or created in p, with the installments paid up to p and an
// invoiced balance only if closed by p. Times are UTC, dates midnight UTC. For a period that is
// not closed, the error wraps ErrNotClosed.
func (d *DB) LoadBook(ctx context.Context, p sb.Period) (*sb.Book, error) {
	var b *sb.Book
	err := d.ReadTx(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		b, err = tx.LoadBook(ctx, p)
		return err
	})
	return b, err
}

// LoadBook is DB.LoadBook inside a transaction (for instance right after SaveBook, in the close's).
func (tx *Tx) LoadBook(ctx context.Context, p sb.Period) (*sb.Book, error) {
	b, err := tx.loadBook(ctx, p, LinesListed)
	if err != nil {
		return nil, fmt.Errorf("load book %s: %w", p, err)
	}
	return b, nil
}

// lineRank orders the SAV lines of one SAV.
var lineRank = map[sb.SAVLineType]int{
	sb.LineCharge: 0, sb.LineNotCharged: 0, sb.LineSettlement: 1, sb.LineDeductible: 2,
	sb.LineAdjustment: 3, sb.LineIndemnityAdjustment: 4,
}

func rankOf(t sb.SAVLineType) int {
	if r, ok := lineRank[t]; ok {
		return r
	}
	return len(lineRank)
}

// LoadBookHead is LoadBook without the statements (Statements is nil): the invoices, plans,
// claims, goodwill, anomalies and pending SAVs, whose number does not grow with the network's
// size, with the book's totals (Book.Totals), its statements and SAV lines summed by the
// database. EachStatement reads the statements, a batch at a time.
func (d *DB) LoadBookHead(ctx context.Context, p sb.Period) (*sb.Book, sb.Totals, error) {
	var (
		b *sb.Book
		t sb.Totals
	)
	err := d.ReadTx(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		b, t, err = tx.loadBookHead(ctx, p)
		return err
	})
	return b, t, err
}

// LoadBookTotals returns the totals of closed period p (Book.Totals), its statements and SAV
// lines summed by the database (ErrNotClosed if it is not closed).
func (d *DB) LoadBookTotals(ctx context.Context, p sb.Period) (sb.Totals, error) {
	_, t, err := d.LoadBookHead(ctx, p)
	return t, err
}

func (tx *Tx) loadBookHead(ctx context.Context, p sb.Period) (*sb.Book, sb.Totals, error) {
	var t sb.Totals
	b, err := tx.loadBook(ctx, p, statementsNone)
	if err == nil {
		err = tx.sumStatements(ctx, p, &t)
	}
	if err != nil {
		return nil, t, fmt.Errorf("load book %s: %w", p, err)
	}
	t.AddRest(b)
	return b, t, nil
}

// sumStatements adds the statements of p and their SAV lines to t, as Book.Totals sums them.
func (tx *Tx) sumStatements(ctx context.Context, p sb.Period, t *sb.Totals) error {
	err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(gross_cents), 0),
		COALESCE(SUM(deductions_cents), 0), COALESCE(SUM(installments_cents), 0), COALESCE(SUM(net_ht_cents), 0),
		COALESCE(SUM(vat_cents), 0), COALESCE(SUM(net_ttc_cents), 0), COALESCE(SUM(spread_cents), 0),
		COALESCE(SUM(overflow_cents), 0), COALESCE(SUM(reductions_cents), 0), COALESCE(SUM(indemnities_cents), 0),
		COALESCE(SUM(installments_indemnity_cents), 0), COALESCE(SUM(indemnity_overflow_cents), 0),
		COALESCE(SUM(payable_cents), 0) FROM sb_statements WHERE period = ?`, p.String()).
		Scan(&t.Statements, &t.GrossCents, &t.DeductionsCents, &t.InstallmentsCents, &t.NetCents, &t.VATCents,
			&t.NetTTCCents, &t.SpreadCents, &t.OverflowCents, &t.ReductionsCents, &t.IndemnitiesCents,
			&t.InstallmentsIndemnityCents, &t.IndemnityOverflowCents, &t.PayableCents)
	if err != nil {
		return fmt.Errorf("sum sb_statements: %w", err)
	}
	return each(ctx, tx.tx, "SAV line sums", `SELECT type, COALESCE(SUM(amount_cents), 0) FROM sb_sav_lines
		WHERE period = ? GROUP BY type`, []any{p.String()}, func(rows *sql.Rows) error {
		var (
			tp  string
			sum int64
		)
		if err := rows.Scan(&tp, &sum); err != nil {
			return err
		}
		t.AddSAV(sb.SAVLineType(tp), sum)
		return nil
	})
}

// Statement batches: EachStatement reads this many statements at a time, about 1.3 MB with their
// commission lines at L's size (about 50 a statement), 0.5 MB without. Smaller batches cost more
// queries: at L, batches of 64 and 256 took 4.3 s and 1.3 s to read every statement with its
// lines listed and counted, against 3.4 s and 1.1 s. Variables for the tests.
var (
	statementBatchListed = 256
	statementBatch       = 512
)

// EachStatement calls fn with every statement of closed period p, in order (ascending repairer
// id), each with its SAV lines (ascending SAV id, then type) and installments, and with its
// commission lines as lines says: listed (ascending intervention id) or counted (in
// Statement.UnlistedLines); RowsOnly reads the statements' rows alone, without any line. It reads
// a batch of statements at a time (their rows, then their lines), the next batch while fn is
// given the current one, all in one read transaction: memory holds two batches whatever the
// network's size, and no query is left open while fn runs. NumbersOnly reads every statement's
// repairer and number in one query first (about 50 bytes a statement), then gives them to fn. fn
// may keep the statement. It stops at fn's first error; ErrNotClosed if p is not closed.
func (d *DB) EachStatement(ctx context.Context, p sb.Period, lines Lines, fn func(*sb.Statement) error) error {
	if lines != LinesListed && lines != LinesCounted && lines != RowsOnly && lines != NumbersOnly {
		return fmt.Errorf("read the statements of %s: lines %d", p, lines)
	}
	return d.ReadTx(ctx, func(ctx context.Context, tx *Tx) error {
		var closed int
		err := tx.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM sb_periods WHERE period = ?", p.String()).Scan(&closed)
		if err == nil && closed == 0 {
			err = ErrNotClosed
		}
		if err == nil {
			err = tx.eachStatement(ctx, p, lines, fn)
		}
		if err != nil {
			return fmt.Errorf("read the statements of %s: %w", p, err)
		}
		return nil
	})
}

// eachStatement is EachStatement in tx. A goroutine reads the next batch while fn is given the
// current one, so that reading overlaps fn's work: memory holds two batches at most.
func (tx *Tx) eachStatement(ctx context.Context, p sb.Period, lines Lines, fn func(*sb.Statement) error) error {
	if lines == NumbersOnly {
		return tx.eachNumber(ctx, p, fn)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []sb.Statement)
	var readErr error
	read := make(chan struct{})
	go func() {
		defer close(read)
		defer close(batches)
		readErr = tx.statementBatches(ctx, p, lines, func(b []sb.Statement) error {
			select {
			case batches <- b:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	var fnErr error
	for batch := range batches {
		for i := 0; i < len(batch) && fnErr == nil; i++ {
			if fnErr = fn(&batch[i]); fnErr != nil {
				cancel() // the reading stops; the loop drains what it sent
			}
		}
	}
	<-read
	if fnErr != nil {
		return fnErr
	}
	return readErr
}

// eachNumber is eachStatement with NumbersOnly.
func (tx *Tx) eachNumber(ctx context.Context, p sb.Period, fn func(*sb.Statement) error) error {
	type numbered struct {
		repairer int64
		number   string
	}
	var all []numbered
	err := each(ctx, tx.tx, "statement numbers", `SELECT repairer_id, number FROM sb_statements WHERE period = ?
		ORDER BY repairer_id`, []any{p.String()}, func(rows *sql.Rows) error {
		var n numbered
		err := rows.Scan(&n.repairer, &n.number)
		all = append(all, n)
		return err
	})
	if err != nil {
		return err
	}
	for _, n := range all {
		s := &sb.Statement{Period: p, Number: n.number}
		s.Repairer.ID = n.repairer
		if err := fn(s); err != nil {
			return err
		}
	}
	return nil
}

// statementBatches reads the statements of p a batch at a time, in order, and gives each batch
// to emit.
func (tx *Tx) statementBatches(ctx context.Context, p sb.Period, lines Lines, emit func([]sb.Statement) error) error {
	size := statementBatch
	if lines == LinesListed {
		size = statementBatchListed
	}
	ids := make([]int64, 0, size)
	after := int64(math.MinInt64)
	for {
		ids = ids[:0]
		err := each(ctx, tx.tx, "statement batch", `SELECT repairer_id FROM sb_statements
			WHERE period = ? AND repairer_id > ? ORDER BY repairer_id LIMIT `+strconv.Itoa(size),
			[]any{p.String(), after}, func(rows *sql.Rows) error {
				var id int64
				if err := rows.Scan(&id); err != nil {
					return err
				}
				ids = append(ids, id)
				return nil
			})
		if err != nil || len(ids) == 0 {
			return err
		}
		batch, err := tx.statementsIn(ctx, p, " AND repairer_id BETWEEN ? AND ?", []any{ids[0], ids[len(ids)-1]}, lines, nil)
		if err != nil {
			return err
		}
		if len(batch) != len(ids) {
			return fmt.Errorf("statements of repairers %d to %d: %d read, %d listed", ids[0], ids[len(ids)-1], len(batch), len(ids))
		}
		if err := emit(batch); err != nil {
			return err
		}
		after = ids[len(ids)-1]
		if len(ids) < size {
			return nil
		}
	}
}

// savLineOrder orders a period's SAV lines as the workbook lists them: by SAV, then by repairer,
// then by type (lineRank's order).
var savLineOrder = func() string {
	types := slices.Collect(maps.Keys(lineRank))
	slices.SortFunc(types, func(x, y sb.SAVLineType) int { return lineRank[x] - lineRank[y] })
	var b strings.Builder
	b.WriteString("l.sav_id, l.repairer_id, CASE l.type")
	for _, t := range types {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", strings.ReplaceAll(string(t), "'", "''"), lineRank[t])
	}
	fmt.Fprintf(&b, " ELSE %d END, l.type", len(lineRank))
	return b.String()
}()

// EachSAVLine calls fn with every SAV line of closed period p, by ascending SAV id, then
// repairer id, then type (charge or non imputé, settlement, deductible, adjustment, indemnity
// adjustment), with the name of the charged repairer and the number of their statement ("" and ""
// for a line that charges nothing of a repairer without a statement), in one streaming query. It stops at fn's
// first error.
func (d *DB) EachSAVLine(ctx context.Context, p sb.Period, fn func(l *sb.SAVLine, name, statement string) error) error {
	return d.ReadTx(ctx, func(ctx context.Context, tx *Tx) error {
		err := each(ctx, tx.tx, "SAV lines", `SELECT `+savLineCols("l.")+`, s.name, s.number
			FROM sb_sav_lines l LEFT JOIN sb_statements s ON s.period = l.period AND s.repairer_id = l.repairer_id
			WHERE l.period = ? ORDER BY `+savLineOrder, []any{p.String()},
			func(rows *sql.Rows) error {
				var name, number sql.NullString
				l, err := scanSAVLine(rows, &name, &number)
				if err != nil {
					return err
				}
				if !number.Valid && l.AmountCents != 0 {
					return fmt.Errorf("SAV line of repairer %d has no statement", l.RepairerID)
				}
				return fn(&l, name.String, number.String) // a line that charges nothing may have none
			})
		if err != nil {
			return fmt.Errorf("read the SAV lines of %s: %w", p, err)
		}
		return nil
	})
}

// savLineCols are the columns of sb_sav_lines that scanSAVLine reads, each name after prefix.
func savLineCols(prefix string) string {
	cols := []string{"sav_id", "repairer_id", "type", "original_id", "sav_repairer_id", "city", "outcome",
		"charge_bp", "corrective_cents", "damage_cents", "amount_cents", "note", "sav_day", "original_day",
		"original_city", "before_outcome", "before_charge_bp", "before_damage_cents", "before_booked_cents",
		"earlier_statement", "policy", "deductible_cents"}
	return prefix + strings.Join(cols, ", "+prefix)
}

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

// partyExtraCols are the optional identity columns frozen on sb_statements and sb_invoices
// (migration 20), in the order the loads scan them.
const partyExtraCols = "legal_form, postcode, city, country_code, iban, bic, vat_on_debits"

// commissionCols are the columns of sb_commissions that scanCommission reads.
const commissionCols = "intervention_id, repairer_id, kind, city, closed_at, operations, amount_cents, late"

// scanCommission scans a commission line from the columns of commissionCols.
func scanCommission(rows *sql.Rows) (sb.CommissionLine, error) {
	var (
		c    sb.CommissionLine
		at   nullTime
		late int
	)
	if err := rows.Scan(&c.InterventionID, &c.RepairerID, &c.Kind, &c.City, &at, &c.Operations,
		&c.AmountCents, &late); err != nil {
		return c, err
	}
	c.ClosedAt, c.Late = at.Time, late != 0
	return c, nil
}

// Lines says what is read of the statements' commission lines.
type Lines int

const (
	LinesListed    Lines = iota // every line, in Statement.Commissions
	LinesCounted                // their number per statement, in Statement.UnlistedLines (kept on the statement's row)
	RowsOnly                    // the statements' own rows (lines counted, as LinesCounted): no commission line, SAV line or installment
	NumbersOnly                 // each statement's repairer id and number alone (Repairer.ID, Number), read at once: to name their files
	statementsNone              // no statement at all (EachStatement reads them)
)

func (tx *Tx) loadBook(ctx context.Context, period sb.Period, lines Lines) (*sb.Book, error) {
	q := tx.tx
	p := period.String()
	b := &sb.Book{Period: period}
	var (
		closedAt, issuedOn nullTime
		issuer             string
	)
	err := q.QueryRowContext(ctx, "SELECT closed_at, issued_on, issuer_json, rules_version, einvoice_version FROM sb_periods WHERE period = ?", p).
		Scan(&closedAt, &issuedOn, &issuer, &b.RulesVersion, &b.EInvoiceVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotClosed
	}
	if err != nil {
		return nil, fmt.Errorf("read sb_periods: %w", err)
	}
	b.ClosedAt, b.IssuedOn = closedAt.Time, issuedOn.Time
	if err := json.Unmarshal([]byte(issuer), &b.Issuer); err != nil {
		return nil, fmt.Errorf("sb_periods.issuer_json: %w", err)
	}

	if lines != statementsNone {
		if b.Statements, err = tx.statementsIn(ctx, period, "", nil, lines, &b.Unlisted); err != nil {
			return nil, err
		}
	}

	for _, d := range []struct {
		kind, table, lines, key, vat string
	}{
		{sb.DocInvoice, "sb_invoices", "sb_invoice_lines", "invoice_number", "vat_rate_bp, vat_cents, ttc_cents"},
		{sb.DocDebitNote, "sb_debit_notes", "sb_debit_note_lines", "note_number", "0, 0, ht_cents"},
	} {
		byNumber := map[string]int{}
		err = each(ctx, q, d.table, `SELECT number, seq, repairer_id, issued_on, due_on, name, email, address, siret,
			vat_number, vat_regime, ht_cents, `+d.vat+`, `+partyExtraCols+` FROM `+d.table+` WHERE period = ? ORDER BY number`, []any{p},
			func(rows *sql.Rows) error {
				v := sb.Invoice{Period: period, Kind: d.kind}
				var issued, due nullTime
				r := &v.Repairer
				var debits int
				if err := rows.Scan(&v.Number, &v.Seq, &r.ID, &issued, &due, &r.Name, &r.Email, &r.Address, &r.SIRET,
					&r.VATNumber, &r.VATRegime, &v.HTCents, &v.VATRateBP, &v.VATCents, &v.TTCCents, &r.LegalForm,
					&r.Postcode, &r.City, &r.CountryCode, &r.IBAN, &r.BIC, &debits); err != nil {
					return err
				}
				r.VATOnDebits = debits != 0
				v.IssuedOn, v.DueOn = issued.Time, due.Time
				byNumber[v.Number] = len(b.Invoices)
				b.Invoices = append(b.Invoices, v)
				return nil
			})
		if err != nil {
			return nil, err
		}
		err = each(ctx, q, d.lines, `SELECT l.`+d.key+`, l.kind, l.plan_id, l.amount_cents
			FROM `+d.lines+` l JOIN `+d.table+` v ON v.number = l.`+d.key+` WHERE v.period = ?
			ORDER BY l.`+d.key+`, l.line_no`, []any{p},
			func(rows *sql.Rows) error {
				var (
					number string
					l      sb.InvoiceLine
					plan   sql.NullString
				)
				if err := rows.Scan(&number, &l.Kind, &plan, &l.AmountCents); err != nil {
					return err
				}
				l.PlanID = strOf(plan)
				i, ok := byNumber[number]
				if !ok {
					return fmt.Errorf("line of unknown %s %s", d.kind, number)
				}
				b.Invoices[i].Lines = append(b.Invoices[i].Lines, l)
				return nil
			})
		if err != nil {
			return nil, err
		}
	}

	if err := tx.invoicedStatements(ctx, p, b.Invoices); err != nil {
		return nil, err
	}

	err = each(ctx, q, "plans", `SELECT p.id, p.repairer_id, p.created_period, p.months, p.total_cents,
		p.invoiced_cents, p.closed_period, p.rules_version, p.indemnity_cents, p.debit_noted_cents,
		COALESCE((SELECT SUM(x.paid_cents) FROM sb_installments x WHERE x.plan_id = p.id AND x.period < ?), 0),
		COALESCE((SELECT SUM(x.paid_cents) FROM sb_installments x WHERE x.plan_id = p.id AND x.period <= ?), 0),
		COALESCE((SELECT SUM(x.paid_indemnity_cents) FROM sb_installments x WHERE x.plan_id = p.id AND x.period <= ?), 0)
		FROM sb_plans p WHERE p.created_period <= ? AND (p.closed_period IS NULL OR p.closed_period >= ?)
		ORDER BY p.created_period, p.repairer_id`, []any{p, p, p, p, p},
		func(rows *sql.Rows) error {
			var (
				pl                 sb.Plan
				created            string
				closed             sql.NullString
				invoiced, noted    int64
				paidBefore, paidBy int64
			)
			if err := rows.Scan(&pl.ID, &pl.RepairerID, &created, &pl.Months, &pl.TotalCents, &invoiced, &closed,
				&pl.RulesVersion, &pl.IndemnityCents, &noted, &paidBefore, &paidBy, &pl.PaidIndemnityCents); err != nil {
				return err
			}
			var err error
			if pl.CreatedIn, err = sb.ParsePeriod(created); err != nil {
				return fmt.Errorf("plan %s: %w", pl.ID, err)
			}
			if pl.CreatedIn != period && pl.TotalCents-paidBefore <= 0 {
				return nil // settled before p
			}
			pl.PaidCents = paidBy
			if closed.Valid && closed.String <= p {
				if pl.ClosedIn, err = sb.ParsePeriod(closed.String); err != nil {
					return fmt.Errorf("plan %s: %w", pl.ID, err)
				}
				pl.InvoicedCents, pl.DebitNotedCents = invoiced, noted
			}
			b.Plans = append(b.Plans, pl)
			return nil
		})
	if err != nil {
		return nil, err
	}

	err = each(ctx, q, "claims", `SELECT sav_id, repairer_id, policy, damage_cents, deductible_cents, claim_cents,
		adjustment FROM sb_claims WHERE period = ? ORDER BY sav_id`, []any{p},
		func(rows *sql.Rows) error {
			var (
				c   sb.Claim
				adj int
			)
			if err := rows.Scan(&c.SAVID, &c.RepairerID, &c.Policy, &c.DamageCents, &c.DeductibleCents,
				&c.ClaimCents, &adj); err != nil {
				return err
			}
			c.Adjustment = adj != 0
			b.Claims = append(b.Claims, c)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = each(ctx, q, "goodwill", `SELECT credit_id, sav_id, amount_cents, granted_at, reason, outcome, borne, fits,
		note FROM sb_goodwill WHERE period = ? ORDER BY credit_id`, []any{p},
		func(rows *sql.Rows) error {
			var (
				g           sb.Goodwill
				at          nullTime
				borne, fits int
			)
			if err := rows.Scan(&g.CreditID, &g.SAVID, &g.AmountCents, &at, &g.Reason, &g.Outcome, &borne, &fits,
				&g.Note); err != nil {
				return err
			}
			g.GrantedAt, g.BorneByNetwork, g.Fits = at.Time, borne != 0, fits != 0
			b.Goodwill = append(b.Goodwill, g)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = each(ctx, q, "anomalies", `SELECT item, repairer_id, reason, fix, blocking FROM sb_anomalies
		WHERE period = ? ORDER BY seq`, []any{p},
		func(rows *sql.Rows) error {
			var (
				a        sb.Anomaly
				blocking int
			)
			if err := rows.Scan(&a.Item, &a.RepairerID, &a.Reason, &a.Fix, &blocking); err != nil {
				return err
			}
			a.Blocking = blocking != 0
			b.Anomalies = append(b.Anomalies, a)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = each(ctx, q, "pending SAVs", `SELECT sav_id, original_id, sav_repairer_id, closed_at, age_days
		FROM sb_pending WHERE period = ? ORDER BY sav_id`, []any{p},
		func(rows *sql.Rows) error {
			var (
				x  sb.PendingSAV
				at nullTime
			)
			if err := rows.Scan(&x.SAVID, &x.OriginalID, &x.SAVRepairerID, &at, &x.AgeDays); err != nil {
				return err
			}
			x.ClosedAt = at.Time
			b.Pending = append(b.Pending, x)
			return nil
		})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// statementsIn reads the statements of closed period p whose repairer_id also meets inRange (""
// for all, else " AND repairer_id BETWEEN ? AND ?" with rangeArgs), ascending repairer id, with
// their SAV lines (ascending SAV id, then type), their installments, and their commission lines
// as lines says.
//
// A SAV line that charges nothing of a repairer without a statement (Book.Unlisted) is added to
// *unlisted, or skipped when unlisted is nil.
func (tx *Tx) statementsIn(ctx context.Context, period sb.Period, inRange string, rangeArgs []any, lines Lines, unlisted *[]sb.SAVLine) ([]sb.Statement, error) {
	q := tx.tx
	p := period.String()
	args := append([]any{p}, rangeArgs...)
	var out []sb.Statement
	byRepairer := map[int64]int{}
	err := each(ctx, q, "statements", `SELECT number, repairer_id, seq, issued_on, payment_on, name, email, address,
		siret, vat_number, vat_regime, gross_cents, deductions_cents, overflow_cents, available_cents,
		installments_cents, net_ht_cents, vat_rate_bp, vat_cents, net_ttc_cents, spread_cents, invoiced_cents,
		invoice_number, commission_lines, `+partyExtraCols+`, reductions_cents, indemnities_cents,
		reduction_overflow_cents, indemnity_overflow_cents, installments_indemnity_cents, payable_cents,
		debit_noted_cents, debit_note_number FROM sb_statements WHERE period = ?`+inRange+` ORDER BY repairer_id`, args,
		func(rows *sql.Rows) error {
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
				return err
			}
			r.VATOnDebits = debits != 0
			if s.Seq < 0 { // a statement of account: outside the series (seqColumn)
				s.Seq, s.Account = 0, true
			}
			s.IssuedOn, s.PaymentOn = issued.Time, payment.Time
			byRepairer[r.ID] = len(out)
			out = append(out, s)
			return nil
		})
	if err != nil {
		return nil, err
	}
	if lines == RowsOnly {
		return out, nil // with their lines counted, as LinesCounted
	}
	statementOf := func(rid int64, what string) (*sb.Statement, error) {
		i, ok := byRepairer[rid]
		if !ok {
			return nil, fmt.Errorf("%s of repairer %d has no statement", what, rid)
		}
		return &out[i], nil
	}

	if lines == LinesListed {
		// The row's count (commission_lines) becomes the lines listed, which must match it. The
		// batch's lines share one array, each statement's slice with room for its count.
		total := 0
		for i := range out {
			total += max(0, out[i].UnlistedLines)
		}
		all := make([]sb.CommissionLine, 0, total)
		for i := range out {
			if n := max(0, out[i].UnlistedLines); n > 0 { // none: nil, as a book in memory has it
				out[i].Commissions = all[len(all) : len(all) : len(all)+n]
				all = all[:len(all)+n]
			}
		}
		err = attach(ctx, q, "commission", "SELECT "+commissionCols+` FROM sb_commissions WHERE period = ?`+inRange+`
			ORDER BY repairer_id, intervention_id`, args, scanCommission, statementOf,
			func(c sb.CommissionLine) int64 { return c.RepairerID },
			func(s *sb.Statement, c sb.CommissionLine) { s.Commissions = append(s.Commissions, c) })
		for i := 0; i < len(out) && err == nil; i++ {
			s := &out[i]
			if len(s.Commissions) != s.UnlistedLines {
				err = fmt.Errorf("statement %s: %d commission lines booked, its row says %d (sb_statements.commission_lines)",
					s.Number, len(s.Commissions), s.UnlistedLines)
			}
			s.UnlistedLines = 0
		}
	}
	if err != nil {
		return nil, err
	}

	err = attach(ctx, q, "SAV line", "SELECT "+savLineCols("")+` FROM sb_sav_lines WHERE period = ?`+inRange+`
		ORDER BY repairer_id, sav_id`, args, func(rows *sql.Rows) (l sb.SAVLine, err error) {
		if l, err = scanSAVLine(rows); err == nil && l.AmountCents == 0 {
			if _, ok := byRepairer[l.RepairerID]; !ok {
				if unlisted != nil {
					*unlisted = append(*unlisted, l)
				}
				l.RepairerID = unattached
			}
		}
		return l, err
	}, statementOf,
		func(l sb.SAVLine) int64 { return l.RepairerID },
		func(s *sb.Statement, l sb.SAVLine) { s.SAV = append(s.SAV, l) })
	if err != nil {
		return nil, err
	}
	for i := range out {
		sav := out[i].SAV
		sort.SliceStable(sav, func(x, y int) bool {
			if sav[x].SAVID != sav[y].SAVID {
				return sav[x].SAVID < sav[y].SAVID
			}
			return rankOf(sav[x].Type) < rankOf(sav[y].Type)
		})
	}

	err = attach(ctx, q, "installment", `SELECT plan_id, repairer_id, number, of_n, due_cents, paid_cents,
		due_indemnity_cents, paid_indemnity_cents FROM sb_installments WHERE period = ?`+inRange+` ORDER BY repairer_id, plan_id`, args,
		func(rows *sql.Rows) (l sb.InstallmentLine, err error) {
			err = rows.Scan(&l.PlanID, &l.RepairerID, &l.Number, &l.Of, &l.DueCents, &l.PaidCents, &l.DueIndemnityCents,
				&l.PaidIndemnityCents)
			return l, err
		}, statementOf,
		func(l sb.InstallmentLine) int64 { return l.RepairerID },
		func(s *sb.Statement, l sb.InstallmentLine) {
			s.Installments = append(s.Installments, l)
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// attach reads the lines query returns, each scanned by scan, and adds each to the statement of
// its repairer (statementOf, told what the line is); a line without a statement is an error.
func attach[L any](ctx context.Context, q querier, what, query string, args []any,
	scan func(*sql.Rows) (L, error), statementOf func(repairer int64, what string) (*sb.Statement, error),
	repairer func(L) int64, add func(*sb.Statement, L)) error {
	return each(ctx, q, what+"s", query, args, func(rows *sql.Rows) error {
		l, err := scan(rows)
		if err != nil {
			return err
		}
		if repairer(l) == unattached {
			return nil // scan kept it elsewhere
		}
		s, err := statementOf(repairer(l), what)
		if err != nil {
			return err
		}
		add(s, l)
		return nil
	})
}

// invoicedStatements reads, for each invoice and debit note of period p, the statement its
// overflow comes from (Invoice.Statement): its number, totals and SAV lines, in the order
// EachStatement reads them. A document without a statement keeps nil.
func (tx *Tx) invoicedStatements(ctx context.Context, p string, invoices []sb.Invoice) error {
	if len(invoices) == 0 {
		return nil
	}
	byRepairer := make(map[int64]*sb.InvoicedStatement, len(invoices))
	err := each(ctx, tx.tx, "statements of the invoices", `SELECT s.repairer_id, s.number, s.gross_cents,
		s.deductions_cents, s.overflow_cents, s.reductions_cents, s.indemnities_cents, s.net_ttc_cents,
		s.reduction_overflow_cents, s.indemnity_overflow_cents FROM sb_statements s
		WHERE s.period = ? AND s.repairer_id IN (`+invoicedRepairers+`)`,
		[]any{p, p, p}, func(rows *sql.Rows) error {
			var (
				id int64
				st sb.InvoicedStatement
			)
			if err := rows.Scan(&id, &st.Number, &st.GrossCents, &st.DeductionsCents, &st.OverflowCents,
				&st.ReductionsCents, &st.IndemnitiesCents, &st.NetTTCCents, &st.ReductionOverflowCents,
				&st.IndemnityOverflowCents); err != nil {
				return err
			}
			byRepairer[id] = &st
			return nil
		})
	if err != nil {
		return err
	}
	err = each(ctx, tx.tx, "SAV lines of the invoices", `SELECT `+savLineCols("l.")+` FROM sb_sav_lines l
		WHERE l.period = ? AND l.repairer_id IN (`+invoicedRepairers+`)
		ORDER BY l.repairer_id, `+savLineOrder, []any{p, p, p}, func(rows *sql.Rows) error {
		l, err := scanSAVLine(rows)
		if err != nil {
			return err
		}
		if st := byRepairer[l.RepairerID]; st != nil {
			st.SAV = append(st.SAV, l)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := range invoices {
		invoices[i].Statement = byRepairer[invoices[i].Repairer.ID]
	}
	return nil
}

// invoicedRepairers selects the repairers with an invoice or a debit note in a period (two
// parameters: the period twice).
const invoicedRepairers = `SELECT v.repairer_id FROM sb_invoices v WHERE v.period = ?
		UNION SELECT n.repairer_id FROM sb_debit_notes n WHERE n.period = ?`

// unattached is the repairer id scan gives a line that belongs to no statement, for attach to skip.
const unattached = math.MinInt64
