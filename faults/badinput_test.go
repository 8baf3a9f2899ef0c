package faults

import (
	"database/sql"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	sb "savbilling"
	"savbilling/reports"
	"savbilling/store"
)

// The bad-input tests close October 2026 (the first close) on 2 November.
var (
	oct    = sb.MustPeriod("2026-10")
	octNow = time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)
)

// want is what a bad-input case must give after the close.
type want struct {
	item   string // the anomaly's item, exactly ("" when the case expects none)
	reason string // a phrase of its reason
	fix    string // a phrase of its fix: the column or table to correct
	warn   bool   // a warning (booked anyway) rather than a held item

	booked    []int64 // interventions whose commission is booked
	held      []int64 // interventions not booked
	charged   []int64 // SAVs whose decision is booked (sb_sav_state)
	uncharged []int64 // SAVs whose decision is not booked
	check     func(t *testing.T, c *closed)
}

// badCase is one kind of bad data: the rows that carry it and what the close must make of it.
type badCase struct {
	name string
	rows []srow
	want want
}

// badGroup is a set of cases closed together in one database per engine, with the base fixture:
// everything else must be booked.
type badGroup struct {
	name    string
	lenient bool // source tables are views over permissive tables (NULLs, duplicates, long text)
	cases   []badCase
	only    string // the engine whose columns can hold the group's data ("" both)
}

// closed is a group's close: what the tests look at.
type closed struct {
	engine string
	db     string
	raw    *sql.DB
	out    string
	run    result
	book   *sb.Book
	sheet  [][]string // the workbook's Anomalies sheet, header first
	wb     string     // the workbook's path
}

// base is the fixture every group holds: three good repairers, nine good jobs, two originals.
func base() []srow {
	r3 := rep(3, "Chloé Durand", "standard").set("rc_pro_deductible_cents", int64(15000))
	out := []srow{rep(1, "Alice Martin", "standard"), rep(2, "Bruno Petit", "franchise"), r3}
	for i := int64(1); i <= 9; i++ {
		out = append(out, work(i, i%3+1, fmt.Sprintf("2026-10-%02d 09:00:00", i+2), 4000+i)...)
	}
	out = append(out, work(50, 1, "2026-09-20 10:00:00", 5000)...)
	out = append(out, work(51, 3, "2026-10-01 10:00:00", 5000)...)
	return out
}

var baseJobs = []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 50, 51}

const (
	d1 = "2026-10-12 10:00:00" // SAV visits
	d2 = "2026-10-12 12:00:00" // decisions and credits
)

// runGroup closes the group on every engine and checks each case.
func runGroup(t *testing.T, g badGroup) {
	for _, engine := range engineNames(t) {
		t.Run(engine, func(t *testing.T) {
			if g.only != "" && g.only != engine {
				t.Skipf("only %s's columns can hold this data", g.only)
			}
			c := closeGroup(t, engine, g)
			if c == nil {
				return
			}
			for _, bc := range g.cases {
				t.Run(bc.name, func(t *testing.T) {
					checkCase(t, c, bc.want)
				})
			}
		})
	}
}

