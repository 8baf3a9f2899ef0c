package store

// The audit (issue 24; docs/rules.md, "The audit"): `savbilling audit` reads the whole source
// history, or from a month on, and finds what a close should have booked before the end of the
// last closed period and did not, whatever its age: the facts older than the close's look-back,
// the rows changed so that their month's fingerprint did not move, the timestamps in a text form
// SQLite does not sort, the decisions revised without moving decided_at. It books nothing: it
// lists their ids in sb_source_pending, which the next close reads by id and books (late) in the
// first open period.
//
// Each source table is scanned once, by one set-based query: the anti-join with the ledger's key
// (LEFT JOIN … IS NULL, a lookup of each row in a primary key: on SQLite a quarter of the CPU of
// a correlated NOT EXISTS) lets through only the rows found, which Go then reads exactly
// (srcTime), as a close does.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	sb "savbilling"
)

// The kinds of findings of an audit, in the order of its summary.
const (
	AuditInterventions = iota // interventions not booked that a close would book or hold
	AuditSAVs                 // SAVs closed and decided, not charged
	AuditRevisions            // SAVs charged whose decision differs from the booked one
	AuditCredits              // client credits not reported
	AuditOperations           // operations added to an intervention paid before, below the mark
	auditKinds
)

// The sources of sb_source_pending, as the close reads them back by id.
const (
	PendingInterventions = "interventions"  // interventions.id
	PendingDecisions     = "sav_decisions"  // sav_decisions.intervention_id (the SAV's id)
	PendingCredits       = "client_credits" // client_credits.id
	PendingOperations    = "operations"     // intervention_operations.id
)

// AuditFinding is what an audit found of one kind.
type AuditFinding struct {
	Kind   string  // the kind, for the summary: "interventions", "SAVs not charged", …
	Source string  // the source of sb_source_pending their ids were listed under
	IDs    []int64 // ascending
	// Oldest is the earliest month (Europe/Paris) of the rows found with a readable time: the
	// period they should have been booked in; zero when none has one.
	Oldest sb.Period
	// Undated counts the rows found whose time is NULL or unreadable (the close holds them).
	Undated int
}

// AuditResult is what Audit found and did.
type AuditResult struct {
	LastClosed sb.Period // the latest closed period; zero when none is (nothing audited)
	Since      sb.Period // the first month audited; zero: the whole history
	Found      [auditKinds]AuditFinding
	Listed     int              // rows added to sb_source_pending (those already listed are not counted)
	Scanned    map[string]int64 // per source table, the rows the audit examined
}

// Total is the number of rows found, all kinds.
func (r *AuditResult) Total() int {
	n := 0
	for _, f := range r.Found {
		n += len(f.IDs)
	}
	return n
}

// Oldest is the earliest month of the rows found with a readable time, zero when none.
func (r *AuditResult) Oldest() sb.Period {
	var o sb.Period
	for _, f := range r.Found {
		if !f.Oldest.IsZero() && (o.IsZero() || f.Oldest.Before(o)) {
			o = f.Oldest
		}
	}
	return o
}

// Audit finds, in the source rows whose time is before the end of the last closed period (and,
// since being set, in or after the month since), those a close should have booked and did not,
// and lists their ids in sb_source_pending (INSERT-or-ignore) for the next close. It runs in the
// close's transaction (DB.WithCloseLock), so no close runs meanwhile; it books nothing. With no
// period closed it finds nothing and returns a result with a zero LastClosed.
func (tx *Tx) Audit(ctx context.Context, since sb.Period) (*AuditResult, error) {
	res := &AuditResult{Since: since, Scanned: map[string]int64{}}
	kinds := [auditKinds][2]string{
		{"interventions not booked", PendingInterventions},
		{"SAVs closed and decided, not charged", PendingDecisions},
		{"SAVs whose decision differs from the one booked", PendingDecisions},
		{"client credits not reported", PendingCredits},
		{"operations added to an intervention paid before", PendingOperations},
	}
	for k, n := range kinds {
		res.Found[k].Kind, res.Found[k].Source = n[0], n[1]
	}
	last, ok, err := tx.LastClosed(ctx)
	if err != nil || !ok {
		return res, err
	}
	res.LastClosed = last
	a := audit{tx: tx, res: res, end: last.End(sb.Paris)}
	if !since.IsZero() {
		a.since = since.Start(sb.Paris)
	}
	for _, step := range []func(context.Context) error{a.interventions, a.decisions, a.credits, a.operations, a.scanned} {
		if err := step(ctx); err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
	}
	for k := range res.Found {
		f := &res.Found[k]
		slices.Sort(f.IDs)
		f.IDs = slices.Compact(f.IDs) // a view repeating a row
		n, err := tx.listPending(ctx, f.Source, f.IDs)
		if err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		res.Listed += n
	}
	return res, nil
}

