package invoices

import (
	"bytes"
	_ "embed"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	sb "savbilling"
)

// A Factur-X document is the PDF of a statement or an invoice made a PDF/A-3b document with its
// CII XML embedded as factur-x.xml (/AFRelationship /Data, in the catalog's /AF): XMP metadata
// declaring PDF/A-3 conformance B and the Factur-X properties (with their extension schema), an
// sRGB output intent, every font embedded (DejaVu Sans, the core Helvetica being forbidden), a
// trailer /ID. The gofpdf copy writes these parts (third_party/gofpdf/pdfa.go).

// srgbICC is the sRGB profile of Debian's icc-profiles-free (zlib licence: icc/LICENSE).
//
//go:embed icc/sRGB.icc
var srgbICC []byte

// FacturXFileName is the name of the embedded XML that Factur-X readers look for.
const FacturXFileName = "factur-x.xml"

// facturXConformance is the Factur-X profile of the XML, as the XMP names it.
const facturXConformance = "EN 16931"

// FacturXStatement writes statement s of book b to w as a Factur-X PDF/A-3 with facturX (its
// CII XML, package einvoice) embedded. A draft has no e-invoice: it is refused, as an empty XML.
func (r *Renderer) FacturXStatement(w io.Writer, b *sb.Book, s *sb.Statement, facturX []byte) error {
	if b == nil || s == nil {
		return errors.New("invoices: nil book or statement")
	}
	if err := checkFacturX(b, s.Number, facturX); err != nil {
		return fmt.Errorf("invoices: statement %s: %w", docName(b, s.Number, s.Repairer.ID), err)
	}
	if err := checkStatement(b, s); err != nil {
		return fmt.Errorf("invoices: statement %s: %w", docName(b, s.Number, s.Repairer.ID), err)
	}
	if err := r.renderAs(w, b, func(m measurer) *doc { return r.layoutStatement(m, b, s) }, facturX); err != nil {
		return fmt.Errorf("invoices: statement %s: %w", docName(b, s.Number, s.Repairer.ID), err)
	}
	return nil
}

// FacturXInvoice writes invoice inv of book b to w as a Factur-X PDF/A-3 with facturX embedded.
func (r *Renderer) FacturXInvoice(w io.Writer, b *sb.Book, inv *sb.Invoice, facturX []byte) error {
	if b == nil || inv == nil {
		return errors.New("invoices: nil book or invoice")
	}
	if err := checkFacturX(b, inv.Number, facturX); err != nil {
		return fmt.Errorf("invoices: invoice %s: %w", docName(b, inv.Number, inv.Repairer.ID), err)
	}
	if err := checkInvoice(b, inv); err != nil {
		return fmt.Errorf("invoices: invoice %s: %w", docName(b, inv.Number, inv.Repairer.ID), err)
	}
	if err := r.renderAs(w, b, func(m measurer) *doc { return r.layoutInvoice(m, b, inv) }, facturX); err != nil {
		return fmt.Errorf("invoices: invoice %s: %w", docName(b, inv.Number, inv.Repairer.ID), err)
	}
	return nil
}

// checkFacturX refuses a draft, an empty XML, and an XML whose invoice number (BT-1) is not the
// document's: a PDF never carries another document's e-invoice.
func checkFacturX(b *sb.Book, number string, facturX []byte) error {
	if b.Draft {
		return errors.New("a draft carries no e-invoice: render it with Statement or Invoice")
	}
	if len(facturX) == 0 {
		return errors.New("no Factur-X XML to embed")
	}
	if !bytes.Contains(facturX, []byte("<rsm:ExchangedDocument>")) ||
		!bytes.Contains(facturX, []byte("<ram:ID>"+number+"</ram:ID>")) {
		return fmt.Errorf("the Factur-X XML is not the e-invoice %s (no <ram:ID>%s</ram:ID>)", number, number)
	}
	return nil
}

// setFacturX makes the document a Factur-X PDF/A-3 embedding facturX, with XMP metadata that
// repeats the document information draw writes (title, subject, author, creator, producer,
// dates), as PDF/A requires.
func (d *pdfDoc) setFacturX(m *doc, facturX []byte) {
	pw, ok := any(d.pdf).(pdfa3Writer)
	if !ok {
		d.pdf.SetError(errors.New("this gofpdf cannot write PDF/A-3 (savbilling's third_party/gofpdf can)"))
		return
	}
	pw.SetPDFA3(facturXMP(m.title, m.subject, m.author, d.created.UTC().Format("2006-01-02T15:04:05Z")),
		srgbICC, "sRGB IEC61966-2.1")
	pw.AddAssociatedFile(FacturXFileName, "Factur-X invoice", "text/xml", "Data", facturX, d.created)
	// Every Factur-X document embeds DejaVu with at least the runes of cp1252 (and the spaces
	// frfmt prints): most documents, in French, then use the very same subset, computed and
	// compressed once and cached by the gofpdf copy, instead of a subset per set of runes (per
	// repairer's name, address and cities). See docs/einvoice.md, "Speed of the close".
	if u, ok := any(d.pdf).(runeUser); ok && !d.core {
		u.UseRunes(familyUTF8, "", facturXRunes)
		u.UseRunes(familyUTF8, "B", facturXRunes)
	}
}

