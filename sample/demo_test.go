package sample

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	sb "savbilling"
)

var demoFirst = sb.MustPeriod("2026-01")

// world indexes the demo's rows across its steps.
type world struct {
	steps   []Step
	ivs     map[int64]sb.Intervention
	ivStep  map[int64]int
	decs    map[int64]sb.Decision // as inserted
	decStep map[int64]int
	credits map[int64][]sb.Credit // by intervention
	reps    map[int64]sb.Repairer
}

func index(t *testing.T, steps []Step) *world {
	t.Helper()
	w := &world{steps: steps, ivs: map[int64]sb.Intervention{}, ivStep: map[int64]int{},
		decs: map[int64]sb.Decision{}, decStep: map[int64]int{}, credits: map[int64][]sb.Credit{},
		reps: map[int64]sb.Repairer{}}
	for k, s := range steps {
		for _, r := range s.Insert.Repairers {
			w.reps[r.ID] = r
		}
		for _, iv := range s.Insert.Interventions {
			w.ivs[iv.ID], w.ivStep[iv.ID] = iv, k
		}
		for _, d := range s.Insert.Decisions {
			w.decs[d.SAVID], w.decStep[d.SAVID] = d, k
		}
		for _, c := range s.Insert.Credits {
			w.credits[c.InterventionID] = append(w.credits[c.InterventionID], c)
		}
	}
	return w
}

func TestDemoDeterministic(t *testing.T) {
	a, b := Demo(demoFirst), Demo(demoFirst)
	if !cmp.Equal(a, b) {
		t.Fatalf("Demo is not deterministic: %s", cmp.Diff(a, b))
	}
	// Another first month moves the dates, not the ids nor the amounts.
	c := Demo(sb.MustPeriod("2027-11"))
	for k := range a {
		if c[k].Period != sb.MustPeriod("2027-11").AddMonths(k) {
			t.Errorf("step %d: period %v", k, c[k].Period)
		}
		strip := func(s sb.Source) sb.Source {
			s.Interventions = slices.Clone(s.Interventions)
			for i := range s.Interventions {
				s.Interventions[i].ClosedAt = time.Time{}
			}
			s.Decisions = slices.Clone(s.Decisions)
			for i := range s.Decisions {
				s.Decisions[i].DecidedAt = time.Time{}
			}
			s.Credits = slices.Clone(s.Credits)
			for i := range s.Credits {
				s.Credits[i].GrantedAt = time.Time{}
			}
			s.Overrides = nil
			return s
		}
		if d := cmp.Diff(strip(a[k].Insert), strip(c[k].Insert)); d != "" {
			t.Errorf("step %d: rows depend on the first month beyond dates: %s", k, d)
		}
	}
}

func TestDemoShape(t *testing.T) {
	steps := Demo(demoFirst)
	if len(steps) != 3 {
		t.Fatalf("%d steps, want 3", len(steps))
	}
	for k, s := range steps {
		if s.Period != demoFirst.AddMonths(k) {
			t.Errorf("step %d: period %v", k, s.Period)
		}
		if len(s.Story) < 5 {
			t.Errorf("step %d: %d story lines", k, len(s.Story))
		}
		if k > 0 && len(s.Insert.Repairers) > 0 {
			t.Errorf("step %d inserts repairers", k)
		}
		standard := 0
		for _, iv := range s.Insert.Interventions {
			if iv.Kind == sb.KindStandard && iv.Status == sb.StatusClosed {
				standard++
			}
		}
		if standard < 200 || standard > 500 {
			t.Errorf("step %d: %d standard interventions, want a few hundred", k, standard)
		}
	}
}

