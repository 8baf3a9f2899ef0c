package store

// The look-back (docs/rules.md, "The look-back").
//
// A close does not read the history of the source tables. For each of interventions (closed_at),
// sav_decisions (decided_at) and client_credits (granted_at) it reads only the rows whose time
// is in the period, in a month of its look-back whose fingerprint moved since the last close
// (or has none stored), NULL or after now, and the ids the last close left unsettled
// (sb_source_pending). A month's fingerprint is the count and the sum of the ids of its rows,
// read from an index on the time column alone (migration 71), in the snapshot of the close's
// read; SaveBook stores them (sb_source_months) with the ids this close leaves unsettled.
// Everything else a close decides about a row it reads is unchanged: the rows are read by id
// with the same conditions as when the whole table was read.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	sb "savbilling"
)

// The sources of the look-back, as sb_source_months and sb_source_pending name them.
const (
	srcInterventions = "interventions"
	srcDecisions     = "sav_decisions"
	srcCredits       = "client_credits"
	srcOperations    = "operations" // sb_source_pending only: an operation added to an intervention booked before
)

// lookSource is a source table of the look-back: its id and time columns.
type lookSource struct{ name, table, id, time string }

var lookSources = []lookSource{
	{srcInterventions, "interventions", "id", "closed_at"},
	{srcDecisions, "sav_decisions", "intervention_id", "decided_at"},
	{srcCredits, "client_credits", "id", "granted_at"},
}

// ReadStats is what the read of a close examined (Tx.ReadStats): a close whose look-back did
// not move re-reads no month.
type ReadStats struct {
	LookbackMonths int            // the look-back, in months before the period
	MonthsChecked  int            // fingerprints computed: (source, month) pairs, the period's included
	MonthsReread   []string       // the look-back months read again, "source YYYY-MM", in order
	Tracked        map[string]int // ids read again because the last close left them unsettled, per source
	Rows           map[string]int // ids in the scope of the read, per source (before the close's filters)
}

// fingerprint is a month's count of rows and sum of their ids (decimal).
type fingerprint struct {
	count int64
	sum   string
}

// cond is an SQL condition with its arguments.
type cond struct {
	sql  string
	args []any
}

// on is the condition on column col.
func (c cond) on(col string) string { return "(" + strings.ReplaceAll(c.sql, "@", col) + ")" }

// lookState is the look-back of the close read in a transaction: what SaveBook stores.
type lookState struct {
	period sb.Period
	fps    map[string]map[string]fingerprint // source, month
	// what the read handed to the rules, by source, for SaveBook to keep what stays unsettled
	interventions, savs, decisions, credits, operations []int64
	stats                                               ReadStats
	pendingRead                                         map[string][]int64 // sb_source_pending as the read found it
}

// scope is what a close reads of the source tables: per source, the time ranges, and the ids
// tracked from the last close.
type scope struct {
	ranges  map[string][]cond // conditions on the time column, written @ (see on)
	pending map[string][]int64
}

// lookbackMonths is the look-back of in (savbilling.DefaultLookbackMonths when unset).
func lookbackMonths(in *sb.CloseInput) int {
	if in.LookbackMonths > 0 {
		return in.LookbackMonths
	}
	return sb.DefaultLookbackMonths
}

// readScope computes the fingerprints of the look-back, compares them with the stored ones and
// returns what the close reads; the state SaveBook needs is kept in st.
func (tx *Tx) readScope(ctx context.Context, in *sb.CloseInput, w window, st *lookState) (*scope, error) {
	n := lookbackMonths(in)
	st.stats = ReadStats{LookbackMonths: n, Tracked: map[string]int{}, Rows: map[string]int{}}
	st.fps = map[string]map[string]fingerprint{}
	stored, err := tx.storedFingerprints(ctx, in.Period.AddMonths(-n), in.Period)
	if err != nil {
		return nil, err
	}
	sc := &scope{ranges: map[string][]cond{}}
	for _, src := range lookSources {
		const col = "@"
		rs := []cond{{col + " >= ? AND " + col + " < ?", []any{sqlTime(in.Start), tx.upTo(in.End)}},
			{col + " IS NULL", nil}}
		if !w.now.IsZero() {
			rs = append(rs, cond{col + " > ?", []any{sqlTime(w.now)}})
		}
		if in.LastClosed.IsZero() {
			// The first close books the history before its period: it reads all of it.
			rs = append(rs, cond{col + " < ?", []any{sqlTime(in.Start)}})
		}
		st.fps[src.name] = map[string]fingerprint{}
		for k := n; k >= 0; k-- {
			m := in.Period.AddMonths(-k)
			fp, err := tx.monthFingerprint(ctx, src, m)
			if err != nil {
				return nil, err
			}
			st.fps[src.name][m.String()] = fp
			st.stats.MonthsChecked++
			if k == 0 || in.LastClosed.IsZero() {
				continue
			}
			if old, ok := stored[src.name][m.String()]; ok && old == fp {
				continue
			}
			rs = append(rs, cond{col + " >= ? AND " + col + " < ?", []any{sqlTime(m.Start(sb.Paris)), tx.upTo(m.End(sb.Paris))}})
			st.stats.MonthsReread = append(st.stats.MonthsReread, src.name+" "+m.String())
		}
		sc.ranges[src.name] = rs
	}
	if sc.pending, err = tx.pendingIDs(ctx); err != nil {
		return nil, err
	}
	st.pendingRead = sc.pending
	for s, ids := range sc.pending {
		st.stats.Tracked[s] = len(ids)
	}
	return sc, nil
}

