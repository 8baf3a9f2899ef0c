package job

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"golang.org/x/sync/errgroup"

	sb "savbilling"
	"savbilling/internal/atomicfile"
	"savbilling/internal/progress"
	"savbilling/store"
)

// Ledger is a period's book as the renderers read it. A dry run's book is held whole in memory
// (NewLedger). A closed period's is read back from the ledger without its statements
// (Book.Statements is nil), so that memory does not grow with the network's size: the
// statements are read a batch at a time, as often as a renderer asks (EachStatement), their SAV
// lines in the workbook's order (see workbookSource), and Totals are summed by the database.
type Ledger struct {
	Book   *sb.Book
	Totals sb.Totals
	db     *store.DB // nil: the statements are Book.Statements
	// progress counts the documents written (Job.Progress, set by render and renderIssued).
	progress progress.Reporter
	// documentsFormat is the format of the PDF documents to write (Manifest.DocumentsFormat,
	// set by renderIssued); 0: this version's.
	documentsFormat int
}

// written counts one PDF document written (statement, invoice or debit note) on the progress
// display; nothing when there is none.
func (l *Ledger) written() {
	if l.progress != nil {
		l.progress.Add(1)
	}
}

// renderStage starts the progress display's stage of rendering l's documents: its PDF
// statements, invoices and debit notes, counted as the PDF renderer writes them.
func (j *Job) renderStage(l *Ledger) {
	l.progress = j.Progress
	if l.progress != nil {
		l.progress.Stage("render", l.Totals.Statements+l.Totals.Invoices)
	}
}

// NewLedger is the ledger of a book held whole in memory (a dry run's, a test's).
func NewLedger(b *sb.Book) *Ledger { return &Ledger{Book: b, Totals: b.Totals()} }

// EachStatement calls fn with every statement of the book, in order, each with its SAV lines and
// installments, and with at least what lines says of its commission lines (a book in memory
// gives them as it holds them); fn may keep it. It stops at fn's first error.
func (l *Ledger) EachStatement(ctx context.Context, lines store.Lines, fn func(*sb.Statement) error) error {
	if l.db != nil {
		return l.db.EachStatement(ctx, l.Book.Period, lines, fn)
	}
	for i := range l.Book.Statements {
		if err := fn(&l.Book.Statements[i]); err != nil {
			return err
		}
	}
	return nil
}

// workbookSource is the ledger of a closed period as the workbook reads it (reports.Source).
type workbookSource struct{ l *Ledger }

// Head is the book without its statements.
func (w workbookSource) Head() *sb.Book { return w.l.Book }

// Totals are the book's.
func (w workbookSource) Totals() sb.Totals { return w.l.Totals }

// EachStatement reads the statements a batch at a time, their commission lines counted.
func (w workbookSource) EachStatement(ctx context.Context, fn func(*sb.Statement) error) error {
	return w.l.EachStatement(ctx, store.LinesCounted, fn)
}

// EachSAVLine reads the SAV lines in the workbook's order.
func (w workbookSource) EachSAVLine(ctx context.Context, fn func(l *sb.SAVLine, name, statement string) error) error {
	return w.l.db.EachSAVLine(ctx, w.l.Book.Period, fn)
}

// OutputsComplete reports whether closed period p has its outputs in Out: a manifest.json
// that reads and names p. The manifest is written last, once every file it lists is durable,
// so a render cut anywhere (disk full, folder removed, a crash) leaves none, or the previous
// render's, which describes the same bytes.
func (j *Job) OutputsComplete(p sb.Period) bool {
	m, err := ReadManifest(periodDir(j.Out, p))
	return err == nil && m.Period == p.String() && !m.DryRun
}

// Complete renders closed period p again when its outputs are incomplete (see
// OutputsComplete); Result.Completed tells whether it did. A failure is ErrIncomplete.
func (j *Job) Complete(ctx context.Context, p sb.Period) (*Result, error) {
	if j.OutputsComplete(p) {
		return &Result{Period: p, AlreadyClosed: true, Dir: periodDir(j.Out, p)}, nil
	}
	res, err := j.renderPeriod(ctx, p, true)
	if err != nil {
		return nil, incomplete(p, err)
	}
	return res, nil
}

// Render re-renders closed period p from the ledger: the same bytes as at its close.
func (j *Job) Render(ctx context.Context, p sb.Period) (*Result, error) {
	res, err := j.renderPeriod(ctx, p, false)
	return res, j.DB.Explain(err)
}

// renderPeriod renders closed period p from the ledger; completing, only if its outputs are
// still incomplete once it holds the folder.
func (j *Job) renderPeriod(ctx context.Context, p sb.Period, completing bool) (*Result, error) {
	l, err := j.ledger(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", p, err)
	}
	res := &Result{Period: p, Book: l.Book, Dir: periodDir(j.Out, p), AlreadyClosed: completing, Completed: completing}
	if !completing {
		// A period that issued its documents (its manifest says which) gets only what is missing
		// or damaged, and only with the bytes it issued.
		// Those outputs must come from this ledger: another database's never get restored here.
		if m, err := ReadManifest(res.Dir); !errors.Is(err, os.ErrNotExist) {
			if err := j.sameLedger(ctx, p, res.Dir, m, err, "", l); err != nil {
				return nil, fmt.Errorf("render %s: %w", p, err)
			}
			if err := j.renderIssued(ctx, res, l, m); err != nil {
				return res, fmt.Errorf("render %s: %w", p, err)
			}
			return res, nil
		}
	}
	if err := j.render(ctx, res, l); err != nil {
		return nil, fmt.Errorf("render %s: %w", p, err)
	}
	return res, nil
}

