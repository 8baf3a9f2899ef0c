package invoices

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	sb "savbilling"
	"savbilling/internal/golden"
)

// The fixtures of the other tests are books of the rules v1 (RulesVersion 0 or 1): their
// documents print as v1 printed them. These are books of the rules v2.

// damageV2 is the worked example's damage variant under the rules v2 (domain.md): R1's invoice is
// unchanged (G 125,00, R 45,00, Net HT 80,00, VAT 16,00, Net TTC 96,00); the deductible 200,00
// is set off after VAT: Om = 104,00, spread over 3 (34,67 / 34,67 / 34,66), Net à payer 0,00.
func damageV2() *sb.Book {
	s := stR1()
	s.SAV = damageLines()
	s.DeductionsCents, s.ReductionsCents, s.IndemnitiesCents = 24500, 4500, 20000
	s.IndemnityOverflowCents, s.OverflowCents, s.SpreadCents = 10400, 10400, 10400
	r2 := stR2()
	r2.PayableCents = r2.NetTTCCents
	b := book(s, r2)
	b.RulesVersion = sb.RulesV2
	b.Plans = []sb.Plan{{ID: sb.PlanID(1, oct), RepairerID: 1, CreatedIn: oct, Months: 3, TotalCents: 10400,
		IndemnityCents: 10400, RulesVersion: sb.RulesV2}}
	b.Claims = []sb.Claim{{SAVID: 201, RepairerID: 1, Policy: sb.PolicyUmbrella, DamageCents: 30000,
		DeductibleCents: 20000, ClaimCents: 10000}}
	return b
}

// debitNoteV2 is damageV2 with finance's override « invoice »: the indemnity overflow of 104,00
// goes on the debit note NDD-2026-000001, without VAT.
func debitNoteV2() *sb.Book {
	b := damageV2()
	b.Plans = nil
	s := &b.Statements[0]
	s.SpreadCents, s.InvoicedCents, s.DebitNotedCents, s.DebitNoteNumber = 0, 10400, 10400, "NDD-2026-000001"
	b.Invoices = []sb.Invoice{{Number: "NDD-2026-000001", Kind: sb.DocDebitNote, Seq: 1, Repairer: r1(),
		Period: oct, IssuedOn: issued, DueOn: issued.AddDate(0, 0, 30),
		Lines:   []sb.InvoiceLine{{Kind: sb.InvoiceOverflow, AmountCents: 10400}},
		HTCents: 10400, TTCCents: 10400}}
	return invoiced(b)
}

// accountV2 is R1 in a month without commissions: an amicable settlement of 50,00 €, and the
// first installment (34,67 €, all indemnity) of the plan above asked and not paid: a statement
// of account, outside the series.
func accountV2() *sb.Book {
	nov := oct.Next()
	s := statement(r1(), 0)
	s.Period, s.Number, s.Account = nov, sb.AccountNumber(1, nov), true
	set := sav201()
	set.SAVID, set.Type, set.DamageCents, set.AmountCents = 301, sb.LineSettlement, 5000, 5000
	s.SAV = []sb.SAVLine{set}
	s.VATRateBP = 2000
	s.Installments = []sb.InstallmentLine{{PlanID: sb.PlanID(1, oct), RepairerID: 1, Number: 1, Of: 3,
		DueCents: 3467, DueIndemnityCents: 3467}}
	s.DeductionsCents, s.IndemnitiesCents, s.IndemnityOverflowCents, s.OverflowCents, s.SpreadCents = 5000, 5000, 5000, 5000, 5000
	b := book(s)
	b.Period, b.RulesVersion = nov, sb.RulesV2
	b.Plans = []sb.Plan{
		{ID: sb.PlanID(1, oct), RepairerID: 1, CreatedIn: oct, Months: 3, TotalCents: 10400, IndemnityCents: 10400,
			RulesVersion: sb.RulesV2},
		{ID: sb.PlanID(1, nov), RepairerID: 1, CreatedIn: nov, Months: 1, TotalCents: 5000, IndemnityCents: 5000,
			RulesVersion: sb.RulesV2},
	}
	return b
}

// TestGoldenLayoutRulesV2 compares the layout of the rules v2's documents with testdata/*.golden.
func TestGoldenLayoutRulesV2(t *testing.T) {
	r := New(nil)
	cases := []struct {
		name string
		b    *sb.Book
		inv  bool
	}{
		{"v2-statement-damage", damageV2(), false},
		{"v2-statement-debit-note", debitNoteV2(), false},
		{"v2-debit-note", debitNoteV2(), true},
		{"v2-statement-of-account", accountV2(), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, m, err := r.build(c.b, func(m measurer) *doc {
				if c.inv {
					return r.layoutInvoice(m, c.b, &c.b.Invoices[0])
				}
				return r.layoutStatement(m, c.b, &c.b.Statements[0])
			}, false)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, c.name, m.dump())
		})
	}
}

