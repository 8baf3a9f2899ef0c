package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"savbilling"
)

// interventionCols are the columns of an interventions row under alias a.
func interventionCols(a string) string {
	return strings.NewReplacer("@", a).Replace(
		"@.id, @.repairer_id, @.customer_id, @.city, @.kind, @.original_intervention_id, @.status, @.closed_at")
}

// interventionRow scans the columns of interventionCols.
type interventionRow struct {
	id, repairer, customer, original sql.NullInt64
	city, kind, status               sql.NullString
	closed                           nullTime
}

func (r *interventionRow) dest() []any {
	return []any{&r.id, &r.repairer, &r.customer, &r.city, &r.kind, &r.original, &r.status, &r.closed}
}

func (r *interventionRow) value() savbilling.Intervention {
	return savbilling.Intervention{ID: intOf(r.id), RepairerID: intOf(r.repairer), CustomerID: intOf(r.customer),
		City: strOf(r.city), Kind: strOf(r.kind), OriginalID: intOf(r.original), Status: strOf(r.status),
		ClosedAt: r.closed.Time}
}

const decisionCols = "d.intervention_id, d.outcome, d.charge_bp, d.faulty_repairer_id, d.damage_cents, d.decided_at, d.decided_by, d.note"

func scanDecision(rows *sql.Rows) (savbilling.Decision, error) {
	var (
		id, bp, faulty, damage sql.NullInt64
		outcome, by, note      sql.NullString
		at                     nullTime
	)
	if err := rows.Scan(&id, &outcome, &bp, &faulty, &damage, &at, &by, &note); err != nil {
		return savbilling.Decision{}, err
	}
	return savbilling.Decision{SAVID: intOf(id), Outcome: strOf(outcome), ChargeBP: int(intOf(bp)),
		FaultyRepairerID: intOf(faulty), DamageCents: intOf(damage), DecidedAt: at.Time, DecidedBy: strOf(by),
		Note: strOf(note)}, nil
}

const stateCols = "s.sav_id, s.outcome, s.charge_bp, s.faulty_repairer_id, s.damage_cents, s.decided_at, s.corrective_cents, s.related_price_cents, s.first_period, s.last_period"

func scanState(rows *sql.Rows) (savbilling.SAVState, error) {
	var (
		st          savbilling.SAVState
		at          nullTime
		first, last string
	)
	if err := rows.Scan(&st.SAVID, &st.Outcome, &st.ChargeBP, &st.FaultyRepairerID, &st.DamageCents, &at,
		&st.CorrectiveCents, &st.RelatedPriceCents, &first, &last); err != nil {
		return st, err
	}
	st.DecidedAt = at.Time
	var err error
	if st.FirstPeriod, err = savbilling.ParsePeriod(first); err != nil {
		return st, fmt.Errorf("sb_sav_state %d: %w", st.SAVID, err)
	}
	if st.LastPeriod, err = savbilling.ParsePeriod(last); err != nil {
		return st, fmt.Errorf("sb_sav_state %d: %w", st.SAVID, err)
	}
	return st, nil
}

