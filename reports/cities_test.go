package reports

import (
	"path/filepath"
	"strings"
	"testing"
)

// Synthèse lists the commissions by city under the VAT summary (columns A–C, away from the
// charts in F–L): interventions and commissions HT per city, by amount descending then city, a
// blank city as « (non renseignée) », a total equal to « Commissions HT »; the print area takes
// it in. A book whose lines do not add up to its statements' commissions is not written.
func TestSynthesisListsTheCommissionsByCity(t *testing.T) {
	b := richBook()
	b.Statements[2].Commissions[0].City = " " // 104, 30,00 € in Paris
	f, _ := writeBook(t, b, nil)
	want := [][]string{
		{"Commissions par ville", "Interventions", "Commissions HT"},
		{"Lyon", "3", "125"},
		{"Villeurbanne", "1", "65"},
		{"Paris", "2", "50"},
		{"(non renseignée)", "1", "30"},
		{"Marseille", "1", "10"},
		{"Total des commissions", "8", "280"},
	}
	for i, w := range want {
		for j, col := range []string{"A", "B", "C"} {
			cell := col + itoa(41+i)
			if got := raw(t, f, SheetSummary, cell); got != w[j] {
				t.Errorf("Synthèse!%s = %q, want %q", cell, got, w[j])
			}
		}
	}
	if got := raw(t, f, SheetSummary, "A48"); got != "" {
		t.Errorf("Synthèse!A48 = %q: the block goes on after its total", got)
	}
	if got := raw(t, f, SheetSummary, "B10"); got != "280" || raw(t, f, SheetSummary, "A10") != "Commissions HT" {
		t.Errorf("Synthèse!A10:B10 = %q %q, want Commissions HT 280", raw(t, f, SheetSummary, "A10"), got)
	}
	for _, cell := range []string{"C42", "C47"} {
		if got := numFmt(t, f, SheetSummary, cell); got != MoneyFormat {
			t.Errorf("Synthèse!%s format %q", cell, got)
		}
	}
	if st := styleOf(t, f, SheetSummary, "A47"); st.Font == nil || !st.Font.Bold {
		t.Errorf("Synthèse!A47 (the total) is not bold")
	}
	area := ""
	names := f.GetDefinedName()
	for _, n := range names {
		if n.Name == "_xlnm.Print_Area" && n.Scope == SheetSummary {
			area = n.RefersTo
		}
	}
	if area != "'Synthèse'!$A$1:$L$59" {
		t.Errorf("Synthèse's print area %q", area)
	}

	// a book that does not add up: its lines say 280,00 €, its statements 281,00 €
	bad := richBook()
	bad.Statements[0].GrossCents += 100
	err := Write(filepath.Join(t.TempDir(), "x.xlsx"), bad, nil)
	if err == nil || !strings.Contains(err.Error(), "commissions by city: 280,00 € in all, the statements' commissions are 281,00 €") {
		t.Errorf("a book whose lines do not add up: %v", err)
	}
}
