package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	sb "savbilling"
)

const decisionCols = "d.intervention_id, d.outcome, d.charge_bp, d.faulty_repairer_id, d.damage_cents, d.decided_at, d.decided_by, d.note"

// scanDecision scans the columns of decisionCols; the decision's time is also returned raw.
func scanDecision(rows *sql.Rows) (sb.Decision, srcTime, error) {
	var (
		id, bp, faulty, damage sql.NullInt64
		outcome, by, note      sql.NullString
		at                     srcTime
	)
	if err := rows.Scan(&id, &outcome, &bp, &faulty, &damage, &at, &by, &note); err != nil {
		return sb.Decision{}, at, err
	}
	return sb.Decision{SAVID: intOf(id), Outcome: sharedOf(outcome), ChargeBP: int(intOf(bp)),
		FaultyRepairerID: intOf(faulty), DamageCents: intOf(damage), DecidedAt: at.Time, DecidedBy: sharedOf(by),
		Note: strOf(note), Defect: at.defect("sav_decisions.decided_at")}, at, nil
}

const stateCols = "s.sav_id, s.outcome, s.charge_bp, s.faulty_repairer_id, s.damage_cents, s.decided_at, s.corrective_cents, s.related_price_cents, s.first_period, s.last_period, s.v1_outcome, s.v1_charge_bp, s.v1_faulty_repairer_id, s.v1_corrective_cents"

func scanState(rows *sql.Rows) (sb.SAVState, error) {
	var (
		st                     sb.SAVState
		at                     nullTime
		first, last            string
		v1Outcome              sql.NullString
		v1BP, v1Faulty, v1Corr sql.NullInt64
	)
	if err := rows.Scan(&st.SAVID, &st.Outcome, &st.ChargeBP, &st.FaultyRepairerID, &st.DamageCents, &at,
		&st.CorrectiveCents, &st.RelatedPriceCents, &first, &last, &v1Outcome, &v1BP, &v1Faulty, &v1Corr); err != nil {
		return st, err
	}
	if v1Outcome.Valid { // booked under the rules v1 (migration 9 kept that decision)
		st.V1 = &sb.SAVDecisionV1{Outcome: v1Outcome.String, ChargeBP: int(v1BP.Int64),
			FaultyRepairerID: v1Faulty.Int64, CorrectiveCents: v1Corr.Int64}
	}
	st.DecidedAt = at.Time
	var err error
	if st.FirstPeriod, err = sb.ParsePeriod(first); err != nil {
		return st, fmt.Errorf("sb_sav_state %d: %w", st.SAVID, err)
	}
	if st.LastPeriod, err = sb.ParsePeriod(last); err != nil {
		return st, fmt.Errorf("sb_sav_state %d: %w", st.SAVID, err)
	}
	return st, nil
}

