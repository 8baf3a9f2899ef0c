package store

// Each operation paid once (docs/rules.md, "Commissions").
//
// sb_operations keys every operation booked, by its id, with the intervention it was paid with.
// A close reads only the operations of the interventions it books, and looks them up in that key:
// the interventions the rules get in full through bookedOperations (CloseInput.BookedOperations),
// those the store sums through the condition notBookedCheck adds to SQLite's summing query, and
// on MySQL/MariaDB through one query per list of the booked ids among its operations
// (dropBookedOperations): an intervention holding a booked operation is not summed, the rules
// hold it. The operations of
// the lines booked are keyed by the same pass that books the lines: SaveBook for the lines the
// rules list, the INSERT … SELECT of the summed lines on SQLite (insertSummedOperations), and
// the LOAD DATA of their chunk on MySQL/MariaDB (stageMySQL).
//
// An operation id above every one booked cannot have been booked: only the operations at or
// below that mark are looked up (most of a month's operations are newer than the last close's).

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"

	sb "savbilling"
)

// operationCols are the columns of sb_operations, in the order of their LOAD DATA text.
var operationCols = columns{"operation_id", "intervention_id"}

// operationMark returns the highest operation id booked, and false when none is.
func (tx *Tx) operationMark(ctx context.Context) (int64, bool, error) {
	var mark sql.NullInt64
	if err := tx.tx.QueryRowContext(ctx, "SELECT MAX(operation_id) FROM sb_operations").Scan(&mark); err != nil {
		return 0, false, fmt.Errorf("read the booked operations: %w", err)
	}
	return mark.Int64, mark.Valid, nil
}

