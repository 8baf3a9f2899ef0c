// Package invoices renders the documents of a booked period as PDF: one monthly statement per
// repairer (relevé, self-billed invoice issued by the network in the repairer's name) and one
// invoice per overflow invoiced to a repairer. It reads the booked ledger (a savbilling.Book)
// and nothing else, so re-rendering a closed period gives the same bytes.
//
// Every text comes from package templates. Documents print with the PDF core font Helvetica,
// through cp1252, which covers French; a document with a text outside cp1252 (« Łukasz »,
// « Nguyễn ») is printed whole with the embedded DejaVu Sans instead, and a rune DejaVu lacks
// with the next font of the fallback chain (Droid Sans Fallback for CJK, embedded only then);
// Arabic and Hebrew print right to left, what no font draws as U+FFFD (internal/glyphs,
// docs/fonts.md). Any text renders: no text makes a render fail or panic.
//
// Rendering has two stages: a layout model (pages of positioned texts, rules and fills, built
// with the fonts' metrics) and the drawing of that model with gofpdf. Knowing every page before
// drawing gives « Page x/y » without gofpdf's page-count alias, and the model is what the
// golden tests compare.
package invoices

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	sb "savbilling"
	"savbilling/frfmt"
	"savbilling/internal/glyphs"
	"savbilling/templates"
)

// Renderer renders statements and invoices with one set of templates. It is safe for
// concurrent use.
type Renderer struct {
	set *templates.Set
	tx  *templates.Texts
	// fonts are the font files the documents embed: set.Fonts, or set.HintedFonts for documents
	// of format 1 (ForFormat).
	fonts *templates.Fonts
	// mentions holds the wrapped lines of the statements' mentions, by mentionsKey.
	mentions sync.Map
	// continuedFn is the method value r.continued, made once: a table's heading after its first
	// page (a method value made for each table was an allocation each).
	continuedFn func(heading string) string
}

// mentionsKey says which wrapped mentions: for the core font or the UTF-8 one, with or without
// the option for VAT on debits.
type mentionsKey struct{ core, debits bool }

// New returns a renderer printing the texts and fonts of set. A nil set means the embedded
// templates.
func New(set *templates.Set) *Renderer {
	if set == nil {
		s, err := templates.Load("")
		if err != nil {
			panic(fmt.Sprintf("invoices: embedded templates: %v", err)) // tested: cannot happen
		}
		set = s
	}
	r := &Renderer{set: set, tx: &set.Texts, fonts: &set.Fonts}
	r.continuedFn = r.continued
	return r
}

// Formats of the documents, recorded in a period's manifest (documents_format) so that a render
// of an issued period embeds the fonts its documents were issued with and reproduces their bytes.
const (
	// FormatHinted is the documents of the versions before 2026-12-08 (no documents_format in
	// their manifest): the font files embedded with their hinting.
	FormatHinted = 1
	// DocumentsFormat is the format of the documents this version issues: the fonts embedded
	// without their hinting (templates.Set.Fonts, package ttfslim).
	DocumentsFormat = 2
)

// ForFormat returns a renderer that writes documents of the given format (FormatHinted or
// DocumentsFormat). It refuses a format this version does not know.
func (r *Renderer) ForFormat(format int) (*Renderer, error) {
	switch format {
	case DocumentsFormat:
		if r.fonts == &r.set.Fonts {
			return r, nil
		}
		return New(r.set), nil
	case FormatHinted:
		h := New(r.set)
		h.fonts = &r.set.HintedFonts
		return h, nil
	}
	return nil, fmt.Errorf("invoices: documents format %d unknown to this version (it writes %d)", format, DocumentsFormat)
}

// Statement writes the PDF of statement s of book b to w. It refuses a statement whose totals
// do not agree with its lines (a ledger bug is never printed as an invoice).
func (r *Renderer) Statement(w io.Writer, b *sb.Book, s *sb.Statement) error {
	if b == nil || s == nil {
		return errors.New("invoices: nil book or statement")
	}
	if err := r.statement(w, b, s); err != nil {
		return fmt.Errorf("invoices: statement %s: %w", docName(b, s.Number, s.Repairer.ID), err)
	}
	return nil
}

func (r *Renderer) statement(w io.Writer, b *sb.Book, s *sb.Statement) error {
	if err := checkStatement(b, s); err != nil {
		return err
	}
	return r.render(w, b, func(m measurer) *doc { return r.layoutStatement(m, b, s) })
}