// audit is one run of Tx.Audit.
type audit struct {
	tx         *Tx
	res        *AuditResult
	end, since time.Time // since: zero for the whole history
}

// keep records in kind k the row id found, of time t (the time that makes it due), when t is in
// the audit's range: a readable time before the end and not before since, or a time NULL or
// unreadable (no month: the close holds the row, the audit lists it all the same).
func (a *audit) keep(k int, id int64, t srcTime) {
	f := &a.res.Found[k]
	if t.Bad != "" || t.Null {
		f.IDs = append(f.IDs, id)
		f.Undated++
		return
	}
	if !t.Time.Before(a.end) || (!a.since.IsZero() && t.Time.Before(a.since)) {
		return
	}
	f.IDs = append(f.IDs, id)
	if m := sb.PeriodOf(t.Time, sb.Paris); f.Oldest.IsZero() || m.Before(f.Oldest) {
		f.Oldest = m
	}
}

// sinceFilter is the SQL condition that the source timestamp col may be at or after since (a
// superset: NULL and, on SQLite, other text forms pass; Go decides), with its argument; "" and
// nil for the whole history.
func (a *audit) sinceFilter(col string) (string, []any) {
	if a.since.IsZero() {
		return "", nil
	}
	return " AND " + a.tx.d.dialect.maybeFrom(col), []any{sqlTime(a.since)}
}

// interventions finds (1): the interventions not booked whose status is not exactly open or
// cancelled (closed, or a status the close holds) closed before the end (or with a NULL or
// unreadable closing time): a close books or holds each of them. One scan of interventions, each
// row looked up in sb_commissions' key.
func (a *audit) interventions(ctx context.Context) error {
	tx := a.tx
	since, sinceArgs := a.sinceFilter("i.closed_at")
	query := `SELECT i.id, i.closed_at FROM interventions i LEFT JOIN sb_commissions c ON c.intervention_id = i.id
		WHERE c.intervention_id IS NULL AND i.id IS NOT NULL AND (i.status IS NULL OR NOT (` +
		tx.exactly("i.status") + " OR " + tx.exactly("i.status") + ")) AND " + tx.maybeBefore("i.closed_at") + since
	args := append([]any{sb.StatusOpen, sb.StatusCancelled, sqlTime(a.end)}, sinceArgs...)
	return each(ctx, tx.tx, "interventions not booked", query, args, func(rows *sql.Rows) error {
		var (
			id int64
			at srcTime
		)
		if err := rows.Scan(&id, &at); err != nil {
			return err
		}
		a.keep(AuditInterventions, id, at)
		return nil
	})
}

