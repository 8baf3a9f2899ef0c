package invoices

import (
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/text/unicode/norm"

	"savbilling/internal/glyphs"
	"savbilling/templates"
)

// The font families: the PDF core font, printed through cp1252, the embedded UTF-8 font for
// documents with text outside cp1252, and the fallback font for the runes it lacks (CJK).
const (
	familyCore     = "Helvetica"
	familyUTF8     = "DejaVu"
	familyFallback = "DroidFallback" // loaded only in a document that prints a rune DejaVu lacks (CJK)
)

// The families as gofpdf keys them, in lower case: given so, SetFont does not lower-case a copy.
var (
	keyCore     = strings.ToLower(familyCore)
	keyUTF8     = strings.ToLower(familyUTF8)
	keyFallback = strings.ToLower(familyFallback)
)

// utf8Scale shrinks the UTF-8 font, wider than Helvetica by about 12 %, so that a document
// printed with it keeps the layout of the core font: same columns, same line breaks.
const utf8Scale = 0.88

// watermarkAlpha is the opacity of a draft's « BROUILLON », printed over the page.
const watermarkAlpha = 0.18

// cp1252Byte returns the Windows-1252 byte of r, if it has one.
func cp1252Byte(r rune) (byte, bool) {
	switch {
	case r >= 0x20 && r < 0x7F:
		return byte(r), true
	case r >= 0xA0 && r <= 0xFF:
		return byte(r), true
	}
	// the runes of Windows-1252 above U+007F that are not Latin-1 (a switch: no map lookup for
	// every « € » measured and drawn)
	switch r {
	case '€':
		return 0x80, true
	case '‚':
		return 0x82, true
	case 'ƒ':
		return 0x83, true
	case '„':
		return 0x84, true
	case '…':
		return 0x85, true
	case '†':
		return 0x86, true
	case '‡':
		return 0x87, true
	case 'ˆ':
		return 0x88, true
	case '‰':
		return 0x89, true
	case 'Š':
		return 0x8A, true
	case '‹':
		return 0x8B, true
	case 'Œ':
		return 0x8C, true
	case 'Ž':
		return 0x8E, true
	case '\u2018':
		return 0x91, true
	case '\u2019':
		return 0x92, true
	case '\u201C':
		return 0x93, true
	case '\u201D':
		return 0x94, true
	case '•':
		return 0x95, true
	case '–':
		return 0x96, true
	case '—':
		return 0x97, true
	case '˜':
		return 0x98, true
	case '™':
		return 0x99, true
	case 'š':
		return 0x9A, true
	case '›':
		return 0x9B, true
	case 'œ':
		return 0x9C, true
	case 'ž':
		return 0x9E, true
	case 'Ÿ':
		return 0x9F, true
	}
	return 0, false
}

// inCP1252 reports whether the core fonts can print every rune of s.
func inCP1252(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7F {
			goto slow
		}
	}
	return true
slow:
	for _, r := range s {
		if _, ok := cp1252Byte(r); !ok {
			return false
		}
	}
	return true
}

// toCP1252 encodes s for the core fonts; a rune outside cp1252 (never met: such documents use
// the UTF-8 font) becomes « ? ». Unlike gofpdf's translator it holds no shared buffer, so it is
// safe for concurrent use.
func toCP1252(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		c, ok := cp1252Byte(r)
		if !ok {
			c = '?'
		}
		b = append(b, c)
	}
	return string(b)
}

// pdfDoc is one gofpdf document with its font family, used both to measure text while laying
// the document out and to draw it.
type pdfDoc struct {
	pdf    *gofpdf.Fpdf
	family string  // in lower case, as gofpdf keys its fonts: SetFont needs no lower-casing copy
	core   bool    // the family is familyCore
	scale  float64 // font size factor: DejaVu Sans prints at 88 % to match Helvetica's widths
	enc    func(string) string
	cur    style
	curSet bool
	// loaded records, for the core font, which of regular (0) and bold (1) gofpdf has loaded:
	// once it has, width measures with coreWidths instead of selecting the font in gofpdf.
	loaded [2]bool
	// measured is the style of the last text measured without selecting its font, when there
	// is one: draw selects it first, because gofpdf starts a page with the font of the last
	// SetFont, and measuring used to select every style it measured.
	measured    style
	hasMeasured bool
	// chain says which font draws each rune of a text that is not simple (glyphs.Chain.Simple:
	// right to left, Arabic, CJK, or a rune no font has), in the UTF-8 family only.
	chain *glyphs.Chain
	// fallback is set when the document embeds the fallback font (familyFallback).
	fallback bool
	// curFont is the font of the chain selected by the last setFont (with cur).
	curFont glyphs.Font
	created time.Time // the document's fixed date, also its XMP dates
}