// upTo is the upper bound of a range of the scope that ends at end: end itself on MySQL; on
// SQLite, where timestamps are text compared as text, the next UTC day ("YYYY-MM-DD"), so that
// a time of end's last day in another text form ("2026-10-31T22:30:00Z", which sorts after
// "2026-10-31 23:00:00") is read too: the close's own filters then decide, as before.
func (tx *Tx) upTo(end time.Time) any { return tx.d.dialect.upTo(end) }

// monthFingerprint counts the rows of src whose time is in month m, and sums their ids, from
// the index on the time column alone.
func (tx *Tx) monthFingerprint(ctx context.Context, src lookSource, m sb.Period) (fingerprint, error) {
	var fp fingerprint
	lo, hi := sqlTime(m.Start(sb.Paris)), tx.upTo(m.End(sb.Paris))
	where := " FROM " + src.table + " t WHERE t." + src.time + " >= ? AND t." + src.time + " < ?"
	fp, err := tx.d.dialect.fingerprint(ctx, tx.tx, "t."+src.id, where, lo, hi)
	if err != nil {
		return fp, fmt.Errorf("fingerprint of %s %s: %w", src.table, m, err)
	}
	return fp, nil
}

// storedFingerprints reads the fingerprints stored for the months from first to last.
func (tx *Tx) storedFingerprints(ctx context.Context, first, last sb.Period) (map[string]map[string]fingerprint, error) {
	out := map[string]map[string]fingerprint{}
	err := each(ctx, tx.tx, "sb_source_months", "SELECT source, month, row_count, id_sum FROM sb_source_months WHERE month >= ? AND month <= ?",
		[]any{first.String(), last.String()}, func(rows *sql.Rows) error {
			var src, month string
			var fp fingerprint
			if err := rows.Scan(&src, &month, &fp.count, &fp.sum); err != nil {
				return err
			}
			if out[src] == nil {
				out[src] = map[string]fingerprint{}
			}
			out[src][month] = fp
			return nil
		})
	return out, err
}

// pendingIDs reads sb_source_pending, ascending ids per source.
func (tx *Tx) pendingIDs(ctx context.Context) (map[string][]int64, error) {
	out := map[string][]int64{}
	err := each(ctx, tx.tx, "sb_source_pending", "SELECT source, id FROM sb_source_pending ORDER BY source, id", nil,
		func(rows *sql.Rows) error {
			var src string
			var id int64
			err := rows.Scan(&src, &id)
			out[src] = append(out[src], id)
			return err
		})
	return out, err
}

