// Package job runs the monthly close end to end: it checks that the period may be closed, takes
// the database's close lock, reads the facts, applies the rules, books the result in one
// transaction, then renders the period's documents from the booked ledger and writes its
// manifest. It also re-renders closed periods and lists the periods a catch-up must close.
//
// Time is never read here: callers pass the instant of the run.
package job

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"golang.org/x/sync/errgroup"

	sb "savbilling"
	"savbilling/internal/atomicfile"
	"savbilling/reconcile"
	"savbilling/store"
)

// ErrNotReady is returned for a period that cannot be closed yet: it has not ended, or the
// period before it is still open.
var ErrNotReady = errors.New("period cannot be closed yet")

// A Renderer writes some of a period's documents under dir (the period's folder) and returns
// the files it wrote, with paths relative to dir. prev is the previous closed period's totals,
// nil when none.
type Renderer interface {
	Name() string
	Render(ctx context.Context, dir string, l *Ledger, prev *sb.Totals) ([]File, error)
}

// Ledger is a period's book as the renderers read it. A dry run's book is held whole in memory
// (NewLedger). A closed period's is read back from the ledger without its statements
// (Book.Statements is nil), so that memory does not grow with the network's size: the
// statements are read a batch at a time, as often as a renderer asks (EachStatement), their SAV
// lines in the workbook's order (see workbookSource), and Totals are summed by the database.
type Ledger struct {
	Book   *sb.Book
	Totals sb.Totals
	db     *store.DB // nil: the statements are Book.Statements
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

// File is one written output, as the manifest lists it.
type File struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Job closes and renders periods of one database.
type Job struct {
	DB        *store.DB
	Out       string // the output folder; each period gets Out/YYYY-MM
	Issuer    sb.Issuer
	Rules     sb.Rules
	LockWait  time.Duration
	Renderers []Renderer
	Log       *slog.Logger

	beforeCommit func() error // tests: fail a close after booking, before its commit
}

// Result is what a close or a render did.
type Result struct {
	Period        sb.Period
	AlreadyClosed bool // the period was closed before: nothing was booked
	Completed     bool // …and its outputs, cut by a killed run, were rendered again
	DryRun        bool
	Dir           string   // where the outputs are
	Book          *sb.Book // as rendered: for a closed period, without its statements (see Ledger)
	Manifest      *Manifest
	Missing       []string // documents no renderer produced
	Stages        Stages
}

// Stages are the durations of a close's steps.
type Stages struct {
	Book    time.Duration // the booking transaction: lock, read, rules, inserts and commit
	Read    time.Duration // of Book: reading the facts (not the lock and its wait)
	Compute time.Duration // of Book: the rules
	// Insert is, of Book, inserting the ledger and committing, with the part of the summed
	// commission lines' insertion that the reading did not overlap: on SQLite their INSERT, on
	// MySQL/MariaDB (loaded while the facts are read) the wait for their loading to end.
	Insert   time.Duration
	Render   time.Duration // every output, with reading the ledger back
	PDF      time.Duration // of Render: the statements and invoices, with reading their lines back
	Workbook time.Duration // of Render (written while the PDFs are)
	Manifest time.Duration // of Render
}

// String writes the stages in milliseconds, as `savbilling close --stages` prints them.
func (s Stages) String() string {
	ms := func(d time.Duration) int64 { return d.Milliseconds() }
	return fmt.Sprintf("read_ms=%d compute_ms=%d book_ms=%d pdf_ms=%d workbook_ms=%d manifest_ms=%d transaction_ms=%d render_ms=%d",
		ms(s.Read), ms(s.Compute), ms(s.Insert), ms(s.PDF), ms(s.Workbook), ms(s.Manifest), ms(s.Book), ms(s.Render))
}

func (j *Job) log() *slog.Logger {
	if j.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return j.Log
}

// Close closes period p at instant now: it books the period in one transaction, then renders
// its documents from the ledger. A period already closed changes nothing (Result.AlreadyClosed).
// With dryRun it computes the same, books nothing, assigns no number and writes under draft/.
func (j *Job) Close(ctx context.Context, p sb.Period, now time.Time, dryRun bool) (*Result, error) {
	if now.Before(p.End(sb.Paris)) {
		return nil, fmt.Errorf("%w: %s ends on %s", ErrNotReady, p, p.End(sb.Paris).In(sb.Paris).Format("2006-01-02 15:04 MST"))
	}
	res := &Result{Period: p, DryRun: dryRun}
	t0 := time.Now()
	var tInsert time.Time
	compute := func(ctx context.Context, tx *store.Tx) error {
		in := &sb.CloseInput{Period: p, Start: p.Start(sb.Paris), End: p.End(sb.Paris), ClosedAt: now.UTC().Truncate(time.Second),
			Issuer: j.Issuer, Rules: j.Rules}
		closed, err := tx.IsClosed(ctx, p)
		if err != nil {
			return err
		}
		if closed {
			res.AlreadyClosed = true
			return nil
		}
		last, ok, err := tx.LastClosed(ctx)
		if err != nil {
			return err
		}
		if ok {
			if !last.Before(p) {
				return fmt.Errorf("%w: %s comes before the last closed period %s; its facts are booked as late arrivals in the next open period", ErrNotReady, p, last)
			}
			if last.Next() != p {
				return fmt.Errorf("%w: the previous period %s is still open (last closed: %s); close it first", ErrNotReady, p.Prev(), last)
			}
			in.LastClosed = last
		}
		// A dry run books nothing: it reads every intervention. A close lets the store sum and book
		// the commission lines of the interventions the rules are bound to book whole.
		tRead := time.Now()
		load := tx.LoadSummedCloseInput
		if dryRun {
			load = tx.LoadCloseInput
		}
		if err := load(ctx, in); err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		staged := tx.StagedInsertTime()
		res.Stages.Read = time.Since(tRead) - staged
		tCompute := time.Now()
		b, err := reconcile.Close(in)
		if err != nil {
			return err
		}
		in = nil // the facts are no longer needed
		res.Book = b
		res.Stages.Compute = time.Since(tCompute)
		tInsert = time.Now().Add(-staged)
		if dryRun {
			return nil
		}
		if err := tx.SaveBook(ctx, b); err != nil {
			return fmt.Errorf("book %s: %w", p, err)
		}
		if j.beforeCommit != nil {
			return j.beforeCommit()
		}
		return nil
	}
	var err error
	if dryRun {
		err = j.DB.ReadTx(ctx, compute)
	} else {
		err = j.DB.WithCloseLock(ctx, j.LockWait, compute)
	}
	if err != nil {
		return nil, fmt.Errorf("close %s: %w", p, err)
	}
	res.Stages.Book = time.Since(t0)
	if !tInsert.IsZero() && !dryRun {
		res.Stages.Insert = time.Since(tInsert)
	}
	if res.AlreadyClosed {
		res.Dir = periodDir(j.Out, p)
		if dryRun {
			return res, nil
		}
		// A run killed after its commit left the period without its manifest (written last):
		// complete the outputs from the ledger, the same bytes as a full run.
		if _, err := ReadManifest(res.Dir); errors.Is(err, os.ErrNotExist) {
			j.log().Warn("period closed but its outputs are incomplete: rendering them", "period", p.String())
			return j.renderPeriod(ctx, p, true)
		}
		return res, nil
	}
	j.log().Info("period booked", "period", p.String(), "dry_run", dryRun, "statements", len(res.Book.Statements),
		"invoices", len(res.Book.Invoices), "anomalies", len(res.Book.Anomalies), "pending", len(res.Book.Pending),
		"duration_ms", res.Stages.Book.Milliseconds(), "read_ms", res.Stages.Read.Milliseconds(),
		"compute_ms", res.Stages.Compute.Milliseconds(), "book_ms", res.Stages.Insert.Milliseconds())
	var l *Ledger
	if dryRun {
		draft(res.Book)
		res.Dir = periodDir(j.Out, p) + "/draft"
		l = NewLedger(res.Book)
	} else {
		// Render from what the ledger holds, never from memory: re-rendering gives the same bytes.
		res.Book = nil
		if l, err = j.ledger(ctx, p); err != nil {
			return nil, fmt.Errorf("close %s: booked, but reading it back failed (run `savbilling render --period %s`): %w", p, p, err)
		}
		res.Book = l.Book
		res.Dir = periodDir(j.Out, p)
	}
	if err := j.render(ctx, res, l); err != nil {
		if dryRun {
			return nil, fmt.Errorf("close %s (dry run): %w", p, err)
		}
		return nil, fmt.Errorf("close %s: booked, but rendering failed (run `savbilling render --period %s`): %w", p, p, err)
	}
	return res, nil
}

// Render re-renders closed period p from the ledger: the same bytes as at its close.
func (j *Job) Render(ctx context.Context, p sb.Period) (*Result, error) {
	return j.renderPeriod(ctx, p, false)
}

// renderPeriod renders closed period p from the ledger; completing, only if its outputs are
// still incomplete once it holds the folder.
func (j *Job) renderPeriod(ctx context.Context, p sb.Period, completing bool) (*Result, error) {
	l, err := j.ledger(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", p, err)
	}
	res := &Result{Period: p, Book: l.Book, Dir: periodDir(j.Out, p), AlreadyClosed: completing, Completed: completing}
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
	}
	for i := range b.Invoices {
		b.Invoices[i].Number, b.Invoices[i].Seq = "", 0
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
	if err := atomicfile.RemoveTemps(res.Dir); err != nil { // left by a killed run
		return err
	}
	// The renderers run at once: the workbook (one core, about a second at L) is written while the
	// PDFs are, whose workers leave some of the machine idle while they wait for statements.
	// The book is only read.
	perRenderer := make([][]File, len(j.Renderers))
	took := make([]time.Duration, len(j.Renderers))
	g, gctx := errgroup.WithContext(ctx)
	for i, r := range j.Renderers {
		g.Go(func() error {
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
	if err := m.Write(res.Dir); err != nil {
		return err
	}
	res.Manifest = m
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

// The names of the renderers the contract expects.
const (
	RendererPDF      = "pdf"
	RendererWorkbook = "workbook"
)

func periodDir(out string, p sb.Period) string { return out + "/" + p.String() }
