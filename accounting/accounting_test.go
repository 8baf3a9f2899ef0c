package accounting

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"savbilling/accounting/fectest"
	"savbilling/internal/golden"
)

var (
	r1 = Repairer{1, "Atelier Dupont"}
	r2 = Repairer{2, "Cycles Nguyễn"}
	r3 = Repairer{3, "Vélo | Réparation"}
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var oct31, nov1, nov10 = day(2026, 10, 31), day(2026, 11, 1), day(2026, 11, 10)

// compact writes each line of the entries as JOURNAL|PIECE|ACCOUNT|AUX|DEBIT|CREDIT, with a
// blank line between entries, so that a test states the expected lines in a readable way.
func compact(es []Entry) []string {
	var out []string
	for i, e := range es {
		if i > 0 {
			out = append(out, "")
		}
		for _, l := range e.Lines {
			aux := ""
			if l.Repairer != nil {
				aux = fmt.Sprintf("R%d", l.Repairer.ID)
			}
			out = append(out, fmt.Sprintf("%s|%s|%s|%s|%d|%d", e.Journal.Code, e.PieceRef, l.Account.Num, aux, l.Debit, l.Credit))
		}
	}
	return out
}

// The statements of the worked example of domain.md (period 2026-10) and its variants.
func workedR1() Statement {
	return Statement{Number: "REL-1-2026-0010", Date: nov1, Repairer: r1,
		Commissions: 12500, Reductions: 4500, NetHT: 8000, VAT: 1600, NetTTC: 9600, Payable: 9600}
}

func workedR2() Statement {
	return Statement{Number: "REL-2-2026-0010", Date: nov1, Repairer: r2,
		Commissions: 6500, NetHT: 6500, NetTTC: 6500, Payable: 6500}
}

// damageR1 is R1 when the SAV also carried a 300,00 € damage on the umbrella policy: the
// deductible 200,00 is set off, 96,00 against the statement and 104,00 put on a plan.
func damageR1() Statement {
	s := workedR1()
	s.Indemnities, s.IndemnityOverflow, s.Payable, s.PlanID = 20000, 10400, 0, "ECH-1-2026-10"
	return s
}

func TestPostBooksEachEventOnItsAccounts(t *testing.T) {
	tests := []struct {
		name string
		s    Statement
		want []string
	}{
		{"worked example, R1 standard: commissions less the SAV charge, VAT, payable", workedR1(), []string{
			"ACH|REL-1-2026-0010|604||12500|0",
			"ACH|REL-1-2026-0010|44566||1600|0",
			"ACH|REL-1-2026-0010|6094||0|4500",
			"ACH|REL-1-2026-0010|401|R1|0|9600",
		}},
		{"worked example, R2 franchise: no VAT line", workedR2(), []string{
			"ACH|REL-2-2026-0010|604||6500|0",
			"ACH|REL-2-2026-0010|401|R2|0|6500",
		}},
		{"worked example, partial 33,33 %: charge 15,00", Statement{Number: "REL-1-2026-0010", Date: nov1, Repairer: r1,
			Commissions: 12500, Reductions: 1500, NetHT: 11000, VAT: 2200, NetTTC: 13200, Payable: 13200}, []string{
			"ACH|REL-1-2026-0010|604||12500|0",
			"ACH|REL-1-2026-0010|44566||2200|0",
			"ACH|REL-1-2026-0010|6094||0|1500",
			"ACH|REL-1-2026-0010|401|R1|0|13200",
		}},
		{"damage variant: invoice unchanged, 96,00 set off, 104,00 on a plan", damageR1(), []string{
			"ACH|REL-1-2026-0010|604||12500|0",
			"ACH|REL-1-2026-0010|44566||1600|0",
			"ACH|REL-1-2026-0010|6094||0|4500",
			"ACH|REL-1-2026-0010|401|R1|0|9600",
			"",
			"OD|REL-1-2026-0010|401|R1|9600|0",
			"OD|REL-1-2026-0010|7588||0|9600",
			"",
			"OD|REL-1-2026-0010|4671|R1|10400|0",
			"OD|REL-1-2026-0010|7588||0|10400",
		}},
		{"damage variant, November: first installment 34,67 taken from the payable", Statement{Number: "REL-1-2026-0011",
			Date: day(2026, 12, 1), Repairer: r1, Commissions: 10000, NetHT: 10000, VAT: 2000, NetTTC: 12000,
			InstallmentIndemnities: 3467, Payable: 8533}, []string{
			"ACH|REL-1-2026-0011|604||10000|0",
			"ACH|REL-1-2026-0011|44566||2000|0",
			"ACH|REL-1-2026-0011|401|R1|0|12000",
			"",
			"OD|REL-1-2026-0011|401|R1|3467|0",
			"OD|REL-1-2026-0011|4671|R1|0|3467",
		}},
		{"installment of a reduction plan: an allowance on the invoice, before VAT", Statement{Number: "REL-1-2026-0011",
			Date: day(2026, 12, 1), Repairer: r1, Commissions: 10000, InstallmentReductions: 2000, NetHT: 8000,
			VAT: 1600, NetTTC: 9600, Payable: 9600}, []string{
			"ACH|REL-1-2026-0011|604||10000|0",
			"ACH|REL-1-2026-0011|44566||1600|0",
			"ACH|REL-1-2026-0011|4671|R1|0|2000",
			"ACH|REL-1-2026-0011|401|R1|0|9600",
		}},
		{"statement of account: a reduction without commissions goes on a plan", Statement{Number: "RDC-1-2026-10",
			Date: nov1, Repairer: r1, Reductions: 4500, ReductionOverflow: 4500}, []string{
			"OD|RDC-1-2026-10|4671|R1|4500|0",
			"OD|RDC-1-2026-10|6094||0|4500",
		}},
		{"overflow above 1 500 €: invoice (re-invoiced SAV costs, VAT) and debit note (no VAT)", Statement{
			Number: "REL-1-2026-0010", Date: nov1, Repairer: r1, Commissions: 10000, Reductions: 200000,
			ReductionOverflow: 190000, Indemnities: 200000, IndemnityOverflow: 200000, OverflowInvoiced: true}, []string{
			"ACH|REL-1-2026-0010|604||10000|0",
			"ACH|REL-1-2026-0010|6094||0|10000",
			"",
			"VT|FAC-2026-000001|411|R1|228000|0",
			"VT|FAC-2026-000001|7088||0|190000",
			"VT|FAC-2026-000001|44571||0|38000",
			"",
			"VT|NDD-2026-000001|411|R1|200000|0",
			"VT|NDD-2026-000001|7588||0|200000",
		}},
		{"refunds: an earlier reduction billed back, an indemnity refunded beside the invoice", Statement{
			Number: "REL-1-2026-0010", Date: nov1, Repairer: r1, Reductions: -3000, NetHT: 3000, VAT: 600,
			NetTTC: 3600, Indemnities: -5000, Payable: 8600}, []string{
			"ACH|REL-1-2026-0010|6094||3000|0",
			"ACH|REL-1-2026-0010|44566||600|0",
			"ACH|REL-1-2026-0010|401|R1|0|3600",
			"",
			"OD|REL-1-2026-0010|7588||5000|0",
			"OD|REL-1-2026-0010|401|R1|0|5000",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Period{LastDay: oct31, Validated: nov1, Statements: []Statement{tt.s}}
			if tt.s.OverflowInvoiced {
				p.Documents = []Document{
					{Kind: KindDebitNote, Number: "NDD-2026-000001", Date: nov1, Repairer: r1, OverflowHT: tt.s.IndemnityOverflow},
					{Kind: KindInvoice, Number: "FAC-2026-000001", Date: nov1, Repairer: r1, OverflowHT: tt.s.ReductionOverflow, VAT: 38000},
				}
			}
			es, err := Post(p, DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			if got := compact(es); !slices.Equal(got, tt.want) {
				t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestPostClosesPlansAndCarriesOpeningBalances(t *testing.T) {
	p := Period{LastDay: oct31, Validated: nov1,
		Documents: []Document{
			{Kind: KindDebitNote, Number: "NDD-2026-000002", Date: nov1, Repairer: r3, PlanBalanceHT: 3000},
			{Kind: KindInvoice, Number: "FAC-2026-000002", Date: nov1, Repairer: r3, PlanBalanceHT: 5000, VAT: 1000},
		},
		Opening: []Opening{
			{Repairer: r3, Kind: OpeningInvoice, Ref: "FAC-2026-000001", Date: day(2026, 9, 1), Amount: 12000},
			{Repairer: r3, Kind: OpeningPlan, Ref: "ECH-3-2026-08", Date: day(2026, 9, 1), Amount: 8000},
		},
	}
	es, err := Post(p, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"AN|ECH-3-2026-08|4671|R3|8000|0",
		"AN|ECH-3-2026-08|890||0|8000",
		"",
		"AN|FAC-2026-000001|411|R3|12000|0",
		"AN|FAC-2026-000001|890||0|12000",
		"",
		"VT|FAC-2026-000002|411|R3|6000|0",
		"VT|FAC-2026-000002|4671|R3|0|5000",
		"VT|FAC-2026-000002|44571||0|1000",
		"",
		"VT|NDD-2026-000002|411|R3|3000|0",
		"VT|NDD-2026-000002|4671|R3|0|3000",
	}
	if got := compact(es); !slices.Equal(got, want) {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPostRefusesInconsistentFigures(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*Statement)
		want string
	}{
		{"net TTC", func(s *Statement) { s.NetTTC = 9700 }, "net HT"},
		{"net HT", func(s *Statement) { s.NetHT = 8100 }, "net HT"},
		{"payable", func(s *Statement) { s.Payable = 9500 }, "payable"},
		{"reduction overflow missing", func(s *Statement) { s.Reductions = 13000 }, "reduction overflow"},
		{"indemnity overflow missing", func(s *Statement) { s.Indemnities = 10000; s.Payable = 0 }, "indemnity overflow"},
		{"negative installment", func(s *Statement) { s.InstallmentIndemnities = -1; s.Payable = 9601 }, "negative"},
		{"no number", func(s *Statement) { s.Number = "" }, "required"},
	}
	for _, tt := range tests {
		s := workedR1()
		tt.mod(&s)
		_, err := Post(Period{LastDay: oct31, Validated: nov1, Statements: []Statement{s}}, DefaultConfig())
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Post error %v; want one naming %q", tt.name, err, tt.want)
		}
	}
}

func TestPostRefusesDocumentsThatDoNotMatchTheOverflow(t *testing.T) {
	over := Statement{Number: "REL-1-2026-0010", Date: nov1, Repairer: r1, Commissions: 10000, Reductions: 200000,
		ReductionOverflow: 190000, Indemnities: 200000, IndemnityOverflow: 200000, OverflowInvoiced: true}
	fac := Document{Kind: KindInvoice, Number: "FAC-2026-000001", Date: nov1, Repairer: r1, OverflowHT: 190000, VAT: 38000}
	ndd := Document{Kind: KindDebitNote, Number: "NDD-2026-000001", Date: nov1, Repairer: r1, OverflowHT: 200000}
	planned := over
	planned.OverflowInvoiced = false
	tests := []struct {
		name string
		s    Statement
		docs []Document
		want string
	}{
		{"invoice missing", over, []Document{ndd}, "invoices bill 0"},
		{"debit note of another amount", over, []Document{fac, {Kind: KindDebitNote, Number: "NDD-2026-000001", Date: nov1, Repairer: r1, OverflowHT: 100}}, "debit notes bill 100"},
		{"overflow on a plan and invoiced", planned, []Document{fac, ndd}, "invoices bill 190000"},
		{"debit note with VAT", over, []Document{fac, {Kind: KindDebitNote, Number: "NDD-2026-000001", Date: nov1, Repairer: r1, OverflowHT: 200000, VAT: 1}}, "outside the scope of VAT"},
		{"overflow billed to a repairer without statement", workedR2(), []Document{fac}, "without a statement"},
		{"empty document", workedR2(), []Document{{Kind: KindInvoice, Number: "FAC-2026-000009", Date: nov1, Repairer: r2}}, "something billed"},
	}
	for _, tt := range tests {
		_, err := Post(Period{LastDay: oct31, Validated: nov1, Statements: []Statement{tt.s}, Documents: tt.docs}, DefaultConfig())
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Post error %v; want one naming %q", tt.name, err, tt.want)
		}
	}
}

func TestNumberContinuesEachJournalWithinTheFiscalYear(t *testing.T) {
	p := Period{LastDay: oct31, Validated: nov1, Statements: []Statement{damageR1(), workedR2()}}
	es, err := Post(p, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	numbered, last := Number(es, DefaultConfig(), map[string]int{"ACH": 41, "OD": 7, "VT": 3})
	var got []string
	for _, e := range numbered {
		got = append(got, fmt.Sprintf("%s%d %s", e.Journal.Code, e.Num, e.PieceRef))
	}
	want := []string{"ACH42 REL-1-2026-0010", "ACH43 REL-2-2026-0010", "OD8 REL-1-2026-0010", "OD9 REL-1-2026-0010"}
	if !slices.Equal(got, want) {
		t.Errorf("numbers %v; want %v", got, want)
	}
	if last["ACH"] != 43 || last["OD"] != 9 || last["VT"] != 3 {
		t.Errorf("last numbers %v; want ACH 43, OD 9, VT 3", last)
	}
}

func TestFiscalYearStartsOnTheConfiguredMonth(t *testing.T) {
	tests := []struct {
		day         time.Time
		first       time.Month
		start, last time.Time
	}{
		{oct31, time.January, day(2026, 1, 1), day(2026, 12, 31)},
		{oct31, time.July, day(2026, 7, 1), day(2027, 6, 30)},
		{day(2026, 3, 31), time.July, day(2025, 7, 1), day(2026, 6, 30)},
		{day(2026, 7, 31), time.July, day(2026, 7, 1), day(2027, 6, 30)},
	}
	for _, tt := range tests {
		s, l := FiscalYear(tt.day, tt.first)
		if !s.Equal(tt.start) || !l.Equal(tt.last) {
			t.Errorf("FiscalYear(%s, %v) = %s..%s; want %s..%s", tt.day.Format(time.DateOnly), tt.first,
				s.Format(time.DateOnly), l.Format(time.DateOnly), tt.start.Format(time.DateOnly), tt.last.Format(time.DateOnly))
		}
	}
}

func TestFileNameIsSirenFECDate(t *testing.T) {
	if got, err := FileName("732829320", oct31); err != nil || got != "732829320FEC20261031.txt" {
		t.Errorf("FileName = %q, %v", got, err)
	}
	for _, bad := range []string{"", "73282932", "7328293200", "73282932A"} {
		if _, err := FileName(bad, oct31); err == nil {
			t.Errorf("FileName(%q) accepted", bad)
		}
	}
}

// octoberDamage is the demo-like October of the damage variant, with a third repairer who has
// balances from before the first file, an installment and a plan closed into an invoice and a
// debit note.
func octoberDamage() Period {
	return Period{LastDay: oct31, Validated: nov1,
		Statements: []Statement{workedR2(), damageR1(),
			{Number: "REL-3-2026-0009", Date: nov1, Repairer: r3, Commissions: 5000, NetHT: 5000, VAT: 1000,
				NetTTC: 6000, InstallmentIndemnities: 2000, Payable: 4000}},
		Documents: []Document{
			{Kind: KindInvoice, Number: "FAC-2026-000002", Date: nov1, Repairer: r3, PlanBalanceHT: 2500, VAT: 500},
			{Kind: KindDebitNote, Number: "NDD-2026-000001", Date: nov1, Repairer: r3, PlanBalanceHT: 3500},
		},
		Opening: []Opening{
			{Repairer: r3, Kind: OpeningPlan, Ref: "ECH-3-2026-08", Date: day(2026, 9, 1), Amount: 8000},
			{Repairer: r3, Kind: OpeningInvoice, Ref: "FAC-2026-000001", Date: day(2026, 9, 1), Amount: 12000},
		},
	}
}

func renderOctober(t *testing.T) []byte {
	t.Helper()
	cfg := DefaultConfig()
	es, err := Post(octoberDamage(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	numbered, _ := Number(es, cfg, nil)
	out, err := Render(numbered, cfg, nov1)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRenderWritesTheGoldenFEC(t *testing.T) {
	golden.Check(t, "732829320FEC20261031.txt", string(renderOctober(t)))
}

func TestRenderedFECPassesTheChecker(t *testing.T) {
	out := renderOctober(t)
	fs := fectest.Check(out, fectest.Options{FiscalYearFirst: day(2026, 1, 1), FiscalYearLast: day(2026, 12, 31),
		FirstNum: map[string]int{"AN": 1, "ACH": 1, "OD": 1, "VT": 1}})
	if len(fs) > 0 {
		t.Errorf("findings:\n%s", fectest.String(fs))
	}
	if strings.Contains(string(out), "Vélo | Réparation") || !strings.Contains(string(out), "|Vélo Réparation|") {
		t.Error("a | in a name must not split a field")
	}
}

// TestFECReconcilesToTheWorkbook states the workbook's figures of the period by hand (from
// domain.md's rules, not from the generator) and checks the file's movements against them.
func TestFECReconcilesToTheWorkbook(t *testing.T) {
	lines, fs := fectest.Parse(renderOctober(t))
	if len(fs) > 0 {
		t.Fatal(fectest.String(fs))
	}
	mov := fectest.Movements(lines, "AN")
	receivables := []string{"411", "4671", "411"}
	var expects []fectest.Expect
	for _, r := range []fectest.RepairerFigures{
		// R1: invoice 96,00 TTC; indemnity 200,00: 96,00 set off, 104,00 on a new plan; pays 0
		{Aux: "REP000001", Payable: 0, PlansCreated: 10400},
		// R2 (franchise): pays 65,00
		{Aux: "REP000002", Payable: 6500},
		// R3: 60,00 TTC less an installment of 20,00; plan closed: 25,00 HT + 5,00 VAT invoiced, 35,00 debit-noted
		{Aux: "REP000003", Payable: 4000, InvoicesTTC: 3000, DebitNotes: 3500, InstallmentsCollected: 2000, PlansClosed: 6000},
	} {
		expects = append(expects, fectest.RepairerExpects(r, "401", receivables)...)
	}
	expects = append(expects,
		fectest.Expect{What: "VAT deductible", Accounts: []string{"44566"}, Aux: "*", Want: 1600 + 0 + 1000},
		fectest.Expect{What: "VAT collected", Accounts: []string{"44571"}, Aux: "*", Want: -500},
		fectest.Expect{What: "indemnity income (R1's deductible)", Accounts: []string{"7588"}, Aux: "*", Want: -20000},
	)
	if fs := fectest.Reconcile(mov, expects); len(fs) > 0 {
		t.Errorf("the FEC does not reconcile:\n%s", fectest.String(fs))
	}
	// and the opening journal carries R3's earlier plan and invoice
	open := fectest.Movements(lines)
	if got := open[fectest.Key{Account: "4671", Aux: "REP000003"}]; got != 8000-2000-2500-3500 {
		t.Errorf("R3's plan account ends at %d; want 0,00 (80,00 carried − 20,00 collected − 60,00 closed)", got)
	}
}

func TestReconcileFindsAFigureThatDiffers(t *testing.T) {
	lines, _ := fectest.Parse(renderOctober(t))
	mov := fectest.Movements(lines, "AN")
	fs := fectest.Reconcile(mov, fectest.RepairerExpects(fectest.RepairerFigures{Aux: "REP000002", Payable: 6400}, "401", []string{"411", "4671"}))
	if len(fs) != 1 || !strings.Contains(fs[0].Msg, "payable of REP000002") {
		t.Errorf("findings %v; want the payable of REP000002", fs)
	}
}

func TestRenderRefusesUnnumberedEntries(t *testing.T) {
	es, err := Post(Period{LastDay: oct31, Validated: nov1, Statements: []Statement{workedR1()}}, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Render(es, DefaultConfig(), nov1); err == nil || !strings.Contains(err.Error(), "not numbered") {
		t.Errorf("Render of unnumbered entries: %v", err)
	}
}