// decisions finds (2), the SAV interventions closed (exactly 'sav' and 'closed') and decided
// before the end with no booked state, and (3), the SAVs whose booked state differs from their
// decision taken before the end. One scan of sav_decisions, each row looked up in the keys of
// interventions and sb_sav_state. A SAV not charged is due from the later of its closing and its
// decision; a revision from its decision.
func (a *audit) decisions(ctx context.Context) error {
	tx := a.tx
	since, sinceArgs := "", []any(nil)
	if !a.since.IsZero() { // a superset: Go keeps the rows due from since on
		dec, args := a.sinceFilter("d.decided_at")
		closed, more := a.sinceFilter("i.closed_at")
		since = " AND (" + dec[len(" AND "):] + " OR " + closed[len(" AND "):] + ")"
		sinceArgs = append(args, more...)
	}
	query := `SELECT d.intervention_id, d.decided_at, i.closed_at, CASE WHEN s.sav_id IS NULL THEN 0 ELSE 1 END
		FROM sav_decisions d JOIN interventions i ON i.id = d.intervention_id
		LEFT JOIN sb_sav_state s ON s.sav_id = d.intervention_id
		WHERE ` + tx.maybeBefore("d.decided_at") + since + ` AND (
		(s.sav_id IS NULL AND ` + tx.exactly("i.kind") + " AND " + tx.exactly("i.status") + " AND " + tx.maybeBefore("i.closed_at") + `)
		OR (s.sav_id IS NOT NULL AND ` + decisionDiffers + "))"
	args := append([]any{sqlTime(a.end)}, sinceArgs...)
	args = append(args, sb.KindSAV, sb.StatusClosed, sqlTime(a.end))
	return each(ctx, tx.tx, "SAV decisions not booked", query, args, func(rows *sql.Rows) error {
		var (
			id         int64
			dec, close srcTime
			charged    int
		)
		if err := rows.Scan(&id, &dec, &close, &charged); err != nil {
			return err
		}
		if charged == 1 {
			a.keep(AuditRevisions, id, dec)
			return nil
		}
		if dec.from(a.end) || close.from(a.end) {
			return nil // decided or closed in the open period: the next close's own fact
		}
		// due from the later of the two times; either unreadable: undated
		due := dec
		if close.Bad != "" || close.Null || (dec.Bad == "" && !dec.Null && close.Time.After(dec.Time)) {
			due = close
		}
		a.keep(AuditSAVs, id, due)
		return nil
	})
}

// credits finds (4): the client credits granted before the end not reported in sb_goodwill (on
// a SAV, or stray: a close reports or holds each). One scan of client_credits, each row looked up
// in sb_goodwill's key.
func (a *audit) credits(ctx context.Context) error {
	tx := a.tx
	since, sinceArgs := a.sinceFilter("c.granted_at")
	query := `SELECT c.id, c.granted_at FROM client_credits c LEFT JOIN sb_goodwill g ON g.credit_id = c.id
		WHERE g.credit_id IS NULL AND c.id IS NOT NULL AND ` + tx.maybeBefore("c.granted_at") + since
	args := append([]any{sqlTime(a.end)}, sinceArgs...)
	return each(ctx, tx.tx, "client credits not reported", query, args, func(rows *sql.Rows) error {
		var (
			id int64
			at srcTime
		)
		if err := rows.Scan(&id, &at); err != nil {
			return err
		}
		a.keep(AuditCredits, id, at)
		return nil
	})
}

