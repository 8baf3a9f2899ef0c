package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	sb "savbilling"
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
	closed                           srcTime
}

func (r *interventionRow) dest() []any {
	return []any{&r.id, &r.repairer, &r.customer, &r.city, &r.kind, &r.original, &r.status, &r.closed}
}

// value is the row as the rules see it, with the defects of its id and closing time.
func (r *interventionRow) value() sb.Intervention {
	iv := sb.Intervention{ID: intOf(r.id), RepairerID: intOf(r.repairer), CustomerID: intOf(r.customer),
		City: sharedOf(r.city), Kind: sharedOf(r.kind), OriginalID: intOf(r.original), Status: sharedOf(r.status),
		ClosedAt: r.closed.Time}
	switch {
	case !r.id.Valid:
		iv.Defect = sb.NewDefect("renseigner interventions.id", "intervention sans identifiant (interventions.id NULL)")
	case r.closed.Bad != "":
		iv.Defect = r.closed.defect("interventions.closed_at")
	}
	return iv
}

// window is the time frame of a close: facts before end count; a source timestamp after now
// (the close's own instant plus savbilling.FutureSlack) is impossible and reported.
type window struct{ end, now time.Time }

// admit decides whether an intervention row the SQL filters let through concerns the close, and
// marks the defects of its status and closing time: one closed in a later period (but not after
// now) or with the status open or cancelled does not concern it.
func (w window) admit(r *interventionRow, iv *sb.Intervention) bool {
	if r.closed.from(w.end) && (w.now.IsZero() || !r.closed.Time.After(w.now)) {
		return false
	}
	if r.status.Valid && (r.status.String == sb.StatusOpen || r.status.String == sb.StatusCancelled) {
		return false
	}
	if iv.Defect != nil {
		return true
	}
	switch {
	case !r.status.Valid:
		iv.Defect = statusDefect(nil)
	case r.status.String != sb.StatusClosed:
		iv.Defect = statusDefect(&r.status.String)
	case r.closed.Null:
		iv.Defect = r.closed.defect("interventions.closed_at")
	}
	return true
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
// has nil Operations). A NULL in an optional column reads as the zero value of source.go; a row
// the store cannot use as read (sourcerows.go) comes with a Defect for the rules to hold.
func (tx *Tx) LoadCloseInput(ctx context.Context, in *sb.CloseInput) error {
	if in == nil || in.End.IsZero() || in.Period.IsZero() {
		return errors.New("load close input: Period and End must be set")
	}
	return tx.loadInput(ctx, in, nil)
}

// candidates is the SQL condition on the interventions i that may concern a close, a superset
// that window.admit narrows: not booked, status not exactly open or cancelled, closed before the
// end (or NULL, or in another text form) or after now. Its parameters: candidateArgs.
func (tx *Tx) candidates() string {
	return "NOT EXISTS (SELECT 1 FROM sb_commissions c WHERE c.intervention_id = i.id) AND " + tx.unsettled()
}

// unsettled is candidates without "not booked": the condition on the interventions' status and
// closing time alone, with the same parameters.
func (tx *Tx) unsettled() string {
	return "(i.status IS NULL OR NOT (" + tx.exactly("i.status") + " OR " + tx.exactly("i.status") + ")) AND (" +
		tx.maybeBefore("i.closed_at") + " OR i.closed_at > ?)"
}

func candidateArgs(w window) []any {
	return []any{sb.StatusOpen, sb.StatusCancelled, sqlTime(w.end), sqlTime(w.now)}
}

// loadInput is LoadCloseInput, or LoadSummedCloseInput when bk, the close's transaction that
// books the summed lines, is not nil.
func (tx *Tx) loadInput(ctx context.Context, in *sb.CloseInput, bk *Tx) error {
	q := tx.tx
	w := window{end: in.End}
	if !in.ClosedAt.IsZero() {
		w.now = in.ClosedAt.Add(sb.FutureSlack)
	}
	end := sqlTime(in.End)

	// Repairers: every row; a repeated id or a NULL name or active makes the repairer defective.
	in.Repairers = map[int64]sb.Repairer{}
	optional, err := repairerOptionalSelect(ctx, q)
	if err != nil {
		return err
	}
	err = each(ctx, q, "repairers", `SELECT id, name, email, address, siret, vat_number, vat_regime,
		rc_pro_deductible_cents, active, `+optional+` FROM repairers WHERE id IS NOT NULL ORDER BY id`, nil, func(rows *sql.Rows) error {
		var (
			id, ded, active, debits                   sql.NullInt64
			name, email, addr, siret, vat, regime     sql.NullString
			postcode, city, country, legal, iban, bic sql.NullString
		)
		if err := rows.Scan(&id, &name, &email, &addr, &siret, &vat, &regime, &ded, &active,
			&postcode, &city, &country, &legal, &iban, &bic, &debits); err != nil {
			return err
		}
		r := sb.Repairer{ID: intOf(id), Name: strOf(name), Email: strOf(email), Address: strOf(addr),
			SIRET: strOf(siret), VATNumber: strOf(vat), VATRegime: sharedOf(regime), Active: intOf(active) != 0,
			Postcode: strOf(postcode), City: strOf(city), CountryCode: strOf(country), LegalForm: strOf(legal),
			IBAN: strOf(iban), BIC: strOf(bic), VATOnDebits: intOf(debits) == 1}
		if ded.Valid {
			v := ded.Int64
			r.DeductibleCents = &v
		}
		switch {
		case !name.Valid:
			r.Defect = nullDefect("repairers.name")
		case !active.Valid:
			r.Defect = nullDefect("repairers.active")
		}
		if prev, ok := in.Repairers[r.ID]; ok {
			prev.Defect = dupDefect("repairers")
			r = prev
		}
		in.Repairers[r.ID] = r
		return nil
	})
	if err != nil {
		return err
	}

	// Operations added to interventions booked before (read before this close books any line).
	if err := tx.loadAddedOperations(ctx, in, cmp.Or(bk, tx)); err != nil {
		return err
	}

	// Interventions that may be booked now, with all their operations (those the store may sum:
	// summed and booked instead).
	if bk != nil {
		others, err := tx.stageSummed(ctx, bk, in, w)
		if err != nil {
			return err
		}
		// An intervention without id (a view) is never summed: it comes first, as ORDER BY puts it.
		if in.Interventions, err = tx.interventions(ctx, "interventions", w, "i.id IS NULL AND "+tx.candidates(),
			candidateArgs(w)...); err != nil {
			return err
		}
		byID, err := tx.interventionsByID(ctx, w, others)
		if err != nil {
			return err
		}
		in.Interventions = append(in.Interventions, byID...)
	} else {
		in.Summed = nil
		in.Interventions, err = tx.interventions(ctx, "interventions", w, tx.candidates(), candidateArgs(w)...)
		if err != nil {
			return err
		}
	}
	if in.BookedOperations, err = tx.bookedOperations(ctx, in.Interventions); err != nil {
		return err
	}

	// SAVs closed before End and not yet charged. The engine's own comparison of kind and status
	// (a superset of the exact one under a case-insensitive or PAD SPACE collation) lets it use
	// its index; Go keeps the exact codes only.
	in.SAVs, err = tx.savCases(ctx, "SAVs", w,
		"i.kind = ? AND i.status = ? AND "+tx.maybeBefore("i.closed_at")+
			" AND NOT EXISTS (SELECT 1 FROM sb_sav_state s0 WHERE s0.sav_id = i.id)",
		sb.KindSAV, sb.StatusClosed, end)
	if err != nil {
		return err
	}
	in.SAVs = slices.DeleteFunc(in.SAVs, func(c sb.SAVCase) bool {
		return c.SAV.Kind != sb.KindSAV || c.SAV.Status != sb.StatusClosed
	})
	if len(in.SAVs) == 0 {
		in.SAVs = nil
	}

	// SAVs charged before whose decision (taken before End) differs from the booked one.
	in.Changed, err = tx.changedCases(ctx, w)
	if err != nil {
		return err
	}

	// Stray decisions: on a missing or non-SAV intervention.
	in.StrayDecisions = nil
	err = each(ctx, q, "stray decisions", "SELECT "+decisionCols+` FROM sav_decisions d
		WHERE d.decided_at < ? AND NOT EXISTS (SELECT 1 FROM interventions i WHERE i.id = d.intervention_id AND `+
		tx.exactly("i.kind")+") ORDER BY d.intervention_id",
		[]any{end, sb.KindSAV}, func(rows *sql.Rows) error {
			dec, _, err := scanDecision(rows)
			in.StrayDecisions = append(in.StrayDecisions, dec)
			return err
		})
	if err != nil {
		return err
	}

	// Credits granted before End on SAV interventions, not yet reported, and the booked state of
	// the SAVs they refer to.
	creditFilter := tx.maybeBefore("c.granted_at") + " AND c.intervention_id IN (SELECT i.id FROM interventions i WHERE " +
		tx.exactly("i.kind") + ") AND NOT EXISTS (SELECT 1 FROM sb_goodwill g WHERE g.credit_id = c.id)"
	creditArgs := []any{end, sb.KindSAV}
	in.Credits = nil
	var creditSAVs []int64
	err = each(ctx, q, "client credits", `SELECT c.id, c.intervention_id, c.amount_cents, c.granted_at, c.reason
		FROM client_credits c WHERE `+creditFilter+` ORDER BY c.id`,
		creditArgs, func(rows *sql.Rows) error {
			var (
				id, iv, amount sql.NullInt64
				at             srcTime
				reason         sql.NullString
			)
			if err := rows.Scan(&id, &iv, &amount, &at, &reason); err != nil {
				return err
			}
			if iv.Valid {
				creditSAVs = append(creditSAVs, iv.Int64)
			}
			if at.from(in.End) {
				return nil // granted in a later period
			}
			c := sb.Credit{ID: intOf(id), InterventionID: intOf(iv), AmountCents: intOf(amount),
				GrantedAt: at.Time, Reason: sharedOf(reason), Defect: at.defect("client_credits.granted_at")}
			if !amount.Valid {
				c.Defect = nullDefect("client_credits.amount_cents")
			}
			in.Credits = append(in.Credits, c)
			return nil
		})
	if err != nil {
		return err
	}
	if err := tx.strayCredits(ctx, in); err != nil {
		return err
	}
	in.Processed = map[int64]sb.SAVState{}
	slices.Sort(creditSAVs)
	err = tx.eachIn(ctx, "booked SAV states", slices.Compact(creditSAVs), func(in string) string {
		return "SELECT " + stateCols + " FROM sb_sav_state s WHERE s.sav_id " + in
	}, nil, func(rows *sql.Rows) error {
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
		p.rules_version, p.indemnity_cents, p.debit_noted_cents,
		COALESCE((SELECT SUM(x.paid_cents) FROM sb_installments x WHERE x.plan_id = p.id), 0),
		COALESCE((SELECT SUM(x.paid_indemnity_cents) FROM sb_installments x WHERE x.plan_id = p.id), 0)
		FROM sb_plans p WHERE p.closed_period IS NULL ORDER BY p.created_period, p.repairer_id`, nil,
		func(rows *sql.Rows) error {
			var (
				pl      sb.Plan
				created string
			)
			if err := rows.Scan(&pl.ID, &pl.RepairerID, &created, &pl.Months, &pl.TotalCents, &pl.InvoicedCents,
				&pl.RulesVersion, &pl.IndemnityCents, &pl.DebitNotedCents, &pl.PaidCents, &pl.PaidIndemnityCents); err != nil {
				return err
			}
			var err error
			if pl.CreatedIn, err = sb.ParsePeriod(created); err != nil {
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
		in.Overrides = append(in.Overrides, sb.Override{RepairerID: intOf(rid), Period: strOf(period),
			Mode: strOf(mode), Months: int(intOf(months))})
		return nil
	})
	if err != nil {
		return err
	}

	// Document sequences used so far in the period's year.
	in.LastStatementSeq = map[int64]int{}
	// A statement of account takes no number of the series (its seq is stored as minus its month).
	err = each(ctx, q, "statement numbers", `SELECT repairer_id, MAX(seq) FROM sb_statements WHERE year = ? AND seq > 0
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
	if err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM sb_debit_notes WHERE year = ?",
		in.Period.Year).Scan(&in.LastDebitNoteSeq); err != nil {
		return fmt.Errorf("read debit note numbers: %w", err)
	}
	return nil
}

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
// all its operations.
func (tx *Tx) interventionsByID(ctx context.Context, w window, ids []int64) ([]sb.Intervention, error) {
	var out []sb.Intervention
	for chunk := range slices.Chunk(ids, idList) {
		ivs, err := tx.interventions(ctx, "interventions", w, "i.id IN ("+int64List(chunk)+")")
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