// scopeIDs returns, ascending and once each, the ids of the rows of src (alias t) in the
// scope's ranges that match only (a condition on t ending in AND, or ""), with the ids of extra
// (ascending or not).
func (tx *Tx) scopeIDs(ctx context.Context, sc *scope, src lookSource, only string, args []any, extra ...[]int64) ([]int64, error) {
	var ids []int64
	for _, r := range sc.ranges[src.name] {
		var err error
		ids, err = tx.ids(ctx, ids, src.table+" in the close's scope", "SELECT t."+src.id+" FROM "+src.table+" t WHERE "+
			only+r.on("t."+src.time)+" AND t."+src.id+" IS NOT NULL", append(slices.Clip(args), r.args...)...)
		if err != nil {
			return nil, err
		}
	}
	for _, e := range extra {
		ids = append(ids, e...)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// ReadStats returns what the last read of a close in this transaction examined; the zero value
// when none was read.
func (tx *Tx) ReadStats() ReadStats {
	if tx.look == nil {
		return ReadStats{}
	}
	return tx.look.stats
}

// saveLookback stores, in SaveBook, the fingerprints the read computed and replaces the ids
// left unsettled: those the rules got and the book did not settle.
func (tx *Tx) saveLookback(ctx context.Context, b *sb.Book) error {
	st := tx.look
	if st == nil || st.period != b.Period {
		return nil
	}
	tx.look = nil
	for _, src := range lookSources {
		months := make([]string, 0, len(st.fps[src.name]))
		for m := range st.fps[src.name] {
			months = append(months, m)
		}
		slices.Sort(months)
		if _, err := tx.tx.ExecContext(ctx, "DELETE FROM sb_source_months WHERE source = ? AND month >= ? AND month <= ?",
			src.name, months[0], months[len(months)-1]); err != nil {
			return booked(b.Period, fmt.Errorf("delete from sb_source_months: %w", err))
		}
		err := tx.insertMany(ctx, "sb_source_months", []string{"source", "month", "row_count", "id_sum"}, len(months),
			func(i int) []any {
				fp := st.fps[src.name][months[i]]
				return []any{src.name, months[i], fp.count, fp.sum}
			})
		if err != nil {
			return booked(b.Period, err)
		}
	}
	pending, err := tx.leftUnsettled(ctx, b, st)
	if err != nil {
		return booked(b.Period, err)
	}
	// Replaced: the ids the read found there (not all: the audit may have added some since, on
	// MySQL/MariaDB after the read's snapshot), and those about to be written.
	for _, src := range []string{srcInterventions, srcDecisions, srcCredits, srcOperations} {
		for _, ids := range [][]int64{st.pendingRead[src], pending[src]} {
			for chunk := range slices.Chunk(ids, idList) {
				if _, err := tx.tx.ExecContext(ctx, "DELETE FROM sb_source_pending WHERE source = ? AND id IN ("+
					int64List(chunk)+")", src); err != nil {
					return booked(b.Period, fmt.Errorf("delete from sb_source_pending: %w", err))
				}
			}
		}
	}
	type row struct {
		src string
		id  int64
	}
	var rows []row
	for _, src := range []string{srcInterventions, srcDecisions, srcCredits} {
		for _, id := range pending[src] {
			rows = append(rows, row{src, id})
		}
	}
	err = tx.insertMany(ctx, "sb_source_pending", []string{"source", "id"}, len(rows), func(i int) []any {
		return []any{rows[i].src, rows[i].id}
	})
	if err != nil {
		return booked(b.Period, err)
	}
	return nil
}

// leftUnsettled returns, per source, the ids the rules got that the book left unsettled:
// interventions not booked, SAVs not charged, decisions whose SAV's booked state was not
// written, credits not reported. An operation the audit found was reported: none stays.
func (tx *Tx) leftUnsettled(ctx context.Context, b *sb.Book, st *lookState) (map[string][]int64, error) {
	out := map[string][]int64{}
	ivs, err := tx.notFound(ctx, st.interventions, "SELECT intervention_id FROM sb_commissions WHERE intervention_id ")
	if err != nil {
		return nil, err
	}
	savs, err := tx.notFound(ctx, st.savs, "SELECT sav_id FROM sb_sav_state WHERE sav_id ")
	if err != nil {
		return nil, err
	}
	out[srcInterventions] = sortedUnion(ivs, savs)
	written := map[int64]bool{}
	for _, s := range b.SAVStates {
		written[s.SAVID] = true
	}
	for _, id := range st.decisions {
		if !written[id] {
			out[srcDecisions] = append(out[srcDecisions], id)
		}
	}
	if out[srcCredits], err = tx.notFound(ctx, st.credits, "SELECT credit_id FROM sb_goodwill WHERE credit_id "); err != nil {
		return nil, err
	}
	return out, nil
}

// notFound returns the ids of ids (ascending) that query (ending in "col ", completed with an IN
// list) does not return.
func (tx *Tx) notFound(ctx context.Context, ids []int64, query string) ([]int64, error) {
	found := map[int64]bool{}
	err := tx.eachIn(ctx, "the ledger", ids, func(in string) string { return query + in }, nil, func(rows *sql.Rows) error {
		var id int64
		err := rows.Scan(&id)
		found[id] = true
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, id := range ids {
		if !found[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// sortedUnion returns the ids of a and b, ascending, once each.
func sortedUnion(a, b []int64) []int64 {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}
