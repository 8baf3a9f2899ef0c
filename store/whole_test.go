package store_test

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/reconcile"
	"savbilling/store"
)

// holdCase is what makes a check of reconcile.CommissionChecks hold an intervention.
type holdCase struct {
	ivs  []sb.Intervention // inserted with source()
	exec []string          // run on both databases after the September close
	// held maps each intervention the check holds in October to what its anomaly's reason says.
	held map[int64]string
	// unreachable says why no intervention can make the check fail on the summed path, which
	// check asserts; only then are ivs and held empty.
	unreachable string
	check       func(t *testing.T)
}

// holdCases has a case for every check of reconcile.CommissionChecks, by name.
func holdCases() map[string]holdCase {
	day := utc(2026, 10, 9, 9, 0, 0)
	iv := func(id, repairer int64, kind, status string, closed time.Time, ops ...[2]int64) sb.Intervention {
		out := sb.Intervention{ID: id, RepairerID: repairer, City: "Nantes", Kind: kind, Status: status, ClosedAt: closed}
		for i, o := range ops { // {price, commission}
			out.Operations = append(out.Operations, sb.Operation{ID: id*10 + int64(i), InterventionID: id,
				Label: "op", PriceCents: o[0], CommissionCents: o[1]})
		}
		return out
	}
	ok := [2]int64{1000, 700}
	return map[string]holdCase{
		"row": { // a defect the store finds in the row
			ivs: []sb.Intervention{
				iv(701, 1, sb.KindStandard, "CLOSED", day, ok),
				iv(702, 1, sb.KindStandard, "closed ", day, ok),
				iv(703, 1, sb.KindStandard, "", day, ok),
				iv(704, 1, sb.KindStandard, sb.StatusClosed, time.Time{}, ok),
			},
			held: map[int64]string{701: "statut", 702: "statut", 703: "statut", 704: "closed_at"},
		},
		"repairer": {
			ivs: []sb.Intervention{
				iv(711, 99, sb.KindStandard, sb.StatusClosed, day, ok), // unknown
				iv(712, 4, sb.KindStandard, sb.StatusClosed, day, ok),  // VAT regime "exempt"
			},
			held: map[int64]string{711: "inconnu", 712: "régime de TVA"},
		},
		"kind": {
			ivs: []sb.Intervention{
				iv(721, 1, "warranty", sb.StatusClosed, day, ok),
				iv(722, 1, "SAV", sb.StatusClosed, day, ok),
				iv(723, 3, "sav ", sb.StatusClosed, day, ok),
				iv(724, 3, "Standard", sb.StatusClosed, day, ok),
			},
			held: map[int64]string{721: "type d'intervention", 722: "type d'intervention", 723: "type d'intervention",
				724: "type d'intervention"},
		},
		"closed": {
			ivs: []sb.Intervention{
				iv(731, 1, sb.KindStandard, sb.StatusClosed, utc(1999, 12, 31, 23, 59, 59), ok),
				iv(732, 3, sb.KindSAV, sb.StatusClosed, sb.EarliestDate.Add(-time.Second), ok),
			},
			held: map[int64]string{731: "date de clôture improbable", 732: "date de clôture improbable"},
		},
		"amounts": {
			ivs: []sb.Intervention{
				iv(741, 1, sb.KindStandard, sb.StatusClosed, day, ok, [2]int64{sb.MaxAmountCents + 1, 10}),
				iv(742, 3, sb.KindStandard, sb.StatusClosed, day, [2]int64{100, sb.MaxAmountCents + 1}),
				iv(743, 3, sb.KindStandard, sb.StatusClosed, day, [2]int64{100, 1 << 62}, [2]int64{100, 1 << 62}),
			},
			held: map[int64]string{741: "montant improbable", 742: "montant improbable", 743: "montant improbable"},
		},
		"negative": {
			ivs: []sb.Intervention{
				iv(751, 1, sb.KindStandard, sb.StatusClosed, day, ok, [2]int64{500, -100}),
				iv(752, 3, sb.KindStandard, sb.StatusClosed, day, [2]int64{-5, 100}),
			},
			held: map[int64]string{751: "montant négatif", 752: "montant négatif"},
		},
		"overflow": {
			unreachable: "the commissions of an intervention overflow int64 only past about 9×10^8 operations " +
				"within bounds; the store sums at most store.SumMaxOperations, whose sum cannot overflow",
			check: func(t *testing.T) {
				if store.SumMaxOperations > math.MaxInt64/reconcile.Whole.MaxAmountCents {
					t.Errorf("%d operations of at most %d cents may overflow int64 on the summed path",
						store.SumMaxOperations, reconcile.Whole.MaxAmountCents)
				}
			},
		},
		"booked elsewhere": { // 7601, paid with 760 in September, moved to 761, closed in October
			ivs: []sb.Intervention{
				iv(760, 1, sb.KindStandard, sb.StatusClosed, utc(2026, 9, 10, 9, 0, 0), ok, [2]int64{600, 300}),
				iv(761, 3, sb.KindStandard, sb.StatusClosed, day, [2]int64{400, 200}),
			},
			exec: []string{"UPDATE intervention_operations SET intervention_id = 761 WHERE id = 7601"},
			held: map[int64]string{761: "déjà payée"},
		},
	}
}

