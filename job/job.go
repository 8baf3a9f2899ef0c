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
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	sb "savbilling"
	"savbilling/accounting"
	"savbilling/internal/atomicfile"
	"savbilling/reconcile"
	"savbilling/store"
)

// ErrNotReady is returned for a period that cannot be closed yet: it has not ended, or the
// period before it is still open.
var ErrNotReady = errors.New("period cannot be closed yet")

// ErrFirstPeriod is returned when the first close of a database is of a period more than
// FirstPeriodMaxAge months before the current month and Job.FirstPeriod does not confirm it: a
// mistyped period (0001-01) would otherwise make every month since then due, one by one, with no
// way back. It is bad usage (exit 2).
var ErrFirstPeriod = errors.New("first period not confirmed")

// FirstPeriodMaxAge is how many months before the current month a first close may be without
// confirmation (--first-period, schedule.start_period).
const FirstPeriodMaxAge = 24

// ErrOtherLedger is returned when a period's folder holds outputs (a manifest.json) that were not
// rendered from this database's ledger of the period: its ledger fingerprint differs, the period
// is not closed in this database, or the manifest cannot be read. Nothing is booked or written.
var ErrOtherLedger = errors.New("the period's outputs come from another ledger")

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
	// Space is the free space a close requires in Out before it books (zero: not checked).
	Space OutputSpace
	// CloseTimeout bounds a whole close, booking and rendering (configuration key
	// close_timeout); zero: no bound.
	CloseTimeout time.Duration
	// FirstPeriod is the period the operator confirmed as the database's first close
	// (--first-period, schedule.start_period): it may be more than FirstPeriodMaxAge months old.
	FirstPeriod sb.Period
	// Accounting is the chart of the accounting file (issue 23); zero: accounting.DefaultConfig().
	// The close numbers the period's entries with it (see bookAccounting).
	Accounting accounting.Config

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
	// Restore, for a render of a period that has its manifest, says what was left, restored,
	// refused or not issued (Job.Render).
	Restore *Restore
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
	if j.CloseTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, j.CloseTimeout, errCloseTimeout)
		defer cancel()
	}
	res, err := j.close(ctx, p, now, dryRun)
	if err != nil {
		err = j.DB.Explain(err)
		if errors.Is(context.Cause(ctx), errCloseTimeout) {
			err = fmt.Errorf("%w (stopped by close_timeout = %s: raise it in the configuration if the close needs longer)", err, j.CloseTimeout)
		}
	}
	return res, err
}

// errCloseTimeout is the cause of a close's context cancelled by Job.CloseTimeout.
var errCloseTimeout = errors.New("close_timeout exceeded")

