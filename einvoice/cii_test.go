package einvoice

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"savbilling/einvoice/einvoicetest"
)

// cases are the documents every validator must accept.
var cases = []struct {
	name string
	doc  func() *Document
}{
	{"standard", standardStatement},
	{"franchise", franchiseStatement},
	{"setoff", setOffStatement},
	{"refund", refundStatement},
	{"invoice", networkInvoice},
	{"zero", reducedToZero},
	{"fullsetoff", fullySetOff},
}

// writeCases writes each case's XML to dir and returns them by name.
func writeCases(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, c := range cases {
		x, err := Marshal(c.doc())
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, c.name+".xml"), x, 0o644); err != nil {
			t.Fatal(err)
		}
		out[c.name] = x
	}
	return out
}

// TestEveryCasePassesTheThirdPartyValidators: XSD, EN 16931 (Factur-X) and BR-FR Schematron
// with zero fatal or error, for a standard statement, a franchise one, one with indemnities set
// off, one fully set off (BT-115 = 0), one reduced to zero, a refund line and a network invoice;
// and a broken XML in the same folder fails, so the check can fail.
func TestEveryCasePassesTheThirdPartyValidators(t *testing.T) {
	einvoicetest.NeedValidators(t)
	dir := t.TempDir()
	xmls := writeCases(t, dir)
	// a deliberately broken copy: the amount due no longer equals total − prepaid (BR-CO-16)
	// and the invoice number has a space (BR-FR-02)
	broken := bytes.Replace(xmls["setoff"], []byte("<ram:DuePayableAmount>82.00<"), []byte("<ram:DuePayableAmount>83.00<"), 1)
	broken = bytes.Replace(broken, []byte("<ram:ID>REL-44-2026-0007<"), []byte("<ram:ID>REL 44<"), 1)
	if bytes.Equal(broken, xmls["setoff"]) {
		t.Fatal("the broken copy is not broken")
	}
	if err := os.WriteFile(filepath.Join(dir, "zz-broken.xml"), broken, 0o644); err != nil {
		t.Fatal(err)
	}
	out, ok := einvoicetest.Validate(t, dir)
	if ok {
		t.Fatalf("the validators accepted a broken e-invoice:\n%s", out)
	}
	for _, f := range einvoicetest.Failures(out) {
		if !strings.Contains(f, "zz-broken.xml") {
			t.Errorf("a valid case fails: %s", f)
		}
	}
	for _, rule := range []string{"BR-CO-16", "BR-FR-02"} {
		if !strings.Contains(out, rule) {
			t.Errorf("the broken XML does not fail %s:\n%s", rule, out)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}

// flatXML is x without the indentation between elements, for exact substring checks.
func flatXML(x []byte) string {
	var b strings.Builder
	for _, l := range strings.Split(string(x), "\n") {
		b.WriteString(strings.TrimSpace(l))
	}
	return b.String()
}

func mustContain(t *testing.T, what, x string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(x, p) {
			t.Errorf("%s lacks %s", what, p)
		}
	}
}

// TestSelfBilledStatementMapsTheRepairerAsSellerAndTheNetworkAsBuyer: 389, S1, the profile,
// SIRET / SIREN / electronic address of each party, VAT numbers, the notes, one line per
// commission, the reductions as an allowance, VAT 20 % on Net HT, the IBAN.
func TestSelfBilledStatementMapsTheRepairerAsSellerAndTheNetworkAsBuyer(t *testing.T) {
	x, err := Marshal(standardStatement())
	if err != nil {
		t.Fatal(err)
	}
	f := flatXML(x)
	mustContain(t, "statement", f,
		"<ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>S1</ram:ID>",
		"<ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID>",
		"<ram:ID>REL-42-2026-0011</ram:ID><ram:TypeCode>389</ram:TypeCode>",
		`<ram:IssueDateTime><udt:DateTimeString format="102">20261201</udt:DateTimeString>`,
		`<ram:SellerTradeParty><ram:GlobalID schemeID="0009">55208131766522</ram:GlobalID><ram:Name>Atelier Cycles Lœwy &amp; Fils</ram:Name>`+
			`<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">552081317</ram:ID></ram:SpecifiedLegalOrganization>`+
			`<ram:PostalTradeAddress><ram:PostcodeCode>69002</ram:PostcodeCode><ram:LineOne>3 place Bellecour</ram:LineOne><ram:LineTwo>Bâtiment B</ram:LineTwo><ram:CityName>Lyon</ram:CityName><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>`+
			`<ram:URIUniversalCommunication><ram:URIID schemeID="0225">552081317</ram:URIID></ram:URIUniversalCommunication>`+
			`<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR85552081317</ram:ID></ram:SpecifiedTaxRegistration></ram:SellerTradeParty>`,
		`<ram:BuyerTradeParty><ram:GlobalID schemeID="0009">73282932000074</ram:GlobalID><ram:Name>Réseau Vélo Services SAS</ram:Name>`,
		`<ram:URIID schemeID="0225">732829320</ram:URIID>`,
		"<ram:SubjectCode>PMT</ram:SubjectCode>", "<ram:SubjectCode>PMD</ram:SubjectCode>", "<ram:SubjectCode>AAB</ram:SubjectCode>",
		"au nom et pour le compte de Atelier Cycles Lœwy &amp; Fils.</ram:Content><ram:SubjectCode>REG</ram:SubjectCode>",
		"<ram:LineID>3</ram:LineID></ram:AssociatedDocumentLineDocument><ram:SpecifiedTradeProduct><ram:Name>Commission intervention 100240</ram:Name>",
		"<udt:Indicator>false</udt:Indicator></ram:ChargeIndicator><ram:ActualAmount>20.00</ram:ActualAmount><ram:Reason>Réductions SAV imputées sur la période</ram:Reason>",
		"<ram:CalculatedAmount>22.00</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>110.00</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode>",
		"<ram:RateApplicablePercent>20.00</ram:RateApplicablePercent>",
		"<ram:TypeCode>58</ram:TypeCode><ram:PayeePartyCreditorFinancialAccount><ram:IBANID>FR7630006000011234567890189</ram:IBANID>",
		`<ram:DueDateDateTime><udt:DateTimeString format="102">20261210</udt:DateTimeString>`,
		"<ram:LineTotalAmount>130.00</ram:LineTotalAmount><ram:ChargeTotalAmount>0.00</ram:ChargeTotalAmount><ram:AllowanceTotalAmount>20.00</ram:AllowanceTotalAmount>"+
			"<ram:TaxBasisTotalAmount>110.00</ram:TaxBasisTotalAmount><ram:TaxTotalAmount currencyID=\"EUR\">22.00</ram:TaxTotalAmount>"+
			"<ram:GrandTotalAmount>132.00</ram:GrandTotalAmount><ram:TotalPrepaidAmount>0.00</ram:TotalPrepaidAmount><ram:DuePayableAmount>132.00</ram:DuePayableAmount>")
	if strings.Contains(f, `schemeID="FC"`) {
		t.Error("a seller with a VAT number got a tax registration (BT-32)")
	}
}

// TestNetworkInvoiceMapsTheNetworkAsSeller: 380, seller = network, buyer = repairer.
func TestNetworkInvoiceMapsTheNetworkAsSeller(t *testing.T) {
	x, err := Marshal(networkInvoice())
	if err != nil {
		t.Fatal(err)
	}
	f := flatXML(x)
	mustContain(t, "invoice", f, "<ram:ID>FAC-2026-000012</ram:ID><ram:TypeCode>380</ram:TypeCode>",
		`<ram:SellerTradeParty><ram:GlobalID schemeID="0009">73282932000074</ram:GlobalID>`,
		`<ram:BuyerTradeParty><ram:GlobalID schemeID="0009">55208131766522</ram:GlobalID>`,
		"<ram:GrandTotalAmount>148.14</ram:GrandTotalAmount><ram:TotalPrepaidAmount>0.00</ram:TotalPrepaidAmount><ram:DuePayableAmount>148.14</ram:DuePayableAmount>")
	if strings.Contains(f, "<ram:SubjectCode>REG</ram:SubjectCode>") {
		t.Error("the network's own invoice carries the self-billing mention")
	}
}

// TestFranchiseSellerIsExemptWithItsTaxRegistration: category E, rate 0, VATEX-FR-FRANCHISE,
// the art. 293 B mention, BT-32 (scheme FC) instead of a VAT number, VAT 0.
func TestFranchiseSellerIsExemptWithItsTaxRegistration(t *testing.T) {
	x, err := Marshal(franchiseStatement())
	if err != nil {
		t.Fatal(err)
	}
	f := flatXML(x)
	mustContain(t, "franchise statement", f,
		"<ram:CalculatedAmount>0.00</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:ExemptionReason>TVA non applicable, art. 293 B du CGI</ram:ExemptionReason>"+
			"<ram:BasisAmount>110.00</ram:BasisAmount><ram:CategoryCode>E</ram:CategoryCode><ram:ExemptionReasonCode>VATEX-FR-FRANCHISE</ram:ExemptionReasonCode><ram:RateApplicablePercent>0.00</ram:RateApplicablePercent>",
		`<ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">552081317</ram:ID></ram:SpecifiedTaxRegistration></ram:SellerTradeParty>`,
		"<ram:GrandTotalAmount>110.00</ram:GrandTotalAmount>")
	if strings.Contains(f, "SpecifiedTradeSettlementPaymentMeans") {
		t.Error("payment means without an IBAN (BR-61)")
	}
	d := franchiseStatement()
	d.Seller.TaxRegistration = ""
	if _, err := Marshal(d); err == nil || !strings.Contains(err.Error(), "BR-E-02") {
		t.Errorf("a franchise seller with neither VAT number nor tax registration: %v, want BR-E-02", err)
	}
}

// TestIndemnitiesSetOffAreThePrepaidAmount: BT-113 = the indemnities, BT-115 = Net à payer.
func TestIndemnitiesSetOffAreThePrepaidAmount(t *testing.T) {
	x, err := Marshal(setOffStatement())
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "set-off statement", flatXML(x),
		"<ram:GrandTotalAmount>132.00</ram:GrandTotalAmount><ram:TotalPrepaidAmount>50.00</ram:TotalPrepaidAmount><ram:DuePayableAmount>82.00</ram:DuePayableAmount>",
		"compensées ; net à payer 82,00 €.</ram:Content><ram:SubjectCode>AAI</ram:SubjectCode>")
}

