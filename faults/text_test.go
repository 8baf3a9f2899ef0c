package faults

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"savbilling/invoices"
)

var spaces = regexp.MustCompile(`\s+`)

// flat collapses every run of white space to one space.
func flat(s string) string { return strings.TrimSpace(spaces.ReplaceAllString(s, " ")) }

// printable is a text as the documents print it: control characters (C0, DEL, C1) and the
// non-breaking spaces become spaces, runs of spaces one, NFC.
func printable(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) || r == '\u00A0' || r == '\u202F' || r == '\u2007' {
			r = ' '
		}
		b.WriteRune(r)
	}
	return flat(b.String())
}

// pdfText is the text of a PDF as pdftotext extracts it, flattened.
func pdfText(t testing.TB, path string) string {
	t.Helper()
	tool := needTool(t, "pdftotext", "poppler-utils")
	out, err := exec.Command(tool, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return flat(string(out))
}

// statementText is the text of the repairer's statement of the closed period.
func statementText(t testing.TB, c *closed, repairer int64) string {
	t.Helper()
	s := c.book.StatementOf(repairer)
	if s == nil {
		t.Fatalf("repairer %d has no statement", repairer)
	}
	return pdfText(t, filepath.Join(c.out, c.book.Period.String(), invoices.StatementPath(c.book, s)))
}

// checkTextCell checks the cell of column col (0-based) on the row whose first cell is key, in a
// sheet of the closed period's workbook: a text cell (never a formula) holding want as the
// workbook can hold it (characters XML cannot carry are dropped; see cellText).
func checkTextCell(t testing.TB, c *closed, sheet, key string, col int, want string) {
	t.Helper()
	f, err := excelize.OpenFile(c.wb)
	if err != nil {
		t.Fatalf("open the workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if len(r) == 0 || r[0] != key {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(col+1, i+1)
		typ, err := f.GetCellType(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		if typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("%s!%s: cell type %v, want text", sheet, cell, typ)
		}
		if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
			t.Errorf("%s!%s: a formula %q where the text %.100q belongs", sheet, cell, formula, want)
		}
		got := ""
		if col < len(r) {
			got = r[col]
		}
		if w := cellText(want); got != w {
			t.Errorf("%s!%s holds %.300q, want %.300q", sheet, cell, got, w)
		}
		return
	}
	t.Errorf("sheet %s: no row %s", sheet, key)
}

// cellText is a text as a workbook cell should hold it: as is when it holds no control
// character; otherwise as the documents print it (control characters as spaces, runs of spaces
// one, see printable): a cell cannot hold most of them (XML 1.0), and must not show U+FFFD.
// At most Excel's 32 767 characters.
func cellText(s string) string {
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) }) {
		s = printable(s)
	}
	if r := []rune(s); len(r) > excelize.TotalCellChars {
		s = string(r[:excelize.TotalCellChars])
	}
	return s
}
