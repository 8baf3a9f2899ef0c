package reports

import (
	"archive/zip"
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	sb "savbilling"
)

// writeBook writes b under a fresh temp folder and opens the result.
func writeBook(t *testing.T, b *sb.Book, prev *sb.Totals) (*excelize.File, string) {
	t.Helper()
	path := Path(t.TempDir(), b)
	if err := Write(path, b, prev); err != nil {
		t.Fatalf("Write: %v", err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f, path
}

func raw(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, cell, err)
	}
	return v
}

// cents reads a numeric cell holding euros back as cents, failing on a text cell.
func cents(t *testing.T, f *excelize.File, sheet, cell string) int64 {
	t.Helper()
	assertNumeric(t, f, sheet, cell)
	return toCents(t, sheet+"!"+cell, raw(t, f, sheet, cell))
}

func toCents(t *testing.T, where, v string) int64 {
	t.Helper()
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Fatalf("%s = %q: not a number", where, v)
	}
	return int64(math.Round(x * 100))
}

func assertNumeric(t *testing.T, f *excelize.File, sheet, cell string) {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("%s!%s: cell type %v, want a number", sheet, cell, typ)
	}
	if _, err := strconv.ParseFloat(raw(t, f, sheet, cell), 64); err != nil {
		t.Errorf("%s!%s = %q: not numeric", sheet, cell, raw(t, f, sheet, cell))
	}
}

func numFmt(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt == nil {
		return "builtin:" + strconv.Itoa(st.NumFmt)
	}
	return *st.CustomNumFmt
}

func headers(t *testing.T, f *excelize.File, sheet string) []string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		return nil
	}
	return rows[0]
}

// column returns the letter of the column whose header is h.
func columnOf(t *testing.T, f *excelize.File, sheet, h string) string {
	t.Helper()
	for j, v := range headers(t, f, sheet) {
		if v == h {
			name, _ := excelize.ColumnNumberToName(j + 1)
			return name
		}
	}
	t.Fatalf("%s: no column %q", sheet, h)
	return ""
}

func TestFileNameAndPath(t *testing.T) {
	b := &sb.Book{Period: sb.MustPeriod("2026-03")}
	if got := FileName(b.Period); got != "finance-2026-03.xlsx" {
		t.Errorf("FileName = %q", got)
	}
	if got, want := Path("out", b), filepath.Join("out", "2026-03", "finance-2026-03.xlsx"); got != want {
		t.Errorf("Path = %q, want %q", got, want)
	}
	b.Draft = true
	if got, want := Path("out", b), filepath.Join("out", "2026-03", "draft", "finance-2026-03.xlsx"); got != want {
		t.Errorf("Path(draft) = %q, want %q", got, want)
	}
}

var wantHeaders = map[string][]string{
	SheetStatements: {"ID réparateur", "Réparateur", "N° relevé", "Commissions HT", "Déductions SAV",
		"Échéances prélevées", "Net HT", "TVA", "Net TTC", "Mis en échéancier", "Facturé",
		"Régime TVA", "Dépassement", "N° facture", "Émis le", "Payable le", "Interventions", "Lignes SAV"},
	SheetSAV: {"ID SAV", "ID intervention d'origine", "ID réparateur SAV", "ID réparateur fautif",
		"Décision", "Part (%)", "Commission corrective HT", "Montant imputé HT", "Type",
		"Dommage HT", "Ville", "Réparateur fautif", "N° relevé"},
	SheetPlans: {"ID échéancier", "ID réparateur", "Réparateur", "Créé en", "Échéances", "Total", "Payé",
		"Solde", "Prochaine échéance", "Statut", "Prélevé ce mois", "Facturé", "Clos en"},
	SheetInvoices: {"N° facture", "ID réparateur", "Réparateur", "Date d'émission", "Échéance",
		"Total HT", "TVA", "Total TTC", "Détail", "Taux TVA (%)", "Période"},
	SheetInsurance: {"ID SAV", "ID réparateur", "Réparateur", "Police", "Dommage HT", "Franchise",
		"Montant réclamé HT", "Ajustement"},
	SheetGoodwill: {"ID geste", "ID SAV", "Accordé le", "Motif", "Montant HT", "Décision",
		"À la charge du réseau", "Coût réseau HT", "Conforme à la décision", "Remarque"},
	SheetAnomalies: {"Élément", "Motif", "Correction", "Gravité", "ID réparateur", "Réparateur"},
	SheetPending:   {"ID SAV", "ID intervention d'origine", "ID réparateur SAV", "Réparateur SAV", "Clôturé le", "Âge (jours)"},
}