// Invoice writes the PDF of invoice inv of book b to w. It refuses an invoice whose totals do
// not agree with its lines.
func (r *Renderer) Invoice(w io.Writer, b *sb.Book, inv *sb.Invoice) error {
	if b == nil || inv == nil {
		return errors.New("invoices: nil book or invoice")
	}
	if err := r.invoice(w, b, inv); err != nil {
		return fmt.Errorf("invoices: invoice %s: %w", docName(b, inv.Number, inv.Repairer.ID), err)
	}
	return nil
}

func (r *Renderer) invoice(w io.Writer, b *sb.Book, inv *sb.Invoice) error {
	if err := checkInvoice(b, inv); err != nil {
		return err
	}
	return r.render(w, b, func(m measurer) *doc { return r.layoutInvoice(m, b, inv) })
}

// render lays a document out with the core font and, when it prints a text outside cp1252,
// again with the UTF-8 fonts; then draws it.
func (r *Renderer) render(w io.Writer, b *sb.Book, layout func(measurer) *doc) error {
	return r.renderAs(w, b, layout, nil)
}

// renderAs renders the document, as a Factur-X PDF/A-3 embedding facturX when it is not nil. It
// is total: a panic while laying out or drawing (a bug: no text should cause one) is returned as
// an error, and w may then hold part of a document, which the caller discards.
func (r *Renderer) renderAs(w io.Writer, b *sb.Book, layout func(measurer) *doc, facturX []byte) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("rendering failed (a bug, please report it): panic: %v", v)
		}
	}()
	if renderFault != nil {
		renderFault()
	}
	p, model, err := r.build(b, layout, facturX != nil)
	if err != nil {
		return err
	}
	if facturX != nil {
		p.setFacturX(model, facturX)
	}
	err = p.draw(w, model)
	model.recycle()
	return err
}

// renderFault, set by tests only, runs before every document is rendered: a fault injected
// into the renderer.
var renderFault func()

// build lays the document out, choosing its fonts, and returns the PDF to draw it on: the core
// font when every text is in cp1252, else DejaVu Sans, with Droid Sans Fallback too when a text
// prints a rune DejaVu lacks (CJK), so that a document embeds the fallback font only when it
// prints with it. embedFonts (a PDF/A document, which forbids the core fonts) takes the embedded
// fonts whatever the text.
func (r *Renderer) build(b *sb.Book, layout func(measurer) *doc, embedFonts bool) (*pdfDoc, *doc, error) {
	created := creationDate(b.ClosedAt, b.Period.End(sb.Paris))
	p := newPDFDoc(created, embedFonts, r.fonts, r.set.Glyphs, false)
	model := layout(p)
	if (embedFonts && needsFallback(model, r.set.Glyphs)) || (!embedFonts && !allCP1252(model)) {
		chain := r.set.Glyphs
		fallback := needsFallback(model, chain)
		for range 2 { // the layout with the UTF-8 fonts may wrap otherwise: check again once
			model.recycle()
			p = newPDFDoc(created, true, r.fonts, chain, fallback)
			model = layout(p)
			if needsFallback(model, chain) == fallback {
				break
			}
			fallback = !fallback
		}
	}
	if err := p.pdf.Error(); err != nil {
		return nil, nil, err
	}
	return p, model, nil
}

// needsFallback reports whether a text of d prints a rune with the fallback font.
func needsFallback(d *doc, chain *glyphs.Chain) bool {
	simple := true
	for _, p := range d.pages {
		for _, o := range p.ops {
			if (o.kind != opText && o.kind != opWatermark) || chain.Simple(o.text, o.st.bold) {
				continue
			}
			simple = false
			for _, run := range chain.Runs(o.text, o.st.bold) {
				if run.Font == glyphs.Fallback {
					return true
				}
			}
		}
	}
	if simple {
		d.simpleIn = chain
	}
	return false
}

func allCP1252(d *doc) bool {
	for s := range d.texts {
		if !inCP1252(s) {
			return false
		}
	}
	return true
}

// --- shared parts ---

// fill is templates.Fill, short.
func fill(text string, args ...string) string { return templates.Fill(text, args...) }

// number is what a document prints as its number: the number, or the draft mention.
func (r *Renderer) number(n string) string {
	if n == "" {
		return r.tx.Common.DraftNumber
	}
	return n
}

// orMissing returns v, or the « non communiqué » mention when it is blank.
func (r *Renderer) orMissing(v string) string {
	v = clean(v, false)
	if v == "" {
		return r.tx.Common.NotProvided
	}
	return v
}

