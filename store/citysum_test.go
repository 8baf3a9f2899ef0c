package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/store"
)

// TestCommissionsByCitySumsThePeriodsLines: the October book's commission lines summed by city:
// only October's (September's are not), a blank city (empty or spaces) under « (non renseignée) »,
// cities that MySQL's collation would merge (Orléans, orleans) kept apart, by amount descending
// then city, adding up to the statements' commissions to the cent; an open period is refused.
func TestCommissionsByCitySumsThePeriodsLines(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		mustInsert(t, db, source())
		mustSave(t, db, bookSep())
		b := bookOct()
		cities := map[int64]string{101: "Orléans", 102: "orleans", 201: "  ", 202: "Créteil", 106: "", 203: "Paris"}
		var gross int64
		for i := range b.Statements {
			s := &b.Statements[i]
			gross += s.GrossCents
			for j := range s.Commissions {
				c := &s.Commissions[j]
				city, ok := cities[c.InterventionID]
				if !ok {
					t.Fatalf("the October book has a commission line %d the test does not place", c.InterventionID)
				}
				c.City = city
			}
		}
		mustSave(t, db, b)
		got, err := db.CommissionsByCity(ctx, oct)
		if err != nil {
			t.Fatal(err)
		}
		want := []sb.CityCommissions{
			{City: "(non renseignée)", Interventions: 2, AmountCents: 6500}, // 201 (spaces) and 106 (empty, 0,00 €)
			{City: "orleans", Interventions: 1, AmountCents: 5500},
			{City: "Orléans", Interventions: 1, AmountCents: 5000},
			{City: "Créteil", Interventions: 1, AmountCents: 4500},
			{City: "Paris", Interventions: 1, AmountCents: 2000},
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("October by city (-want +got):\n%s", d)
		}
		var sum int64
		for _, c := range got {
			sum += c.AmountCents
		}
		if sum != gross || gross != 23500 {
			t.Errorf("the cities add up to %d cents, the statements' commissions to %d", sum, gross)
		}
		if _, err := db.CommissionsByCity(ctx, nov); !errors.Is(err, store.ErrNotClosed) {
			t.Errorf("an open period: %v, want ErrNotClosed", err)
		}
		// the same through the book held in memory (a draft's workbook)
		if d := cmp.Diff(want, b.CommissionsByCity()); d != "" {
			t.Errorf("Book.CommissionsByCity (-want +got):\n%s", d)
		}
	})
}

// TestCommissionsByCityReadsThePeriodIndex: the query reads the period's lines through the
// period index (a million lines a period at workload L), never the whole table: SQLite searches
// sb_commissions_period, MySQL/MariaDB ranges over the clustered primary key (period, …).
func TestCommissionsByCityReadsThePeriodIndex(t *testing.T) {
	forEngines(t, func(t *testing.T, e dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		q := store.CommissionsByCityQuery(db)
		text, err := store.QueryPlan(ctx, db, q, []any{"2026-10"})
		if err != nil {
			t.Fatal(err)
		}
		want := "USING INDEX sb_commissions_period (period=?)"
		if e.Name == "mysql" {
			want = "key=PRIMARY"
		}
		if !strings.Contains(text, want) || strings.Contains(text, "type=ALL") || strings.Contains(text, "SCAN sb_commissions") {
			t.Errorf("the plan does not read the period index (%s):\n%s", want, text)
		}
	})
}