// ledger reads closed period p for its renderers: the book without its statements, and its
// totals; the statements are read from the database as the renderers ask.
func (j *Job) ledger(ctx context.Context, p sb.Period) (*Ledger, error) {
	b, t, err := j.DB.LoadBookHead(ctx, p)
	if err != nil {
		return nil, err
	}
	return &Ledger{Book: b, Totals: t, db: j.DB}, nil
}

// draft clears the numbers of a dry run's book: a dry run assigns none.
func draft(b *sb.Book) {
	b.Draft = true
	b.Operations = nil // keyed by a close only: a dry run does not hold them while it renders
	for i := range b.Statements {
		b.Statements[i].Number, b.Statements[i].Seq, b.Statements[i].InvoiceNumber = "", 0, ""
		b.Statements[i].DebitNoteNumber = ""
	}
	for i := range b.Invoices {
		b.Invoices[i].Number, b.Invoices[i].Seq = "", 0
		if st := b.Invoices[i].Statement; st != nil {
			st.Number = ""
		}
	}
}

// render runs every renderer into res.Dir, then writes the manifest last.
func (j *Job) render(ctx context.Context, res *Result, l *Ledger) error {
	t0 := time.Now()
	var prev *sb.Totals
	if !res.Period.IsZero() {
		if t, err := j.DB.LoadBookTotals(ctx, res.Period.Prev()); err == nil {
			prev = &t
		} else if !errors.Is(err, store.ErrNotClosed) {
			return fmt.Errorf("read previous period: %w", err)
		}
	}
	if err := mkdirAll(res.Dir); err != nil {
		return err
	}
	unlock, err := lockDir(res.Dir)
	if err != nil {
		return err
	}
	defer unlock()
	if res.Completed {
		// Another run may have completed the outputs while this one waited for the folder.
		if m, err := ReadManifest(res.Dir); err == nil {
			res.Manifest, res.Completed = m, false
			return nil
		}
	}
	var fp string
	if l.db != nil { // a booked period: its outputs are never replaced by another ledger's
		if fp, err = j.DB.LedgerFingerprint(ctx, res.Period); err != nil {
			return err
		}
		if old, err := ReadManifest(res.Dir); !errors.Is(err, os.ErrNotExist) {
			if err := j.sameLedger(ctx, res.Period, res.Dir, old, err, fp, l); err != nil {
				return err
			}
		}
	}
	if err := atomicfile.RemoveTemps(res.Dir); err != nil { // left by a killed run
		return err
	}
	j.renderStage(l)
	// The renderers run at once: the workbook (one core, about a second at L) is written while the
	// PDFs are, whose workers leave some of the machine idle while they wait for statements.
	// The book is only read.
	perRenderer := make([][]File, len(j.Renderers))
	took := make([]time.Duration, len(j.Renderers))
	g, gctx := errgroup.WithContext(ctx)
	for i, r := range j.Renderers {
		g.Go(func() (err error) {
			// A renderer that panics fails this render, not the process: the period stays
			// closed and renderable (issue 17).
			defer func() {
				if v := recover(); v != nil {
					j.log().Error("renderer panicked", "renderer", r.Name(), "period", res.Period.String(), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
					err = fmt.Errorf("%s: panic: %v", r.Name(), v)
				}
			}()
			t := time.Now()
			fs, err := r.Render(gctx, res.Dir, l, prev)
			if err != nil {
				return fmt.Errorf("%s: %w", r.Name(), err)
			}
			perRenderer[i], took[i] = fs, time.Since(t)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	var files []File
	for i, r := range j.Renderers {
		switch r.Name() {
		case RendererPDF:
			res.Stages.PDF += took[i]
		case RendererWorkbook:
			res.Stages.Workbook += took[i]
		}
		files = append(files, perRenderer[i]...)
	}
	tm := time.Now()
	res.Missing = missing(j.Renderers, l.Totals)
	m := NewManifest(l.Book, l.Totals, files)
	m.LedgerSHA256 = fp
	if err := m.Write(res.Dir); err != nil {
		return err
	}
	res.Manifest = m
	if !l.Book.Draft {
		// A dry run's drafts describe a book that no longer exists once the period is closed.
		if err := os.RemoveAll(filepath.Join(res.Dir, draftDir)); err != nil {
			return fmt.Errorf("remove the dry run's drafts: %w", err)
		}
	}
	res.Stages.Manifest = time.Since(tm)
	res.Stages.Render = time.Since(t0)
	j.log().Info("period rendered", "period", res.Period.String(), "dir", res.Dir, "files", len(files),
		"duration_ms", res.Stages.Render.Milliseconds(), "pdf_ms", res.Stages.PDF.Milliseconds(),
		"workbook_ms", res.Stages.Workbook.Milliseconds(), "manifest_ms", res.Stages.Manifest.Milliseconds())
	return nil
}

// missing lists the documents the contract expects that no renderer produces.
func missing(rs []Renderer, t sb.Totals) []string {
	have := map[string]bool{}
	for _, r := range rs {
		have[r.Name()] = true
	}
	var out []string
	if !have[RendererPDF] && (t.Statements > 0 || t.Invoices > 0) {
		out = append(out, fmt.Sprintf("%d PDF statements and %d PDF invoices", t.Statements, t.Invoices))
	}
	if !have[RendererWorkbook] {
		out = append(out, "the finance workbook")
	}
	return out
}

// CommissionsByCity sums the period's commission lines by city for the workbook
// (reports.CitySource): in SQL over the ledger's lines of a closed period, which its statements
// only count; from the statements' lines for a book held in memory.
func (w withPayments) CommissionsByCity(ctx context.Context) ([]sb.CityCommissions, error) {
	if w.l.db == nil {
		return w.l.Book.CommissionsByCity(), nil
	}
	return w.l.db.CommissionsByCity(ctx, w.l.Book.Period)
}