// TestMarshalRefusesWhatTheValidatorsOrTheLedgerWouldRefuse: each broken document is refused
// with the rule named, and nothing is written.
func TestMarshalRefusesWhatTheValidatorsOrTheLedgerWouldRefuse(t *testing.T) {
	for _, c := range []struct {
		name, want string
		edit       func(d *Document)
	}{
		{"ledger VAT differs", "BT-110 VAT: the e-invoice computes 22.00, the ledger says 22.01", func(d *Document) { d.Expect.VATCents = 2201 }},
		{"ledger due differs", "BT-115 amount due", func(d *Document) { d.Expect.DueCents = 1 }},
		{"reductions above the lines", "above the lines", func(d *Document) {
			d.Allowances[0].AmountCents = 13001
			d.Expect = nil
		}},
		{"prepaid above the total", "amount settled 132.01 outside 0..132.00", func(d *Document) {
			d.PrepaidCents = 13201
			d.Expect = nil
		}},
		{"number with a space", "BR-FR-02", func(d *Document) { d.Number = "REL 42" }},
		{"no PMT note", "note PMT: 0", func(d *Document) { d.Notes = d.Notes[2:] }},
		{"twice AAB", "note AAB: 2", func(d *Document) { d.Notes = append(d.Notes, Note{NoteAAB, "x"}) }},
		{"seller SIRET of 13 digits", `seller "Atelier Cycles Lœwy & Fils": siret`, func(d *Document) { d.Seller.SIRET = "5520813176652" }},
		{"buyer country", `buyer "Réseau Vélo Services SAS": country_code : code pays "XX" inconnu`, func(d *Document) { d.Buyer.Address.Country = "XX" }},
		{"no line", "no line (BR-16)", func(d *Document) { d.Lines = nil; d.Allowances = nil; d.Expect = nil }},
		{"negative line", "amount above zero", func(d *Document) { d.Lines[0].AmountCents = -1; d.Expect = nil }},
		{"due before issue", "BR-FR-CO-07", func(d *Document) { d.DueDate = day("2026-11-30") }},
	} {
		d := standardStatement()
		c.edit(d)
		var b bytes.Buffer
		err := Write(&b, d)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
		if b.Len() != 0 {
			t.Errorf("%s: %d bytes written", c.name, b.Len())
		}
	}
}

