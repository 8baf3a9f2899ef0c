package reports

import (
	"archive/zip"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The Synthèse reads and prints: its VAT summary for the monthly return (base and VAT per rate,
// the franchise apart, the invoices' collected VAT), the top-10 block with the rank apart from
// the name, the two charts apart with dark axis labels; every sheet prints landscape, fitted to
// the width, within its print area, and the anomalies' reasons wrap instead of being cut.
func TestWorkbookPrintsReadably(t *testing.T) {
	f, path := writeBook(t, richBook(), nil)
	// VAT summary: rows 33… under the totals
	for _, c := range []struct{ cell, want string }{
		{"A33", "TVA du mois (déclaration)"}, {"B33", "Taux"}, {"C33", "Base HT"}, {"D33", "TVA"},
		{"A34", "TVA déductible — relevés (autofacturation)"}, {"B34", "20 %"}, {"C34", "125"}, {"D34", "25"},
		{"A35", "Relevés en franchise (TVA non applicable, art. 293 B du CGI)"}, {"B35", "—"}, {"C35", "65"}, {"D35", "0"},
		{"A36", "TVA collectée — factures"}, {"B36", "20 %"}, {"C36", "55"}, {"D36", "11"},
		{"A37", "Total TVA déductible"}, {"D37", "25"},
		{"A38", "Total TVA collectée"}, {"D38", "11"},
	} {
		if got := raw(t, f, SheetSummary, c.cell); got != c.want {
			t.Errorf("Synthèse!%s = %q, want %q", c.cell, got, c.want)
		}
	}
	for _, cell := range []string{"C34", "D34", "D36", "D38"} {
		if got := numFmt(t, f, SheetSummary, cell); got != MoneyFormat {
			t.Errorf("Synthèse!%s format %q", cell, got)
		}
	}
	// the top-10 block: rank centred in its own column, the name indented after it
	if st := styleOf(t, f, SheetSummary, "I2"); st.Alignment == nil || st.Alignment.Horizontal != "center" {
		t.Errorf("Synthèse!I2 (rank) is not centred: %+v", st.Alignment)
	}
	if st := styleOf(t, f, SheetSummary, "J2"); st.Alignment == nil || st.Alignment.Indent < 1 {
		t.Errorf("Synthèse!J2 (name) is not set off from the rank: %+v", st.Alignment)
	}
	// anomalies: reasons and fixes wrap
	for _, cell := range []string{"B2", "C2", "B3", "C3"} {
		if st := styleOf(t, f, SheetAnomalies, cell); st.Alignment == nil || !st.Alignment.WrapText {
			t.Errorf("Anomalies!%s does not wrap", cell)
		}
	}
	// a reason longer than a line gets a row of two lines; ids never touch the name beside them
	long := richBook()
	long.Anomalies[1].Reason = strings.Repeat("imputation suspendue, motif très long ", 3) // 114 characters
	fl, _ := writeBook(t, long, nil)
	for row, want := range map[int]float64{2: 15, 3: 30} {
		if h, err := fl.GetRowHeight(SheetAnomalies, row); err != nil || h != want {
			t.Errorf("Anomalies row %d is %v points high (%v), want %v", row, h, err, want)
		}
	}
	if st := styleOf(t, f, SheetAnomalies, "E2"); st.Alignment == nil || st.Alignment.Horizontal != "center" {
		t.Errorf("Anomalies!E2 (id) is not centred: %+v", st.Alignment)
	}
	// page setup of every sheet, and its print area
	areas := map[string]string{}
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Area" {
			areas[dn.Scope] = dn.RefersTo
		}
	}
	for _, sh := range SheetNames() {
		pl, err := f.GetPageLayout(sh)
		if err != nil {
			t.Fatal(err)
		}
		if pl.Orientation == nil || *pl.Orientation != "landscape" || pl.FitToWidth == nil || *pl.FitToWidth != 1 ||
			pl.FitToHeight == nil || *pl.FitToHeight != 0 {
			t.Errorf("%s: page layout %+v, want landscape fitted to one page wide", sh, pl)
		}
		props, err := f.GetSheetProps(sh)
		if err != nil || props.FitToPage == nil || !*props.FitToPage {
			t.Errorf("%s: fit to page not set (%v)", sh, err)
		}
		if areas[sh] == "" {
			t.Errorf("%s: no print area", sh)
		}
	}
	if want := "'Anomalies'!$A$1:$F$5"; areas[SheetAnomalies] != want {
		t.Errorf("Anomalies print area %q, want %q", areas[SheetAnomalies], want)
	}
	if want := "'Synthèse'!$A$1:$L$59"; areas[SheetSummary] != want {
		t.Errorf("Synthèse print area %q, want %q", areas[SheetSummary], want)
	}

	// the charts: anchored one under the other without overlapping, on rows of a set height,
	// and their axis labels dark
	drawing := zipFile(t, path, "xl/drawings/drawing1.xml")
	rows := regexp.MustCompile(`<xdr:from><xdr:col>\d+</xdr:col><xdr:colOff>\d+</xdr:colOff><xdr:row>(\d+)</xdr:row>.*?<xdr:to><xdr:col>\d+</xdr:col><xdr:colOff>\d+</xdr:colOff><xdr:row>(\d+)</xdr:row>`).
		FindAllStringSubmatch(drawing, -1)
	if len(rows) != 2 {
		t.Fatalf("%d chart anchors in %s", len(rows), drawing)
	}
	from2, _ := strconv.Atoi(rows[1][1])
	to1, _ := strconv.Atoi(rows[0][2])
	if from2 <= to1 {
		t.Errorf("the charts overlap: the first ends on row %d, the second starts on row %d", to1+1, from2+1)
	}
	props, err := f.GetSheetProps(SheetSummary)
	if err != nil || props.DefaultRowHeight == nil || *props.DefaultRowHeight != 15 || props.CustomHeight == nil || !*props.CustomHeight {
		t.Errorf("Synthèse rows of no set height: %+v %v", props, err)
	}
	for _, name := range []string{"xl/charts/chart1.xml", "xl/charts/chart2.xml"} {
		chart := zipFile(t, path, name)
		if n := strings.Count(chart, `<a:srgbClr val="262626"`); n < 2 {
			t.Errorf("%s: %d dark axis labels, want both axes", name, n)
		}
	}
}

func styleOf(t *testing.T, f *excelize.File, sheet, cell string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func zipFile(t *testing.T, path, name string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, zf := range zr.File {
		if zf.Name == name {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("no %s in %s", name, path)
	return ""
}
