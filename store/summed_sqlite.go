package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	sb "savbilling"
	"savbilling/reconcile"
)

// stageSQLite sums every eligible intervention of the close's scope into the temporary table
// closeLines in one pass, then books the lines of those summable with INSERT … SELECT. The ids
// of the scope are collected first into the temporary table closeIDs (one INSERT … SELECT per
// range of the index on closed_at, and the tracked ids), which then drives the summing pass in
// id order: a primary key lookup per intervention, no sort.
func (tx *Tx) stageSQLite(ctx context.Context, r *closeRead, add func(int64, int, int64) error, spent *time.Duration) ([]int64, error) {
	in, w := r.in, r.w
	q := tx.tx
	for _, t := range []string{closeLines, closeIDs} {
		if _, err := q.ExecContext(ctx, "DROP TABLE IF EXISTS temp."+t); err != nil {
			return nil, err
		}
	}
	n, err := tx.collectScopeIDs(ctx, r)
	if err != nil {
		return nil, err
	}
	r.st.stats.Rows[srcInterventions] = n
	_, checks, err := tx.scanPlan(ctx, distinctRows)
	if err != nil {
		return nil, err
	}
	notBooked, err := tx.notBookedCheck(ctx)
	if err != nil {
		return nil, err
	}
	checks += " AND " + notBooked
	// The rule of reconcile.Whole: its status and kinds, exactly; closed on or after its
	// EarliestClosed (and before the end: the close's scope).
	args := []any{reconcile.Whole.Status}
	for _, k := range reconcile.Whole.Kinds {
		args = append(args, k)
	}
	args = append(args, sqlTime(reconcile.Whole.EarliestClosed), sqlTime(w.end))
	_, err = q.ExecContext(ctx, `CREATE TEMP TABLE `+closeLines+` AS `+tx.summedLinesQuery(checks), append(args, candidateArgs(w)...)...)
	if err != nil {
		return nil, err
	}
	if err := tx.sumPerRepairer(ctx, in, add); err != nil {
		return nil, err
	}
	if err := tx.capServicesSQLite(ctx); err != nil {
		return nil, err
	}
	args = []any{in.Period.String()}
	late := "0"
	if lb := in.LateBefore(); !lb.IsZero() {
		late = "CASE WHEN s.closed_at < ? THEN 1 ELSE 0 END"
		args = append(args, sqlTime(lb))
	}
	// Stored in the order the renderers read them back: by repairer.
	t0 := time.Now()
	if _, err := q.ExecContext(ctx, `INSERT INTO sb_commissions (`+commissionCols.list("")+`)
		SELECT s.intervention_id, ?, s.repairer_id, s.kind, COALESCE(s.city, ''), s.closed_at, s.operations,
		s.services, s.amount_cents, `+late+` FROM `+closeLines+` s WHERE s.summed = 1
		ORDER BY s.repairer_id, s.intervention_id`, args...); err != nil {
		return nil, booked(in.Period, fmt.Errorf("insert into sb_commissions: %w", err))
	}
	if err := tx.insertSummedOperations(ctx, in.Period); err != nil {
		return nil, err
	}
	*spent += time.Since(t0)
	others, err := tx.ids(ctx, nil, "interventions not summed", "SELECT intervention_id FROM "+closeLines+" WHERE summed = 0 ORDER BY intervention_id")
	if err != nil {
		return nil, err
	}
	for _, t := range []string{closeLines, closeIDs} {
		if _, err := q.ExecContext(ctx, "DROP TABLE temp."+t); err != nil {
			return nil, err
		}
	}
	return others, nil
}

