package reports

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/xuri/excelize/v2"

	sb "savbilling"
	"savbilling/frfmt"
)

// summaryRow is one line of the Synthèse block. Money and counts carry the previous period's
// value when there is one; text rows do not.
type summaryRow struct {
	label string
	kind  kind // kText, kInt, kMoney or kDateTime
	cur   any  // string, int, int64 cents, time.Time
	prev  any  // same type as cur; nil when none
	style int  // a style for the value instead of the kind's
}

// Columns of the Synthèse sheet's side tables (the charts' data).
const (
	cityCol     = "F" // Ville | Montant imputé HT
	topCol      = "I" // ID réparateur | Réparateur | Montant imputé HT
	maxCities   = 15  // the city table lists the 14 costliest cities and the rest together
	topN        = 10
	otherCities = "(autres villes)"
)

// noCentLost returns both sides of the rule « no cent is lost »:
// charges incurred + plan balances before = offset + installments paid + invoiced + balances after.
func noCentLost(t sb.Totals) (left, right int64) {
	left = t.DeductionsCents + t.PlanBalancesBeforeCents
	right = t.OffsetCents + t.InstallmentsCents + t.InvoicedCents + t.PlanBalancesAfterCents
	return left, right
}

func summaryRows(b *sb.Book, t sb.Totals, prev *sb.Totals) []summaryRow {
	var p sb.Totals
	if prev != nil {
		p = *prev
	}
	// pv returns the previous value when there is a previous period.
	pv := func(v any) any {
		if prev == nil {
			return nil
		}
		return v
	}
	status, closedLabel := "Clôturé", "Clôturé le"
	if b.Draft {
		status, closedLabel = "BROUILLON (rien n'est comptabilisé)", "Calculé le"
	}
	left, right := noCentLost(t)
	pLeft, pRight := noCentLost(p)
	check := "OK"
	if left != right {
		check = "ÉCART " + euroText(left-right)
	}
	var prevPeriod any
	if prev != nil {
		prevPeriod = b.Period.Prev().String()
	}
	money := func(label string, cur, prevVal int64) summaryRow {
		return summaryRow{label: label, kind: kMoney, cur: cur, prev: pv(prevVal)}
	}
	count := func(label string, cur, prevVal int) summaryRow {
		return summaryRow{label: label, kind: kInt, cur: cur, prev: pv(prevVal)}
	}
	rows := []summaryRow{
		{label: "Période", kind: kText, cur: b.Period.String(), prev: prevPeriod},
		{label: "Statut", kind: kText, cur: status},
		{label: closedLabel, kind: kDateTime, cur: b.ClosedAt},
		count("Relevés", t.Statements, p.Statements),
		count("Factures", t.Invoices, p.Invoices),
		count("Anomalies", t.Anomalies, p.Anomalies),
		count("dont bloquantes", t.Blocking, p.Blocking),
		count("SAV en attente de décision", t.Pending, p.Pending),
		money("Commissions HT", t.GrossCents, p.GrossCents),
		money("Déductions SAV (D)", t.DeductionsCents, p.DeductionsCents),
		money("dont imputations SAV", t.ChargesCents, p.ChargesCents),
		money("dont règlements amiables", t.SettlementsCents, p.SettlementsCents),
		money("dont franchises", t.DeductiblesCents, p.DeductiblesCents),
		money("dont ajustements", t.AdjustmentsCents, p.AdjustmentsCents),
		money("Échéances prélevées", t.InstallmentsCents, p.InstallmentsCents),
		money("Net HT", t.NetCents, p.NetCents),
		money("TVA", t.VATCents, p.VATCents),
		money("Net TTC", t.NetTTCCents, p.NetTTCCents),
		money("Dépassements", t.OverflowCents, p.OverflowCents),
		money("Mis en échéancier", t.SpreadCents, p.SpreadCents),
		money("Facturé HT", t.InvoicedCents, p.InvoicedCents),
		money("Coût des gestes commerciaux (réseau)", t.GoodwillCents, p.GoodwillCents),
		money("Sinistres déclarés à l'assurance", t.ClaimsCents, p.ClaimsCents),
		money("Imputé sur les commissions (D − dépassements)", t.OffsetCents, p.OffsetCents),
		money("Soldes des échéanciers avant clôture", t.PlanBalancesBeforeCents, p.PlanBalancesBeforeCents),
		money("Soldes des échéanciers après clôture", t.PlanBalancesAfterCents, p.PlanBalancesAfterCents),
		money("Contrôle : D + soldes avant", left, pLeft),
		money("Contrôle : imputé + prélevé + facturé + soldes après", right, pRight),
		{label: "Aucun centime perdu", kind: kText, cur: check, style: -1},
	}
	if b.RulesVersion < sb.RulesV2 {
		return rows // a period of the rules v1 keeps the summary it was issued with
	}
	// No cent lost, for the indemnities alone (the reductions' follows from both totals).
	mLeft := t.IndemnitiesCents + t.PlanIndemnityBalancesBeforeCents
	mRight := t.IndemnitiesCents - t.IndemnityOverflowCents + t.InstallmentsIndemnityCents + t.DebitNotesCents +
		t.PlanIndemnityBalancesAfterCents
	mCheck := "OK"
	if mLeft != mRight {
		mCheck = "ÉCART " + euroText(mLeft-mRight)
	}
	return append(rows,
		summaryRow{label: "Règles", kind: kText, cur: "2026-12 (indemnités hors TVA)"},
		money("Réductions SAV (R)", t.ReductionsCents, p.ReductionsCents),
		money("Indemnités hors TVA (M)", t.IndemnitiesCents, p.IndemnitiesCents),
		money("dont ajustements d'indemnité", t.IndemnityAdjustmentsCents, p.IndemnityAdjustmentsCents),
		money("Indemnités prélevées (échéances)", t.InstallmentsIndemnityCents, p.InstallmentsIndemnityCents),
		money("Net à payer", t.PayableCents, p.PayableCents),
		count("Notes de débit", t.DebitNotes, p.DebitNotes),
		money("Notes de débit (hors TVA)", t.DebitNotesCents, p.DebitNotesCents),
		money("Soldes d'indemnités des échéanciers avant clôture", t.PlanIndemnityBalancesBeforeCents, p.PlanIndemnityBalancesBeforeCents),
		money("Soldes d'indemnités des échéanciers après clôture", t.PlanIndemnityBalancesAfterCents, p.PlanIndemnityBalancesAfterCents),
		summaryRow{label: "Aucun centime perdu (indemnités)", kind: kText, cur: mCheck, style: -1},
	)
}

