package reconcile

import (
	"maps"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
	sb "savbilling"
)

// summedInput is in with some of the interventions the rules book whole moved to in.Summed, as
// the store does (it sums in the database those it can prove valid); pick says which. It returns
// the ids moved.
func summedInput(in *sb.CloseInput, pick func(sb.Intervention) bool) (*sb.CloseInput, map[int64]bool) {
	out := *in
	out.Interventions = nil
	sums := map[int64]*sb.CommissionSum{}
	moved := map[int64]bool{}
	for _, iv := range in.Interventions {
		line, p := commission(in, iv)
		if p != nil || !pick(iv) {
			out.Interventions = append(out.Interventions, iv)
			continue
		}
		s := sums[iv.RepairerID]
		if s == nil {
			s = &sb.CommissionSum{RepairerID: iv.RepairerID}
			sums[iv.RepairerID] = s
		}
		s.Lines++
		s.AmountCents += line.AmountCents
		moved[iv.ID] = true
	}
	for _, id := range slices.Sorted(maps.Keys(sums)) {
		out.Summed = append(out.Summed, *sums[id])
	}
	return &out, moved
}

// listedOnly is the book b (computed from every intervention listed) as it must come out when the
// interventions moved were summed instead: their lines unlisted, counted in UnlistedLines and in
// Summed.
func listedOnly(in *sb.CloseInput, b *sb.Book, moved map[int64]bool) *sb.Book {
	out := *b
	out.Statements = slices.Clone(b.Statements)
	var sum sb.SummedLines
	for i := range out.Statements {
		s := &out.Statements[i]
		var kept []sb.CommissionLine
		for _, c := range s.Commissions {
			if moved[c.InterventionID] {
				s.UnlistedLines++
				sum.Lines++
				sum.AmountCents += c.AmountCents
				continue
			}
			kept = append(kept, c)
		}
		s.Commissions = kept
	}
	out.Operations = nil // the store keys the operations of the lines it sums itself
	for _, op := range b.Operations {
		if !moved[op.InterventionID] {
			out.Operations = append(out.Operations, op)
		}
	}
	if sum.Lines > 0 {
		sum.End = in.End
		if !in.LastClosed.IsZero() {
			sum.LateBefore = in.Start
		}
		out.Summed = &sum
	}
	return &out
}

// TestSummedInterventions: summing valid interventions per repairer (CloseInput.Summed) instead
// of listing them books the same statements, to the cent, with the same numbers, anomalies, plans
// and invoices; only the lines summed are not listed. Random multi-month histories, random
// subsets summed.
func TestSummedInterventions(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := newWorld()
		for id := int64(1); id <= int64(rapid.IntRange(2, 6).Draw(t, "repairers")); id++ {
			w.repairers[id] = repairer(id, rapid.SampledFrom([]string{sb.VATStandard, sb.VATFranchise, "bogus"}).Draw(t, "regime"))
		}
		p := sb.MustPeriod("2026-10")
		for range rapid.IntRange(1, 6).Draw(t, "months") {
			w.month(t, p)
			in := w.input(p)
			all, err := Close(in)
			if err != nil {
				t.Fatalf("close %s: %v", p, err)
			}
			summed, moved := summedInput(in, func(sb.Intervention) bool { return rapid.Bool().Draw(t, "summed") })
			got, err := Close(summed)
			if err != nil {
				t.Fatalf("close %s, summed: %v", p, err)
			}
			if diff := cmp.Diff(listedOnly(in, all, moved), got); diff != "" {
				t.Fatalf("close %s: summing %d interventions changes the book (-want +got):\n%s", p, len(moved), diff)
			}
			for _, s := range got.Statements {
				var g int64
				for _, c := range s.Commissions {
					g += c.AmountCents
				}
				if s.UnlistedLines == 0 && g != s.GrossCents {
					t.Fatalf("%s: G %d, lines %d", s.Number, s.GrossCents, g)
				}
			}
			w.book(t, all)
			p = p.Next()
		}
	})
}

// The store promises that what it sums is valid: a sum for an unknown repairer (or one with a
// VAT regime the statement cannot handle) is a bug, and Close fails rather than book it.
func TestSummedInvalidRepairerFails(t *testing.T) {
	for _, sum := range []sb.CommissionSum{
		{RepairerID: 9, Lines: 1, AmountCents: 100},
		{RepairerID: 3, Lines: 1, AmountCents: 100},
		{RepairerID: 1, Lines: 0, AmountCents: 100},
		{RepairerID: 1, Lines: 2, AmountCents: -1},
	} {
		in := input(oct, repairer(1, sb.VATStandard), repairer(3, "bogus"))
		in.Summed = []sb.CommissionSum{sum}
		if _, err := Close(in); err == nil {
			t.Errorf("Close with summed %+v: no error", sum)
		}
	}
}

// A repairer with summed lines only gets a statement with G = their sum and no listed line.
func TestSummedOnly(t *testing.T) {
	in := input(oct, repairer(1, sb.VATStandard), repairer(2, sb.VATFranchise))
	in.Summed = []sb.CommissionSum{{RepairerID: 1, Lines: 3, AmountCents: 12500}, {RepairerID: 2, Lines: 1, AmountCents: 6500}}
	b, err := Close(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Statements) != 2 {
		t.Fatalf("%d statements", len(b.Statements))
	}
	r1, r2 := b.Statements[0], b.Statements[1]
	if r1.GrossCents != 12500 || r1.NetHTCents != 12500 || r1.VATCents != 2500 || r1.UnlistedLines != 3 || r1.Commissions != nil || r1.CommissionCount() != 3 {
		t.Errorf("R1: %+v", r1)
	}
	if r2.GrossCents != 6500 || r2.NetTTCCents != 6500 || r2.UnlistedLines != 1 {
		t.Errorf("R2: %+v", r2)
	}
	want := &sb.SummedLines{End: in.End, LateBefore: in.Start, Lines: 4, AmountCents: 19000}
	if diff := cmp.Diff(want, b.Summed); diff != "" {
		t.Errorf("Summed (-want +got):\n%s", diff)
	}
	in.LastClosed = sb.Period{} // the first close: nothing is late
	if b, err = Close(in); err != nil || !b.Summed.LateBefore.IsZero() {
		t.Errorf("first close: Summed %+v, %v", b.Summed, err)
	}
}
