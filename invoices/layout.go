package invoices

import (
	"cmp"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"savbilling/internal/glyphs"
)

// The page geometry, in millimetres: A4 portrait with 15 mm margins.
const (
	pageW      = 210.0
	pageH      = 297.0
	marginL    = 15.0
	marginR    = 15.0
	marginTop  = 15.0
	contentW   = pageW - marginL - marginR
	contentR   = pageW - marginR
	flowBottom = 278.0 // content stops here; the footer sits below
	footerY    = 283.0 // the footer's rule
	cellPad    = 1.2   // horizontal and vertical padding inside table cells
	ptToMM     = 25.4 / 72
	leading    = 1.25 // line height as a multiple of the font size
	epsilon    = 0.01 // texts this much wider than their room still fit: rounding, not overflow
)

// style is a font choice: size in points, bold or not, and a gray level (0 black, 255 white).
type style struct {
	size float64
	bold bool
	gray uint8
}

// The styles of the documents.
var (
	stTitle   = style{size: 14, bold: true}
	stHeading = style{size: 10, bold: true, gray: 40}
	stBody    = style{size: 8.5}
	stBodyB   = style{size: 8.5, bold: true}
	stName    = style{size: 9.5, bold: true}
	stSmall   = style{size: 7.5, gray: 80}
	stLabel   = style{size: 7.5, bold: true, gray: 90}
	stCell    = style{size: 8}
	stCellB   = style{size: 8, bold: true}
	stMeta    = style{size: 9}
	stMetaB   = style{size: 9, bold: true}
	stFooter  = style{size: 7, gray: 100}
	stRunning = style{size: 7.5, gray: 90}
	stMark    = style{size: 90, bold: true, gray: 120}
)

// lineH is the height of one line of text in style st.
func lineH(st style) float64 { return st.size * ptToMM * leading }

// measurer gives the width in millimetres of a text printed in a style.
type measurer interface {
	width(s string, st style) float64
}

// opKind is the kind of a drawing operation.
type opKind uint8

const (
	opText      opKind = iota // text with its baseline at (x, y)
	opLine                    // a line from (x, y) to (x+w, y+h)
	opFill                    // a filled rectangle
	opRect                    // a stroked rectangle
	opWatermark               // text rotated 45° around its centre (x, y)
)

// op is one drawing operation of the layout model, in page coordinates (mm from the top left).
type op struct {
	kind opKind
	x, y float64
	w, h float64
	st   style
	text string
}

// page is the drawing operations of one page, in drawing order.
type page struct{ ops []op }

// doc is the layout model of a document: what every page draws, and where. It is what the PDF
// is drawn from and what the golden tests compare.
type doc struct {
	title   string // PDF metadata
	subject string
	author  string
	pages   []*page
	// simpleIn is the chain of fonts in which every text of the document was found simple
	// (glyphs.Chain.Simple: one run of the style's own font) by needsFallback, if one was: draw
	// then prints each text as it is without asking the chain again.
	simpleIn *glyphs.Chain
}

// texts yields every text that the document prints.
func (d *doc) texts(yield func(string) bool) {
	for _, p := range d.pages {
		for _, o := range p.ops {
			if (o.kind == opText || o.kind == opWatermark) && !yield(o.text) {
				return
			}
		}
	}
}

// dump writes the layout model as text, one operation a line, coordinates to 0.1 mm.
func (d *doc) dump() string {
	var b strings.Builder
	fmt.Fprintf(&b, "title %q\nsubject %q\nauthor %q\npages %d\n", d.title, d.subject, d.author, len(d.pages))
	for i, p := range d.pages {
		fmt.Fprintf(&b, "--- page %d\n", i+1)
		for _, o := range p.ops {
			font := fmt.Sprintf("%g", o.st.size)
			if o.st.bold {
				font += "B"
			}
			switch o.kind {
			case opText:
				fmt.Fprintf(&b, "T %5.1f %5.1f %-4s g%-3d %s\n", o.x, o.y, font, o.st.gray, o.text)
			case opWatermark:
				fmt.Fprintf(&b, "W %5.1f %5.1f %-4s g%-3d %s\n", o.x, o.y, font, o.st.gray, o.text)
			case opLine:
				fmt.Fprintf(&b, "L %5.1f %5.1f %5.1f %5.1f g%d\n", o.x, o.y, o.x+o.w, o.y+o.h, o.st.gray)
			case opFill:
				fmt.Fprintf(&b, "F %5.1f %5.1f %5.1f %5.1f g%d\n", o.x, o.y, o.w, o.h, o.st.gray)
			case opRect:
				fmt.Fprintf(&b, "R %5.1f %5.1f %5.1f %5.1f g%d\n", o.x, o.y, o.w, o.h, o.st.gray)
			}
		}
	}
	return b.String()
}