// each runs query and calls fn for every row, then checks the iteration's error.
func each(ctx context.Context, q querier, what, query string, args []any, fn func(rows *sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return fmt.Errorf("read %s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	return nil
}

// LoadCloseInput reads, in the transaction, everything the rules need to close in.Period. The
// caller sets Period, Start, End, ClosedAt, Issuer, Rules and LastClosed; LoadCloseInput fills
// every other field as input.go documents it. Facts count when their timestamp is strictly
// before in.End. Maps are never nil; lists are nil when empty (an intervention without operations
// has nil Operations). NULL columns read as the zero values of source.go.
func (tx *Tx) LoadCloseInput(ctx context.Context, in *savbilling.CloseInput) error {
	if in == nil || in.End.IsZero() || in.Period.IsZero() {
		return errors.New("load close input: Period and End must be set")
	}
	return tx.loadInput(ctx, in, false)
}

// loadInput is LoadCloseInput, or LoadSummedCloseInput with summed.
func (tx *Tx) loadInput(ctx context.Context, in *savbilling.CloseInput, summed bool) error {
	q := tx.tx
	end := sqlTime(in.End)

	// Repairers: every row.
	in.Repairers = map[int64]savbilling.Repairer{}
	err := each(ctx, q, "repairers", `SELECT id, name, email, address, siret, vat_number, vat_regime,
		rc_pro_deductible_cents, active FROM repairers ORDER BY id`, nil, func(rows *sql.Rows) error {
		var (
			id, ded, active                       sql.NullInt64
			name, email, addr, siret, vat, regime sql.NullString
		)
		if err := rows.Scan(&id, &name, &email, &addr, &siret, &vat, &regime, &ded, &active); err != nil {
			return err
		}
		r := savbilling.Repairer{ID: intOf(id), Name: strOf(name), Email: strOf(email), Address: strOf(addr),
			SIRET: strOf(siret), VATNumber: strOf(vat), VATRegime: strOf(regime), Active: intOf(active) != 0}
		if ded.Valid {
			v := ded.Int64
			r.DeductibleCents = &v
		}
		in.Repairers[r.ID] = r
		return nil
	})
	if err != nil {
		return err
	}

	// Interventions closed before End and not yet booked, with all their operations (those the
	// store may sum: summed and booked instead).
	if summed {
		others, err := tx.stageSummed(ctx, in, end)
		if err != nil {
			return err
		}
		// An intervention without id (a view) is never summed: it comes first, as ORDER BY puts it.
		if in.Interventions, err = tx.interventions(ctx, "interventions", "i.id IS NULL AND "+eligibleWhere,
			savbilling.StatusClosed, end); err != nil {
			return err
		}
		byID, err := tx.interventionsByID(ctx, others)
		if err != nil {
			return err
		}
		in.Interventions = append(in.Interventions, byID...)
	} else {
		in.Summed = nil
		in.Interventions, err = tx.interventions(ctx, "interventions", eligibleWhere, savbilling.StatusClosed, end)
		if err != nil {
			return err
		}
	}

	// SAVs closed before End and not yet charged.
	in.SAVs, err = tx.savCases(ctx, "SAVs", end,
		"i.kind = ? AND i.status = ? AND i.closed_at < ? AND NOT EXISTS (SELECT 1 FROM sb_sav_state s0 WHERE s0.sav_id = i.id)",
		savbilling.KindSAV, savbilling.StatusClosed, end)
	if err != nil {
		return err
	}

	// SAVs charged before whose decision (taken before End) differs from the booked one.
	in.Changed, err = tx.changedCases(ctx, end)
	if err != nil {
		return err
	}

	// Stray decisions: on a missing or non-SAV intervention.
	in.StrayDecisions = nil
	err = each(ctx, q, "stray decisions", "SELECT "+decisionCols+` FROM sav_decisions d
		LEFT JOIN interventions i ON i.id = d.intervention_id
		WHERE d.decided_at < ? AND (i.id IS NULL OR i.kind <> ?) ORDER BY d.intervention_id`,
		[]any{end, savbilling.KindSAV}, func(rows *sql.Rows) error {
			dec, err := scanDecision(rows)
			in.StrayDecisions = append(in.StrayDecisions, dec)
			return err
		})
	if err != nil {
		return err
	}

	// Credits granted before End on SAV interventions, not yet reported, and the booked state of
	// the SAVs they refer to.
	const creditFilter = `c.granted_at < ? AND i.kind = ? AND NOT EXISTS (SELECT 1 FROM sb_goodwill g WHERE g.credit_id = c.id)`
	creditArgs := []any{end, savbilling.KindSAV}
	in.Credits = nil
	err = each(ctx, q, "client credits", `SELECT c.id, c.intervention_id, c.amount_cents, c.granted_at, c.reason
		FROM client_credits c JOIN interventions i ON i.id = c.intervention_id WHERE `+creditFilter+` ORDER BY c.id`,
		creditArgs, func(rows *sql.Rows) error {
			var (
				id, iv, amount sql.NullInt64
				at             nullTime
				reason         sql.NullString
			)
			if err := rows.Scan(&id, &iv, &amount, &at, &reason); err != nil {
				return err
			}
			in.Credits = append(in.Credits, savbilling.Credit{ID: intOf(id), InterventionID: intOf(iv),
				AmountCents: intOf(amount), GrantedAt: at.Time, Reason: strOf(reason)})
			return nil
		})
	if err != nil {
		return err
	}
	in.Processed = map[int64]savbilling.SAVState{}
	err = each(ctx, q, "booked SAV states", "SELECT "+stateCols+` FROM sb_sav_state s WHERE s.sav_id IN
		(SELECT c.intervention_id FROM client_credits c JOIN interventions i ON i.id = c.intervention_id WHERE `+creditFilter+`)`,
		creditArgs, func(rows *sql.Rows) error {
			st, err := scanState(rows)
			in.Processed[st.SAVID] = st
			return err
		})
	if err != nil {
		return err
	}

	// Open plans with what they were paid so far.
	in.Plans = nil
	err = each(ctx, q, "plans", `SELECT p.id, p.repairer_id, p.created_period, p.months, p.total_cents, p.invoiced_cents,
		COALESCE((SELECT SUM(x.paid_cents) FROM sb_installments x WHERE x.plan_id = p.id), 0)
		FROM sb_plans p WHERE p.closed_period IS NULL ORDER BY p.created_period, p.repairer_id`, nil,
		func(rows *sql.Rows) error {
			var (
				pl      savbilling.Plan
				created string
			)
			if err := rows.Scan(&pl.ID, &pl.RepairerID, &created, &pl.Months, &pl.TotalCents, &pl.InvoicedCents, &pl.PaidCents); err != nil {
				return err
			}
			var err error
			if pl.CreatedIn, err = savbilling.ParsePeriod(created); err != nil {
				return fmt.Errorf("plan %s: %w", pl.ID, err)
			}
			if pl.BalanceCents() > 0 {
				in.Plans = append(in.Plans, pl)
			}
			return nil
		})
	if err != nil {
		return err
	}

	// Finance's overrides for the period.
	in.Overrides = nil
	err = each(ctx, q, "overflow overrides", `SELECT repairer_id, period, mode, months FROM overflow_overrides
		WHERE period = ? ORDER BY repairer_id`, []any{in.Period.String()}, func(rows *sql.Rows) error {
		var (
			rid, months  sql.NullInt64
			period, mode sql.NullString
		)
		if err := rows.Scan(&rid, &period, &mode, &months); err != nil {
			return err
		}
		in.Overrides = append(in.Overrides, savbilling.Override{RepairerID: intOf(rid), Period: strOf(period),
			Mode: strOf(mode), Months: int(intOf(months))})
		return nil
	})
	if err != nil {
		return err
	}

	// Document sequences used so far in the period's year.
	in.LastStatementSeq = map[int64]int{}
	err = each(ctx, q, "statement numbers", `SELECT repairer_id, MAX(seq) FROM sb_statements WHERE year = ?
		GROUP BY repairer_id`, []any{in.Period.Year}, func(rows *sql.Rows) error {
		var rid int64
		var seq int
		if err := rows.Scan(&rid, &seq); err != nil {
			return err
		}
		in.LastStatementSeq[rid] = seq
		return nil
	})
	if err != nil {
		return err
	}
	if err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM sb_invoices WHERE year = ?",
		in.Period.Year).Scan(&in.LastInvoiceSeq); err != nil {
		return fmt.Errorf("read invoice numbers: %w", err)
	}
	return nil
}

// interventions streams the interventions i matching where, each with all its operations, in one
// query ordered by (i.id, o.id).
func (tx *Tx) interventions(ctx context.Context, what, where string, args ...any) ([]savbilling.Intervention, error) {
	var out []savbilling.Intervention
	query := "SELECT " + interventionCols("i") + `, o.id, o.label, o.price_cents, o.commission_cents, o.sav_related
		FROM interventions i LEFT JOIN intervention_operations o ON o.intervention_id = i.id
		WHERE ` + where + " ORDER BY i.id, o.id"
	var r interventionRow
	var (
		opID, price, comm, related sql.NullInt64
		label                      sql.NullString
	)
	dest := append(r.dest(), &opID, &label, &price, &comm, &related)
	err := each(ctx, tx.tx, what, query, args, func(rows *sql.Rows) error {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if len(out) == 0 || out[len(out)-1].ID != intOf(r.id) {
			out = append(out, r.value())
		}
		if opID.Valid {
			last := &out[len(out)-1]
			last.Operations = append(last.Operations, savbilling.Operation{ID: opID.Int64, InterventionID: last.ID,
				Label: strOf(label), PriceCents: intOf(price), CommissionCents: intOf(comm), SAVRelated: intOf(related) != 0})
		}
		return nil
	})
	return out, err
}

// interventionsByID reads the interventions of ids (ascending), each with all its operations.
func (tx *Tx) interventionsByID(ctx context.Context, ids []int64) ([]savbilling.Intervention, error) {
	var out []savbilling.Intervention
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		ivs, err := tx.interventions(ctx, "interventions", "i.id IN ("+int64List(chunk)+")")
		if err != nil {
			return nil, err
		}
		out = append(out, ivs...)
	}
	return out, nil
}

