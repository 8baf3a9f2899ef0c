package store

// Commission lines summed and booked by the store.
//
// A month of a large network has a million interventions and a few million operations. Rather
// than hand them all to the rules, hold them in memory and write a million commission lines back,
// LoadSummedCloseInput sums each eligible intervention's operations in the database and books at
// once, in the close's transaction, the commission line of every intervention the rules are bound
// to book whole; the rules get the sums per repairer (CloseInput.Summed) and, in full, the few
// other interventions (CloseInput.Interventions), which they book or hold as usual.
//
// SQLite sums into a temporary table (one pass over the interventions), then copies the lines
// into sb_commissions with INSERT … SELECT. MySQL/MariaDB cannot do that: in REPEATABLE READ an
// INSERT … SELECT (or CREATE TABLE … SELECT) reads its source with shared locks, which would block
// the marketplace's writes on every intervention and operation for the rest of the close. There
// the sums are read with plain (consistent, lock-free) SELECTs, a chunk of interventions at a
// time, on a second connection whose read-only transaction reads all the close's facts, while
// the close's transaction sends each chunk's lines from Go with LOAD DATA LOCAL INFILE
// (loaddata.go), or multi-row INSERTs where the server does not allow it.

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	sb "savbilling"
	"savbilling/money"
)

const (
	// sumMaxOperations bounds the operations of an intervention the store sums: each at most
	// savbilling.MaxAmountCents, its sum stays below 10^16 cents.
	sumMaxOperations = 1_000_000

	// closeLines is SQLite's temporary table of the eligible interventions of a close.
	closeLines = "sb_close_lines"
)

// canonicalTime is the GLOB pattern of a timestamp as the contract writes them: the SQLite
// lines summed copy it as is; any other form goes to the rules, read (or refused) by Go.
const canonicalTime = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]"

// sumChunk is the number of interventions read per query on MySQL (a variable for the tests).
var sumChunk = 20000

// summedInsertRows is the number of summed commission lines per INSERT on MySQL: fewer, larger
// statements than the ledger's other inserts (a line is about 100 bytes).
const summedInsertRows = 2500

// summedState is what LoadSummedCloseInput booked in the transaction, for SaveBook.
type summedState struct {
	period sb.Period
	lines  int           // commission lines booked
	cents  int64         // their amount
	insert time.Duration // spent inserting them (SQLite)
}

// StagedInsertTime is the time LoadSummedCloseInput spent booking the commission lines it
// summed, apart from its reads (a part of the booking, not of the reading): on SQLite their
// INSERT. On MySQL/MariaDB their loading goes on after it returns (see Loaded): 0 until then.
func (tx *Tx) StagedInsertTime() time.Duration {
	if tx.summed == nil {
		return 0
	}
	return tx.summed.insert
}

// Loaded waits until the commission lines LoadSummedCloseInput books on MySQL/MariaDB are all
// stored, and returns why they could not be; nil when none are being loaded. Their loading goes
// on after LoadSummedCloseInput returns, while the rules compute the book: SaveBook waits for it
// before it books anything else, and the end of the close's transaction (WithCloseLock) stops it
// when the close fails before.
func (tx *Tx) Loaded() error { return tx.endLoading(false) }

// endLoading ends the loading of the summed lines, once done or, with abort, after its current
// statement, and returns why it failed.
func (tx *Tx) endLoading(abort bool) error {
	if tx.loading == nil {
		return nil
	}
	err := tx.loading(abort)
	tx.loading = nil
	return err
}

// LoadSummedCloseInput is LoadCloseInput for large closes, in the close's transaction
// (WithCloseLock). It reads the same facts, except the interventions: those the rules are bound
// to book whole — summable: a known repairer with a standard or franchise VAT regime, kind
// standard or sav, closed in canonical form on or after savbilling.EarliestDate, at most a
// million operations, each with a commission and a price in 0..savbilling.MaxAmountCents — are
// summed per repairer into in.Summed and their commission lines booked at once (with the row of
// the period in sb_periods, which SaveBook completes); only the others are in in.Interventions,
// with their operations, for the rules to book or hold. Summable must stay a subset of what
// reconcile books whole (reconcile/commissions.go): a new check there is a new condition here.
// SaveBook must then be given the book the rules computed from in: it checks that its Summed
// lines are the ones booked here.
//
// On MySQL/MariaDB the facts are read in a read-only transaction of their own, on a second
// connection, while the close's transaction books: both connections work at once, so that the
// server uses two cores. Every fact then comes from that one snapshot, taken after the close
// lock: the ledger it shows is the close's (no other close can commit meanwhile), without the
// lines this close books, which no read needs. It returns once the facts are read; the lines
// still waiting are loaded while the caller computes (Loaded): nothing may use tx meanwhile but
// SaveBook, which waits for them.
func (tx *Tx) LoadSummedCloseInput(ctx context.Context, in *sb.CloseInput) error {
	if in == nil || in.End.IsZero() || in.Period.IsZero() {
		return errors.New("load close input: Period and End must be set")
	}
	if tx.d.dialect != dialectMySQL {
		return tx.loadInput(ctx, in, tx)
	}
	err := tx.d.ReadTx(ctx, func(ctx context.Context, read *Tx) error {
		return read.loadInput(ctx, in, tx)
	})
	if err != nil {
		// A failed load stops the reading, which then says why (stageMySQL); a read failing
		// after the sums stops the loading.
		_ = tx.endLoading(true)
		return err
	}
	return nil
}