// closeGroup writes the group's rows into a fresh database and closes October with the binary.
func closeGroup(t *testing.T, engine string, g badGroup) *closed {
	t.Helper()
	var db string
	if g.lenient {
		db = lenientDB(t, engine)
	} else {
		db = migrated(t, engine)
	}
	raw := rawOpen(t, db)
	all := base()
	for _, bc := range g.cases {
		all = append(all, bc.rows...)
	}
	insert(t, raw, g.lenient, all)
	c := &closed{engine: engine, db: db, raw: raw, out: t.TempDir()}
	c.run = sbrun(t, octNow, nil, "close", "--period", oct.String(), "--db", db, "--out", c.out)
	if c.run.code != 0 || !strings.Contains(c.run.stdout, "closed "+oct.String()) {
		t.Errorf("bad data must never stop a close: want exit 0, got %s", c.run)
		return nil
	}
	s, err := store.Open(bg, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if c.book, err = s.LoadBook(bg, oct); err != nil {
		t.Fatal(err)
	}
	c.wb = filepath.Join(c.out, oct.String(), reports.FileName(oct))
	f, err := excelize.OpenFile(c.wb)
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	if c.sheet, err = f.GetRows(reports.SheetAnomalies); err != nil {
		t.Fatal(err)
	}
	// Every anomaly of the book is in the workbook's Anomalies sheet, in order.
	for i, a := range c.book.Anomalies {
		if i+1 >= len(c.sheet) || len(c.sheet[i+1]) < 3 || c.sheet[i+1][0] != a.Item || c.sheet[i+1][1] != a.Reason || c.sheet[i+1][2] != a.Fix {
			t.Errorf("anomaly %d %+v is not row %d of the Anomalies sheet", i, a, i+2)
			break
		}
		if strings.TrimSpace(a.Reason) == "" || strings.TrimSpace(a.Fix) == "" {
			t.Errorf("anomaly %+v: a reason and a fix are required", a)
		}
	}
	// Everything else is booked: the base jobs, and the base repairers' statements add up.
	for _, id := range baseJobs {
		if !isBooked(t, raw, id) {
			t.Errorf("base intervention %d is not booked", id)
		}
	}
	checkStatements(t, c.book)
	checkGapless(t, raw)
	return c
}

func isBooked(t testing.TB, raw *sql.DB, intervention int64) bool {
	return count(t, raw, "SELECT COUNT(*) FROM sb_commissions WHERE intervention_id = ?", intervention) == 1
}

func isCharged(t testing.TB, raw *sql.DB, sav int64) bool {
	return count(t, raw, "SELECT COUNT(*) FROM sb_sav_state WHERE sav_id = ?", sav) == 1
}

// checkStatements checks every statement of the book against the rulebook's formula, without
// wrapping: G ≥ 0, Net HT ≥ 0, VAT ≥ 0, Net TTC = Net HT + VAT computed exactly.
func checkStatements(t testing.TB, b *sb.Book) {
	t.Helper()
	for _, s := range b.Statements {
		var g, d, paid int64
		for _, c := range s.Commissions {
			g += c.AmountCents
		}
		for _, l := range s.SAV {
			d += l.AmountCents
		}
		for _, i := range s.Installments {
			paid += i.PaidCents
		}
		if s.GrossCents < 0 || s.NetHTCents < 0 || s.VATCents < 0 || s.NetTTCCents < s.NetHTCents {
			t.Errorf("%s: G %d, net HT %d, VAT %d, net TTC %d: a total is negative or wrapped", s.Number, s.GrossCents, s.NetHTCents, s.VATCents, s.NetTTCCents)
		}
		if g != s.GrossCents || d != s.DeductionsCents || paid != s.InstallmentsCents {
			t.Errorf("%s: totals do not add up to the lines", s.Number)
		}
	}
	for _, inv := range b.Invoices {
		if inv.HTCents <= 0 || inv.VATCents < 0 || inv.TTCCents < inv.HTCents {
			t.Errorf("%s: HT %d, VAT %d, TTC %d: a total is negative or wrapped", inv.Number, inv.HTCents, inv.VATCents, inv.TTCCents)
		}
	}
}

func checkCase(t *testing.T, c *closed, w want) {
	t.Helper()
	if w.item != "" {
		var found *sb.Anomaly
		var same []string
		for i, a := range c.book.Anomalies {
			if a.Item == w.item {
				same = append(same, fmt.Sprintf("%q / %q", a.Reason, a.Fix))
				if strings.Contains(a.Reason, w.reason) && strings.Contains(a.Fix, w.fix) {
					found = &c.book.Anomalies[i]
				}
			}
		}
		switch {
		case found == nil && len(same) == 0:
			t.Errorf("no anomaly for %q (want a reason with %q, a fix naming %q); anomalies: %s", w.item, w.reason, w.fix, anomalyList(c.book))
		case found == nil:
			t.Errorf("anomaly %q: reason / fix %v; want a reason with %q and a fix naming %q", w.item, same, w.reason, w.fix)
		case found.Blocking == w.warn:
			t.Errorf("anomaly %q: blocking %v, want %v", w.item, found.Blocking, !w.warn)
		}
	}
	for _, id := range w.booked {
		if !isBooked(t, c.raw, id) {
			t.Errorf("intervention %d: its commission is not booked", id)
		}
	}
	for _, id := range w.held {
		if isBooked(t, c.raw, id) {
			t.Errorf("intervention %d: booked, want it held", id)
		}
	}
	for _, id := range w.charged {
		if !isCharged(t, c.raw, id) {
			t.Errorf("SAV %d: its decision is not booked", id)
		}
	}
	for _, id := range w.uncharged {
		if isCharged(t, c.raw, id) {
			t.Errorf("SAV %d: its decision is booked, want it held", id)
		}
		if n := count(t, c.raw, "SELECT COUNT(*) FROM sb_sav_lines WHERE sav_id = ?", id); n > 0 {
			t.Errorf("SAV %d: %d SAV lines booked, want none", id, n)
		}
	}
	if w.check != nil {
		w.check(t, c)
	}
}

func anomalyList(b *sb.Book) string {
	var out []string
	for _, a := range b.Anomalies {
		out = append(out, fmt.Sprintf("[%s: %s]", a.Item, a.Reason))
	}
	return strings.Join(out, " ")
}

const maxI = int64(math.MaxInt64)

// TestBadInput closes groups of bad source data (every kind the rulebook lists, and the issue's
// own) on SQLite and MariaDB, and checks that each bad item lands in the anomalies with a reason
// and the fix, that everything else is booked, and that the close never fails.
func TestBadInput(t *testing.T) {
	for _, g := range badGroups() {
		t.Run(g.name, func(t *testing.T) { runGroup(t, g) })
	}
}

func badGroups() []badGroup {
	confirmed := func(id int64) srow { return dec(id, "confirmed", nil, nil, 0, d2) }
	return []badGroup{
		{name: "rulebook", cases: []badCase{
			{name: "SAV without original", rows: rows(sav(1100, 2, nil, d1, 3000), []srow{confirmed(1100)}),
				want: want{item: "SAV 1100", reason: "sans intervention d'origine", fix: "original_intervention_id", booked: []int64{1100}, uncharged: []int64{1100}}},
			{name: "SAV pointing at itself", rows: rows(sav(1200, 2, int64(1200), d1, 3000), []srow{confirmed(1200)}),
				want: want{item: "SAV 1200", reason: "lui-même", fix: "original_intervention_id", booked: []int64{1200}, uncharged: []int64{1200}}},
			{name: "SAV whose original does not exist", rows: rows(sav(1300, 2, int64(999999), d1, 3000), []srow{confirmed(1300)}),
				want: want{item: "SAV 1300", reason: "999999 inexistante", fix: "original_intervention_id", booked: []int64{1300}, uncharged: []int64{1300}}},
			{name: "unknown repairer", rows: work(1400, 777, d1, 2500),
				want: want{item: "intervention 1400", reason: "777 inconnu", fix: "repairers", held: []int64{1400}}},
			{name: "negative commission", rows: []srow{iv(1500, 1, "standard", nil, "closed", d1), op(15000, 1500, 100, -500, 0), op(15001, 1500, 3000, 2000, 0)},
				want: want{item: "intervention 1500", reason: "négatif", fix: "opération", held: []int64{1500}}},
			{name: "negative price", rows: []srow{iv(1600, 1, "standard", nil, "closed", d1), op(16000, 1600, -1, 500, 0)},
				want: want{item: "intervention 1600", reason: "négatif", fix: "opération", held: []int64{1600}}},
			{name: "unknown outcome", rows: rows(sav(1700, 2, int64(50), d1, 3000), []srow{dec(1700, "maybe", nil, nil, 0, d2)}),
				want: want{item: "SAV 1700", reason: `"maybe" inconnue`, fix: "sav_decisions.outcome", booked: []int64{1700}, uncharged: []int64{1700}}},
			{name: "partial share 0", rows: rows(sav(1800, 2, int64(50), d1, 3000), []srow{dec(1800, "partial", 0, nil, 0, d2)}),
				want: want{item: "SAV 1800", reason: "hors de 1..9999", fix: "charge_bp", booked: []int64{1800}, uncharged: []int64{1800}}},
			{name: "partial share 10000", rows: rows(sav(1900, 2, int64(50), d1, 3000), []srow{dec(1900, "partial", 10000, nil, 0, d2)}),
				want: want{item: "SAV 1900", reason: "hors de 1..9999", fix: "charge_bp", uncharged: []int64{1900}}},
			{name: "partial share negative", rows: rows(sav(2000, 2, int64(50), d1, 3000), []srow{dec(2000, "partial", -1, nil, 0, d2)}),
				want: want{item: "SAV 2000", reason: "hors de 1..9999", fix: "charge_bp", uncharged: []int64{2000}}},
			{name: "damage on an unconfirmed decision", rows: rows(sav(2100, 2, int64(50), d1, 3000), []srow{dec(2100, "unconfirmed", nil, nil, 5000, d2)}),
				want: want{item: "SAV 2100", reason: `"unconfirmed"`, fix: "dommage", booked: []int64{2100}, uncharged: []int64{2100}}},
			{name: "damage on a rejected decision", rows: rows(sav(2200, 2, int64(50), d1, 3000), []srow{dec(2200, "rejected", nil, nil, 5000, d2)}),
				want: want{item: "SAV 2200", reason: `"rejected"`, fix: "dommage", uncharged: []int64{2200}}},
			{name: "decision on a non-SAV intervention", rows: []srow{confirmed(5)},
				want: want{item: "décision sur l'intervention 5", reason: "pas un SAV", fix: "décision", booked: []int64{5}}},
			{name: "decision on a missing intervention", rows: []srow{confirmed(2300)},
				want: want{item: "décision sur l'intervention 2300", reason: "inexistante", fix: "décision"}},
			{name: "confirmed SAV with no corrective operation", rows: []srow{iv(2400, 2, "sav", int64(50), "closed", d1), op(24000, 2400, 3000, 2000, 0), confirmed(2400)},
				want: want{item: "SAV 2400", reason: "sans opération corrective", fix: "sav_related", booked: []int64{2400}, uncharged: []int64{2400}}},
			{name: "negative damage", rows: rows(sav(2500, 2, int64(50), d1, 3000), []srow{dec(2500, "confirmed", nil, nil, -100, d2)}),
				want: want{item: "SAV 2500", reason: "dommage négatif", fix: "damage_cents", uncharged: []int64{2500}}},
			{name: "unknown faulty repairer", rows: rows(sav(2600, 2, int64(50), d1, 3000), []srow{dec(2600, "confirmed", nil, 888, 0, d2)}),
				want: want{item: "SAV 2600", reason: "888 inconnu", fix: "repairers", booked: []int64{2600}, uncharged: []int64{2600}}},
			{name: "original closed more than 90 days before (warning)", rows: rows(work(60, 3, "2026-05-02 10:00:00", 3000), sav(2700, 2, int64(60), d1, 3000), []srow{confirmed(2700)}),
				want: want{item: "SAV 2700", reason: "plus de 90 jours", fix: "vérifier", warn: true, booked: []int64{60, 2700}, charged: []int64{2700}}},
			{name: "credit too small on an unconfirmed SAV (warning)", rows: rows(sav(2800, 2, int64(50), d1, 3000), []srow{dec(2800, "unconfirmed", nil, nil, 0, d2), credit(2801, 2800, 100, d2, "geste")}),
				want: want{item: "SAV 2800", reason: "crédits client incohérents", fix: "client_credits", warn: true, charged: []int64{2800}}},
			{name: "credit above the corrective price (warning)", rows: rows(sav(2900, 2, int64(50), d1, 3000), []srow{confirmed(2900), credit(2901, 2900, 9000, d2, "geste")}),
				want: want{item: "SAV 2900", reason: "plus que le prix", fix: "client_credits", warn: true, charged: []int64{2900}}},
			{name: "negative credit (warning)", rows: rows(sav(3000, 2, int64(50), d1, 3000), []srow{confirmed(3000), credit(3001, 3000, -500, d2, "geste")}),
				want: want{item: "SAV 3000", reason: "négatif", fix: "client_credits", warn: true, charged: []int64{3000}}},
			{name: "original still open", rows: rows([]srow{iv(61, 1, "standard", nil, "open", nil)}, sav(3100, 2, int64(61), d1, 3000), []srow{confirmed(3100)}),
				want: want{item: "SAV 3100", reason: `au statut "open"`, fix: "clôturée", booked: []int64{3100}, uncharged: []int64{3100}}},
			{name: "unknown VAT regime", rows: rows([]srow{rep(4, "Denis Roy", "exempt")}, work(3200, 4, d1, 2500)),
				want: want{item: "intervention 3200", reason: "régime de TVA", fix: "vat_regime", held: []int64{3200}}},
			{name: "unknown kind", rows: []srow{iv(3300, 1, "repair", nil, "closed", d1), op(33000, 3300, 3000, 2000, 0)},
				want: want{item: "intervention 3300", reason: `"repair" inconnu`, fix: "interventions.kind", held: []int64{3300}}},
			{name: "SAV of a SAV", rows: rows(sav(3400, 2, int64(50), d1, 3000), []srow{confirmed(3400)}, sav(3500, 3, int64(3400), "2026-10-20 10:00:00", 2000), []srow{dec(3500, "confirmed", nil, nil, 0, "2026-10-20 12:00:00")}),
				want: want{item: "SAV 3500", reason: `de type "sav"`, fix: "intervention d'origine", booked: []int64{3400, 3500}, charged: []int64{3400}, uncharged: []int64{3500}}},
			{name: "SAV whose original is closed in a later month", rows: rows(work(62, 1, "2026-11-20 10:00:00", 3000), sav(3600, 2, int64(62), "2026-10-15 10:00:00", 3000), []srow{dec(3600, "confirmed", nil, nil, 0, "2026-10-15 12:00:00")}),
				want: want{item: "SAV 3600", reason: "après le SAV", fix: "original_intervention_id", booked: []int64{3600}, held: []int64{62}, uncharged: []int64{3600}}},
			{name: "duplicated credits (granted twice)", rows: rows(sav(3700, 2, int64(50), d1, 3000), []srow{confirmed(3700), credit(3701, 3700, 4000, d2, "geste"), credit(3702, 3700, 4000, d2, "geste")}),
				want: want{item: "SAV 3700", reason: "plus que le prix", fix: "client_credits", warn: true, charged: []int64{3700},
					check: func(t *testing.T, c *closed) {
						if n := count(t, c.raw, "SELECT COUNT(*) FROM sb_goodwill WHERE sav_id = 3700"); n != 2 {
							t.Errorf("%d credits of SAV 3700 reported, want both, once each", n)
						}
					}}},
		}},
		{name: "NULLs through views", lenient: true, cases: []badCase{
			{name: "closed intervention with NULL closed_at", rows: []srow{iv(4100, 1, "standard", nil, "closed", nil), op(41000, 4100, 3000, 2000, 0)},
				want: want{item: "intervention 4100", fix: "closed_at", held: []int64{4100}}},
			{name: "NULL repairer_id", rows: []srow{iv(4200, 1, "standard", nil, "closed", d1).set("repairer_id", nil), op(42000, 4200, 3000, 2000, 0)},
				want: want{item: "intervention 4200", reason: "inconnu", fix: "repairers", held: []int64{4200}}},
			{name: "NULL kind", rows: []srow{iv(4300, 1, "standard", nil, "closed", d1).set("kind", nil), op(43000, 4300, 3000, 2000, 0)},
				want: want{item: "intervention 4300", reason: "type d'intervention", fix: "interventions.kind", held: []int64{4300}}},
			{name: "NULL status", rows: []srow{iv(4400, 1, "standard", nil, "closed", d1).set("status", nil), op(44000, 4400, 3000, 2000, 0)},
				want: want{item: "intervention 4400", fix: "status", held: []int64{4400}}},
			{name: "NULL commission", rows: []srow{iv(4500, 1, "standard", nil, "closed", d1), op(45000, 4500, 3000, nil, 0), op(45001, 4500, 3000, 2000, 0)},
				want: want{item: "intervention 4500", fix: "commission_cents", held: []int64{4500}}},
			{name: "NULL price", rows: []srow{iv(4600, 1, "standard", nil, "closed", d1), op(46000, 4600, nil, 2000, 0)},
				want: want{item: "intervention 4600", fix: "price_cents", held: []int64{4600}}},
			{name: "NULL outcome", rows: rows(sav(4700, 2, int64(50), d1, 3000), []srow{dec(4700, nil, nil, nil, 0, d2)}),
				want: want{item: "SAV 4700", reason: "inconnue", fix: "outcome", booked: []int64{4700}, uncharged: []int64{4700}}},
			{name: "NULL decided_at", rows: rows(sav(4800, 2, int64(50), d1, 3000), []srow{dec(4800, "confirmed", nil, nil, 0, nil)}),
				want: want{item: "SAV 4800", fix: "decided_at", booked: []int64{4800}, uncharged: []int64{4800}}},
			{name: "NULL charge_bp on a partial decision", rows: rows(sav(4900, 2, int64(50), d1, 3000), []srow{dec(4900, "partial", nil, nil, 0, d2)}),
				want: want{item: "SAV 4900", reason: "hors de 1..9999", fix: "charge_bp", booked: []int64{4900}, uncharged: []int64{4900}}},
			{name: "NULL vat_regime", rows: rows([]srow{rep(5, "Émile Faure", "standard").set("vat_regime", nil)}, work(5000, 5, d1, 2500)),
				want: want{item: "intervention 5000", reason: "régime de TVA", fix: "vat_regime", held: []int64{5000}}},
			{name: "NULL sav_related", rows: []srow{iv(5100, 2, "sav", int64(50), "closed", d1), op(51000, 5100, 3000, 2000, 0).set("sav_related", nil), confirmed(5100)},
				want: want{item: "SAV 5100", reason: "sans opération corrective", fix: "sav_related", booked: []int64{5100}, uncharged: []int64{5100}}},
			{name: "NULL credit amount", rows: rows(sav(5200, 2, int64(50), d1, 3000), []srow{confirmed(5200), credit(5201, 5200, nil, d2, "geste")}),
				want: want{item: "SAV 5200", fix: "amount_cents", warn: true, charged: []int64{5200}}},
			{name: "NULL credit granted_at", rows: rows(sav(5300, 2, int64(50), d1, 3000), []srow{confirmed(5300), credit(5301, 5300, 1000, nil, "geste")}),
				want: want{item: "SAV 5300", fix: "granted_at", warn: true, charged: []int64{5300}}},
			{name: "NULL repairer name", rows: rows([]srow{rep(6, "x", "standard").set("name", nil)}, work(5400, 6, d1, 2500)),
				want: want{item: "intervention 5400", fix: "name", held: []int64{5400}}},
			{name: "NULL intervention id", rows: []srow{iv(5500, 1, "standard", nil, "closed", d1).set("id", nil)},
				want: want{item: "intervention 0", fix: "id",
					check: func(t *testing.T, c *closed) {
						if isBooked(t, c.raw, 0) {
							t.Errorf("an intervention without id is booked as intervention 0")
						}
					}}},
		}},
		{name: "unknown kind, status and outcome values", lenient: true, cases: []badCase{
			{name: "unknown status", rows: []srow{iv(6100, 1, "standard", nil, "done", d1), op(61000, 6100, 3000, 2000, 0)},
				want: want{item: "intervention 6100", fix: "status", held: []int64{6100}}},
			{name: "status in capitals", rows: []srow{iv(6200, 1, "standard", nil, "CLOSED", d1), op(62000, 6200, 3000, 2000, 0)},
				want: want{item: "intervention 6200", fix: "status", held: []int64{6200}}},
			{name: "status with a trailing space", rows: []srow{iv(6300, 1, "standard", nil, "closed ", d1), op(63000, 6300, 3000, 2000, 0)},
				want: want{item: "intervention 6300", fix: "status", held: []int64{6300}}},
			{name: "kind in capitals", rows: []srow{iv(6400, 2, "SAV", int64(50), "closed", d1), op(64000, 6400, 4500, 3000, 1), confirmed(6400)},
				want: want{item: "intervention 6400", reason: `"SAV" inconnu`, fix: "interventions.kind", held: []int64{6400}, uncharged: []int64{6400}}},
			{name: "kind with a trailing space", rows: []srow{iv(6500, 2, "sav ", int64(50), "closed", d1), op(65000, 6500, 4500, 3000, 1), confirmed(6500)},
				want: want{item: "intervention 6500", reason: `"sav " inconnu`, fix: "interventions.kind", held: []int64{6500}, uncharged: []int64{6500}}},
			{name: "outcome in capitals", rows: rows(sav(6600, 2, int64(50), d1, 3000), []srow{dec(6600, "CONFIRMED", nil, nil, 0, d2)}),
				want: want{item: "SAV 6600", reason: `"CONFIRMED" inconnue`, fix: "outcome", booked: []int64{6600}, uncharged: []int64{6600}}},
			{name: "VAT regime in capitals", rows: rows([]srow{rep(7, "Gilles Henry", "STANDARD")}, work(6700, 7, d1, 2500)),
				want: want{item: "intervention 6700", reason: "régime de TVA", fix: "vat_regime", held: []int64{6700}}},
		}},
		{name: "trailing spaces on the migrated tables", cases: []badCase{
			{name: "status with a trailing space", rows: []srow{iv(6800, 1, "standard", nil, "closed ", d1), op(68000, 6800, 3000, 2000, 0)},
				want: want{item: "intervention 6800", fix: "status", held: []int64{6800}}},
			{name: "kind with a trailing space", rows: []srow{iv(6900, 2, "sav ", int64(50), "closed", d1), op(69000, 6900, 4500, 3000, 1), confirmed(6900)},
				want: want{item: "intervention 6900", reason: `"sav " inconnu`, fix: "interventions.kind", held: []int64{6900}, uncharged: []int64{6900}}},
		}},
		{name: "text: quotes, control characters, injections", lenient: true, cases: []badCase{
			textName(20, 7000, `O'Brien "Le Vélo" '); DROP TABLE repairers; --`),
			textName(21, 7100, `Atelier (Roue) \ ) Tj ET BT /F1 99 Tf (pwned) Tj <<>> % endobj`),
			textName(22, 7200, "Zoé\x00\x07\tDu\x1b[31mpont\r\nfin\x7f\u0085!"),
			textName(23, 7300, `=HYPERLINK("http://evil.example/","clic")`),
			textName(24, 7400, "Łukasz Nguyễn-Øster ß ΑΒΓ Жук"),
			textName(25, 7500, "+33 6 12 34 56 78 @SUM(1+1) -2+3"),
			{name: "quotes and control characters in a city and a credit reason",
				rows: rows([]srow{iv(7600, 1, "standard", nil, "closed", d1).set("city", `Saint-Jean-d'Angély "centre" \ (x)`), op(76000, 7600, 3000, 2000, 0)},
					sav(7700, 2, int64(50), d1, 3000), []srow{confirmed(7700), credit(7701, 7700, 1000, d2, "Geste \"commercial\" '); DROP TABLE client_credits; --\x07\x00")}),
				want: want{booked: []int64{7600, 7700}, charged: []int64{7700}, check: func(t *testing.T, c *closed) {
					text := statementText(t, c, 1)
					if want := `Saint-Jean-d'Angély "centre" \ (x)`; !strings.Contains(text, want) {
						t.Errorf("statement of repairer 1: city %q not printed literally:\n%s", want, text)
					}
					checkTextCell(t, c, reports.SheetGoodwill, "7701", 3, "Geste \"commercial\" '); DROP TABLE client_credits; --\x07\x00")
					if n := count(t, c.raw, "SELECT COUNT(*) FROM mk_credits"); n != 1 {
						t.Errorf("client credits: %d rows", n)
					}
				}}},
		}},
		{name: "long text: name", lenient: true,
			cases: []badCase{textName(26, 7800, strings.Repeat("Très-long-nom ", 400))}},
		{name: "long text: city", lenient: true,
			cases: []badCase{{name: "city of 300 characters", rows: []srow{iv(7900, 1, "standard", nil, "closed", d1).set("city", strings.Repeat("Ville", 60)), op(79000, 7900, 3000, 2000, 0)},
				want: want{booked: []int64{7900}}}}},
		{name: "long text: credit reason", lenient: true,
			cases: []badCase{{name: "credit reason of 3000 characters", rows: rows(sav(8000, 2, int64(50), d1, 3000), []srow{confirmed(8000), credit(8001, 8000, 1000, d2, strings.Repeat("raison ", 430))}),
				want: want{charged: []int64{8000}}}}},
		{name: "long text: SIRET and VAT number", lenient: true,
			cases: []badCase{{name: "SIRET of 100 characters", rows: rows([]srow{rep(27, "Karim Long", "standard").set("siret", strings.Repeat("1", 100)).set("vat_number", strings.Repeat("FR", 50))}, work(8100, 27, d1, 2500)),
				// neither can make an e-invoice: the identity hold (docs/rules.md)
				want: want{item: "réparateur 27", reason: "identité non facturable", fix: "repairers.siret", held: []int64{8100}}}}},
		{name: "duplicates: credit row", lenient: true,
			cases: []badCase{{name: "credit row twice", rows: rows(sav(8200, 2, int64(50), d1, 3000), []srow{confirmed(8200), credit(8201, 8200, 1000, d2, "geste"), credit(8201, 8200, 1000, d2, "geste")}),
				want: want{item: "SAV 8200", fix: "client_credits", warn: true, charged: []int64{8200}}}}},
		{name: "duplicates: intervention row", lenient: true,
			cases: []badCase{{name: "intervention row twice", rows: rows(work(8300, 1, d1, 2000), []srow{iv(8300, 1, "standard", nil, "closed", d1)}),
				want: want{item: "intervention 8300", fix: "interventions", held: []int64{8300}, check: notDoubled(8300, 2000)}}}},
		{name: "duplicates: operation row", lenient: true,
			cases: []badCase{{name: "operation row twice", rows: rows(work(8400, 1, d1, 2000), []srow{op(84000, 8400, 3000, 2000, 0)}),
				want: want{item: "intervention 8400", fix: "intervention_operations", held: []int64{8400}, check: notDoubled(8400, 2000)}}}},
		{name: "duplicates: repairer row", lenient: true,
			cases: []badCase{{name: "repairer row twice, two names", rows: rows([]srow{rep(8, "Henri Blanc", "standard"), rep(8, "Henri Noir", "franchise")}, work(8500, 8, d1, 2000)),
				want: want{item: "intervention 8500", fix: "repairers", held: []int64{8500}}}}},
		{name: "duplicates: decision row", lenient: true,
			cases: []badCase{{name: "two decisions on one SAV", rows: rows(sav(8600, 2, int64(50), d1, 3000), []srow{confirmed(8600), dec(8600, "rejected", nil, nil, 0, d2)}),
				want: want{item: "SAV 8600", fix: "sav_decisions", booked: []int64{8600}, uncharged: []int64{8600}}}}},
		{name: "amounts near the int64 limits", cases: []badCase{
			{name: "operation at int64 max", rows: []srow{iv(8800, 1, "standard", nil, "closed", d1), op(88000, 8800, 1, maxI, 0), op(88001, 8800, 1, 1, 0)},
				want: want{item: "intervention 8800", reason: "improbable", fix: "montant", held: []int64{8800}}},
			{name: "price at int64 max", rows: []srow{iv(8810, 1, "standard", nil, "closed", d1), op(88100, 8810, maxI, 100, 0)},
				want: want{item: "intervention 8810", reason: "improbable", fix: "montant", held: []int64{8810}}},
			{name: "commission at int64 max", rows: rows([]srow{rep(9, "Ivan Max", "standard")}, []srow{iv(9200, 9, "standard", nil, "closed", d1), op(92000, 9200, maxI, maxI, 0)}),
				want: want{item: "intervention 9200", reason: "improbable", fix: "montant", held: []int64{9200}}},
			{name: "commissions at the plausibility bound, one repairer", rows: []srow{rep(10, "Jeanne Somme", "standard"),
				iv(9300, 10, "standard", nil, "closed", d1), op(93000, 9300, 1, sb.MaxAmountCents, 0), iv(9301, 10, "standard", nil, "closed", d1), op(93010, 9301, 1, sb.MaxAmountCents, 0)},
				want: want{booked: []int64{9300, 9301}}},
			{name: "SAV charge at int64 max", rows: rows([]srow{rep(11, "Luc Lourd", "franchise")}, work(9400, 11, "2026-09-10 10:00:00", 1000), []srow{iv(9500, 2, "sav", int64(9400), "closed", d1), op(95000, 9500, 1, 8_000_000_000_000_000_000, 1), confirmed(9500)}),
				want: want{item: "intervention 9500", reason: "improbable", fix: "montant", held: []int64{9500}, uncharged: []int64{9500}}},
			{name: "damage at int64 max", rows: rows(sav(8900, 2, int64(51), d1, 3000), []srow{dec(8900, "confirmed", nil, nil, maxI, d2)}),
				want: want{item: "SAV 8900", reason: "improbable", fix: "damage_cents", booked: []int64{8900}, uncharged: []int64{8900}}},
			{name: "damage at the plausibility bound", rows: rows(sav(8950, 2, int64(51), d1, 3000), []srow{dec(8950, "confirmed", nil, nil, sb.MaxAmountCents, d2)}),
				want: want{charged: []int64{8950}, check: func(t *testing.T, c *closed) {
					if n := count(t, c.raw, "SELECT COUNT(*) FROM sb_claims WHERE sav_id = 8950 AND claim_cents = ?", sb.MaxAmountCents-15000); n != 1 {
						t.Errorf("SAV 8950: no claim of the damage − 150,00 € against the own policy")
					}
				}}},
			{name: "credits summing beyond int64", rows: rows(sav(9000, 2, int64(50), d1, 3000), []srow{confirmed(9000), credit(9001, 9000, maxI, d2, "a"), credit(9002, 9000, maxI, d2, "b")}),
				want: want{item: "SAV 9000", reason: "improbable", fix: "client_credits", warn: true, charged: []int64{9000}}},
			{name: "closed in the year 1000", rows: work(9100, 1, "1000-01-01 00:00:00", 1234),
				want: want{item: "intervention 9100", reason: "improbable", fix: "closed_at", held: []int64{9100}}},
		}},
		{name: "timestamps in other text forms", lenient: true, only: "sqlite",
			cases: []badCase{{name: "closed_at 1/2/2026", rows: []srow{iv(9900, 1, "standard", nil, "closed", "1/2/2026"), op(99000, 9900, 3000, 2000, 0)},
				want: want{item: "intervention 9900", fix: "closed_at", held: []int64{9900}}}}},
		{name: "timestamps with a T", lenient: true, only: "sqlite",
			cases: []badCase{{name: "closed 2026-10-31T22:30:00Z (23:30 in Paris)", rows: []srow{iv(9910, 1, "standard", nil, "closed", "2026-10-31T22:30:00Z"), op(99100, 9910, 3000, 2000, 0)},
				want: want{booked: []int64{9910}}}}},
		{name: "negative own deductible", cases: []badCase{{name: "rc_pro_deductible_cents −50,00 €",
			rows: rows([]srow{rep(12, "Nadia Négative", "standard").set("rc_pro_deductible_cents", int64(-5000))}, work(9801, 12, "2026-09-20 10:00:00", 3000),
				sav(9800, 2, int64(9801), d1, 3000), []srow{dec(9800, "confirmed", nil, nil, 10000, d2)}),
			want: want{item: "SAV 9800", fix: "rc_pro_deductible_cents", uncharged: []int64{9800}}}}},
		{name: "dates far in the future", cases: []badCase{{name: "closed in 9999", rows: work(9600, 1, "9999-12-31 23:59:59", 1234),
			want: want{item: "intervention 9600", fix: "closed_at", warn: true}}}},
		{name: "pending SAV from the year 1000",
			cases: []badCase{{name: "pending since 1000-01-01", rows: []srow{iv(9700, 2, "sav", int64(50), "closed", "1000-01-01 00:00:00"), op(97000, 9700, 3000, 2000, 1)},
				want: want{item: "intervention 9700", reason: "improbable", fix: "closed_at", held: []int64{9700}, check: func(t *testing.T, c *closed) {
					listed := false
					closedAt := time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)
					days := int((oct.End(sb.Paris).Unix() - closedAt.Unix()) / 86400)
					for _, p := range c.book.Pending {
						if p.SAVID == 9700 {
							listed = true
							if p.AgeDays != days {
								t.Errorf("pending SAV 9700: age %d days, want %d", p.AgeDays, days)
							}
						}
					}
					if !listed {
						t.Errorf("SAV 9700 without decision is not listed as pending")
					}
				}}}}},
	}
}

