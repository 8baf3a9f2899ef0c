package reports

import (
	"bytes"
	"encoding/xml"
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// The data rows of a table sheet do not go through excelize's StreamWriter: it keeps each
// sheet's XML in a bytes.Buffer until 16 MiB (excelize.StreamChunkSize, a constant), then
// spills it, but holds the buffer (16 to 32 MiB a sheet, with as much garbage while it grows)
// until the File is closed. The rows are serialized here instead, one at a time, straight into
// the archive's spool (detZip.rows); the StreamWriter writes the sheet's headers, a marker row
// and the totals row, and detZip puts the spooled rows in place of the marker row when excelize
// hands it the sheet's part. The XML is the one excelize's StreamWriter writes for the same
// cells, byte for byte (rowXML mirrors its SetRow, setCellValFunc and writeCell for the
// values cellValue gives), so that the workbook does not change.

// rowXML builds the XML of one data row.
type rowXML struct {
	cols []string // column letters
	buf  []byte
	esc  bytes.Buffer
}

func newRowXML(ncol int) *rowXML {
	x := &rowXML{cols: make([]string, ncol)}
	for j := range x.cols {
		x.cols[j], _ = excelize.ColumnNumberToName(j + 1)
	}
	return x
}

// start begins row r.
func (x *rowXML) start(r int) {
	x.buf = append(x.buf[:0], `<row r="`...)
	x.buf = strconv.AppendInt(x.buf, int64(r), 10)
	x.buf = append(x.buf, `">`...)
}

// startLines begins row r with the height of lines lines of text (15 points each), when a wrapped
// cell needs more than one: applications do not all size such rows themselves.
func (x *rowXML) startLines(r, lines int) {
	if lines <= 1 {
		x.start(r)
		return
	}
	x.buf = append(x.buf[:0], `<row r="`...)
	x.buf = strconv.AppendInt(x.buf, int64(r), 10)
	x.buf = append(x.buf, `" ht="`...)
	x.buf = strconv.AppendInt(x.buf, int64(15*lines), 10)
	x.buf = append(x.buf, `" customHeight="1">`...)
}

// end closes the row and returns its bytes (valid until the next start).
func (x *rowXML) end() []byte {
	x.buf = append(x.buf, `</row>`...)
	return x.buf
}

// cell appends the cell of column j, row r, with the given style and value.
func (x *rowXML) cell(j, r, style int, v value) error {
	b := append(x.buf, `<c r="`...)
	b = append(b, x.cols[j]...)
	b = strconv.AppendInt(b, int64(r), 10)
	b = append(b, '"')
	if style != 0 {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(style), 10)
		b = append(b, '"')
	}
	switch v.typ {
	case vText:
		b = x.inlineStr(b, v.s, true)
	case vInt:
		b = append(b, `><v>`...)
		b = strconv.AppendInt(b, v.i, 10)
		b = append(b, `</v></c>`...)
	case vFloat:
		if math.IsNaN(v.f) || math.IsInf(v.f, 0) {
			return errors.New("a cell value is not a finite number")
		}
		b = append(b, `><v>`...)
		b = appendCellFloat(b, v.f)
		b = append(b, `</v></c>`...)
	case vTime:
		if style == 0 {
			// excelize would add a date style of its own
			return errors.New("a date cell has no style")
		}
		t := v.t
		_, offset := t.In(t.Location()).Zone()
		t = t.Add(time.Duration(offset) * time.Second)
		serial := timeToExcelTime(t)
		if serial > 0 {
			b = append(b, `><v>`...)
			b = strconv.AppendFloat(b, serial, 'f', -1, 64)
			b = append(b, `</v></c>`...)
		} else {
			// excelize writes a date before 1900 as its RFC 3339 text, not escaped
			b = x.inlineStr(b, t.Format(time.RFC3339Nano), false)
		}
	default:
		return errors.New("a cell value of an unexpected type")
	}
	x.buf = b
	return nil
}

// inlineStr appends ` t="inlineStr"><is><t…>value</t></is></c>` as excelize's setInlineStr and
// writeCell do (escape false: setCellDefault's unescaped value).
func (x *rowXML) inlineStr(b []byte, s string, escape bool) []byte {
	val, preserve := x.trimCellValue(s, escape)
	b = append(b, ` t="inlineStr"><is><t`...)
	if preserve {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	b = append(b, val...)
	return append(b, `</t></is></c>`...)
}

// The functions below are excelize's (v2.11.1, cell.go, date.go and lib.go; BSD 3-Clause
// licence, Copyright 2016 - 2026 The excelize Authors), with fast paths for the common case that
// give the same result.

// trimCellValue is excelize's trimCellValue: truncated to 32 767 UTF-16 units, xml:space
// preserved when it starts or ends with white space, escaped (keeping line feeds), bstr-marshaled.
func (x *rowXML) trimCellValue(value string, escape bool) (string, bool) {
	if len(value) > excelize.TotalCellChars && countUTF16String(value) > excelize.TotalCellChars {
		value = truncateUTF16Units(value, excelize.TotalCellChars)
	}
	preserve := false
	if value != "" {
		prefix, suffix := value[0], value[len(value)-1]
		for _, ascii := range []byte{9, 10, 13, 32} {
			if prefix == ascii || suffix == ascii {
				preserve = true
				break
			}
		}
		if escape && needsEscape(value) {
			x.esc.Reset()
			_ = xml.EscapeText(&x.esc, []byte(value))
			value = strings.ReplaceAll(x.esc.String(), "&#xA;", "\n")
		}
	}
	return bstrMarshal(value), preserve
}

// needsEscape reports whether xml.EscapeText could change s: false for printable ASCII without
// &, <, >, " and '.
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7F || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'' {
			return true
		}
	}
	return false
}

