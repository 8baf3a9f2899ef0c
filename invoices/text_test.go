package invoices

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sb "savbilling"
)

// hostile is a text in every script and with what breaks fonts: emoji outside the BMP, a
// mathematical letter, CJK, Arabic, Hebrew, a combining mark, a bidi override, invalid UTF-8.
const hostile = "Vélo 🚲 𝕍 北京自行车 مرحبا بكم שלום e\u0301\u0327 \u202Eabc\xff"

// hostileBook is the unicode example with every printable field of both parties and the network
// holding hostile text, a 500-character name and a newline in a city.
func hostileBook() *sb.Book {
	b := unicodeExample()
	long := "Atelier " + strings.Repeat("Ünïcödé 🚲 北 ", 40)
	long = string([]rune(long)[:500])
	party := func(p *sb.Party, name string) {
		p.Name = name
		p.Address = "Rue " + hostile + "\n75013 Paris 🚲\n北京市 " + hostile
		p.SIRET = "8333333330001🚲"
		p.VATNumber = "FR11 مرحبا"
		p.Email = "a🚲@example.fr"
	}
	party(&b.Statements[0].Repairer, long)
	party(&b.Statements[1].Repairer, "Garage "+hostile)
	party(&b.Invoices[0].Repairer, "Garage "+hostile)
	b.Statements[0].Commissions[0].City = "Paris\n" + hostile
	is := &b.Issuer
	is.Name, is.LegalForm, is.RCS, is.Email = "Réseau "+hostile, "SAS "+hostile, "RCS "+hostile, "🚲@example.fr"
	is.Address = "12 rue " + hostile + "\n75011 Paris"
	is.IBAN, is.BIC = "FR76 🚲 3000", "AGRI🚲"
	return b
}

// Issue 17: an emoji (outside the BMP) in a repairer's name panicked inside gofpdf
// (index out of range [65536] in generateCIDFontMap), after the ledger was committed.
func TestAnEmojiInANameRenders(t *testing.T) {
	b := unicodeExample()
	b.Statements[0].Repairer.Name = "Łukasz 🚲 Wróbel"
	b.Invoices[0].Repairer.Name = "Nguyễn 𝕍 🚲"
	r := New(nil)
	text := flat(pdfText(t, renderStatement(t, r, b, 0), 0))
	contains(t, "statement", text, "Łukasz \uFFFD Wróbel")
	text = flat(pdfText(t, renderInvoice(t, r, b, 0), 0))
	contains(t, "invoice", text, "Nguyễn V \uFFFD") // 𝕍 prints as its compatibility form V
}

// Every field of every document holds hostile text: the documents render, their Latin parts and
// amounts print, the CJK font is embedded only in the documents that print CJK.
func TestAnyTextRenders(t *testing.T) {
	b := hostileBook()
	dir := t.TempDir()
	files, err := New(nil).WriteAll(context.Background(), dir, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 {
		t.Fatalf("files = %v", files)
	}
	for _, f := range files {
		data := mustRead(t, filepath.Join(dir, filepath.FromSlash(f.Path)))
		text := flat(pdfText(t, data, 0))
		contains(t, f.Path, text, "Vélo", "Paris", "Réseau Vélo", "\uFFFD")
		if !bytes.Contains(data, []byte("/BaseFont /utf8droidfallback")) {
			t.Errorf("%s: prints CJK without embedding the fallback font", f.Path)
		}
		if os.Getenv("INVOICES_SAMPLES") != "" {
			os.MkdirAll(os.Getenv("INVOICES_SAMPLES"), 0o750)
			os.WriteFile(filepath.Join(os.Getenv("INVOICES_SAMPLES"), strings.ReplaceAll(f.Path, "/", "-")), data, 0o640)
		}
	}
	st := flat(pdfText(t, mustRead(t, filepath.Join(dir, "statements/REL-7-2026-0003.pdf")), 0))
	contains(t, "statement", st, "Net HT 65,00 €", "TVA 20 % 13,00 €", "Net TTC 78,00 €", "Atelier Ünïcödé")
	inv := flat(pdfText(t, mustRead(t, filepath.Join(dir, "invoices/FAC-2026-000002.pdf")), 0))
	contains(t, "invoice", inv, "Facture N° FAC-2026-000002", "Total TTC 180,00 €")

	// a document without CJK does not embed the fallback font
	b = unicodeExample()
	b.Statements[0].Repairer.Name = "Łukasz שלום مرحبا 🚲"
	if pdf := renderStatement(t, New(nil), b, 0); bytes.Contains(pdf, []byte("/BaseFont /utf8droidfallback")) {
		t.Error("a document without CJK embeds the fallback font")
	}
}

// A panic inside one document's rendering is an error naming that document, not a crashed
// process, and leaves no temporary file.
func TestARenderPanicIsAnErrorNamingTheDocument(t *testing.T) {
	b := workedExample()
	calls := 0
	renderFault = func() {
		calls++
		panic("injected fault")
	}
	defer func() { renderFault = nil }()
	dir := t.TempDir()
	_, err := New(nil).WriteAll(context.Background(), dir, b)
	if err == nil || !strings.Contains(err.Error(), "statement REL-") || !strings.Contains(err.Error(), "injected fault") {
		t.Fatalf("err = %v", err)
	}
	noTemporaries(t, dir)
	if err := New(nil).Statement(&bytes.Buffer{}, b, &b.Statements[0]); err == nil ||
		!strings.Contains(err.Error(), "statement REL-1-2026-0010") {
		t.Errorf("Statement: %v", err)
	}
	if calls == 0 {
		t.Error("the fault was never injected")
	}
}

// fitPrefix cut a word holding an invalid UTF-8 byte past its end (slice bounds out of range,
// found by FuzzRenderDocuments in an unknown outcome code, which prints as it is).
func TestFitPrefixWithInvalidBytes(t *testing.T) {
	for _, s := range []string{"\x84ا\x84ا", "\xff\xfe\xfd", "a\xe2\x82b"} {
		for w := 0.0; w < 5; w++ {
			n := fitPrefix(fixed{}, s, stBody, w)
			if n < 1 || n > len(s) {
				t.Errorf("fitPrefix(%q, %v) = %d", s, w, n)
			}
		}
	}
}
