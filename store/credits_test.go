package store_test

import (
	"testing"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/store"
)

// TestCreditOffSAVReportedOnce: a credit granted in October on a standard intervention is read by
// the close of October, in full or summed, booked in sb_goodwill, and not read again in November;
// one granted in November waits for November.
func TestCreditOffSAVReportedOnce(t *testing.T) {
	for _, summed := range []bool{false, true} {
		forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
			src := movedSource()
			src.Credits = []sb.Credit{
				{ID: 71, InterventionID: 603, AmountCents: 1250, GrantedAt: utc(2026, 10, 8, 10, 0, 0), Reason: "geste"},
				{ID: 72, InterventionID: 603, AmountCents: 300, GrantedAt: utc(2026, 11, 8, 10, 0, 0), Reason: "geste"},
			}
			mustInsert(t, db, src)
			closeWith(t, db, sep, summed)
			for _, c := range []struct {
				p    sb.Period
				want int64
			}{{oct, 71}, {nov, 72}} {
				b := closeWith(t, db, c.p, summed)
				if len(b.Goodwill) != 1 || b.Goodwill[0].CreditID != c.want || !b.Goodwill[0].BorneByNetwork || b.Goodwill[0].Outcome != "" {
					t.Errorf("%s (summed %v): goodwill %+v, want credit %d alone, borne by the network", c.p, summed, b.Goodwill, c.want)
				}
				got, err := db.LoadBook(t.Context(), c.p)
				if err != nil {
					t.Fatal(err)
				}
				if len(got.Goodwill) != 1 || got.Goodwill[0].CreditID != c.want || got.Goodwill[0].Outcome != "" || got.Goodwill[0].Note == "" {
					t.Errorf("%s: booked goodwill %+v", c.p, got.Goodwill)
				}
			}
		})
	}
}
