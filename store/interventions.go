package store

// Interventions read with their operations, by condition or by id lists.

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	sb "savbilling"
)

// interventions reads the interventions i matching where (args are where's) that concern the
// close (window.admit), in id order, each with all its operations. Rows and operations come from
// two ordered queries rather than a join, so that a repeated row shows as such: a repeated
// intervention or operation makes the intervention defective, and is counted once.
func (tx *Tx) interventions(ctx context.Context, what string, w window, where string, args ...any) ([]sb.Intervention, error) {
	out, _, err := tx.interventionsAndIDs(ctx, what, w, where, args...)
	return out, err
}

// interventionsAndIDs is interventions, with the ids of those that have one, ascending.
func (tx *Tx) interventionsAndIDs(ctx context.Context, what string, w window, where string, args ...any) ([]sb.Intervention, []int64, error) {
	var (
		out []sb.Intervention
		ids []int64 // of the rows in out that have one, ascending
		r   interventionRow
	)
	index := map[int64]int{}
	err := each(ctx, tx.tx, what, "SELECT "+interventionCols("i")+" FROM interventions i WHERE "+where+" ORDER BY i.id",
		args, func(rows *sql.Rows) error {
			if err := rows.Scan(r.dest()...); err != nil {
				return err
			}
			if r.id.Valid {
				if k, ok := index[r.id.Int64]; ok {
					if k >= 0 {
						out[k].Defect = dupDefect("interventions")
					}
					return nil
				}
			}
			iv := r.value()
			if !w.admit(&r, &iv) {
				if r.id.Valid {
					index[r.id.Int64] = -1
				}
				return nil
			}
			if r.id.Valid {
				index[r.id.Int64] = len(out)
				ids = append(ids, r.id.Int64)
			}
			out = append(out, iv)
			return nil
		})
	if err != nil || len(ids) == 0 {
		return out, ids, err
	}
	var (
		lastIV = int64(-1 << 63)
		lastOp sql.NullInt64
	)
	err = tx.eachIn(ctx, what+": operations", ids, func(in string) string {
		return `SELECT o.intervention_id, o.id, o.label, o.price_cents, o.commission_cents, o.sav_related
			FROM intervention_operations o WHERE o.intervention_id ` + in + ` ORDER BY o.intervention_id, o.id`
	}, nil, func(rows *sql.Rows) error {
		var (
			ivID                       int64
			opID, price, comm, related sql.NullInt64
			label                      sql.NullString
		)
		if err := rows.Scan(&ivID, &opID, &label, &price, &comm, &related); err != nil {
			return err
		}
		k, ok := index[ivID]
		if !ok || k < 0 {
			return nil
		}
		iv := &out[k]
		if ivID == lastIV && opID.Valid && lastOp.Valid && opID.Int64 == lastOp.Int64 {
			iv.Operations[len(iv.Operations)-1].Defect = dupDefect("intervention_operations")
			return nil
		}
		lastIV, lastOp = ivID, opID
		op := sb.Operation{ID: intOf(opID), InterventionID: ivID, Label: sharedOf(label), PriceCents: intOf(price),
			CommissionCents: intOf(comm), SAVRelated: intOf(related) != 0}
		switch {
		case !opID.Valid:
			op.Defect = sb.NewDefect("renseigner intervention_operations.id", "opération sans identifiant (intervention_operations.id NULL)")
		case !comm.Valid:
			op.Defect = nullDefect("intervention_operations.commission_cents")
		case !price.Valid:
			op.Defect = nullDefect("intervention_operations.price_cents")
		}
		iv.Operations = append(iv.Operations, op)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, ids, nil
}

// idList is the most ids a query names in an IN list: below MariaDB's
// in_predicate_conversion_threshold (1000), beyond which the list becomes a derived table the
// server may scan instead of looking each id up in an index.
var idList = 999 // a variable for the tests

// eachIn runs query(in) for each run of at most idList of ids, in as "IN (id, …)", and calls fn
// for each row: in the order of ids when the query orders by them and ids ascend. It reads the
// rows of a list of ids the close has already read, rather than evaluating the condition that
// found them again in a subquery (for the SAVs, a scan of the interventions each time).
func (tx *Tx) eachIn(ctx context.Context, what string, ids []int64, query func(in string) string, args []any, fn func(rows *sql.Rows) error) error {
	for chunk := range slices.Chunk(ids, idList) {
		if err := each(ctx, tx.tx, what, query("IN ("+int64List(chunk)+")"), args, fn); err != nil {
			return err
		}
	}
	return nil
}

// interventionsByID reads the interventions of ids (ascending) that concern the close, each with
// all its operations; with candidates, only those that match candidates (the ids of the scope).
func (tx *Tx) interventionsByID(ctx context.Context, w window, ids []int64, candidates bool) ([]sb.Intervention, error) {
	var (
		out  []sb.Intervention
		cond string
		args []any
	)
	if candidates {
		cond, args = " AND "+tx.candidates(), candidateArgs(w)
	}
	for chunk := range slices.Chunk(ids, idList) {
		ivs, err := tx.interventions(ctx, "interventions", w, "i.id IN ("+int64List(chunk)+")"+cond, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, ivs...)
	}
	return out, nil
}

// repairerOptionalSelect is the select list of the optional columns of repairers, in the order
// of repairerOptional: each column the table or view has, NULL for each it has not.
func repairerOptionalSelect(ctx context.Context, q querier) (string, error) {
	cols, err := columnsOf(ctx, q, "repairers")
	if err != nil {
		return "", err
	}
	list := make([]string, len(repairerOptional))
	for i, c := range repairerOptional {
		if slices.Contains(cols, c.name) {
			list[i] = c.name
		} else {
			list[i] = "NULL"
		}
	}
	return strings.Join(list, ", "), nil
}
