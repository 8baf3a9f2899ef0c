package sample

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	sb "savbilling"
)

type emitted struct {
	Period sb.Period
	Source sb.Source
}

func collect(t testing.TB, opts Options) []emitted {
	t.Helper()
	var out []emitted
	err := Network(opts, func(p sb.Period, src sb.Source) error {
		out = append(out, emitted{p, src})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestNetworkDeterministic(t *testing.T) {
	opts := Options{Repairers: 40, Interventions: 600, Months: 2, Seed: 42, Last: sb.MustPeriod("2026-02")}
	a, b := collect(t, opts), collect(t, opts)
	if !cmp.Equal(a, b) {
		t.Fatalf("Network is not deterministic: %s", cmp.Diff(a, b))
	}
	opts.Seed = 43
	c := collect(t, opts)
	if cmp.Equal(a[0].Source.Repairers, c[0].Source.Repairers) || cmp.Equal(a[1].Source.Interventions[:10], c[1].Source.Interventions[:10]) {
		t.Errorf("seeds 42 and 43 give the same network")
	}
}

func TestNetworkOptions(t *testing.T) {
	last := sb.MustPeriod("2026-02")
	for _, o := range []Options{
		{Repairers: 1, Interventions: 10, Months: 1, Last: last},
		{Repairers: 10, Interventions: -1, Months: 1, Last: last},
		{Repairers: 10, Interventions: 10, Months: 0, Last: last},
		{Repairers: 10, Interventions: 10, Months: 1},
	} {
		if err := Network(o, func(sb.Period, sb.Source) error { return nil }); err == nil {
			t.Errorf("Network(%+v) accepted", o)
		}
	}
	stop := errors.New("stop")
	calls := 0
	err := Network(Options{Repairers: 10, Interventions: 10, Months: 3, Last: last}, func(sb.Period, sb.Source) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("emit's error: %v after %d calls", err, calls)
	}
}

// TestNetwork checks counts, ids, references, timestamps and the mix of a small network.
func TestNetwork(t *testing.T) {
	const repairers, perMonth, months = 300, 20000, 3
	last := sb.MustPeriod("2026-01") // the months cross a year end
	out := collect(t, Options{Repairers: repairers, Interventions: perMonth, Months: months, Seed: 7, Last: last})
	if len(out) != months {
		t.Fatalf("%d calls, want %d", len(out), months)
	}
	reps := map[int64]sb.Repairer{}
	for _, r := range out[0].Source.Repairers {
		reps[r.ID] = r
	}
	if len(reps) != repairers {
		t.Fatalf("%d repairers, want %d", len(reps), repairers)
	}
	var inactive int
	for id := range int64(repairers) {
		r := reps[id+1]
		if r.ID != id+1 || len(r.SIRET) != 14 || !luhn(r.SIRET) || r.Name == "" || r.Address == "" {
			t.Errorf("repairer %d: %+v", id+1, r)
		}
		if (r.VATRegime == sb.VATStandard) != (r.VATNumber != "") {
			t.Errorf("repairer %d: regime %s, VAT number %q", r.ID, r.VATRegime, r.VATNumber)
		}
		if !r.Active {
			inactive++
		}
	}
	if inactive == 0 || inactive > repairers/20 {
		t.Errorf("%d inactive repairers", inactive)
	}

	ivs := map[int64]sb.Intervention{}
	ops := map[int64]bool{}
	outcomes := map[string]int{}
	var sav, pending, damage, late, negative, missing, open, cancelled, decisions int
	for m, e := range out {
		if want := last.AddMonths(m - months + 1); e.Period != want {
			t.Errorf("call %d: period %v, want %v", m, e.Period, want)
		}
		if m > 0 && len(e.Source.Repairers) > 0 {
			t.Errorf("call %d: repairers again", m)
		}
		if n := len(e.Source.Interventions); n != perMonth {
			t.Errorf("%v: %d interventions, want %d", e.Period, n, perMonth)
		}
		decided := map[int64]bool{}
		for _, d := range e.Source.Decisions {
			decided[d.SAVID] = true
		}
		for i, iv := range e.Source.Interventions {
			if want := int64(1 + m*perMonth + i); iv.ID != want {
				t.Fatalf("intervention %d: id %d", want, iv.ID)
			}
			ivs[iv.ID] = iv
			if n := len(iv.Operations); n < 1 || n > 4 {
				t.Errorf("intervention %d: %d operations", iv.ID, n)
			}
			if _, ok := reps[iv.RepairerID]; !ok || !reps[iv.RepairerID].Active {
				t.Errorf("intervention %d: repairer %d unknown or inactive", iv.ID, iv.RepairerID)
			}
			for _, o := range iv.Operations {
				if ops[o.ID] || o.InterventionID != iv.ID || o.PriceCents <= 0 {
					t.Errorf("operation %+v", o)
				}
				ops[o.ID] = true
				if o.CommissionCents < 0 {
					negative++
				}
			}
			switch iv.Status {
			case sb.StatusOpen:
				open++
			case sb.StatusCancelled:
				cancelled++
			}
			if iv.ClosedAt.IsZero() != (iv.Status != sb.StatusClosed) {
				t.Errorf("intervention %d: %s at %v", iv.ID, iv.Status, iv.ClosedAt)
			}
			if !iv.ClosedAt.IsZero() {
				in := sb.PeriodOf(iv.ClosedAt, sb.Paris)
				switch {
				case in == e.Period:
				case in == e.Period.Prev() && m > 0 && iv.Kind == sb.KindStandard:
					late++
				default:
					t.Errorf("intervention %d of %v closed at %v", iv.ID, e.Period, iv.ClosedAt)
				}
			}
			if iv.Kind != sb.KindSAV {
				continue
			}
			sav++
			if !decided[iv.ID] {
				pending++
			}
			orig, ok := ivs[iv.OriginalID]
			if !ok {
				missing++
				if iv.OriginalID <= int64(months*perMonth) {
					t.Errorf("SAV %d: original %d should exist", iv.ID, iv.OriginalID)
				}
				continue
			}
			if orig.Status != sb.StatusClosed || orig.Kind != sb.KindStandard ||
				!orig.ClosedAt.Before(iv.ClosedAt) || orig.RepairerID == iv.RepairerID || orig.CustomerID != iv.CustomerID {
				t.Errorf("SAV %d: original %+v", iv.ID, orig)
			}
			for _, o := range orig.Operations {
				if o.CommissionCents < 0 {
					t.Errorf("SAV %d: original %d is an anomaly", iv.ID, orig.ID)
				}
			}
		}
		credits := map[int64]int64{}
		for _, c := range e.Source.Credits {
			credits[c.InterventionID] += c.AmountCents
			if c.ID != c.InterventionID || !decided[c.InterventionID] || sb.PeriodOf(c.GrantedAt, sb.Paris) != e.Period {
				t.Errorf("credit %+v", c)
			}
		}
		for _, d := range e.Source.Decisions {
			decisions++
			iv := ivs[d.SAVID]
			outcomes[d.Outcome]++
			if d.DamageCents > 0 {
				damage++
			}
			if iv.Kind != sb.KindSAV || !d.DecidedAt.Before(iv.ClosedAt) ||
				sb.PeriodOf(d.DecidedAt, sb.Paris) != e.Period {
				t.Errorf("decision %+v on %+v", d, iv.ID)
			}
			var related int64
			for _, o := range iv.Operations {
				if o.SAVRelated {
					related += o.PriceCents
				}
			}
			switch c := credits[d.SAVID]; d.Outcome {
			case sb.OutcomeConfirmed:
				if c != related {
					t.Errorf("SAV %d confirmed: credit %d, related price %d", d.SAVID, c, related)
				}
			case sb.OutcomePartial:
				if d.ChargeBP < 1 || d.ChargeBP > 9999 || c > related {
					t.Errorf("SAV %d partial %d: credit %d", d.SAVID, d.ChargeBP, c)
				}
			case sb.OutcomeUnconfirmed:
				if c != 400 || d.DamageCents != 0 {
					t.Errorf("SAV %d unconfirmed: credit %d, damage %d", d.SAVID, c, d.DamageCents)
				}
			case sb.OutcomeRejected:
				if c == 0 || c > related || d.DamageCents != 0 {
					t.Errorf("SAV %d rejected: credit %d, damage %d", d.SAVID, c, d.DamageCents)
				}
			default:
				t.Errorf("SAV %d: outcome %q", d.SAVID, d.Outcome)
			}
		}
	}
	total := months * perMonth
	t.Logf("%d SAV (%d pending, %d missing originals, %d with damage), outcomes %v, %d late, %d negative, %d open, %d cancelled",
		sav, pending, missing, damage, outcomes, late, negative, open, cancelled)
	between := func(name string, got int, lo, hi float64) {
		t.Helper()
		if float64(got) < lo || float64(got) > hi {
			t.Errorf("%s: %d, want in [%.0f, %.0f]", name, got, lo, hi)
		}
	}
	between("SAV", sav, 0.025*float64(total), 0.035*float64(total))
	between("confirmed", outcomes[sb.OutcomeConfirmed], 0.35*float64(decisions), 0.45*float64(decisions))
	between("partial", outcomes[sb.OutcomePartial], 0.16*float64(decisions), 0.24*float64(decisions))
	between("unconfirmed", outcomes[sb.OutcomeUnconfirmed], 0.20*float64(decisions), 0.30*float64(decisions))
	between("rejected", outcomes[sb.OutcomeRejected], 0.11*float64(decisions), 0.19*float64(decisions))
	between("damage", damage, 0.02*float64(sav), 0.08*float64(sav))
	between("pending", pending, 1, 0.03*float64(sav))
	between("late", late, 0.0005*float64(total*(months-1)/months), 0.002*float64(total))
	between("open", open, 1, 0.01*float64(total))
	between("cancelled", cancelled, 1, 0.01*float64(total))
	between("negative commissions", negative, 1, 0.001*float64(total))
	between("missing originals", missing, 1, 0.001*float64(total))
}

func TestNetworkTimes(t *testing.T) {
	// Short months and both DST changes: every close is inside its Paris month.
	for _, last := range []string{"2026-03", "2026-10", "2028-02"} {
		for _, e := range collect(t, Options{Repairers: 5, Interventions: 2000, Months: 1, Seed: 1, Last: sb.MustPeriod(last)}) {
			start, end := e.Period.Start(sb.Paris), e.Period.End(sb.Paris)
			var prev time.Time
			for _, iv := range e.Source.Interventions {
				if iv.ClosedAt.IsZero() {
					continue
				}
				if iv.ClosedAt.Before(start) || !iv.ClosedAt.Before(end) || iv.ClosedAt.Before(prev) {
					t.Errorf("%v: intervention %d at %v (previous %v)", e.Period, iv.ID, iv.ClosedAt, prev)
				}
				prev = iv.ClosedAt
			}
			if prev.Before(end.Add(-4 * 24 * time.Hour)) {
				t.Errorf("%v: the month's interventions end at %v", e.Period, prev)
			}
		}
	}
}

func BenchmarkNetwork(b *testing.B) {
	opts := Options{Repairers: 2000, Interventions: 100000, Months: 1, Seed: 1, Last: sb.MustPeriod("2026-10")}
	for b.Loop() {
		var n int
		if err := Network(opts, func(_ sb.Period, src sb.Source) error {
			n += len(src.Interventions)
			return nil
		}); err != nil || n != opts.Interventions {
			b.Fatal(err, n)
		}
	}
}
