package store_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/reconcile"
	"savbilling/store"
)

// servicesCase is an October intervention of repairer 1 whose operations' labels the summing
// pass must join as the rules do: its operations in the order inserted, the labels to set to empty strings
// after the insert (InsertSource writes "" as NULL), and the services expected ("" for none).
type servicesCase struct {
	id    int64
	ops   []sb.Operation
	empty []int64 // operations whose label is set to '' (not NULL)
	want  string  // when not computed: see long
	long  bool    // cut: want is checked to be reconcile.ServicesMaxRunes code points ending with the ellipsis
}

// servicesCases are the labels of the issue: NULL, empty, spaces only, spaces around, tabs,
// newlines, backslashes and quotes inside, accents and emoji, duplicates, operations inserted
// out of id order (and out of the order of the covering index, by commission), a NUL, 300 code
// points exactly and beyond.
func servicesCases() []servicesCase {
	op := func(id int64, label string, commission int64) sb.Operation {
		return sb.Operation{ID: id, Label: label, PriceCents: 1000, CommissionCents: commission}
	}
	x150, y148 := strings.Repeat("x", 150), strings.Repeat("y", 148)
	accents := strings.Repeat("é", 100) + "🚲" + strings.Repeat("à", 97) // 198 code points, 398 bytes
	return []servicesCase{
		{id: 601, ops: []sb.Operation{op(6011, "", 100)}, want: ""},
		{id: 602, ops: []sb.Operation{op(6021, "x", 100), op(6022, "   ", 200)}, empty: []int64{6021}, want: ""},
		{id: 603, ops: []sb.Operation{op(6031, "  Pneu  avant  ", 100), op(6032, " Frein", 200)}, want: "Pneu  avant, Frein"},
		{id: 604, ops: []sb.Operation{op(6041, "\tRoue\\N\n« l'arrière »\r", 100), op(6042, `"x" \ y`+"\t", 200)},
			want: "\tRoue\\N\n« l'arrière »\r, \"x\" \\ y\t"},
		{id: 605, ops: []sb.Operation{op(6051, "Dévoilage 🚲", 100), op(6052, "Réglage ✅", 200)}, want: "Dévoilage 🚲, Réglage ✅"},
		{id: 606, ops: []sb.Operation{op(6061, "Pneu", 100), op(6062, "Pneu", 100), op(6063, "", 100)}, want: "Pneu, Pneu"},
		// inserted 6073, 6071, 6072; the covering index orders them by commission: 6072, 6073, 6071
		{id: 607, ops: []sb.Operation{op(6073, "c", 500), op(6071, "a", 900), op(6072, "b", 100)}, want: "a, b, c"},
		{id: 608, ops: []sb.Operation{op(6081, "", 100), op(6082, "x", 100), op(6083, "  ", 100), op(6084, "Purge", 100)},
			empty: []int64{6082}, want: "Purge"},
		{id: 609, ops: []sb.Operation{op(6091, x150, 100), op(6092, y148, 100)}, want: x150 + ", " + y148},
		{id: 610, ops: []sb.Operation{op(6101, x150, 100), op(6102, y148+"z", 100)}, long: true},
		{id: 611, ops: []sb.Operation{op(6113, accents, 100), op(6111, accents, 300), op(6112, " "+accents+" ", 200)}, long: true},
		{id: 612, ops: []sb.Operation{op(6121, "Zoé\x00 "+x150, 100), op(6122, y148, 100)}, long: true},
		{id: 613, ops: []sb.Operation{op(6131, strings.Repeat("🚲", 150), 100), op(6132, strings.Repeat("🚲", 150), 100)}, long: true},
	}
}

// TestSummedCloseBooksTheServicesOfTheRules: October closed with the input read in full (the rules
// write each line's services, reconcile.Services) and, on a twin database, summed (the store's
// SQL): every line of the cases is booked by the store, and both ledgers hold the same services,
// byte for byte, the expected ones. On SQLite a label of invalid UTF-8 too (MySQL refuses it).
func TestSummedCloseBooksTheServicesOfTheRules(t *testing.T) {
	defer store.SetSumChunk(4)() // MySQL reads the interventions 4 at a time
	for _, mode := range []string{"", "insert", "view"} {
		twins := dbtest.Engines(t)
		for i, e := range dbtest.Engines(t) {
			if mode == "insert" && e.Name != "mysql" {
				continue
			}
			name := e.Name
			if mode != "" {
				name += "/" + mode
			}
			t.Run(name, func(t *testing.T) {
				defer store.SetLoadDataOff(mode == "insert")()
				testSummedServices(t, e, twins[i], mode == "view")
			})
		}
	}
}

