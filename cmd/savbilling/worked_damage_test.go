package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"savbilling/internal/dbtest"
	"savbilling/sample"
)

// TestWorkedExampleDamageDocuments closes the rulebook's worked example with its damage variant
// (300,00 € on the umbrella policy) on each engine and reads R1's statement PDF and the
// workbook: the invoice part is unchanged (80,00 / 16,00 / 96,00), the deductible 200,00 € is
// set off below it, Om 104,00 € goes on a plan of 34,67 / 34,67 / 34,66, the Net à payer is 0,00 €.
func TestWorkedExampleDamageDocuments(t *testing.T) {
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext (poppler-utils) is required")
	}
	dec2 := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db := dbtest.Open(t, e)
			src := sample.WorkedExample()
			src.Decisions[0].DamageCents = 30000
			if err := db.InsertSource(context.Background(), src); err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			env := map[string]string{"SAVBILLING_DB": e.DB, "SAVBILLING_OUT": out}
			for _, p := range []string{"2026-09", "2026-10"} {
				if code, stdout, stderr := cli(t, dec2, env, "close", "--period", p); code != exitOK {
					t.Fatalf("close %s: exit %d\n%s%s", p, code, stdout, stderr)
				}
			}
			text, err := exec.Command(pdftotext, "-layout", filepath.Join(out, "2026-10", "statements", "REL-1-2026-0002.pdf"), "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			flat := regexp.MustCompile(`\s+`).ReplaceAllString(string(text), " ")
			for _, want := range []string{"Facture (autofacturation)", "Réductions SAV (R) 45,00 €", "Net HT 80,00 €",
				"TVA 20 % 16,00 €", "Net TTC 96,00 €", "Indemnités (préjudice), hors TVA (M) 200,00 €",
				"Indemnités non compensées (Om) 104,00 €", "Net à payer 0,00 €", "34,67 €", "34,66 €"} {
				if !strings.Contains(flat, want) {
					t.Errorf("R1's statement lacks « %s »:\n%s", want, text)
				}
			}
			f, err := excelize.OpenFile(filepath.Join(out, "2026-10", "finance-2026-10.xlsx"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows("Relevés", excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			var r1 []string
			for _, r := range rows {
				if len(r) > 2 && r[2] == "REL-1-2026-0002" {
					r1 = r
				}
			}
			// G, D, paid, Net HT, VAT, Net TTC, spread, invoiced, M, paid_m, Net à payer
			want := []string{"125", "245", "0", "80", "16", "96", "104", "0", "200", "0", "0"}
			if len(r1) < 14 || strings.Join(r1[3:14], " ") != strings.Join(want, " ") {
				t.Errorf("Relevés row of R1: %q, want D..N %q", r1, want)
			}
		})
	}
}
