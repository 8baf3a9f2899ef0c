package reports

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"savbilling"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden files")

// goldenRows is how many rows of each sheet the golden dumps show (the totals row is always shown).
const goldenRows = 35

// dump writes the headers and first rows of every sheet as text: each cell as it displays
// (number formats applied), formulas as {=…} before their value, then the number format of the
// cell in brackets when it has one.
func dump(t *testing.T, f *excelize.File) string {
	t.Helper()
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		fmt.Fprintf(&b, "== %s\n", sheet)
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			if i >= goldenRows && i != len(rows)-1 {
				if i == goldenRows {
					fmt.Fprintf(&b, "…\n")
				}
				continue
			}
			var cells []string
			for j, v := range r {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				formula, _ := f.GetCellFormula(sheet, cell)
				if formula != "" {
					v = "{=" + formula + "} " + v
				}
				if v == "" {
					cells = append(cells, "")
					continue
				}
				if i > 0 {
					if nf := numFmt(t, f, sheet, cell); !strings.HasPrefix(nf, "builtin:") {
						v += " [" + nf + "]"
					}
				}
				cells = append(cells, v)
			}
			fmt.Fprintf(&b, "%d: %s\n", i+1, strings.TrimRight(strings.Join(cells, " | "), " |"))
		}
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		book *savbilling.Book
		prev *savbilling.Totals
	}{
		{"worked-example", workedExample(), nil},
		{"rich", richBook(), previousTotals()},
		{"empty", &savbilling.Book{Period: october, ClosedAt: closedAt}, previousTotals()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := writeBook(t, tc.book, tc.prev)
			got := dump(t, f)
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./reports -run TestGolden -update)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", path, diff)
			}
		})
	}
}