// testSummedServices closes September and October on e in full and on twin summed; with view,
// intervention_operations is a view over a table that keeps the operations in the reverse order
// of their ids (as an operator's may): the order of the labels is the ids', not the scan's.
func testSummedServices(t *testing.T, e, twin dbtest.Engine, view bool) {
	ctx := context.Background()
	cases := servicesCases()
	src := source()
	for _, c := range cases {
		for i := range c.ops {
			c.ops[i].InterventionID = c.id
		}
		src.Interventions = append(src.Interventions, sb.Intervention{ID: c.id, RepairerID: 1, City: "Paris",
			Kind: sb.KindStandard, Status: sb.StatusClosed, ClosedAt: utc(2026, 10, 9, 9, 0, 0), Operations: c.ops})
	}
	// invalid UTF-8, which SQLite's length() counts otherwise than Go: C3 A9 A9 is one character to
	// SQLite, two code points to Go (é and a stray byte)
	invalid := e.Name == "sqlite"
	if invalid {
		src.Interventions = append(src.Interventions, sb.Intervention{ID: 620, RepairerID: 1, City: "Paris",
			Kind: sb.KindStandard, Status: sb.StatusClosed, ClosedAt: utc(2026, 10, 9, 9, 0, 0),
			Operations: []sb.Operation{{ID: 6201, InterventionID: 620, Label: "placeholder", PriceCents: 1000, CommissionCents: 100}}})
	}
	dbs := []*store.DB{dbtest.Open(t, e), dbtest.Open(t, twin)}
	for _, db := range dbs {
		mustInsert(t, db, src)
		for _, c := range cases {
			for _, id := range c.empty {
				if err := db.Exec(ctx, "UPDATE intervention_operations SET label = '' WHERE id = ?", id); err != nil {
					t.Fatal(err)
				}
			}
		}
		if invalid {
			if err := db.Exec(ctx, "UPDATE intervention_operations SET label = CAST(X'"+strings.Repeat("C3A9A9", 160)+"' AS TEXT) WHERE id = 6201"); err != nil {
				t.Fatal(err)
			}
		}
		if view {
			operationsByArrival(t, db, e.Name)
		}
	}
	closeTwins(t, dbs, sep)
	summed, full, twin2 := closeTwins(t, dbs, oct)
	booked := map[int64]sb.CommissionLine{}
	for _, c := range twin2.StatementOf(1).Commissions {
		booked[c.InterventionID] = c
	}
	for _, c := range summed.StatementOf(1).Commissions {
		if c.InterventionID >= 600 {
			t.Errorf("intervention %d booked by the rules, not summed by the store", c.InterventionID)
		}
	}
	for _, c := range full.StatementOf(1).Commissions {
		if c.InterventionID >= 600 && c.Services != booked[c.InterventionID].Services {
			t.Errorf("intervention %d: the full read books %q, the summing pass %q", c.InterventionID, c.Services, booked[c.InterventionID].Services)
		}
	}
	for _, c := range cases {
		got, ok := booked[c.id]
		if !ok {
			t.Errorf("intervention %d not booked", c.id)
			continue
		}
		want := c.want
		if c.long {
			want = reconcile.Services(c.ops)
			if n := utf8.RuneCountInString(want); n != reconcile.ServicesMaxRunes || !strings.HasSuffix(want, "…") {
				t.Fatalf("case %d is not cut: %d code points", c.id, n)
			}
		}
		if got.Services != want {
			t.Errorf("intervention %d: services %q, want %q", c.id, got.Services, want)
		}
	}
	if invalid {
		want := reconcile.ServicesCap(strings.Repeat("é\xa9", 160))
		if got := booked[620].Services; got != want || utf8.RuneCountInString(want) != reconcile.ServicesMaxRunes {
			t.Errorf("intervention 620 (invalid UTF-8): services %q, want %q", got, want)
		}
	}
}