func (j *Job) close(ctx context.Context, p sb.Period, now time.Time, dryRun bool) (*Result, error) {
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
		if !dryRun {
			if err := j.noOutputs(p); err != nil {
				return err
			}
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
		} else if err := j.checkFirst(p, now); err != nil {
			return err
		}
		// The output folder must take the outputs before anything is booked (issue 17).
		dir := periodDir(j.Out, p)
		if dryRun {
			dir += "/draft"
		}
		folder, err := usableFolder(dir)
		if err != nil {
			return fmt.Errorf("%w; nothing was booked", err)
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
		if err := j.Space.checkSpace(folder, j.Out, last, len(b.Statements)); err != nil {
			return fmt.Errorf("%w; nothing was booked", err)
		}
		tInsert = time.Now().Add(-staged)
		if dryRun {
			return nil
		}
		if err := tx.SaveBook(ctx, b); err != nil {
			return fmt.Errorf("book %s: %w", p, err)
		}
		if err := j.bookAccounting(ctx, tx, b); err != nil {
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
		m, err := ReadManifest(res.Dir)
		if errors.Is(err, os.ErrNotExist) {
			j.log().Warn("period closed but its outputs are incomplete: rendering them", "period", p.String())
			res, err := j.renderPeriod(ctx, p, true)
			if err != nil {
				return nil, incomplete(p, err)
			}
			return res, nil
		}
		if err := j.sameLedger(ctx, p, res.Dir, m, err, "", nil); err != nil {
			return nil, fmt.Errorf("close %s: %w", p, err)
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
		res.Dir = periodDir(j.Out, p) + "/" + draftDir
		l = NewLedger(res.Book)
	} else {
		// Render from what the ledger holds, never from memory: re-rendering gives the same bytes.
		res.Book = nil
		if l, err = j.ledger(ctx, p); err != nil {
			return nil, incomplete(p, fmt.Errorf("read the ledger back: %w", err))
		}
		res.Book = l.Book
		res.Dir = periodDir(j.Out, p)
	}
	if err := j.render(ctx, res, l); err != nil {
		if dryRun {
			return nil, fmt.Errorf("close %s (dry run): %w", p, err)
		}
		return nil, incomplete(p, err)
	}
	return res, nil
}

// draftDir is the folder of a dry run's outputs, inside the period's folder.
const draftDir = "draft"

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

// The names of the renderers the contract expects.
const (
	RendererPDF      = "pdf"
	RendererWorkbook = "workbook"
)

func periodDir(out string, p sb.Period) string { return out + "/" + p.String() }

// checkFirst refuses the first close of a database when p is more than FirstPeriodMaxAge months
// before the month of now, unless the operator confirmed p (Job.FirstPeriod).
func (j *Job) checkFirst(p sb.Period, now time.Time) error {
	cur := sb.PeriodOf(now, sb.Paris)
	if !p.Before(cur.AddMonths(-FirstPeriodMaxAge)) || p == j.FirstPeriod {
		return nil
	}
	return fmt.Errorf("%w: %s would be the first period this database closes, %d months before the current month %s, "+
		"and every month after it would then have to be closed one by one, with no way back: "+
		"if %s is really the first, pass --first-period (or set schedule.start_period = %q); otherwise check --period",
		ErrFirstPeriod, p, cur.MonthsSince(p), cur, p, p.String())
}

// noOutputs refuses to book p, not closed in this database, when its folder already holds a
// manifest: those outputs were rendered from another ledger (another database, or this one
// before a restore), and booking p here would end in replacing them.
func (j *Job) noOutputs(p sb.Period) error {
	dir := periodDir(j.Out, p)
	m, err := ReadManifest(dir)
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil // no manifest; a path that is no folder is refused by usableFolder
	}
	what := "unreadable"
	if err == nil {
		what = "closed at " + m.ClosedAt
	}
	return fmt.Errorf("%w: %s holds the outputs of a close of %s (manifest.json, %s) that %s has not booked: "+
		"the wrong --db or --out, or a database restored from before that close? Nothing was booked or written; "+
		"to close %s with this database, move %s away first", ErrOtherLedger, dir, p, what, j.DB, p, dir)
}

// sameLedger checks that old, the manifest in dir (readErr: the error reading it), was rendered
// from this database's ledger of p, whose fingerprint is fp ("": computed here). A manifest
// written before manifests recorded the fingerprint is compared on what it records: the instant
// of the close, the counts and the totals (l, the ledger, is read when nil).
func (j *Job) sameLedger(ctx context.Context, p sb.Period, dir string, old *Manifest, readErr error, fp string, l *Ledger) error {
	if readErr != nil {
		return fmt.Errorf("%w: %s/%s cannot be read (%v): which ledger its outputs come from is unknown, so nothing was written; "+
			"move %s away to render %s again", ErrOtherLedger, dir, ManifestFile, readErr, dir, p)
	}
	if old.LedgerSHA256 != "" {
		if fp == "" {
			var err error
			if fp, err = j.DB.LedgerFingerprint(ctx, p); err != nil {
				return err
			}
		}
		if old.LedgerSHA256 == fp {
			return nil
		}
		return fmt.Errorf("%w: %s/%s records the ledger %.12s… (closed at %s), but the ledger of %s in %s is %.12s…: "+
			"these outputs come from another database, or from this one before a restore; nothing was written. "+
			"Check --db and --out", ErrOtherLedger, dir, ManifestFile, old.LedgerSHA256, old.ClosedAt, p, j.DB, fp)
	}
	if l == nil {
		var err error
		if l, err = j.ledger(ctx, p); err != nil {
			return err
		}
	}
	want := NewManifest(l.Book, l.Totals, nil)
	o, w := old.Totals, want.Totals
	if old.Period == want.Period && old.ClosedAt == want.ClosedAt && old.Statements == want.Statements &&
		old.Invoices == want.Invoices && old.Exceptions == want.Exceptions && old.Pending == want.Pending &&
		o.GrossCents == w.GrossCents && o.DeductionsCents == w.DeductionsCents && o.InstallmentsCents == w.InstallmentsCents &&
		o.NetCents == w.NetCents && o.VATCents == w.VATCents && o.SpreadCents == w.SpreadCents && o.InvoicedCents == w.InvoicedCents {
		return nil
	}
	return fmt.Errorf("%w: %s/%s (closed at %s, %d statements, net %d cents) does not describe the ledger of %s in %s "+
		"(closed at %s, %d statements, net %d cents): these outputs come from another database; nothing was written. Check --db and --out",
		ErrOtherLedger, dir, ManifestFile, old.ClosedAt, old.Statements, o.NetCents, p, j.DB, want.ClosedAt, want.Statements, w.NetCents)
}
