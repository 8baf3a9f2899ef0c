package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unique"

	sb "savbilling"
)

const (
	// batchRows is the number of rows of one multi-row INSERT.
	batchRows = 500
	// maxParams bounds the placeholders of one statement (SQLite allows 32766, MySQL 65535).
	maxParams = 30000

	timeLayout = "2006-01-02 15:04:05"
	dateLayout = "2006-01-02"
)

// sqlTime is t as the store writes timestamps: a UTC "2006-01-02 15:04:05" string, to the second;
// nil (NULL) for the zero time. Time bounds are always passed this way: SQLite compares text.
func sqlTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeLayout)
}

// sqlDate is the calendar day of t (in t's own location) as "2006-01-02"; nil for the zero time.
func sqlDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(dateLayout)
}

// nullInt is v, or nil (NULL) when v is 0.
func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// nullStr is s, or nil (NULL) when s is "".
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullPeriod is the period as YYYY-MM, or nil (NULL) for the zero period.
func nullPeriod(p sb.Period) any {
	if p.IsZero() {
		return nil
	}
	return p.String()
}

// boolInt is 1 for true, 0 for false.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// timeFormats are the text forms of timestamps the store can read back, tried in order.
var timeFormats = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02 15:04:05.999999999-07:00",
	dateLayout,
}

// nullTime scans a timestamp or date column robustly: time.Time (MySQL with parseTime, SQLite on
// DATETIME columns), or text/bytes in the usual forms, possibly with fractional seconds or a zone.
// The result is UTC; NULL leaves the zero time.
type nullTime struct{ Time time.Time }

// Scan implements sql.Scanner.
func (n *nullTime) Scan(v any) error {
	n.Time = time.Time{}
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		n.Time = x.UTC()
		return nil
	case string:
		return n.parse(x)
	case []byte:
		return n.parse(string(x))
	default:
		return fmt.Errorf("cannot read %T %v as a timestamp", v, v)
	}
}

func (n *nullTime) parse(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	for _, f := range timeFormats {
		if t, err := time.ParseInLocation(f, s, time.UTC); err == nil {
			if !t.IsZero() {
				n.Time = t.UTC()
			}
			return nil
		}
	}
	if strings.HasPrefix(s, "0000-00-00") {
		return nil // MySQL's zero date
	}
	return fmt.Errorf("cannot read %q as a timestamp", s)
}

// querier is what the readers need of a *sql.Tx or *sql.DB.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inserter is what multi-row inserts need of a *sql.Tx.
type inserter interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// insertRows inserts n rows into table with multi-row INSERTs of up to batchRows rows; row(i)
// returns the values of row i, one per column. Full batches share one prepared statement.
func insertRows(ctx context.Context, ex inserter, table string, cols []string, n int, row func(i int) []any) error {
	return insertRowsPer(ctx, ex, table, cols, batchRows, n, row)
}

// insertRowsPer is insertRows with up to per rows by INSERT.
func insertRowsPer(ctx context.Context, ex inserter, table string, cols []string, per, n int, row func(i int) []any) error {
	if n == 0 {
		return nil
	}
	per = min(per, maxParams/len(cols))
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	build := func(rows int) string {
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		for i := range rows {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(tuple)
		}
		return b.String()
	}
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, per*len(cols))
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		args = args[:0]
		for i := start; i < end; i++ {
			r := row(i)
			if len(r) != len(cols) {
				return fmt.Errorf("insert into %s: row %d has %d values for %d columns", table, i, len(r), len(cols))
			}
			args = append(args, r...)
		}
		var err error
		if end-start == per && n > per {
			if full == nil {
				if full, err = ex.PrepareContext(ctx, build(per)); err != nil {
					return fmt.Errorf("insert into %s: %w", table, err)
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = ex.ExecContext(ctx, build(end-start), args...)
		}
		if err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

// intOf is v.Int64, 0 when NULL.
func intOf(v sql.NullInt64) int64 { return v.Int64 }

// strOf is v.String, "" when NULL.
func strOf(v sql.NullString) string { return v.String }

// sharedOf is strOf(v) for a value many rows repeat (a city, a kind, a status, an operation's
// label): the one canonical copy of it, so that a month's rows hold one string per distinct
// value instead of one per row.
func sharedOf(v sql.NullString) string { return unique.Make(v.String).Value() }