// writeSummary writes the Synthèse sheet: the block of totals (with the previous period and the
// difference when prev is set), the two side tables and their charts.
func writeSummary(f *excelize.File, st *styles, x *index, prev *sb.Totals) error {
	const sh = SheetSummary
	b := x.b
	headers := []string{"Libellé", "Valeur"}
	if prev != nil {
		headers = append(headers, "Mois précédent", "Écart")
	}
	for j, h := range headers {
		if err := setCell(f, sh, j+1, 1, h, st.header); err != nil {
			return err
		}
	}
	rows := summaryRows(b, x.src.Totals(), prev)
	for i, r := range rows {
		row := i + 2
		if err := setCell(f, sh, 1, row, r.label, st.text); err != nil {
			return err
		}
		style := r.style
		if style == -1 {
			style = st.checkOK
			if r.cur != "OK" {
				style = st.checkKO
			}
		}
		if err := setValue(f, st, sh, 2, row, r.kind, r.cur, style); err != nil {
			return err
		}
		if prev == nil || r.prev == nil {
			continue
		}
		if err := setValue(f, st, sh, 3, row, r.kind, r.prev, 0); err != nil {
			return err
		}
		var diff any
		switch c := r.cur.(type) {
		case int64:
			diff = c - r.prev.(int64)
		case int:
			diff = c - r.prev.(int)
		}
		if diff != nil {
			if err := setValue(f, st, sh, 4, row, r.kind, diff, 0); err != nil {
				return err
			}
		}
	}
	last := len(rows) + 1
	lastCol := "B"
	if prev != nil {
		lastCol = "D"
	}
	widths := map[string]float64{"A": 52, "B": 20, "C": 18, "D": 16, "E": 3,
		"F": 26, "G": 20, "H": 3, "I": 8, "J": 34, "K": 20, "L": 14}
	for _, c := range []string{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"} {
		if err := f.SetColWidth(sh, c, c, widths[c]); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sh, frozenHeader()); err != nil {
		return err
	}
	if err := f.AutoFilter(sh, "A1:"+lastCol+strconv.Itoa(last), nil); err != nil {
		return err
	}
	if err := printSetup(f, sh); err != nil {
		return err
	}
	// rows of 15 points in every application, so that the charts keep their places
	rowH, custom := 15.0, true
	if err := f.SetSheetProps(sh, &excelize.SheetPropsOptions{DefaultRowHeight: &rowH, CustomHeight: &custom}); err != nil {
		return err
	}
	if b.Draft {
		if err := f.SetHeaderFooter(sh, draftHeader()); err != nil {
			return err
		}
	}
	return nil
}

