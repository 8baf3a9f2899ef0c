package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"

	sb "savbilling"
	"savbilling/reconcile"
)

// sumChunk is about the number of interventions whose lines the summing pass spools at a time on
// MySQL, and at most the ids of one of its queries (a variable for the tests).
var sumChunk = 20000

// summedInsertRows is the number of summed commission lines per INSERT on MySQL: fewer, larger
// statements than the ledger's other inserts (a line is about 100 bytes).
const summedInsertRows = 2500

// summedLine is a commission line the store books on MySQL.
type summedLine struct {
	id, repairer int64
	kind, city   string
	closed       time.Time
	ops          int
	services     string // reconcile.Services
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
// the lines of about sumChunk interventions: ~50 at L). Beyond it the
// reading waits for the loading; the channel's buffer is allocated whole (24 bytes a segment).
const spoolSegments = 1 << 12

// summedCols are the columns of sb_commissions the summed lines fill, in the order of their text.
var summedCols = commissionCols

// stageMySQL books the commission lines of the summable interventions on MySQL. Two connections
// work at once. The reading transaction tx reads the eligible interventions of the close's scope
// (ids, ascending) with their sums, a list of ids at a time (readSums), and spools each chunk's
// lines as LOAD DATA text, sorted in the ledger's key order (repairer, intervention: the server inserts them in one sweep over its
// pages). The close's transaction bk loads the spooled segments as they come (LOAD DATA LOCAL
// INFILE, or multi-row INSERTs when the server does not allow it). The loading is the slower:
// the reading never waits for it, and it goes on while the close reads its other facts.
// stageMySQL returns once the sums are read; bk.loading then waits for the loading to end.
func (tx *Tx) stageMySQL(ctx context.Context, bk *Tx, in *sb.CloseInput, w window, ids []int64, add func(int64, int, int64) error) ([]int64, error) {
	hint, checks, err := tx.scanPlan(ctx, distinctOperations)
	if err != nil {
		return nil, err
	}
	if err := tx.raiseGroupConcat(ctx); err != nil {
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
	err = tx.readSums(rctx, in, w, ids, hint, checks, func(c *sumsChunk) error {
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
			if reconcile.Whole.Late(l.closed, lateBefore) {
				late = 1
			}
			text.int(l.id)
			text.str(p)
			text.int(l.repairer)
			text.str(l.kind)
			text.str(l.city)
			text.time(l.closed)
			text.int(int64(l.ops))
			text.str(l.services)
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
		if bk.d.dialect.setStatement() {
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

// readSums reads the eligible interventions of ids (ascending: the close's scope, lookback.go)
// with the count and sum of their operations, a list of at most idList ids at a time (a range
// of ids when the list is dense: idSelection), with plain consistent reads. Go decides which the
// store books (exact codes, a closing time in the period, sound operations, none booked
// already: dropBookedOperations); the others go to the rules in full. The lines of about sumChunk
// interventions are given to emit at a time (its buffers reused by the next).
//
// For each list come the interventions (by primary key), the ids booked already among them, and
// the operations grouped by intervention (their count, sum and checks) from the index that
// covers them, each in id order, which Go merges: the server looks up each id in two indexes
// instead of joining each intervention to its operations and looking it up in sb_commissions.
func (tx *Tx) readSums(ctx context.Context, in *sb.CloseInput, w window, ids []int64, hint, checks string, emit func(*sumsChunk) error) error {
	const candCols = "i.id, i.repairer_id, i.kind, i.status, i.city, i.closed_at"
	mark, err := tx.bookedMark(ctx)
	if err != nil {
		return err
	}
	var (
		booked    []int64
		cands     []candidate
		sums      []opsSum
		chunk     sumsChunk
		repairers = summableRepairers(in)
	)
	flush := func() error {
		if len(chunk.lines) == 0 && len(chunk.others) == 0 {
			return nil
		}
		err := emit(&chunk)
		chunk.lines, chunk.others, chunk.opIDs = chunk.lines[:0], chunk.others[:0], chunk.opIDs[:0]
		return err
	}
	for list := range slices.Chunk(ids, min(idList, sumChunk)) {
		inList, dense := idSelection(list)
		cands, _, err = tx.readCandidates(ctx, cands[:0], `SELECT `+candCols+` FROM interventions i`+hint+`
			WHERE i.id `+inList+` AND `+tx.unsettled()+` ORDER BY i.id`, unsettledArgs(w))
		if err != nil {
			return fmt.Errorf("read summed commissions: %w", err)
		}
		if dense { // the range's ids outside the list are not the close's
			cands = onlyListed(cands, list)
		}
		if booked, err = tx.ids(ctx, booked[:0], "booked interventions", `SELECT intervention_id FROM sb_commissions
			WHERE intervention_id `+inList+` ORDER BY intervention_id`); err != nil {
			return err
		}
		if cands = dropBooked(cands, booked); len(cands) == 0 {
			continue
		}
		if sums, chunk.opIDs, err = tx.operationSums(ctx, sums[:0], chunk.opIDs, operationSumsQuery(checks, inList), nil); err != nil {
			return err
		}
		if err := tx.dropBookedOperations(ctx, sums, chunk.opIDs, mark); err != nil {
			return err
		}
		mergeSums(&chunk, repairers, w, cands, sums)
		if len(chunk.lines) >= sumChunk {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// bookedMark is the highest operation id booked (operationMark), or -1 when none is: only the
// operations at or below it may be booked already.
func (tx *Tx) bookedMark(ctx context.Context) (int64, error) {
	mark, ok, err := tx.operationMark(ctx)
	if err != nil || !ok {
		return -1, err
	}
	return mark, nil
}

// dropBookedOperations marks not summable (ok false) each sum of sums one of whose operations
// (its ids in opIDs) is booked already, at or below mark: the rules read that intervention in
// full and hold the operation (issue 17). MySQL's grouped query checked each operation with a
// correlated EXISTS over sb_operations, 4 µs a row: 10 s of the read at workload L, whose
// operations the history's closes saw and marked. Here one query per list reads the booked ids
// among the list's operations, a range of sb_operations' key when they are dense (idSelection),
// else by name: the ids are literals, so the list needs no bound on parameters.
func (tx *Tx) dropBookedOperations(ctx context.Context, sums []opsSum, opIDs []int64, mark int64) error {
	var below []int64
	for _, s := range sums {
		if !s.ok {
			continue
		}
		for _, id := range opIDs[s.from:s.to] {
			if id <= mark {
				below = append(below, id)
			}
		}
	}
	if len(below) == 0 {
		return nil
	}
	slices.Sort(below)
	inList, _ := idSelection(slices.Compact(below)) // a list's ~2 500 operations: one statement
	booked, err := tx.ids(ctx, nil, "booked operations", `SELECT operation_id FROM sb_operations
		WHERE operation_id `+inList+` ORDER BY operation_id`)
	if err != nil {
		return err
	}
	if len(booked) == 0 {
		return nil
	}
	for i := range sums {
		s := &sums[i]
		if !s.ok {
			continue
		}
		for _, id := range opIDs[s.from:s.to] {
			if _, found := slices.BinarySearch(booked, id); found {
				s.ok = false
				break
			}
		}
	}
	return nil
}

// operationSumsQuery is MySQL's query of the operations of the interventions whose id satisfies
// inList (idSelection), grouped by intervention in id order: their count, sum, checks, ids and
// services, read from the index of migration 81 alone.
func operationSumsQuery(checks, inList string) string {
	return `SELECT o.intervention_id, COUNT(*), COALESCE(SUM(o.commission_cents), 0), CASE WHEN ` + checks + ` THEN 1 ELSE 0 END,
		GROUP_CONCAT(o.id), ` + servicesMySQL + ` FROM intervention_operations o WHERE o.intervention_id ` + inList + `
		GROUP BY o.intervention_id ORDER BY o.intervention_id`
}

// idSelection is the SQL condition selecting the ids of list (ascending) after a column: "IN
// (…)", or "BETWEEN first AND last" when the list holds at least half the ids of that range
// (dense, then true). A month's interventions have mostly consecutive ids: a range scan of the
// primary key and of the operations' index costs far less than a lookup for each listed id
// (workload L: a million ids, a thousand lists). The rows of a dense range that the list does not
// name are read and dropped by the caller (onlyListed); sb_commissions' ids and the operations'
// sums of such rows are harmless, since only the listed candidates are merged with them.
func idSelection(list []int64) (sql string, dense bool) {
	first, last := list[0], list[len(list)-1]
	if span := last - first; span >= 0 && span < 2*int64(len(list)) { // span < 0: overflow
		return "BETWEEN " + strconv.FormatInt(first, 10) + " AND " + strconv.FormatInt(last, 10), true
	}
	return "IN (" + int64List(list) + ")", false
}

// onlyListed keeps, of cands (ascending), those whose id is in list (ascending).
func onlyListed(cands []candidate, list []int64) []candidate {
	unlisted := notIn(list)
	return slices.DeleteFunc(cands, func(c candidate) bool { return unlisted(c.id) })
}

// dropBooked removes from cands, ascending, those whose id is in booked, ascending.
func dropBooked(cands []candidate, booked []int64) []candidate {
	unbooked := notIn(booked)
	return slices.DeleteFunc(cands, func(c candidate) bool { return !unbooked(c.id) })
}

// candidate is an unsettled intervention of a list that is not booked yet, as readSums reads it.
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
	cents    int64  // their commissions, when ok
	ok       bool   // the checks hold, the sum fits in int64 and every id was read
	services string // reconcile.Services, when ok
	from, to int    // their ids, in the chunk's list of operation ids (sumsChunk.opIDs)
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
			services sql.RawBytes // servicesMySQL, to be cut
			ok       int
		)
		if err := rows.Scan(&s.id, &s.ops, &sum, &ok, &ids, &services); err != nil {
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
			s.services = reconcile.ServicesCap(string(services))
		}
		dst = append(dst, s)
		return nil
	})
	return dst, opIDs, err
}

// mergeSums joins the candidates of a list to the sums of their operations (both ascending,
// sums possibly of other interventions too) into what the store books and what goes to the
// rules, appended to c; repairers are summableRepairers.
func mergeSums(c *sumsChunk, repairers map[int64]bool, w window, cands []candidate, sums []opsSum) {
	j := 0
	for i := range cands {
		k := &cands[i]
		for j < len(sums) && sums[j].id < k.id {
			j++
		}
		ops, ok, cents, from, to, services := 0, true, int64(0), 0, 0, "" // no operations
		if j < len(sums) && sums[j].id == k.id {
			ops, ok, cents, from, to, services = sums[j].ops, sums[j].ok, sums[j].cents, sums[j].from, sums[j].to, sums[j].services
		}
		if !ok || k.repeated || !summable(repairers, k.repairer, k.kind) || k.status.String != reconcile.Whole.Status ||
			!k.closed.before(w.end) || !reconcile.Whole.Closed(k.closed.Time) {
			c.others = append(c.others, k.id)
			continue
		}
		c.lines = append(c.lines, summedLine{id: k.id, repairer: k.repairer.Int64, kind: k.kind.String,
			city: k.city.String, closed: k.closed.Time, ops: ops, services: services, cents: cents, from: from, to: to})
	}
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