// TestAmountsAreWrittenFromCentsExactly: no float anywhere, negative and large values.
func TestAmountsAreWrittenFromCentsExactly(t *testing.T) {
	for c, want := range map[int64]string{0: "0.00", 5: "0.05", 10: "0.10", 123456: "1234.56", -7: "-0.07",
		-123456: "-1234.56", 9223372036854775807: "92233720368547758.07", -9223372036854775808: "-92233720368547758.08"} {
		if got := amount(c); got != want {
			t.Errorf("amount(%d) = %s, want %s", c, got, want)
		}
	}
}

// TestTextEscapedAsEncodingXMLEscapes checks the writer's text, which writes plain ASCII as it is,
// against encoding/xml's EscapeText on texts of each kind: plain, with each character it escapes,
// accented, invalid UTF-8, a control character.
func TestTextEscapedAsEncodingXMLEscapes(t *testing.T) {
	for _, s := range []string{"", "REL-42-2026-0001", "1234.56", "Atelier Vélo", `a "b" 'c'`, "x & y < z > w",
		"tab\there", "line\nbreak\r", "\x01", "bad \xff byte", "~\x7f", "FR 76 3000", "Saint-Étienne 1\u202f234,56 €",
		"no \uFFFE", "no \uFFFF", "ok \uFFFD", "truncated \xc3", "𝄞 Œuvre", "\xed\xa0\x80 surrogate", "l'atelier"} {
		var want bytes.Buffer
		if err := xml.EscapeText(&want, []byte(s)); err != nil {
			t.Fatal(err)
		}
		x := writer{b: new(bytes.Buffer)}
		x.text(s)
		if x.b.String() != want.String() {
			t.Errorf("%q: written %q, EscapeText %q", s, x.b.String(), want.String())
		}
	}
	for _, c := range []int64{0, 1, 9, 10, 99, 100, 123456, -1, -99, -100, -123456} {
		want := fmt.Sprintf("%.2f", float64(c)/100) // exact for these
		if got := amount(c); got != want {
			t.Errorf("amount(%d) = %s, want %s", c, got, want)
		}
	}
}

// TestMarshalToAppendsTheXMLOrNothing: MarshalTo appends to what a reused buffer holds exactly
// the bytes Marshal returns, and nothing for a document Check refuses.
func TestMarshalToAppendsTheXMLOrNothing(t *testing.T) {
	want, err := Marshal(standardStatement())
	if err != nil {
		t.Fatal(err)
	}
	b := bytes.NewBufferString("kept")
	if err := MarshalTo(b, standardStatement()); err != nil {
		t.Fatal(err)
	}
	if got := b.Bytes(); !bytes.Equal(got[:4], []byte("kept")) || !bytes.Equal(got[4:], want) {
		t.Errorf("MarshalTo appended other bytes than Marshal's (%d, want %d)", len(got)-4, len(want))
	}
	bad := standardStatement()
	bad.Number = ""
	b.Reset()
	b.WriteString("kept")
	if err := MarshalTo(b, bad); err == nil || b.String() != "kept" {
		t.Errorf("a refused document: %v, buffer %q", err, b.String())
	}
}
