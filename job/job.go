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
	"strings"
	"syscall"
	"time"

	sb "savbilling"
	"savbilling/accounting"
	"savbilling/internal/progress"
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
	// LookbackMonths is how many months before a period its close re-reads for late arrivals
	// and revisions when they moved (configuration key lookback_months, docs/rules.md "The
	// look-back"); zero: savbilling.DefaultLookbackMonths.
	LookbackMonths int
	// Accounting is the chart of the accounting file (issue 23); zero: accounting.DefaultConfig().
	// The close numbers the period's entries with it (see bookAccounting).
	Accounting accounting.Config
	// Progress is told where a close or a render is (stages read, compute, book, render; the
	// render counts its PDF documents); nil: nothing is told.
	Progress progress.Reporter

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
	// ReadStats is what the read of the close examined (store.Tx.ReadStats), logged at the end
	// of the read stage: the look-back months checked and re-read, the rows read per source.
	ReadStats store.ReadStats
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

// stage tells Progress, when set, that a stage without a count of items starts.
func (j *Job) stage(name string) {
	if j.Progress != nil {
		j.Progress.Stage(name, 0)
	}
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

// close closes p at now (a dry run books nothing): the close's transaction (closeRun.inTx), then
// the outputs rendered from the ledger (renderBooked), or, for a period closed before, its
// outputs completed or checked (closedBefore).
func (j *Job) close(ctx context.Context, p sb.Period, now time.Time, dryRun bool) (*Result, error) {
	if now.Before(p.End(sb.Paris)) {
		return nil, fmt.Errorf("%w: %s ends on %s", ErrNotReady, p, p.End(sb.Paris).In(sb.Paris).Format("2006-01-02 15:04 MST"))
	}
	c := &closeRun{j: j, p: p, now: now, dryRun: dryRun, res: &Result{Period: p, DryRun: dryRun}}
	t0 := time.Now()
	var err error
	if dryRun {
		err = j.DB.ReadTx(ctx, c.inTx)
	} else {
		err = j.DB.WithCloseLock(ctx, j.LockWait, c.inTx)
	}
	if err != nil {
		return nil, fmt.Errorf("close %s: %w", p, err)
	}
	res := c.res
	res.Stages.Book = time.Since(t0)
	if !c.tInsert.IsZero() && !dryRun {
		res.Stages.Insert = time.Since(c.tInsert)
	}
	if res.AlreadyClosed {
		return j.closedBefore(ctx, res, p, dryRun)
	}
	j.log().Info("period booked", "period", p.String(), "dry_run", dryRun, "statements", len(res.Book.Statements),
		"invoices", len(res.Book.Invoices), "anomalies", len(res.Book.Anomalies), "pending", len(res.Book.Pending),
		"duration_ms", res.Stages.Book.Milliseconds(), "read_ms", res.Stages.Read.Milliseconds(),
		"compute_ms", res.Stages.Compute.Milliseconds(), "book_ms", res.Stages.Insert.Milliseconds())
	return j.renderBooked(ctx, res, p, dryRun)
}

// closeRun is one close of a period in progress: what Job.close was asked, and what its
// transaction found.
type closeRun struct {
	j       *Job
	p       sb.Period
	now     time.Time
	dryRun  bool
	res     *Result
	tInsert time.Time // when the booking began (the summed lines' insert included)
}

// inTx is the close in its transaction: the order of periods and the output folder checked, the
// facts read, the rules applied, the book saved (not on a dry run).
func (c *closeRun) inTx(ctx context.Context, tx *store.Tx) error {
	j, p, res := c.j, c.p, c.res
	in := &sb.CloseInput{Period: p, Start: p.Start(sb.Paris), End: p.End(sb.Paris), ClosedAt: c.now.UTC().Truncate(time.Second),
		Issuer: j.Issuer, Rules: j.Rules, LookbackMonths: j.LookbackMonths}
	closed, err := tx.IsClosed(ctx, p)
	if err != nil {
		return err
	}
	if closed {
		res.AlreadyClosed = true
		return nil
	}
	if !c.dryRun {
		if err := j.noOutputs(p); err != nil {
			return err
		}
	}
	last, err := j.checkOrder(ctx, tx, p, c.now, in)
	if err != nil {
		return err
	}
	// The output folder must take the outputs before anything is booked (issue 17).
	dir := periodDir(j.Out, p)
	if c.dryRun {
		dir += "/draft"
	}
	folder, err := usableFolder(dir)
	if err != nil {
		return fmt.Errorf("%w; nothing was booked", err)
	}
	staged, err := c.read(ctx, tx, in)
	if err != nil {
		return err
	}
	j.stage("compute")
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
	c.tInsert = time.Now().Add(-staged)
	if c.dryRun {
		return nil
	}
	j.stage("book")
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

// checkOrder checks that p is the next period to close (or, for the database's first close,
// that it may be) and sets in.LastClosed; it returns the last period closed (zero: none).
func (j *Job) checkOrder(ctx context.Context, tx *store.Tx, p sb.Period, now time.Time, in *sb.CloseInput) (sb.Period, error) {
	last, ok, err := tx.LastClosed(ctx)
	if err != nil {
		return last, err
	}
	if !ok {
		return last, j.checkFirst(p, now)
	}
	if !last.Before(p) {
		return last, fmt.Errorf("%w: %s comes before the last closed period %s; its facts are booked as late arrivals in the next open period", ErrNotReady, p, last)
	}
	if last.Next() != p {
		return last, fmt.Errorf("%w: the previous period %s is still open (last closed: %s); close it first", ErrNotReady, p.Prev(), last)
	}
	in.LastClosed = last
	return last, nil
}

// read reads the facts of the close into in, and logs what the read examined; it returns the
// time the read spent booking the summed lines (part of the booking, not of the read). A dry
// run books nothing: it reads every intervention. A close lets the store sum and book the
// commission lines of the interventions the rules are bound to book whole.
func (c *closeRun) read(ctx context.Context, tx *store.Tx, in *sb.CloseInput) (time.Duration, error) {
	c.j.stage("read")
	tRead := time.Now()
	load := tx.LoadSummedCloseInput
	if c.dryRun {
		load = tx.LoadCloseInput
	}
	if err := load(ctx, in); err != nil {
		return 0, fmt.Errorf("read %s: %w", c.p, err)
	}
	staged := tx.StagedInsertTime()
	c.res.Stages.Read = time.Since(tRead) - staged
	rs := tx.ReadStats()
	c.res.ReadStats = rs
	c.j.log().Info("read", "period", c.p.String(), "lookback_months", rs.LookbackMonths, "months_checked", rs.MonthsChecked,
		"months_reread", len(rs.MonthsReread), "reread", strings.Join(rs.MonthsReread, ", "),
		"rows_interventions", rs.Rows["interventions"], "rows_sav_decisions", rs.Rows["sav_decisions"],
		"rows_client_credits", rs.Rows["client_credits"], "tracked", rs.Tracked)
	return staged, nil
}

// closedBefore is the close of a period closed before: nothing is booked; a run killed after its
// commit left the period without its manifest (written last), which is completed from the
// ledger, the same bytes as a full run; otherwise the folder's outputs must be the ledger's.
func (j *Job) closedBefore(ctx context.Context, res *Result, p sb.Period, dryRun bool) (*Result, error) {
	res.Dir = periodDir(j.Out, p)
	if dryRun {
		return res, nil
	}
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

// renderBooked writes the outputs of the period just booked, from what the ledger holds, never
// from memory (re-rendering gives the same bytes); a dry run's, from its book, as drafts.
func (j *Job) renderBooked(ctx context.Context, res *Result, p sb.Period, dryRun bool) (*Result, error) {
	var (
		l   *Ledger
		err error
	)
	if dryRun {
		draft(res.Book)
		res.Dir = periodDir(j.Out, p) + "/" + draftDir
		l = NewLedger(res.Book)
	} else {
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
