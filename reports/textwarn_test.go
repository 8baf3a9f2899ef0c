package reports

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// A text that the documents print with a substitute (no embedded font draws it) is a warning in
// the Anomalies sheet naming the repairer and the field; what a font draws (CJK, Arabic,
// Hebrew, a mathematical letter through its compatibility form) is not.
func TestUndrawableTextIsAWarningInAnomalies(t *testing.T) {
	b := workedExample()
	b.Statements[0].Repairer.Name = "Atelier 🚲 北京 مرحبا שלום 𝕍"
	b.Statements[0].Repairer.Address = "1 rue \U0001F600\n75001 Paris"
	b.Statements[1].Repairer.Name = "Garage 北京 e\u0301"
	b.Issuer.Name = "Réseau 🚲"
	path := filepath.Join(t.TempDir(), "w.xlsx")
	if err := Write(path, b, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(SheetAnomalies)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"réseau (identité)", "Nom : caractères qu'aucune police des documents ne sait imprimer, imprimés « \uFFFD » : 🚲 (U+1F6B2)",
			"Corriger l'identité du réseau dans la configuration ; sinon les documents l'impriment ainsi.", "avertissement"},
		{"réparateur 1", "Nom : caractères qu'aucune police des documents ne sait imprimer, imprimés « \uFFFD » : 🚲 (U+1F6B2)",
			"Corriger la fiche du réparateur dans la source ; sinon les documents l'impriment ainsi.", "avertissement",
			"1", "Atelier 🚲 北京 مرحبا שלום 𝕍"},
		{"réparateur 1", "Adresse : caractères qu'aucune police des documents ne sait imprimer, imprimés « \uFFFD » : \U0001F600 (U+1F600)",
			"Corriger la fiche du réparateur dans la source ; sinon les documents l'impriment ainsi.", "avertissement",
			"1", "Atelier 🚲 北京 مرحبا שלום 𝕍"},
	}
	var got [][]string
	for _, r := range rows[1:] {
		if len(r) > 0 && (r[0] == "réseau (identité)" || strings.HasPrefix(r[0], "réparateur ")) {
			got = append(got, r)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("warnings:\n%q\nwant\n%q", got, want)
	}
	for i := range want {
		for j := range want[i] {
			if j >= len(got[i]) || got[i][j] != want[i][j] {
				t.Errorf("warning %d, column %d = %q, want %q", i, j, got[i], want[i][j])
				break
			}
		}
	}

	// the same book without such a text has no warning
	b = workedExample()
	if err := Write(path, b, nil); err != nil {
		t.Fatal(err)
	}
	f2, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	rows, _ = f2.GetRows(SheetAnomalies)
	for _, r := range rows {
		if len(r) > 1 && (r[0] == "réseau (identité)" || strings.HasPrefix(r[0], "réparateur ")) {
			t.Errorf("unexpected warning %q", r)
		}
	}
}
