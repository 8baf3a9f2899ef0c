package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

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
	if err := tx.savePeriod(ctx, b); err != nil {
		return err
	}
	// Plans first: installments refer to them.
	for _, step := range []func(context.Context, *sb.Book) error{
		tx.savePlans, tx.saveStatements, tx.saveOperations, tx.saveOperationMarkOf, tx.saveStatementLines,
		tx.saveInvoices, tx.saveFindings, tx.saveSAVStates,
		tx.saveLookback, // what the close read of the source tables, for the next close's look-back (lookback.go)
	} {
		if err := step(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

// savePeriod books the sb_periods row of b, or completes the one LoadSummedCloseInput inserted
// with the lines it booked.
func (tx *Tx) savePeriod(ctx context.Context, b *sb.Book) error {
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
	if !staged {
		return tx.insertPeriod(ctx, b.Period, b.ClosedAt, b.IssuedOn, string(issuer), rulesOf(b), b.EInvoiceVersion)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE sb_periods SET closed_at = ?, issued_on = ?, issuer_json = ?, rules_version = ?,
		einvoice_version = ? WHERE period = ?`, sqlTime(b.ClosedAt), sqlDate(b.IssuedOn), string(issuer), rulesOf(b),
		b.EInvoiceVersion, p)
	if err != nil {
		return booked(b.Period, fmt.Errorf("update sb_periods: %w", err))
	}
	if n, err := res.RowsAffected(); err != nil || n > 1 {
		return fmt.Errorf("book %s: update sb_periods: %d rows (%v)", p, n, err)
	}
	return nil
}

// insertPeriod inserts the sb_periods row of p (see periodRow).
func (tx *Tx) insertPeriod(ctx context.Context, p sb.Period, closedAt, issuedOn time.Time, issuerJSON string, rules, einvoice int) error {
	if _, err := tx.tx.ExecContext(ctx, periodInsert, periodRow(p, closedAt, issuedOn, issuerJSON, rules, einvoice)...); err != nil {
		return booked(p, fmt.Errorf("insert into sb_periods: %w", err))
	}
	return nil
}

// savePlans books the plans b created and closes those it closed.
func (tx *Tx) savePlans(ctx context.Context, b *sb.Book) error {
	p := b.Period.String()
	var created []sb.Plan
	for _, pl := range b.Plans {
		if pl.CreatedIn == b.Period {
			created = append(created, pl)
		}
	}
	err := tx.insertMany(ctx, "sb_plans", planCols, len(created), func(i int) []any { return planRow(p, &created[i]) })
	if err != nil {
		return booked(b.Period, err)
	}
	for _, pl := range b.Plans {
		if pl.ClosedIn != b.Period || pl.CreatedIn == b.Period {
			continue
		}
		res, err := tx.tx.ExecContext(ctx, `UPDATE sb_plans SET closed_period = ?, invoiced_cents = ?, debit_noted_cents = ?
			WHERE id = ? AND closed_period IS NULL`, p, pl.InvoicedCents, pl.DebitNotedCents, pl.ID)
		if err != nil {
			return booked(b.Period, fmt.Errorf("close plan %s: %w", pl.ID, err))
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("book %s: close plan %s: no open plan of that id (%d rows, %v)", p, pl.ID, n, err)
		}
	}
	return nil
}

// saveStatements books the statements' rows and their commission lines.
func (tx *Tx) saveStatements(ctx context.Context, b *sb.Book) error {
	p, sts := b.Period.String(), b.Statements
	var comms []sb.CommissionLine
	for _, s := range sts {
		comms = append(comms, s.Commissions...)
	}
	err := tx.insertMany(ctx, "sb_statements", statementCols, len(sts), func(i int) []any { return statementRow(p, &sts[i]) })
	if err == nil {
		err = tx.insertMany(ctx, "sb_commissions", commissionCols, len(comms), func(i int) []any { return commissionRow(p, &comms[i]) })
	}
	if err != nil {
		return booked(b.Period, err)
	}
	return nil
}

// saveOperationMarkOf books the operation mark of b's close (saveOperationMark).
func (tx *Tx) saveOperationMarkOf(ctx context.Context, b *sb.Book) error {
	return tx.saveOperationMark(ctx, b.Period)
}

// saveStatementLines books the statements' SAV lines (with those of no statement, b.Unlisted)
// and installments.
func (tx *Tx) saveStatementLines(ctx context.Context, b *sb.Book) error {
	p := b.Period.String()
	var (
		savs  []sb.SAVLine
		insts []sb.InstallmentLine
	)
	for _, s := range b.Statements {
		savs = append(savs, s.SAV...)
		insts = append(insts, s.Installments...)
	}
	savs = append(savs, b.Unlisted...)
	err := tx.insertMany(ctx, "sb_sav_lines", savLineColumns, len(savs), func(i int) []any { return savLineRow(p, &savs[i]) })
	if err == nil {
		err = tx.insertMany(ctx, "sb_installments", installmentCols, len(insts), func(i int) []any { return installmentRow(p, &insts[i]) })
	}
	if err != nil {
		return booked(b.Period, err)
	}
	return nil
}

// saveInvoices books the invoices and debit notes with their lines.
func (tx *Tx) saveInvoices(ctx context.Context, b *sb.Book) error {
	p := b.Period.String()
	var invs, notes []sb.Invoice
	for _, v := range b.Invoices {
		if v.DebitNote() {
			notes = append(notes, v)
		} else {
			invs = append(invs, v)
		}
	}
	err := tx.insertMany(ctx, "sb_invoices", invoiceCols, len(invs), func(i int) []any { return invoiceRow(p, &invs[i]) })
	if err == nil {
		err = tx.insertMany(ctx, "sb_debit_notes", debitNoteCols, len(notes), func(i int) []any { return debitNoteRow(p, &notes[i]) })
	}
	if err != nil {
		return booked(b.Period, err)
	}
	for _, t := range []struct {
		table, key string
		docs       []sb.Invoice
	}{{"sb_invoice_lines", "invoice_number", invs}, {"sb_debit_note_lines", "note_number", notes}} {
		var lines []invoiceLine
		for _, v := range t.docs {
			for i, l := range v.Lines {
				lines = append(lines, invoiceLine{v.Number, i + 1, l})
			}
		}
		err = tx.insertMany(ctx, t.table, invoiceLineCols(t.key), len(lines), func(i int) []any { return invoiceLineRow(&lines[i]) })
		if err != nil {
			return booked(b.Period, err)
		}
	}
	return nil
}

// saveFindings books b's claims, goodwill, anomalies (numbered in their order) and pending SAVs.
func (tx *Tx) saveFindings(ctx context.Context, b *sb.Book) error {
	p := b.Period.String()
	cl, gw, an, pe := b.Claims, b.Goodwill, b.Anomalies, b.Pending
	err := tx.insertMany(ctx, "sb_claims", claimCols, len(cl), func(i int) []any { return claimRow(p, &cl[i]) })
	if err == nil {
		err = tx.insertMany(ctx, "sb_goodwill", goodwillCols, len(gw), func(i int) []any { return goodwillRow(p, &gw[i]) })
	}
	if err == nil {
		err = tx.insertMany(ctx, "sb_anomalies", anomalyCols, len(an), func(i int) []any { return anomalyRow(p, i+1, &an[i]) })
	}
	if err == nil {
		err = tx.insertMany(ctx, "sb_pending", pendingCols, len(pe), func(i int) []any { return pendingRow(p, &pe[i]) })
	}
	if err != nil {
		return booked(b.Period, err)
	}
	return nil
}

// saveSAVStates updates the SAV states b carries over and inserts those it books first.
func (tx *Tx) saveSAVStates(ctx context.Context, b *sb.Book) error {
	q, p := tx.tx, b.Period.String()
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
	err := tx.insertMany(ctx, "sb_sav_state", savStateCols, len(fresh), func(i int) []any {
		return savStateRow(p, &fresh[i], v1Of(b, fresh[i]))
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
