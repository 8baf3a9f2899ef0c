package store

import (
	"context"
	"database/sql"

	sb "savbilling"
)

// strayCredits reads into in.StrayCredits the customer credits granted before the end, not yet
// reported, on an intervention that is not a SAV: one whose kind is exactly standard, or none
// (docs/rules.md, "Customer credits"). A credit on an intervention whose kind is not one of the
// contract's waits with it (the intervention is held). The credits of SAVs are read by loadCredits;
// both read the credits of the close's scope (r.credits, and those without id by time).
func (tx *Tx) strayCredits(ctx context.Context, r *closeRead) error {
	in := r.in
	in.StrayCredits = nil
	query := `SELECT c.id, c.intervention_id, c.amount_cents, c.granted_at, c.reason,
		(SELECT COUNT(*) FROM interventions i WHERE i.id = c.intervention_id),
		(SELECT MAX(i.repairer_id) FROM interventions i WHERE i.id = c.intervention_id)
		FROM client_credits c WHERE @ AND ` + tx.maybeBefore("c.granted_at") + `
		AND NOT EXISTS (SELECT 1 FROM sb_goodwill g WHERE g.credit_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM interventions i WHERE i.id = c.intervention_id AND (i.kind IS NULL OR NOT ` +
		tx.exactly("i.kind") + `)) ORDER BY c.id`
	return tx.eachCredit(ctx, r, "client credits on interventions that are no SAV", query,
		[]any{sqlTime(in.End), sb.KindStandard}, func(rows *sql.Rows) error {
			var (
				id, iv, amount sql.NullInt64
				at             srcTime
				reason         sql.NullString
				n              int
				repairer       sql.NullInt64
			)
			if err := rows.Scan(&id, &iv, &amount, &at, &reason, &n, &repairer); err != nil {
				return err
			}
			if at.from(in.End) {
				return nil // granted in a later period
			}
			c := sb.StrayCredit{Credit: sb.Credit{ID: intOf(id), InterventionID: intOf(iv),
				AmountCents: intOf(amount), GrantedAt: at.Time, Reason: sharedOf(reason),
				Defect: at.defect("client_credits.granted_at")}, Missing: n == 0, RepairerID: intOf(repairer)}
			if !amount.Valid {
				c.Defect = nullDefect("client_credits.amount_cents")
			}
			in.StrayCredits = append(in.StrayCredits, c)
			return nil
		})
}