// textName is a repairer whose name is s, with one job: the statement must print s literally
// (control characters as spaces), the workbook must hold it as a text cell, the ledger as is.
func textName(repairer, job int64, s string) badCase {
	return badCase{name: fmt.Sprintf("name %.40q", s), rows: rows([]srow{rep(repairer, s, "standard")}, work(job, repairer, d1, 2500)),
		want: want{booked: []int64{job}, check: func(t *testing.T, c *closed) {
			var name string
			if err := c.raw.QueryRowContext(bg, "SELECT name FROM sb_statements WHERE repairer_id = ?", repairer).Scan(&name); err != nil || name != s {
				t.Errorf("sb_statements.name of repairer %d: %.100q, %v; want %.100q", repairer, name, err, s)
			}
			text := statementText(t, c, repairer)
			printed := flat(printable(s))
			if len([]rune(printed)) > 60 {
				printed = string([]rune(printed)[:60]) // long names are cut with an ellipsis
			}
			if !strings.Contains(text, printed) {
				t.Errorf("statement of repairer %d: the name is not printed literally: want %q in\n%.2000s", repairer, printed, text)
			}
			checkTextCell(t, c, reports.SheetStatements, fmt.Sprint(repairer), 1, s)
		}}}
}

// notDoubled checks that the intervention, if booked, is booked for its commission once.
func notDoubled(intervention, commission int64) func(t *testing.T, c *closed) {
	return func(t *testing.T, c *closed) {
		var amount int64
		err := c.raw.QueryRowContext(bg, "SELECT amount_cents FROM sb_commissions WHERE intervention_id = ?", intervention).Scan(&amount)
		if err == nil && amount != commission {
			t.Errorf("intervention %d booked for %d cents: its commission of %d counted %d times", intervention, amount, commission, amount/commission)
		}
	}
}

