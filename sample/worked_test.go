package sample

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	sb "savbilling"
)

func TestWorkedExample(t *testing.T) {
	src := WorkedExample()
	if !cmp.Equal(src, WorkedExample()) {
		t.Fatal("WorkedExample is not deterministic")
	}
	oct := sb.MustPeriod("2026-10")
	reps := map[int64]sb.Repairer{}
	for _, r := range src.Repairers {
		reps[r.ID] = r
	}
	if r := reps[1]; len(reps) != 2 || r.VATRegime != sb.VATStandard || !r.Active || r.VATNumber == "" || r.DeductibleCents != nil {
		t.Errorf("R1: %+v", r)
	}
	if r := reps[2]; r.VATRegime != sb.VATFranchise || !r.Active || r.VATNumber != "" {
		t.Errorf("R2: %+v", r)
	}
	ivs := map[int64]sb.Intervention{}
	var opIDs []int64
	for _, iv := range src.Interventions {
		ivs[iv.ID] = iv
		for _, o := range iv.Operations {
			opIDs = append(opIDs, o.ID)
			if o.InterventionID != iv.ID || o.CommissionCents >= o.PriceCents {
				t.Errorf("operation %+v", o)
			}
		}
	}
	slices.Sort(opIDs)
	if !slices.Equal(opIDs, []int64{1001, 1002, 1003, 1004, 1005, 1006, 1007}) {
		t.Errorf("operation ids %v", opIDs)
	}
	commission := func(iv sb.Intervention) (sum int64) {
		for _, o := range iv.Operations {
			sum += o.CommissionCents
		}
		return sum
	}
	// G per repairer for October, as the October close books it after September's.
	g := map[int64]int64{}
	for _, iv := range src.Interventions {
		if iv.Status == sb.StatusClosed && sb.PeriodOf(iv.ClosedAt, sb.Paris) == oct {
			g[iv.RepairerID] += commission(iv)
		}
	}
	orig := ivs[90]
	if orig.RepairerID != 1 || commission(orig) != 5000 || !orig.ClosedAt.Equal(time.Date(2026, 9, 20, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("intervention 90: %+v", orig)
	}
	for id, want := range map[int64]int64{101: 4000, 102: 5500, 103: 3000} {
		if iv := ivs[id]; iv.RepairerID != 1 || iv.Kind != sb.KindStandard || commission(iv) != want {
			t.Errorf("intervention %d: %+v", id, iv)
		}
	}
	sav := ivs[201]
	if sav.Kind != sb.KindSAV || sav.OriginalID != 90 || sav.RepairerID != 2 ||
		sb.DayIn(sav.ClosedAt, sb.Paris) != sb.Date(2026, 10, 12) {
		t.Errorf("SAV 201: %+v", sav)
	}
	var related, unrelated []int64
	for _, o := range sav.Operations {
		if o.SAVRelated {
			related = append(related, o.CommissionCents)
		} else {
			unrelated = append(unrelated, o.CommissionCents)
		}
	}
	if !slices.Equal(related, []int64{3500, 1000}) || !slices.Equal(unrelated, []int64{2000}) {
		t.Errorf("SAV 201 operations: related %v, unrelated %v", related, unrelated)
	}
	if len(src.Decisions) != 1 {
		t.Fatalf("decisions: %+v", src.Decisions)
	}
	d := src.Decisions[0]
	if d.SAVID != 201 || d.Outcome != sb.OutcomeConfirmed || d.DamageCents != 0 || d.ChargeBP != 0 ||
		d.FaultyRepairerID != 0 || sb.DayIn(d.DecidedAt, sb.Paris) != sb.Date(2026, 10, 12) {
		t.Errorf("decision: %+v", d)
	}
	if len(src.Credits)+len(src.Overrides) != 0 {
		t.Errorf("credits %v, overrides %v", src.Credits, src.Overrides)
	}

	// The rulebook's figures, to the cent.
	c := corrective(sav)
	d1 := c
	net1 := g[1] - d1
	vat1 := share(net1, 2000)
	if g[1] != 12500 || d1 != 4500 || net1 != 8000 || vat1 != 1600 || net1+vat1 != 9600 {
		t.Errorf("R1: G %d, D %d, net HT %d, VAT %d", g[1], d1, net1, vat1)
	}
	if g[2] != 6500 {
		t.Errorf("R2: G %d, want 6500", g[2])
	}
	if got := share(c, 3333); got != 1500 {
		t.Errorf("partial 3333: %d, want 1500", got)
	}
	// With a 300,00 € damage on the umbrella policy (rules v2): the invoice is unchanged (80,00 /
	// 16,00 / 96,00); M = the deductible 200,00, set off after VAT; claim 100,00; Om = 104,00,
	// spread over min(3, ceil(104/50)) = 3 months: 34,67, 34,67, 34,66.
	damage, umbrella := int64(30000), sb.DefaultRules().UmbrellaDeductibleCents
	m := min(damage, umbrella)
	om := m - (net1 + vat1)
	if m != 20000 || damage-umbrella != 10000 || om != 10400 || (om+4999)/5000 != 3 ||
		om/3+1 != 3467 || om-2*(om/3+1) != 3466 {
		t.Errorf("damage case: M %d, claim %d, Om %d", m, damage-umbrella, om)
	}
}

func TestHelpers(t *testing.T) {
	for _, c := range []struct {
		amount, bp, want int64
	}{{4500, 3333, 1500}, {4500, 5000, 2250}, {5, 5000, 3}, {-5, 5000, -3}, {100, 10000, 100}, {6300, 3333, 2100}} {
		if got := share(c.amount, c.bp); got != c.want {
			t.Errorf("share(%d, %d) = %d, want %d", c.amount, c.bp, got, c.want)
		}
	}
	if got := eur(163100); got != "1 631,00 €" {
		t.Errorf("eur = %q", got)
	}
	if got := eur(-4000); got != "-40,00 €" {
		t.Errorf("eur = %q", got)
	}
	if got := slug("Cœur de Vélo"); got != "coeur.de.velo" {
		t.Errorf("slug = %q", got)
	}
	if s := siret(12345678); len(s) != 14 || !luhn(s) || !luhn(s[:9]) {
		t.Errorf("siret = %q", s)
	}
}
