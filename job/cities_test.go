package job

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"savbilling/internal/dbtest"
	"savbilling/reports"
	"savbilling/sample"
)

// cityBlock reads the Synthèse's « Commissions par ville » block of the workbook at path: its
// rows from the header through the total, « city | interventions | amount » as the cells hold
// them (raw values), and the sheet's « Commissions HT » value.
func cityBlock(t *testing.T, path string) (block []string, gross string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(reports.SheetSummary, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	in := false
	for i, r := range rows {
		for len(r) < 3 {
			r = append(r, "")
		}
		if r[0] == "Commissions HT" {
			gross = r[1]
		}
		if r[0] == "Commissions par ville" {
			in = true
		}
		if in {
			block = append(block, fmt.Sprintf("A%d: %s | %s | %s", i+1, r[0], r[1], r[2]))
		}
		if in && r[0] == "Total des commissions" {
			break
		}
	}
	return block, gross
}

// The workbook of each of the demo's months shows, in Synthèse under the VAT summary, its
// commissions by city of the intervention, exact cells: interventions and commissions HT, by
// amount descending then city, and a total equal to the statements' commissions to the cent
// (the sheet's « Commissions HT » and the sum of the booked statements' G). The closed
// period's block (summed in SQL over the ledger's lines) is the dry run's (the book in memory).
func TestWorkbookShowsTheDemosCommissionsByCity(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := dbtest.Open(t, e)
			j := newJob(t, db)
			j.Renderers = []Renderer{Workbook()}
			for _, st := range sample.Demo(sep) {
				insertDemo(t, db, st)
				dry := dryRunApart(ctx, t, j, st.Period, now)
				draft, _ := cityBlock(t, filepath.Join(dry.Dir, reports.FileName(st.Period)))
				res := mustClose(t, j, st.Period)
				got, gross := cityBlock(t, filepath.Join(res.Dir, reports.FileName(st.Period)))
				if d := cmp.Diff(demoCities[st.Period.String()], got); d != "" {
					t.Errorf("%s: the block (-want +got):\n%s", st.Period, d)
				}
				if d := cmp.Diff(got, draft); d != "" {
					t.Errorf("%s: the dry run's block differs (-closed +draft):\n%s", st.Period, d)
				}
				var g int64
				for _, s := range booked(t, db, st.Period).Statements {
					g += s.GrossCents
				}
				total := strings.Split(got[len(got)-1], " | ")
				if cents := euroCents(t, total[2]); cents != g || total[2] != gross {
					t.Errorf("%s: total %s, Commissions HT %s, the statements' commissions %d cents", st.Period, total[2], gross, g)
				}
			}
		})
	}
}

// euroCents reads a raw money cell (euros, a dot for the decimals) as cents.
func euroCents(t *testing.T, v string) int64 {
	t.Helper()
	units, dec, _ := strings.Cut(v, ".")
	for len(dec) < 2 {
		dec += "0"
	}
	c, err := strconv.ParseInt(units+dec, 10, 64)
	if err != nil {
		t.Fatalf("money cell %q: %v", v, err)
	}
	return c
}

// demoCities are the demo's blocks, as the workbook holds them.
var demoCities = map[string][]string{
	"2026-09": {
		"A52: Commissions par ville | Interventions | Commissions HT",
		"A53: Marseille | 52 | 3427.77",
		"A54: Paris | 40 | 2790.62",
		"A55: Bordeaux | 41 | 2723.37",
		"A56: Nantes | 35 | 2417.25",
		"A57: Lille | 39 | 2256.05",
		"A58: Toulouse | 24 | 1973.41",
		"A59: Lyon | 29 | 1936.6",
		"A60: Montpellier | 24 | 1589.28",
		"A61: Strasbourg | 23 | 1317.67",
		"A62: Rennes | 24 | 1303.8",
		"A63: Total des commissions | 331 | 21735.82",
	},
	"2026-10": {
		"A53: Commissions par ville | Interventions | Commissions HT",
		"A54: Bordeaux | 42 | 3803.6",
		"A55: Marseille | 50 | 3532.03",
		"A56: Paris | 38 | 2707.26",
		"A57: Lille | 38 | 2491.23",
		"A58: Nantes | 33 | 2386.27",
		"A59: Rennes | 25 | 1762.76",
		"A60: Montpellier | 23 | 1556.44",
		"A61: Lyon | 25 | 1496.75",
		"A62: Toulouse | 24 | 1364.87",
		"A63: Strasbourg | 23 | 1208.32",
		"A64: Total des commissions | 321 | 22309.53",
	},
	"2026-11": {
		"A52: Commissions par ville | Interventions | Commissions HT",
		"A53: Marseille | 49 | 3225.9",
		"A54: Paris | 37 | 2739.7",
		"A55: Lille | 36 | 2564.34",
		"A56: Bordeaux | 36 | 2147.94",
		"A57: Nantes | 33 | 1785.12",
		"A58: Lyon | 27 | 1672.97",
		"A59: Montpellier | 22 | 1487.38",
		"A60: Strasbourg | 23 | 1452.07",
		"A61: Rennes | 23 | 1430.18",
		"A62: Toulouse | 24 | 1406.56",
		"A63: Total des commissions | 310 | 19912.16",
	},
}