// operationsByArrival replaces the table intervention_operations of db by a view over a table
// that holds its rows in the reverse order of their ids (its key: their order of arrival), with
// an index on intervention_id that lists each intervention's operations in that order.
func operationsByArrival(t *testing.T, db *store.DB, engine string) {
	t.Helper()
	ctx := context.Background()
	table := `CREATE TABLE ops_by_arrival (seq INTEGER PRIMARY KEY, id BIGINT, intervention_id BIGINT, label VARCHAR(200),
		price_cents BIGINT, commission_cents BIGINT, sav_related INT)`
	if engine == "mysql" {
		table = `CREATE TABLE ops_by_arrival (seq BIGINT AUTO_INCREMENT PRIMARY KEY, id BIGINT, intervention_id BIGINT,
			label VARCHAR(200), price_cents BIGINT, commission_cents BIGINT, sav_related INT)
			ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`
	}
	for _, q := range []string{table,
		"CREATE INDEX ops_by_arrival_iv ON ops_by_arrival (intervention_id)",
		`INSERT INTO ops_by_arrival (id, intervention_id, label, price_cents, commission_cents, sav_related)
			SELECT id, intervention_id, label, price_cents, commission_cents, sav_related FROM intervention_operations ORDER BY id DESC`,
		"DROP TABLE intervention_operations",
		`CREATE VIEW intervention_operations AS
			SELECT id, intervention_id, label, price_cents, commission_cents, sav_related FROM ops_by_arrival`,
	} {
		if err := db.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTheCloseReadsTheOperationsAndTheirLabelsFromOneIndex: after the migrations, the close's
// read of the operations (their amounts, ids and labels for the services of issue 19) is
// answered by migration 81's index alone, never by each operation's row (2.5 M rows at workload
// L), and migration 4's index, its prefix, is gone.
func TestTheCloseReadsTheOperationsAndTheirLabelsFromOneIndex(t *testing.T) {
	forEngines(t, func(t *testing.T, e dbtest.Engine, db *store.DB) {
		plan, err := store.OperationsReadPlan(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"USING COVERING INDEX intervention_operations_services"}
		if e.Name == "mysql" {
			want = []string{"key=intervention_operations_services", "Using index"}
		}
		for _, w := range want {
			if !strings.Contains(plan, w) {
				t.Errorf("the plan does not read the operations from their index alone (%s):\n%s", w, plan)
			}
		}
		if strings.Contains(plan, "intervention_operations_amounts") {
			t.Errorf("migration 4's index is still there:\n%s", plan)
		}
	})
}

// TestAnUnindexableLabelKeepsMigration4sIndex: an operator's operations table whose label is a
// TEXT column cannot be indexed whole on MySQL/MariaDB (error 1170): migration 81 keeps
// migration 4's index, warns, and the migrations end; the close still books the services, read
// from the rows. SQLite indexes a TEXT column like any other.
func TestAnUnindexableLabelKeepsMigration4sIndex(t *testing.T) {
	forUnmigrated(t, func(t *testing.T, e dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		if err := db.Exec(ctx, `CREATE TABLE intervention_operations (id BIGINT PRIMARY KEY, intervention_id BIGINT NOT NULL,
			label TEXT, price_cents BIGINT NOT NULL, commission_cents BIGINT NOT NULL, sav_related INT NOT NULL DEFAULT 0)`); err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("migrate with a TEXT label: %v", err)
		}
		var indexes []string
		q := `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'intervention_operations'
			AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name`
		if e.Name == "mysql" {
			q = `SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
				AND TABLE_NAME = 'intervention_operations' AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME`
		}
		if err := db.Query(ctx, q, nil, func(rows *sql.Rows) error {
			var n string
			if err := rows.Scan(&n); err != nil {
				return err
			}
			indexes = append(indexes, n)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		want := []string{"intervention_operations_intervention", "intervention_operations_services"}
		if e.Name == "mysql" {
			want = []string{"intervention_operations_amounts", "intervention_operations_intervention"}
		}
		if !slices.Equal(indexes, want) {
			t.Errorf("indexes of intervention_operations %q, want %q", indexes, want)
		}
		src := source()
		mustInsert(t, db, src)
		closeWith(t, db, sep, true)
		closeWith(t, db, oct, true)
		b, err := db.LoadBook(ctx, oct)
		if err != nil {
			t.Fatal(err)
		}
		ops := map[int64][]sb.Operation{}
		for _, iv := range src.Interventions {
			ops[iv.ID] = iv.Operations
		}
		n := 0
		for _, st := range b.Statements {
			for _, c := range st.Commissions {
				if want := reconcile.Services(ops[c.InterventionID]); c.Services != want {
					t.Errorf("intervention %d: services %q, want %q", c.InterventionID, c.Services, want)
				}
				if c.Services != "" {
					n++
				}
			}
		}
		if n == 0 {
			t.Fatal("no commission line with services booked in October")
		}
	})
}