// stageSummed books in the close's transaction bk the commission lines of the interventions the
// store may sum (see LoadSummedCloseInput), read in tx (bk itself on SQLite), fills in.Summed and
// returns the ids of the other eligible interventions, ascending. in.Repairers must be loaded.
func (tx *Tx) stageSummed(ctx context.Context, bk *Tx, in *sb.CloseInput, w window) ([]int64, error) {
	if err := bk.insertPeriodRow(ctx, in); err != nil {
		return nil, err
	}
	st := &summedState{period: in.Period}
	sums := map[int64]*sb.CommissionSum{}
	add := func(repairer int64, lines int, cents int64) error {
		s := sums[repairer]
		if s == nil {
			s = &sb.CommissionSum{RepairerID: repairer}
			sums[repairer] = s
		}
		var err error
		if s.AmountCents, err = money.Add(s.AmountCents, cents); err != nil {
			return fmt.Errorf("commissions of repairer %d: %w", repairer, err)
		}
		if st.cents, err = money.Add(st.cents, cents); err != nil {
			return fmt.Errorf("commissions: %w", err)
		}
		s.Lines += lines
		st.lines += lines
		return nil
	}
	var (
		others []int64
		err    error
	)
	if tx.d.dialect == dialectSQLite {
		others, err = tx.stageSQLite(ctx, in, w, add, &st.insert)
	} else {
		others, err = tx.stageMySQL(ctx, bk, in, w, add)
	}
	if err != nil {
		return nil, fmt.Errorf("book the summed commission lines: %w", err)
	}
	in.Summed = nil
	for _, s := range sums {
		in.Summed = append(in.Summed, *s)
	}
	sortSums(in.Summed)
	bk.summed = st
	return others, nil
}

func sortSums(s []sb.CommissionSum) {
	slices.SortFunc(s, func(a, b sb.CommissionSum) int { return cmp.Compare(a.RepairerID, b.RepairerID) })
}

// summableRepairers are the repairers whose interventions the store may sum: known, without
// defect, with a standard or franchise VAT regime, and an identity that makes a valid e-invoice
// (reconcile holds the others' statements, leaving their interventions unbooked).
func summableRepairers(in *sb.CloseInput) map[int64]bool {
	ok := make(map[int64]bool, len(in.Repairers))
	for id, r := range in.Repairers {
		if r.Defect == nil && (r.VATRegime == sb.VATStandard || r.VATRegime == sb.VATFranchise) {
			if _, billable := r.Identity().CheckEInvoice(); billable {
				ok[id] = true
			}
		}
	}
	return ok
}

// summable reports whether the rules are bound to book the intervention whole, as far as its
// repairer (among repairers, from summableRepairers) and kind are concerned.
func summable(repairers map[int64]bool, repairer sql.NullInt64, kind sql.NullString) bool {
	return repairer.Valid && kind.Valid && (kind.String == sb.KindStandard || kind.String == sb.KindSAV) &&
		repairers[repairer.Int64]
}

// boundsOK is the SQL condition, over the operations o of a group, that their count and amounts
// are within what the store sums, and none of them NULL.
var boundsOK = "COUNT(o.intervention_id) <= " + strconv.Itoa(sumMaxOperations) +
	" AND COUNT(o.commission_cents) = COUNT(o.intervention_id) AND COUNT(o.price_cents) = COUNT(o.intervention_id)" +
	" AND COALESCE(MAX(CASE WHEN o.commission_cents < 0 OR o.commission_cents > " + maxAmount +
	" OR o.price_cents < 0 OR o.price_cents > " + maxAmount + " THEN 1 ELSE 0 END), 0) = 0"

// distinctRows is the SQL condition, over the rows of a group of interventions i LEFT JOIN
// operations o grouped by i.id, that neither the intervention nor an operation is repeated and
// no operation lacks its id. It is needed only when a key does not already guarantee it (uniqueIDs).
const distinctRows = "COUNT(o.id) = COUNT(o.intervention_id) AND COUNT(*) = CASE WHEN COUNT(o.intervention_id) = 0 THEN 1 ELSE COUNT(DISTINCT o.id) END"