// chartData is what the Synthèse's side tables show of the SAV lines: their amounts by city
// of the SAV intervention, and by charged repairer.
type chartData struct {
	byCity     map[string]int64
	byRepairer map[int64]int64
	names      map[int64]string // of the charged repairers
}

func newChartData() *chartData {
	return &chartData{byCity: map[string]int64{}, byRepairer: map[int64]int64{}, names: map[int64]string{}}
}

// add counts SAV line l, charged to the repairer named name.
func (d *chartData) add(l *sb.SAVLine, name string) {
	d.byCity[cityOr(l.City)] += l.AmountCents
	d.byRepairer[l.RepairerID] += l.AmountCents
	d.names[l.RepairerID] = name
}

// cityCost sums the SAV lines' amounts by the city of their SAV intervention, costliest first;
// beyond maxCities the rest are summed on one line.
func (d *chartData) cityCost() (cities []string, cents []int64) {
	sum := d.byCity
	for c := range sum {
		cities = append(cities, c)
	}
	sort.Slice(cities, func(i, j int) bool {
		a, b := sum[cities[i]], sum[cities[j]]
		if a != b {
			return a > b
		}
		return cities[i] < cities[j]
	})
	if len(cities) > maxCities {
		var rest int64
		for _, c := range cities[maxCities-1:] {
			rest += sum[c]
		}
		cities = append(cities[:maxCities-1:maxCities-1], otherCities)
		sum[otherCities] = rest
	}
	for _, c := range cities {
		cents = append(cents, sum[c])
	}
	return cities, cents
}

// topRepairers returns the repairers most charged (sum of their SAV lines, positive only), up to
// topN, most charged first, ties by ascending id.
func (d *chartData) topRepairers() (ids []int64, cents []int64) {
	sum := d.byRepairer
	for id, v := range sum {
		if v > 0 {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := sum[ids[i]], sum[ids[j]]
		if a != b {
			return a > b
		}
		return ids[i] < ids[j]
	})
	if len(ids) > topN {
		ids = ids[:topN]
	}
	for _, id := range ids {
		cents = append(cents, sum[id])
	}
	return ids, cents
}