// operations finds (5): the operations at or below the mark (the highest operation id a close
// saw) on an intervention booked before, not in sb_operations: added after their intervention was
// paid with an id a close no longer reads (the close reads the operations above the mark), and
// not listed by a close already (an added operation is listed once and stays unpaid). Their
// month is the period their intervention was booked in; since keeps those booked from since on.
// One scan of intervention_operations' key up to the mark, each row looked up in the keys of
// sb_commissions and sb_operations.
func (a *audit) operations(ctx context.Context) error {
	tx := a.tx
	mark, ok, err := tx.previousMark(ctx)
	if err != nil || !ok {
		return err
	}
	// The operations drive the joins, a range of their key (MySQL: STRAIGHT_JOIN keeps the order
	// written; SQLite keeps a LEFT JOIN's): sb_operations' key first, which lets through only the
	// operations not paid, then sb_commissions' for those alone.
	_, straight := tx.d.dialect.drivingJoin()
	query := `SELECT ` + straight + `o.id, c.period FROM intervention_operations o
		LEFT JOIN sb_operations b ON b.operation_id = o.id
		JOIN sb_commissions c ON c.intervention_id = o.intervention_id
		WHERE o.id <= ? AND b.operation_id IS NULL`
	args := []any{mark}
	if !a.since.IsZero() {
		query += " AND c.period >= ?"
		args = append(args, sb.PeriodOf(a.since, sb.Paris).String())
	}
	type found struct {
		id     int64
		period sb.Period
	}
	var rows []found
	err = each(ctx, tx.tx, "operations not paid", query, args, func(r *sql.Rows) error {
		var (
			id     int64
			period string
		)
		if err := r.Scan(&id, &period); err != nil {
			return err
		}
		p, err := sb.ParsePeriod(period)
		if err != nil {
			return fmt.Errorf("sb_commissions of operation %d: %w", id, err)
		}
		rows = append(rows, found{id, p})
		return nil
	})
	if err != nil || len(rows) == 0 {
		return err
	}
	// A close lists an added operation once (« opération N », reconcile/operations.go), and it
	// stays unpaid, out of sb_operations: one a close listed is not found again.
	listed := map[int64]bool{}
	err = each(ctx, tx.tx, "operations listed", "SELECT item FROM sb_anomalies WHERE item LIKE ?", []any{addedOperationItem + "%"},
		func(r *sql.Rows) error {
			var item string
			if err := r.Scan(&item); err != nil {
				return err
			}
			if n, ok := strings.CutPrefix(item, addedOperationItem); ok {
				if id, err := strconv.ParseInt(n, 10, 64); err == nil {
					listed[id] = true
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	f := &a.res.Found[AuditOperations]
	for _, r := range rows {
		if listed[r.id] {
			continue
		}
		f.IDs = append(f.IDs, r.id)
		if f.Oldest.IsZero() || r.period.Before(f.Oldest) {
			f.Oldest = r.period
		}
	}
	return nil
}

// addedOperationItem is the start of the item of the anomaly that lists an operation added to an
// intervention after it was paid, followed by its id (reconcile/operations.go).
const addedOperationItem = "opération "

// scanned counts, per source table, the rows the audit examined: those in its range of time
// (the whole table without since), for the operations those up to the mark. Each count reads
// the narrowest index the engine picks (InnoDB: a COUNT(*) with no condition on the primary key
// reads a secondary index, not the rows): the operations up to the mark are counted as all of
// them less those above it (the operations created since the last close: a short range).
func (a *audit) scanned(ctx context.Context) error {
	count := func(query string, args ...any) (int64, error) {
		var n int64
		if err := a.tx.tx.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
			return 0, fmt.Errorf("count the rows examined: %w", err)
		}
		return n, nil
	}
	for table, c := range map[string][2]string{
		"interventions":  {"interventions i", "i.closed_at"},
		"sav_decisions":  {"sav_decisions d", "d.decided_at"},
		"client_credits": {"client_credits c", "c.granted_at"},
	} {
		since, args := a.sinceFilter(c[1])
		n, err := count("SELECT COUNT(*) FROM "+c[0]+" WHERE 1 = 1"+since, args...)
		if err != nil {
			return err
		}
		a.res.Scanned[table] = n
	}
	const ops = "intervention_operations"
	a.res.Scanned[ops] = 0
	mark, ok, err := a.tx.previousMark(ctx)
	if err != nil || !ok {
		return err
	}
	all, err := count("SELECT COUNT(*) FROM " + ops)
	if err != nil {
		return err
	}
	above, err := count("SELECT COUNT(*) FROM "+ops+" WHERE id > ?", mark)
	if err != nil {
		return err
	}
	a.res.Scanned[ops] = all - above
	return nil
}

// listPending inserts ids under source into sb_source_pending, each once (those listed already
// are left as they are), and returns how many it added.
func (tx *Tx) listPending(ctx context.Context, source string, ids []int64) (int, error) {
	verb := tx.d.dialect.insertIgnore()
	added := 0
	for chunk := range slices.Chunk(ids, 500) {
		var q []byte
		q = append(q, verb+" INTO sb_source_pending (source, id) VALUES "...)
		args := make([]any, 0, 2*len(chunk))
		for i, id := range chunk {
			if i > 0 {
				q = append(q, ", "...)
			}
			q = append(q, "(?, ?)"...)
			args = append(args, source, id)
		}
		r, err := tx.tx.ExecContext(ctx, string(q), args...)
		if err != nil {
			return added, fmt.Errorf("insert into sb_source_pending: %w", err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return added, fmt.Errorf("insert into sb_source_pending: %w", err)
		}
		added += int(n)
	}
	return added, nil
}

// SourcePending returns the ids listed in sb_source_pending under source, ascending.
func (d *DB) SourcePending(ctx context.Context, source string) ([]int64, error) {
	rows, err := d.db.QueryContext(ctx, "SELECT id FROM sb_source_pending WHERE source = ? ORDER BY id", source)
	if err != nil {
		return nil, fmt.Errorf("read sb_source_pending: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read sb_source_pending: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