// block is a group of drawing operations laid out from its own top (y = 0), placed on a page as
// a whole: a block never splits across pages.
type block struct {
	ops []op
	h   float64
}

// text draws s with the top of its line box at y.
func (b *block) text(x, y float64, s string, st style) {
	if s == "" {
		return
	}
	smm := st.size * ptToMM
	base := y + (lineH(st)+0.7*smm)/2
	b.ops = append(b.ops, op{kind: opText, x: x, y: base, st: st, text: s})
}

// textR draws s right-aligned on x.
func (b *block) textR(m measurer, right, y float64, s string, st style) {
	b.text(right-m.width(s, st), y, s, st)
}

// textC draws s centred on x.
func (b *block) textC(m measurer, centre, y float64, s string, st style) {
	b.text(centre-m.width(s, st)/2, y, s, st)
}

// hline draws a horizontal rule.
func (b *block) hline(x1, x2, y float64, gray uint8, width float64) {
	b.ops = append(b.ops, op{kind: opLine, x: x1, y: y, w: x2 - x1, st: style{gray: gray, size: width}})
}

// fill paints a rectangle.
func (b *block) fill(x, y, w, h float64, gray uint8) {
	b.ops = append(b.ops, op{kind: opFill, x: x, y: y, w: w, h: h, st: style{gray: gray}})
}

// rect strokes a rectangle.
func (b *block) rect(x, y, w, h float64, gray uint8) {
	b.ops = append(b.ops, op{kind: opRect, x: x, y: y, w: w, h: h, st: style{gray: gray, size: 0.2}})
}

// flow lays blocks out top to bottom, starting a new page when the next block does not fit.
type flow struct {
	m       measurer
	ell     string // the ellipsis of truncated texts
	pages   []*page
	y       float64
	running func(f *flow) // draws the running header at the top of pages after the first
	held    []*block      // blocks waiting to go on the page with the next one (headings)
	row     block         // reused by table for its rows: put copies a block's operations
	lines   []string      // reused by tableRow for the lines of its cells
}

// pageOps is the initial room for a page's operations: a page of a table holds about 300.
const pageOps = 320

// opsPool recycles the operations of drawn pages (*[]op, empty): 23 kB a page otherwise
// allocated and cleared for every page.
var opsPool = sync.Pool{New: func() any { s := make([]op, 0, pageOps); return &s }}

// recycle gives the operations of d's pages back to opsPool; d is not used again.
func (d *doc) recycle() {
	for _, p := range d.pages {
		clear(p.ops) // keep no text alive
		ops := p.ops[:0]
		p.ops = nil
		opsPool.Put(&ops)
	}
}

func newFlow(m measurer, ellipsis string) *flow {
	f := &flow{m: m, ell: ellipsis}
	f.newPage()
	return f
}

func (f *flow) newPage() {
	f.pages = append(f.pages, &page{ops: *opsPool.Get().(*[]op)})
	f.y = marginTop
	if len(f.pages) > 1 && f.running != nil {
		f.running(f)
	}
}

// atTop reports whether nothing but the running header is on the current page.
func (f *flow) atTop() bool {
	top := marginTop
	if len(f.pages) > 1 && f.running != nil {
		top = marginTop + runningH
	}
	return f.y <= top+0.01
}

// need starts a new page unless h more millimetres fit on this one (or the page is empty).
// It reports whether it started a page.
func (f *flow) need(h float64) bool {
	for _, b := range f.held {
		h += b.h
	}
	brk := false
	if f.y+h > flowBottom && !f.atTop() {
		f.newPage()
		brk = true
	}
	f.flush()
	return brk
}

// hold keeps b (a heading) to be placed with the next block, on the same page.
func (f *flow) hold(b *block) { f.held = append(f.held, b) }

// flush puts the held blocks.
func (f *flow) flush() {
	held := f.held
	f.held = nil
	for _, b := range held {
		f.put(b)
	}
}

// place puts b at the current position, on a new page if it does not fit.
func (f *flow) place(b *block) {
	f.need(b.h)
	f.put(b)
}

// put puts b (after any held block) at the current position, fitting or not.
func (f *flow) put(b *block) {
	if len(f.held) > 0 {
		f.flush()
	}
	p := f.pages[len(f.pages)-1]
	for _, o := range b.ops {
		o.y += f.y
		p.ops = append(p.ops, o)
	}
	f.y += b.h
}

// gap adds vertical space, unless at the top of a page.
func (f *flow) gap(h float64) {
	if !f.atTop() {
		f.y += h
	}
}

// runningH is the height the running header takes at the top of continuation pages.
const runningH = 8.0

// para lays out a paragraph wrapped to width w at x; each line may go to the next page.
func (f *flow) para(x, w float64, s string, st style) {
	for _, line := range wrap(f.m, s, st, w, 0, f.ell) {
		b := &block{h: lineH(st)}
		b.text(x, 0, line, st)
		f.place(b)
	}
}

