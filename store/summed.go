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
	"slices"
	"strconv"
	"strings"
	"time"

	sb "savbilling"
	"savbilling/money"
	"savbilling/reconcile"
)

const (
	// sumMaxOperations bounds the operations of an intervention the store sums: each at most
	// reconcile.Whole.MaxAmountCents, its sum stays below 10^16 cents.
	sumMaxOperations = 1_000_000

	// closeLines is SQLite's temporary table of the eligible interventions of a close.
	closeLines = "sb_close_lines"
	// closeIDs is SQLite's temporary table of the ids of the interventions in a close's scope.
	closeIDs = "sb_close_ids"
)

// canonicalTime is the GLOB pattern of a timestamp as the contract writes them: the SQLite
// lines summed copy it as is; any other form goes to the rules, read (or refused) by Go.
const canonicalTime = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]"

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
// to book whole — summable: reconcile.Whole (a known repairer with a standard or franchise VAT
// regime, kind standard or sav, status closed, closed on or after its EarliestClosed, each
// operation's commission and price in 0..its MaxAmountCents), closed in canonical form before
// the end, at most a million operations, none booked already — are
// summed per repairer into in.Summed and their commission lines booked at once (with the row of
// the period in sb_periods, which SaveBook completes); only the others are in in.Interventions,
// with their operations, for the rules to book or hold. Summable must stay a subset of what
// reconcile books whole: its constants and predicates come from reconcile.Whole (the kinds,
// status, regimes, dates and bounds), and a new check of reconcile.CommissionChecks is a new
// condition here (TestEveryHoldReasonOfACommissionIsHeldOnTheSummedPathToo).
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
	if !tx.d.dialect.readsAside() {
		return tx.loadSummed(ctx, in, tx)
	}
	err := tx.d.ReadTx(ctx, func(ctx context.Context, read *Tx) error {
		return read.loadSummed(ctx, in, tx)
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
func (tx *Tx) stageSummed(ctx context.Context, bk *Tx, r *closeRead) ([]int64, error) {
	in := r.in
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
	others, err = tx.d.dialect.stageSummed(ctx, tx, bk, r, add, &st.insert)
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

// summableRepairers are the repairers whose interventions the store may sum: known and
// reconcile.Whole.Repairer (reconcile holds the others' interventions or statements).
func summableRepairers(in *sb.CloseInput) map[int64]bool {
	ok := make(map[int64]bool, len(in.Repairers))
	for id, r := range in.Repairers {
		if reconcile.Whole.Repairer(r) {
			ok[id] = true
		}
	}
	return ok
}

// summable reports whether the rules are bound to book the intervention whole, as far as its
// repairer (among repairers, from summableRepairers) and kind are concerned.
func summable(repairers map[int64]bool, repairer sql.NullInt64, kind sql.NullString) bool {
	return repairer.Valid && kind.Valid && reconcile.Whole.Kind(kind.String) && repairers[repairer.Int64]
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
// by id. That none of its operations is booked already is checked apart: in SQL on SQLite
// (notBookedCheck), in Go on MySQL (dropBookedOperations).
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
	if ok {
		return hint, boundsOK, nil
	}
	return hint, boundsOK + " AND " + distinct, nil
}

// uniqueIDs reports whether table is a base table whose primary key is its column id alone: no
// two rows share an id (a view, or a table without that key, may repeat one).
func (tx *Tx) uniqueIDs(ctx context.Context, table string) (bool, error) {
	query := tx.d.dialect.primaryKeyQuery()
	var isID, cols int
	if err := tx.tx.QueryRowContext(ctx, query, table).Scan(&isID, &cols); err != nil {
		return false, err
	}
	return isID == 1 && cols == 1, nil
}

// maxAmount is reconcile.Whole.MaxAmountCents in SQL.
var maxAmount = strconv.FormatInt(reconcile.Whole.MaxAmountCents, 10)

// interventionsHint is the index hint that makes a scan of the interventions go in id order
// (the grouping by id then needs no sort), or "" when interventions is a view.
func (tx *Tx) interventionsHint(ctx context.Context) (string, error) {
	kind, err := tx.d.dialect.tableKind(ctx, tx.tx, "interventions")
	if err != nil || kind != "table" {
		return "", err
	}
	return tx.d.dialect.idOrderHint(), nil
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

// insertPeriodRow inserts the row of the period being closed, as far as the input knows it
// (SaveBook completes it from the book): the commission lines booked with the input refer to it.
func (tx *Tx) insertPeriodRow(ctx context.Context, in *sb.CloseInput) error {
	issuer, err := json.Marshal(in.Issuer)
	if err != nil {
		return fmt.Errorf("issuer: %w", err)
	}
	return tx.insertPeriod(ctx, in.Period, in.ClosedAt, sb.DayIn(in.ClosedAt, sb.Paris), string(issuer), sb.RulesV1, 0) // the columns' defaults
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
