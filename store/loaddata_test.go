package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"savbilling/internal/dbtest"
	"savbilling/store"
)

type (
	code  string
	level int32
)

func TestEncodeTSV(t *testing.T) {
	for _, tc := range []struct {
		values []any
		want   string
	}{
		{[]any{"Lyon", "2026-10-09 09:00:00"}, "Lyon\t2026-10-09 09:00:00\n"},
		{[]any{"a\tb", "c\nd"}, "a\\tb\tc\\nd\n"},
		{[]any{`\N`, `\`}, "\\\\N\t\\\\\n"},
		{[]any{"x\r\x00y", ""}, "x\\r\\0y\t\n"},
		{[]any{"Saint-Étienne 'l' \"x\""}, "Saint-Étienne 'l' \"x\"\n"},
		{[]any{int64(-12), 7, nil, "2026-08"}, "-12\t7\t\\N\t2026-08\n"},
		{[]any{code("charge\t1"), level(-3)}, "charge\\t1\t-3\n"}, // named types, by their kind
	} {
		got, err := store.EncodeTSV(tc.values...)
		if err != nil || got != tc.want {
			t.Errorf("EncodeTSV(%q) = %q, %v; want %q", tc.values, got, err, tc.want)
		}
		// The multi-row INSERTs (the server refusing LOAD DATA LOCAL) read the same text back:
		// every value as a string, NULL as nil.
		var want []any
		for _, v := range tc.values {
			if v != nil {
				v = fmt.Sprint(v)
			}
			want = append(want, v)
		}
		rows, err := store.ParseTSV([]byte(got+got), len(tc.values))
		if err != nil || len(rows) != 2 || !slices.Equal(rows[0], want) || !slices.Equal(rows[1], want) {
			t.Errorf("ParseTSV(%q) twice = %q, %v; want %q twice", got, rows, err, want)
		}
	}
	for _, tc := range []struct{ text, want string }{
		{"1\t2\n3\n", "line 2 has 1 fields, want 2"},
		{"1\t2", "line 1 not ended"},
	} {
		if _, err := store.ParseTSV([]byte(tc.text), 2); err == nil || err.Error() != tc.want {
			t.Errorf("ParseTSV(%q): %v, want %q", tc.text, err, tc.want)
		}
	}
	if _, err := store.EncodeTSV(1.5); err == nil || !strings.Contains(err.Error(), "float64") {
		t.Errorf("EncodeTSV(1.5): %v, want an error naming float64", err)
	}
}

// TestIsLoadRefused: the servers' and the client's refusals of LOAD DATA LOCAL make the close
// insert instead; any other error fails it.
func TestIsLoadRefused(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&mysql.MySQLError{Number: 1148, Message: "The used command is not allowed with this MariaDB version"}, true},
		{fmt.Errorf("load: %w", &mysql.MySQLError{Number: 3948, Message: "Loading local data is disabled"}), true},
		{&mysql.MySQLError{Number: 4166, Message: "The used command is not allowed because the MariaDB server or client has disabled the local infile capability"}, true},
		{&mysql.MySQLError{Number: 2068}, true},
		{&mysql.MySQLError{Number: 1062, Message: "Duplicate entry"}, false},
		{&mysql.MySQLError{Number: 1045, Message: "Access denied"}, false},
		{errors.New("reader 'x' is not registered"), false},
		{nil, false},
	} {
		if got := store.IsLoadRefused(tc.err); got != tc.want {
			t.Errorf("isLoadRefused(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// TestLoadRows: on MySQL/MariaDB, LOAD DATA LOCAL stores every value exactly; a line the server
// would skip (a repeated key) or change (a value it cannot store) fails the transaction, which
// then stores nothing, although LOAD DATA LOCAL only warns about them.
func TestLoadRows(t *testing.T) {
	if e, ok := mysqlEngine(t); ok {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := dbtest.Open(t, e)
			if err := db.Exec(ctx, `CREATE TABLE load_probe (id BIGINT NOT NULL PRIMARY KEY, s VARCHAR(50) NULL,
				n INT NOT NULL) DEFAULT CHARSET=utf8mb4`); err != nil {
				t.Fatal(err)
			}
			odd := "é\t\\N\n\r\x00'\"\\"
			load := func(lines ...[]any) error {
				return db.WithCloseLock(ctx, time.Second, func(ctx context.Context, tx *store.Tx) error {
					return tx.LoadRows(ctx, "load_probe", []string{"id", "s", "n"}, lines)
				})
			}
			if err := load([]any{int64(1), odd, int64(5)}, []any{int64(2), nil, int64(-7)}); err != nil {
				if errors.Is(err, store.ErrLoadRefused) {
					t.Fatalf("the test server refuses LOAD DATA LOCAL (local_infile): %v", err)
				}
				t.Fatal(err)
			}
			got := map[int64][2]any{}
			err := db.Query(ctx, "SELECT id, s, n FROM load_probe", nil, func(rows *sql.Rows) error {
				var id, n int64
				var s sql.NullString
				if err := rows.Scan(&id, &s, &n); err != nil {
					return err
				}
				var v any
				if s.Valid {
					v = s.String
				}
				got[id] = [2]any{v, n}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got[1] != [2]any{odd, int64(5)} || got[2] != [2]any{nil, int64(-7)} || len(got) != 2 {
				t.Fatalf("loaded %v, want 1: %q 5, 2: NULL -7", got, odd)
			}
			for _, tc := range []struct {
				name  string
				lines [][]any
				want  string
			}{
				{"repeated key", [][]any{{int64(3), "x", int64(1)}, {int64(1), "again", int64(1)}}, "1 of 2 lines stored, 1 warnings (Duplicate entry '1'"},
				{"not a number", [][]any{{int64(4), "x", "douze"}}, "1 warnings (Incorrect integer value: 'douze'"},
				{"too long", [][]any{{int64(5), strings.Repeat("x", 51), int64(1)}}, "1 warnings (Data truncated for column 's'"},
			} {
				err := load(tc.lines...)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: error %v, want one saying %q", tc.name, err, tc.want)
				}
				var n int
				if err := db.Query(ctx, "SELECT COUNT(*) FROM load_probe", nil, func(rows *sql.Rows) error { return rows.Scan(&n) }); err != nil {
					t.Fatal(err)
				}
				if n != 2 {
					t.Errorf("%s: %d rows after the failed load, want the 2 before it", tc.name, n)
				}
			}
		})
	}
}

// TestMariaDBDetected: the summed lines skip their foreign-key check with SET STATEMENT, which
// only MariaDB knows: the store must tell it from MySQL.
func TestMariaDBDetected(t *testing.T) {
	e, ok := mysqlEngine(t)
	if !ok {
		return
	}
	ctx := context.Background()
	db := dbtest.Open(t, e)
	var version string
	scanRow(t, db, "SELECT VERSION()", &version)
	if got, want := db.MariaDB(), strings.Contains(version, "MariaDB"); got != want {
		t.Errorf("server %q: MariaDB() = %v, want %v", version, got, want)
	}
	if !db.MariaDB() {
		return
	}
	// The statement form the summed lines use is accepted, and checks no foreign key.
	err := db.WithCloseLock(ctx, time.Second, func(ctx context.Context, tx *store.Tx) error {
		return tx.LoadRowsPrefixed(ctx, "SET STATEMENT foreign_key_checks = 0 FOR ", "sb_sav_state",
			[]string{"sav_id", "outcome", "charge_bp", "faulty_repairer_id", "damage_cents", "corrective_cents",
				"related_price_cents", "first_period", "last_period"},
			[][]any{{int64(1), "confirmed", int64(10000), int64(1), int64(0), int64(0), int64(0), "1999-01", "1999-01"}})
	})
	if err != nil {
		t.Fatalf("load with the foreign-key check off: %v", err)
	}
}
