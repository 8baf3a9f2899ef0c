package faults

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sb "savbilling"
	"savbilling/config"
	"savbilling/invoices"
	"savbilling/job"
	"savbilling/store"
	"savbilling/templates"
)

// TestPropertiesOverHistories closes random multi-month histories through the real store, on
// SQLite and MariaDB, with the real renderers: every month new work arrives (some late), SAVs
// are decided (some later, some never), support changes decisions after their charge, bad data
// comes in and is fixed later, repairers leave. After every close, from the ledger:
//   - no cent is lost: charges incurred + plan balances before = charges offset + installments
//     paid + amounts invoiced + plan balances after, the balances read from sb_plans and
//     sb_installments as of the previous and this period;
//   - every closed intervention before the end is booked once (sb_commissions) or listed in this
//     close's anomalies, never both, never neither; every decided SAV is charged once
//     (sb_sav_state) or listed; a changed decision is booked (its state follows the source) or listed;
//   - Net HT ≥ 0 on every statement; statement and invoice numbers gapless;
//   - `render` into a second folder gives the close's files byte for byte.
//
// CI: 2 histories per engine; make soak: 25. SAVBILLING_FAULTS_SEED reproduces one.
func TestPropertiesOverHistories(t *testing.T) {
	histories := 2
	if soak() {
		histories = 25
	}
	histories = envInt("SAVBILLING_HISTORIES", histories)
	seed := uint64(envInt("SAVBILLING_FAULTS_SEED", int(time.Now().UnixNano()%1_000_000)))
	t.Logf("random seed %d (SAVBILLING_FAULTS_SEED=%d reproduces the histories)", seed, seed)
	for _, engine := range engineNames(t) {
		t.Run(engine, func(t *testing.T) {
			closes := 0
			stats := map[string]int{}
			for h := range histories {
				closes += history(t, engine, seed+uint64(h)*7919, stats)
				if t.Failed() {
					t.Logf("history %d failed: SAVBILLING_FAULTS_SEED=%d SAVBILLING_HISTORIES=1 reproduces it", h, seed+uint64(h)*7919)
					return
				}
			}
			t.Logf("%s: %d histories, %d closes checked; in them: %v", engine, histories, closes, stats)
		})
	}
}

// world is what the test knows of the source it wrote.
type world struct {
	t          *testing.T
	rng        *rand.Rand
	raw        *sql.DB
	repairers  []int64
	nextID     int64
	standards  []int64          // closed standard interventions, for SAVs to point at
	savs       []int64          // SAV interventions
	decided    map[int64]bool   // SAVs with a decision row
	badOps     map[int64]int64  // operation id → its intervention: a negative commission, fixed later
	badOrigins map[int64]int64  // SAV → its true original, pointing at a missing one for now
	badOutcome map[int64]string // SAV → outcome to restore
}

