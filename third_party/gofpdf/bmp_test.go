package gofpdf

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestRunesOutsideTheBMP checks the savbilling patch for runes outside the Basic Multilingual
// Plane with a UTF-8 font: upstream panicked (index out of range [65536] in
// generateCIDFontMap, or in GetStringSymbolWidth) on an emoji or a mathematical letter, and
// misread a truncated UTF-8 sequence. Such a rune is measured and drawn as U+FFFD.
func TestRunesOutsideTheBMP(t *testing.T) {
	font, err := os.ReadFile("../../templates/fonts/DejaVuSans.ttf")
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"Vélo 🚲 𝕍", "\U0010FFFF", "abc\xe2\x82", "\xf0\x9f", "\xff\xfe 𝕍"} {
		pdf := New("P", "mm", "A4", "")
		pdf.AddUTF8FontFromBytes("dejavu", "", font)
		pdf.SetFont("dejavu", "", 12)
		pdf.AddPage()
		w := pdf.GetStringWidth(text)
		var want float64
		for _, r := range text {
			if r > 0xFFFF {
				r = 0xFFFD
			}
			want += pdf.GetStringWidth(string(r))
		}
		if d := w - want; d > 1e-9 || d < -1e-9 {
			t.Errorf("%q: width %v, want %v (U+FFFD for a rune outside the BMP)", text, w, want)
		}
		pdf.Text(10, 20, text)
		pdf.CellFormat(50, 10, text, "", 1, "L", false, 0, "")
		pdf.MultiCell(50, 10, text, "", "L", false)
		pdf.SetTitle(text, true)
		var out bytes.Buffer
		if err := pdf.Output(&out); err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if !bytes.HasPrefix(out.Bytes(), []byte("%PDF")) {
			t.Fatalf("%q: not a PDF", text)
		}
	}
}

// TestUTF8ToUTF16 checks the savbilling patch of utf8toutf16: text strings (with a byte order
// mark) carry a rune outside the BMP as a surrogate pair, drawn text as U+FFFD; BMP text is
// upstream's big-endian 16-bit units.
func TestUTF8ToUTF16(t *testing.T) {
	for _, c := range []struct {
		in   string
		bom  bool
		want string
	}{
		{"Aé€", false, "\x00A\x00\xe9\x20\xac"},
		{"Aé€", true, "\xfe\xff\x00A\x00\xe9\x20\xac"},
		{"🚲", true, "\xfe\xff\xd8\x3d\xde\xb2"},
		{"🚲", false, "\xff\xfd"},
		{"a\xe2\x82", false, "\x00a\xff\xfd\xff\xfd"},
	} {
		if got := utf8toutf16(c.in, c.bom); got != c.want {
			t.Errorf("utf8toutf16(%q, %v) = %q, want %q", c.in, c.bom, got, c.want)
		}
	}
	if !strings.HasPrefix(utf8toutf16(""), "\xfe\xff") {
		t.Error("no byte order mark")
	}
}