// wrap breaks s into lines no wider than w in style st, at spaces, and inside words that are
// wider than a line; explicit newlines break too. With maxLines > 0 it keeps that many lines,
// the last one ending with the ellipsis when text was cut.
func wrap(m measurer, s string, st style, w float64, maxLines int, ellipsis string) []string {
	return wrapTo(nil, m, s, st, w, maxLines, ellipsis)
}

// wrapTo is wrap appending the lines to dst.
func wrapTo(dst []string, m measurer, s string, st style, w float64, maxLines int, ellipsis string) []string {
	w += epsilon
	start := len(dst)
	lines := dst
	if !strings.Contains(s, "\n") && m.width(s, st) <= w {
		// the common case: it fits
		if singleSpaced(s) {
			return append(lines, s)
		}
		lines = append(lines, strings.Join(strings.Fields(s), " "))
	} else {
		// widths add up (the fonts have no kerning): measure each word once
		space := m.width(" ", st)
		for _, para := range strings.Split(s, "\n") {
			cur, curW := "", 0.0
			for _, word := range strings.Fields(para) {
				ww := m.width(word, st)
				if cur != "" && curW+space+ww <= w {
					cur, curW = cur+" "+word, curW+space+ww
					continue
				}
				if cur != "" {
					lines = append(lines, cur)
				}
				// the word alone may still be too wide: cut it where it overflows
				for ww > w {
					n := fitPrefix(m, word, st, w)
					lines = append(lines, word[:n])
					word = word[n:]
					ww = m.width(word, st)
				}
				cur, curW = word, ww
			}
			lines = append(lines, cur)
		}
	}
	if maxLines > 0 && len(lines)-start > maxLines {
		lines = lines[:start+maxLines]
		lines[start+maxLines-1] = truncate(m, lines[start+maxLines-1]+ellipsis, st, w, ellipsis)
	}
	return lines
}

// singleSpaced reports whether strings.Join(strings.Fields(s), " ") is s: no space but single
// ASCII spaces between words.
func singleSpaced(s string) bool {
	prevSpace := true // no space at the start
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
			continue
		case c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
			return false
		case c >= 0x80:
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				return false
			}
			i += size - 1
		}
		prevSpace = false
	}
	return !prevSpace || s == ""
}

// fitPrefix returns the byte length of the longest prefix of s (at least one rune) that is no
// wider than w.
func fitPrefix(m measurer, s string, st style, w float64) int {
	n := 0
	for n < len(s) {
		// the rune's bytes in s: an invalid byte is one (utf8.RuneLen of the U+FFFD that range
		// gives for it is three, which cut past the end: found by FuzzRenderDocuments)
		_, size := utf8.DecodeRuneInString(s[n:])
		end := n + size
		if n > 0 && m.width(s[:end], st) > w {
			break
		}
		n = end
	}
	return n
}

// truncate shortens s to fit w, ending it with ellipsis when it had to cut. A text that ends
// with the ellipsis already keeps it.
func truncate(m measurer, s string, st style, w float64, ellipsis string) string {
	w += epsilon
	if m.width(s, st) <= w {
		return s
	}
	s = strings.TrimSuffix(s, ellipsis)
	for s != "" {
		_, size := utf8.DecodeLastRuneInString(s)
		s = strings.TrimRight(s[:len(s)-size], " ")
		if m.width(s+ellipsis, st) <= w {
			return s + ellipsis
		}
	}
	return ellipsis
}

// column is a column of a table.
type column struct {
	title string
	w     float64
	right bool // right-aligned (amounts, numbers)
	lines int  // the most lines of a text cell: 0 for maxCellLines, allLines for all (rows grow)
}

// row is a row of a table. A total row spans its first cell over every column but the last.
type row struct {
	cells []string
	total bool
}

// table is a table with a heading; its heading and column header repeat on every page it spans.
type table struct {
	heading string
	cols    []column
	rows    []row
	// continued formats the heading on the pages after the first.
	continued func(heading string) string
}

// maxCellLines bounds a cell's height; longer texts are cut with an ellipsis (allLines: none).
const maxCellLines, allLines = 3, -1

// table lays a table out, breaking pages between rows.
func (f *flow) table(t table) {
	head := f.tableHead(t, t.heading)
	var first *block
	if len(t.rows) > 0 {
		first = f.tableRow(t, t.rows[0], &block{})
	}
	// keep the heading, the header and the first row together
	h := head.h
	if first != nil {
		h += first.h
	}
	f.need(h)
	f.put(head)
	for i, r := range t.rows {
		b := first
		if i > 0 {
			b = f.tableRow(t, r, &f.row)
		}
		if f.need(b.h) {
			heading := t.heading
			if t.continued != nil {
				heading = t.continued(heading)
			}
			f.put(f.tableHead(t, heading))
		}
		f.put(b)
	}
}