func countUTF16String(s string) int {
	var cnt int
	for _, r := range s {
		cnt += utf16.RuneLen(r)
	}
	return cnt
}

func truncateUTF16Units(s string, length int) string {
	var cnt int
	for i, r := range s {
		if cnt += utf16.RuneLen(r); cnt > length {
			return s[:i]
		}
	}
	return s
}

var (
	bstrExp       = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)
	bstrEscapeExp = regexp.MustCompile(`x[a-fA-F\d]{4}_`)
)

// bstrMarshal escapes the literal _xHHHH_ sequences of s as excelize does.
func bstrMarshal(s string) (result string) {
	if !strings.Contains(s, "_x") {
		return s
	}
	matches, l, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	for _, match := range matches {
		result += s[cursor:match[0]]
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			if match[1]+6 <= l && bstrEscapeExp.MatchString(s[match[1]:match[1]+6]) {
				_, err := strconv.Unquote(`"\u` + s[match[1]+1:match[1]+5] + `"`)
				if err == nil {
					result += subStr + "x005F" + subStr
					continue
				}
			}
			result += subStr + "x005F_"
			continue
		}
		if bstrExp.MatchString(subStr) {
			cursor = match[1]
			if _, err := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`); err == nil {
				result += "_x005F" + subStr
				continue
			}
		}
	}
	if cursor < l {
		result += s[cursor:]
	}
	return result
}

// appendCellFloat appends formatCellFloat(value), without allocating when the shortest form has
// at most 15 significant digits (always, for amounts under ten thousand billion euros).
func appendCellFloat(b []byte, value float64) []byte {
	n := len(b)
	b = strconv.AppendFloat(b, value, 'f', -1, 64)
	significant := 0
	for _, c := range b[n:] {
		if c >= '0' && c <= '9' && (significant > 0 || c != '0') {
			significant++
		}
	}
	if significant <= 15 || math.Abs(value) == math.MaxFloat64 {
		return b
	}
	return append(b[:n], formatCellFloat(value)...)
}

// formatCellFloat is excelize's formatCellFloat(value, -1, 64): the shortest form, cut to
// Excel's 15 significant digits.
func formatCellFloat(value float64) string {
	str := strconv.FormatFloat(value, 'f', -1, 64)
	if math.Abs(value) == math.MaxFloat64 {
		return str
	}
	const maxPrec = 15
	decimal := strings.IndexByte(str, '.')
	significant := 0
	for idx := range str {
		if str[idx] < '0' || str[idx] > '9' || significant == 0 && str[idx] == '0' {
			continue
		}
		significant++
		if significant <= maxPrec {
			continue
		}
		if decimal >= 0 && idx > decimal {
			return strings.TrimSuffix(str[:idx], ".")
		}
		if decimal < 0 {
			decimal = len(str)
		}
		truncated := []byte(str[:decimal])
		for ; idx < len(truncated); idx++ {
			truncated[idx] = '0'
		}
		return string(truncated)
	}
	return str
}

const (
	dayNanoseconds = 24 * time.Hour
	maxDuration    = 290 * 364 * dayNanoseconds
)

var (
	excelMinTime1900      = time.Date(1899, time.December, 31, 0, 0, 0, 0, time.UTC)
	excelBuggyPeriodStart = time.Date(1900, time.March, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)
)

// timeToExcelTime is excelize's timeToExcelTime for the 1900 date system (the workbook's).
func timeToExcelTime(t time.Time) float64 {
	date := excelMinTime1900
	if t.Before(date) {
		return 0
	}
	tt, diff, result := t, t.Sub(date), 0.0
	for diff >= maxDuration {
		result += float64(maxDuration / dayNanoseconds)
		tt = tt.Add(-maxDuration)
		diff = tt.Sub(date)
	}
	rem := diff % dayNanoseconds
	result += float64(diff-rem)/float64(dayNanoseconds) + float64(rem)/float64(dayNanoseconds)
	if t.After(excelBuggyPeriodStart) {
		result++
	}
	return result
}
