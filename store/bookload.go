package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"

	sb "savbilling"
)

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

// Lines says what is read of the statements' commission lines.
type Lines int

const (
	LinesListed    Lines = iota // every line, in Statement.Commissions
	LinesCounted                // their number per statement, in Statement.UnlistedLines (kept on the statement's row)
	RowsOnly                    // the statements' own rows (lines counted, as LinesCounted): no commission line, SAV line or installment
	NumbersOnly                 // each statement's repairer id and number alone (Repairer.ID, Number), read at once: to name their files
	statementsNone              // no statement at all (EachStatement reads them)
)

// loadBook reads the book of closed period, its statements as lines says, one part of the
// ledger at a time.
func (tx *Tx) loadBook(ctx context.Context, period sb.Period, lines Lines) (*sb.Book, error) {
	b, err := tx.loadPeriod(ctx, period)
	if err != nil {
		return nil, err
	}
	if lines != statementsNone {
		if b.Statements, err = tx.statementsIn(ctx, period, "", nil, lines, &b.Unlisted); err != nil {
			return nil, err
		}
	}
	for _, step := range []func(context.Context, *sb.Book) error{
		tx.loadInvoices, tx.loadPlans, tx.loadFindings,
	} {
		if err := step(ctx, b); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// loadPeriod reads the sb_periods row of period into a new book (ErrNotClosed when it has none).
func (tx *Tx) loadPeriod(ctx context.Context, period sb.Period) (*sb.Book, error) {
	b := &sb.Book{Period: period}
	var (
		closedAt, issuedOn nullTime
		issuer             string
	)
	err := tx.tx.QueryRowContext(ctx, "SELECT closed_at, issued_on, issuer_json, rules_version, einvoice_version FROM sb_periods WHERE period = ?", period.String()).
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
	return b, nil
}

// loadInvoices reads the invoices and debit notes of b's period, with their lines, and marks
// the statements they invoice (invoicedStatements).
func (tx *Tx) loadInvoices(ctx context.Context, b *sb.Book) error {
	q, period, p := tx.tx, b.Period, b.Period.String()
	for _, d := range []struct {
		kind, table, lines, key, cols string
	}{
		{sb.DocInvoice, "sb_invoices", "sb_invoice_lines", "invoice_number", invoiceRead},
		{sb.DocDebitNote, "sb_debit_notes", "sb_debit_note_lines", "note_number", debitNoteRead},
	} {
		byNumber := map[string]int{}
		err := each(ctx, q, d.table, `SELECT `+d.cols+` FROM `+d.table+` WHERE period = ? ORDER BY number`, []any{p},
			func(rows *sql.Rows) error {
				v, err := scanInvoice(rows, period, d.kind)
				if err != nil {
					return err
				}
				byNumber[v.Number] = len(b.Invoices)
				b.Invoices = append(b.Invoices, v)
				return nil
			})
		if err != nil {
			return err
		}
		err = each(ctx, q, d.lines, `SELECT `+invoiceLineCols(d.key).without("line_no").list("l.")+`
			FROM `+d.lines+` l JOIN `+d.table+` v ON v.number = l.`+d.key+` WHERE v.period = ?
			ORDER BY l.`+d.key+`, l.line_no`, []any{p},
			func(rows *sql.Rows) error {
				number, l, err := scanInvoiceLine(rows)
				if err != nil {
					return err
				}
				i, ok := byNumber[number]
				if !ok {
					return fmt.Errorf("line of unknown %s %s", d.kind, number)
				}
				b.Invoices[i].Lines = append(b.Invoices[i].Lines, l)
				return nil
			})
		if err != nil {
			return err
		}
	}
	return tx.invoicedStatements(ctx, p, b.Invoices)
}

// loadPlans reads the plans as they stood after the close of b's period (see LoadBook).
func (tx *Tx) loadPlans(ctx context.Context, b *sb.Book) error {
	period, p := b.Period, b.Period.String()
	return each(ctx, tx.tx, "plans", `SELECT `+planCols.list("p.")+`,
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
}

// loadFindings reads the claims, goodwill, anomalies and pending SAVs of b's period.
func (tx *Tx) loadFindings(ctx context.Context, b *sb.Book) error {
	p := []any{b.Period.String()}
	err := eachScanned(ctx, tx.tx, "claims", `SELECT `+claimCols.without("period").list("")+` FROM sb_claims
		WHERE period = ? ORDER BY sav_id`, p, scanClaim, &b.Claims)
	if err == nil {
		err = eachScanned(ctx, tx.tx, "goodwill", `SELECT `+goodwillCols.without("period").list("")+` FROM sb_goodwill
			WHERE period = ? ORDER BY credit_id`, p, scanGoodwill, &b.Goodwill)
	}
	if err == nil {
		err = eachScanned(ctx, tx.tx, "anomalies", `SELECT `+anomalyCols.without("period", "seq").list("")+` FROM sb_anomalies
			WHERE period = ? ORDER BY seq`, p, scanAnomaly, &b.Anomalies)
	}
	if err == nil {
		err = eachScanned(ctx, tx.tx, "pending SAVs", `SELECT `+pendingCols.without("period").list("")+` FROM sb_pending
			WHERE period = ? ORDER BY sav_id`, p, scanPending, &b.Pending)
	}
	return err
}

// eachScanned appends to *out every row of query, scanned by scan.
func eachScanned[T any](ctx context.Context, q querier, what, query string, args []any, scan func(*sql.Rows) (T, error), out *[]T) error {
	return each(ctx, q, what, query, args, func(rows *sql.Rows) error {
		v, err := scan(rows)
		if err != nil {
			return err
		}
		*out = append(*out, v)
		return nil
	})
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
	err := each(ctx, q, "statements", `SELECT `+statementRead+` FROM sb_statements WHERE period = ?`+inRange+` ORDER BY repairer_id`, args,
		func(rows *sql.Rows) error {
			s, err := scanStatement(rows, period)
			if err != nil {
				return err
			}
			byRepairer[s.Repairer.ID] = len(out)
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
		err = attach(ctx, q, "commission", "SELECT "+commissionRead+` FROM sb_commissions WHERE period = ?`+inRange+`
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

	err = attach(ctx, q, "installment", `SELECT `+installmentCols.without("period").list("")+` FROM sb_installments
		WHERE period = ?`+inRange+` ORDER BY repairer_id, plan_id`, args, scanInstallment, statementOf,
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

// unattached is the repairer id scan gives a line that belongs to no statement, for attach to skip.
const unattached = math.MinInt64
