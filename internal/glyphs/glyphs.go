// Package glyphs decides how a line of text prints with the documents' embedded TrueType fonts:
// which font draws each rune (the fallback chain), Arabic letters joined with their Unicode
// presentation forms, right-to-left runs (Arabic, Hebrew) put in visual order with
// golang.org/x/text/unicode/bidi, and what no font can draw replaced by a visible substitute.
// It also lists those undrawable runes, for the workbook's warnings.
//
// The chain, for each rune: the style's DejaVu Sans (bold for bold text), then DejaVu Sans
// (regular), then Droid Sans Fallback (CJK); a rune none of them has is replaced by its
// compatibility decomposition when the fonts draw that (« 𝕍 » → « V », « ﬁ » → « fi »), is
// dropped when it is invisible by nature (a format character such as a zero width joiner or a
// bidi mark, a variation selector), else prints as Substitute. gofpdf draws only runes of the
// Basic Multilingual Plane: an emoji is never drawable.
package glyphs

import (
	"fmt"
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/bidi"
	"golang.org/x/text/unicode/norm"
)

// Substitute is what prints in place of a rune no font can draw: the replacement character,
// which DejaVu Sans draws as a visible diamond with a question mark.
const Substitute = '\uFFFD'

// Font names a font of the chain.
type Font uint8

// The fonts of the chain.
const (
	Regular  Font = iota // DejaVu Sans
	Bold                 // DejaVu Sans Bold
	Fallback             // Droid Sans Fallback: CJK
)

// Run is a part of a line printed with one font, in visual order (left to right on the page).
type Run struct {
	Font Font
	Text string
}

// Chain is the fallback chain of fonts, by what each can draw. It is safe for concurrent use.
type Chain struct {
	regular, bold, fallback *Coverage
}

// NewChain reads the coverage of the regular, bold and fallback TrueType fonts.
func NewChain(regular, bold, fallback []byte) (*Chain, error) {
	var c Chain
	for _, f := range []struct {
		name string
		ttf  []byte
		dst  **Coverage
	}{{"regular", regular, &c.regular}, {"bold", bold, &c.bold}, {"fallback", fallback, &c.fallback}} {
		cov, err := CoverageOf(f.ttf)
		if err != nil {
			return nil, fmt.Errorf("%s font: %w", f.name, err)
		}
		*f.dst = cov
	}
	return &c, nil
}

// Drawable reports whether a font of the chain has a glyph for r.
func (c *Chain) Drawable(r rune) bool {
	return c.regular.Has(r) || c.bold.Has(r) || c.fallback.Has(r)
}

// primary is the first font of the chain for a style.
func primary(bold bool) Font {
	if bold {
		return Bold
	}
	return Regular
}

