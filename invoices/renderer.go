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
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	sb "savbilling"
	"savbilling/frfmt"
	"savbilling/internal/glyphs"
	"savbilling/money"
	"savbilling/templates"
)

// Renderer renders statements and invoices with one set of templates. It is safe for
// concurrent use.
type Renderer struct {
	set *templates.Set
	tx  *templates.Texts
	// mentions holds the wrapped lines of the statements' mentions, by mentionsKey.
	mentions sync.Map
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
	return &Renderer{set: set, tx: &set.Texts}
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
	p := newPDFDoc(created, embedFonts, &r.set.Fonts, r.set.Glyphs, false)
	model := layout(p)
	if (embedFonts && needsFallback(model, r.set.Glyphs)) || (!embedFonts && !allCP1252(model)) {
		chain := r.set.Glyphs
		fallback := needsFallback(model, chain)
		for range 2 { // the layout with the UTF-8 fonts may wrap otherwise: check again once
			model.recycle()
			p = newPDFDoc(created, true, &r.set.Fonts, chain, fallback)
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
	for _, p := range d.pages {
		for _, o := range p.ops {
			if (o.kind != opText && o.kind != opWatermark) || chain.Simple(o.text, o.st.bold) {
				continue
			}
			for _, run := range chain.Runs(o.text, o.st.bold) {
				if run.Font == glyphs.Fallback {
					return true
				}
			}
		}
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

// --- checks: a ledger that does not add up is a bug; never print it as an invoice ---

// checkStatement checks that the statement's totals agree with its lines and the rulebook's
// formula.
func checkStatement(b *sb.Book, s *sb.Statement) error {
	if v2(b) {
		return checkStatementV2(b, s)
	}
	// Every sum is checked: a total that wrapped around int64 is never printed.
	var g, d, paid int64
	var errs []error
	for _, c := range s.Commissions {
		g, errs = add(g, c.AmountCents, errs)
	}
	for _, l := range s.SAV {
		d, errs = add(d, l.AmountCents, errs)
	}
	for _, i := range s.Installments {
		paid, errs = add(paid, i.PaidCents, errs)
	}
	avail, errs := sub(s.GrossCents, s.DeductionsCents, errs)
	over := int64(0)
	if avail < 0 {
		avail, over = 0, -avail
	}
	net, errs := sub(s.AvailableCents, s.InstallmentsCents, errs)
	ttc, errs := add(s.NetHTCents, s.VATCents, errs)
	if len(errs) > 0 {
		return fmt.Errorf("the ledger does not add up: statement %s: %w", s.Number, errs[0])
	}
	vat, err := money.Share(s.NetHTCents, s.VATRateBP)
	if err != nil {
		return err
	}
	checks := []struct {
		what      string
		got, want int64
	}{
		{"commissions (G)", s.GrossCents, g},
		{"SAV deductions (D)", s.DeductionsCents, d},
		{"installments paid", s.InstallmentsCents, paid},
		{"available (A)", s.AvailableCents, avail},
		{"overflow (O)", s.OverflowCents, over},
		{"net HT", s.NetHTCents, net},
		{"VAT", s.VATCents, vat},
		{"net TTC", s.NetTTCCents, ttc},
	}
	if s.NetHTCents < 0 {
		return fmt.Errorf("the ledger does not add up: net HT is negative (%d)", s.NetHTCents)
	}
	for _, c := range checks {
		if c.got != c.want {
			return fmt.Errorf("the ledger does not add up: %s is %d, its lines give %d", c.what, c.got, c.want)
		}
	}
	if !b.Draft && !validNumber(s.Number) {
		return fmt.Errorf("repairer %d: no valid number (%q)", s.Repairer.ID, s.Number)
	}
	if strings.TrimSpace(b.Issuer.Name) == "" {
		return errors.New("the book has no issuer name")
	}
	return nil
}

// checkInvoice checks that the invoice's totals agree with its lines.
func checkInvoice(b *sb.Book, inv *sb.Invoice) error {
	var ht int64
	var errs []error
	for _, l := range inv.Lines {
		ht, errs = add(ht, l.AmountCents, errs)
	}
	ttc, errs := add(inv.HTCents, inv.VATCents, errs)
	if len(errs) > 0 {
		return fmt.Errorf("the ledger does not add up: invoice %s: %w", inv.Number, errs[0])
	}
	vat, err := money.Share(inv.HTCents, inv.VATRateBP)
	if err != nil {
		return err
	}
	if inv.DebitNote() && (inv.VATRateBP != 0 || inv.VATCents != 0) {
		return fmt.Errorf("the ledger does not add up: debit note %s carries VAT", inv.Number)
	}
	if vat != inv.VATCents {
		return fmt.Errorf("the ledger does not add up: TVA is %d, HT × rate gives %d", inv.VATCents, vat)
	}
	if ht != inv.HTCents {
		return fmt.Errorf("the ledger does not add up: HT is %d, its lines give %d", inv.HTCents, ht)
	}
	if inv.TTCCents != ttc {
		return fmt.Errorf("the ledger does not add up: TTC %d ≠ HT %d + TVA %d", inv.TTCCents, inv.HTCents, inv.VATCents)
	}
	if !b.Draft && !validNumber(inv.Number) {
		return fmt.Errorf("repairer %d: no valid number (%q)", inv.Repairer.ID, inv.Number)
	}
	if strings.TrimSpace(b.Issuer.Name) == "" {
		return errors.New("the book has no issuer name")
	}
	return nil
}

// add is a + b, checked: on overflow it returns a and appends the error to errs.
func add(a, b int64, errs []error) (int64, []error) {
	s, err := money.Add(a, b)
	if err != nil {
		return a, append(errs, err)
	}
	return s, errs
}

// sub is a − b, checked like add.
func sub(a, b int64, errs []error) (int64, []error) {
	if b == math.MinInt64 {
		return a, append(errs, money.ErrOverflow)
	}
	return add(a, -b, errs)
}

// validNumber reports whether a document number is non-empty and safe as a file name.
func validNumber(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for _, c := range []byte(n) {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
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

// --- statement ---

// Column widths of the statement's tables, in millimetres (each table spans contentW).
var (
	colsCommission = []float64{34, 27, 61, 22, 36}
	colsSAV        = []float64{14, 20, 19, 35, 14, 22, 34, 22}
	colsInstall    = []float64{62, 30, 44, 44}
	colsSchedule   = []float64{18, 50, 36, 36, 40}
	colsInvLines   = []float64{140, 40}
	colsCovered    = []float64{18, 24, 24, 38, 46, 30}
)

func cols(widths []float64, titles []string, right ...int) []column {
	out := make([]column, len(widths))
	for i := range widths {
		out[i] = column{title: titles[i], w: widths[i]}
	}
	for _, i := range right {
		out[i].right = true
	}
	return out
}

// layoutStatement builds the layout model of a statement.
func (r *Renderer) layoutStatement(m measurer, b *sb.Book, s *sb.Statement) *doc {
	tx := r.tx
	ts := &tx.Statement
	number := r.number(s.Number)
	repName := clean(s.Repairer.Name, false)
	netName := clean(b.Issuer.Name, false)
	period := periodName(s.Period)
	continued := r.continued

	f := newFlow(m, tx.Common.Ellipsis)
	title, header, footer := ts.Title, ts.RunningHeader, ts.Footer
	mention := fill(ts.SelfBilling, "network", netName, "repairer", repName)
	if s.Account { // a statement of account (rules v2): not an invoice
		title, header, footer = ts.AccountTitle, ts.AccountRunningHeader, ts.AccountFooter
		mention = fill(ts.AccountMention, "repairer", repName)
	}
	r.running(f, fill(header, "number", number, "repairer", repName, "period", period))

	// title and self-billing mention
	hb := &block{}
	hb.text(marginL, 0, truncate(m, title, stTitle, contentW, f.ell), stTitle)
	y := lineH(stTitle) + 0.5
	for _, l := range wrap(m, mention, stMeta, contentW, 5, f.ell) {
		hb.text(marginL, y, l, stMeta)
		y += lineH(stMeta)
	}
	hb.h = y + 3
	f.put(hb)
	f.put(r.partyBoxes(m, ts.SellerHeading, r.repairerLines(s.Repairer), ts.BuyerHeading, r.networkLines(b.Issuer)))
	f.gap(3)
	f.put(r.metaBand(m, []string{
		fill(ts.Number, "number", number),
		fill(ts.Date, "date", r.dateOf(s.IssuedOn)),
		fill(ts.Period, "period", period),
		fill(ts.PaymentDate, "date", r.dateOf(s.PaymentOn)),
	}))
	f.gap(5)

	// commissions
	if len(s.Commissions) == 0 {
		f.hold(f.textBlock(ts.CommissionsHeading, stHeading, 1))
		f.para(marginL, contentW, ts.NoCommissions, stBody)
	} else {
		t := table{heading: ts.CommissionsHeading, continued: continued,
			cols: cols(colsCommission, []string{ts.ColIntervention, ts.ColDate, ts.ColCity, ts.ColOperations, ts.ColAmountHT}, 3, 4)}
		// the rows and their cells in two allocations: a statement has hundreds of lines
		t.rows = make([]row, 0, len(s.Commissions)+1)
		cells := make([]string, 0, 5*len(s.Commissions))
		var lateNotes []string
		for _, c := range s.Commissions {
			id := strconv.FormatInt(c.InterventionID, 10)
			if c.Late {
				lateNotes = append(lateNotes, fill(ts.LateNote, "intervention", id, "date", r.dateOf(c.ClosedAt),
					"period_of", periodOf(sb.PeriodOf(c.ClosedAt, sb.Paris))))
				id += " " + tx.Common.Late
			}
			n := len(cells)
			cells = append(cells, id, r.dateOf(c.ClosedAt), r.orNone(c.City), strconv.Itoa(c.Operations), eur(c.AmountCents))
			t.rows = append(t.rows, row{cells: cells[n:len(cells):len(cells)]})
		}
		t.rows = append(t.rows, row{total: true, cells: []string{ts.CommissionsTotal, eur(s.GrossCents)}})
		f.table(t)
		if len(lateNotes) > 0 {
			f.gap(1.5)
			for _, n := range lateNotes {
				f.para(marginL, contentW, n, stSmall)
			}
		}
	}
	f.gap(5)

	// SAV lines: the other repairers appear by id only
	if len(s.SAV) == 0 {
		f.hold(f.textBlock(ts.SAVHeading, stHeading, 1))
		f.para(marginL, contentW, ts.NoSAV, stBody)
	} else {
		t := table{heading: ts.SAVHeading, continued: continued,
			cols: cols(colsSAV, []string{ts.ColSAV, ts.ColOriginal, ts.ColSAVRepairer, ts.ColDecision, ts.ColShare,
				ts.ColCorrective, ts.ColType, ts.ColCharged}, 0, 1, 2, 4, 5, 7)}
		var notes []string
		noted, noteSeen := map[int64]bool{}, map[int64]bool{}
		for _, l := range s.SAV {
			share, corrective := tx.Common.None, tx.Common.None
			switch l.Type {
			case sb.LineCharge, sb.LineAdjustment, sb.LineNotCharged:
				if l.ChargeBP > 0 {
					share = frfmt.FormatBP(l.ChargeBP)
				}
				corrective = eur(l.CorrectiveCents)
			case sb.LineSettlement, sb.LineDeductible, sb.LineIndemnityAdjustment:
				if l.DamageCents != 0 && !noted[l.SAVID] && !v2(b) {
					noted[l.SAVID] = true
					notes = append(notes, fill(ts.DamageNote, "sav", strconv.FormatInt(l.SAVID, 10), "damage", eur(l.DamageCents)))
				}
			}
			if note := clean(l.Note, false); note != "" && !noteSeen[l.SAVID] && !v2(b) {
				noteSeen[l.SAVID] = true
				notes = append(notes, fill(ts.DecisionNote, "sav", strconv.FormatInt(l.SAVID, 10), "note", note))
			}
			t.rows = append(t.rows, row{cells: []string{
				strconv.FormatInt(l.SAVID, 10), strconv.FormatInt(l.OriginalID, 10), strconv.FormatInt(l.SAVRepairerID, 10),
				tx.Outcomes.Label(l.Outcome), share, corrective, tx.LineTypes.Label(l.Type), eur(l.AmountCents)}})
		}
		t.rows = append(t.rows, row{total: true, cells: []string{ts.SAVTotal, eur(s.DeductionsCents)}})
		f.table(t)
		if v2(b) { // the rules v2 explain every line in words, a small gap between SAVs; v1's documents print as they did
			f.gap(1.5)
			for i, group := range r.explainSAV(s.SAV) {
				if i > 0 {
					f.gap(1)
				}
				for _, n := range group {
					f.para(marginL, contentW, n, stSmall)
				}
			}
		} else if len(notes) > 0 {
			f.gap(1.5)
			for _, n := range notes {
				f.para(marginL, contentW, n, stSmall)
			}
		}
	}

	// installments taken this period
	if len(s.Installments) > 0 && v2(b) {
		f.gap(5)
		f.table(r.installmentsV2(s))
	} else if len(s.Installments) > 0 {
		f.gap(5)
		t := table{heading: ts.InstallmentsHeading, continued: continued,
			cols: cols(colsInstall, []string{ts.ColPlan, ts.ColInstallment, ts.ColDue, ts.ColPaid}, 1, 2, 3)}
		for _, in := range s.Installments {
			t.rows = append(t.rows, row{cells: []string{in.PlanID,
				fill(ts.InstallmentOf, "n", strconv.Itoa(in.Number), "of", strconv.Itoa(in.Of)),
				eur(in.DueCents), eur(in.PaidCents)}})
		}
		t.rows = append(t.rows, row{total: true, cells: []string{ts.InstallmentsTotal, eur(s.InstallmentsCents)}})
		f.table(t)
	}

	// the repairer's plans: schedule, paid, balance
	if plans := b.PlansOf(s.Repairer.ID); len(plans) > 0 {
		f.gap(5)
		f.hold(f.textBlock(ts.PlansHeading, stHeading, 1))
		for i, p := range plans {
			if i > 0 {
				f.gap(3)
			}
			r.planSchedule(f, b, p)
		}
	}

	// totals, mentions and payment, kept together on the last page
	f.gap(6)
	if v2(b) {
		r.statementTotalsV2(f, b, s)
	} else {
		r.statementTotalsV1(f, s)
	}

	d := &doc{
		title:   fill(header, "number", number, "repairer", repName, "period", period),
		subject: title,
		author:  netName,
	}
	d.pages = f.finish(func(n, of int) string { return fill(footer, "number", number, "network", netName) },
		func(n, of int) string {
			return fill(tx.Common.Page, "page", strconv.Itoa(n), "pages", strconv.Itoa(of))
		}, r.watermark(b))
	return d
}

// statementTotalsV1 lays out the totals of a statement of a period closed under the rules v1, as
// that version printed them (its documents are reproduced to the byte).
func (r *Renderer) statementTotalsV1(f *flow, s *sb.Statement) {
	ts := &r.tx.Statement
	m := f.m
	rows := []totalsRow{
		{label: ts.TotalGross, amount: eur(s.GrossCents)},
		{label: ts.TotalDeductions, amount: eur(s.DeductionsCents)},
	}
	var notes []string
	if s.OverflowCents > 0 {
		rows = append(rows, totalsRow{label: ts.TotalOverflow, amount: eur(s.OverflowCents)})
		notes = append(notes, fill(ts.OverflowNote, "amount", eur(s.OverflowCents)))
	}
	if s.SpreadCents > 0 {
		rows = append(rows, totalsRow{label: fill(ts.TotalSpread, "plan", sb.PlanID(s.Repairer.ID, s.Period)),
			amount: eur(s.SpreadCents)})
	}
	if s.InvoicedCents > 0 {
		inv := s.InvoiceNumber
		if inv == "" {
			inv = ts.InvoiceDraft
		}
		rows = append(rows, totalsRow{label: fill(ts.TotalInvoiced, "invoice", inv), amount: eur(s.InvoicedCents)})
	}
	if s.InstallmentsCents > 0 || len(s.Installments) > 0 {
		rows = append(rows, totalsRow{label: ts.TotalInstallments, amount: eur(s.InstallmentsCents)})
	}
	rows = append(rows, totalsRow{label: ts.TotalNetHT, amount: eur(s.NetHTCents), rule: true, bold: true})
	if s.Repairer.VATRegime == sb.VATFranchise && s.VATCents == 0 {
		rows = append(rows, totalsRow{label: ts.VATFranchise})
	} else {
		rows = append(rows, totalsRow{label: fill(ts.TotalVAT, "rate", frfmt.FormatBP(s.VATRateBP)), amount: eur(s.VATCents)})
	}
	rows = append(rows, totalsRow{label: ts.TotalNetTTC, amount: eur(s.NetTTCCents), strong: true})
	pay := ts.NoPayment
	if s.NetTTCCents > 0 {
		pay = fill(ts.Payment, "date", r.dateOf(s.PaymentOn))
	}
	notes = append([]string{pay}, notes...)
	r.placeWithMentions(f, m, r.totalsBox(m, ts.TotalsHeading, rows, notes), s.Repairer)
}

// placeWithMentions places the totals and, under them on the same page, the mentions a B2B
// invoice carries (self-billed invoices too): category of the operation, late-payment penalties
// and the 40 € recovery indemnity (art. L441-10 of the Code de commerce), no discount, and the
// repairer's option for VAT on debits when they opted.
func (r *Renderer) placeWithMentions(f *flow, m measurer, totals *block, p sb.Party, before ...string) {
	ts, ti := &r.tx.Statement, &r.tx.Invoice
	lines := []string{ts.Category, fill(ts.LatePayment, "penalty", ti.Penalty, "indemnity", ti.Indemnity), ts.NoDiscount}
	if p.VATOnDebits {
		lines = append(lines, ts.VATOnDebits)
	}
	// one small paragraph under the totals: the statement keeps its length. Its lines are the
	// same on every statement printed with the same font: wrapped once per renderer.
	key := mentionsKey{debits: p.VATOnDebits}
	pd, cacheable := m.(*pdfDoc)
	if cacheable {
		key.core = pd.core
	}
	var wrapped []string
	if v, ok := r.mentions.Load(key); ok && cacheable {
		wrapped = v.([]string)
	} else {
		wrapped = wrap(m, strings.Join(lines, " "), stSmall, contentW, 0, f.ell)
		if cacheable {
			r.mentions.Store(key, wrapped)
		}
	}
	mb := &block{h: 2}
	// what the caller prints first, over the full width (where an overflow went)
	for _, b := range before {
		for _, w := range wrap(m, b, stBody, contentW, 0, f.ell) {
			mb.text(marginL, mb.h, w, stBody)
			mb.h += lineH(stBody)
		}
	}
	if len(before) > 0 {
		mb.h += 1.5
	}
	for _, w := range wrapped {
		mb.text(marginL, mb.h, w, stSmall)
		mb.h += lineH(stSmall)
	}
	f.need(totals.h + mb.h)
	f.put(totals)
	f.put(mb)
}

// planSchedule lays out one plan: its title, its installments with what was paid of each, and
// what remains.
func (r *Renderer) planSchedule(f *flow, b *sb.Book, p sb.Plan) {
	tx := r.tx
	ts := &tx.Statement
	title := fill(ts.PlanTitle, "plan", p.ID, "total", eur(p.TotalCents), "n", strconv.Itoa(p.Months),
		"period_of", periodOf(p.CreatedIn))
	if p.Months >= 1 && p.TotalCents >= 0 {
		t := table{heading: "", continued: func(string) string { return title },
			cols: cols(colsSchedule, []string{ts.ColNumber, ts.ColPeriod, ts.ColScheduled, ts.ColPlanPaid, ts.ColRemaining}, 0, 2, 3, 4)}
		paidLeft := p.PaidCents
		for i, amount := range money.Split(p.TotalCents, p.Months) {
			paid := min(amount, max(paidLeft, 0))
			paidLeft -= paid
			t.rows = append(t.rows, row{cells: []string{strconv.Itoa(i + 1), periodName(p.CreatedIn.AddMonths(i + 1)),
				eur(amount), eur(paid), eur(amount - paid)}})
		}
		// the title goes with the header and the first row
		tb := f.textBlock(title, stBodyB, 2)
		tb.h += 0.5
		f.hold(tb)
		f.table(t)
	} else {
		f.place(f.textBlock(title, stBodyB, 2))
	}
	lines := []string{fill(ts.PlanPaid, "amount", eur(p.PaidCents))}
	if p.IndemnityCents != 0 {
		lines = append([]string{fill(ts.PlanParts, "reduction", eur(p.ReductionCents()), "indemnity", eur(p.IndemnityCents))}, lines...)
	}
	if p.InvoicedCents > 0 {
		inv := ""
		for _, in := range b.Invoices {
			for _, l := range in.Lines {
				if l.Kind == sb.InvoicePlanBalance && l.PlanID == p.ID && !in.DebitNote() {
					inv = r.number(in.Number)
				}
			}
		}
		if inv == "" {
			inv = tx.Common.None
		}
		lines = append(lines, fill(ts.PlanInvoiced, "amount", eur(p.InvoicedCents), "invoice", inv))
	}
	if p.DebitNotedCents > 0 {
		note := tx.Common.None
		for _, in := range b.Invoices {
			for _, l := range in.Lines {
				if l.Kind == sb.InvoicePlanBalance && l.PlanID == p.ID && in.DebitNote() {
					note = r.number(in.Number)
				}
			}
		}
		lines = append(lines, fill(ts.PlanDebitNoted, "amount", eur(p.DebitNotedCents), "note", note))
	}
	lines = append(lines, fill(ts.PlanBalance, "amount", eur(p.BalanceCents())))
	if !p.ClosedIn.IsZero() {
		lines = append(lines, fill(ts.PlanClosed, "period_of", periodOf(p.ClosedIn)))
	}
	f.gap(1)
	for _, l := range lines {
		f.para(marginL, contentW, l, stBody)
	}
}

// textBlock is a block of one text wrapped over the content width, at most maxLines lines.
func (f *flow) textBlock(s string, st style, maxLines int) *block {
	b := &block{}
	for _, l := range wrap(f.m, s, st, contentW, maxLines, f.ell) {
		b.text(marginL, b.h, l, st)
		b.h += lineH(st)
	}
	b.h += 1
	return b
}