// bookedOperations returns which operations of ivs the ledger booked already, keyed by operation
// id, with where they were booked; nil when none is.
func (tx *Tx) bookedOperations(ctx context.Context, ivs []sb.Intervention) (map[int64]sb.OperationBooking, error) {
	mark, ok, err := tx.operationMark(ctx)
	if err != nil || !ok {
		return nil, err
	}
	var ids []int64
	for _, iv := range ivs {
		for _, op := range iv.Operations {
			if op.Defect == nil && op.ID <= mark {
				ids = append(ids, op.ID)
			}
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	slices.Sort(ids)
	var out map[int64]sb.OperationBooking
	err = tx.eachIn(ctx, "booked operations", slices.Compact(ids), func(in string) string {
		return "SELECT b.operation_id, b.intervention_id, COALESCE(c.period, '') FROM sb_operations b " +
			"LEFT JOIN sb_commissions c ON c.intervention_id = b.intervention_id WHERE b.operation_id " + in
	}, nil, func(rows *sql.Rows) error {
		var (
			id int64
			b  sb.OperationBooking
			p  string
		)
		if err := rows.Scan(&id, &b.InterventionID, &p); err != nil {
			return err
		}
		if p != "" { // the intervention's line (always there, unless the ledger was edited by hand)
			var err error
			if b.Period, err = sb.ParsePeriod(p); err != nil {
				return fmt.Errorf("sb_operations %d: %w", id, err)
			}
		}
		if out == nil {
			out = map[int64]sb.OperationBooking{}
		}
		out[id] = b
		return nil
	})
	return out, err
}

// notBookedCheck is the SQL condition, over the operations o of a group of SQLite's summing pass,
// that none of them is booked already; looked up only at or below the mark (operationMark).
func (tx *Tx) notBookedCheck(ctx context.Context) (string, error) {
	mark, ok, err := tx.operationMark(ctx)
	if err != nil || !ok {
		return "1 = 1", err
	}
	return "COALESCE(MAX(CASE WHEN o.id IS NULL OR o.id > " + strconv.FormatInt(mark, 10) +
		" THEN 0 WHEN EXISTS (SELECT 1 FROM sb_operations b WHERE b.operation_id = o.id) THEN 1 ELSE 0 END), 0) = 0", nil
}

// insertSummedOperations keys, on SQLite, the operations of the lines summed into closeLines
// (summed = 1), in the close's transaction, right after their lines.
func (tx *Tx) insertSummedOperations(ctx context.Context, p sb.Period) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO sb_operations (`+operationCols.list("")+`)
		SELECT o.id, o.intervention_id FROM `+closeLines+` s JOIN intervention_operations o ON o.intervention_id = s.intervention_id
		WHERE s.summed = 1`)
	if err != nil {
		return booked(p, fmt.Errorf("insert into sb_operations: %w", err))
	}
	return nil
}

// saveOperations keys the operations of the commission lines the book lists (SaveBook).
func (tx *Tx) saveOperations(ctx context.Context, b *sb.Book) error {
	ops := b.Operations
	err := tx.insertMany(ctx, "sb_operations", operationCols, len(ops), func(i int) []any {
		return []any{ops[i].OperationID, ops[i].InterventionID}
	})
	if err != nil {
		return booked(b.Period, err)
	}
	return nil
}

// appendIDList appends to dst the ids of list, decimal integers separated by commas (GROUP_CONCAT),
// and reports whether list held only such ids.
func appendIDList(dst []int64, list []byte) ([]int64, bool) {
	for len(list) > 0 {
		var n int64
		i, neg := 0, false
		if list[0] == '-' {
			i, neg = 1, true
		}
		start := i
		for ; i < len(list) && list[i] >= '0' && list[i] <= '9'; i++ {
			d := int64(list[i] - '0')
			if n > (1<<63-1-d)/10 {
				return dst, false
			}
			n = n*10 + d
		}
		if i == start || (i < len(list) && list[i] != ',') || i == len(list)-1 && list[i] == ',' {
			return dst, false
		}
		if neg {
			n = -n
		}
		dst = append(dst, n)
		if i < len(list) {
			i++ // the comma
		}
		list = list[i:]
	}
	return dst, true
}

// operationMark is the highest operation id a close saw in the source, stored with its period in
// sb_operation_marks: the next close looks for added operations above it.
type operationMark struct {
	period sb.Period
	mark   int64
}

// previousMark returns the mark below which the operations were seen by a close already: the
// last close's, or for a ledger closed before marks were kept, the highest operation booked; false
// when nothing is booked (no intervention can have been paid before its operations).
func (tx *Tx) previousMark(ctx context.Context) (int64, bool, error) {
	var mark sql.NullInt64
	err := tx.tx.QueryRowContext(ctx, "SELECT MAX(operation_mark) FROM sb_operation_marks").Scan(&mark)
	if err != nil {
		return 0, false, fmt.Errorf("read the operation mark: %w", err)
	}
	if mark.Valid {
		return mark.Int64, true, nil
	}
	return tx.operationMark(ctx)
}

// loadAddedOperations reads into in.AddedOperations the operations created since the previous
// close (above its mark) whose intervention was booked before, without them, and keeps in mark,
// the close's transaction, the mark of this close for SaveBook. It reads the source's operations
// above the mark only (a range of its key: the operations created since, about a month's), and
// looks up their intervention in sb_commissions' key and themselves in sb_operations'; it runs
// before the close books anything. The operations of tracked (what the audit found below the
// mark, sb_source_pending) are read by id and reported with them.
func (tx *Tx) loadAddedOperations(ctx context.Context, in *sb.CloseInput, mark *Tx, tracked []int64) error {
	in.AddedOperations = nil
	prev, ok, err := tx.previousMark(ctx)
	if err != nil {
		return err
	}
	var (
		top    sql.NullInt64 // the highest operation id of the source, above prev
		bookIv sql.NullInt64 // the highest intervention id booked
	)
	q := "SELECT MAX(o.id) FROM intervention_operations o"
	args := []any{}
	if ok {
		q, args = q+" WHERE o.id > ?", []any{prev}
	}
	if err := tx.tx.QueryRowContext(ctx, q, args...).Scan(&top); err != nil {
		return fmt.Errorf("read the highest operation id: %w", err)
	}
	cur := prev
	if top.Valid && (!ok || top.Int64 > prev) {
		cur = top.Int64
	}
	if top.Valid || ok {
		mark.opMark = &operationMark{period: in.Period, mark: cur}
	}
	if !ok || (!top.Valid && len(tracked) == 0) {
		return nil
	}
	if err := tx.tx.QueryRowContext(ctx, "SELECT MAX(intervention_id) FROM sb_commissions").Scan(&bookIv); err != nil {
		return fmt.Errorf("read the booked interventions: %w", err)
	}
	if !bookIv.Valid {
		return nil
	}
	// The operations drive the join (SQLite: CROSS JOIN; MySQL: STRAIGHT_JOIN), a range of their
	// key; an intervention id above every booked one is not looked up.
	join, straight := tx.d.dialect.drivingJoin()
	query := func(which string) string {
		return `SELECT ` + straight + `o.id, o.intervention_id, o.commission_cents, c.repairer_id, c.period
		FROM intervention_operations o ` + join + ` sb_commissions c ON c.intervention_id = o.intervention_id
		WHERE ` + which + ` AND o.intervention_id <= ?
		AND NOT EXISTS (SELECT 1 FROM sb_operations b WHERE b.operation_id = o.id) ORDER BY o.id`
	}
	scan := func(rows *sql.Rows) error {
		var (
			op   sb.AddedOperation
			comm sql.NullInt64
			p    string
		)
		if err := rows.Scan(&op.OperationID, &op.InterventionID, &comm, &op.RepairerID, &p); err != nil {
			return err
		}
		var err error
		if op.Period, err = sb.ParsePeriod(p); err != nil {
			return fmt.Errorf("sb_commissions of intervention %d: %w", op.InterventionID, err)
		}
		op.CommissionCents = comm.Int64
		in.AddedOperations = append(in.AddedOperations, op)
		return nil
	}
	const what = "operations added after their intervention was paid"
	if err := tx.eachIn(ctx, what, tracked, func(list string) string { return query("o.id " + list) },
		[]any{bookIv.Int64}, scan); err != nil {
		return err
	}
	if top.Valid {
		if err := each(ctx, tx.tx, what, query("o.id > ? AND o.id <= ?"), []any{prev, cur, bookIv.Int64}, scan); err != nil {
			return err
		}
	}
	// In operation id order, once each (a view repeating the row, or an id both tracked and new).
	slices.SortStableFunc(in.AddedOperations, func(a, b sb.AddedOperation) int { return cmp.Compare(a.OperationID, b.OperationID) })
	in.AddedOperations = slices.CompactFunc(in.AddedOperations, func(a, b sb.AddedOperation) bool { return a.OperationID == b.OperationID })
	if len(in.AddedOperations) == 0 {
		in.AddedOperations = nil
	}
	return nil
}

// saveOperationMark stores the operation mark of the close read in this transaction (SaveBook).
func (tx *Tx) saveOperationMark(ctx context.Context, p sb.Period) error {
	m := tx.opMark
	if m == nil || m.period != p {
		return nil
	}
	tx.opMark = nil
	if _, err := tx.tx.ExecContext(ctx, "INSERT INTO sb_operation_marks (period, operation_mark) VALUES (?, ?)", p.String(), m.mark); err != nil {
		return booked(p, fmt.Errorf("insert into sb_operation_marks: %w", err))
	}
	return nil
}