// contractHeaders are the leading columns docs/contract.md fixes.
var contractHeaders = map[string][]string{
	SheetStatements: {"ID réparateur", "Réparateur", "N° relevé", "Commissions HT", "Déductions SAV",
		"Échéances prélevées", "Net HT", "TVA", "Net TTC", "Mis en échéancier", "Facturé"},
	SheetSAV: {"ID SAV", "ID intervention d'origine", "ID réparateur SAV", "ID réparateur fautif",
		"Décision", "Part (%)", "Commission corrective HT", "Montant imputé HT", "Type"},
}

func TestSheetsAndHeaders(t *testing.T) {
	summaryTables := []string{"Ville", "Montant imputé HT", "", "Rang", "Réparateur", "Montant imputé HT", "ID réparateur"}
	for _, tc := range []struct {
		name        string
		book        *sb.Book
		prev        *sb.Totals
		wantSummary []string
	}{
		{"worked example, first close", workedExample(), nil,
			append([]string{"Libellé", "Valeur", "", "", ""}, summaryTables...)},
		{"rich, with previous month", richBook(), previousTotals(),
			append([]string{"Libellé", "Valeur", "Mois précédent", "Écart", ""}, summaryTables...)},
		{"empty month", &sb.Book{Period: october, ClosedAt: closedAt}, nil,
			append([]string{"Libellé", "Valeur", "", "", ""}, summaryTables...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := writeBook(t, tc.book, tc.prev)
			want := []string{"Synthèse", "Relevés", "SAV", "Échéanciers", "Factures", "Assurance",
				"Gestes commerciaux", "Anomalies", "En attente"}
			if diff := cmp.Diff(want, f.GetSheetList()); diff != "" {
				t.Fatalf("sheets (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantSummary, headers(t, f, SheetSummary)); diff != "" {
				t.Errorf("Synthèse headers (-want +got):\n%s", diff)
			}
			for sheet, want := range wantHeaders {
				if diff := cmp.Diff(want, headers(t, f, sheet)); diff != "" {
					t.Errorf("%s headers (-want +got):\n%s", sheet, diff)
				}
			}
			for sheet, want := range contractHeaders {
				if got := headers(t, f, sheet)[:len(want)]; !cmp.Equal(want, got) {
					t.Errorf("%s: contract columns %q, want %q", sheet, got, want)
				}
			}
			for _, sheet := range want {
				assertHeaderStyle(t, f, sheet)
			}
		})
	}
}

// assertHeaderStyle checks that row 1 is bold and frozen and the sheet has an autofilter from A1.
func assertHeaderStyle(t *testing.T, f *excelize.File, sheet string) {
	t.Helper()
	id, err := f.GetCellStyle(sheet, "A1")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.Font == nil || !st.Font.Bold {
		t.Errorf("%s!A1 is not bold", sheet)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("%s: panes %+v, want row 1 frozen", sheet, panes)
	}
	var filters []string
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" && d.Scope == sheet {
			filters = append(filters, d.RefersTo)
		}
	}
	if len(filters) != 1 || !strings.HasPrefix(filters[0], "'"+sheet+"'!$A$1:") {
		t.Errorf("%s: autofilter %q, want one from A1", sheet, filters)
	}
}

