package invoices

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"savbilling"
)

var update = flag.Bool("update", false, "rewrite the layout goldens in testdata/")

// TestGoldenLayout compares the layout model (every text, rule and fill, with its position and
// font) of the worked example's documents with testdata/*.golden. Run with -update after an
// intended change, and look at the diff.
func TestGoldenLayout(t *testing.T) {
	r := New(nil)
	stmt := func(b *savbilling.Book, i int) func() *doc {
		return func() *doc {
			p, m, err := r.build(b, func(m measurer) *doc { return r.layoutStatement(m, b, &b.Statements[i]) })
			if err != nil || p == nil {
				t.Fatal(err)
			}
			return m
		}
	}
	inv := func(b *savbilling.Book, i int) func() *doc {
		return func() *doc {
			_, m, err := r.build(b, func(m measurer) *doc { return r.layoutInvoice(m, b, &b.Invoices[i]) })
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
	}
	cases := []struct {
		name  string
		model func() *doc
	}{
		{"statement-r1", stmt(workedExample(), 0)},
		{"statement-r2-franchise", stmt(workedExample(), 1)},
		{"statement-r1-spread", stmt(spreadExample(), 0)},
		{"statement-r1-installment", stmt(installmentExample(), 0)},
		{"statement-r1-draft", stmt(draft(spreadExample()), 0)},
		{"statement-utf8", stmt(unicodeExample(), 0)},
		{"invoice-overflow", inv(invoiceExample(), 0)},
		{"invoice-plan-balance", inv(planBalanceExample(), 0)},
		{"invoice-utf8", inv(unicodeExample(), 0)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.model().dump()
			path := filepath.Join("testdata", c.name+".golden")
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
				t.Fatalf("%v (run go test ./invoices -run GoldenLayout -update)", err)
			}
			if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(got, "\n")); diff != "" {
				t.Errorf("%s changed (-want +got); run with -update if intended:\n%s", path, diff)
			}
		})
	}
}
