package accounting

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"savbilling/accounting/fectest"
)

// figures is one repairer's month computed by the formulas of domain.md ("The statement of one
// repairer"), independently of Post: the statement, the documents of its overflow, and the
// workbook's figures the FEC must reconcile to.
type figures struct {
	st   Statement
	docs []Document
	wb   fectest.RepairerFigures
}

func drawFigures(t *rapid.T, id int64) figures {
	r := Repairer{ID: id, Name: fmt.Sprintf("Réparateur %d", id)}
	g := rapid.Int64Range(0, 500000).Draw(t, "G")
	red := rapid.Int64Range(-20000, 600000).Draw(t, "R")
	ir := rapid.Int64Range(0, 30000).Draw(t, "Ir")
	standard := rapid.Bool().Draw(t, "standard")
	m := rapid.Int64Range(-20000, 300000).Draw(t, "M")
	im := rapid.Int64Range(0, 30000).Draw(t, "Im")
	invoiced := rapid.Bool().Draw(t, "invoiced")

	b := g - red
	or := int64(0)
	if b < 0 {
		or, b = -b, 0
	}
	paidR := min(ir, b)
	netHT := b - paidR
	vat := int64(0)
	if standard {
		vat = (netHT*2000 + 5000) / 10000 // half away from zero for amounts ≥ 0
	}
	netTTC := netHT + vat
	p := netTTC - m
	om := int64(0)
	if p < 0 {
		om, p = -p, 0
	}
	paidM := min(im, p)
	payable := p - paidM

	f := figures{st: Statement{Number: fmt.Sprintf("REL-%d-2026-0010", id), Date: nov1, Repairer: r,
		Commissions: g, Reductions: red, ReductionOverflow: or, InstallmentReductions: paidR, NetHT: netHT, VAT: vat,
		NetTTC: netTTC, Indemnities: m, IndemnityOverflow: om, InstallmentIndemnities: paidM, Payable: payable,
		OverflowInvoiced: invoiced && or+om > 0, PlanID: fmt.Sprintf("ECH-%d-2026-10", id)}}
	f.wb = fectest.RepairerFigures{Aux: fmt.Sprintf("REP%06d", id), Payable: payable, InstallmentsCollected: paidR + paidM}
	if f.st.OverflowInvoiced {
		if or > 0 {
			fvat := (or*2000 + 5000) / 10000
			f.docs = append(f.docs, Document{Kind: KindInvoice, Number: fmt.Sprintf("FAC-2026-%06d", id), Date: nov1, Repairer: r, OverflowHT: or, VAT: fvat})
			f.wb.InvoicesTTC += or + fvat
		}
		if om > 0 {
			f.docs = append(f.docs, Document{Kind: KindDebitNote, Number: fmt.Sprintf("NDD-2026-%06d", id), Date: nov1, Repairer: r, OverflowHT: om})
			f.wb.DebitNotes += om
		}
	} else {
		f.wb.PlansCreated = or + om
	}
	if rapid.Bool().Draw(t, "plan closed") { // an older plan's balances closed this month
		cr := rapid.Int64Range(1, 50000).Draw(t, "closed reduction")
		cm := rapid.Int64Range(1, 50000).Draw(t, "closed indemnity")
		cvat := (cr*2000 + 5000) / 10000
		f.docs = append(f.docs,
			Document{Kind: KindInvoice, Number: fmt.Sprintf("FAC-2026-%06d", 1000+id), Date: nov1, Repairer: r, PlanBalanceHT: cr, VAT: cvat},
			Document{Kind: KindDebitNote, Number: fmt.Sprintf("NDD-2026-%06d", 1000+id), Date: nov1, Repairer: r, PlanBalanceHT: cm})
		f.wb.InvoicesTTC += cr + cvat
		f.wb.DebitNotes += cm
		f.wb.PlansClosed += cr + cm
	}
	return f
}

// TestAnyMonthGivesAValidFECThatReconciles draws months of a few repairers by the rules, and
// checks that the FEC passes the checker and reconciles to the workbook's figures, per repairer
// and for VAT.
func TestAnyMonthGivesAValidFECThatReconciles(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 5).Draw(t, "repairers")
		p := Period{LastDay: oct31, Validated: nov1}
		var expects []fectest.Expect
		var vatDeductible, vatCollected int64
		for id := int64(1); id <= int64(n); id++ {
			f := drawFigures(t, id)
			p.Statements = append(p.Statements, f.st)
			p.Documents = append(p.Documents, f.docs...)
			expects = append(expects, fectest.RepairerExpects(f.wb, "401", []string{"411", "4671"})...)
			vatDeductible += f.st.VAT
			for _, d := range f.docs {
				vatCollected += d.VAT
			}
		}
		expects = append(expects,
			fectest.Expect{What: "VAT deductible", Accounts: []string{"44566"}, Aux: "*", Want: vatDeductible},
			fectest.Expect{What: "VAT collected", Accounts: []string{"44571"}, Aux: "*", Want: -vatCollected})
		cfg := DefaultConfig()
		es, err := Post(p, cfg)
		if err != nil {
			t.Fatal(err)
		}
		numbered, _ := Number(es, cfg, map[string]int{"ACH": 120})
		out, err := Render(numbered, cfg, nov1)
		if err != nil {
			t.Fatal(err)
		}
		fy0, fy1 := FiscalYear(oct31, cfg.FiscalYearFirstMonth)
		if fs := fectest.Check(out, fectest.Options{FiscalYearFirst: fy0, FiscalYearLast: fy1, FirstNum: map[string]int{"ACH": 121, "OD": 1, "VT": 1}}); len(fs) > 0 {
			t.Fatalf("checker:\n%s\n%s", fectest.String(fs), out)
		}
		lines, _ := fectest.Parse(out)
		if fs := fectest.Reconcile(fectest.Movements(lines, "AN"), expects); len(fs) > 0 {
			t.Fatalf("reconciliation:\n%s\n%s", fectest.String(fs), out)
		}
	})
}
