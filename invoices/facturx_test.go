package invoices

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	sb "savbilling"
	"savbilling/einvoice"
	"savbilling/einvoice/einvoicetest"
)

// party is a ledger party as an e-invoice party (the address parsed by einvoice's rule).
func eParty(name, address, siret, vat string) einvoice.Party {
	a, _ := einvoice.ParseAddress(address, "FR")
	p := einvoice.Party{Name: name, SIRET: siret, VATID: vat, Address: a}
	if vat == "" {
		p.TaxRegistration = einvoice.SIREN(siret)
	}
	return p
}

var legalNotes = []einvoice.Note{
	{Subject: einvoice.NotePMT, Text: "Indemnité forfaitaire pour frais de recouvrement : 40 €."},
	{Subject: einvoice.NotePMD, Text: "Pénalités de retard : trois fois le taux d'intérêt légal."},
	{Subject: einvoice.NoteAAB, Text: "Pas d'escompte pour paiement anticipé."},
}

// eStatement is the e-invoice of statement s of b (the test's own mapping, the one
// docs/einvoice.md describes, without the fields of issues 18 and 19).
func eStatement(t testing.TB, b *sb.Book, s *sb.Statement) []byte {
	t.Helper()
	d := &einvoice.Document{
		Number: s.Number, Type: einvoice.SelfBilled, IssueDate: s.IssuedOn,
		PeriodStart: s.Period.Start(sb.Paris), PeriodEnd: s.Period.End(sb.Paris).AddDate(0, 0, -1),
		Seller: eParty(s.Repairer.Name, s.Repairer.Address, s.Repairer.SIRET, s.Repairer.VATNumber),
		Buyer:  eParty(b.Issuer.Name, b.Issuer.Address, b.Issuer.SIRET, b.Issuer.VATNumber),
		Notes: append(append([]einvoice.Note(nil), legalNotes...), einvoice.Note{Subject: einvoice.NoteREG,
			Text: "Facture émise par " + b.Issuer.Name + " au nom et pour le compte de " + s.Repairer.Name}),
		VAT: einvoice.Standard20, DueDate: s.PaymentOn, PaymentTerms: "Virement à la date de paiement",
		Expect: &einvoice.Expected{NetHTCents: s.NetHTCents, VATCents: s.VATCents, NetTTCCents: s.NetTTCCents, DueCents: s.NetTTCCents},
	}
	if s.Repairer.VATRegime == sb.VATFranchise {
		d.VAT = einvoice.Franchise
	}
	var lines int64
	for _, c := range s.Commissions {
		id := strconv.FormatInt(c.InterventionID, 10)
		d.Lines = append(d.Lines, einvoice.Line{ID: id, Name: "Commission intervention " + id, AmountCents: c.AmountCents})
		lines += c.AmountCents
	}
	if red := lines - s.NetHTCents; red > 0 {
		d.Allowances = []einvoice.Allowance{{Reason: "Réductions SAV", AmountCents: red}}
	}
	x, err := einvoice.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func eInvoice(t testing.TB, b *sb.Book, inv *sb.Invoice) []byte {
	t.Helper()
	d := &einvoice.Document{
		Number: inv.Number, Type: einvoice.Commercial, IssueDate: inv.IssuedOn,
		Seller: eParty(b.Issuer.Name, b.Issuer.Address, b.Issuer.SIRET, b.Issuer.VATNumber),
		Buyer:  eParty(inv.Repairer.Name, inv.Repairer.Address, inv.Repairer.SIRET, inv.Repairer.VATNumber),
		Notes:  legalNotes, VAT: einvoice.Standard20, DueDate: inv.DueOn,
		Lines:     []einvoice.Line{{ID: "1", Name: "Réductions SAV non imputées", AmountCents: inv.HTCents}},
		PayeeIBAN: strings.ReplaceAll(b.Issuer.IBAN, " ", ""),
		Expect:    &einvoice.Expected{NetHTCents: inv.HTCents, VATCents: inv.VATCents, NetTTCCents: inv.TTCCents, DueCents: inv.TTCCents},
	}
	x, err := einvoice.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestFacturXDocumentsPassTheContainerCheckAndTheValidators: a standard statement, a franchise
// statement (both in cp1252: printed with the embedded DejaVu all the same), a statement of 4
// pages, a statement and an invoice with names outside cp1252 and a network invoice as Factur-X
// PDFs pass pdfa3_check.py (PDF/A-3 XMP, Factur-X extension, sRGB output
// intent, /AF with /AFRelationship /Data, fonts embedded, /ID) and the XSD, EN 16931 and BR-FR
// checks of the XML the validators extract; pdftotext still reads them; the extracted XML is
// the one given. A plain statement fails the container check (so the check can fail).
func TestFacturXDocumentsPassTheContainerCheckAndTheValidators(t *testing.T) {
	einvoicetest.NeedValidators(t)
	r := New(nil)
	b := workedExample()
	ib := invoiceExample()
	long := longStatement(100)
	uni := unicodeExample()
	dir := t.TempDir()
	type out struct {
		name string
		pdf  []byte
		xml  []byte
	}
	var outs []out
	for i := range b.Statements {
		s := &b.Statements[i]
		x := eStatement(t, b, s)
		var buf bytes.Buffer
		if err := r.FacturXStatement(&buf, b, s, x); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, out{s.Number, buf.Bytes(), x})
	}
	x := eInvoice(t, ib, &ib.Invoices[0])
	var buf bytes.Buffer
	if err := r.FacturXInvoice(&buf, ib, &ib.Invoices[0], x); err != nil {
		t.Fatal(err)
	}
	outs = append(outs, out{ib.Invoices[0].Number, buf.Bytes(), x})
	for _, c := range []struct {
		name string
		b    *sb.Book
	}{{"long", long}, {"unicode", uni}} {
		s := &c.b.Statements[0]
		x := eStatement(t, c.b, s)
		var buf bytes.Buffer
		if err := r.FacturXStatement(&buf, c.b, s, x); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, out{c.name + "-" + s.Number, buf.Bytes(), x})
	}
	x = eInvoice(t, uni, &uni.Invoices[0])
	var ubuf bytes.Buffer
	if err := r.FacturXInvoice(&ubuf, uni, &uni.Invoices[0], x); err != nil {
		t.Fatal(err)
	}
	outs = append(outs, out{"unicode-" + uni.Invoices[0].Number, ubuf.Bytes(), x})
	for _, o := range outs {
		p := filepath.Join(dir, o.name+".pdf")
		if err := os.WriteFile(p, o.pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(o.pdf, []byte("/BaseFont /Helvetica")) {
			t.Errorf("%s uses the core Helvetica", o.name)
		}
		got, err := exec.Command("pdfdetach", "-savefile", "factur-x.xml", "-o", "/dev/stdout", p).Output()
		if err != nil || !bytes.Equal(got, o.xml) {
			t.Errorf("%s: the embedded factur-x.xml is not the XML given (%v)", o.name, err)
		}
	}
	text := flat(pdfText(t, outs[0].pdf, 0))
	contains(t, "Factur-X statement", text, "REL-1-2026-0010", "Atelier Cyclœ — Élodie Lefèvre", "96,00 €")
	text = flat(pdfText(t, outs[2].pdf, 0))
	contains(t, "Factur-X invoice", text, "FAC-2026-000001", "144,00 €")

	res, ok := einvoicetest.Validate(t, dir)
	if n := len(pages(pdfText(t, outs[3].pdf, 0))); n < 3 {
		t.Errorf("the long statement has %d pages, want several", n)
	}
	contains(t, "Factur-X unicode statement", flat(pdfText(t, outs[4].pdf, 0)), "Łukasz Wróbel")
	contains(t, "Factur-X unicode invoice", flat(pdfText(t, outs[5].pdf, 0)), "Nguyễn Văn Đức")
	if !ok || !strings.Contains(res, "OK: 6 e-invoice(s)") {
		t.Errorf("the validators refuse the Factur-X documents:\n%s", res)
	}

	plain := filepath.Join(t.TempDir(), "plain.pdf")
	if err := os.WriteFile(plain, renderStatement(t, r, b, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	res, ok = einvoicetest.Validate(t, plain)
	if ok || !strings.Contains(res, "no XMP metadata") || !strings.Contains(res, "OutputIntent") || !strings.Contains(res, "not embedded") {
		t.Errorf("a plain PDF passes the container check:\n%s", res)
	}
}

// TestFacturXRefusesADraftOrAMissingOrAnotherDocumentsXML: drafts carry no e-invoice; a PDF
// never embeds another document's.
func TestFacturXRefusesADraftOrAMissingOrAnotherDocumentsXML(t *testing.T) {
	r := New(nil)
	b := workedExample()
	var buf bytes.Buffer
	if err := r.FacturXStatement(&buf, b, &b.Statements[0], nil); err == nil || !strings.Contains(err.Error(), "no Factur-X XML") {
		t.Errorf("no XML: %v", err)
	}
	other := eStatement(t, b, &b.Statements[1])
	if err := r.FacturXStatement(&buf, b, &b.Statements[0], other); err == nil || !strings.Contains(err.Error(), "not the e-invoice REL-1-2026-0010") {
		t.Errorf("another statement's XML: %v", err)
	}
	d := draft(workedExample())
	if err := r.FacturXStatement(&buf, d, &d.Statements[0], []byte("<x/>")); err == nil || !strings.Contains(err.Error(), "draft") {
		t.Errorf("draft: %v", err)
	}
	if buf.Len() != 0 {
		t.Errorf("%d bytes written", buf.Len())
	}
}

// TestFacturXIsTheSameBytesEachTime: the /ID and the dates come from the document, not the clock.
func TestFacturXIsTheSameBytesEachTime(t *testing.T) {
	r := New(nil)
	b := workedExample()
	x := eStatement(t, b, &b.Statements[0])
	var one, two bytes.Buffer
	if err := r.FacturXStatement(&one, b, &b.Statements[0], x); err != nil {
		t.Fatal(err)
	}
	if err := r.FacturXStatement(&two, b, &b.Statements[0], x); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(one.Bytes(), two.Bytes()) {
		t.Error("two renderings differ")
	}
	for _, want := range []string{"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "/ID [<", "/CreationDate (D:20261101050000Z)", "/ModDate (D:20261101050000Z)", "/AFRelationship /Data", "/Subtype /text#2Fxml"} {
		if !bytes.Contains(one.Bytes(), []byte(want)) {
			t.Errorf("the Factur-X PDF lacks %q", want)
		}
	}
}

// TestDocumentsFormatsDifferOnlyInTheFontsBytes: this version's documents (DocumentsFormat)
// embed the fonts without their hinting, much smaller, and read the same as those of format 1
// (the font files whole), which ForFormat still writes for the periods issued with them.
func TestDocumentsFormatsDifferOnlyInTheFontsBytes(t *testing.T) {
	b := longStatement(50)
	s := &b.Statements[0]
	x := eStatement(t, b, s)
	render := func(r *Renderer) []byte {
		var buf bytes.Buffer
		if err := r.FacturXStatement(&buf, b, s, x); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	current := New(nil)
	hinted, err := current.ForFormat(FormatHinted)
	if err != nil {
		t.Fatal(err)
	}
	slim, hint := render(current), render(hinted)
	if len(slim) > len(hint)*6/10 {
		t.Errorf("format %d: %d bytes, want at most 60 %% of format 1's %d", DocumentsFormat, len(slim), len(hint))
	}
	t.Logf("a 2-page Factur-X statement: %d bytes (format 1: %d)", len(slim), len(hint))
	if pdfText(t, slim, 0) != pdfText(t, hint, 0) {
		t.Error("the two formats do not read the same")
	}
	for format, want := range map[int][]byte{FormatHinted: hint, DocumentsFormat: slim} {
		r, err := current.ForFormat(format)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(render(r), want) {
			t.Errorf("ForFormat(%d) writes other bytes", format)
		}
	}
	for _, unknown := range []int{0, DocumentsFormat + 1} {
		if _, err := current.ForFormat(unknown); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("format %d ", unknown)) {
			t.Errorf("format %d: %v, want an error naming it", unknown, err)
		}
	}
}