// TestEveryHoldReasonOfACommissionIsHeldOnTheSummedPathToo: every check that makes the rules
// hold an intervention whole (reconcile.CommissionChecks) has a case here, and the close that
// lets the store sum holds each case as the close that reads in full does: same anomalies, same
// ledger, on both engines. A new check in reconcile fails this test until it gets a case, which
// fails until the summing pass (store/summed*.go) leaves what it holds to the rules.
func TestEveryHoldReasonOfACommissionIsHeldOnTheSummedPathToo(t *testing.T) {
	cases := holdCases()
	for _, name := range reconcile.CommissionChecks {
		c, ok := cases[name]
		switch {
		case !ok:
			t.Errorf("reconcile check %q has no case in holdCases: add an intervention it holds", name)
		case c.unreachable != "":
			t.Logf("check %q: %s", name, c.unreachable)
			c.check(t)
		case len(c.held) == 0:
			t.Errorf("check %q: its case holds no intervention", name)
		}
	}
	for name := range cases {
		if !slices.Contains(reconcile.CommissionChecks, name) {
			t.Errorf("case %q is not a check of reconcile.CommissionChecks", name)
		}
	}
	src := source()
	src.Repairers = append(src.Repairers, sb.Repairer{ID: 4, Name: "Régime inconnu", VATRegime: "exempt", Active: true})
	for _, name := range reconcile.CommissionChecks {
		src.Interventions = append(src.Interventions, cases[name].ivs...)
	}

	defer store.SetSumChunk(4)() // MySQL reads the interventions 4 at a time
	twins := dbtest.Engines(t)
	for i, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			dbs := []*store.DB{dbtest.Open(t, e), dbtest.Open(t, twins[i])}
			for _, db := range dbs {
				mustInsert(t, db, src)
			}
			closeTwins(t, dbs, sep)
			for _, name := range reconcile.CommissionChecks {
				for _, q := range cases[name].exec {
					for _, db := range dbs {
						if err := db.Exec(ctx, q); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			summed, full, _ := closeTwins(t, dbs, oct)
			if summed.Summed == nil || summed.Summed.Lines == 0 {
				t.Fatalf("October: the store summed nothing: %+v", summed.Summed)
			}
			for _, name := range reconcile.CommissionChecks {
				for id, reason := range cases[name].held {
					item := "intervention " + strconv.FormatInt(id, 10)
					held := slices.ContainsFunc(full.Anomalies, func(a sb.Anomaly) bool {
						return a.Item == item && a.Blocking && strings.Contains(a.Reason, reason)
					})
					if !held {
						t.Errorf("check %q: October: %s is not held (%q): %+v", name, item, reason, full.Anomalies)
					}
					if c, ok := commissionOf(full, id); ok {
						t.Errorf("check %q: October: %s booked: %+v", name, item, c)
					}
				}
			}
		})
	}
}