// distinctOperations is distinctRows over the operations o alone, grouped by intervention_id
// (MySQL's summing pass, which finds a repeated intervention in Go).
const distinctOperations = "COUNT(o.id) = COUNT(*) AND COUNT(DISTINCT o.id) = COUNT(*)"

// scanPlan is what both dialects' summing pass needs to know of the source tables: the index
// hint of the scan (interventionsHint) and the checks of a group: boundsOK, with distinct (the
// form of the dialect's query) unless the interventions and their operations are tables keyed
// by id, and that none of its operations is booked already (notBookedCheck).
func (tx *Tx) scanPlan(ctx context.Context, distinct string) (hint, checks string, err error) {
	if hint, err = tx.interventionsHint(ctx); err != nil {
		return "", "", err
	}
	ok, err := tx.uniqueIDs(ctx, "interventions")
	if err == nil && ok {
		ok, err = tx.uniqueIDs(ctx, "intervention_operations")
	}
	if err != nil {
		return "", "", fmt.Errorf("read the keys of the source tables: %w", err)
	}
	notBooked, err := tx.notBookedCheck(ctx)
	if err != nil {
		return "", "", err
	}
	if ok {
		return hint, boundsOK + " AND " + notBooked, nil
	}
	return hint, boundsOK + " AND " + distinct + " AND " + notBooked, nil
}

// uniqueIDs reports whether table is a base table whose primary key is its column id alone: no
// two rows share an id (a view, or a table without that key, may repeat one).
func (tx *Tx) uniqueIDs(ctx context.Context, table string) (bool, error) {
	var query string
	if tx.d.dialect == dialectMySQL {
		query = `SELECT COALESCE(MAX(t.TABLE_TYPE = 'BASE TABLE' AND s.COLUMN_NAME = 'id'), 0), COUNT(s.COLUMN_NAME)
			FROM information_schema.TABLES t JOIN information_schema.STATISTICS s
			ON s.TABLE_SCHEMA = t.TABLE_SCHEMA AND s.TABLE_NAME = t.TABLE_NAME AND s.INDEX_NAME = 'PRIMARY'
			WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_NAME = ?`
	} else {
		query = `SELECT COALESCE(MAX(p.name = 'id'), 0), COUNT(*) FROM sqlite_master m, pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name = ? AND p.pk > 0`
	}
	var isID, cols int
	if err := tx.tx.QueryRowContext(ctx, query, table).Scan(&isID, &cols); err != nil {
		return false, err
	}
	return isID == 1 && cols == 1, nil
}

var maxAmount = strconv.FormatInt(sb.MaxAmountCents, 10)

// interventionsHint is the index hint that makes a scan of the interventions go in id order
// (the grouping by id then needs no sort), or "" when interventions is a view.
func (tx *Tx) interventionsHint(ctx context.Context) (string, error) {
	kind, err := tableKindTx(ctx, tx.tx, tx.d.dialect, "interventions")
	if err != nil || kind != "table" {
		return "", err
	}
	if tx.d.dialect == dialectMySQL {
		return " FORCE INDEX (PRIMARY)", nil
	}
	return " NOT INDEXED", nil
}