func TestWorkedExampleToTheCent(t *testing.T) {
	f, _ := writeBook(t, workedExample(), nil)
	const st = SheetStatements
	for _, tc := range []struct {
		row                                   string
		id                                    string
		name                                  string
		g, d, inst, net, vat, ttc, spread, ic int64
		regime                                string
	}{
		{"2", "1", "Atelier Rive Gauche", 12500, 4500, 0, 8000, 1600, 9600, 0, 0, "standard"},
		{"3", "2", "Cycles Łukasz & Fils", 6500, 0, 0, 6500, 0, 6500, 0, 0, "franchise"},
	} {
		if got := raw(t, f, st, "A"+tc.row); got != tc.id {
			t.Errorf("Relevés!A%s = %q, want %q", tc.row, got, tc.id)
		}
		assertNumeric(t, f, st, "A"+tc.row)
		if got := raw(t, f, st, "B"+tc.row); got != tc.name {
			t.Errorf("Relevés!B%s = %q, want %q", tc.row, got, tc.name)
		}
		for col, want := range map[string]int64{"D": tc.g, "E": tc.d, "F": tc.inst, "G": tc.net,
			"H": tc.vat, "I": tc.ttc, "J": tc.spread, "K": tc.ic} {
			if got := cents(t, f, st, col+tc.row); got != want {
				t.Errorf("Relevés!%s%s = %d cents, want %d", col, tc.row, got, want)
			}
			if got := numFmt(t, f, st, col+tc.row); got != MoneyFormat {
				t.Errorf("Relevés!%s%s format %q, want %q", col, tc.row, got, MoneyFormat)
			}
		}
		if got := raw(t, f, st, "L"+tc.row); got != tc.regime {
			t.Errorf("Relevés!L%s = %q, want %q", tc.row, got, tc.regime)
		}
	}
	// the one SAV line
	got, err := f.GetRows(SheetSAV, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"201", "90", "2", "1", "Prise en charge totale", "100", "45", "45", "charge", "0", "Villeurbanne", "Atelier Rive Gauche", "REL-1-2026-0010"}
	if diff := cmp.Diff(want, got[1]); diff != "" {
		t.Errorf("SAV row 2 (-want +got):\n%s", diff)
	}
	for _, c := range []string{"A2", "B2", "C2", "D2", "F2", "G2", "H2"} {
		assertNumeric(t, f, SheetSAV, c)
	}
	if got := numFmt(t, f, SheetSAV, "F2"); got != PercentFormat {
		t.Errorf("SAV!F2 format %q, want %q", got, PercentFormat)
	}
	for _, c := range []string{"G2", "H2"} {
		if got := numFmt(t, f, SheetSAV, c); got != MoneyFormat {
			t.Errorf("SAV!%s format %q, want %q", c, got, MoneyFormat)
		}
	}
	if got := numFmt(t, f, SheetSAV, "A2"); got != IntFormat {
		t.Errorf("SAV!A2 format %q, want %q", got, IntFormat)
	}
}

func TestPartialShareIsNumericPercent(t *testing.T) {
	f, _ := writeBook(t, richBook(), nil)
	rows, err := f.GetRows(SheetSAV, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for i, r := range rows[1:] {
		if len(r) > 5 && r[0] == "202" {
			found = true
			cell := "F" + strconv.Itoa(i+2)
			assertNumeric(t, f, SheetSAV, cell)
			if r[5] != "33.33" || r[4] != "Prise en charge partielle" {
				t.Errorf("SAV 202: part %q, décision %q", r[5], r[4])
			}
		}
	}
	if !found {
		t.Fatal("no SAV 202 row")
	}
}

func TestDatesAreDateCells(t *testing.T) {
	f, _ := writeBook(t, richBook(), previousTotals())
	for _, tc := range []struct{ sheet, header, want string }{
		{SheetStatements, "Émis le", "02/11/2026"},
		{SheetStatements, "Payable le", "17/11/2026"},
		{SheetInvoices, "Date d'émission", "02/11/2026"},
		{SheetInvoices, "Échéance", "02/12/2026"},
		{SheetGoodwill, "Accordé le", "15/10/2026"}, // 23:00 UTC on the 14th is the 15th in Paris
		{SheetPending, "Clôturé le", "20/10/2026"},
	} {
		cell := columnOf(t, f, tc.sheet, tc.header) + "2"
		assertNumeric(t, f, tc.sheet, cell)
		if got := numFmt(t, f, tc.sheet, cell); got != DateFormat {
			t.Errorf("%s!%s format %q, want %q", tc.sheet, cell, got, DateFormat)
		}
		serial, _ := strconv.ParseFloat(raw(t, f, tc.sheet, cell), 64)
		got := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(serial)).Format("02/01/2006")
		if got != tc.want || serial != math.Trunc(serial) {
			t.Errorf("%s!%s = %v (%s), want %s at midnight", tc.sheet, cell, serial, got, tc.want)
		}
	}
	// the close's instant, Paris time
	if got := numFmt(t, f, SheetSummary, "B4"); got != DateTimeFormat {
		t.Errorf("Synthèse!B4 format %q", got)
	}
	if got, _ := f.GetCellValue(SheetSummary, "B4"); got != "02/11/2026 06:30" {
		t.Errorf("Synthèse!B4 = %q, want 02/11/2026 06:30", got)
	}
}

