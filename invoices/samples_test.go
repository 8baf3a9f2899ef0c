package invoices

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sb "savbilling"
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
		b    func() *sb.Book
	}{
		{"worked", workedExample}, {"spread", spreadExample}, {"invoice", invoiceExample},
		{"installment", installmentExample}, {"planbalance", planBalanceExample},
		{"long", func() *sb.Book { return longStatement(100) }}, {"unicode", unicodeExample},
		{"draft", func() *sb.Book { return draft(invoiceExample()) }},
		// every script: the fallback font, Arabic forms, right to left and substitutes (issue
		// 17), through upstream's gofpdf too in verify.sh (without runes outside the BMP, which
		// upstream wrote garbled into the PDF's metadata)
		{"scripts", scriptsSample},
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

// scriptsSample is hostileBook with its runes outside the Basic Multilingual Plane removed.
func scriptsSample() *sb.Book {
	b := hostileBook()
	bmp := func(p *string) {
		*p = strings.Map(func(r rune) rune {
			if r > 0xFFFF {
				return -1
			}
			return r
		}, *p)
	}
	parties := []*sb.Party{&b.Invoices[0].Repairer}
	for i := range b.Statements {
		parties = append(parties, &b.Statements[i].Repairer)
		for j := range b.Statements[i].Commissions {
			bmp(&b.Statements[i].Commissions[j].City)
		}
	}
	for _, p := range parties {
		for _, f := range []*string{&p.Name, &p.Address, &p.SIRET, &p.VATNumber, &p.Email} {
			bmp(f)
		}
	}
	is := &b.Issuer
	for _, f := range []*string{&is.Name, &is.LegalForm, &is.Address, &is.SIRET, &is.VATNumber, &is.RCS, &is.Email, &is.IBAN, &is.BIC} {
		bmp(f)
	}
	return b
}
