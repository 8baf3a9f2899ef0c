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
	Render(ctx context.Context, dir string, b *sb.Book, prev *sb.Totals) ([]File, error)
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
	Dir           string // where the outputs are
	Book          *sb.Book
	Manifest      *Manifest
	Missing       []string // documents no renderer produced
	Stages        Stages
}

// Stages are the durations of a close's steps.
type Stages struct {
	Book   time.Duration // lock, read, rules and booking transaction
	Render time.Duration
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
	in := &sb.CloseInput{Period: p, Start: p.Start(sb.Paris), End: p.End(sb.Paris), ClosedAt: now.UTC().Truncate(time.Second),
		Issuer: j.Issuer, Rules: j.Rules}
	compute := func(ctx context.Context, tx *store.Tx) error {
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
		if err := tx.LoadCloseInput(ctx, in); err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		b, err := reconcile.Close(in)
		if err != nil {
			return err
		}
		res.Book = b
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
	if res.AlreadyClosed {
		res.Dir = periodDir(j.Out, p)
		if dryRun {
			return res, nil
		}
		// A run killed after its commit left the period without its manifest (written last):
		// complete the outputs from the ledger, the same bytes as a full run.
		if _, err := ReadManifest(res.Dir); errors.Is(err, os.ErrNotExist) {
			j.log().Warn("period closed but its outputs are incomplete: rendering them", "period", p.String())
			r, err := j.Render(ctx, p)
			if err != nil {
				return nil, err
			}
			r.AlreadyClosed, r.Completed = true, true
			return r, nil
		}
		return res, nil
	}
	j.log().Info("period booked", "period", p.String(), "dry_run", dryRun, "statements", len(res.Book.Statements),
		"invoices", len(res.Book.Invoices), "anomalies", len(res.Book.Anomalies), "pending", len(res.Book.Pending),
		"duration_ms", res.Stages.Book.Milliseconds())
	if dryRun {
		draft(res.Book)
		res.Dir = periodDir(j.Out, p) + "/draft"
	} else {
		// Render from what the ledger holds, never from memory: re-rendering gives the same bytes.
		if res.Book, err = j.DB.LoadBook(ctx, p); err != nil {
			return nil, fmt.Errorf("close %s: booked, but reading it back failed (run `savbilling render --period %s`): %w", p, p, err)
		}
		res.Dir = periodDir(j.Out, p)
	}
	if err := j.render(ctx, res); err != nil {
		if dryRun {
			return nil, fmt.Errorf("close %s (dry run): %w", p, err)
		}
		return nil, fmt.Errorf("close %s: booked, but rendering failed (run `savbilling render --period %s`): %w", p, p, err)
	}
	return res, nil
}

// Render re-renders closed period p from the ledger: the same bytes as at its close.
func (j *Job) Render(ctx context.Context, p sb.Period) (*Result, error) {
	b, err := j.DB.LoadBook(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", p, err)
	}
	res := &Result{Period: p, Book: b, Dir: periodDir(j.Out, p)}
	if err := j.render(ctx, res); err != nil {
		return nil, fmt.Errorf("render %s: %w", p, err)
	}
	return res, nil
}

// draft clears the numbers of a dry run's book: a dry run assigns none.
func draft(b *sb.Book) {
	b.Draft = true
	for i := range b.Statements {
		b.Statements[i].Number, b.Statements[i].Seq, b.Statements[i].InvoiceNumber = "", 0, ""
	}
	for i := range b.Invoices {
		b.Invoices[i].Number, b.Invoices[i].Seq = "", 0
	}
}

// render runs every renderer into res.Dir, then writes the manifest last.
func (j *Job) render(ctx context.Context, res *Result) error {
	t0 := time.Now()
	var prev *sb.Totals
	if !res.Period.IsZero() {
		if pb, err := j.DB.LoadBook(ctx, res.Period.Prev()); err == nil {
			t := pb.Totals()
			prev = &t
		} else if !errors.Is(err, store.ErrNotClosed) {
			return fmt.Errorf("read previous period: %w", err)
		}
	}
	if err := mkdirAll(res.Dir); err != nil {
		return err
	}
	if err := atomicfile.RemoveTemps(res.Dir); err != nil { // left by a killed run
		return err
	}
	var files []File
	for _, r := range j.Renderers {
		fs, err := r.Render(ctx, res.Dir, res.Book, prev)
		if err != nil {
			return fmt.Errorf("%s: %w", r.Name(), err)
		}
		files = append(files, fs...)
	}
	res.Missing = missing(j.Renderers, res.Book)
	m := NewManifest(res.Book, files)
	if err := m.Write(res.Dir); err != nil {
		return err
	}
	res.Manifest = m
	res.Stages.Render = time.Since(t0)
	j.log().Info("period rendered", "period", res.Period.String(), "dir", res.Dir, "files", len(files),
		"duration_ms", res.Stages.Render.Milliseconds())
	return nil
}

// missing lists the documents the contract expects that no renderer produces.
func missing(rs []Renderer, b *sb.Book) []string {
	have := map[string]bool{}
	for _, r := range rs {
		have[r.Name()] = true
	}
	var out []string
	if !have[RendererPDF] && (len(b.Statements) > 0 || len(b.Invoices) > 0) {
		out = append(out, fmt.Sprintf("%d PDF statements and %d PDF invoices", len(b.Statements), len(b.Invoices)))
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