// savCases reads the SAV interventions i matching where (args are where's), each with its
// operations, its decision taken before end, and its original intervention.
func (tx *Tx) savCases(ctx context.Context, what string, end any, where string, args ...any) ([]savbilling.SAVCase, error) {
	ivs, err := tx.interventions(ctx, what, where, args...)
	if err != nil || len(ivs) == 0 {
		return nil, err
	}
	cases := make([]savbilling.SAVCase, len(ivs))
	index := make(map[int64]int, len(ivs))
	for i, iv := range ivs {
		cases[i].SAV = iv
		index[iv.ID] = i
	}
	err = each(ctx, tx.tx, what+": decisions", "SELECT "+decisionCols+` FROM sav_decisions d
		JOIN interventions i ON i.id = d.intervention_id WHERE d.decided_at < ? AND (`+where+")",
		append([]any{end}, args...), func(rows *sql.Rows) error {
			dec, err := scanDecision(rows)
			if err != nil {
				return err
			}
			if k, ok := index[dec.SAVID]; ok {
				cases[k].Decision = &dec
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	var orig interventionRow
	err = each(ctx, tx.tx, what+": original interventions", "SELECT i.id, "+interventionCols("o")+`
		FROM interventions i JOIN interventions o ON o.id = i.original_intervention_id WHERE `+where,
		args, func(rows *sql.Rows) error {
			var sav int64
			if err := rows.Scan(append([]any{&sav}, orig.dest()...)...); err != nil {
				return err
			}
			if k, ok := index[sav]; ok {
				o := orig.value()
				cases[k].Original = &o
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return cases, nil
}

// changedCases reads the SAVs charged before whose decision taken before end differs from the
// booked one, with what the ledger holds of them.
func (tx *Tx) changedCases(ctx context.Context, end any) ([]savbilling.SAVCase, error) {
	// Driven from the (small) ledger of charged SAVs: a non-correlated IN, looked up by primary key.
	const where = `i.id IN (SELECT s1.sav_id FROM sb_sav_state s1 JOIN sav_decisions d1 ON d1.intervention_id = s1.sav_id
		WHERE d1.decided_at < ? AND (COALESCE(d1.outcome, '') <> s1.outcome
		OR COALESCE(d1.charge_bp, 0) <> s1.charge_bp OR COALESCE(d1.faulty_repairer_id, 0) <> s1.faulty_repairer_id
		OR COALESCE(d1.damage_cents, 0) <> s1.damage_cents))`
	args := []any{end}
	cases, err := tx.savCases(ctx, "changed SAVs", end, where, args...)
	if err != nil || len(cases) == 0 {
		return nil, err
	}
	index := make(map[int64]int, len(cases))
	for i := range cases {
		index[cases[i].SAV.ID] = i
		cases[i].BookedByRepairer = map[int64]int64{}
	}
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
	err = each(ctx, tx.tx, "changed SAVs: booked lines", `SELECT l.sav_id, l.repairer_id, l.amount_cents
		FROM sb_sav_lines l JOIN interventions i ON i.id = l.sav_id WHERE `+where, args,
		func(rows *sql.Rows) error {
			var sav, rid, amount int64
			if err := rows.Scan(&sav, &rid, &amount); err != nil {
				return err
			}
			if k, ok := index[sav]; ok {
				cases[k].BookedByRepairer[rid] += amount
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = each(ctx, tx.tx, "changed SAVs: booked claims", `SELECT c.sav_id, c.claim_cents, c.policy
		FROM sb_claims c JOIN interventions i ON i.id = c.sav_id WHERE `+where+" ORDER BY c.sav_id, c.period", args,
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