// coreWidths are the glyph widths of Helvetica (0) and Helvetica-Bold (1) by cp1252 byte, in
// thousandths of the font size, as gofpdf measures them: read once from gofpdf.
var coreWidths = sync.OnceValue(func() *[2][256]int {
	pdf := gofpdf.New("P", "mm", "A4", "")
	var w [2][256]int
	for i, style := range []string{"", "B"} {
		pdf.SetFont(familyCore, style, 10)
		for c := 1; c < 256; c++ {
			w[i][c] = pdf.GetStringSymbolWidth(string([]byte{byte(c)}))
		}
	}
	if err := pdf.Error(); err != nil {
		panic("invoices: core font metrics: " + err.Error()) // embedded in gofpdf: cannot happen
	}
	return &w
})

// newPDFDoc starts a PDF with fixed dates and sorted catalogs, so that the same layout always
// gives the same bytes. With utf8 it embeds the given DejaVu fonts, else it uses Helvetica; with
// fallback too, it embeds the fallback font of fonts as well.
func newPDFDoc(created time.Time, utf8 bool, fonts *templates.Fonts, chain *glyphs.Chain, fallback bool) *pdfDoc {
	pdf := gofpdf.NewCustom(&gofpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	pdf.SetMargins(marginL, marginTop, marginR)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetCreator(pdfCreator, false)
	pdf.SetProducer(pdfProducer, false)
	d := &pdfDoc{pdf: pdf, family: keyCore, core: true, scale: 1, enc: toCP1252, created: created}
	if utf8 {
		// gofpdf (v1.16.2) padded font tables in place when it checksummed them, so each document
		// needed its own copy of the fonts; third_party/gofpdf pads a copy, and caches what it
		// parses of the fonts by their bytes: every document shares the same font files
		pdf.AddUTF8FontFromBytes(familyUTF8, "", fonts.Regular)
		pdf.AddUTF8FontFromBytes(familyUTF8, "B", fonts.Bold)
		if fallback {
			// one style: Droid Sans Fallback has no bold, a bold CJK text prints regular
			pdf.AddUTF8FontFromBytes(familyFallback, "", fonts.Fallback)
			d.fallback = true
		}
		d.chain = chain
		d.family = keyUTF8
		d.core = false
		d.scale = utf8Scale
		d.enc = func(s string) string { return s }
	}
	return d
}

// setStyle selects the font of st, skipping gofpdf's work when it is already selected.
func (d *pdfDoc) setStyle(st style) {
	font := glyphs.Regular
	if st.bold {
		font = glyphs.Bold
	}
	d.setFont(font, st)
}

// setFont selects a font of the chain in the size of st, skipping gofpdf's work when it is
// already selected. Without the fallback font embedded, the fallback prints with DejaVu Sans
// (only while a document is measured to find out whether it needs it).
func (d *pdfDoc) setFont(font glyphs.Font, st style) {
	if d.curSet && d.cur.size == st.size && d.curFont == font && (font == glyphs.Fallback || d.cur.bold == st.bold) {
		return
	}
	family, s := d.family, ""
	switch {
	case font == glyphs.Fallback && d.fallback:
		family = keyFallback
	case font == glyphs.Bold, font == glyphs.Fallback && st.bold:
		s = "B"
	}
	d.pdf.SetFont(family, s, st.size*d.scale)
	d.cur, d.curSet, d.curFont = st, true, font
}

// runs returns how text s prints in style st with the UTF-8 fonts, or nil when it is simple:
// printed as it is in the style's DejaVu Sans.
func (d *pdfDoc) runs(s string, st style) []glyphs.Run {
	if d.chain == nil || d.chain.Simple(s, st.bold) {
		return nil
	}
	return d.chain.Runs(s, st.bold)
}

// runsWidth is the width in millimetres of runs printed in style st.
func (d *pdfDoc) runsWidth(runs []glyphs.Run, st style) float64 {
	w := 0.0
	for _, r := range runs {
		d.setFont(r.Font, st)
		w += d.pdf.GetStringWidth(r.Text)
	}
	return w
}

// drawRuns draws runs with the baseline of the first at (x, y) in style st, each in its font.
func (d *pdfDoc) drawRuns(x, y float64, runs []glyphs.Run, st style) {
	for _, r := range runs {
		d.setFont(r.Font, st)
		d.pdf.Text(x, y, r.Text)
		x += d.pdf.GetStringWidth(r.Text)
	}
}

// width measures s in style st, in millimetres.
func (d *pdfDoc) width(s string, st style) float64 {
	b := 0
	if st.bold {
		b = 1
	}
	if !d.core || !d.loaded[b] {
		if runs := d.runs(s, st); runs != nil {
			d.hasMeasured = false
			return d.runsWidth(runs, st)
		}
		// the first measure in a font loads it in gofpdf, as drawing would: fonts are numbered
		// in the order they are loaded
		d.setStyle(st)
		d.loaded[b] = d.core
		d.hasMeasured = false
		return d.pdf.GetStringWidth(d.enc(s))
	}
	d.measured, d.hasMeasured = st, true
	return d.coreWidth(s, st, &coreWidths()[b])
}

// coreWidth is gofpdf's GetStringWidth(toCP1252(s)) in the core font of widths, size st, without
// encoding s or selecting the font: the same sum of glyph widths, the same arithmetic.
func (d *pdfDoc) coreWidth(s string, st style, widths *[256]int) float64 {
	w := 0
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii { // toCP1252 keeps s as is
		for i := 0; i < len(s); i++ {
			if s[i] == 0 { // gofpdf stops at a NUL
				break
			}
			w += widths[s[i]]
		}
	} else {
		for _, r := range s {
			c, ok := cp1252Byte(r)
			if !ok {
				c = '?'
			}
			w += widths[c]
		}
	}
	// gofpdf: fontSize = size / k; width = w * fontSize / 1000
	fontSize := st.size * d.scale / d.pdf.GetConversionRatio()
	return float64(w) * fontSize / 1000
}

// draw draws the layout model and writes the PDF to w.
func (d *pdfDoc) draw(w io.Writer, m *doc) error {
	pdf := d.pdf
	if d.hasMeasured {
		d.setStyle(d.measured)
		d.hasMeasured = false
	}
	pdf.SetTitle(m.title, true)
	pdf.SetSubject(m.subject, true)
	pdf.SetAuthor(m.author, true)
	for _, p := range m.pages {
		pdf.AddPage()
		d.curSet = false // a new page starts with no font
		// The graphics state of the page, set only when it changes. PDF paints text with the fill
		// colour: the text's gray is set as the fill colour (gofpdf then writes each text without
		// saving, setting and restoring the colour around it, a quarter of a table's content).
		fill, stroke, width := -1, -1, -1.0
		setFill := func(g int) {
			if g != fill {
				pdf.SetTextColor(g, g, g)
				pdf.SetFillColor(g, g, g)
				fill = g
			}
		}
		setStroke := func(g int, w float64) {
			if g != stroke {
				pdf.SetDrawColor(g, g, g)
				stroke = g
			}
			if w != width {
				pdf.SetLineWidth(w)
				width = w
			}
		}
		for _, o := range p.ops {
			g := int(o.st.gray)
			switch o.kind {
			case opText:
				// a document whose every text is simple in its chain (doc.simpleIn) prints each as it is
				if m.simpleIn == nil || m.simpleIn != d.chain {
					if runs := d.runs(o.text, o.st); runs != nil {
						d.setFont(runs[0].Font, o.st)
						setFill(g)
						d.drawRuns(o.x, o.y, runs, o.st)
						break
					}
				}
				d.setStyle(o.st)
				setFill(g)
				pdf.Text(o.x, o.y, d.enc(o.text))
			case opWatermark:
				d.setStyle(o.st)
				setFill(g)
				pdf.SetAlpha(watermarkAlpha, "Normal")
				pdf.TransformBegin()
				pdf.TransformRotate(45, o.x, o.y)
				// centre the text on (x, y): half its width left, half its cap height down
				pdf.Text(o.x-o.w/2, o.y+o.st.size*d.scale*ptToMM*0.35, d.enc(o.text))
				pdf.TransformEnd()
				pdf.SetAlpha(1, "Normal")
			case opLine:
				setStroke(g, o.st.size)
				pdf.Line(o.x, o.y, o.x+o.w, o.y+o.h)
			case opFill:
				setFill(g)
				pdf.Rect(o.x, o.y, o.w, o.h, "F")
			case opRect:
				setStroke(g, o.st.size)
				pdf.Rect(o.x, o.y, o.w, o.h, "D")
			}
		}
	}
	if err := pdf.Error(); err != nil {
		return err
	}
	return pdf.Output(w)
}

// creationDate is the fixed date of a book's documents: the instant of the close, in UTC so
// that a book read back from the database in another location gives the same bytes, to the
// second because PDF dates have no fractions.
func creationDate(closedAt, fallback time.Time) time.Time {
	t := closedAt
	if t.IsZero() {
		t = fallback
	}
	return t.UTC().Truncate(time.Second)
}

// clean prepares a text from the ledger for printing: control characters become spaces and
// runs of spaces shrink to one. It keeps newlines when keepNewlines (addresses).
func clean(s string, keepNewlines bool) string {
	if s == "" || isClean(s, keepNewlines) {
		return s
	}
	// one form for one name: « é » typed as e + U+0301 prints, and stays in cp1252, as « é »
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r == '\n' && keepNewlines {
			b.WriteRune('\n')
			space = false
			continue
		}
		if cleanSpace(r) {
			r = ' '
		}
		if r == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// cleanSpace reports whether clean turns r into a space.
func cleanSpace(r rune) bool {
	return r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) || r == '\u00A0' || r == '\u202F' || r == '\u2007'
}

// isClean reports whether clean(s, keepNewlines) is s itself, without copying it: valid UTF-8
// in NFC, nothing clean turns into a space, no run of spaces, nothing to trim.
func isClean(s string, keepNewlines bool) bool {
	space := false
	for _, r := range s {
		switch {
		case r == '\n' && keepNewlines:
			space = false
		case r == utf8.RuneError || cleanSpace(r):
			return false // an invalid byte too: clean writes it as U+FFFD
		case r == ' ':
			if space {
				return false
			}
			space = true
		default:
			space = false
		}
	}
	if strings.TrimSpace(s) != s {
		return false
	}
	// QuickSpanString may stop short of a normalized text's end: then s takes clean's long way
	return norm.NFC.QuickSpanString(s) == len(s)
}