func TestDemoIDsUnique(t *testing.T) {
	steps := Demo(demoFirst)
	ivs, ops, credits, decs := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}, map[int64]bool{}
	overrides := map[string]bool{}
	for k, s := range steps {
		for _, iv := range s.Insert.Interventions {
			if ivs[iv.ID] || iv.ID < 1000 {
				t.Errorf("step %d: intervention id %d repeated or below 1000", k, iv.ID)
			}
			ivs[iv.ID] = true
			if n := len(iv.Operations); n < 1 || n > 4 {
				t.Errorf("intervention %d: %d operations", iv.ID, n)
			}
			for _, o := range iv.Operations {
				if ops[o.ID] || o.ID < 100000 || o.InterventionID != iv.ID {
					t.Errorf("operation %d repeated, below 100000 or misattached", o.ID)
				}
				ops[o.ID] = true
				if o.CommissionCents >= o.PriceCents && o.CommissionCents > 0 {
					t.Errorf("operation %d: commission %d ≥ price %d", o.ID, o.CommissionCents, o.PriceCents)
				}
			}
		}
		for _, c := range s.Insert.Credits {
			if credits[c.ID] || c.ID < 1 {
				t.Errorf("credit id %d repeated", c.ID)
			}
			credits[c.ID] = true
			if !ivs[c.InterventionID] {
				t.Errorf("credit %d on an intervention not yet inserted: %d", c.ID, c.InterventionID)
			}
		}
		for _, d := range s.Insert.Decisions {
			if decs[d.SAVID] {
				t.Errorf("decision on %d inserted twice", d.SAVID)
			}
			decs[d.SAVID] = true
		}
		for _, d := range s.Update {
			if !decs[d.SAVID] || slices.ContainsFunc(s.Insert.Decisions, func(x sb.Decision) bool { return x.SAVID == d.SAVID }) {
				t.Errorf("step %d updates decision %d, which no earlier step inserted", k, d.SAVID)
			}
		}
		for _, o := range s.Insert.Overrides {
			key := fmt.Sprint(o.Period, "/", o.RepairerID)
			if overrides[key] {
				t.Errorf("override repeated: %+v", o)
			}
			overrides[key] = true
		}
	}
	if n := len(credits); n < 10 {
		t.Errorf("only %d credits", n)
	}
	for id := range int64(len(credits)) {
		if !credits[id+1] {
			t.Errorf("credit ids not 1..%d: %d missing", len(credits), id+1)
		}
	}
}

func TestDemoTimestamps(t *testing.T) {
	steps := Demo(demoFirst)
	// The two rows that do not belong to their step's month, on purpose.
	exceptions := map[int64]sb.Period{
		1000: demoFirst.AddMonths(-4), // the original of SAV 1022, outside the claim window
		1050: demoFirst,               // the late arrival, inserted in step 2
	}
	check := func(k int, what string, id int64, ts time.Time, want sb.Period) {
		t.Helper()
		if ts.Location() != time.UTC {
			t.Errorf("%s %d: %v not in UTC", what, id, ts)
		}
		if ts.Before(want.Start(sb.Paris)) || !ts.Before(want.End(sb.Paris)) ||
			sb.PeriodOf(ts, sb.Paris) != want || sb.PeriodOf(ts, time.UTC) != want {
			t.Errorf("step %d: %s %d at %v is not inside %v in Europe/Paris", k+1, what, id, ts, want)
		}
	}
	for k, s := range steps {
		for _, iv := range s.Insert.Interventions {
			if (iv.Status == sb.StatusClosed) == iv.ClosedAt.IsZero() {
				t.Errorf("intervention %d: status %s, closed_at %v", iv.ID, iv.Status, iv.ClosedAt)
			}
			if iv.ClosedAt.IsZero() {
				continue
			}
			want, ok := exceptions[iv.ID]
			if !ok {
				want = s.Period
			}
			check(k, "intervention", iv.ID, iv.ClosedAt, want)
		}
		for _, d := range append(slices.Clone(s.Insert.Decisions), s.Update...) {
			check(k, "decision", d.SAVID, d.DecidedAt, s.Period)
		}
		for _, c := range s.Insert.Credits {
			check(k, "credit", c.ID, c.GrantedAt, s.Period)
		}
		for _, o := range s.Insert.Overrides {
			if o.Period != s.Period.String() {
				t.Errorf("override %+v in step %d", o, k+1)
			}
		}
	}
}

