package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

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
// FirstPeriod == b.Period, updated otherwise). A draft book is refused. When the close was read in
// the transaction, it also stores the look-back's fingerprints of the source tables and the ids
// the close left unsettled (lookback.go).
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
	// What the close read of the source tables, for the next close's look-back (lookback.go).
	return tx.saveLookback(ctx, b)
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
