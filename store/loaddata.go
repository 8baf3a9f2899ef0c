package store

// Bulk loading on MySQL/MariaDB.
//
// A large close books a million summed commission lines. Sent as multi-row INSERTs the server
// parses a million rows of values and the client encodes them; LOAD DATA LOCAL INFILE streams
// them as tab-separated text instead, which the server reads with its bulk loader. It is used
// when the server allows it (local_infile, on by default on MariaDB, off on MySQL 8) and the
// multi-row INSERTs otherwise, with the same result.
//
// LOAD DATA LOCAL cannot stop the client's stream midway, so the server treats every error of a
// row as a warning and skips or adjusts the row (as with IGNORE): a repeated intervention would
// be skipped, a value out of range clipped. loadRows therefore requires that every line was
// stored and that the statement raised no warning, and fails the close otherwise.

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
)

// loadDataOff makes the store insert rather than load (a variable for the tests, read by newBulk).
var loadDataOff = false

// loadSeq numbers the readers registered with the driver, unique in the process.
var loadSeq atomic.Uint64

// tsv is the text of rows as LOAD DATA reads it by default: fields separated by tabs, lines ended
// by a newline, a backslash escaping what would otherwise end a field or a line, \N for NULL.
type tsv struct {
	buf   []byte
	lines int
	field bool // the current line has a field
}

func (t *tsv) sep() {
	if t.field {
		t.buf = append(t.buf, '\t')
	}
	t.field = true
}

// value adds a field: an integer, a string (escaped) or nil (NULL), as the rows of insertRows.
func (t *tsv) value(v any) error {
	switch x := v.(type) {
	case nil:
		t.sep()
		t.buf = append(t.buf, '\\', 'N')
	case int64:
		t.int(x)
	case int:
		t.int(int64(x))
	case string:
		t.str(x)
	default:
		// a named type of the ledger (SAVLineType, …): by its kind
		switch rv := reflect.ValueOf(v); rv.Kind() {
		case reflect.String:
			t.str(rv.String())
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			t.int(rv.Int())
		default:
			return fmt.Errorf("cannot load a %T", v)
		}
	}
	return nil
}

// int adds an integer field.
func (t *tsv) int(x int64) {
	t.sep()
	t.buf = strconv.AppendInt(t.buf, x, 10)
}

// time adds a timestamp field as sqlTime writes it (NULL for the zero time).
func (t *tsv) time(x time.Time) {
	t.sep()
	if x.IsZero() {
		t.buf = append(t.buf, '\\', 'N')
		return
	}
	t.buf = x.UTC().AppendFormat(t.buf, timeLayout)
}

// str adds a string field, escaped.
func (t *tsv) str(x string) {
	t.sep()
	for i := 0; i < len(x); i++ {
		switch c := x[i]; c {
		case '\\':
			t.buf = append(t.buf, '\\', '\\')
		case '\t':
			t.buf = append(t.buf, '\\', 't')
		case '\n':
			t.buf = append(t.buf, '\\', 'n')
		case '\r':
			t.buf = append(t.buf, '\\', 'r')
		case 0:
			t.buf = append(t.buf, '\\', '0')
		default:
			t.buf = append(t.buf, c)
		}
	}
}

// row adds a line of values (see value).
func (t *tsv) row(values []any) error {
	for _, v := range values {
		if err := t.value(v); err != nil {
			return err
		}
	}
	t.end()
	return nil
}

// end ends the line.
func (t *tsv) end() {
	t.buf = append(t.buf, '\n')
	t.lines++
	t.field = false
}

// reset empties t, keeping its buffer.
func (t *tsv) reset() { *t = tsv{buf: t.buf[:0]} }

// bulk stores lines of LOAD DATA text on MySQL/MariaDB with LOAD DATA LOCAL INFILE, or, once
// the server has refused it (or loadDataOff is set), with multi-row INSERTs of the same values.
type bulk struct {
	insert bool
	// prefix starts each LOAD DATA statement: "SET STATEMENT foreign_key_checks = 0 FOR " when
	// the caller knows that every row's foreign keys hold (MariaDB only).
	prefix string
}

func newBulk() *bulk { return &bulk{insert: loadDataOff} }

// load stores the n lines of text data (tsv's) into cols of table, in transaction q; per bounds
// the rows of one INSERT.
func (b *bulk) load(ctx context.Context, q *sql.Tx, table string, cols []string, per int, data []byte, n int) error {
	if !b.insert {
		err := loadRows(ctx, q, b.prefix, table, cols, data, n)
		if !errors.Is(err, errLoadRefused) {
			return err
		}
		b.insert = true
	}
	rows, err := parseTSV(data, len(cols))
	if err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	if len(rows) != n {
		return fmt.Errorf("insert into %s: %d lines of text, want %d", table, len(rows), n)
	}
	return insertRowsPer(ctx, q, table, cols, per, n, func(i int) []any { return rows[i] })
}