// TestDeletedRepairerWithOpenPlan: a repairer paid in October, whose overflow was spread over an
// installment plan, is deleted from repairers in November while new work, a SAV charge and a
// changed decision concern them; in December the row comes back. November must close (exit 0)
// with the plan's installment, the intervention, the SAV charge and the adjustment held as
// anomalies naming repairers, the plan's balance intact and no cent lost; December books what
// was held (the intervention as a late arrival) and asks the installment again.
func TestDeletedRepairerWithOpenPlan(t *testing.T) {
	nov, dec26 := sb.MustPeriod("2026-11"), sb.MustPeriod("2026-12")
	for _, engine := range engineNames(t) {
		t.Run(engine, func(t *testing.T) {
			db := migrated(t, engine)
			raw := rawOpen(t, db)
			out := t.TempDir()
			insert(t, raw, false, rows(base(), []srow{rep(30, "Paul Parti", "standard")},
				work(9000, 30, "2026-10-05 10:00:00", 1000), work(9002, 30, "2026-09-20 10:00:00", 3000),
				sav(9001, 2, int64(9002), d1, 3000), []srow{dec(9001, "confirmed", nil, nil, 15000, d2)}))
			closeMonth := func(p sb.Period) *sb.Book {
				t.Helper()
				now := p.End(sb.Paris).Add(30 * time.Hour)
				if r := sbrun(t, now, nil, "close", "--period", p.String(), "--db", db, "--out", out); r.code != 0 {
					t.Fatalf("close %s: %s", p, r)
				}
				s, err := store.Open(bg, db)
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				b, err := s.LoadBook(bg, p)
				if err != nil {
					t.Fatal(err)
				}
				checkStatements(t, b)
				checkGapless(t, raw)
				noCentLost(t, raw, p)
				return b
			}
			b := closeMonth(oct)
			if st := b.StatementOf(30); st == nil || st.SpreadCents != 15000 {
				t.Fatalf("October: repairer 30 should spread an overflow of 150,00 €: %+v", st)
			}
			const plan = "ECH-30-2026-10"

			// November: repairer 30 deleted; new work, a SAV charge and a changed decision for them
			mustExec(t, raw, "DELETE FROM repairers WHERE id = 30")
			insert(t, raw, false, rows(work(9100, 30, "2026-11-05 10:00:00", 1000), work(9103, 1, "2026-11-06 10:00:00", 2000),
				sav(9101, 2, int64(9000), "2026-11-10 10:00:00", 2000), []srow{dec(9101, "confirmed", nil, nil, 0, "2026-11-10 12:00:00")}))
			mustExec(t, raw, "UPDATE sav_decisions SET outcome = 'partial', charge_bp = 5000, decided_at = '2026-11-12 10:00:00' WHERE intervention_id = 9001")
			b = closeMonth(nov)
			held := map[string]sb.Anomaly{}
			for _, a := range b.Anomalies {
				held[a.Item] = a
			}
			for _, item := range []string{"échéancier " + plan, "intervention 9100", "SAV 9101", "SAV 9001 (décision modifiée)"} {
				if a, ok := held[item]; !ok || !a.Blocking || !strings.Contains(a.Fix, "repairers") && !strings.Contains(a.Fix, "réparateur") {
					t.Errorf("November: %q should be held with a fix naming repairers, got %+v; anomalies: %s", item, a, anomalyList(b))
				}
			}
			if !isBooked(t, raw, 9103) || isBooked(t, raw, 9100) || isCharged(t, raw, 9101) {
				t.Errorf("November: 9103 booked %v (want), 9100 booked %v, SAV 9101 charged %v (want neither)",
					isBooked(t, raw, 9103), isBooked(t, raw, 9100), isCharged(t, raw, 9101))
			}
			if n := count(t, raw, "SELECT COUNT(*) FROM sb_installments WHERE plan_id = ? AND period = ?", plan, nov.String()); n != 0 {
				t.Errorf("November: an installment of %s was taken from a deleted repairer", plan)
			}
			if bal := planBalances(t, raw, nov.String()) - planBalances(t, raw, oct.String()); bal != 0 {
				t.Errorf("November: plan balances moved by %d cents while the plan's repairer was missing", bal)
			}

			// December: the repairer is back; what was held is booked
			insert(t, raw, false, []srow{rep(30, "Paul Parti", "standard")})
			b = closeMonth(dec26)
			for _, a := range b.Anomalies {
				if a.RepairerID == 30 || strings.Contains(a.Item, plan) || strings.Contains(a.Item, "9100") || strings.Contains(a.Item, "9101") {
					t.Errorf("December: still held: %+v", a)
				}
			}
			if n := count(t, raw, "SELECT COUNT(*) FROM sb_commissions WHERE intervention_id = 9100 AND period = ? AND late = 1", dec26.String()); n != 1 {
				t.Errorf("December: intervention 9100 should be booked as a late arrival")
			}
			if !isCharged(t, raw, 9101) {
				t.Errorf("December: SAV 9101 not charged")
			}
			var adj int64
			if err := raw.QueryRowContext(bg, "SELECT COALESCE(SUM(amount_cents), 0) FROM sb_sav_lines WHERE sav_id = 9001 AND period = ? AND type = 'ajustement'",
				dec26.String()).Scan(&adj); err != nil || adj != -2000 {
				t.Errorf("December: adjustment of SAV 9001 = %d, %v; want −20,00 € (50 %% of 40,00 € + 150,00 € − 190,00 €)", adj, err)
			}
			if n := count(t, raw, "SELECT COUNT(*) FROM sb_installments WHERE plan_id = ? AND period = ?", plan, dec26.String()); n != 1 {
				t.Errorf("December: the installment of %s is not asked again", plan)
			}
		})
	}
}