// totalsCase says which Totals figure a sheet's totals row must equal, column by column.
type totalsCase struct {
	sheet  string
	header string
	want   func(sb.Totals) int64
}

func TestTotalsRowsMatchLedger(t *testing.T) {
	for _, tc := range []struct {
		name string
		book *sb.Book
	}{
		{"worked example", workedExample()},
		{"rich", richBook()},
		{"empty", &sb.Book{Period: october, ClosedAt: closedAt}},
		{"3000 SAV lines", bigBook(300, 10)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := writeBook(t, tc.book, nil)
			tot := tc.book.Totals()
			sumSAV := func(t sb.Totals) int64 {
				return t.ChargesCents + t.SettlementsCents + t.DeductiblesCents + t.AdjustmentsCents
			}
			cases := []totalsCase{
				{SheetStatements, "Commissions HT", func(t sb.Totals) int64 { return t.GrossCents }},
				{SheetStatements, "Déductions SAV", func(t sb.Totals) int64 { return t.DeductionsCents }},
				{SheetStatements, "Échéances prélevées", func(t sb.Totals) int64 { return t.InstallmentsCents }},
				{SheetStatements, "Net HT", func(t sb.Totals) int64 { return t.NetCents }},
				{SheetStatements, "TVA", func(t sb.Totals) int64 { return t.VATCents }},
				{SheetStatements, "Net TTC", func(t sb.Totals) int64 { return t.NetTTCCents }},
				{SheetStatements, "Mis en échéancier", func(t sb.Totals) int64 { return t.SpreadCents }},
				{SheetStatements, "Facturé", func(t sb.Totals) int64 { return t.InvoicedCents }},
				{SheetStatements, "Dépassement", func(t sb.Totals) int64 { return t.OverflowCents }},
				{SheetSAV, "Montant imputé HT", func(t sb.Totals) int64 { return t.DeductionsCents }},
				{SheetSAV, "Montant imputé HT", sumSAV},
				{SheetPlans, "Solde", func(t sb.Totals) int64 { return t.PlanBalancesAfterCents }},
				{SheetPlans, "Prélevé ce mois", func(t sb.Totals) int64 { return t.InstallmentsCents }},
				{SheetInvoices, "Total HT", func(t sb.Totals) int64 { return t.InvoicedCents }},
				{SheetInsurance, "Montant réclamé HT", func(t sb.Totals) int64 { return t.ClaimsCents }},
				{SheetGoodwill, "Coût réseau HT", func(t sb.Totals) int64 { return t.GoodwillCents }},
			}
			for _, c := range cases {
				n := countRows(tc.book, c.sheet)
				totalRow, last := totalsRow(n)
				col := columnOf(t, f, c.sheet, c.header)
				cell := col + strconv.Itoa(totalRow)
				formula, err := f.GetCellFormula(c.sheet, cell)
				if err != nil {
					t.Fatal(err)
				}
				if want := "SUBTOTAL(109," + col + "2:" + col + strconv.Itoa(last) + ")"; formula != want {
					t.Errorf("%s!%s formula %q, want %q", c.sheet, cell, formula, want)
				}
				calc, err := f.CalcCellValue(c.sheet, cell, excelize.Options{RawCellValue: true})
				if err != nil {
					t.Fatalf("%s!%s: calc: %v", c.sheet, cell, err)
				}
				want := c.want(tot)
				if got := toCents(t, c.sheet+"!"+cell, calc); got != want {
					t.Errorf("%s!%s (%s) computes %d cents, ledger says %d", c.sheet, cell, c.header, got, want)
				}
				if got := cents(t, f, c.sheet, cell); got != want {
					t.Errorf("%s!%s (%s) caches %d cents, ledger says %d", c.sheet, cell, c.header, got, want)
				}
				if got := numFmt(t, f, c.sheet, cell); got != MoneyFormat {
					t.Errorf("%s!%s format %q", c.sheet, cell, got)
				}
				// the label counts the rows
				label, err := f.CalcCellValue(c.sheet, "A"+strconv.Itoa(totalRow))
				if err != nil {
					t.Fatal(err)
				}
				if want := "Total (lignes : " + strconv.Itoa(n) + ")"; label != want {
					t.Errorf("%s!A%d = %q, want %q", c.sheet, totalRow, label, want)
				}
			}
		})
	}
}