// sumPerRepairer adds up the lines of closeLines the store books, per repairer: an unknown
// repairer, or one with an invalid VAT regime, is not summed (its lines go to the rules).
func (tx *Tx) sumPerRepairer(ctx context.Context, in *sb.CloseInput, add func(int64, int, int64) error) error {
	q := tx.tx
	repairers := summableRepairers(in)
	var (
		drop     []int64
		dropNull bool
	)
	err := each(ctx, q, "summed commissions", `SELECT repairer_id, COUNT(*), SUM(amount_cents) FROM `+closeLines+`
		WHERE summed = 1 GROUP BY repairer_id`, nil, func(rows *sql.Rows) error {
		var (
			rid   sql.NullInt64
			lines int
			cents int64
		)
		if err := rows.Scan(&rid, &lines, &cents); err != nil {
			return err
		}
		if !rid.Valid || !repairers[rid.Int64] {
			if rid.Valid {
				drop = append(drop, rid.Int64)
			} else {
				dropNull = true
			}
			return nil
		}
		return add(rid.Int64, lines, cents)
	})
	if err != nil {
		return err
	}
	if len(drop) > 0 {
		if _, err := q.ExecContext(ctx, "UPDATE "+closeLines+" SET summed = 0 WHERE repairer_id IN ("+int64List(drop)+")"); err != nil {
			return err
		}
	}
	if dropNull {
		if _, err := q.ExecContext(ctx, "UPDATE "+closeLines+" SET summed = 0 WHERE repairer_id IS NULL"); err != nil {
			return err
		}
	}
	return nil
}

// summedLinesQuery is SQLite's summing query: each candidate of the close's scope (closeIDs)
// with the count, sum and services of its operations (read from the index of migration 81
// alone) and whether the store books it (summed); its parameters are reconcile.Whole's status,
// kinds, earliest closing time, the close's end, then candidateArgs. Every candidate is in the
// result; summed says whether the store books it (exact codes, a canonical closing time in the
// period, sound operations).
//
// SQLite's SUM fails on an integer overflow, even in a group the close does not sum: only
// amounts within bounds are added (the others make the intervention not summable). The
// intervention's own columns are bare in the grouped query (SQLite takes them from a row of the
// group): exact in every group it sums, which the checks make hold one interventions row; 35–45 %
// cheaper than MIN() over each operation row at L.
func (tx *Tx) summedLinesQuery(checks string) string {
	sum := "CASE WHEN o.commission_cents BETWEEN 0 AND " + maxAmount + " THEN o.commission_cents ELSE 0 END"
	return `SELECT i.id AS intervention_id,
		i.repairer_id AS repairer_id, i.kind AS kind, i.city AS city, i.closed_at AS closed_at,
		COUNT(o.intervention_id) AS operations, ` + servicesSQLite + ` AS services, COALESCE(SUM(` + sum + `), 0) AS amount_cents,
		CASE WHEN i.status = ? COLLATE BINARY AND i.kind COLLATE BINARY IN (` + placeholders(len(reconcile.Whole.Kinds)) + `)
			AND i.closed_at GLOB '` + canonicalTime + `' AND i.closed_at >= ? AND i.closed_at < ?
			AND ` + checks + ` THEN 1 ELSE 0 END AS summed
		FROM ` + closeIDs + ` t CROSS JOIN interventions i ON i.id = t.id LEFT JOIN intervention_operations o ON o.intervention_id = i.id
		WHERE ` + tx.candidates() + ` GROUP BY t.id`
}

// collectScopeIDs fills the temporary table closeIDs with the ids of the interventions in the
// close's scope that may be booked, and returns their number.
func (tx *Tx) collectScopeIDs(ctx context.Context, r *closeRead) (int, error) {
	q := tx.tx
	if _, err := q.ExecContext(ctx, "CREATE TEMP TABLE "+closeIDs+" (id INTEGER PRIMARY KEY)"); err != nil {
		return 0, err
	}
	for _, c := range r.sc.ranges[srcInterventions] {
		if _, err := q.ExecContext(ctx, "INSERT OR IGNORE INTO "+closeIDs+" (id) SELECT t.id FROM interventions t WHERE "+
			notBookedIDs+c.on("t.closed_at")+" AND t.id IS NOT NULL", c.args...); err != nil {
			return 0, fmt.Errorf("read the interventions in the close's scope: %w", err)
		}
	}
	for chunk := range slices.Chunk(r.sc.pending[srcInterventions], idList) {
		if _, err := q.ExecContext(ctx, "INSERT OR IGNORE INTO "+closeIDs+" (id) SELECT t.id FROM interventions t WHERE "+
			notBookedIDs+"t.id IN ("+int64List(chunk)+")"); err != nil {
			return 0, fmt.Errorf("read the tracked interventions: %w", err)
		}
	}
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+closeIDs).Scan(&n)
	return n, err
}

// placeholders is a list of n SQL parameters: "?, ?" for 2.
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }
