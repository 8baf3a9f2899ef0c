package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
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
type window struct {
	end, now   time.Time
	booked     int64 // the highest intervention id booked before the close (math.MinInt64: none)
	bookedRead bool  // booked was read (startRead)
}

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
	return tx.loadFull(ctx, in)
}

// candidates is the SQL condition on the interventions i that may concern a close, a superset
// that window.admit narrows: not booked, status not exactly open or cancelled, closed before the
// end (or NULL, or in another text form) or after now. Its parameters: candidateArgs. An id
// above the highest one booked (window.booked) is not booked: its lookup is skipped, the only use
// of the order of ids, a shortcut that decides nothing the lookup would not.
func (tx *Tx) candidates() string {
	return "(i.id > ? OR NOT EXISTS (SELECT 1 FROM sb_commissions c WHERE c.intervention_id = i.id)) AND " + tx.unsettled()
}

// unsettled is candidates without "not booked": the condition on the interventions' status and
// closing time alone, with the same parameters.
func (tx *Tx) unsettled() string {
	return "(i.status IS NULL OR NOT (" + tx.exactly("i.status") + " OR " + tx.exactly("i.status") + ")) AND (" +
		tx.maybeBefore("i.closed_at") + " OR i.closed_at > ?)"
}

// candidateArgs are the parameters of candidates.
func candidateArgs(w window) []any {
	above := int64(math.MaxInt64) // unknown: every id is looked up
	if w.bookedRead {
		above = w.booked
	}
	return append([]any{above}, unsettledArgs(w)...)
}

// unsettledArgs are the parameters of unsettled.
func unsettledArgs(w window) []any {
	return []any{sb.StatusOpen, sb.StatusCancelled, sqlTime(w.end), sqlTime(w.now)}
}

// closeRead is the state of a close's read, shared by its steps: the input being filled, the
// window, the scope of the look-back and the pools of ids in it, ascending.
type closeRead struct {
	in *sb.CloseInput
	w  window
	sc *scope
	st *lookState // kept in the close's transaction, for SaveBook
	// ivs are the interventions in scope not booked; savs those that may be a SAV to charge;
	// decisions the SAVs whose decision is in scope; credits the credits in scope not reported.
	ivs, savs, decisions, credits []int64
}

// loadFull is LoadCloseInput: every intervention in scope goes to the rules.
func (tx *Tx) loadFull(ctx context.Context, in *sb.CloseInput) error {
	r, err := tx.startRead(ctx, in, tx, false)
	if err != nil {
		return err
	}
	in.Summed = nil
	nulls, err := tx.nullIDInterventions(ctx, r)
	if err != nil {
		return err
	}
	byID, err := tx.interventionsByID(ctx, r.w, r.ivs, true)
	if err != nil {
		return err
	}
	in.Interventions = append(nulls, byID...)
	return tx.loadRest(ctx, r)
}

// loadSummed is LoadSummedCloseInput's read, in tx (a read-only transaction of its own on
// MySQL), while bk, the close's transaction, books the summed lines.
func (tx *Tx) loadSummed(ctx context.Context, in *sb.CloseInput, bk *Tx) error {
	r, err := tx.startRead(ctx, in, bk, tx.d.dialect.scopeInSQL())
	if err != nil {
		return err
	}
	others, err := tx.stageSummed(ctx, bk, r)
	if err != nil {
		return err
	}
	// An intervention without id (a view) is never summed: it comes first, as ORDER BY puts it.
	nulls, err := tx.nullIDInterventions(ctx, r)
	if err != nil {
		return err
	}
	byID, err := tx.interventionsByID(ctx, r.w, others, false)
	if err != nil {
		return err
	}
	in.Interventions = append(nulls, byID...)
	return tx.loadRest(ctx, r)
}

// startRead reads the repairers and the operations added to interventions booked before, and
// computes the scope of the close (lookback.go); mark is the close's transaction. With inSQL,
// the ids of the interventions in scope are left to the summing pass (SQLite's, which collects
// them in a temporary table) rather than collected into r.ivs.
func (tx *Tx) startRead(ctx context.Context, in *sb.CloseInput, mark *Tx, inSQL bool) (*closeRead, error) {
	r := &closeRead{in: in, w: window{end: in.End}, st: &lookState{period: in.Period}}
	if !in.ClosedAt.IsZero() {
		r.w.now = in.ClosedAt.Add(sb.FutureSlack)
	}
	mark.look = r.st
	if err := tx.loadRepairers(ctx, in); err != nil {
		return nil, err
	}
	if err := tx.tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(intervention_id), ?) FROM sb_commissions",
		int64(math.MinInt64)).Scan(&r.w.booked); err != nil {
		return nil, fmt.Errorf("read the booked interventions: %w", err)
	}
	r.w.bookedRead = true
	var err error
	if r.sc, err = tx.readScope(ctx, in, r.w, r.st); err != nil {
		return nil, err
	}
	// Operations added to interventions booked before (read before this close books any line).
	if err := tx.loadAddedOperations(ctx, in, mark, r.sc.pending[srcOperations]); err != nil {
		return nil, err
	}
	if err := tx.scopePools(ctx, r, inSQL); err != nil {
		return nil, err
	}
	return r, nil
}

// notBookedIDs is the condition of the scope's interventions t that may be booked (scopeIDs).
const notBookedIDs = "NOT EXISTS (SELECT 1 FROM sb_commissions c WHERE c.intervention_id = t.id) AND "

// scopePools collects the ids of each source in the close's scope (but the interventions' with
// ivsInSQL).
func (tx *Tx) scopePools(ctx context.Context, r *closeRead, ivsInSQL bool) error {
	var err error
	sc := r.sc
	iv, dec, cr := lookSources[0], lookSources[1], lookSources[2]
	if !ivsInSQL {
		if r.ivs, err = tx.scopeIDs(ctx, sc, iv, notBookedIDs, nil, sc.pending[srcInterventions]); err != nil {
			return err
		}
	}
	if r.decisions, err = tx.scopeIDs(ctx, sc, dec, "", nil, sc.pending[srcDecisions]); err != nil {
		return err
	}
	// (kind, status, closed_at) is an index of migration 2: the SAVs of the ranges alone
	if r.savs, err = tx.scopeIDs(ctx, sc, iv, "t.kind = ? AND t.status = ? AND NOT EXISTS (SELECT 1 FROM sb_sav_state s0 WHERE s0.sav_id = t.id) AND ",
		[]any{sb.KindSAV, sb.StatusClosed}, sc.pending[srcInterventions], r.decisions); err != nil {
		return err
	}
	if r.credits, err = tx.scopeIDs(ctx, sc, cr, "NOT EXISTS (SELECT 1 FROM sb_goodwill g WHERE g.credit_id = t.id) AND ",
		nil, sc.pending[srcCredits]); err != nil {
		return err
	}
	rows := r.st.stats.Rows
	if !ivsInSQL {
		rows[srcInterventions] = len(r.ivs)
	}
	rows[srcDecisions], rows[srcCredits] = len(r.decisions), len(r.credits)
	rows["sav_interventions"] = len(r.savs)
	return nil
}

// nullIDInterventions reads the interventions in scope without an id (a view's) that may concern
// the close.
func (tx *Tx) nullIDInterventions(ctx context.Context, r *closeRead) ([]sb.Intervention, error) {
	var out []sb.Intervention
	for _, c := range r.sc.ranges[srcInterventions] {
		ivs, err := tx.interventions(ctx, "interventions", r.w, "i.id IS NULL AND "+c.on("i.closed_at")+" AND "+tx.candidates(),
			append(slices.Clip(c.args), candidateArgs(r.w)...)...)
		if err != nil {
			return nil, err
		}
		out = append(out, ivs...)
	}
	return out, nil
}

// loadRest reads, after the interventions, the rest of the close's facts: SAVs, decisions,
// credits, plans, overrides and the numbering; it keeps in the look-back's state what the rules
// got, for SaveBook.
func (tx *Tx) loadRest(ctx context.Context, r *closeRead) error {
	in := r.in
	var err error
	if in.BookedOperations, err = tx.bookedOperations(ctx, in.Interventions); err != nil {
		return err
	}
	if err := tx.loadSAVs(ctx, r); err != nil {
		return err
	}
	if err := tx.loadStrayDecisions(ctx, r); err != nil {
		return err
	}
	if err := tx.loadCredits(ctx, r); err != nil {
		return err
	}
	if err := tx.loadOpenPlans(ctx, in); err != nil {
		return err
	}
	if err := tx.loadOverrides(ctx, in); err != nil {
		return err
	}
	if err := tx.loadSequences(ctx, in); err != nil {
		return err
	}
	st := r.st
	st.interventions, st.savs, st.decisions, st.credits = nil, nil, nil, nil
	for _, iv := range in.Interventions {
		// one closed after the end (a defect: after now) is read again by time, not tracked
		if iv.ID != 0 && (iv.ClosedAt.IsZero() || iv.ClosedAt.Before(in.End)) {
			st.interventions = append(st.interventions, iv.ID)
		}
	}
	for _, c := range in.SAVs {
		st.savs = append(st.savs, c.SAV.ID)
	}
	for _, c := range in.Changed {
		st.decisions = append(st.decisions, c.SAV.ID)
	}
	for _, d := range in.StrayDecisions {
		st.decisions = append(st.decisions, d.SAVID)
	}
	for _, c := range in.Credits {
		st.credits = append(st.credits, c.ID)
	}
	for _, c := range in.StrayCredits {
		st.credits = append(st.credits, c.ID)
	}
	for _, ids := range [][]int64{st.interventions, st.savs, st.decisions, st.credits} {
		slices.Sort(ids)
	}
	st.decisions, st.credits = slices.Compact(st.decisions), slices.Compact(st.credits)
	st.interventions = slices.Compact(st.interventions)
	return nil
}

// loadRepairers reads every repairer; a repeated id or a NULL name or active makes the
// repairer defective.
func (tx *Tx) loadRepairers(ctx context.Context, in *sb.CloseInput) error {
	q := tx.tx
	in.Repairers = map[int64]sb.Repairer{}
	optional, err := repairerOptionalSelect(ctx, q)
	if err != nil {
		return err
	}
	return each(ctx, q, "repairers", `SELECT id, name, email, address, siret, vat_number, vat_regime,
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
}

// loadSAVs reads the SAVs closed before End and not yet charged, and those charged before whose
// decision (taken before End) differs from the booked one. The engine's own comparison of kind
// and status (a superset of the exact one under a case-insensitive or PAD SPACE collation) is
// narrowed by Go to the exact codes.
func (tx *Tx) loadSAVs(ctx context.Context, r *closeRead) error {
	in := r.in
	in.SAVs = nil
	for chunk := range slices.Chunk(r.savs, idList) {
		// By id alone (the exact kind and status are kept below): a condition on kind and status
		// would let SQLite read the index (kind, status, closed_at) instead, every SAV of the
		// history for each list.
		cases, err := tx.savCases(ctx, "SAVs", r.w, "i.id IN ("+int64List(chunk)+") AND "+
			tx.maybeBefore("i.closed_at")+" AND NOT EXISTS (SELECT 1 FROM sb_sav_state s0 WHERE s0.sav_id = i.id)",
			sqlTime(in.End))
		if err != nil {
			return err
		}
		in.SAVs = append(in.SAVs, cases...)
	}
	in.SAVs = slices.DeleteFunc(in.SAVs, func(c sb.SAVCase) bool {
		return c.SAV.Kind != sb.KindSAV || c.SAV.Status != sb.StatusClosed
	})
	if len(in.SAVs) == 0 {
		in.SAVs = nil
	}
	in.Changed = nil
	for chunk := range slices.Chunk(r.decisions, idList) {
		cases, err := tx.changedCases(ctx, r.w, chunk)
		if err != nil {
			return err
		}
		in.Changed = append(in.Changed, cases...)
	}
	return nil
}

// loadStrayDecisions reads the decisions in scope taken on a missing or non-SAV intervention.
func (tx *Tx) loadStrayDecisions(ctx context.Context, r *closeRead) error {
	in := r.in
	in.StrayDecisions = nil
	stray := func(d sb.Decision) { in.StrayDecisions = append(in.StrayDecisions, d) }
	query := func(which string) string {
		return "SELECT " + decisionCols + " FROM sav_decisions d WHERE " + which + ` AND d.decided_at < ?
			AND NOT EXISTS (SELECT 1 FROM interventions i WHERE i.id = d.intervention_id AND ` + tx.exactly("i.kind") +
			") ORDER BY d.intervention_id"
	}
	scan := func(rows *sql.Rows) error {
		dec, _, err := scanDecision(rows)
		stray(dec)
		return err
	}
	args := []any{sqlTime(in.End), sb.KindSAV}
	for _, c := range r.sc.ranges[srcDecisions] { // without an intervention id, by time
		if err := each(ctx, tx.tx, "stray decisions", query("d.intervention_id IS NULL AND "+c.on("d.decided_at")),
			append(slices.Clip(c.args), args...), scan); err != nil {
			return err
		}
	}
	return tx.eachIn(ctx, "stray decisions", r.decisions, func(list string) string {
		return query("d.intervention_id " + list)
	}, args, scan)
}

// loadCredits reads the credits in scope granted before End on SAV interventions, not yet
// reported, the booked state of the SAVs they refer to, and the stray credits (credits.go).
func (tx *Tx) loadCredits(ctx context.Context, r *closeRead) error {
	in := r.in
	// EXISTS, not IN (SELECT …): driven by the credits' ids, each looking up its intervention
	// (SQLite scanned every SAV of the history for each list of ids).
	creditFilter := tx.maybeBefore("c.granted_at") + " AND EXISTS (SELECT 1 FROM interventions i WHERE i.id = c.intervention_id AND " +
		tx.exactly("i.kind") + ") AND NOT EXISTS (SELECT 1 FROM sb_goodwill g WHERE g.credit_id = c.id)"
	creditArgs := []any{sqlTime(in.End), sb.KindSAV}
	in.Credits = nil
	var creditSAVs []int64
	err := tx.eachCredit(ctx, r, "client credits", `SELECT c.id, c.intervention_id, c.amount_cents, c.granted_at, c.reason
		FROM client_credits c WHERE @ AND `+creditFilter+` ORDER BY c.id`, creditArgs, func(rows *sql.Rows) error {
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
	if err := tx.strayCredits(ctx, r); err != nil {
		return err
	}
	in.Processed = map[int64]sb.SAVState{}
	slices.Sort(creditSAVs)
	return tx.eachIn(ctx, "booked SAV states", slices.Compact(creditSAVs), func(in string) string {
		return "SELECT " + stateCols + " FROM sb_sav_state s WHERE s.sav_id " + in
	}, nil, func(rows *sql.Rows) error {
		st, err := scanState(rows)
		in.Processed[st.SAVID] = st
		return err
	})
}

// eachCredit runs query, whose WHERE holds @ for the credits to read, for the credits in scope
// without an id (by time), then for those of r.credits (by id), in id order.
func (tx *Tx) eachCredit(ctx context.Context, r *closeRead, what, query string, args []any, fn func(rows *sql.Rows) error) error {
	for _, c := range r.sc.ranges[srcCredits] {
		q := strings.Replace(query, "@", "c.id IS NULL AND "+c.on("c.granted_at"), 1)
		if err := each(ctx, tx.tx, what, q, append(slices.Clip(c.args), args...), fn); err != nil {
			return err
		}
	}
	return tx.eachIn(ctx, what, r.credits, func(list string) string {
		return strings.Replace(query, "@", "c.id "+list, 1)
	}, args, fn)
}

// loadOpenPlans reads the open plans with what they were paid so far.
func (tx *Tx) loadOpenPlans(ctx context.Context, in *sb.CloseInput) error {
	in.Plans = nil
	return each(ctx, tx.tx, "plans", `SELECT p.id, p.repairer_id, p.created_period, p.months, p.total_cents, p.invoiced_cents,
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
}

// loadOverrides reads finance's overrides for the period.
func (tx *Tx) loadOverrides(ctx context.Context, in *sb.CloseInput) error {
	in.Overrides = nil
	return each(ctx, tx.tx, "overflow overrides", `SELECT repairer_id, period, mode, months FROM overflow_overrides
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
}

// loadSequences reads the document sequences used so far in the period's year.
func (tx *Tx) loadSequences(ctx context.Context, in *sb.CloseInput) error {
	q := tx.tx
	in.LastStatementSeq = map[int64]int{}
	// A statement of account takes no number of the series (its seq is stored as minus its month).
	err := each(ctx, q, "statement numbers", `SELECT repairer_id, MAX(seq) FROM sb_statements WHERE year = ? AND seq > 0
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
