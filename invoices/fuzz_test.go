package invoices

import (
	"bytes"
	"sync"
	"testing"
)

var fuzzRenderer = sync.OnceValue(func() *Renderer { return New(nil) })

// FuzzRenderDocuments: arbitrary strings in every text field of a statement, an invoice and the
// network's identity never panic and never fail a render (issue 17), and every document is a
// whole PDF.
func FuzzRenderDocuments(f *testing.F) {
	f.Add("Łukasz Wróbel", "5 rue Świętokrzyska\n75013 Paris", "Paris", "Réseau Vélo Services", "12 rue\n75011 Paris", "FR11833333333")
	f.Add("Vélo 🚲 𝕍", "北京市\n東京", "مرحبا بكم", "שלום (עולם) 123", "e\u0301\u0327\u202E", "\xff\xfe")
	f.Add("\u0644\u0627\u0644\u0627", "\u200D\uFE0F\U000E0001", "\n\n\n", "", " ", "\x00\x1b[31m")
	f.Fuzz(func(t *testing.T, name, address, city, network, netAddress, other string) {
		r := fuzzRenderer()
		b := unicodeExample()
		for _, p := range []*struct{ name, address, siret, vat, email *string }{
			{&b.Statements[0].Repairer.Name, &b.Statements[0].Repairer.Address, &b.Statements[0].Repairer.SIRET,
				&b.Statements[0].Repairer.VATNumber, &b.Statements[0].Repairer.Email},
			{&b.Statements[1].Repairer.Name, &b.Statements[1].Repairer.Address, &b.Statements[1].Repairer.SIRET,
				&b.Statements[1].Repairer.VATNumber, &b.Statements[1].Repairer.Email},
			{&b.Invoices[0].Repairer.Name, &b.Invoices[0].Repairer.Address, &b.Invoices[0].Repairer.SIRET,
				&b.Invoices[0].Repairer.VATNumber, &b.Invoices[0].Repairer.Email},
		} {
			*p.name, *p.address, *p.siret, *p.vat, *p.email = name, address, other, other, other
		}
		b.Statements[0].Commissions[0].City = city
		b.Statements[0].SAV[0].City = city
		b.Statements[0].SAV[0].Outcome = other
		is := &b.Issuer
		is.Name, is.Address = network+"x", netAddress // the issuer's name must not be blank
		is.LegalForm, is.SIRET, is.VATNumber, is.RCS, is.Email, is.IBAN, is.BIC = other, other, other, other, other, other, other
		for i := range b.Statements {
			var buf bytes.Buffer
			if err := r.Statement(&buf, b, &b.Statements[i]); err != nil {
				t.Fatalf("statement %d: %v", i, err)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) || !bytes.Contains(buf.Bytes()[buf.Len()-32:], []byte("%%EOF")) {
				t.Fatalf("statement %d: not a whole PDF", i)
			}
		}
		var buf bytes.Buffer
		if err := r.Invoice(&buf, b, &b.Invoices[0]); err != nil {
			t.Fatalf("invoice: %v", err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
			t.Fatal("invoice: not a whole PDF")
		}
	})
}