// TestStatementShowsTheInvoiceApartFromTheSettlement: the worked example's damage variant prints
// the self-billed invoice unchanged (80,00 / 16,00 / 96,00) and, below it, the deductible set
// off after VAT and the Net à payer.
func TestStatementShowsTheInvoiceApartFromTheSettlement(t *testing.T) {
	needPdftotext(t)
	r := New(nil)
	b := damageV2()
	text := pdfText(t, renderStatement(t, r, b, 0), 0)
	contains(t, "statement", text,
		"Relevé mensuel de commissions — Autofacturation", "Facture émise par",
		"Facture (autofacturation)", "Réductions SAV (R) 45,00 €", "Net HT 80,00 €", "TVA 20 % 16,00 €", "Net TTC 96,00 €",
		"Règlement — indemnités hors champ de la TVA", "Indemnités (préjudice), hors TVA (M) 200,00 €",
		"Indemnités non compensées (Om) 104,00 €", "Les indemnités dépassent le Net TTC de 104,00 €", "Mis en échéancier ECH-1-2026-10 104,00 €", "Net à payer 0,00 €",
		"elles sont hors du champ", "Franchise RC Pro",
		"dont réductions 0,00 € (avant TVA) et indemnités 104,00 € (hors TVA, après TVA)",
		"34,67 €", "34,66 €")
	lacks(t, "statement", text, "Relevé de compte", "Les déductions SAV dépassent")
	// the invoice part comes before the settlement
	ft := flat(text)
	if i, j := indexOf(ft, "Net TTC 96,00 €"), indexOf(ft, "Net à payer 0,00 €"); i < 0 || j < i {
		t.Errorf("the settlement must follow the invoice part: %d, %d", i, j)
	}
}

func TestDebitNotePDF(t *testing.T) {
	needPdftotext(t)
	r := New(nil)
	b := debitNoteV2()
	text := pdfText(t, renderInvoice(t, r, b, 0), 0)
	contains(t, "debit note", text,
		"Note de débit N° NDD-2026-000001", "Indemnité — hors champ d'application de la TVA",
		"Indemnités non compensées du relevé REL-1-2026-0010", "Indemnités 200,00 € – Net TTC 96,00 € = dépassement 104,00 €",
		"Total (hors TVA) 104,00 €", "TVA non applicable : indemnité hors champ d'application de la TVA", "Net à payer 104,00 €",
		"Payable à 30 jours", "pénalités au taux de trois fois", "recouvrement de 40,00 €",
		"Franchise RC Pro 200,00 €")
	lacks(t, "debit note", text, "TVA 20 %", "Commission corrective 45,00 €", "Facture N°")
	st := pdfText(t, renderStatement(t, r, b, 0), 0)
	contains(t, "statement", st, "Note de débit : NDD-2026-000001 104,00 €")
}

func TestStatementOfAccountPDF(t *testing.T) {
	needPdftotext(t)
	r := New(nil)
	b := accountV2()
	text := pdfText(t, renderStatement(t, r, b, 0), 0)
	contains(t, "statement of account", text,
		"Relevé de compte — ne vaut pas facture", "N° RDC-1-2026-11", "ce relevé de compte n'est pas une facture",
		"Compte de la période", "Prélevée après TVA", "34,67 €", "Règlement amiable", "50,00 €",
		"Net à payer 0,00 €", "Aucun versement pour cette période.")
	lacks(t, "statement of account", text, "Autofacturation", "Facture émise par", "Facture (autofacturation)")
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// TestWriteSamplesRulesV2 writes the rules v2's PDFs to $INVOICES_SAMPLES, to look at them.
func TestWriteSamplesRulesV2(t *testing.T) {
	out := os.Getenv("INVOICES_SAMPLES")
	if out == "" {
		t.Skip("set INVOICES_SAMPLES=dir to write sample PDFs")
	}
	r := New(nil)
	for name, b := range map[string]*sb.Book{"v2-damage": damageV2(), "v2-debit-note": debitNoteV2(), "v2-account": accountV2()} {
		if _, err := r.WriteAll(context.Background(), filepath.Join(out, name), b); err != nil {
			t.Fatal(err)
		}
	}
}
