package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/store"
)

// movedSource: intervention 600 (repairer 1) closed in September with operations 6000 and 6001;
// 601 (repairer 3) still open with 6010; 603 (repairer 3) closed in September with 6030.
func movedSource() sb.Source {
	iv := func(id, repairer int64, status string, closed sb.Intervention, ops ...int64) sb.Intervention {
		out := closed
		out.ID, out.RepairerID, out.Status, out.Kind, out.City = id, repairer, status, sb.KindStandard, "Nantes"
		for _, c := range ops {
			out.Operations = append(out.Operations, sb.Operation{ID: id*10 + int64(len(out.Operations)),
				InterventionID: id, Label: "op", PriceCents: 2 * c, CommissionCents: c})
		}
		return out
	}
	sept := sb.Intervention{ClosedAt: utc(2026, 9, 10, 9, 0, 0)}
	return sb.Source{
		Repairers: []sb.Repairer{r1, r3},
		Interventions: []sb.Intervention{
			iv(600, 1, sb.StatusClosed, sept, 1000, 500),
			iv(601, 3, sb.StatusOpen, sb.Intervention{}, 300),
			iv(603, 3, sb.StatusClosed, sept, 200),
		},
	}
}

// bookedOperations reads sb_operations: operation id → intervention id.
func bookedOperations(t *testing.T, db *store.DB) map[int64]int64 {
	t.Helper()
	out := map[int64]int64{}
	err := db.Query(context.Background(), "SELECT operation_id, intervention_id FROM sb_operations", nil, func(rows *sql.Rows) error {
		var op, iv int64
		err := rows.Scan(&op, &iv)
		out[op] = iv
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// commissionOf returns the commission line of intervention id in b, if listed.
func commissionOf(b *sb.Book, id int64) (sb.CommissionLine, bool) {
	for _, s := range b.Statements {
		for _, c := range s.Commissions {
			if c.InterventionID == id {
				return c, true
			}
		}
	}
	return sb.CommissionLine{}, false
}

// TestMovedOperationIsNeverPaidTwice: an operation paid with intervention 600 in September, then
// moved to intervention 601, closed in October, is not paid again: 601 is held whole, naming the
// operation and both interventions, and booked (late) in November once the operation is put
// back. An operation added to 600 in October is reported once, not paid; recorded on a new
// intervention, it is paid there. Every booked operation is keyed once in sb_operations, with its intervention. The close
// that reads in full and the one that lets the store sum book the same, on both engines (MySQL
// reads 2 interventions at a time, and once inserting instead of loading).
func TestMovedOperationIsNeverPaidTwice(t *testing.T) {
	defer store.SetSumChunk(2)()
	for _, insert := range []bool{false, true} {
		twins := dbtest.Engines(t)
		for i, e := range dbtest.Engines(t) {
			if insert && e.Name != "mysql" {
				continue
			}
			name := e.Name
			if insert {
				name += "/insert"
			}
			t.Run(name, func(t *testing.T) {
				defer store.SetLoadDataOff(insert)()
				testMovedOperation(t, e, twins[i])
			})
		}
	}
}

func testMovedOperation(t *testing.T, e, twin dbtest.Engine) {
	ctx := context.Background()
	dbs := []*store.DB{dbtest.Open(t, e), dbtest.Open(t, twin)}
	exec := func(query string) {
		t.Helper()
		for _, db := range dbs {
			if err := db.Exec(ctx, query); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, db := range dbs {
		mustInsert(t, db, movedSource())
	}
	closeTwins(t, dbs, sep)

	// October: 6001, paid with 600, moved to 601, which closes; 602 is an ordinary new job; 6100
	// is added to 600, paid in September.
	exec("UPDATE intervention_operations SET intervention_id = 601 WHERE id = 6001")
	exec("INSERT INTO intervention_operations (id, intervention_id, label, price_cents, commission_cents, sav_related) VALUES (6100, 600, 'ajout', 800, 400, 0)")
	exec("UPDATE interventions SET status = 'closed', closed_at = '2026-10-05 09:00:00' WHERE id = 601")
	for _, db := range dbs {
		mustInsert(t, db, sb.Source{Interventions: []sb.Intervention{{ID: 602, RepairerID: 3,
			Kind: sb.KindStandard, City: "Nantes", Status: sb.StatusClosed, ClosedAt: utc(2026, 10, 6, 9, 0, 0),
			Operations: []sb.Operation{{ID: 6020, InterventionID: 602, PriceCents: 1400, CommissionCents: 700}}}}})
	}
	_, full, _ := closeTwins(t, dbs, oct)
	if c, ok := commissionOf(full, 601); ok {
		t.Errorf("October: intervention 601 booked with the operation paid in September: %+v", c)
	}
	if s := full.StatementOf(3); s == nil || s.GrossCents != 700 {
		t.Errorf("October: repairer 3 is paid %+v, want 700 cents (602 only)", s)
	}
	var held []sb.Anomaly
	for _, a := range full.Anomalies {
		if a.Item == "intervention 601" {
			held = append(held, a)
		}
	}
	if len(held) != 1 || !held[0].Blocking || held[0].RepairerID != 3 {
		t.Fatalf("October: intervention 601 is not held once, blocking: %+v", full.Anomalies)
	}
	for _, want := range []string{"6001", "600", "601", "2026-09"} {
		if !strings.Contains(held[0].Reason, want) || (want != "2026-09" && !strings.Contains(held[0].Fix, want)) {
			t.Errorf("October: the anomaly does not name %s in its reason and fix: %+v", want, held[0])
		}
	}

	var added []sb.Anomaly
	for _, a := range full.Anomalies {
		if a.Item == "opération 6100" {
			added = append(added, a)
		}
	}
	if len(added) != 1 || !added[0].Blocking || added[0].RepairerID != 1 || !strings.Contains(added[0].Reason, "600 ") ||
		!strings.Contains(added[0].Reason, "2026-09") || !strings.Contains(added[0].Reason, "400 centimes") ||
		!strings.Contains(added[0].Fix, "nouvelle intervention") {
		t.Errorf("October: operation 6100, added to 600 after its payment, is not reported once: %+v", full.Anomalies)
	}
	if s := full.StatementOf(1); s != nil {
		t.Errorf("October: repairer 1 paid for the operation added to 600: %+v", s)
	}

	// November: 6001 is put back; 601 is booked, late, without it. 6100 is recorded on a new
	// intervention, 605, where it is paid; it is not reported again.
	exec("UPDATE intervention_operations SET intervention_id = 600 WHERE id = 6001")
	exec("INSERT INTO interventions (id, repairer_id, city, kind, status, closed_at) VALUES (605, 1, 'Nantes', 'standard', 'closed', '2026-11-03 09:00:00')")
	exec("UPDATE intervention_operations SET intervention_id = 605 WHERE id = 6100")
	_, full, _ = closeTwins(t, dbs, nov)
	if c, ok := commissionOf(full, 601); !ok || c.AmountCents != 300 || !c.Late || c.Operations != 1 {
		t.Errorf("November: intervention 601 booked as %+v (%v), want 300 cents, late, 1 operation", c, ok)
	}
	if c, ok := commissionOf(full, 605); !ok || c.AmountCents != 400 || c.Late || c.Operations != 1 {
		t.Errorf("November: intervention 605 booked as %+v (%v), want 400 cents, 1 operation", c, ok)
	}
	for _, a := range full.Anomalies {
		t.Errorf("November: anomaly %+v", a)
	}
	want := map[int64]int64{6000: 600, 6001: 600, 6100: 605, 6010: 601, 6020: 602, 6030: 603}
	for _, db := range dbs {
		if got := bookedOperations(t, db); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("sb_operations = %v, want %v", got, want)
		}
	}
}

// TestMigrationBackfillsBookedOperations: a ledger closed before migration 8 gets the operations of
// its booked interventions keyed, from the source as it is at the migration, so that the next
// close holds an intervention holding one of them.
func TestMigrationBackfillsBookedOperations(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		mustInsert(t, db, movedSource())
		closeWith(t, db, sep, true)
		// the ledger as migration 7 left it
		for _, q := range []string{"DROP TABLE sb_operation_marks", "DROP TABLE sb_operations",
			"DELETE FROM sb_schema_version WHERE version_id = 8"} {
			if err := db.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		want := map[int64]int64{6000: 600, 6001: 600, 6030: 603}
		if got := bookedOperations(t, db); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("sb_operations after the migration = %v, want %v", got, want)
		}
		if err := db.Exec(ctx, "UPDATE intervention_operations SET intervention_id = 601 WHERE id = 6001"); err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(ctx, "UPDATE interventions SET status = 'closed', closed_at = '2026-10-05 09:00:00' WHERE id = 601"); err != nil {
			t.Fatal(err)
		}
		b := closeWith(t, db, oct, true)
		if b.Summed != nil || len(b.Statements) != 0 || len(b.Anomalies) != 1 || b.Anomalies[0].Item != "intervention 601" {
			t.Errorf("October: %d statements, summed %+v, anomalies %+v; want intervention 601 held", len(b.Statements), b.Summed, b.Anomalies)
		}
	})
}
