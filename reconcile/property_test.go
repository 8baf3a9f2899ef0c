package reconcile

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"
	sb "savbilling"
)

// world is a random network and an in-memory ledger that does what the store does between
// closes: it feeds each close the facts not yet booked and remembers what was.
type world struct {
	repairers     map[int64]sb.Repairer
	interventions map[int64]sb.Intervention
	decisions     map[int64]sb.Decision
	credits       []sb.Credit
	overrides     []sb.Override

	booked     map[int64]sb.Period // intervention -> period booked
	opsBooked  map[int64]sb.OperationBooking
	moved      map[int64]int64 // operation moved off the intervention it was paid with -> that intervention
	states     map[int64]sb.SAVState
	savBooked  map[int64]map[int64]int64
	savBookedM map[int64]map[int64]int64 // the indemnity part of savBooked
	claims     map[int64]int64
	reported   map[int64]bool
	plans      map[string]sb.Plan
	stmtSeq    map[int]map[int64]int
	invSeq     map[int]int
	noteSeq    map[int]int
	last       sb.Period
	nextID     int64
}

func newWorld() *world {
	return &world{repairers: map[int64]sb.Repairer{}, interventions: map[int64]sb.Intervention{}, decisions: map[int64]sb.Decision{},
		booked: map[int64]sb.Period{}, opsBooked: map[int64]sb.OperationBooking{}, moved: map[int64]int64{}, states: map[int64]sb.SAVState{},
		savBooked: map[int64]map[int64]int64{}, savBookedM: map[int64]map[int64]int64{},
		claims: map[int64]int64{}, reported: map[int64]bool{}, plans: map[string]sb.Plan{},
		stmtSeq: map[int]map[int64]int{}, invSeq: map[int]int{}, noteSeq: map[int]int{}, nextID: 1000}
}