// stageSQLite sums every eligible intervention into the temporary table closeLines in one pass,
// then books the lines of those summable with INSERT … SELECT.
func (tx *Tx) stageSQLite(ctx context.Context, in *sb.CloseInput, w window, add func(int64, int, int64) error, spent *time.Duration) ([]int64, error) {
	q := tx.tx
	if _, err := q.ExecContext(ctx, "DROP TABLE IF EXISTS temp."+closeLines); err != nil {
		return nil, err
	}
	hint, checks, err := tx.scanPlan(ctx, distinctRows)
	if err != nil {
		return nil, err
	}
	// SQLite's SUM fails on an integer overflow, even in a group the close does not sum: only
	// amounts within bounds are added (the others make the intervention not summable). Every
	// candidate is in the table; summed says whether the store books it (exact codes, a
	// canonical closing time in the period, sound operations).
	sum := "CASE WHEN o.commission_cents BETWEEN 0 AND " + maxAmount + " THEN o.commission_cents ELSE 0 END"
	args := []any{sb.StatusClosed, sb.KindStandard, sb.KindSAV, sqlTime(sb.EarliestDate), sqlTime(w.end)}
	// The intervention's own columns are bare in the grouped query (SQLite takes them from a row
	// of the group): exact in every group it sums, which the checks make hold one interventions
	// row; 35–45 % cheaper than MIN() over each operation row at L.
	_, err = q.ExecContext(ctx, `CREATE TEMP TABLE `+closeLines+` AS SELECT i.id AS intervention_id,
		i.repairer_id AS repairer_id, i.kind AS kind, i.city AS city, i.closed_at AS closed_at,
		COUNT(o.intervention_id) AS operations, COALESCE(SUM(`+sum+`), 0) AS amount_cents,
		CASE WHEN i.status = ? COLLATE BINARY AND i.kind COLLATE BINARY IN (?, ?)
			AND i.closed_at GLOB '`+canonicalTime+`' AND i.closed_at >= ? AND i.closed_at < ?
			AND `+checks+` THEN 1 ELSE 0 END AS summed
		FROM interventions i`+hint+` LEFT JOIN intervention_operations o ON o.intervention_id = i.id
		WHERE i.id IS NOT NULL AND `+tx.candidates()+` GROUP BY i.id`, append(args, candidateArgs(w)...)...)
	if err != nil {
		return nil, err
	}
	// Per repairer: an unknown repairer, or one with an invalid VAT regime, is not summed.
	repairers := summableRepairers(in)
	var (
		drop     []int64
		dropNull bool
	)
	err = each(ctx, q, "summed commissions", `SELECT repairer_id, COUNT(*), SUM(amount_cents) FROM `+closeLines+`
		WHERE summed = 1 GROUP BY repairer_id`, nil, func(rows *sql.Rows) error {
		var (
			rid   sql.NullInt64
			lines int
			cents int64
		)
		if err := rows.Scan(&rid, &lines, &cents); err != nil {
			return err
		}
		if !summable(repairers, rid, sql.NullString{String: sb.KindStandard, Valid: true}) {
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
		return nil, err
	}
	if len(drop) > 0 {
		if _, err := q.ExecContext(ctx, "UPDATE "+closeLines+" SET summed = 0 WHERE repairer_id IN ("+int64List(drop)+")"); err != nil {
			return nil, err
		}
	}
	if dropNull {
		if _, err := q.ExecContext(ctx, "UPDATE "+closeLines+" SET summed = 0 WHERE repairer_id IS NULL"); err != nil {
			return nil, err
		}
	}
	args = []any{in.Period.String()}
	late := "0"
	if lb := in.LateBefore(); !lb.IsZero() {
		late = "CASE WHEN s.closed_at < ? THEN 1 ELSE 0 END"
		args = append(args, sqlTime(lb))
	}
	// Stored in the order the renderers read them back: by repairer.
	t0 := time.Now()
	if _, err := q.ExecContext(ctx, `INSERT INTO sb_commissions (intervention_id, period, repairer_id, kind, city,
		closed_at, operations, amount_cents, late)
		SELECT s.intervention_id, ?, s.repairer_id, s.kind, COALESCE(s.city, ''), s.closed_at, s.operations,
		s.amount_cents, `+late+` FROM `+closeLines+` s WHERE s.summed = 1
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
	if _, err := q.ExecContext(ctx, "DROP TABLE temp."+closeLines); err != nil {
		return nil, err
	}
	return others, nil
}

// int64List writes ids as a comma-separated SQL list (integers: nothing to escape).
func int64List(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// summedLine is a commission line the store books on MySQL.
type summedLine struct {
	id, repairer int64
	kind, city   string
	closed       time.Time
	ops          int
	cents        int64
	from, to     int // its operations' ids, in sumsChunk.opIDs
}

// sumsChunk is what the summing pass read of one range of interventions on MySQL: the lines the
// store books, the ids of their operations, and the ids of the other eligible interventions.
type sumsChunk struct {
	lines  []summedLine
	opIDs  []int64
	others []int64
}

// spoolSegments bounds the segments of commission lines spooled and not loaded yet (a segment is
// a range of sumChunk interventions: ~150 at L, months of history included). Beyond it the
// reading waits for the loading; the channel's buffer is allocated whole (24 bytes a segment).
const spoolSegments = 1 << 12

// summedCols are the columns of sb_commissions the summed lines fill, in the order of their text.
var summedCols = []string{"intervention_id", "period", "repairer_id", "kind", "city", "closed_at", "operations", "amount_cents", "late"}

// stageMySQL books the commission lines of the summable interventions on MySQL. Two connections
// work at once. The reading transaction tx reads the eligible interventions with their sums, a
// range of ids at a time (readSums), and spools each range's lines as LOAD DATA text, sorted in
// the ledger's key order (repairer, intervention: the server inserts them in one sweep over its
// pages). The close's transaction bk loads the spooled segments as they come (LOAD DATA LOCAL
// INFILE, or multi-row INSERTs when the server does not allow it). The loading is the slower:
// the reading never waits for it, and it goes on while the close reads its other facts.
// stageMySQL returns once the sums are read; bk.loading then waits for the loading to end.
func (tx *Tx) stageMySQL(ctx context.Context, bk *Tx, in *sb.CloseInput, w window, add func(int64, int, int64) error) ([]int64, error) {
	hint, checks, err := tx.scanPlan(ctx, distinctOperations)
	if err != nil {
		return nil, err
	}
	sp, err := newSpool()
	if err != nil {
		return nil, err
	}
	rctx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	ld := bk.startLoading(ctx, sp, in.Period, stopReading)
	lateBefore := in.LateBefore()
	p := in.Period.String()
	var (
		others []int64
		text   tsv
		opText tsv
		ops    []sb.BookedOperation
	)
	err = tx.readSums(rctx, in, w, hint, checks, func(c *sumsChunk) error {
		others = append(others, c.others...)
		slices.SortFunc(c.lines, func(a, b summedLine) int {
			if a.repairer != b.repairer {
				return cmp.Compare(a.repairer, b.repairer)
			}
			return cmp.Compare(a.id, b.id)
		})
		text.reset()
		for i := range c.lines {
			l := &c.lines[i]
			if err := add(l.repairer, 1, l.cents); err != nil {
				return err
			}
			late := int64(0)
			if !lateBefore.IsZero() && l.closed.Before(lateBefore) {
				late = 1
			}
			text.int(l.id)
			text.str(p)
			text.int(l.repairer)
			text.str(l.kind)
			text.str(l.city)
			text.time(l.closed)
			text.int(int64(l.ops))
			text.int(l.cents)
			text.int(late)
			text.end()
		}
		seg, err := sp.add(text.buf, text.lines)
		if err != nil {
			return err
		}
		if err := ld.send(rctx, seg); err != nil {
			return err
		}
		// The lines' operations, keyed in sb_operations by the same loading (ascending id: the
		// order of its key).
		ops = ops[:0]
		for i := range c.lines {
			for _, op := range c.opIDs[c.lines[i].from:c.lines[i].to] {
				ops = append(ops, sb.BookedOperation{OperationID: op, InterventionID: c.lines[i].id})
			}
		}
		if len(ops) == 0 {
			return nil
		}
		slices.SortFunc(ops, func(a, b sb.BookedOperation) int { return cmp.Compare(a.OperationID, b.OperationID) })
		opText.reset()
		for _, op := range ops {
			opText.int(op.OperationID)
			opText.int(op.InterventionID)
			opText.end()
		}
		if seg, err = sp.add(opText.buf, opText.lines); err != nil {
			return err
		}
		seg.operations = true
		return ld.send(rctx, seg)
	})
	if err != nil {
		stoppedByLoader := rctx.Err() != nil && ctx.Err() == nil // a failed load cancels the reading
		stopReading()
		if lerr := ld.wait(true); lerr != nil && stoppedByLoader {
			err = lerr
		}
		return nil, err
	}
	bk.loading = ld.wait
	slices.Sort(others)
	return others, nil
}

// lineLoader loads, in the close's transaction, the segments of commission lines that a reader
// spools, in their order, while the reader goes on.
type lineLoader struct {
	segs chan segment
	quit chan struct{} // closed to stop the loading after its current statement
	done chan struct{} // closed when the loading has ended
	err  error         // why it failed, once done
}

// startLoading starts loading into sb_commissions, in bk, the segments of sp sent to the loader;
// it calls failed if a load fails. The loader closes sp when it ends.
func (bk *Tx) startLoading(ctx context.Context, sp *spool, p sb.Period, failed func()) *lineLoader {
	l := &lineLoader{segs: make(chan segment, spoolSegments), quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		// The loads run on ctx: the close's connection is not cancelled in the middle of a
		// statement when the reading fails.
		out := newBulk() // LOAD DATA LOCAL until the server refuses it (loaddata.go)
		if bk.d.mariadb {
			// The one foreign key of sb_commissions is its period, whose row this transaction
			// inserted before any line (insertPeriodRow): checking it for each of a million
			// lines took a tenth of their loading (1.6 s of server time at L).
			out.prefix = "SET STATEMENT foreign_key_checks = 0 FOR "
		}
		var buf []byte
	loading:
		for seg := range l.segs {
			select {
			case <-l.quit:
				break loading
			default:
			}
			data, err := sp.read(seg, buf)
			table, cols := "sb_commissions", summedCols
			if seg.operations {
				table, cols = "sb_operations", operationCols
			}
			if err == nil {
				buf = data
				err = out.load(ctx, bk.tx, table, cols, summedInsertRows, data, seg.lines)
			}
			if err != nil {
				l.err = booked(p, fmt.Errorf("book the summed commission lines (%s): %w", table, err))
				failed()
				break
			}
		}
		if err := sp.close(); err != nil && l.err == nil {
			l.err = err
		}
	}()
	return l
}

// send hands seg to the loader, unless ctx ends first.
func (l *lineLoader) send(ctx context.Context, seg segment) error {
	select {
	case l.segs <- seg:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// wait ends the loading, once every segment sent is loaded or, with abort, after the current
// statement, and returns why it failed. It is called once, when no more segments are sent.
func (l *lineLoader) wait(abort bool) error {
	if abort {
		close(l.quit)
	}
	close(l.segs)
	<-l.done
	return l.err
}

// readSums reads every eligible intervention with the count and sum of its operations, a chunk
// of sumChunk unsettled interventions at a time from the highest ids down (the month being closed
// first, the history after), with plain consistent reads. Go decides which the store books (exact
// codes, a closing time in the period, sound operations); the others go to the rules in full.
// Each chunk is given to emit (its buffers reused by the next).
//
// A chunk is a range of ids, [lower, upper]. Its first read finds it: the unsettled
// interventions at or below upper, highest first, sumChunk at most (LIMIT); lower is one above
// the lowest id read, whose rows the next chunk reads (a view may repeat an id: its rows are
// never split between two chunks), or the lowest possible id when fewer came (the last chunk).
// Then come the ids booked already in the range, and the operations grouped by intervention
// (their count, sum and checks) from the index that covers them, each in id order, which Go
// merges. The server thus scans two indexes in order instead of joining each intervention to its
// operations and looking it up in sb_commissions, which took about twice as long. In the months
// closed already, mostly booked, the first read takes the unsettled ids alone (not a million
// rows of the history), then the rows of the few not booked: a chunk is read so when the one
// before it was mostly booked.
func (tx *Tx) readSums(ctx context.Context, in *sb.CloseInput, w window, hint, checks string, emit func(*sumsChunk) error) error {
	const candCols = "i.id, i.repairer_id, i.kind, i.status, i.city, i.closed_at"
	// below is the query of a chunk's unsettled interventions, cols of them.
	below := func(cols string) string {
		return `SELECT ` + cols + ` FROM interventions i` + hint + `
			WHERE i.id <= ? AND ` + tx.unsettled() + ` ORDER BY i.id DESC LIMIT ` + strconv.Itoa(sumChunk)
	}
	// inRange is the query of the unsettled interventions of a range, restricted by only, a
	// condition ending in AND.
	inRange := func(only string) string {
		return `SELECT ` + candCols + ` FROM interventions i` + hint + `
			WHERE i.id >= ? AND i.id <= ? AND ` + only + tx.unsettled() + ` ORDER BY i.id`
	}
	operations := func(only string) string {
		return `SELECT o.intervention_id, COUNT(*), COALESCE(SUM(o.commission_cents), 0), CASE WHEN ` + checks + ` THEN 1 ELSE 0 END,
			GROUP_CONCAT(o.id)
			FROM intervention_operations o WHERE ` + only + ` GROUP BY o.intervention_id ORDER BY o.intervention_id`
	}
	var (
		booked, unsettled, unbooked []int64
		cands                       []candidate
		sums                        []opsSum
		opIDs                       []int64 // the operations of sums
		ids                         []int64
		chunk                       sumsChunk
		repairers                   = summableRepairers(in)
		idsFirst                    bool // the chunk before was mostly booked
	)
	for upper := int64(math.MaxInt64); ; {
		var err error
		first := append([]any{upper}, candidateArgs(w)...)
		var rows int // read by the first query
		if idsFirst {
			unsettled, err = tx.ids(ctx, unsettled[:0], "interventions", below("i.id"), first...)
			rows = len(unsettled)
		} else {
			cands, rows, err = tx.readCandidates(ctx, cands[:0], below(candCols), first)
			unsettled = unsettled[:0]
			for i := range cands {
				unsettled = append(unsettled, cands[i].id)
			}
		}
		if err != nil {
			return fmt.Errorf("read summed commissions: %w", err)
		}
		lower, keep, last := chunkBounds(unsettled, rows, sumChunk)
		unsettled = unsettled[:keep]
		slices.Reverse(unsettled) // ascending
		if !idsFirst {
			cands = cands[:keep]
			slices.Reverse(cands)
		}
		rangeArgs := append([]any{lower, upper}, candidateArgs(w)...)
		if keep == 0 && !last {
			// sumChunk rows or more of one id, and none above it up to upper: the range is
			// that id alone, read whole.
			if cands, _, err = tx.readCandidates(ctx, cands[:0], inRange(""), rangeArgs); err != nil {
				return err
			}
			idsFirst = false
		}
		if booked, err = tx.ids(ctx, booked[:0], "booked interventions", `SELECT intervention_id FROM sb_commissions
			WHERE intervention_id >= ? AND intervention_id <= ? ORDER BY intervention_id`, lower, upper); err != nil {
			return err
		}
		if idsFirst {
			cands = cands[:0]
			if unbooked = difference(unbooked[:0], unsettled, booked); len(unbooked) > 0 {
				if cands, _, err = tx.readCandidates(ctx, cands, inRange("i.id IN ("+int64List(unbooked)+") AND "), rangeArgs); err != nil {
					return err
				}
			}
		}
		cands = dropBooked(cands, booked)
		idsFirst = len(booked) >= sumChunk/2
		if len(cands) > 0 {
			only, args := "o.intervention_id >= ? AND o.intervention_id <= ?", []any{lower, upper}
			if len(cands) < sumChunk/2 {
				ids = ids[:0]
				for i := range cands {
					ids = append(ids, cands[i].id)
				}
				only, args = "o.intervention_id IN ("+int64List(ids)+")", nil
			}
			if sums, opIDs, err = tx.operationSums(ctx, sums[:0], opIDs[:0], operations(only), args); err != nil {
				return err
			}
			chunk.opIDs = opIDs
			mergeSums(&chunk, repairers, w, cands, sums)
			if err := emit(&chunk); err != nil {
				return err
			}
		}
		if last || lower == math.MinInt64 {
			return nil
		}
		upper = lower - 1
	}
}

// chunkBounds returns the range of a chunk of readSums from the ids of its first read, descending
// (a repeated id once or more), read from rows rows, limit at most: the range's lowest id, how
// many of the ids are in it (a prefix: those of the lowest id are left to the next chunk, which
// reads all of that id's rows) and whether the chunk is the last (fewer rows than limit). keep is
// 0 and last false when every row has the same id: the range is then that id alone, its rows to
// be read whole.
func chunkBounds(desc []int64, rows, limit int) (lower int64, keep int, last bool) {
	n := len(desc)
	if rows < limit {
		return math.MinInt64, n, true
	}
	lowest := desc[n-1]
	if lowest == desc[0] {
		return lowest, 0, false
	}
	keep = n
	for desc[keep-1] == lowest {
		keep--
	}
	return lowest + 1, keep, false
}

// dropBooked removes from cands, ascending, those whose id is in booked, ascending.
func dropBooked(cands []candidate, booked []int64) []candidate {
	unbooked := notIn(booked)
	return slices.DeleteFunc(cands, func(c candidate) bool { return !unbooked(c.id) })
}

// candidate is an unsettled intervention of a range that is not booked yet, as readSums reads it.
type candidate struct {
	id           int64
	repairer     sql.NullInt64
	kind, status sql.NullString
	city         sql.NullString
	closed       srcTime
	repeated     bool // another row has its id (a view may repeat one)
}

// opsSum is the count, sum and checks of the operations of one intervention.
type opsSum struct {
	id       int64
	ops      int
	cents    int64 // their commissions, when ok
	ok       bool  // the checks hold, the sum fits in int64 and every id was read
	from, to int   // their ids, in the chunk's list of operation ids (sumsChunk.opIDs)
}

// readCandidates appends to dst the interventions query returns (in id order, ascending or
// descending), a repeated id once, marked, and returns the number of rows read.
func (tx *Tx) readCandidates(ctx context.Context, dst []candidate, query string, args []any) ([]candidate, int, error) {
	n := 0
	err := each(ctx, tx.tx, "interventions", query, args, func(rows *sql.Rows) error {
		n++
		var c candidate
		if err := rows.Scan(&c.id, &c.repairer, &c.kind, &c.status, &c.city, &c.closed); err != nil {
			return err
		}
		if n := len(dst); n > 0 && dst[n-1].id == c.id {
			dst[n-1].repeated = true
			return nil
		}
		dst = append(dst, c)
		return nil
	})
	return dst, n, err
}

// operationSums appends to dst the rows of the grouped query over the operations, ascending, and
// to opIDs the ids of their operations.
func (tx *Tx) operationSums(ctx context.Context, dst []opsSum, opIDs []int64, query string, args []any) ([]opsSum, []int64, error) {
	err := each(ctx, tx.tx, "summed commissions", query, args, func(rows *sql.Rows) error {
		var (
			s        opsSum
			sum, ids sql.RawBytes // DECIMAL, possibly beyond int64 when the checks fail; GROUP_CONCAT
			ok       int
		)
		if err := rows.Scan(&s.id, &s.ops, &sum, &ok, &ids); err != nil {
			return err
		}
		if ok == 1 {
			cents, err := strconv.ParseInt(string(sum), 10, 64)
			s.cents, s.ok = cents, err == nil // not int64: the rules read it in full and say why
		}
		if s.ok {
			// Every id, or the rules read the intervention in full (a list cut by the server's
			// group_concat_max_len).
			s.from = len(opIDs)
			opIDs, s.ok = appendIDList(opIDs, ids)
			s.to = len(opIDs)
			s.ok = s.ok && s.to-s.from == s.ops
		}
		dst = append(dst, s)
		return nil
	})
	return dst, opIDs, err
}

// mergeSums joins the candidates of a range to the sums of their operations (both ascending,
// sums possibly of other interventions too) into what the store books and what goes to the
// rules, in c (its slices reused); repairers are summableRepairers.
func mergeSums(c *sumsChunk, repairers map[int64]bool, w window, cands []candidate, sums []opsSum) {
	c.lines, c.others = c.lines[:0], c.others[:0]
	j := 0
	for i := range cands {
		k := &cands[i]
		for j < len(sums) && sums[j].id < k.id {
			j++
		}
		ops, ok, cents, from, to := 0, true, int64(0), 0, 0 // no operations
		if j < len(sums) && sums[j].id == k.id {
			ops, ok, cents, from, to = sums[j].ops, sums[j].ok, sums[j].cents, sums[j].from, sums[j].to
		}
		if !ok || k.repeated || !summable(repairers, k.repairer, k.kind) || k.status.String != sb.StatusClosed ||
			!k.closed.before(w.end) || k.closed.Time.Before(sb.EarliestDate) {
			c.others = append(c.others, k.id)
			continue
		}
		c.lines = append(c.lines, summedLine{id: k.id, repairer: k.repairer.Int64, kind: k.kind.String,
			city: k.city.String, closed: k.closed.Time, ops: ops, cents: cents, from: from, to: to})
	}
}

// ids appends to dst the ids query returns, one column.
func (tx *Tx) ids(ctx context.Context, dst []int64, what, query string, args ...any) ([]int64, error) {
	err := each(ctx, tx.tx, what, query, args, func(rows *sql.Rows) error {
		var id int64
		err := rows.Scan(&id)
		dst = append(dst, id)
		return err
	})
	return dst, err
}

// difference appends to dst the ids of a that are not in b, both ascending (a may repeat an id).
func difference(dst, a, b []int64) []int64 {
	out := notIn(b)
	for i, id := range a {
		if (i == 0 || id != a[i-1]) && out(id) {
			dst = append(dst, id)
		}
	}
	return dst
}

// notIn returns a test of whether an id is not in b, ascending, for ids asked in ascending order.
func notIn(b []int64) func(id int64) bool {
	j := 0
	return func(id int64) bool {
		for j < len(b) && b[j] < id {
			j++
		}
		return j == len(b) || b[j] != id
	}
}

// insertPeriodRow inserts the row of the period being closed, as far as the input knows it
// (SaveBook completes it from the book): the commission lines booked with the input refer to it.
func (tx *Tx) insertPeriodRow(ctx context.Context, in *sb.CloseInput) error {
	issuer, err := json.Marshal(in.Issuer)
	if err != nil {
		return fmt.Errorf("issuer: %w", err)
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO sb_periods (period, start_utc, end_utc, closed_at, issued_on, issuer_json)
		VALUES (?, ?, ?, ?, ?, ?)`, in.Period.String(), sqlTime(in.Period.Start(sb.Paris)),
		sqlTime(in.Period.End(sb.Paris)), sqlTime(in.ClosedAt), sqlDate(sb.DayIn(in.ClosedAt, sb.Paris)),
		string(issuer))
	if err != nil {
		return booked(in.Period, fmt.Errorf("insert into sb_periods: %w", err))
	}
	return nil
}

// tableKindTx is tableKind on any querier.
func tableKindTx(ctx context.Context, q querier, dialect, name string) (string, error) {
	var query string
	if dialect == dialectMySQL {
		query = "SELECT CASE WHEN TABLE_TYPE = 'BASE TABLE' THEN 'table' ELSE 'view' END FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"
	} else {
		query = "SELECT type FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?"
	}
	var kind string
	err := q.QueryRowContext(ctx, query, name).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return kind, err
}

// checkSummed checks, in SaveBook, that b.Summed are the lines LoadSummedCloseInput booked in
// this transaction, and reports whether the period's row was inserted with them.
func (tx *Tx) checkSummed(b *sb.Book) (staged bool, err error) {
	st := tx.summed
	if st == nil || st.period != b.Period {
		if b.Summed != nil {
			return false, fmt.Errorf("the book has %d summed commission lines, but none were booked in this transaction (LoadSummedCloseInput)", b.Summed.Lines)
		}
		return false, nil
	}
	var lines int
	var cents int64
	if b.Summed != nil {
		lines, cents = b.Summed.Lines, b.Summed.AmountCents
	}
	if st.lines != lines || st.cents != cents {
		return true, fmt.Errorf("the book counts %d summed commission lines for %d cents, but %d for %d cents were booked", lines, cents, st.lines, st.cents)
	}
	return true, nil
}
