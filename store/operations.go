package store

// Each operation paid once (docs/rules.md, "Commissions").
//
// sb_operations keys every operation booked, by its id, with the intervention it was paid with.
// A close reads only the operations of the interventions it books, and looks them up in that key:
// the interventions the rules get in full through bookedOperations (CloseInput.BookedOperations),
// those the store sums through the condition notBookedCheck adds to the summing pass's checks (an
// intervention holding a booked operation is not summed: the rules hold it). The operations of
// the lines booked are keyed by the same pass that books the lines: SaveBook for the lines the
// rules list, the INSERT … SELECT of the summed lines on SQLite (insertSummedOperations), and
// the LOAD DATA of their chunk on MySQL/MariaDB (stageMySQL).
//
// An operation id above every one booked cannot have been booked: only the operations at or
// below that mark are looked up (most of a month's operations are newer than the last close's).

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"

	"savbilling"
)

// operationCols are the columns of sb_operations, in the order of their LOAD DATA text.
var operationCols = []string{"operation_id", "intervention_id", "period"}

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
func (tx *Tx) bookedOperations(ctx context.Context, ivs []savbilling.Intervention) (map[int64]savbilling.OperationBooking, error) {
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
	var out map[int64]savbilling.OperationBooking
	err = tx.eachIn(ctx, "booked operations", slices.Compact(ids), func(in string) string {
		return "SELECT operation_id, intervention_id, period FROM sb_operations WHERE operation_id " + in
	}, nil, func(rows *sql.Rows) error {
		var (
			id int64
			b  savbilling.OperationBooking
			p  string
		)
		if err := rows.Scan(&id, &b.InterventionID, &p); err != nil {
			return err
		}
		var err error
		if b.Period, err = savbilling.ParsePeriod(p); err != nil {
			return fmt.Errorf("sb_operations %d: %w", id, err)
		}
		if out == nil {
			out = map[int64]savbilling.OperationBooking{}
		}
		out[id] = b
		return nil
	})
	return out, err
}

// notBookedCheck is the SQL condition, over the operations o of a group of the summing pass, that
// none of them is booked already; looked up only at or below the mark (operationMark).
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
func (tx *Tx) insertSummedOperations(ctx context.Context, p savbilling.Period) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO sb_operations (operation_id, intervention_id, period)
		SELECT o.id, o.intervention_id, ? FROM `+closeLines+` s JOIN intervention_operations o ON o.intervention_id = s.intervention_id
		WHERE s.summed = 1`, p.String())
	if err != nil {
		return booked(p, fmt.Errorf("insert into sb_operations: %w", err))
	}
	return nil
}

// saveOperations keys the operations of the commission lines the book lists (SaveBook).
func (tx *Tx) saveOperations(ctx context.Context, b *savbilling.Book) error {
	ops, p := b.Operations, b.Period.String()
	err := tx.insertMany(ctx, "sb_operations", operationCols, len(ops), func(i int) []any {
		return []any{ops[i].OperationID, ops[i].InterventionID, p}
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
