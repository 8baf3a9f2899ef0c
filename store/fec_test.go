package store_test

import (
	"context"
	"reflect"
	"testing"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/store"
)

// The accounting file's numbering is kept per period and journal (migration 50): the last numbers
// of a fiscal year are the highest its periods used; a period closed before has none.
func TestFECNumbersRoundTrip(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := dbtest.Open(t, e)
			mustSave(t, db, bookSep())
			mustSave(t, db, bookOct())
			sepN := store.FECNumbers{FiscalYear: "2026-01", Opening: true, Prev: map[string]int{"ACH": 0, "OD": 0}, Last: map[string]int{"ACH": 3, "OD": 0}}
			octN := store.FECNumbers{FiscalYear: "2026-01", Prev: map[string]int{"ACH": 3, "OD": 0}, Last: map[string]int{"ACH": 7, "OD": 2}}
			err := db.WithCloseLock(ctx, 0, func(ctx context.Context, tx *store.Tx) error {
				if any, err := tx.AnyFEC(ctx); err != nil || any {
					t.Errorf("AnyFEC before any = %v, %v", any, err)
				}
				if err := tx.SaveFECNumbers(ctx, sep, sepN); err != nil {
					return err
				}
				if err := tx.SaveFECNumbers(ctx, oct, octN); err != nil {
					return err
				}
				if any, err := tx.AnyFEC(ctx); err != nil || !any {
					t.Errorf("AnyFEC = %v, %v", any, err)
				}
				last, err := tx.FECLastNumbers(ctx, "2026-01")
				if err != nil || !reflect.DeepEqual(last, map[string]int{"ACH": 7, "OD": 2}) {
					t.Errorf("last numbers of 2026 = %v, %v", last, err)
				}
				if last, err := tx.FECLastNumbers(ctx, "2027-01"); err != nil || len(last) != 0 {
					t.Errorf("last numbers of 2027 = %v, %v", last, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			got, ok, err := db.LoadFECNumbers(ctx, oct)
			if err != nil || !ok || !reflect.DeepEqual(got, octN) {
				t.Errorf("October = %+v %v %v, want %+v", got, ok, err, octN)
			}
			if got, ok, err := db.LoadFECNumbers(ctx, sep); err != nil || !ok || !got.Opening {
				t.Errorf("September = %+v %v %v", got, ok, err)
			}
			if _, ok, err := db.LoadFECNumbers(ctx, nov); err != nil || ok {
				t.Errorf("November (not closed) = %v %v", ok, err)
			}
		})
	}
}

// The balances carried from before a period come from the periods before it only: each plan
// created before it and not closed before it, at its total less the installments paid before it,
// and each invoice (TTC) and debit note of an earlier period.
func TestOpenBalancesBeforeAPeriod(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := dbtest.Open(t, e)
			books := []*sb.Book{bookSep(), bookOct(), bookNov()}
			for _, b := range books {
				mustSave(t, db, b)
			}
			// before November: stated from the books of September and October
			want := map[string]int64{}
			paid := map[string]int64{}
			closed := map[string]bool{}
			for _, b := range books[:2] {
				for _, v := range b.Invoices {
					want[v.Number] = v.TTCCents
				}
				for _, s := range b.Statements {
					for _, in := range s.Installments {
						paid[in.PlanID] += in.PaidCents
					}
				}
				for _, p := range b.Plans {
					if !p.ClosedIn.IsZero() {
						closed[p.ID] = true
					}
				}
			}
			for _, b := range books[:2] {
				for _, p := range b.Plans {
					if p.CreatedIn == b.Period && !closed[p.ID] {
						want[p.ID] = p.TotalCents - paid[p.ID]
					}
				}
			}
			got := map[string]int64{}
			obs, err := db.OpenBalances(ctx, nov)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range obs {
				got[o.Ref] = o.AmountCents
				if o.Date.IsZero() || o.RepairerID == 0 {
					t.Errorf("%s: no date or repairer: %+v", o.Ref, o)
				}
			}
			if len(want) < 3 || !reflect.DeepEqual(got, want) {
				t.Errorf("before November: %v, want %v", got, want)
			}
			if obs, err := db.OpenBalances(ctx, sep); err != nil || len(obs) != 0 {
				t.Errorf("before September: %v %v, want none", obs, err)
			}
		})
	}
}