func countRows(b *sb.Book, sheet string) int {
	switch sheet {
	case SheetStatements:
		return len(b.Statements)
	case SheetSAV:
		n := 0
		for _, s := range b.Statements {
			n += len(s.SAV)
		}
		return n
	case SheetPlans:
		return len(b.Plans)
	case SheetInvoices:
		return len(b.Invoices)
	case SheetInsurance:
		return len(b.Claims)
	case SheetGoodwill:
		return len(b.Goodwill)
	case SheetAnomalies:
		return len(b.Anomalies)
	case SheetPending:
		return len(b.Pending)
	}
	return -1
}

func TestSummary(t *testing.T) {
	b, prev := richBook(), previousTotals()
	f, _ := writeBook(t, b, prev)
	tot := b.Totals()
	rows, err := f.GetRows(SheetSummary, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	byLabel := map[string][]string{}
	rowOf := map[string]int{}
	for i, r := range rows[1:] {
		if len(r) > 0 && r[0] != "" {
			byLabel[r[0]] = r
			rowOf[r[0]] = i + 2
		}
	}
	for _, tc := range []struct {
		label     string
		cur, prev int64
	}{
		{"Commissions HT", tot.GrossCents, prev.GrossCents},
		{"Déductions SAV (D)", tot.DeductionsCents, prev.DeductionsCents},
		{"dont imputations SAV", tot.ChargesCents, prev.ChargesCents},
		{"dont règlements amiables", tot.SettlementsCents, prev.SettlementsCents},
		{"dont franchises", tot.DeductiblesCents, prev.DeductiblesCents},
		{"dont ajustements", tot.AdjustmentsCents, prev.AdjustmentsCents},
		{"Échéances prélevées", tot.InstallmentsCents, prev.InstallmentsCents},
		{"Net HT", tot.NetCents, prev.NetCents},
		{"TVA", tot.VATCents, prev.VATCents},
		{"Net TTC", tot.NetTTCCents, prev.NetTTCCents},
		{"Mis en échéancier", tot.SpreadCents, prev.SpreadCents},
		{"Facturé HT", tot.InvoicedCents, prev.InvoicedCents},
		{"Coût des gestes commerciaux (réseau)", tot.GoodwillCents, prev.GoodwillCents},
		{"Sinistres déclarés à l'assurance", tot.ClaimsCents, prev.ClaimsCents},
		{"Contrôle : D + soldes avant", 38500, 10500},
		{"Contrôle : imputé + prélevé + facturé + soldes après", 38500, 10500},
	} {
		if _, ok := byLabel[tc.label]; !ok {
			t.Errorf("Synthèse: no row %q", tc.label)
			continue
		}
		row := strconv.Itoa(rowOf[tc.label])
		if got := cents(t, f, SheetSummary, "B"+row); got != tc.cur {
			t.Errorf("%s = %d cents, want %d", tc.label, got, tc.cur)
		}
		if got := cents(t, f, SheetSummary, "C"+row); got != tc.prev {
			t.Errorf("%s (mois précédent) = %d cents, want %d", tc.label, got, tc.prev)
		}
		if got := cents(t, f, SheetSummary, "D"+row); got != tc.cur-tc.prev {
			t.Errorf("%s (écart) = %d cents, want %d", tc.label, got, tc.cur-tc.prev)
		}
		for _, c := range []string{"B", "C", "D"} {
			if got := numFmt(t, f, SheetSummary, c+row); got != MoneyFormat {
				t.Errorf("Synthèse!%s%s format %q", c, row, got)
			}
		}
	}
	for label, want := range map[string][]string{
		"Période":                    {"Période", "2026-10", "2026-09"},
		"Statut":                     {"Statut", "Clôturé"},
		"Relevés":                    {"Relevés", "5", "4", "1"},
		"Anomalies":                  {"Anomalies", "2", "1", "1"},
		"dont bloquantes":            {"dont bloquantes", "1", "0", "1"},
		"SAV en attente de décision": {"SAV en attente de décision", "1", "2", "-1"},
		"Aucun centime perdu":        {"Aucun centime perdu", "OK"},
	} {
		got := byLabel[label][:min(len(byLabel[label]), 4)]
		for len(got) > 0 && got[len(got)-1] == "" {
			got = got[:len(got)-1]
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Synthèse row %q (-want +got):\n%s", label, diff)
		}
	}
	// the side tables behind the charts
	for _, tc := range []struct {
		cell, want string
	}{
		{"F2", "Paris"}, {"G2", "250"}, {"F3", "Villeurbanne"}, {"G3", "45"}, {"F4", "(inconnue)"}, {"G4", "40"},
		{"I2", "1"}, {"J2", "Vélo <Express>"}, {"K2", "250"}, {"L2", "3"},
		{"I3", "2"}, {"K3", "55"}, {"L3", "4"}, {"I4", "3"}, {"K4", "45"}, {"L4", "1"}, {"I5", ""},
	} {
		if got := raw(t, f, SheetSummary, tc.cell); got != tc.want {
			t.Errorf("Synthèse!%s = %q, want %q", tc.cell, got, tc.want)
		}
	}
}

func TestChartsArePresent(t *testing.T) {
	_, path := writeBook(t, richBook(), nil)
	names := zipNames(t, path)
	for _, want := range []string{"xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/drawings/drawing1.xml"} {
		if !names[want] {
			t.Errorf("no %s in the workbook", want)
		}
	}
	// no chart without SAV lines
	_, path = writeBook(t, &sb.Book{Period: october, ClosedAt: closedAt}, nil)
	if names := zipNames(t, path); names["xl/charts/chart1.xml"] {
		t.Error("a chart without data")
	}
}

func zipNames(t *testing.T, path string) map[string]bool {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string]bool{}
	for _, f := range zr.File {
		out[f.Name] = true
	}
	return out
}

