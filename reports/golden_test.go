package reports

import (
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	sb "savbilling"
	"savbilling/internal/golden"
)

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
		book *sb.Book
		prev *sb.Totals
	}{
		{"worked-example", workedExample(), nil},
		{"rich", richBook(), previousTotals()},
		{"empty", &sb.Book{Period: october, ClosedAt: closedAt}, previousTotals()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := writeBook(t, tc.book, tc.prev)
			got := dump(t, f)
			golden.Check(t, tc.name, got)
		})
	}
}
