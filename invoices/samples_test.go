package invoices

import (
	"context"
	"os"
	"path/filepath"
	"savbilling"
	"testing"
)

// TestWriteSamples writes the fixtures' PDFs to $INVOICES_SAMPLES, to look at them.
func TestWriteSamples(t *testing.T) {
	out := os.Getenv("INVOICES_SAMPLES")
	if out == "" {
		t.Skip("set INVOICES_SAMPLES=dir to write sample PDFs")
	}
	r := New(nil)
	for _, c := range []struct {
		name string
		b    func() *savbilling.Book
	}{
		{"worked", workedExample}, {"spread", spreadExample}, {"invoice", invoiceExample},
		{"installment", installmentExample}, {"planbalance", planBalanceExample},
		{"long", func() *savbilling.Book { return longStatement(100) }}, {"unicode", unicodeExample},
		{"draft", func() *savbilling.Book { return draft(invoiceExample()) }},
	} {
		files, err := r.WriteAll(context.Background(), filepath.Join(out, c.name), c.b())
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			t.Logf("%s/%s %d bytes", c.name, f.Path, f.Bytes)
		}
	}
}