// insertMany stores n rows, row(i) giving the values of cols as insertRows takes them, in the
// close's transaction, as its dialect does it best: on MySQL/MariaDB in one LOAD DATA LOCAL
// INFILE, or multi-row INSERTs where the server refuses it; on SQLite multi-row INSERTs.
func (tx *Tx) insertMany(ctx context.Context, table string, cols []string, n int, row func(i int) []any) error {
	return tx.d.dialect.insertMany(ctx, tx, table, cols, n, row)
}

// parseTSV reads back the lines tsv wrote, each of cols fields: a string, or nil for \N. The
// server converts a string to the column's type as LOAD DATA does.
func parseTSV(data []byte, cols int) ([][]any, error) {
	var rows [][]any
	for len(data) > 0 {
		end := bytes.IndexByte(data, '\n')
		if end < 0 {
			return nil, fmt.Errorf("line %d not ended", len(rows)+1)
		}
		line := data[:end]
		data = data[end+1:]
		row := make([]any, 0, cols)
		for field := range bytes.SplitSeq(line, []byte{'\t'}) {
			if string(field) == `\N` {
				row = append(row, nil)
				continue
			}
			v := make([]byte, 0, len(field))
			for i := 0; i < len(field); i++ {
				c := field[i]
				if c == '\\' && i+1 < len(field) {
					i++
					switch c = field[i]; c {
					case 't':
						c = '\t'
					case 'n':
						c = '\n'
					case 'r':
						c = '\r'
					case '0':
						c = 0
					}
				}
				v = append(v, c)
			}
			row = append(row, string(v))
		}
		if len(row) != cols {
			return nil, fmt.Errorf("line %d has %d fields, want %d", len(rows)+1, len(row), cols)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// errLoadRefused is returned by loadRows when the server does not allow LOAD DATA LOCAL.
var errLoadRefused = errors.New("LOAD DATA LOCAL INFILE refused by the server")

// isLoadRefused reports whether err is the server's or the client's refusal of LOAD DATA LOCAL
// (nothing was loaded).
func isLoadRefused(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 1148, // ER_NOT_ALLOWED_COMMAND: local_infile is off (MySQL 5.7, older MariaDB)
			4166, // ER_LOAD_INFILE_CAPABILITY_DISABLED: local_infile is off (MariaDB 10.5+)
			3948, // ER_CLIENT_LOCAL_FILES_DISABLED (MySQL 8)
			2068: // CR_LOAD_DATA_LOCAL_INFILE_REJECTED
			return true
		}
	}
	return false
}

// loadRows loads the n lines of text data (tsv's) into cols of table with LOAD DATA LOCAL
// INFILE, prefixed by prefix (see bulk), in transaction q, and checks that all were stored
// unchanged: as many rows affected as lines, no warning. It returns errLoadRefused, having
// changed nothing, when the server does not allow it.
func loadRows(ctx context.Context, q *sql.Tx, prefix, table string, cols []string, data []byte, n int) error {
	if n == 0 {
		return nil
	}
	name := "savbilling-" + strconv.FormatUint(loadSeq.Add(1), 10)
	mysql.RegisterReaderHandler(name, func() io.Reader { return bytes.NewReader(data) })
	defer mysql.DeregisterReaderHandler(name)
	res, err := q.ExecContext(ctx, prefix+"LOAD DATA LOCAL INFILE 'Reader::"+name+"' INTO TABLE "+table+
		" CHARACTER SET utf8mb4 ("+strings.Join(cols, ", ")+")")
	if err != nil {
		if isLoadRefused(err) {
			return errLoadRefused
		}
		return fmt.Errorf("load into %s: %w", table, err)
	}
	stored, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("load into %s: %w", table, err)
	}
	var warnings int
	if err := q.QueryRowContext(ctx, "SELECT @@warning_count").Scan(&warnings); err != nil {
		return fmt.Errorf("load into %s: read its warnings: %w", table, err)
	}
	if stored == int64(n) && warnings == 0 {
		return nil
	}
	var (
		first []string
		cause *mysql.MySQLError // the first warning, as the error an INSERT would have raised
	)
	rows, err := q.QueryContext(ctx, "SHOW WARNINGS LIMIT 3")
	if err == nil {
		for rows.Next() {
			var level, msg string
			var code int
			if rows.Scan(&level, &code, &msg) == nil {
				first = append(first, msg)
				if cause == nil {
					cause = &mysql.MySQLError{Number: uint16(code), Message: msg}
				}
			}
		}
		rows.Close()
	}
	err = fmt.Errorf("load into %s: %d of %d lines stored, %d warnings (%s): the close is rolled back",
		table, stored, n, warnings, strings.Join(first, "; "))
	if cause != nil {
		// errors.As finds the server's code (a repeated key: ErrAlreadyBooked, see booked)
		err = &loadError{err: err, cause: cause}
	}
	return err
}

// loadError is the failure of a LOAD DATA whose first warning is cause: its message is err's,
// and it unwraps to cause.
type loadError struct {
	err   error
	cause *mysql.MySQLError
}

func (e *loadError) Error() string { return e.err.Error() }
func (e *loadError) Unwrap() error { return e.cause }
