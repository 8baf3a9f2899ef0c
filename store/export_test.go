package store

import (
	"context"
	"database/sql"
	"fmt"
)

// SetSumChunk sets the number of interventions LoadSummedCloseInput reads per query on MySQL,
// and returns the function that restores it.
func SetSumChunk(n int) func() {
	old := sumChunk
	sumChunk = n
	return func() { sumChunk = old }
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

// LoadRows is loadRows in tx, of lines of int64, string or nil (NULL) values.
func (tx *Tx) LoadRows(ctx context.Context, table string, cols []string, lines [][]any) error {
	var t tsv
	for _, l := range lines {
		for _, v := range l {
			switch x := v.(type) {
			case nil:
				t.Null()
			case int64:
				t.Int(x)
			case string:
				t.Str(x)
			default:
				return fmt.Errorf("LoadRows: %T", v)
			}
		}
		t.End()
	}
	return loadRows(ctx, tx.tx, table, cols, &t)
}

// EncodeTSV is the text tsv writes for one line of string fields.
func EncodeTSV(fields ...string) string {
	var t tsv
	for _, f := range fields {
		t.Str(f)
	}
	t.End()
	return string(t.buf)
}

// Query calls fn for each row of query on d.
func (d *DB) Query(ctx context.Context, query string, args []any, fn func(*sql.Rows) error) error {
	return each(ctx, d.db, "test query", query, args, fn)
}

// ErrLoadRefused is errLoadRefused.
var ErrLoadRefused = errLoadRefused

// IsLoadRefused is isLoadRefused.
var IsLoadRefused = isLoadRefused