// writeCharts writes the Synthèse's side tables and their charts, once the SAV sheet is written.
func writeCharts(ctx context.Context, f *excelize.File, st *styles, x *index) error {
	const sh = SheetSummary
	d := x.charts
	cities, cityCents := d.cityCost()
	ids, topCents := d.topRepairers()
	heads := []struct {
		col string
		h   string
	}{{"F", "Ville"}, {"G", "Montant imputé HT"}, {"I", "Rang"}, {"J", "Réparateur"}, {"K", "Montant imputé HT"},
		{"L", "ID réparateur"}}
	for _, h := range heads {
		if err := f.SetCellStr(sh, h.col+"1", h.h); err != nil {
			return err
		}
		if err := f.SetCellStyle(sh, h.col+"1", h.col+"1", st.header); err != nil {
			return err
		}
	}
	for i, c := range cities {
		if err := setCell(f, sh, 6, i+2, c, st.text); err != nil {
			return err
		}
		if err := setValue(f, st, sh, 7, i+2, kMoney, cityCents[i], 0); err != nil {
			return err
		}
	}
	// the rank, centred, then the name set off from it: « 1 | Cargo Vélo Bordelais », never
	// « 12Cargo Vélo Bordelais »; the repairer's id last
	for i, id := range ids {
		if err := setValue(f, st, sh, 9, i+2, kInt, i+1, st.rank); err != nil {
			return err
		}
		if err := setCell(f, sh, 10, i+2, d.names[id], st.indented); err != nil {
			return err
		}
		if err := setValue(f, st, sh, 11, i+2, kMoney, topCents[i], 0); err != nil {
			return err
		}
		if err := setValue(f, st, sh, 12, i+2, kID, id, st.rank); err != nil {
			return err
		}
	}
	last, err := writeVATSummary(f, st, x)
	if err != nil {
		return err
	}
	if last, err = writeCityCommissions(ctx, f, st, x, last+3); err != nil {
		return err
	}
	// the print area: the totals and the blocks under them, the charts beside them
	if err := printArea(f, sh, summaryLastC, max(summaryLastR, last)); err != nil {
		return err
	}
	if len(cities) == 0 {
		if err := setCell(f, sh, 6, 2, "(aucune ligne SAV ce mois)", st.text); err != nil {
			return err
		}
	} else if err := f.AddChart(sh, chartCity, barChart("Coût SAV par ville (montant imputé HT)",
		"F", "G", len(cities))); err != nil {
		return err
	}
	if len(ids) == 0 {
		return setCell(f, sh, 9, 2, "(aucun réparateur imputé ce mois)", st.text)
	}
	return f.AddChart(sh, chartTop, barChart(fmt.Sprintf("Top %d des réparateurs par imputations SAV (HT)", topN),
		"J", "K", len(ids)))
}

// Where the Synthèse's charts go: one under the other, chartGap rows apart. Each is chartH
// pixels high, chartH/20 rows of the sheet's 15-point (20-pixel) rows, which the sheet sets
// rather than leaving them to the application (LibreOffice's default rows are lower: a chart
// then spans more of them, and two charts placed for Excel's rows overlap).
const (
	chartH       = 360
	chartRow     = 18
	chartGap     = 4
	chartCity    = "F18"
	chartTop     = "F40" // chartRow + chartH/20 + chartGap
	summaryLastC = "L"
	summaryLastR = chartRow + 2*(chartH/20) + chartGap + 1
)

// vatKey and vatSum sum the statements' VAT by regime and rate, for the VAT summary.
type vatKey struct {
	franchise bool
	rateBP    int
}

type vatSum struct{ baseCents, vatCents int64 }