// runeUser is the gofpdf copy's UseRunes (third_party/gofpdf/pdfa.go).
type runeUser interface {
	UseRunes(familyStr, styleStr, runes string)
}

// facturXRunes are the printable runes of cp1252 and the no-break spaces.
var facturXRunes = func() string {
	var b strings.Builder
	for r := rune(0x20); r < 0x7F; r++ {
		b.WriteRune(r)
	}
	b.WriteString("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ\u202F\u2009")
	for r := rune(0xA0); r <= 0xFF; r++ {
		b.WriteRune(r)
	}
	return b.String()
}()

// pdfa3Writer is the PDF/A-3 part of savbilling's gofpdf copy (third_party/gofpdf/pdfa.go),
// reached through an interface so that the package still builds with upstream gofpdf, with
// which verify.sh compares the documents that use none of it.
type pdfa3Writer interface {
	SetPDFA3(xmp, icc []byte, outputCondition string)
	AddAssociatedFile(name, description, mimeType, relationship string, content []byte, modDate time.Time)
}

// The document information every PDF of the package carries (newPDFDoc).
const (
	pdfCreator  = "savbilling"
	pdfProducer = "savbilling (gofpdf)"
)

// facturXMP is the XMP packet of a Factur-X document: PDF/A identification (part 3,
// conformance B), Dublin Core and XMP basic properties equal to the document information, the
// Factur-X properties and their PDF/A extension schema, the latter copied from the Factur-X
// extension schema (einvoice/testdata/validators/xmp/, akretion/factur-x).
func facturXMP(title, subject, author, date string) []byte {
	esc := func(s string) string {
		var b strings.Builder
		xml.EscapeText(&b, []byte(s)) //nolint:errcheck // a strings.Builder does not fail
		return b.String()
	}
	var b strings.Builder
	b.Grow(4096)
	b.WriteString(`<?xpacket begin="` + "\uFEFF" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>3</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:format>application/pdf</dc:format>
`)
	if title != "" {
		b.WriteString(`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + esc(title) + "</rdf:li></rdf:Alt></dc:title>\n")
	}
	if subject != "" {
		b.WriteString(`<dc:description><rdf:Alt><rdf:li xml:lang="x-default">` + esc(subject) + "</rdf:li></rdf:Alt></dc:description>\n")
	}
	if author != "" {
		b.WriteString("<dc:creator><rdf:Seq><rdf:li>" + esc(author) + "</rdf:li></rdf:Seq></dc:creator>\n")
	}
	b.WriteString(`</rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreatorTool>` + pdfCreator + `</xmp:CreatorTool>
<xmp:CreateDate>` + date + `</xmp:CreateDate>
<xmp:ModifyDate>` + date + `</xmp:ModifyDate>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>` + esc(pdfProducer) + `</pdf:Producer>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#">
<fx:ConformanceLevel>` + facturXConformance + `</fx:ConformanceLevel>
<fx:DocumentFileName>` + FacturXFileName + `</fx:DocumentFileName>
<fx:DocumentType>INVOICE</fx:DocumentType>
<fx:Version>1.0</fx:Version>
</rdf:Description>
` + facturXExtensionSchema + `</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`)
	return []byte(b.String())
}

// facturXExtensionSchema is the PDF/A extension schema description of the Factur-X properties,
// from Factur-X_extension_schema.xmp (« Don't touch! »), without its indentation.
const facturXExtensionSchema = `<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas>
<rdf:Bag>
<rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>fx</pdfaSchema:prefix>
<pdfaSchema:property>
<rdf:Seq>
<rdf:li rdf:parseType="Resource">
<pdfaProperty:name>DocumentFileName</pdfaProperty:name>
<pdfaProperty:valueType>Text</pdfaProperty:valueType>
<pdfaProperty:category>external</pdfaProperty:category>
<pdfaProperty:description>name of the embedded XML invoice file</pdfaProperty:description>
</rdf:li>
<rdf:li rdf:parseType="Resource">
<pdfaProperty:name>DocumentType</pdfaProperty:name>
<pdfaProperty:valueType>Text</pdfaProperty:valueType>
<pdfaProperty:category>external</pdfaProperty:category>
<pdfaProperty:description>INVOICE</pdfaProperty:description>
</rdf:li>
<rdf:li rdf:parseType="Resource">
<pdfaProperty:name>Version</pdfaProperty:name>
<pdfaProperty:valueType>Text</pdfaProperty:valueType>
<pdfaProperty:category>external</pdfaProperty:category>
<pdfaProperty:description>The actual version of the Factur-X XML schema</pdfaProperty:description>
</rdf:li>
<rdf:li rdf:parseType="Resource">
<pdfaProperty:name>ConformanceLevel</pdfaProperty:name>
<pdfaProperty:valueType>Text</pdfaProperty:valueType>
<pdfaProperty:category>external</pdfaProperty:category>
<pdfaProperty:description>The conformance level of the embedded Factur-X data</pdfaProperty:description>
</rdf:li>
</rdf:Seq>
</pdfaSchema:property>
</rdf:li>
</rdf:Bag>
</pdfaExtension:schemas>
</rdf:Description>
`