func TestNoCentLostShowsMismatch(t *testing.T) {
	b := richBook()
	b.Statements[3].InvoicedCents = 5400 // statement and invoice disagree: not a check of Totals
	b.Invoices[0].HTCents = 5400         // the invoiced total now misses 1.00 €
	f, _ := writeBook(t, b, nil)
	rows, err := f.GetRows(SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if len(r) > 1 && r[0] == "Aucun centime perdu" {
			if !strings.HasPrefix(r[1], "ÉCART") {
				t.Errorf("check = %q, want an ÉCART", r[1])
			}
			return
		}
	}
	t.Fatal("no check row")
}

func TestDraftIsMarked(t *testing.T) {
	b := workedExample()
	b.Draft = true
	b.Statements[0].Number, b.Statements[1].Number = "", ""
	f, path := writeBook(t, b, nil)
	if !strings.Contains(filepath.ToSlash(path), "/2026-10/draft/finance-2026-10.xlsx") {
		t.Errorf("path %s", path)
	}
	if got := raw(t, f, SheetSummary, "B3"); !strings.HasPrefix(got, "BROUILLON") {
		t.Errorf("Statut = %q", got)
	}
	hf, err := f.GetHeaderFooter(SheetSAV)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(hf.OddHeader, "BROUILLON") {
		t.Errorf("SAV header %q", hf.OddHeader)
	}
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(props.Title, "BROUILLON") {
		t.Errorf("title %q", props.Title)
	}
}

func TestDocPropsFixed(t *testing.T) {
	f, _ := writeBook(t, workedExample(), nil)
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Creator != "savbilling" || props.Created != "2026-11-02T05:30:00Z" || props.Modified != "2026-11-02T05:30:00Z" {
		t.Errorf("doc props %+v", props)
	}
}

func TestDeterministicBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("sleeps to cross a zip time tick")
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.xlsx"), filepath.Join(dir, "b.xlsx")
	if err := Write(a, richBook(), previousTotals()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond) // zip's MS-DOS times tick every 2 s
	if err := Write(b, richBook(), previousTotals()); err != nil {
		t.Fatal(err)
	}
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ba, bb) {
		t.Fatalf("two writes of the same ledger differ (%d and %d bytes)", len(ba), len(bb))
	}
	zr, err := zip.OpenReader(a)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	want := closedAt.In(sb.Paris)
	for i, zf := range zr.File {
		if !zf.Modified.Equal(want) {
			t.Errorf("%s: modified %v, want the close %v", zf.Name, zf.Modified, want)
		}
		if i == 0 && zf.Name != "[Content_Types].xml" {
			t.Errorf("first part %s", zf.Name)
		}
	}
}