// writeVATSummary writes, under the Synthèse's totals, the period's VAT for the monthly return:
// the VAT the network may deduct on the self-billed statements, by rate (base Net HT and VAT),
// the statements under the franchise (no VAT), and the VAT it collects on its invoices, by rate.
// It returns the last row it wrote.
func writeVATSummary(f *excelize.File, st *styles, x *index) (int, error) {
	const sh = SheetSummary
	top := len(summaryRows(x.b, sb.Totals{}, nil)) + 4 // two blank rows under the totals
	for j, h := range []string{"TVA du mois (déclaration)", "Taux", "Base HT", "TVA"} {
		if err := setCell(f, sh, j+1, top, h, st.header); err != nil {
			return 0, err
		}
	}
	keys := make([]vatKey, 0, len(x.vat))
	for k := range x.vat {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].franchise != keys[j].franchise {
			return !keys[i].franchise
		}
		return keys[i].rateBP > keys[j].rateBP
	})
	type line struct {
		label       string
		rate        string
		base, vat   int64
		isTotalLine bool
	}
	var lines []line
	var deductible int64
	for _, k := range keys {
		v := x.vat[k]
		if k.franchise {
			lines = append(lines, line{"Relevés en franchise (TVA non applicable, art. 293 B du CGI)", "—", v.baseCents, 0, false})
			continue
		}
		deductible += v.vatCents
		lines = append(lines, line{"TVA déductible — relevés (autofacturation)", frfmt.FormatBP(k.rateBP), v.baseCents, v.vatCents, false})
	}
	collected := map[int]*vatSum{}
	var rates []int
	var outside vatSum // debit notes: indemnities, outside the scope of VAT (no line of the return)
	for _, inv := range x.b.Invoices {
		if inv.DebitNote() {
			outside.baseCents += inv.HTCents
			continue
		}
		v := collected[inv.VATRateBP]
		if v == nil {
			v = &vatSum{}
			collected[inv.VATRateBP] = v
			rates = append(rates, inv.VATRateBP)
		}
		v.baseCents += inv.HTCents
		v.vatCents += inv.VATCents
	}
	sort.Sort(sort.Reverse(sort.IntSlice(rates)))
	var due int64
	for _, r := range rates {
		due += collected[r].vatCents
		lines = append(lines, line{"TVA collectée — factures", frfmt.FormatBP(r), collected[r].baseCents, collected[r].vatCents, false})
	}
	if outside.baseCents != 0 {
		lines = append(lines, line{"Notes de débit — indemnités (hors champ de la TVA)", "—", outside.baseCents, 0, false})
	}
	lines = append(lines, line{"Total TVA déductible", "", 0, deductible, true},
		line{"Total TVA collectée", "", 0, due, true})
	for i, l := range lines {
		row := top + 1 + i
		label := st.text
		if l.isTotalLine {
			label = st.totalLabel
		}
		if err := setCell(f, sh, 1, row, l.label, label); err != nil {
			return 0, err
		}
		if l.rate != "" {
			if err := setCell(f, sh, 2, row, l.rate, st.text); err != nil {
				return 0, err
			}
		}
		if !l.isTotalLine {
			if err := setValue(f, st, sh, 3, row, kMoney, l.base, 0); err != nil {
				return 0, err
			}
		}
		vs := 0
		if l.isTotalLine {
			vs = st.totalMoney
		}
		if err := setValue(f, st, sh, 4, row, kMoney, l.vat, vs); err != nil {
			return 0, err
		}
	}
	return top + len(lines), nil
}

// axisColor is the colour of the charts' axis labels: near black.
const axisColor = "262626"

// barChart is a horizontal bar chart of the Synthèse rows 2…n+1, categories in column cat and
// values in column val, first row on top.
func barChart(title, cat, val string, n int) *excelize.Chart {
	ref := func(col string) string {
		return fmt.Sprintf("'%s'!$%s$2:$%s$%d", SheetSummary, col, col, n+1)
	}
	one := false
	return &excelize.Chart{
		Type:       excelize.Bar,
		VaryColors: &one,
		Series: []excelize.ChartSeries{{
			Name:       fmt.Sprintf("'%s'!$%s$1", SheetSummary, val),
			Categories: ref(cat),
			Values:     ref(val),
		}},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title}}},
		Legend:    excelize.ChartLegend{Position: "none"},
		Dimension: excelize.ChartDimension{Width: 720, Height: chartH},
		// dark axis labels, readable on screen and printed
		XAxis: excelize.ChartAxis{ReverseOrder: true, Font: excelize.Font{Color: axisColor, Size: 9}},
		YAxis: excelize.ChartAxis{MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "#,##0 €"},
			Font: excelize.Font{Color: axisColor, Size: 9}},
		PlotArea: excelize.ChartPlotArea{ShowVal: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: MoneyFormat}},
	}
}

func setCell(f *excelize.File, sheet string, col, row int, v string, style int) error {
	cell, _ := excelize.CoordinatesToCellName(col, row)
	if err := f.SetCellStr(sheet, cell, textCell(v)); err != nil {
		return err
	}
	return f.SetCellStyle(sheet, cell, cell, style)
}

// setValue writes a raw value as the table writer would (same kinds, same styles).
func setValue(f *excelize.File, st *styles, sheet string, col, row int, k kind, v any, style int) error {
	c := cellOf(st, k, v)
	if c == nil {
		return nil
	}
	cell, _ := excelize.CoordinatesToCellName(col, row)
	ec := c.(excelize.Cell)
	if err := f.SetCellValue(sheet, cell, ec.Value); err != nil {
		return err
	}
	if style == 0 {
		style = ec.StyleID
	}
	return f.SetCellStyle(sheet, cell, cell, style)
}