func history(t *testing.T, engine string, seed uint64, stats map[string]int) int {
	t.Helper()
	db := migrated(t, engine)
	w := &world{t: t, rng: rand.New(rand.NewPCG(seed, 42)), raw: rawOpen(t, db), nextID: 1000, decided: map[int64]bool{},
		badOps: map[int64]int64{}, badOrigins: map[int64]int64{}, badOutcome: map[int64]string{}}
	s, err := store.Open(bg, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	set, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	j := &job.Job{DB: s, Out: out, Issuer: config.Default().Issuer(set.Network), Rules: sb.DefaultRules(),
		Renderers: []job.Renderer{job.PDF(invoices.New(set)), job.Workbook()}}
	var rows []srow
	for id := int64(1); id <= int64(3+w.rng.IntN(4)); id++ {
		r := rep(id, fmt.Sprintf("Réparateur %d", id), []string{"standard", "franchise"}[w.rng.IntN(2)])
		if w.rng.IntN(3) == 0 {
			r = r.set("rc_pro_deductible_cents", int64(10000+w.rng.IntN(3)*10000))
		}
		rows = append(rows, r)
		w.repairers = append(w.repairers, id)
	}
	insert(t, w.raw, false, rows)
	p := sb.MustPeriod("2026-06")
	months := 3 + w.rng.IntN(3)
	for m := range months {
		w.month(t, p, m == 0)
		now := p.End(sb.Paris).Add(time.Duration(24+w.rng.IntN(200)) * time.Hour)
		res, err := j.Close(bg, p, now, false)
		if err != nil {
			t.Fatalf("seed %d: close %s: %v", seed, p, err)
		}
		checkClose(t, w, s, p, res)
		for what, q := range map[string]string{
			"anomalies":         "SELECT COUNT(*) FROM sb_anomalies WHERE period = ?",
			"adjustments":       "SELECT COUNT(*) FROM sb_sav_lines WHERE period = ? AND type = 'ajustement'",
			"late commissions":  "SELECT COUNT(*) FROM sb_commissions WHERE period = ? AND late = 1",
			"plans created":     "SELECT COUNT(*) FROM sb_plans WHERE created_period = ?",
			"installments paid": "SELECT COUNT(*) FROM sb_installments WHERE period = ? AND paid_cents > 0",
			"invoices":          "SELECT COUNT(*) FROM sb_invoices WHERE period = ?",
			"claims":            "SELECT COUNT(*) FROM sb_claims WHERE period = ?",
		} {
			stats[what] += count(t, w.raw, q, p.String())
		}
		// re-render into a second folder: the same bytes
		j2 := *j
		j2.Out = t.TempDir()
		if _, err := j2.Render(bg, p); err != nil {
			t.Fatalf("render %s: %v", p, err)
		}
		a, b := readTree(t, filepath.Join(out, p.String())), readTree(t, filepath.Join(j2.Out, p.String()))
		if d := diffTrees(a, b); len(d) > 0 {
			t.Errorf("seed %d, %s: render differs from the close:\n  %s", seed, p, strings.Join(d, "\n  "))
		}
		if t.Failed() {
			return m + 1
		}
		p = p.Next()
	}
	return months
}

func (w *world) id() int64 { w.nextID++; return w.nextID }

func (w *world) pickRepairer() int64 { return w.repairers[w.rng.IntN(len(w.repairers))] }

// when is an instant within period p (UTC working hours).
func (w *world) when(p sb.Period) string {
	return time.Date(p.Year, p.Month, 1+w.rng.IntN(27), 6+w.rng.IntN(12), w.rng.IntN(60), 0, 0, time.UTC).Format("2006-01-02 15:04:05")
}

// month writes period p's new facts and the changes made to earlier ones.
func (w *world) month(t *testing.T, p sb.Period, first bool) {
	t.Helper()
	r := w.rng
	var rows []srow
	var updates []func()
	// changes to earlier facts first: decisions changed, pending ones decided, bad data fixed
	for _, sav := range w.savs {
		switch {
		case w.decided[sav] && r.IntN(5) == 0:
			updates = append(updates, w.redecide(sav, w.when(p)))
		case !w.decided[sav] && r.IntN(2) == 0:
			rows = append(rows, w.decision(sav, w.when(p)))
		}
	}
	for opID := range w.badOps {
		if r.IntN(2) == 0 {
			updates = append(updates, func() {
				mustExec(t, w.raw, "UPDATE intervention_operations SET commission_cents = 1234 WHERE id = ?", opID)
			})
			delete(w.badOps, opID)
		}
	}
	for sav, orig := range w.badOrigins {
		if r.IntN(2) == 0 {
			updates = append(updates, func() {
				mustExec(t, w.raw, "UPDATE interventions SET original_intervention_id = ? WHERE id = ?", orig, sav)
			})
			delete(w.badOrigins, sav)
		}
	}
	for sav, outcome := range w.badOutcome {
		if r.IntN(2) == 0 {
			updates = append(updates, func() {
				mustExec(t, w.raw, "UPDATE sav_decisions SET outcome = ?, charge_bp = NULL WHERE intervention_id = ?", outcome, sav)
			})
			delete(w.badOutcome, sav)
		}
	}
	// new work
	for range 6 + r.IntN(14) {
		id := w.id()
		at := w.when(p)
		if !first && r.IntN(12) == 0 {
			at = w.when(p.Prev()) // late arrival
		}
		status := []string{"closed", "closed", "closed", "closed", "open", "cancelled"}[r.IntN(6)]
		closedAt := any(at)
		if status == "open" {
			closedAt = nil
		}
		repairer := w.pickRepairer()
		if len(w.standards) > 0 && status == "closed" && r.IntN(3) == 0 {
			orig := w.standards[r.IntN(len(w.standards))]
			v := iv(id, repairer, "sav", orig, status, closedAt)
			if r.IntN(15) == 0 {
				w.badOrigins[id] = orig
				v = v.set("original_intervention_id", int64(999999))
			}
			rows = append(rows, v, op(id*10, id, 4500, 3000+int64(r.IntN(40))*100, 1), op(id*10+1, id, 1500, 1000, 1))
			if r.IntN(3) == 0 {
				rows = append(rows, op(id*10+2, id, 3000, 2000, 0))
			}
			w.savs = append(w.savs, id)
			if r.IntN(4) > 0 {
				rows = append(rows, w.decision(id, at))
			}
			if r.IntN(2) == 0 {
				rows = append(rows, credit(id, id, int64(r.IntN(60))*100, at, "geste"))
			}
			continue
		}
		rows = append(rows, iv(id, repairer, "standard", nil, status, closedAt))
		for k := range 1 + r.IntN(3) {
			commission := int64(1000 + r.IntN(90)*100)
			if r.IntN(40) == 0 {
				commission = -commission
				w.badOps[id*10+int64(k)] = id
			}
			rows = append(rows, op(id*10+int64(k), id, commission*3/2+1, commission, 0))
		}
		if status == "closed" {
			w.standards = append(w.standards, id)
		}
	}
	// a repairer leaves, finance decides an overflow
	if r.IntN(8) == 0 && len(w.repairers) > 2 {
		leaving := w.pickRepairer()
		updates = append(updates, func() { mustExec(t, w.raw, "UPDATE repairers SET active = 0 WHERE id = ?", leaving) })
	}
	if r.IntN(4) == 0 {
		rows = append(rows, srow{"overflow_overrides", []string{"repairer_id", "period", "mode", "months"},
			[]any{w.pickRepairer(), p.String(), []string{"spread", "invoice"}[r.IntN(2)], int64(1 + r.IntN(4))}})
	}
	insert(t, w.raw, false, rows)
	for _, u := range updates {
		u()
	}
}

var outcomes = []string{"confirmed", "confirmed", "partial", "unconfirmed", "rejected"}

// decision is a decision on sav, sometimes with damage or a faulty repairer, rarely invalid.
func (w *world) decision(sav int64, at string) srow {
	r := w.rng
	w.decided[sav] = true
	outcome := outcomes[r.IntN(len(outcomes))]
	var bp, faulty any
	damage := int64(0)
	if outcome == "partial" {
		bp = int64(1 + r.IntN(9999))
	}
	if (outcome == "confirmed" || outcome == "partial") && r.IntN(2) == 0 {
		damage = int64(r.IntN(1800)) * 100 // often beyond the month's commissions: plans, invoices, claims
	}
	if r.IntN(5) == 0 {
		faulty = w.pickRepairer()
	}
	if r.IntN(20) == 0 {
		w.badOutcome[sav] = outcome
		outcome = "bogus"
	}
	return dec(sav, outcome, bp, faulty, damage, at)
}

// redecide changes an existing decision (after its charge, usually).
func (w *world) redecide(sav int64, at string) func() {
	d := w.decision(sav, at)
	return func() {
		mustExec(w.t, w.raw, `UPDATE sav_decisions SET outcome = ?, charge_bp = ?, faulty_repairer_id = ?, damage_cents = ?,
			decided_at = ? WHERE intervention_id = ?`, d.vals[1], d.vals[2], d.vals[3], d.vals[4], d.vals[5], sav)
	}
}

// checkClose checks the invariants of the close of p from the ledger.
func checkClose(t *testing.T, w *world, s *store.DB, p sb.Period, res *job.Result) {
	t.Helper()
	raw := w.raw
	b, err := s.LoadBook(bg, p)
	if err != nil {
		t.Fatal(err)
	}
	anomalies := map[string]bool{}
	for _, a := range b.Anomalies {
		anomalies[a.Item] = true
	}
	end := p.End(sb.Paris).UTC().Format("2006-01-02 15:04:05")

	noCentLost(t, raw, p)
	if n := count(t, raw, "SELECT COUNT(*) FROM sb_statements WHERE net_ht_cents < 0 OR net_ttc_cents < net_ht_cents OR vat_cents < 0"); n > 0 {
		t.Errorf("%s: %d statements with a negative net HT or VAT, or a wrapped net TTC", p, n)
	}
	checkGapless(t, raw)

	// every closed intervention before the end: booked once, or listed in this close's anomalies
	for _, l := range queryRows(t, raw, `SELECT i.id, (SELECT COUNT(*) FROM sb_commissions c WHERE c.intervention_id = i.id)
		FROM interventions i WHERE i.status = 'closed' AND i.closed_at < ?`, end) {
		var id int64
		var n int
		fmt.Sscanf(strings.ReplaceAll(l, "|", " "), "%d %d", &id, &n)
		if held := anomalies[fmt.Sprintf("intervention %d", id)]; n > 1 || (n == 1) == held {
			t.Errorf("%s: intervention %d booked %d times, listed %v", p, id, n, held)
		}
	}
	// every SAV decided before the end: charged once or listed; a charged one follows its decision
	for _, l := range queryRows(t, raw, `SELECT i.id, d.outcome, COALESCE(d.charge_bp, 0), COALESCE(d.faulty_repairer_id, 0), d.damage_cents,
		s.outcome, s.charge_bp, s.faulty_repairer_id, s.damage_cents
		FROM interventions i JOIN sav_decisions d ON d.intervention_id = i.id LEFT JOIN sb_sav_state s ON s.sav_id = i.id
		WHERE i.kind = 'sav' AND i.status = 'closed' AND i.closed_at < ? AND d.decided_at < ?`, end, end) {
		f := strings.Split(l, "|")
		id := f[0]
		charged := f[5] != "NULL"
		switch {
		case !charged && !anomalies["SAV "+id]:
			t.Errorf("%s: SAV %s decided (%s) but neither charged nor listed", p, id, f[1])
		case charged && strings.Join(f[1:5], "|") != strings.Join(f[5:9], "|") && !anomalies["SAV "+id+" (décision modifiée)"]:
			t.Errorf("%s: SAV %s: decision %v, booked %v, and no anomaly", p, id, f[1:5], f[5:9])
		}
	}
	if res.Manifest == nil || res.Manifest.Statements != len(b.Statements) || res.Manifest.Invoices != len(b.Invoices) {
		t.Errorf("%s: manifest %+v does not describe the book", p, res.Manifest)
	}
}

// planBalances is the sum of the plans' balances as they stood after the close of period asOf,
// from the ledger: each plan created by then, less what it was paid, invoiced and debit-noted by
// then (rules v2: a plan's indemnity balance closes into a debit note).
func planBalances(t *testing.T, raw *sql.DB, asOf string) int64 {
	t.Helper()
	var v int64
	err := raw.QueryRowContext(bg, `SELECT COALESCE(SUM(p.total_cents
		- COALESCE((SELECT SUM(x.paid_cents) FROM sb_installments x WHERE x.plan_id = p.id AND x.period <= ?), 0)
		- CASE WHEN p.closed_period IS NOT NULL AND p.closed_period <= ? THEN p.invoiced_cents + p.debit_noted_cents ELSE 0 END), 0)
		FROM sb_plans p WHERE p.created_period <= ?`, asOf, asOf, asOf).Scan(&v)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
