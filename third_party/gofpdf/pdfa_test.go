package gofpdf

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func pdfaDoc(t *testing.T, pdfa bool) string {
	t.Helper()
	f := New("P", "mm", "A4", "")
	f.SetCompression(false)
	f.SetCreationDate(time.Date(2026, 11, 1, 5, 0, 0, 0, time.UTC))
	f.SetModificationDate(time.Date(2026, 11, 1, 5, 0, 0, 0, time.UTC))
	if pdfa {
		f.SetPDFA3([]byte("<x:xmpmeta/>"), []byte("ICC PROFILE"), "sRGB IEC61966-2.1")
		f.AddAssociatedFile("factur-x.xml", "Factur-X", "text/xml", "Data", []byte("<rsm/>"), time.Date(2026, 11, 1, 5, 0, 0, 0, time.UTC))
	}
	f.AddPage()
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestPDFA3PartsOnlyWhenAskedFor: SetPDFA3 writes the header, XMP, output intent, associated
// file, catalog entries, UTC dates and /ID; a document without it has none of them.
func TestPDFA3PartsOnlyWhenAskedFor(t *testing.T) {
	parts := []string{"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "<< /Type /Metadata /Subtype /XML /Length 12 >>\nstream\n<x:xmpmeta/>",
		"/Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1)",
		"/Type /EmbeddedFile /Subtype /text#2Fxml", "/Params << /ModDate (D:20261101050000Z) /Size 6 >>",
		"/Type /Filespec /F (factur-x.xml) /UF (factur-x.xml)", "/AFRelationship /Data",
		"/EmbeddedFiles << /Names [ (factur-x.xml) ", "/Metadata ", "/OutputIntents [", "/AF [",
		"/CreationDate (D:20261101050000Z)", "/ID [<"}
	with := pdfaDoc(t, true)
	for _, p := range parts {
		if !strings.Contains(with, p) {
			t.Errorf("the PDF/A document lacks %q", p)
		}
	}
	without := pdfaDoc(t, false)
	for _, p := range parts {
		if strings.Contains(without, p) {
			t.Errorf("a plain document has %q", p)
		}
	}
	if !strings.Contains(without, "/CreationDate (D:20261101050000)") {
		t.Error("a plain document's dates changed")
	}
	f := New("P", "mm", "A4", "")
	f.SetProtection(0, "", "owner")
	f.SetPDFA3(nil, nil, "")
	f.AddPage()
	var b bytes.Buffer
	if err := f.Output(&b); err == nil || !strings.Contains(err.Error(), "encrypted") {
		t.Errorf("an encrypted PDF/A document: %v", err)
	}
}

func TestPDFName(t *testing.T) {
	if got := pdfName("text/xml"); got != "text#2Fxml" {
		t.Errorf("pdfName(text/xml) = %s", got)
	}
	if got := pdfName("a b#(c)"); got != "a#20b#23#28c#29" {
		t.Errorf("pdfName = %s", got)
	}
}
