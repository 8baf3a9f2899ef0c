package faults

import (
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"savbilling/reports"
)

// TestCreditOnAnInterventionThatIsNoSAV: a customer credit granted on a standard intervention, or
// on an intervention that does not exist, is never dropped (issue 17, point 6): the close lists it
// in the workbook's « Gestes commerciaux » as a cost borne by the network (« Hors SAV »), with a
// warning in « Anomalies » saying what to check; the intervention's commission is booked as usual.
// Through the binary, on both engines, read from the workbook's cells.
func TestCreditOnAnInterventionThatIsNoSAV(t *testing.T) {
	runGroup(t, badGroup{name: "credits off SAV", cases: []badCase{
		{name: "credit on a standard intervention",
			rows: rows(work(9500, 1, d1, 3000), []srow{credit(9501, 9500, 1250, d2, "Geste vélo")}),
			want: want{item: "crédit 9501 (intervention 9500)", reason: "sur une intervention qui n'est pas un SAV",
				fix: "client_credits.intervention_id", warn: true, booked: []int64{9500},
				check: goodwillRow("9501", []string{"9501", "9500", "46307", "Geste vélo", "12.5", "Hors SAV", "oui", "12.5", "non",
					"geste sur une intervention qui n'est pas un SAV : à la charge du réseau"})}},
		{name: "credit on a missing intervention",
			rows: []srow{credit(9601, 9600, 700, d2, "Geste")},
			want: want{item: "crédit 9601 (intervention 9600)", reason: "sur une intervention inexistante",
				fix: "client_credits.intervention_id", warn: true,
				check: goodwillRow("9601", []string{"9601", "9600", "46307", "Geste", "7", "Hors SAV", "oui", "7", "non",
					"geste sur une intervention inexistante : à la charge du réseau"})}},
	}})
}

// goodwillRow checks the row of credit id in the workbook's « Gestes commerciaux » sheet (raw
// values: the day granted as a date serial, 46307 = 12/10/2026; amounts in euros), that the
// Synthèse counts both credits of the group in the network's cost (19,50 €), and the anomaly's
// severity in « Anomalies ».
func goodwillRow(id string, want []string) func(t *testing.T, c *closed) {
	return func(t *testing.T, c *closed) {
		t.Helper()
		f, err := excelize.OpenFile(c.wb)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheet, err := f.GetRows(reports.SheetGoodwill, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range sheet[1:] {
			if len(r) > 0 && r[0] == id {
				got = r
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("« %s », row of credit %s: %q, want %q", reports.SheetGoodwill, id, got, want)
		}
		summary, err := f.GetRows(reports.SheetSummary, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		cost := false
		for _, r := range summary {
			cost = cost || (len(r) > 1 && r[0] == "Coût des gestes commerciaux (réseau)" && r[1] == "19.5")
		}
		if !cost {
			t.Errorf("« %s »: the network's cost of goodwill is not 19,50 €: %q", reports.SheetSummary, summary)
		}
		for _, r := range c.sheet[1:] {
			if len(r) > 3 && r[0] == "crédit "+id+" (intervention "+want[1]+")" && r[3] != "avertissement" {
				t.Errorf("« %s »: credit %s is %q, want a warning", reports.SheetAnomalies, id, r[3])
			}
		}
	}
}