// complex reports whether r takes the long way: right to left, joined, or a bidi control.
func complex(r rune) bool {
	return r >= 0x0590 && r <= 0x08FF || r >= 0xFB1D && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFF ||
		r >= 0x200E && r <= 0x200F || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// Simple reports whether s prints as it is, in one run of the style's own font: every rune is
// left to right and has a glyph there. Most texts are simple; Runs then returns s itself.
func (c *Chain) Simple(s string, bold bool) bool {
	cov := c.regular
	if bold {
		cov = c.bold
	}
	for _, r := range s {
		if complex(r) || !cov.Has(r) {
			return false
		}
	}
	return true
}

// Runs returns how the line s (logical order, one line: no paragraph separator) prints in the
// style, as runs of one font each in visual order. A simple line (see Simple) is one run of s.
func (c *Chain) Runs(s string, bold bool) []Run {
	if c.Simple(s, bold) {
		if s == "" {
			return nil
		}
		return []Run{{primary(bold), s}}
	}
	rs := c.Visual(s)
	var runs []Run
	var buf []rune
	cur := primary(bold)
	flush := func() {
		if len(buf) > 0 {
			runs = append(runs, Run{cur, string(buf)})
			buf = buf[:0]
		}
	}
	emit := func(f Font, r rune) {
		if f != cur {
			flush()
			cur = f
		}
		buf = append(buf, r)
	}
	for _, r := range rs {
		if f, ok := c.font(r, bold); ok {
			emit(f, r)
			continue
		}
		if ignorable(r) {
			continue
		}
		if d, ok := c.decomposed(r); ok {
			for _, dr := range d {
				f, _ := c.font(dr, bold)
				emit(f, dr)
			}
			continue
		}
		emit(Regular, Substitute)
	}
	flush()
	return runs
}

// font is the first font of the chain for the style that draws r.
func (c *Chain) font(r rune, bold bool) (Font, bool) {
	switch {
	case bold && c.bold.Has(r):
		return Bold, true
	case c.regular.Has(r):
		return Regular, true
	case c.fallback.Has(r):
		return Fallback, true
	}
	return 0, false
}

// decomposed is the compatibility decomposition of r when it differs from r and the chain
// draws every rune of it.
func (c *Chain) decomposed(r rune) ([]rune, bool) {
	var b [utf8.UTFMax]byte
	n := utf8.EncodeRune(b[:], r)
	d := norm.NFKC.Bytes(b[:n])
	if string(d) == string(b[:n]) || len(d) == 0 {
		return nil, false
	}
	rs := []rune(string(d))
	for _, x := range rs {
		if !c.Drawable(x) {
			return nil, false
		}
	}
	return rs, true
}

// ignorable reports whether r is invisible by nature: printed as nothing when no font has it.
func ignorable(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r)
}

// Missing returns the runes of s that print as Substitute, each once, in the order of s, as the
// documents print s: in NFC, control characters as spaces. An invalid UTF-8 byte is listed as
// Substitute itself.
func (c *Chain) Missing(s string) []rune {
	if c.allDrawable(s) {
		return nil
	}
	var out []rune
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 && !slices.Contains(out, Substitute) {
			out = append(out, Substitute)
		}
		i += n
	}
	for _, r := range norm.NFC.String(s) {
		if r < 0x20 || r >= 0x7F && r < 0xA0 || c.Drawable(r) || ignorable(r) || slices.Contains(out, r) {
			continue
		}
		if _, ok := c.decomposed(r); ok {
			continue
		}
		out = append(out, r)
	}
	return out
}

// allDrawable reports whether every rune of s is valid and drawn by the primary font, or is a
// control character (printed as a space): the common case, without normalizing s.
func (c *Chain) allDrawable(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b >= 0x80 {
			goto runes
		}
	}
	return true // ASCII: DejaVu Sans draws every printable character, controls print as spaces
runes:
	for _, r := range s {
		if r == utf8.RuneError || !(r < 0x20 || r >= 0x7F && r < 0xA0 || c.regular.Has(r)) {
			return false
		}
	}
	return true
}

// Visual returns the runes of line s as they print from left to right: bidi controls removed,
// Arabic letters joined (presentation forms the chain draws), right-to-left runs reversed with
// their brackets mirrored, by the Unicode bidirectional algorithm with the classes of
// x/text/unicode/bidi (bidi.go); the line's direction is that of its first strong letter.
func (c *Chain) Visual(s string) []rune {
	rs := make([]rune, 0, len(s))
	arabic, rtl := false, false
	for _, r := range s {
		switch {
		case r >= 0x200E && r <= 0x200F || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069:
			continue // explicit bidi controls: the line is ordered by its letters alone
		case r == '\n' || r == '\r' || r == 0x1C || r == 0x1D || r == 0x1E || r == 0x85 || r == 0x2029:
			r = ' ' // a line separator prints as a space
		}
		if isArabic(r) {
			arabic = true
		}
		if !rtl {
			p, _ := bidi.LookupRune(r)
			if cl := p.Class(); cl == bidi.R || cl == bidi.AL {
				rtl = true
			}
		}
		rs = append(rs, r)
	}
	if arabic {
		rs = shapeArabic(rs, c.Drawable)
	}
	if !rtl {
		return rs
	}
	return reorder(rs)
}
