package invoices

import (
	"testing"

	sb "savbilling"
	"savbilling/internal/golden"
)

// TestGoldenLayout compares the layout model (every text, rule and fill, with its position and
// font) of the worked example's documents with testdata/*.golden. Run with -update after an
// intended change, and look at the diff.
func TestGoldenLayout(t *testing.T) {
	r := New(nil)
	stmt := func(b *sb.Book, i int) func() *doc {
		return func() *doc {
			p, m, err := r.build(b, func(m measurer) *doc { return r.layoutStatement(m, b, &b.Statements[i]) }, false)
			if err != nil || p == nil {
				t.Fatal(err)
			}
			return m
		}
	}
	inv := func(b *sb.Book, i int) func() *doc {
		return func() *doc {
			_, m, err := r.build(b, func(m measurer) *doc { return r.layoutInvoice(m, b, &b.Invoices[i]) }, false)
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
			golden.Check(t, c.name, got)
		})
	}
}