// addressLines marks an idLine as an address, wrapped by wrapAddress.
const addressLines = -1

// wrapAddress wraps an address of one or more lines (street, complement, postcode and city):
// each line of it wraps to at most two, and an address of more than three lines joins its
// middle ones, so that an over-long address is cut in its middle, never in its city.
func wrapAddress(m measurer, addr string, st style, w float64, ellipsis string) []string {
	var parts []string
	for _, p := range strings.Split(addr, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) > 3 {
		parts = []string{parts[0], strings.Join(parts[1:len(parts)-1], ", "), parts[len(parts)-1]}
	}
	var out []string
	for _, p := range parts {
		out = append(out, wrap(m, p, st, w, 2, ellipsis)...)
	}
	return out
}

// idLine is a line of an identity box.
type idLine struct {
	text     string
	st       style
	maxLines int
}

// repairerLines is the identity of a repairer as documents print it.
func (r *Renderer) repairerLines(p sb.Party) []idLine {
	pl := &r.tx.Party
	lines := []idLine{{clean(p.Name, false), stName, 4}}
	if lf := clean(p.LegalForm, false); lf != "" {
		lines = append(lines, idLine{lf, stBody, 2})
	}
	return append(lines, []idLine{
		{clean(p.Address, true), stBody, addressLines},
		{fill(pl.SIRET, "siret", r.orMissing(p.SIRET)), stBody, 1},
		{fill(pl.SIREN, "siren", r.orMissing(sb.SIREN(clean(p.SIRET, false)))), stBody, 1},
		{fill(pl.VATNumber, "vat", r.orMissing(p.VATNumber)), stBody, 1},
		{fill(pl.RepairerID, "id", strconv.FormatInt(p.ID, 10)), stBody, 1},
	}...)
}

// networkLines is the network's identity as documents print it.
func (r *Renderer) networkLines(is sb.Issuer) []idLine {
	pl := &r.tx.Party
	lines := []idLine{
		{clean(is.Name, false), stName, 4},
		{clean(is.LegalForm, false), stBody, 2},
		{clean(is.Address, true), stBody, addressLines},
		{fill(pl.SIRET, "siret", r.orMissing(is.SIRET)), stBody, 1},
		{fill(pl.SIREN, "siren", r.orMissing(sb.SIREN(clean(is.SIRET, false)))), stBody, 1},
		{fill(pl.VATNumber, "vat", r.orMissing(is.VATNumber)), stBody, 1},
		{clean(is.RCS, false), stBody, 1},
	}
	if e := clean(is.Email, false); e != "" {
		lines = append(lines, idLine{fill(pl.Email, "email", e), stBody, 1})
	}
	return lines
}

// partyBoxes lays out two identity boxes side by side, each under its heading.
func (r *Renderer) partyBoxes(m measurer, leftHead string, left []idLine, rightHead string, right []idLine) *block {
	const gapX, boxW, pad = 6.0, (contentW - 6.0) / 2, 2.5
	b := &block{}
	heights := [2]float64{}
	for i, side := range []struct {
		head  string
		lines []idLine
	}{{leftHead, left}, {rightHead, right}} {
		x := marginL + float64(i)*(boxW+gapX)
		b.text(x, 0, side.head, stLabel)
		y := lineH(stLabel) + 0.8 + pad
		for _, l := range side.lines {
			if strings.TrimSpace(l.text) == "" {
				continue
			}
			var texts []string
			if l.maxLines == addressLines {
				texts = wrapAddress(m, l.text, l.st, boxW-2*pad, r.tx.Common.Ellipsis)
			} else {
				texts = wrap(m, l.text, l.st, boxW-2*pad, l.maxLines, r.tx.Common.Ellipsis)
			}
			for _, t := range texts {
				b.text(x+pad, y, t, l.st)
				y += lineH(l.st)
			}
			if l.st == stName {
				y += 0.8
			}
		}
		heights[i] = y + pad
	}
	h := max(heights[0], heights[1])
	top := lineH(stLabel) + 0.8
	for i := range 2 {
		b.rect(marginL+float64(i)*(boxW+gapX), top, boxW, h-top, 170)
	}
	b.h = h
	return b
}