// noCentLost checks the rule on the ledger of closed period p: charges incurred + plan balances
// before = charges offset + installments paid + amounts invoiced or debit-noted + plan balances after.
func noCentLost(t *testing.T, raw *sql.DB, p sb.Period) {
	t.Helper()
	var d, o, paid, invoiced int64
	if err := raw.QueryRowContext(bg, `SELECT COALESCE(SUM(deductions_cents), 0), COALESCE(SUM(overflow_cents), 0),
		COALESCE(SUM(installments_cents), 0) FROM sb_statements WHERE period = ?`, p.String()).Scan(&d, &o, &paid); err != nil {
		t.Fatal(err)
	}
	// invoiced or debit-noted (rules v2: the indemnity part goes on a debit note)
	if err := raw.QueryRowContext(bg, `SELECT COALESCE(SUM(ht_cents), 0) FROM (SELECT ht_cents FROM sb_invoices WHERE period = ?
		UNION ALL SELECT ht_cents FROM sb_debit_notes WHERE period = ?) d`, p.String(), p.String()).Scan(&invoiced); err != nil {
		t.Fatal(err)
	}
	before, after := planBalances(t, raw, p.Prev().String()), planBalances(t, raw, p.String())
	if d+before != (d-o)+paid+invoiced+after {
		t.Errorf("%s: cents lost: D %d + before %d ≠ offset %d + paid %d + invoiced %d + after %d", p, d, before, d-o, paid, invoiced, after)
	}
}