func TestFileModeAndNoLeftovers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", FileName(october))
	if err := Write(path, richBook(), nil); err != nil {
		t.Fatal(err)
	}
	// rewriting replaces the file
	if err := Write(path, richBook(), nil); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", fi.Mode().Perm())
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %v, want only the workbook", names)
	}
}

func TestWriteFailsCleanly(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(filepath.Join(blocker, "x.xlsx"), workedExample(), nil); err == nil {
		t.Error("Write under a file succeeded")
	}
	if err := Write(filepath.Join(dir, "x.xlsx"), nil, nil); err == nil {
		t.Error("Write of a nil book succeeded")
	}
}

func TestEuroText(t *testing.T) {
	for c, want := range map[int64]string{
		0: "0,00 €", 5: "0,05 €", 123456: "1 234,56 €", -1500: "-15,00 €",
		100000000: "1 000 000,00 €",
	} {
		if got := euroText(c); got != want {
			t.Errorf("euroText(%d) = %q, want %q", c, got, want)
		}
	}
}

// A killed process must leave no spool file (personal data) in the temporary folder: the spool
// has no name in the folder (package scratchfile) and is read through its open file.
func TestSpoolWithoutName(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	var names []string
	spooled = func(name string) {
		if _, err := os.Stat(name); err == nil {
			names = append(names, name)
		}
	}
	defer func() { spooled = nil }()
	if err := Write(filepath.Join(t.TempDir(), FileName(october)), richBook(), nil); err != nil {
		t.Fatal(err)
	}
	if len(names) > 0 {
		t.Errorf("spool files visible while the workbook is written: %v", names)
	}
	if left, _ := os.ReadDir(os.Getenv("TMPDIR")); len(left) > 0 {
		t.Errorf("TMPDIR holds %d files after Write", len(left))
	}
}

// Control characters from the source data never reach a cell: XML cannot carry most of them
// (they would show as U+FFFD) and none displays; like the PDF documents, they become spaces.
func TestControlCharactersInText(t *testing.T) {
	b := richBook()
	b.Statements[0].Repairer.Name = "Zoé\x00\x07\tDu\x1b[31mpont\r\nfin\x7f\u0085!"
	b.Statements[1].Repairer.Name = "  Cycles  Łukasz  " // no control character: kept as is
	b.Anomalies = append(b.Anomalies, sb.Anomaly{Item: "SAV 9", Reason: "décision \"\x01\" inconnue", Fix: "corriger\x1f"})
	path := filepath.Join(t.TempDir(), FileName(october))
	if err := Write(path, b, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, c := range []struct{ sheet, cell, want string }{
		{SheetStatements, "B2", "Zoé Du [31mpont fin !"},
		{SheetStatements, "B3", "  Cycles  Łukasz  "},
	} {
		if got, _ := f.GetCellValue(c.sheet, c.cell); got != c.want {
			t.Errorf("%s!%s = %q, want %q", c.sheet, c.cell, got, c.want)
		}
	}
	rows, err := f.GetRows(SheetAnomalies)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if len(r) >= 3 && r[0] == "SAV 9" {
			found = true
			if r[1] != `décision " " inconnue` || r[2] != "corriger" {
				t.Errorf("anomaly row %q", r)
			}
		}
	}
	if !found {
		t.Errorf("anomaly SAV 9 missing from %s", SheetAnomalies)
	}
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for _, r := range rows {
			for _, v := range r {
				if strings.ContainsRune(v, '\uFFFD') || strings.ContainsFunc(v, isControl) && !strings.ContainsAny(v, "\n") {
					t.Errorf("%s: cell %q holds a control or replacement character", sheet, v)
				}
			}
		}
	}
}

// A table longer than a sheet holds fails the workbook, naming the limit, and writes nothing.
func TestTooManyRows(t *testing.T) {
	old := maxRows
	maxRows = 1
	defer func() { maxRows = old }()
	b := richBook()
	if len(b.Statements) < 2 {
		t.Fatalf("the rich book has %d statements: too few to overflow", len(b.Statements))
	}
	path := filepath.Join(t.TempDir(), FileName(b.Period))
	err := Write(path, b, nil)
	if err == nil || !strings.Contains(err.Error(), "more than 1 rows do not fit in one sheet") {
		t.Fatalf("Write of %d statements in sheets of 1 row: %v", len(b.Statements), err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a failed workbook was left at %s: %v", path, err)
	}
}