// tableHead builds a table's heading and column header.
func (f *flow) tableHead(t table, heading string) *block {
	b := &block{}
	if heading != "" {
		b.text(marginL, 0, heading, stHeading)
		b.h = lineH(stHeading) + 1
	}
	lh := lineH(stCellB)
	cells := make([][]string, len(t.cols))
	n := 1
	for i, c := range t.cols {
		cells[i] = wrap(f.m, c.title, stCellB, c.w-2*cellPad, 2, f.ell)
		n = max(n, len(cells[i]))
	}
	hh := float64(n)*lh + 2*cellPad
	width := 0.0
	for _, c := range t.cols {
		width += c.w
	}
	b.fill(marginL, b.h, width, hh, 232)
	x := marginL
	for i, c := range t.cols {
		// bottom-align the titles so that one-line titles sit on the same line as the others
		y := b.h + cellPad + float64(n-len(cells[i]))*lh
		for j, line := range cells[i] {
			if c.right {
				b.textR(f.m, x+c.w-cellPad, y+float64(j)*lh, line, stCellB)
			} else {
				b.text(x+cellPad, y+float64(j)*lh, line, stCellB)
			}
		}
		x += c.w
	}
	b.h += hh
	return b
}

// tableRow builds one row of a table into b, which it empties first, and returns b.
func (f *flow) tableRow(t table, r row, b *block) *block {
	b.ops, b.h = b.ops[:0], 0
	st := stCell
	if r.total {
		st = stCellB
	}
	lh := lineH(st)
	type cell struct {
		x, w     float64
		right    bool
		from, to int // its lines: f.lines[from:to]
	}
	var room [8]cell
	cells := room[:0]
	f.lines = f.lines[:0]
	// wrapped appends the lines of s to f.lines and returns the cell that prints them
	wrapped := func(x, w float64, right bool, s string, maxLines int) cell {
		from := len(f.lines)
		f.lines = wrapTo(f.lines, f.m, s, st, w-2*cellPad, maxLines, f.ell)
		return cell{x, w, right, from, len(f.lines)}
	}
	x := marginL
	if r.total {
		span := 0.0
		for _, c := range t.cols[:len(t.cols)-1] {
			span += c.w
		}
		last := t.cols[len(t.cols)-1]
		label, amount := "", ""
		if len(r.cells) > 0 {
			label = r.cells[0]
		}
		if len(r.cells) > 1 {
			amount = r.cells[1]
		}
		cells = append(cells, wrapped(x, span, true, label, 1), wrapped(x+span, last.w, true, amount, 1))
	} else {
		for i, c := range t.cols {
			s := ""
			if i < len(r.cells) {
				s = r.cells[i]
			}
			if c.right {
				// numbers never wrap: cut them visibly rather than mislead
				f.lines = append(f.lines, truncate(f.m, s, st, c.w-2*cellPad, f.ell))
				cells = append(cells, cell{x, c.w, true, len(f.lines) - 1, len(f.lines)})
			} else {
				cells = append(cells, wrapped(x, c.w, false, s, cmp.Or(c.lines, maxCellLines)))
			}
			x += c.w
		}
	}
	n := 1
	for _, c := range cells {
		n = max(n, c.to-c.from)
	}
	b.h = float64(n)*lh + 2*cellPad
	width := 0.0
	for _, c := range t.cols {
		width += c.w
	}
	if r.total {
		b.fill(marginL, 0, width, b.h, 245)
	}
	for _, c := range cells {
		for j, line := range f.lines[c.from:c.to] {
			y := cellPad + float64(j)*lh
			if c.right {
				b.textR(f.m, c.x+c.w-cellPad, y, line, st)
			} else {
				b.text(c.x+cellPad, y, line, st)
			}
		}
	}
	b.hline(marginL, marginL+width, b.h, 200, 0.15)
	return b
}

// finish adds every page's footer (« Page x/y ») and, for a draft, its watermark.
func (f *flow) finish(footer, pageFmt func(n, of int) string, watermark string) []*page {
	n := len(f.pages)
	for i, p := range f.pages {
		b := &block{}
		b.hline(marginL, contentR, footerY, 150, 0.2)
		b.text(marginL, footerY+1, truncate(f.m, footer(i+1, n), stFooter, contentW-30, f.ell), stFooter)
		b.textR(f.m, contentR, footerY+1, pageFmt(i+1, n), stFooter)
		p.ops = append(p.ops, b.ops...)
		if watermark != "" {
			// on top of everything, translucent, so that no fill hides it
			p.ops = append(p.ops, op{kind: opWatermark, x: pageW / 2, y: pageH / 2, st: stMark, text: watermark,
				w: f.m.width(watermark, stMark)})
		}
	}
	return f.pages
}
