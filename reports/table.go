package reports

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	sb "savbilling"
)

// kind says how a column's values are given and written.
type kind int

const (
	kText     kind = iota // string; "" is a blank cell
	kID                   // int64 id; 0 is a blank cell
	kInt                  // int count
	kMoney                // int64 cents, written as euros with MoneyFormat
	kPct                  // int basis points, written as a percent (3333 → 33.33)
	kDate                 // time.Time calendar day (a savbilling.Date); zero is a blank cell
	kPeriod               // savbilling.Period, written YYYY-MM as text; zero is a blank cell
	kDateTime             // time.Time instant, written as its Paris wall clock
)

// column is one column of a table sheet.
type column struct {
	header string
	kind   kind
	sum    bool // the totals row holds SUBTOTAL(109, …) of this column (kMoney only)
}

// table is one sheet written with a StreamWriter: row 1 the headers, rows 2… the data, a blank
// row, then the totals row.
type table struct {
	sheet string
	cols  []column
	count int // the column counted in the totals row's label (one never blank)
	// rows fills row with the raw values of each data row in turn, one per column, of the type
	// the column's kind says, and calls emit after each; it stops at emit's first error.
	rows func(ctx context.Context, row []any, emit func() error) error
	// tally, when set, is called after each row, and done after the last.
	tally, done func()
	// wrap lists the text columns (0-based) whose long texts wrap in their cell rather than
	// being cut when printed (the anomalies' reasons and fixes).
	wrap []int
}

// indexed is the rows of a table of n rows held in memory, fill writing row i (0-based).
func indexed(n int, fill func(i int, row []any)) func(ctx context.Context, row []any, emit func() error) error {
	return func(_ context.Context, row []any, emit func() error) error {
		for i := range n {
			clear(row)
			fill(i, row)
			if err := emit(); err != nil {
				return err
			}
		}
		return nil
	}
}

// wrapChars is how many characters a line of a wrapped cell holds, about: a wrapped column is
// at most 60 widths of a digit wide (measured as the others'), which hold about 75 characters of
// proportional text in LibreOffice; a margin for long words going to the next line.
const wrapChars = 65

// widthSample is how many data rows the column widths are measured on.
const widthSample = 1000

// totalsRow returns the row number of the totals row of a table of n data rows, and the last
// row of the data range (at least 2, so that an empty table still has a valid range).
func totalsRow(n int) (total, last int) {
	last = n + 1
	if last < 2 {
		last = 2
	}
	return last + 2, last
}

// maxRows is the most data rows a sheet holds: Excel's limit, less the headers, a blank row and
// the totals.
var maxRows = excelize.TotalRows - 3 // a variable for the tests