// month adds a random month of facts to the world.
func (w *world) month(t *rapid.T, p sb.Period) {
	start := p.Start(sb.Paris)
	when := func() time.Time {
		return start.Add(time.Duration(rapid.IntRange(1, 27*24).Draw(t, "hour")) * time.Hour)
	}
	rids := slices.Sorted(maps.Keys(w.repairers))
	var closed []int64 // earlier closed standard interventions, for SAVs to point at
	for id, iv := range w.interventions {
		if iv.Kind == sb.KindStandard && iv.Status == sb.StatusClosed {
			closed = append(closed, id)
		}
	}
	slices.Sort(closed)
	n := rapid.IntRange(0, 12).Draw(t, "interventions")
	for range n {
		w.nextID++
		iv := sb.Intervention{ID: w.nextID, RepairerID: rapid.SampledFrom(rids).Draw(t, "repairer"), Kind: sb.KindStandard,
			Status:   rapid.SampledFrom([]string{sb.StatusClosed, sb.StatusClosed, sb.StatusClosed, sb.StatusOpen, sb.StatusCancelled}).Draw(t, "status"),
			ClosedAt: when()}
		if rapid.IntRange(0, 9).Draw(t, "late") == 0 {
			iv.ClosedAt = iv.ClosedAt.AddDate(0, -1, 0) // arrives after its month was closed
		}
		if len(closed) > 0 && rapid.IntRange(0, 2).Draw(t, "sav") == 0 {
			iv.Kind = sb.KindSAV
			iv.OriginalID = rapid.SampledFrom(closed).Draw(t, "original")
			if rapid.IntRange(0, 19).Draw(t, "missing") == 0 {
				iv.OriginalID = 999999
			}
		}
		for k := range rapid.IntRange(0, 3).Draw(t, "ops") {
			op := sb.Operation{ID: iv.ID*10 + int64(k), InterventionID: iv.ID, CommissionCents: rapid.Int64Range(0, 20000).Draw(t, "commission"),
				SAVRelated: iv.Kind == sb.KindSAV && rapid.Bool().Draw(t, "related")}
			op.PriceCents = op.CommissionCents * 3 / 2
			if rapid.IntRange(0, 40).Draw(t, "negative") == 0 {
				op.CommissionCents = -op.CommissionCents - 1
			}
			iv.Operations = append(iv.Operations, op)
		}
		w.interventions[iv.ID] = iv
		if iv.Kind == sb.KindSAV && rapid.IntRange(0, 4).Draw(t, "decided") > 0 {
			w.decide(t, iv.ID, iv.ClosedAt.Add(time.Hour))
		}
		if iv.Kind == sb.KindSAV && rapid.Bool().Draw(t, "credit") {
			w.credits = append(w.credits, sb.Credit{ID: int64(len(w.credits) + 1), InterventionID: iv.ID,
				AmountCents: rapid.Int64Range(0, 3000).Draw(t, "credit amount"), GrantedAt: iv.ClosedAt})
		}
	}
	// Support changes earlier decisions, decides pending SAVs, fixes bad data.
	for _, id := range slices.Sorted(maps.Keys(w.interventions)) {
		iv := w.interventions[id]
		if iv.Kind != sb.KindSAV || iv.ClosedAt.After(start) || rapid.IntRange(0, 3).Draw(t, "change") != 0 {
			continue
		}
		w.decide(t, id, start.Add(time.Hour))
		if iv.OriginalID == 999999 && rapid.Bool().Draw(t, "fix original") && len(closed) > 0 {
			iv.OriginalID = closed[0]
			w.interventions[id] = iv
		}
	}
	for id, iv := range w.interventions {
		for k, op := range iv.Operations {
			if op.CommissionCents < 0 && rapid.Bool().Draw(t, "fix op") {
				iv.Operations[k].CommissionCents = -op.CommissionCents
			}
		}
		w.interventions[id] = iv
	}
	w.moveOperations(t)
	for _, r := range rids {
		if rapid.IntRange(0, 9).Draw(t, "override") == 0 {
			mode := rapid.SampledFrom([]string{sb.OverrideSpread, sb.OverrideInvoice, "bogus"}).Draw(t, "mode")
			w.overrides = append(w.overrides, sb.Override{RepairerID: r, Period: p.String(), Mode: mode, Months: rapid.IntRange(0, 5).Draw(t, "months")})
		}
		if rapid.IntRange(0, 30).Draw(t, "deactivate") == 0 {
			rep := w.repairers[r]
			rep.Active = false
			w.repairers[r] = rep
		}
	}
}

// moveOperations has support move an operation of a paid standard intervention onto an unpaid
// one, or put a moved one back where it was paid.
func (w *world) moveOperations(t *rapid.T) {
	move := func(opID, from, to int64) {
		src, dst := w.interventions[from], w.interventions[to]
		var op sb.Operation
		src.Operations = slices.DeleteFunc(slices.Clone(src.Operations), func(o sb.Operation) bool {
			if o.ID == opID {
				op = o
				return true
			}
			return false
		})
		op.InterventionID = to
		dst.Operations = append(slices.Clone(dst.Operations), op)
		w.interventions[from], w.interventions[to] = src, dst
	}
	if len(w.moved) > 0 && rapid.Bool().Draw(t, "put back") {
		op := rapid.SampledFrom(slices.Sorted(maps.Keys(w.moved))).Draw(t, "moved op")
		for id, iv := range w.interventions {
			if slices.ContainsFunc(iv.Operations, func(o sb.Operation) bool { return o.ID == op }) {
				move(op, id, w.moved[op])
				break
			}
		}
		delete(w.moved, op)
		return
	}
	if rapid.IntRange(0, 2).Draw(t, "move") != 0 {
		return
	}
	var from, to []int64
	for _, id := range slices.Sorted(maps.Keys(w.interventions)) {
		iv := w.interventions[id]
		if iv.Kind != sb.KindStandard {
			continue
		}
		if _, paid := w.booked[id]; paid && len(iv.Operations) > 0 {
			from = append(from, id)
		} else if !paid {
			to = append(to, id)
		}
	}
	if len(from) == 0 || len(to) == 0 {
		return
	}
	a, b := rapid.SampledFrom(from).Draw(t, "from"), rapid.SampledFrom(to).Draw(t, "to")
	op := rapid.SampledFrom(w.interventions[a].Operations).Draw(t, "op").ID
	if _, ok := w.opsBooked[op]; !ok {
		return
	}
	move(op, a, b)
	w.moved[op] = a
}

