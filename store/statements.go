package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	sb "savbilling"
)

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