// write writes the sheet; its data rows go to z's spool under marker (see rows.go). Long on
// purpose: header, rows, totals, widths, print settings and filter of one sheet, in the order
// Excel reads them, sharing the sheet's column and row state.
func (t *table) write(ctx context.Context, f *excelize.File, st *styles, z *detZip, marker string, draft bool) error {
	ncol := len(t.cols)
	raw := make([]any, ncol)
	// The rows go to the spool first, in one pass that also measures the columns on the first
	// widthSample rows: the stream writer, which needs the widths first, is only given the
	// headers, the marker row and the totals.
	chars := make([]int, ncol)
	for j, c := range t.cols {
		chars[j] = utf8.RuneCountInString(c.header) + 3 // room for the filter button
	}
	sums := make([]int64, ncol)
	wrapped := make([]bool, ncol)
	for _, j := range t.wrap {
		wrapped[j] = t.cols[j].kind == kText
	}
	x := newRowXML(ncol)
	n := 0
	err := z.spoolRows(marker, func(write func([]byte) error) error {
		return t.rows(ctx, raw, func() error {
			if n == maxRows {
				return fmt.Errorf("more than %d rows do not fit in one sheet", maxRows)
			}
			if n < widthSample {
				for j, c := range t.cols {
					chars[j] = max(chars[j], displayLen(c.kind, raw[j]))
				}
			}
			n++
			r := n + 1
			lines := 1
			for _, j := range t.wrap {
				if s, ok := raw[j].(string); ok {
					lines = max(lines, (utf8.RuneCountInString(s)+wrapChars-1)/wrapChars)
				}
			}
			x.startLines(r, lines)
			for j, c := range t.cols {
				if style, v, ok := cellValue(st, c.kind, raw[j]); ok {
					if wrapped[j] {
						style = st.wrap
					}
					if err := x.cell(j, r, style, v); err != nil {
						return fmt.Errorf("sheet %s row %d: %w", t.sheet, r, err)
					}
				}
				if c.sum {
					sums[j] += raw[j].(int64)
				}
			}
			if t.tally != nil {
				t.tally()
			}
			return write(x.end())
		})
	})
	if err != nil {
		return err
	}
	if t.done != nil {
		t.done()
	}

	// The sheet properties go out when the stream starts: set them first.
	if err := printSetup(f, t.sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(t.sheet)
	if err != nil {
		return err
	}
	for j := range chars {
		w := min(60, max(8, float64(chars[j])*1.1+1))
		if err := sw.SetColWidth(j+1, j+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(frozenHeader()); err != nil {
		return err
	}
	out := make([]any, ncol)
	for j, c := range t.cols {
		out[j] = excelize.Cell{StyleID: st.header, Value: c.header}
	}
	if err := sw.SetRow("A1", out); err != nil {
		return err
	}
	// The marker row, which the spooled rows replace in the archive.
	if err := sw.SetRow("A2", []any{marker}); err != nil {
		return err
	}
	totRow, last := totalsRow(n)
	clear(out)
	countCol, _ := excelize.ColumnNumberToName(t.count + 1)
	out[0] = excelize.Cell{
		StyleID: st.totalLabel,
		Formula: fmt.Sprintf(`"Total (lignes : "&SUBTOTAL(103,%s2:%s%d)&")"`, countCol, countCol, last),
		Value:   fmt.Sprintf("Total (lignes : %d)", n),
	}
	for j, c := range t.cols {
		if !c.sum {
			continue
		}
		name, _ := excelize.ColumnNumberToName(j + 1)
		out[j] = excelize.Cell{
			StyleID: st.totalMoney,
			Formula: fmt.Sprintf("SUBTOTAL(109,%s2:%s%d)", name, name, last),
			Value:   euros(sums[j]),
		}
	}
	if err := sw.SetRow("A"+strconv.Itoa(totRow), out); err != nil {
		return err
	}
	lastCol, _ := excelize.ColumnNumberToName(ncol)
	// The worksheet the stream writer holds is the one AutoFilter and SetHeaderFooter change;
	// the stream writes those parts at Flush.
	if err := f.AutoFilter(t.sheet, fmt.Sprintf("A1:%s%d", lastCol, last), nil); err != nil {
		return err
	}
	if err := printArea(f, t.sheet, lastCol, totRow); err != nil {
		return err
	}
	if draft {
		if err := f.SetHeaderFooter(t.sheet, draftHeader()); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func displayLen(k kind, v any) int {
	switch k {
	case kText:
		s, _ := v.(string)
		return utf8.RuneCountInString(s)
	case kID:
		id, _ := v.(int64)
		return len(strconv.FormatInt(id, 10))
	case kInt:
		n, _ := v.(int)
		return len(strconv.Itoa(n))
	case kMoney:
		c, _ := v.(int64)
		return utf8.RuneCountInString(euroText(c))
	case kPct:
		return 6
	case kDate, kPeriod:
		return 10
	case kDateTime:
		return 16
	}
	return 8
}

// cellOf turns a raw value into the cell written, nil for a blank cell.
func cellOf(st *styles, k kind, v any) any {
	style, val, ok := cellValue(st, k, v)
	if !ok {
		return nil
	}
	return excelize.Cell{StyleID: style, Value: val.any()}
}

// valueType is the type of a cell's value.
type valueType uint8

const (
	vText  valueType = iota // inline string
	vInt                    // whole number
	vFloat                  // number
	vTime                   // date or date-time (a serial number)
)

// value is a cell's value, typed (no allocation per cell).
type value struct {
	typ valueType
	s   string
	i   int64
	f   float64
	t   time.Time
}

func textValue(s string) value    { return value{typ: vText, s: s} }
func intValue(i int64) value      { return value{typ: vInt, i: i} }
func floatValue(f float64) value  { return value{typ: vFloat, f: f} }
func timeValue(t time.Time) value { return value{typ: vTime, t: t} }

// any is the value as excelize's setters take it.
func (v value) any() any {
	switch v.typ {
	case vInt:
		return v.i
	case vFloat:
		return v.f
	case vTime:
		return v.t
	}
	return v.s
}

// cellValue returns the style and value of the cell of a raw value, and whether there is one
// (false: blank).
func cellValue(st *styles, k kind, v any) (style int, val value, ok bool) {
	switch k {
	case kText:
		s, _ := v.(string)
		if s == "" {
			return 0, val, false
		}
		return st.text, textValue(textCell(s)), true
	case kID:
		id, _ := v.(int64)
		if id == 0 {
			return 0, val, false
		}
		return st.id, intValue(id), true
	case kInt:
		n, _ := v.(int)
		return st.integer, intValue(int64(n)), true
	case kMoney:
		cents, _ := v.(int64)
		return st.money, floatValue(euros(cents)), true
	case kPct:
		bp, _ := v.(int)
		return st.pct, floatValue(percent(bp)), true
	case kDate:
		d, _ := v.(time.Time)
		if d.IsZero() {
			return 0, val, false
		}
		return st.date, timeValue(d), true
	case kPeriod:
		p, _ := v.(sb.Period)
		if p.IsZero() {
			return 0, val, false
		}
		return st.text, textValue(p.String()), true
	case kDateTime:
		t, _ := v.(time.Time)
		if t.IsZero() {
			return 0, val, false
		}
		return st.dateTime, timeValue(wallClock(t)), true
	}
	return 0, val, false
}

// euros is the cell value of an amount in cents: the only place where money becomes a float.
func euros(cents int64) float64 { return float64(cents) / 100 }

// percent is the cell value of a share in basis points.
func percent(bp int) float64 { return float64(bp) / 100 }

// wallClock returns instant t as its Paris wall clock in UTC, the form in which an Excel serial
// date-time holds it.
func wallClock(t time.Time) time.Time {
	p := t.In(sb.Paris)
	return time.Date(p.Year(), p.Month(), p.Day(), p.Hour(), p.Minute(), p.Second(), 0, time.UTC)
}

func frozenHeader() *excelize.Panes {
	return &excelize.Panes{
		Freeze:      true,
		YSplit:      1,
		TopLeftCell: "A2",
		ActivePane:  "bottomLeft",
		Selection:   []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}
}

func draftHeader() *excelize.HeaderFooterOptions {
	return &excelize.HeaderFooterOptions{
		OddHeader: `&C&"-,Bold"BROUILLON`,
		OddFooter: `&L&A&R&P / &N`,
	}
}

// printSetup prints a sheet landscape on A4, one page wide, with its header row on every page.
// On a streamed sheet it must come before the stream starts (the sheet properties are written
// first); on a normal one after AutoFilter (which replaces them).
func printSetup(f *excelize.File, sheet string) error {
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	a4, landscape, wide, tall := 9, "landscape", 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: &a4, Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall,
	}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", RefersTo: "'" + sheet + "'!$1:$1", Scope: sheet,
	})
}

// printArea sets the sheet's print area to A1 through column lastCol, row lastRow.
func printArea(f *excelize.File, sheet, lastCol string, lastRow int) error {
	return f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Area", RefersTo: fmt.Sprintf("'%s'!$A$1:$%s$%d", sheet, lastCol, lastRow), Scope: sheet,
	})
}

// isControl reports whether r is a control character: C0, DEL or C1.
func isControl(r rune) bool { return r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) }

// textCell is a text as a cell holds it. XML 1.0 cannot carry most control characters (excelize
// writes U+FFFD for them) and no cell shows any of them well, so, as the PDF documents do, each
// becomes a space and runs of white space one; the result is trimmed. A text without control
// characters is kept exactly as it is.
func textCell(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if isControl(r) || r == ' ' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}
