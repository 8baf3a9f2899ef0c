package store

import (
	"context"
	"database/sql"
	"strings"
)

// SetSumChunk sets sumChunk, the interventions the summing pass spools at a time on MySQL (and
// at most the ids of one of its queries), and returns the function that restores it.
func SetSumChunk(n int) func() {
	old := sumChunk
	sumChunk = n
	return func() { sumChunk = old }
}

// SetStatementBatches sets how many statements EachStatement reads at a time, with and without
// their commission lines, and returns the function that restores the sizes.
func SetStatementBatches(listed, counted int) func() {
	oldListed, oldCounted := statementBatchListed, statementBatch
	statementBatchListed, statementBatch = listed, counted
	return func() { statementBatchListed, statementBatch = oldListed, oldCounted }
}

// UniqueIDs is uniqueIDs, for the tests.
func (tx *Tx) UniqueIDs(ctx context.Context, table string) (bool, error) {
	return tx.uniqueIDs(ctx, table)
}

// SetLoadDataOff makes the MySQL store insert the summed lines instead of loading them, and
// returns the function that restores the setting.
func SetLoadDataOff(off bool) func() {
	old := loadDataOff
	loadDataOff = off
	return func() { loadDataOff = old }
}

// LoadRows loads lines of int64, string or nil (NULL) values with loadRows in tx.
func (tx *Tx) LoadRows(ctx context.Context, table string, cols []string, lines [][]any) error {
	return tx.LoadRowsPrefixed(ctx, "", table, cols, lines)
}

// LoadRowsPrefixed is LoadRows with a prefix to the LOAD DATA statement.
func (tx *Tx) LoadRowsPrefixed(ctx context.Context, prefix, table string, cols []string, lines [][]any) error {
	var t tsv
	for _, l := range lines {
		if err := t.row(l); err != nil {
			return err
		}
	}
	return loadRows(ctx, tx.tx, prefix, table, cols, t.buf, t.lines)
}

// EncodeTSV is the text tsv writes for one line of these values.
func EncodeTSV(values ...any) (string, error) {
	var t tsv
	if err := t.row(values); err != nil {
		return "", err
	}
	return string(t.buf), nil
}

// Query calls fn for each row of query on d.
func (d *DB) Query(ctx context.Context, query string, args []any, fn func(*sql.Rows) error) error {
	return each(ctx, d.db, "test query", query, args, fn)
}

// ErrLoadRefused is errLoadRefused.
var ErrLoadRefused = errLoadRefused

// IsLoadRefused is isLoadRefused.
var IsLoadRefused = isLoadRefused

// ParseTSV is parseTSV.
func ParseTSV(data []byte, cols int) ([][]any, error) { return parseTSV(data, cols) }

// SetIDList sets the most ids a query names in an IN list, and returns the function that
// restores it.
func SetIDList(n int) func() {
	old := idList
	idList = n
	return func() { idList = old }
}

// MariaDB reports whether d found a MariaDB server.
func (d *DB) MariaDB() bool { return d.dialect.setStatement() }

// CountIn returns the COUNT(*) query gives in tx (the close's transaction sees what it booked).
func (tx *Tx) CountIn(ctx context.Context, query string) (int, error) {
	var n int
	err := tx.tx.QueryRowContext(ctx, query).Scan(&n)
	return n, err
}

// MigrateTo applies the migrations up to version, for the tests of a later migration.
func (d *DB) MigrateTo(ctx context.Context, version int64) error { return d.migrateTo(ctx, version) }

// CommissionsByCityQuery is the query of CommissionsByCity on db's engine, for the tests.
func CommissionsByCityQuery(db *DB) string { return commissionsByCity(db.dialect) }

// SumMaxOperations is sumMaxOperations: the most operations of an intervention the store sums.
const SumMaxOperations = sumMaxOperations

// QueryPlan is the plan of query on db's engine (SQLite's EXPLAIN QUERY PLAN, MySQL's EXPLAIN),
// each row's columns written "name=value", the rows joined by newlines; args fill its
// parameters.
func QueryPlan(ctx context.Context, db *DB, query string, args []any) (string, error) {
	return db.queryPlan(ctx, db.db, query, args)
}

// queryPlan is QueryPlan on q (a transaction that created what query reads, or the pool).
func (d *DB) queryPlan(ctx context.Context, q querier, query string, args []any) (string, error) {
	explain := "EXPLAIN "
	if d.dialect.name() == dialectSQLite {
		explain = "EXPLAIN QUERY PLAN "
	}
	rows, err := q.QueryContext(ctx, explain+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var plan []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		row := make([]string, len(cols))
		for i, c := range cols {
			row[i] = c + "=" + vals[i].String
		}
		plan = append(plan, strings.Join(row, " "))
	}
	return strings.Join(plan, "\n"), rows.Err()
}

// OperationsReadPlan is the query plan of the close's read of the operations, with their
// labels, on db's engine: SQLite's summing query (its temporary table of ids created empty),
// MySQL's grouped query of a range of ids.
func OperationsReadPlan(ctx context.Context, db *DB) (string, error) {
	sqlTx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer sqlTx.Rollback()
	query := operationSumsQuery(boundsOK, "BETWEEN 1 AND 1000")
	if db.dialect.name() == dialectSQLite {
		if _, err := sqlTx.ExecContext(ctx, "CREATE TEMP TABLE "+closeIDs+" (id INTEGER PRIMARY KEY)"); err != nil {
			return "", err
		}
		query = (&Tx{d: db, tx: sqlTx}).summedLinesQuery(boundsOK)
	}
	args := make([]any, strings.Count(query, "?"))
	for i := range args {
		args[i] = "x"
	}
	return db.queryPlan(ctx, sqlTx, query, args)
}
