package reports

import (
	"archive/zip"
	"bytes"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// The data rows are serialized by rowXML, not by excelize's StreamWriter: for every type of value
// cellValue gives, rowXML must write the bytes the StreamWriter writes for the same cells.
func TestRowXMLMatchesExcelize(t *testing.T) {
	paris := time.FixedZone("CEST", 2*3600)
	long := strings.Repeat("é😀", 12000) // more than 32 767 UTF-16 units
	values := []value{
		textValue("Atelier Rive Gauche"), textValue(" lead"), textValue("trail "), textValue("  both  "),
		textValue("a & b <c> \"d\" 'e'"), textValue("ligne\nsuivante"), textValue("tab\tin"),
		textValue("_x0041_ _x005F_x0041_ _xZZZZ_ x0041_ _x005F_"), textValue("Nguyễn Cycles"),
		textValue("\uFFFE bad ]]>"), textValue(long), textValue("€"),
		intValue(0), intValue(1), intValue(-42), intValue(math.MaxInt64), intValue(math.MinInt64),
	}
	for _, f := range []float64{0, 45, -15, 0.05, 1234.56, 33.33, 1234567890123456.78, -987654.32, 1e21,
		123456789012345678, 99999999999999.99, -0.01, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		values = append(values, floatValue(f))
	}
	for _, d := range []time.Time{
		time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 2, 6, 30, 0, 0, time.UTC),
		time.Date(2026, 11, 2, 6, 30, 15, 0, paris), time.Date(1900, 2, 28, 0, 0, 0, 0, time.UTC),
		time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(1850, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2600, 1, 1, 12, 0, 0, 0, time.UTC),
	} {
		values = append(values, timeValue(d))
	}
	const style = 3
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	x := newRowXML(len(values) + 1)
	var want bytes.Buffer
	for i, v := range values {
		r := i + 1
		// one row per value, in the second column, with and without a style (not for dates,
		// which get excelize's own date style without one)
		cells := []any{nil, excelize.Cell{StyleID: style, Value: v.any()}}
		if err := sw.SetRow("A"+itoa(2*r-1), cells); err != nil {
			t.Fatal(err)
		}
		x.start(2*r - 1)
		if err := x.cell(1, 2*r-1, style, v); err != nil {
			t.Fatal(err)
		}
		want.Write(x.end())
		if v.typ == vTime {
			continue
		}
		if err := sw.SetRow("A"+itoa(2*r), []any{&excelize.Cell{Value: v.any()}}); err != nil {
			t.Fatal(err)
		}
		x.start(2 * r)
		if err := x.cell(0, 2*r, 0, v); err != nil {
			t.Fatal(err)
		}
		want.Write(x.end())
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var part []byte
	for _, zf := range zr.File {
		if zf.Name == "xl/worksheets/sheet1.xml" {
			rc, _ := zf.Open()
			part, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	start, end := bytes.Index(part, []byte("<sheetData>")), bytes.Index(part, []byte("</sheetData>"))
	if start < 0 || end < 0 {
		t.Fatalf("no sheetData in %.300s", part)
	}
	got := part[start+len("<sheetData>") : end]
	if !bytes.Equal(got, want.Bytes()) {
		g, w := strings.Split(string(got), "</row>"), strings.Split(want.String(), "</row>")
		for i := range min(len(g), len(w)) {
			if g[i] != w[i] {
				t.Errorf("row %d:\nexcelize %.300q\nrowXML   %.300q", i, g[i], w[i])
			}
		}
		if len(g) != len(w) {
			t.Errorf("excelize wrote %d rows, rowXML %d", len(g), len(w))
		}
	}
}

func TestRowXMLRejectsNonFinite(t *testing.T) {
	x := newRowXML(1)
	x.start(2)
	if err := x.cell(0, 2, 1, floatValue(math.NaN())); err == nil {
		t.Error("NaN accepted")
	}
	if err := x.cell(0, 2, 0, timeValue(time.Now())); err == nil {
		t.Error("a date without a style accepted")
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