func luhn(s string) bool {
	sum := 0
	for i := range len(s) {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func TestDemoRepairers(t *testing.T) {
	w := index(t, Demo(demoFirst))
	if len(w.reps) != len(demoNetwork) || len(demoNetwork) != 32 {
		t.Fatalf("%d repairers, want 32", len(w.reps))
	}
	cities := map[string]bool{}
	var inactive, own, franchise int
	var accents, oe bool
	for id := range int64(32) {
		r, ok := w.reps[id+1]
		if !ok {
			t.Fatalf("repairer %d missing", id+1)
		}
		cities[demoNetwork[id].city] = true
		if !r.Active {
			inactive++
		}
		if r.DeductibleCents != nil {
			own++
		}
		accents = accents || strings.ContainsAny(r.Name, "éèëïçÉ")
		oe = oe || strings.ContainsAny(r.Name, "œŒ")
		if len(r.SIRET) != 14 || !luhn(r.SIRET) || !luhn(r.SIRET[:9]) {
			t.Errorf("repairer %d: SIRET %q is not a valid 14-digit SIRET", r.ID, r.SIRET)
		}
		switch r.VATRegime {
		case sb.VATFranchise:
			franchise++
			if r.VATNumber != "" {
				t.Errorf("franchise repairer %d has a VAT number", r.ID)
			}
		case sb.VATStandard:
			if len(r.VATNumber) != 13 || r.VATNumber[:2] != "FR" || r.VATNumber[4:] != r.SIRET[:9] {
				t.Errorf("repairer %d: VAT number %q", r.ID, r.VATNumber)
			}
		default:
			t.Errorf("repairer %d: regime %q", r.ID, r.VATRegime)
		}
		if !utf8.ValidString(r.Name) || r.Address == "" || !strings.HasSuffix(r.Email, "@example.com") {
			t.Errorf("repairer %d: %+v", r.ID, r)
		}
	}
	if inactive != 1 || own < 2 || franchise < 5 || franchise > 20 || len(cities) < 7 || !accents || !oe {
		t.Errorf("network: %d inactive, %d own deductibles, %d franchise, %d cities, accents %v, œ %v",
			inactive, own, franchise, len(cities), accents, oe)
	}
	// FR12 345678901-style key: (12 + 3 × (SIREN mod 97)) mod 97.
	if got := vatNumber("40483304800022"); got != "FR83404833048" {
		t.Errorf("vatNumber = %s", got)
	}
}

// TestDemoCases looks in the generated rows for every case the demo must show.
func TestDemoCases(t *testing.T) {
	steps := Demo(demoFirst)
	w := index(t, steps)
	sav := func(id int64) sb.Intervention {
		t.Helper()
		iv, ok := w.ivs[id]
		if !ok || iv.Kind != sb.KindSAV || iv.Status != sb.StatusClosed {
			t.Fatalf("SAV %d missing or not a closed SAV: %+v", id, iv)
		}
		return iv
	}
	ded := func(r int64) int64 {
		if d := w.reps[r].DeductibleCents; d != nil {
			return *d
		}
		return 20000
	}
	creditSum := func(id int64) int64 {
		var s int64
		for _, c := range w.credits[id] {
			s += c.AmountCents
		}
		return s
	}

	// Every SAV but 1023 points at an earlier closed intervention, of another repairer but
	// for the self-SAV 2013, with the same customer.
	outcomes := map[string]int{}
	var self, unrelated int
	for id, iv := range w.ivs {
		if iv.Kind != sb.KindSAV {
			continue
		}
		if d, ok := w.decs[id]; ok {
			outcomes[d.Outcome]++
		}
		if slices.ContainsFunc(iv.Operations, func(o sb.Operation) bool { return !o.SAVRelated }) {
			unrelated++
		}
		orig, ok := w.ivs[iv.OriginalID]
		if !ok {
			if id != 1023 {
				t.Errorf("SAV %d: original %d missing", id, iv.OriginalID)
			}
			continue
		}
		if orig.Status != sb.StatusClosed || !orig.ClosedAt.Before(iv.ClosedAt) || orig.CustomerID != iv.CustomerID {
			t.Errorf("SAV %d: original %d not closed before it for the same customer", id, orig.ID)
		}
		if orig.RepairerID == iv.RepairerID {
			self++
			if id != 2013 {
				t.Errorf("SAV %d is a self-SAV", id)
			}
		}
	}
	for _, o := range []string{sb.OutcomeConfirmed, sb.OutcomePartial, sb.OutcomeUnconfirmed, sb.OutcomeRejected} {
		if outcomes[o] == 0 {
			t.Errorf("no %s decision", o)
		}
	}
	if self != 1 || unrelated < 3 {
		t.Errorf("%d self-SAVs, %d SAVs with unrelated work", self, unrelated)
	}

	if d := w.decs[1011]; d.Outcome != sb.OutcomePartial || d.ChargeBP != 5000 {
		t.Errorf("1011: %+v, want partial 5000", d)
	}
	if d := w.decs[2011]; d.Outcome != sb.OutcomePartial || d.ChargeBP != 3333 {
		t.Errorf("2011: %+v, want partial 3333", d)
	}
	if d := w.decs[1012]; d.Outcome != sb.OutcomeUnconfirmed || creditSum(1012) != 400 {
		t.Errorf("1012: %+v credit %d, want unconfirmed with 4,00 €", d, creditSum(1012))
	}
	if d := w.decs[2014]; d.Outcome != sb.OutcomeRejected || creditSum(2014) != travelPrice(sav(2014)) || creditSum(2014) == 0 {
		t.Errorf("2014: %+v credit %d, want rejected with the travel fee credited", d, creditSum(2014))
	}
	if d := w.decs[3012]; d.Outcome != sb.OutcomeUnconfirmed || creditSum(3012) >= 400 {
		t.Errorf("3012: %+v credit %d, want unconfirmed with less than 4,00 €", d, creditSum(3012))
	}
	// faulty repairer set explicitly to someone else than the original's repairer
	if d, iv := w.decs[2012], sav(2012); d.FaultyRepairerID == 0 || d.FaultyRepairerID == w.ivs[iv.OriginalID].RepairerID {
		t.Errorf("2012: faulty %d, original repairer %d", d.FaultyRepairerID, w.ivs[iv.OriginalID].RepairerID)
	}
	// damage within the umbrella deductible, above it, above an own deductible
	fault := func(id int64) int64 { return w.ivs[sav(id).OriginalID].RepairerID }
	if d := w.decs[1013]; d.DamageCents == 0 || d.DamageCents > 20000 || w.reps[fault(1013)].DeductibleCents != nil {
		t.Errorf("1013: damage %d on repairer %d, want within the umbrella deductible", d.DamageCents, fault(1013))
	}
	if d := w.decs[2015]; d.DamageCents != 50000 || w.reps[fault(2015)].DeductibleCents != nil {
		t.Errorf("2015: damage %d, want 500,00 € on the umbrella policy", d.DamageCents)
	}
	if d := w.decs[3011]; w.reps[fault(3011)].DeductibleCents == nil || d.DamageCents <= ded(fault(3011)) {
		t.Errorf("3011: damage %d on repairer %d, want above an own deductible", d.DamageCents, fault(3011))
	}
	// the inactive repairer is charged
	if w.reps[fault(1021)].Active {
		t.Errorf("1021: repairer %d is active", fault(1021))
	}
	// late arrival: closed in the first month, inserted in the second
	if iv := w.ivs[1050]; w.ivStep[1050] != 1 || sb.PeriodOf(iv.ClosedAt, sb.Paris) != demoFirst {
		t.Errorf("1050 is not a late arrival: step %d, %v", w.ivStep[1050], iv.ClosedAt)
	}
	// pending in step 1, decided in step 2
	if w.ivStep[1060] != 0 || w.decStep[1060] != 1 || sb.PeriodOf(w.decs[1060].DecidedAt, sb.Paris) != demoFirst.Next() {
		t.Errorf("1060: inserted in step %d, decided in step %d", w.ivStep[1060]+1, w.decStep[1060]+1)
	}
	if _, ok := w.decs[3013]; !ok {
		sav(3013)
	} else {
		t.Errorf("3013 has a decision")
	}
	// decisions changed after their charge
	updated := map[int64]sb.Decision{}
	for k, s := range steps {
		for _, d := range s.Update {
			updated[d.SAVID] = d
			if w.decStep[d.SAVID] >= k {
				t.Errorf("update of %d in step %d, inserted in step %d", d.SAVID, k+1, w.decStep[d.SAVID]+1)
			}
		}
	}
	if u, d := updated[2010], w.decs[2010]; d.Outcome != sb.OutcomeConfirmed || u.Outcome != sb.OutcomePartial || u.ChargeBP != 5000 {
		t.Errorf("2010: %+v then %+v", d, u)
	}
	if u, d := updated[1010], w.decs[1010]; d.DamageCents != 0 || u.DamageCents == 0 {
		t.Errorf("1010: %+v then %+v, want damage added", d, u)
	}
	if u, d := updated[2016], w.decs[2016]; d.ChargeBP <= 9999 || u.ChargeBP < 1 || u.ChargeBP > 9999 {
		t.Errorf("2016: share %d then %d, want out of range then fixed", d.ChargeBP, u.ChargeBP)
	}
	// anomalies
	if _, ok := w.ivs[sav(1023).OriginalID]; ok {
		t.Errorf("1023's original exists")
	}
	var negative []int64
	for _, iv := range w.ivs {
		for _, o := range iv.Operations {
			if o.CommissionCents < 0 {
				negative = append(negative, iv.ID)
			}
		}
	}
	if !slices.Equal(negative, []int64{1080}) {
		t.Errorf("negative commissions on %v, want [1080]", negative)
	}
	var stray []int64
	for id := range w.decs {
		if w.ivs[id].Kind != sb.KindSAV {
			stray = append(stray, id)
		}
	}
	if !slices.Equal(stray, []int64{1081}) {
		t.Errorf("decisions on non-SAV interventions: %v, want [1081]", stray)
	}
	// outside the claim window
	if old, iv := w.ivs[1000], sav(1022); iv.OriginalID != 1000 || iv.ClosedAt.Sub(old.ClosedAt) <= 90*24*time.Hour || w.ivStep[1000] != 0 {
		t.Errorf("1022 is not outside the claim window")
	}
	// open and cancelled
	if w.ivs[1090].Status != sb.StatusOpen || w.ivs[1091].Status != sb.StatusCancelled {
		t.Errorf("1090 %s, 1091 %s", w.ivs[1090].Status, w.ivs[1091].Status)
	}
	// override
	want := []sb.Override{{RepairerID: 21, Period: demoFirst.AddMonths(2).String(), Mode: sb.OverrideInvoice}}
	if got := steps[2].Insert.Overrides; !cmp.Equal(got, want) || len(steps[0].Insert.Overrides)+len(steps[1].Insert.Overrides) > 0 {
		t.Errorf("overrides: %+v", got)
	}
}

// ledger is a plain reading of the rules, enough to check the demo's story: per month and
// repairer, the commissions booked (G) and the SAV amounts charged (D).
type ledger struct {
	g, d []map[int64]int64
}

func book(w *world) ledger {
	l := ledger{}
	booked := map[int64]bool{}
	type state struct {
		dec sb.Decision
		by  map[int64]int64
	}
	charged := map[int64]*state{}
	current := maps.Clone(w.decs)
	for k, s := range w.steps {
		g, d := map[int64]int64{}, map[int64]int64{}
		end := s.Period.End(sb.Paris)
		for _, u := range s.Update {
			current[u.SAVID] = u
		}
		ids := slices.Sorted(maps.Keys(w.ivs))
		for _, id := range ids {
			iv := w.ivs[id]
			if w.ivStep[id] > k || iv.Status != sb.StatusClosed || !iv.ClosedAt.Before(end) || booked[id] {
				continue
			}
			var sum int64
			bad := false
			for _, o := range iv.Operations {
				sum += o.CommissionCents
				bad = bad || o.CommissionCents < 0
			}
			if bad {
				continue
			}
			booked[id] = true
			g[iv.RepairerID] += sum
		}
		assess := func(iv sb.Intervention, dec sb.Decision) map[int64]int64 {
			orig, ok := w.ivs[iv.OriginalID]
			if !ok || w.ivStep[orig.ID] > k {
				return nil
			}
			faulty := orig.RepairerID
			if dec.FaultyRepairerID != 0 {
				faulty = dec.FaultyRepairerID
			}
			c := corrective(iv)
			var amount int64
			switch dec.Outcome {
			case sb.OutcomeConfirmed:
				amount = c
			case sb.OutcomePartial:
				if dec.ChargeBP < 1 || dec.ChargeBP > 9999 {
					return nil
				}
				amount = share(c, int64(dec.ChargeBP))
			default:
				return map[int64]int64{}
			}
			deductible := int64(20000)
			if p := w.reps[faulty].DeductibleCents; p != nil {
				deductible = *p
			}
			amount += min(dec.DamageCents, deductible)
			return map[int64]int64{faulty: amount}
		}
		for _, id := range ids {
			iv := w.ivs[id]
			dec, ok := current[id]
			if w.ivStep[id] > k || iv.Kind != sb.KindSAV || !iv.ClosedAt.Before(end) || !ok || !dec.DecidedAt.Before(end) {
				continue
			}
			if st := charged[id]; st != nil {
				if cmp.Equal(st.dec, dec) {
					continue
				}
				now := assess(iv, dec)
				for r, a := range now {
					d[r] += a - st.by[r]
				}
				for r, a := range st.by {
					if _, ok := now[r]; !ok {
						d[r] -= a
					}
				}
				charged[id] = &state{dec, now}
				continue
			}
			if by := assess(iv, dec); by != nil {
				for r, a := range by {
					d[r] += a
				}
				charged[id] = &state{dec, by}
			}
		}
		l.g, l.d = append(l.g, g), append(l.d, d)
	}
	return l
}

func (l ledger) overflows() []map[int64]int64 {
	var out []map[int64]int64
	for k := range l.g {
		o := map[int64]int64{}
		for r, d := range l.d[k] {
			if d > l.g[k][r] {
				o[r] = d - l.g[k][r]
			}
		}
		out = append(out, o)
	}
	return out
}

// TestDemoStory checks the amounts the story promises: who overflows, by how much, and the
// charges of the notable cases.
func TestDemoStory(t *testing.T) {
	w := index(t, Demo(demoFirst))
	l := book(w)
	want := []map[int64]int64{
		{3: 9000, 30: 2500},                         // R3 spread (≤ 1 500 €, 2 × 45,00), R30 inactive: invoiced
		{12: 163100, 21: 6400, 30: 11500, 31: 5800}, // R12 above 1 500 €: invoiced; R21 spread in two parts; R30 inactive; R31 reductions spread
		{21: 3500}, // R21: override invoice
	}
	if got := l.overflows(); !cmp.Equal(got, want) {
		t.Errorf("overflows %v, want %v", got, want)
	}
	checks := []struct {
		name        string
		month       int
		repairer    int64
		g           bool // G rather than D
		amountCents int64
	}{
		{"R3 G month 1", 0, 3, true, 6000},
		{"R3 G month 2 (less than the 45,00 € installment)", 1, 3, true, 2500},
		{"R3 G month 3 (pays the remaining 65,00 €)", 2, 3, true, 12300},
		{"R3 D month 1", 0, 3, false, 15000},
		{"R30 G month 1", 0, 30, true, 4000},
		{"R12 G month 2", 1, 12, true, 8000},
		{"R12 D month 2", 1, 12, false, 171100},
		{"R21 D month 3", 2, 21, false, 8500},
		{"R1 D month 1 (1010 confirmed)", 0, 1, false, 5700},
		{"R1 D month 2 (1010 damage added)", 1, 1, false, 6000},
		{"R4 D month 1 (1011 partial 50 %)", 0, 4, false, 2000},
		{"R7 D month 1 (1012 unconfirmed)", 0, 7, false, 0},
		{"R14 D month 1 (1013 + 120,00 € settlement)", 0, 14, false, 5900 + 12000},
		{"R20 D month 1 (1022 out of window)", 0, 20, false, 6600},
		{"R17 D month 2 (1060 decided late)", 1, 17, false, 4300},
		{"R29 D month 2 (2010 confirmed)", 1, 29, false, 8000},
		{"R29 D month 3 (2010 refund)", 2, 29, false, -4000},
		{"R11 D month 2 (2011 partial 33,33 %)", 1, 11, false, 1500},
		{"R9 D month 2 (2012 faulty set)", 1, 9, false, 8700},
		{"R8 D month 2 (not faulty)", 1, 8, false, 0},
		{"R10 D month 2 (self-SAV)", 1, 10, false, 3100},
		{"R16 D month 2 (2014 rejected)", 1, 16, false, 0},
		{"R25 D month 2 (2015 + deductible 200,00 €)", 1, 25, false, 7400 + 20000},
		{"R27 D month 2 (2016 share out of range)", 1, 27, false, 0},
		{"R27 D month 3 (2016 fixed at 75 %)", 2, 27, false, 4200},
		{"R6 D month 3 (3011 + own deductible 150,00 €)", 2, 6, false, 6000 + 15000},
		{"R30 D month 2 (2022 + 80,00 € settlement)", 1, 30, false, 3500 + 8000},
		{"R21 D month 2 (2023 + 50,00 € settlement)", 1, 21, false, 8000 + 5000},
		{"R21 G month 2", 1, 21, true, 6600},
		{"R12 D month 3 (3014 unconfirmed)", 2, 12, false, 0},
		{"R14 D month 3 (1013's damage removed)", 2, 14, false, -12000},
		{"R23 D month 3 (3012 unconfirmed)", 2, 23, false, 0},
		{"R1 D month 3 (3013 pending)", 2, 1, false, 0},
		{"R31 G month 1", 0, 31, true, 4000},
		{"R31 G month 2", 1, 31, true, 2000},
		{"R31 D month 2 (2040 confirmed)", 1, 31, false, 7800},
		{"R32 G month 2 (2040's commission)", 1, 32, true, 7800},
		{"R31 G month 3 (pays a 29,00 € reduction installment)", 2, 31, true, 9000},
		{"R31 D month 3", 2, 31, false, 0},
	}
	for _, c := range checks {
		m := l.d[c.month]
		if c.g {
			m = l.g[c.month]
		}
		if m[c.repairer] != c.amountCents {
			t.Errorf("%s: %d, want %d", c.name, m[c.repairer], c.amountCents)
		}
	}
	// The late arrival is booked in month 2: R16's month-2 commissions are those of its
	// month-2 interventions plus 1050's.
	var late, month2 int64
	for _, o := range w.ivs[1050].Operations {
		late += o.CommissionCents
	}
	for _, iv := range w.steps[1].Insert.Interventions {
		if iv.RepairerID == 16 && iv.ID != 1050 && iv.Status == sb.StatusClosed {
			for _, o := range iv.Operations {
				month2 += o.CommissionCents
			}
		}
	}
	if late == 0 || l.g[1][16] != month2+late {
		t.Errorf("R16 month 2 G %d, want %d + late 1050 %d", l.g[1][16], month2, late)
	}
}

// The demo's repairers carry the optional columns: valid IBANs and country codes, postcodes and
// cities from their address, legal forms and the option for VAT on debits for some.
func TestDemoOptionalColumns(t *testing.T) {
	legal, debits := 0, 0
	for _, r := range Demo(sb.MustPeriod("2026-09"))[0].Insert.Repairers {
		// issue 23: every case of the transfer file; the others have a valid French IBAN
		switch valid := sb.IBANValid(r.IBAN); {
		case r.ID == demoNoIBAN:
			if r.IBAN != "" {
				t.Errorf("repairer %d: IBAN %q, want none", r.ID, r.IBAN)
			}
		case r.ID == demoBadIBAN:
			if len(r.IBAN) != 27 || valid {
				t.Errorf("repairer %d: IBAN %q, want a bad checksum", r.ID, r.IBAN)
			}
		case r.ID == demoAbroad:
			if r.CountryCode != "NC" || !valid {
				t.Errorf("repairer %d: country %q IBAN %q, want New Caledonia with a valid IBAN", r.ID, r.CountryCode, r.IBAN)
			}
		case len(r.IBAN) != 27 || !valid || r.CountryCode != "FR":
			t.Errorf("repairer %d: IBAN %q, country %q", r.ID, r.IBAN, r.CountryCode)
		}
		if len(r.Postcode) != 5 || r.City == "" || !strings.HasSuffix(r.Address, r.Postcode+" "+r.City) {
			t.Errorf("repairer %d: postcode %q city %q of %q", r.ID, r.Postcode, r.City, r.Address)
		}
		if r.LegalForm != "" {
			legal++
		}
		if r.VATOnDebits {
			debits++
		}
	}
	if legal == 0 || debits == 0 {
		t.Errorf("%d legal forms, %d options for VAT on debits in the demo", legal, debits)
	}
}
