package reports

import (
	"flag"
	"path/filepath"
	"testing"

	sb "savbilling"
)

var sampleOut = flag.String("sample.out", "", "write sample workbooks into this folder (for scripts/check-xlsx-libreoffice.sh)")

// TestExportSample writes the test books' workbooks for checks outside Go; it does nothing
// unless -sample.out is given.
func TestExportSample(t *testing.T) {
	if *sampleOut == "" {
		t.Skip("no -sample.out")
	}
	draft := richBook()
	draft.Draft = true
	for i := range draft.Statements {
		draft.Statements[i].Number = ""
	}
	draft.Invoices[0].Number = ""
	for _, s := range []struct {
		name string
		book *sb.Book
		prev *sb.Totals
	}{
		{"worked-example", workedExample(), nil},
		{"rich", richBook(), previousTotals()},
		{"rich-draft", draft, previousTotals()},
		{"empty", &sb.Book{Period: october, ClosedAt: closedAt}, previousTotals()},
		{"big", bigBook(300, 10), nil},
	} {
		path := filepath.Join(*sampleOut, s.name+".xlsx")
		if err := Write(path, s.book, s.prev); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		t.Logf("wrote %s", path)
	}
}