// savCases reads the SAV interventions i matching where (args are where's) that concern the
// close, each with its operations, its decision taken before the end, and its original
// intervention.
func (tx *Tx) savCases(ctx context.Context, what string, w window, where string, args ...any) ([]sb.SAVCase, error) {
	ivs, ids, err := tx.interventionsAndIDs(ctx, what, window{end: w.end}, where, args...)
	if err != nil || len(ivs) == 0 {
		return nil, err
	}
	cases := make([]sb.SAVCase, len(ivs))
	index := make(map[int64]int, len(ivs))
	var originalIDs []int64
	for i, iv := range ivs {
		cases[i].SAV = iv
		index[iv.ID] = i
		if iv.OriginalID != 0 {
			originalIDs = append(originalIDs, iv.OriginalID)
		}
	}
	slices.Sort(originalIDs)
	originalIDs = slices.Compact(originalIDs)
	err = tx.eachIn(ctx, what+": decisions", ids, func(in string) string {
		return "SELECT " + decisionCols + " FROM sav_decisions d WHERE d.intervention_id " + in + " AND " + tx.maybeBefore("d.decided_at")
	}, []any{sqlTime(w.end)}, func(rows *sql.Rows) error {
		dec, at, err := scanDecision(rows)
		if err != nil {
			return err
		}
		if at.from(w.end) {
			return nil // taken in a later period
		}
		k, ok := index[dec.SAVID]
		switch {
		case !ok:
		case cases[k].Decision != nil:
			cases[k].Decision.Defect = sb.NewDefect("garder une seule décision par SAV dans sav_decisions",
				"plusieurs décisions pour ce SAV dans sav_decisions")
		default:
			cases[k].Decision = &dec
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	originals := map[int64]*sb.Intervention{}
	var orig interventionRow
	err = tx.eachIn(ctx, what+": original interventions", originalIDs, func(in string) string {
		return "SELECT " + interventionCols("o") + " FROM interventions o WHERE o.id " + in
	}, nil, func(rows *sql.Rows) error {
		if err := rows.Scan(orig.dest()...); err != nil {
			return err
		}
		o := orig.value()
		if prev, ok := originals[o.ID]; ok {
			prev.Defect = dupDefect("interventions")
			return nil
		}
		originals[o.ID] = &o
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range cases {
		if o, ok := originals[cases[i].SAV.OriginalID]; ok && cases[i].SAV.OriginalID != 0 {
			cases[i].Original = o // shared by the SAVs of one original; the rules only read it
		}
	}
	return cases, nil
}

// decisionDiffers is the SQL condition that the decision d differs from the state s booked for
// its SAV (outcome, share, faulty repairer, damage): what makes a close adjust a SAV
// (changedCases) and the audit list it.
const decisionDiffers = `(COALESCE(d.outcome, '') <> s.outcome
	OR COALESCE(d.charge_bp, 0) <> s.charge_bp OR COALESCE(d.faulty_repairer_id, 0) <> s.faulty_repairer_id
	OR COALESCE(d.damage_cents, 0) <> s.damage_cents)`

// changedCases reads the SAVs of ids (at most idList: the SAVs whose decision is in the close's
// scope) charged before whose decision taken before the end differs from the booked one, with
// what the ledger holds of them.
func (tx *Tx) changedCases(ctx context.Context, w window, ids []int64) ([]sb.SAVCase, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	// Driven from the ids, looked up by primary key in the ledger of charged SAVs and in the
	// decisions: the subquery names them too, else it would join every SAV ever charged.
	list := int64List(ids)
	where := "i.id IN (" + list + `) AND i.id IN (SELECT s.sav_id FROM sb_sav_state s JOIN sav_decisions d ON d.intervention_id = s.sav_id
		WHERE s.sav_id IN (` + list + `) AND d.decided_at < ? AND ` + decisionDiffers + `)`
	args := []any{sqlTime(w.end)}
	cases, err := tx.savCases(ctx, "changed SAVs", w, where, args...)
	if err != nil || len(cases) == 0 {
		return nil, err
	}
	index := make(map[int64]int, len(cases))
	for i := range cases {
		index[cases[i].SAV.ID] = i
		cases[i].BookedByRepairer = map[int64]int64{}
		cases[i].BookedIndemnityByRepairer = map[int64]int64{}
		cases[i].BookedV1ByRepairer = map[int64]int64{}
		cases[i].BookedStatement = map[sb.BookedKind]string{}
	}
	latest := map[int64]map[sb.BookedKind]string{} // the period of BookedStatement's number
	err = each(ctx, tx.tx, "changed SAVs: booked state", "SELECT "+stateCols+
		" FROM sb_sav_state s JOIN interventions i ON i.id = s.sav_id WHERE "+where, args,
		func(rows *sql.Rows) error {
			st, err := scanState(rows)
			if err != nil {
				return err
			}
			if k, ok := index[st.SAVID]; ok {
				cases[k].Booked = &st
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	// Per kind: under the rules v2 by the line's type; under v1 apart, split by the rules from
	// the decision v1 last booked (SAVState.V1).
	err = each(ctx, tx.tx, "changed SAVs: booked lines", `SELECT l.sav_id, l.repairer_id, l.type, l.amount_cents, p.rules_version,
		l.period, COALESCE(st.number, '')
		FROM sb_sav_lines l JOIN sb_periods p ON p.period = l.period
		LEFT JOIN sb_statements st ON st.period = l.period AND st.repairer_id = l.repairer_id
		WHERE l.sav_id IN (SELECT i.id FROM interventions i WHERE `+where+")", args,
		func(rows *sql.Rows) error {
			var (
				sav, rid, amount int64
				tp               string
				rules            int
				period, number   string
			)
			if err := rows.Scan(&sav, &rid, &tp, &amount, &rules, &period, &number); err != nil {
				return err
			}
			if k, ok := index[sav]; ok {
				// the latest statement per kind (under v1 every line counted for both kinds)
				for _, ind := range []bool{false, true} {
					if rules >= sb.RulesV2 && sb.SAVLineType(tp).Indemnity() != ind {
						continue
					}
					key := sb.BookedKind{RepairerID: rid, Indemnity: ind}
					if latest[sav] == nil {
						latest[sav] = map[sb.BookedKind]string{}
					}
					if period >= latest[sav][key] && number != "" {
						latest[sav][key] = period
						cases[k].BookedStatement[key] = number
					}
				}
				cases[k].BookedByRepairer[rid] += amount
				switch {
				case rules < sb.RulesV2:
					cases[k].BookedV1ByRepairer[rid] += amount
				case sb.SAVLineType(tp).Indemnity():
					cases[k].BookedIndemnityByRepairer[rid] += amount
				}
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = each(ctx, tx.tx, "changed SAVs: booked claims", `SELECT c.sav_id, c.claim_cents, c.policy
		FROM sb_claims c WHERE c.sav_id IN (SELECT i.id FROM interventions i WHERE `+where+") ORDER BY c.sav_id, c.period", args,
		func(rows *sql.Rows) error {
			var sav, claim int64
			var policy string
			if err := rows.Scan(&sav, &claim, &policy); err != nil {
				return err
			}
			if k, ok := index[sav]; ok {
				cases[k].BookedClaimCents += claim
				cases[k].BookedClaimPolicy = policy // ordered by period: the latest wins
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return cases, nil
}
