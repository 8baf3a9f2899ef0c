package reports

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	sb "savbilling"
)

// damageV2 is the worked example's damage variant under the rules v2 (domain.md): R1's invoice
// is unchanged (80,00 / 16,00 / 96,00); the deductible 200,00 is set off after VAT, the indemnity
// overflow of 104,00 goes on a debit note (finance's override); R5, whose only SAV line charges
// nothing, has no statement: the line is listed in the SAV sheet.
func damageV2() *sb.Book {
	b := workedExample()
	b.RulesVersion = sb.RulesV2
	r1 := &b.Statements[0]
	ded := r1.SAV[0]
	ded.Type, ded.DamageCents, ded.AmountCents = sb.LineDeductible, 30000, 20000
	r1.SAV = append(r1.SAV, ded)
	r1.DeductionsCents, r1.ReductionsCents, r1.IndemnitiesCents = 24500, 4500, 20000
	r1.IndemnityOverflowCents, r1.OverflowCents = 10400, 10400
	r1.InvoicedCents, r1.DebitNotedCents, r1.DebitNoteNumber = 10400, 10400, "NDD-2026-000001"
	b.Statements[1].PayableCents = 6500
	b.Invoices = []sb.Invoice{{Number: "NDD-2026-000001", Kind: sb.DocDebitNote, Seq: 1, Repairer: r1.Repairer,
		Period: october, IssuedOn: issuedOn, DueOn: issuedOn.AddDate(0, 0, 30),
		Lines:   []sb.InvoiceLine{{Kind: sb.InvoiceOverflow, AmountCents: 10400}},
		HTCents: 10400, TTCCents: 10400}}
	b.Unlisted = []sb.SAVLine{{SAVID: 205, OriginalID: 95, SAVRepairerID: 2, RepairerID: 5,
		Type: sb.LineNotCharged, Outcome: sb.OutcomeUnconfirmed, CorrectiveCents: 1000, City: "Lyon"}}
	return b
}

func TestWorkbookOfTheRulesV2(t *testing.T) {
	f, _ := writeBook(t, damageV2(), nil)
	rows, err := f.GetRows(SheetStatements, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	wantHead := []string{"ID réparateur", "Réparateur", "N° relevé", "Commissions HT", "Déductions SAV", "Échéances prélevées",
		"Net HT", "TVA", "Net TTC", "Mis en échéancier", "Facturé", "Indemnités (hors TVA)", "Indemnités prélevées", "Net à payer"}
	if diff := cmp.Diff(wantHead, rows[0][:len(wantHead)]); diff != "" {
		t.Errorf("Relevés headers (-want +got):\n%s", diff)
	}
	// R1: D = R + M = 245,00; Facturé = the debit note; Net à payer = Net TTC − M, at least 0.
	for col, want := range map[string]int64{"D2": 12500, "E2": 24500, "G2": 8000, "H2": 1600, "I2": 9600, "K2": 10400,
		"L2": 20000, "M2": 0, "N2": 0, "N3": 6500} {
		if got := cents(t, f, SheetStatements, col); got != want {
			t.Errorf("Relevés!%s = %d cents, want %d", col, got, want)
		}
	}
	inv, err := f.GetRows(SheetInvoices, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv) < 2 || inv[0][len(inv[0])-1] != "Type de document" || inv[1][0] != "NDD-2026-000001" ||
		inv[1][len(inv[1])-1] != "note de débit" || inv[1][6] != "0" ||
		inv[1][8] != "Indemnités non compensées 2026-10 : 104,00 €" {
		t.Errorf("Factures: %q", inv)
	}
	sav, err := f.GetRows(SheetSAV, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, r := range sav[1:] {
		if len(r) > 8 && r[0] != "" && r[0][0] >= '0' && r[0][0] <= '9' {
			types = append(types, r[0]+" "+r[8])
		}
	}
	if want := []string{"201 charge", "201 franchise", "205 non imputé"}; !cmp.Equal(want, types) {
		t.Errorf("SAV types %q, want %q", types, want)
	}
	sum, err := f.GetRows(SheetSummary, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range sum {
		if len(r) > 1 {
			got[r[0]] = r[1]
		}
	}
	for label, want := range map[string]string{"Aucun centime perdu": "OK", "Aucun centime perdu (indemnités)": "OK",
		"Indemnités hors TVA (M)": "200", "Net à payer": "65", "Notes de débit (hors TVA)": "104", "Notes de débit": "1"} {
		if got[label] != want {
			t.Errorf("Synthèse « %s » = %q, want %q", label, got[label], want)
		}
	}
}

// TestWorkbookOfARulesV1PeriodKeepsItsColumns: a period closed before the switch is rendered
// with the columns it was issued with (its workbook is reproduced to the byte).
func TestWorkbookOfARulesV1PeriodKeepsItsColumns(t *testing.T) {
	f, _ := writeBook(t, workedExample(), nil)
	rows, err := f.GetRows(SheetStatements, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][11] != "Régime TVA" {
		t.Errorf("Relevés!L1 = %q, want the v1 column « Régime TVA »", rows[0][11])
	}
}

// TestVATSummaryLeavesDebitNotesOutOfTheReturn: a debit note bills an indemnity, outside the scope
// of VAT: the VAT summary shows it on a line of its own, never as « TVA collectée » at 0 %.
func TestVATSummaryLeavesDebitNotesOutOfTheReturn(t *testing.T) {
	f, _ := writeBook(t, damageV2(), nil)
	rows, err := f.GetRows(SheetSummary, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, r := range rows {
		if len(r) == 0 {
			continue
		}
		if r[0] == "TVA collectée — factures" {
			t.Errorf("the debit note is in the VAT collected: %q", r)
		}
		if r[0] == "Notes de débit — indemnités (hors champ de la TVA)" {
			found = true
			if len(r) < 4 || r[1] != "—" || r[2] != "104" || r[3] != "0" {
				t.Errorf("debit notes line %q, want base 104 and no VAT", r)
			}
		}
	}
	if !found {
		t.Error("no line for the debit notes in the VAT summary")
	}
}