func (w *world) decide(t *rapid.T, sav int64, at time.Time) {
	ids := slices.Sorted(maps.Keys(w.repairers))
	d := sb.Decision{SAVID: sav, DecidedAt: at,
		Outcome: rapid.SampledFrom([]string{sb.OutcomeConfirmed, sb.OutcomePartial, sb.OutcomeUnconfirmed, sb.OutcomeRejected, "bogus"}).Draw(t, "outcome")}
	if d.Outcome == sb.OutcomePartial {
		d.ChargeBP = rapid.IntRange(0, 10000).Draw(t, "bp")
	}
	if rapid.IntRange(0, 3).Draw(t, "damaged") == 0 {
		d.DamageCents = rapid.Int64Range(0, 200000).Draw(t, "damage")
	}
	if rapid.IntRange(0, 4).Draw(t, "faulty") == 0 {
		d.FaultyRepairerID = rapid.SampledFrom(ids).Draw(t, "faulty id")
	}
	w.decisions[sav] = d
}

// input builds the close of p from the world as the store would.
func (w *world) input(p sb.Period) *sb.CloseInput {
	in := input(p)
	in.Repairers = maps.Clone(w.repairers)
	in.LastClosed = w.last
	in.LastStatementSeq = maps.Clone(w.stmtSeq[p.Year])
	if in.LastStatementSeq == nil {
		in.LastStatementSeq = map[int64]int{}
	}
	in.LastInvoiceSeq = w.invSeq[p.Year]
	in.LastDebitNoteSeq = w.noteSeq[p.Year]
	caseOf := func(iv sb.Intervention) sb.SAVCase {
		c := sb.SAVCase{SAV: iv}
		if d, ok := w.decisions[iv.ID]; ok && d.DecidedAt.Before(in.End) {
			c.Decision = &d
		}
		if o, ok := w.interventions[iv.OriginalID]; ok {
			o.Operations = nil
			c.Original = &o
		}
		return c
	}
	for _, id := range slices.Sorted(maps.Keys(w.interventions)) {
		iv := w.interventions[id]
		if iv.Status != sb.StatusClosed || !iv.ClosedAt.Before(in.End) {
			continue
		}
		if _, ok := w.booked[id]; !ok {
			in.Interventions = append(in.Interventions, iv)
			for _, op := range iv.Operations {
				if bk, ok := w.opsBooked[op.ID]; ok {
					if in.BookedOperations == nil {
						in.BookedOperations = map[int64]sb.OperationBooking{}
					}
					in.BookedOperations[op.ID] = bk
				}
			}
		}
		if iv.Kind != sb.KindSAV {
			continue
		}
		st, charged := w.states[id]
		c := caseOf(iv)
		if !charged {
			in.SAVs = append(in.SAVs, c)
		} else if d := c.Decision; d != nil && (d.Outcome != st.Outcome || d.ChargeBP != st.ChargeBP || d.FaultyRepairerID != st.FaultyRepairerID || d.DamageCents != st.DamageCents) {
			c.Booked = &st
			c.BookedByRepairer = maps.Clone(w.savBooked[id])
			c.BookedIndemnityByRepairer = maps.Clone(w.savBookedM[id])
			c.BookedClaimCents = w.claims[id]
			in.Changed = append(in.Changed, c)
		}
	}
	in.Processed = map[int64]sb.SAVState{}
	for _, c := range w.credits {
		if !w.reported[c.ID] && c.GrantedAt.Before(in.End) {
			in.Credits = append(in.Credits, c)
			if st, ok := w.states[c.InterventionID]; ok {
				in.Processed[c.InterventionID] = st
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(w.plans)) {
		if pl := w.plans[id]; pl.Open() {
			in.Plans = append(in.Plans, pl)
		}
	}
	slices.SortFunc(in.Plans, func(x, y sb.Plan) int {
		if c := x.CreatedIn.Index() - y.CreatedIn.Index(); c != 0 {
			return c
		}
		return int(x.RepairerID - y.RepairerID)
	})
	for _, o := range w.overrides {
		if o.Period == p.String() {
			in.Overrides = append(in.Overrides, o)
		}
	}
	return in
}

// book applies a close's book to the ledger, checking each fact is booked once.
func (w *world) book(t *rapid.T, b *sb.Book) {
	year := b.Period.Year
	if w.stmtSeq[year] == nil {
		w.stmtSeq[year] = map[int64]int{}
	}
	for _, s := range b.Statements {
		id := s.Repairer.ID
		if s.Account {
			if s.Seq != 0 || s.Number != sb.AccountNumber(id, b.Period) {
				t.Fatalf("%s: a statement of account with seq %d", s.Number, s.Seq)
			}
		} else {
			if s.Seq != w.stmtSeq[year][id]+1 || s.Number != fmt.Sprintf("REL-%d-%d-%04d", id, year, s.Seq) {
				t.Fatalf("%s: statement seq %d after %d: not gapless", s.Number, s.Seq, w.stmtSeq[year][id])
			}
			w.stmtSeq[year][id] = s.Seq
		}
		for _, c := range s.Commissions {
			if p, ok := w.booked[c.InterventionID]; ok {
				t.Fatalf("intervention %d booked in %s and again in %s", c.InterventionID, p, b.Period)
			}
			w.booked[c.InterventionID] = b.Period
		}
		w.bookSAV(s.SAV)
	}
	for _, l := range b.Unlisted {
		if l.AmountCents != 0 {
			t.Fatalf("SAV %d: a line of %d cents without a statement", l.SAVID, l.AmountCents)
		}
	}
	w.bookSAV(b.Unlisted)
	for _, op := range b.Operations {
		if bk, ok := w.opsBooked[op.OperationID]; ok {
			t.Fatalf("operation %d paid with intervention %d in %s, and again with %d in %s", op.OperationID, bk.InterventionID, bk.Period, op.InterventionID, b.Period)
		}
		if _, ok := w.booked[op.InterventionID]; !ok || w.booked[op.InterventionID] != b.Period {
			t.Fatalf("operation %d keyed with intervention %d, not booked in %s", op.OperationID, op.InterventionID, b.Period)
		}
		w.opsBooked[op.OperationID] = sb.OperationBooking{InterventionID: op.InterventionID, Period: b.Period}
	}
	for _, inv := range b.Invoices {
		seq, prefix := w.invSeq, "FAC"
		if inv.DebitNote() {
			seq, prefix = w.noteSeq, "NDD"
		}
		if inv.Seq != seq[year]+1 || inv.Number != fmt.Sprintf("%s-%d-%06d", prefix, year, inv.Seq) {
			t.Fatalf("%s after %d: invoice numbers not gapless", inv.Number, seq[year])
		}
		seq[year] = inv.Seq
	}
	for _, st := range b.SAVStates {
		if _, ok := w.states[st.SAVID]; ok && st.FirstPeriod == b.Period {
			t.Fatalf("SAV %d charged twice", st.SAVID)
		}
		w.states[st.SAVID] = st
	}
	for _, c := range b.Claims {
		w.claims[c.SAVID] += c.ClaimCents
	}
	for _, g := range b.Goodwill {
		if w.reported[g.CreditID] {
			t.Fatalf("credit %d reported twice", g.CreditID)
		}
		w.reported[g.CreditID] = true
	}
	for _, p := range b.Plans {
		w.plans[p.ID] = p
	}
	w.last = b.Period
}

// bookSAV remembers what SAV lines booked, in all and as indemnities.
func (w *world) bookSAV(lines []sb.SAVLine) {
	for _, l := range lines {
		if w.savBooked[l.SAVID] == nil {
			w.savBooked[l.SAVID], w.savBookedM[l.SAVID] = map[int64]int64{}, map[int64]int64{}
		}
		w.savBooked[l.SAVID][l.RepairerID] += l.AmountCents
		if l.Type.Indemnity() {
			w.savBookedM[l.SAVID][l.RepairerID] += l.AmountCents
		}
	}
}

// kindSums are the no-cent-lost sums of one kind of charge (reductions or indemnities).
type kindSums struct{ charged, overflow, paid, invoiced, before, after int64 }

// check fails unless charges incurred + plan balances before = charges offset + installments
// paid + amounts invoiced (or debit-noted) + plan balances after.
func (k kindSums) check(t interface{ Fatalf(string, ...any) }, what string, p sb.Period) {
	if lhs, rhs := k.charged+k.before, (k.charged-k.overflow)+k.paid+k.invoiced+k.after; lhs != rhs {
		t.Fatalf("%s: %s: cents lost: charged %d + before %d = %d, but offset %d + paid %d + invoiced %d + after %d = %d",
			p, what, k.charged, k.before, lhs, k.charged-k.overflow, k.paid, k.invoiced, k.after, rhs)
	}
}

// TestPropertyNoCentLost closes random months in a row and checks the invariants of the
// rulebook at every close: no cent lost, net never negative, each fact booked once, numbers
// gapless, overflow and installments as the formula says.
func TestPropertyNoCentLost(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := newWorld()
		for id := int64(1); id <= int64(rapid.IntRange(2, 6).Draw(t, "repairers")); id++ {
			r := repairer(id, rapid.SampledFrom([]string{sb.VATStandard, sb.VATFranchise}).Draw(t, "regime"))
			if rapid.Bool().Draw(t, "own policy") {
				r.DeductibleCents = ptr(rapid.Int64Range(0, 50000).Draw(t, "deductible"))
			}
			w.repairers[id] = r
		}
		p := sb.MustPeriod("2026-10")
		for range rapid.IntRange(1, 8).Draw(t, "months") {
			w.month(t, p)
			in := w.input(p)
			var red, ind kindSums
			for _, pl := range in.Plans {
				red.before += pl.ReductionBalanceCents()
				ind.before += pl.IndemnityBalanceCents()
			}
			b, err := Close(in)
			if err != nil {
				t.Fatalf("close %s: %v", p, err)
			}
			for _, s := range b.Statements {
				var g, r, m, pd, pdm int64
				for _, c := range s.Commissions {
					g += c.AmountCents
				}
				for _, l := range s.SAV {
					if l.Type.Indemnity() {
						m += l.AmountCents
					} else {
						r += l.AmountCents
					}
				}
				for _, l := range s.Installments {
					pd += l.PaidCents
					pdm += l.PaidIndemnityCents
					if l.PaidCents > l.DueCents || l.PaidCents < 0 || l.PaidIndemnityCents < 0 ||
						l.PaidIndemnityCents > l.DueIndemnityCents || l.PaidReductionCents() > l.DueCents-l.DueIndemnityCents {
						t.Fatalf("%s: installment %+v", s.Number, l)
					}
				}
				if g != s.GrossCents || r+m != s.DeductionsCents || r != s.ReductionsCents || m != s.IndemnitiesCents ||
					pd != s.InstallmentsCents || pdm != s.InstallmentsIndemnityCents {
					t.Fatalf("%s: totals do not add up to the lines", s.Number)
				}
				if s.ReductionOverflowCents != max(0, r-g) || s.NetHTCents != max(0, g-r)-(pd-pdm) || s.NetHTCents < 0 {
					t.Fatalf("%s: G %d R %d paid_r %d but Or %d net %d", s.Number, g, r, pd-pdm, s.ReductionOverflowCents, s.NetHTCents)
				}
				if s.NetTTCCents != s.NetHTCents+s.VATCents || (s.Repairer.VATRegime == sb.VATFranchise && s.VATCents != 0) {
					t.Fatalf("%s: VAT", s.Number)
				}
				if s.IndemnityOverflowCents != max(0, m-s.NetTTCCents) || s.PayableCents != max(0, s.NetTTCCents-m)-pdm ||
					s.PayableCents < 0 || s.OverflowCents != s.ReductionOverflowCents+s.IndemnityOverflowCents {
					t.Fatalf("%s: Net TTC %d M %d paid_m %d but Om %d payable %d", s.Number, s.NetTTCCents, m, pdm,
						s.IndemnityOverflowCents, s.PayableCents)
				}
				if s.Account != (g <= 0 && r >= 0) {
					t.Fatalf("%s: statement of account %v with G %d R %d", s.Number, s.Account, g, r)
				}
				red.charged += r
				red.overflow += s.ReductionOverflowCents
				red.paid += pd - pdm
				ind.charged += m
				ind.overflow += s.IndemnityOverflowCents
				ind.paid += pdm
			}
			var invoiced int64
			for _, inv := range b.Invoices {
				var ht int64
				for _, l := range inv.Lines {
					ht += l.AmountCents
					if l.AmountCents <= 0 {
						t.Fatalf("%s: line %+v", inv.Number, l)
					}
				}
				if ht != inv.HTCents || (inv.DebitNote() && (inv.VATCents != 0 || inv.TTCCents != ht)) {
					t.Fatalf("%s: lines %d, HT %d VAT %d", inv.Number, ht, inv.HTCents, inv.VATCents)
				}
				if inv.DebitNote() {
					ind.invoiced += ht
				} else {
					red.invoiced += ht
				}
				invoiced += ht
			}
			for _, pl := range b.Plans {
				if pl.ReductionBalanceCents() < 0 || pl.IndemnityBalanceCents() < 0 {
					t.Fatalf("plan %s balances %d %d", pl.ID, pl.ReductionBalanceCents(), pl.IndemnityBalanceCents())
				}
				red.after += pl.ReductionBalanceCents()
				ind.after += pl.IndemnityBalanceCents()
			}
			red.check(t, "reductions", p)
			ind.check(t, "indemnities", p)
			tot := b.Totals()
			if tot.PlanBalancesBeforeCents != red.before+ind.before || tot.InvoicedCents != invoiced ||
				tot.DeductionsCents != red.charged+ind.charged || tot.IndemnitiesCents != ind.charged ||
				tot.PlanIndemnityBalancesBeforeCents != ind.before || tot.DebitNotesCents != ind.invoiced {
				t.Fatalf("%s: Totals disagree with the lines: %+v", p, tot)
			}
			w.book(t, b)
			p = p.Next()
		}
		// Every closed, valid intervention ends up booked exactly once.
		for id, iv := range w.interventions {
			if iv.Status != sb.StatusClosed || !iv.ClosedAt.Before(w.last.End(sb.Paris)) {
				if _, ok := w.booked[id]; ok {
					t.Fatalf("intervention %d (%s) booked", id, iv.Status)
				}
				continue
			}
			valid := true
			for _, op := range iv.Operations {
				valid = valid && op.CommissionCents >= 0
				if bk, ok := w.opsBooked[op.ID]; ok && bk.InterventionID != id {
					valid = false // paid with another intervention, moved here: held
				}
			}
			if _, ok := w.booked[id]; ok != valid {
				t.Fatalf("intervention %d valid=%v booked=%v", id, valid, ok)
			}
		}
	})
}
