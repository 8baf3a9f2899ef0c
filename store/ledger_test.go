package store_test

import (
	"context"
	"slices"
	"testing"

	"savbilling/internal/dbtest"
	"savbilling/store"
)

// TestEveryLedgerTableIsDeclaredWhole: each ledger table's columns, declared once in ledger.go,
// are the table's own columns in the migrated schema, all of them, on both engines; its row
// function gives a value per column, and its scan reads its columns in their declared order. A
// column added by a migration and forgotten in the declaration (or the reverse) fails here.
func TestEveryLedgerTableIsDeclaredWhole(t *testing.T) {
	forEngines(t, func(t *testing.T, e dbtest.Engine, db *store.DB) {
		for _, lt := range store.LedgerTables() {
			if lt.Values != len(lt.Cols) {
				t.Errorf("%s: its row gives %d values for %d columns", lt.Name, lt.Values, len(lt.Cols))
			}
			have, err := db.TableColumns(context.Background(), lt.Name)
			if err != nil {
				t.Fatal(err)
			}
			declared := slices.Sorted(slices.Values(lt.Cols))
			slices.Sort(have)
			if !slices.Equal(declared, have) {
				t.Errorf("%s: declared columns %v, the %s schema has %v", lt.Name, declared, e.Name, have)
			}
			if lt.Read != nil {
				var kept []string
				for _, c := range lt.Cols {
					if slices.Contains(lt.Read, c) {
						kept = append(kept, c)
					}
				}
				if !slices.Equal(kept, lt.Read) {
					t.Errorf("%s: its scan reads %v, not in the declared order %v", lt.Name, lt.Read, kept)
				}
			}
		}
	})
}