// metaBand lays out a shaded band of key facts (number, dates, period), the first in bold.
func (r *Renderer) metaBand(m measurer, items []string) *block {
	const pad = 2.0
	b := &block{}
	lh := lineH(stMeta)
	// items share the width in proportion to their length, with a minimum gap
	total := 0.0
	widths := make([]float64, len(items))
	for i, it := range items {
		st := stMeta
		if i == 0 {
			st = stMetaB
		}
		widths[i] = m.width(it, st)
		total += widths[i]
	}
	gap := 6.0
	if len(items) > 1 {
		gap = max(gap, (contentW-2*pad-total)/float64(len(items)-1))
	}
	b.h = lh + 2*pad
	b.fill(marginL, 0, contentW, b.h, 238)
	x := marginL + pad
	for i, it := range items {
		st := stMeta
		if i == 0 {
			st = stMetaB
		}
		b.text(x, pad, truncate(m, it, st, contentR-pad-x, r.tx.Common.Ellipsis), st)
		x += widths[i] + gap
	}
	return b
}

// running sets the header drawn at the top of the pages after the first.
func (r *Renderer) running(f *flow, text string) {
	f.running = func(f *flow) {
		b := &block{h: runningH}
		b.text(marginL, 0, truncate(f.m, text, stRunning, contentW, f.ell), stRunning)
		b.hline(marginL, contentR, lineH(stRunning)+0.8, 170, 0.2)
		f.put(b)
	}
}

// totalsRow is a line of a totals box.
type totalsRow struct {
	label, amount string
	strong        bool // bold, on a shaded band
	bold          bool
	rule          bool // a rule above
}

// totalsBox lays out the totals on the right and notes on the left, as one block.
func (r *Renderer) totalsBox(m measurer, heading string, rows []totalsRow, notes []string) *block {
	const boxX, boxW, amountW, noteW = 100.0, contentR - 100.0, 36.0, 80.0
	b := &block{}
	b.text(marginL, 0, heading, stHeading)
	top := lineH(stHeading) + 1.5
	y := top
	for _, rw := range rows {
		st := stBody
		if rw.strong || rw.bold {
			st = stBodyB
		}
		lines := wrap(m, rw.label, st, boxW-amountW-3, 2, r.tx.Common.Ellipsis)
		if rw.amount == "" {
			lines = wrap(m, rw.label, st, boxW-3, 2, r.tx.Common.Ellipsis)
		}
		h := float64(len(lines))*lineH(st) + 1.8
		if rw.strong {
			b.fill(boxX, y, boxW, h, 225)
		}
		if rw.rule {
			b.hline(boxX, contentR, y, 120, 0.25)
		}
		for i, l := range lines {
			b.text(boxX+1.5, y+0.9+float64(i)*lineH(st), l, st)
		}
		if rw.amount != "" {
			b.textR(m, contentR-1.5, y+0.9, rw.amount, st)
		}
		y += h
	}
	ny := top + 0.9
	for _, n := range notes {
		for _, l := range wrap(m, n, stBody, noteW, 0, r.tx.Common.Ellipsis) {
			b.text(marginL, ny, l, stBody)
			ny += lineH(stBody)
		}
		ny += 1.5
	}
	b.h = max(y, ny) + 1
	return b
}

// eur formats cents.
func eur(c int64) string { return frfmt.FormatEUR(c) }

// periodName is « octobre 2026 ».
func periodName(p sb.Period) string { return frfmt.FormatMonth(p.Year, p.Month) }

// periodOf is « d'octobre 2026 », « de novembre 2026 »: the period after « de », elided.
func periodOf(p sb.Period) string { return frfmt.De(periodName(p)) }

// dateOf formats the Paris calendar day of t (a ledger date, midnight UTC, keeps its day), or
// the « — » mention for a zero time.
func (r *Renderer) dateOf(t time.Time) string {
	if t.IsZero() {
		return r.tx.Common.None
	}
	return frfmt.FormatDate(sb.DayIn(t, sb.Paris))
}

// orNone returns the cleaned text, or the « — » mention when it is blank.
func (r *Renderer) orNone(v string) string {
	v = clean(v, false)
	if v == "" {
		return r.tx.Common.None
	}
	return v
}

// watermark is the text marking every page of a dry run's documents, or "".
func (r *Renderer) watermark(b *sb.Book) string {
	if b.Draft {
		return r.tx.Common.Draft
	}
	return ""
}

// continued is a table's heading on the pages after its first: « Commissions (suite) ».
func (r *Renderer) continued(heading string) string {
	if heading == "" {
		return ""
	}
	return fill(r.tx.Common.Continued, "heading", heading)
}
