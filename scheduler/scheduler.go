// Package scheduler runs the monthly close unattended with robfig/cron: at start it catches up
// every ended period not yet closed, oldest first, then at each tick of its cron spec (in the
// configured zone, Europe/Paris by default) it closes what has become due — the previous month.
//
// A closed period whose outputs are incomplete (booked, then the render failed: disk full, folder
// removed; see job.OutputsComplete) is rendered again at start and every RenderRetry (an hour by
// default) until it succeeds, before any further close.
//
// Several schedulers may run on one database (two hosts, a redeploy overlap): the database's
// close lock lets one close a period; the others see the lock or the closed period, log it and
// move on, so no period is closed twice or skipped.
package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	sb "savbilling"
	"savbilling/job"
	"savbilling/store"
)

// Scheduler closes the periods of one database as they end.
type Scheduler struct {
	Job     *job.Job
	Spec    string         // cron spec, e.g. "0 6 1 * *" or "@every 1m"
	Loc     *time.Location // the zone the spec is read in
	Start   sb.Period      // the first period to catch up from; zero: the first period with data
	Now     func() time.Time
	Log     *slog.Logger
	Metrics string // Prometheus textfile written after each run; "" for none
	// AfterClose, when set, runs after each period this scheduler closes (schedule.send: e-mail
	// its documents). Its error is logged; it does not stop the closes.
	AfterClose func(ctx context.Context, p sb.Period) error
	// RenderRetry is how often the outputs of closed periods are checked and rendered again
	// when incomplete; zero: an hour.
	RenderRetry time.Duration

	mu sync.Mutex // one run at a time: the cron's ticks and the render retries
}

// Run catches up, then closes due periods at every tick until stop is done. A close that is
// running when stop is done finishes (commits or rolls back) before Run returns; work, the
// context of the closes themselves, aborts a running close at once when cancelled, and Run then
// returns an error.
func (s *Scheduler) Run(stop, work context.Context) error {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	sched, err := ParseSpec(s.Spec, now(), s.Loc)
	if err != nil {
		return err
	}
	logger := cronLogger{s.Log}
	c := cron.New(cron.WithLocation(s.Loc), cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	c.Schedule(sched, cron.FuncJob(func() { s.RunOnce(work, "tick") }))
	retry := s.RenderRetry
	if retry <= 0 {
		retry = time.Hour
	}
	c.Schedule(cron.Every(retry), cron.FuncJob(func() {
		if s.incompleteOutputs(work) {
			s.RunOnce(work, "render retry")
		}
	}))

	s.Log.Info("scheduler started", "spec", s.Spec, "tz", s.Loc.String())
	s.RunOnce(work, "start")
	c.Start()
	<-stop.Done()
	s.Log.Info("stop requested: no new ticks; waiting for a running close to finish")
	<-c.Stop().Done()
	if work.Err() != nil {
		s.Log.Warn("scheduler aborted: the running close was rolled back")
		return errors.New("aborted by a second signal: the running close was rolled back")
	}
	s.Log.Info("scheduler stopped")
	return nil
}

// RunOnce closes every due period, oldest first, and returns what it closed. It stops at the
// first period it cannot close (locked by another run, not ready, failed): the next tick tries
// again.
func (s *Scheduler) RunOnce(ctx context.Context, trigger string) []sb.Period {
	s.mu.Lock()
	defer s.mu.Unlock()
	runID := newRunID()
	log := s.Log.With("run_id", runID, "trigger", trigger)
	t0 := time.Now()
	due, closed, err := s.due(ctx)
	if err != nil {
		log.Error("cannot list the periods to close", "error", err)
		return nil
	}
	// A close whose render failed after its commit (exit 5), or was killed, left its outputs
	// incomplete: render them before closing anything else; on failure, retry later.
	for _, p := range closed {
		if s.Job.OutputsComplete(p) {
			continue
		}
		res, err := s.Job.Complete(ctx, p)
		if err != nil {
			log.Error("outputs of a closed period are still incomplete: will render them again", "period", p.String(),
				"retry_in", s.retryEvery().String(), "error", err.Error())
			return nil
		}
		if res.Completed {
			log.Warn("outputs of a closed period were incomplete: rendered them again", "period", p.String())
		}
	}
	if len(due) == 0 {
		log.Info("nothing to close")
		return nil
	}
	var done []sb.Period
	var sum job.ManifestTotals
	for _, p := range due {
		if ctx.Err() != nil {
			break
		}
		t1 := time.Now()
		res, err := s.Job.Close(ctx, p, s.Now(), false)
		switch {
		case errors.Is(err, store.ErrLocked):
			log.Info("another run holds the close lock: moving on", "period", p.String())
			return done
		case errors.Is(err, job.ErrNotReady):
			log.Info("period not ready (another run may be closing the one before)", "period", p.String(), "reason", err.Error())
			return done
		case errors.Is(err, job.ErrIncomplete):
			log.Error("period booked, but its outputs are incomplete: will render them again", "period", p.String(),
				"retry_in", s.retryEvery().String(), "error", err.Error())
			return done
		case err != nil:
			log.Error("close failed", "period", p.String(), "error", err.Error())
			return done
		case res.AlreadyClosed:
			log.Info("period already closed by another run", "period", p.String())
			continue
		}
		m := res.Manifest
		log.Info("period closed", "period", p.String(), "duration_ms", time.Since(t1).Milliseconds(),
			"book_ms", res.Stages.Book.Milliseconds(), "render_ms", res.Stages.Render.Milliseconds(),
			"statements", m.Statements, "invoices", m.Invoices, "anomalies", m.Exceptions, "pending", m.Pending,
			"gross_cents", m.Totals.GrossCents, "deductions_cents", m.Totals.DeductionsCents,
			"installments_cents", m.Totals.InstallmentsCents, "net_cents", m.Totals.NetCents,
			"vat_cents", m.Totals.VATCents, "spread_cents", m.Totals.SpreadCents, "invoiced_cents", m.Totals.InvoicedCents)
		if s.Metrics != "" {
			if err := writeMetrics(s.Metrics, s.Now(), time.Since(t1), m); err != nil {
				log.Error("cannot write metrics", "file", s.Metrics, "error", err.Error())
			}
		}
		done = append(done, p)
		sum.Add(m.Totals)
		if s.AfterClose != nil {
			if err := s.AfterClose(ctx, p); err != nil {
				log.Error("after the close", "period", p.String(), "error", err.Error())
			}
		}
	}
	log.Info("run done", "closed", len(done), "duration_ms", time.Since(t0).Milliseconds(),
		"gross_cents", sum.GrossCents, "deductions_cents", sum.DeductionsCents, "installments_cents", sum.InstallmentsCents,
		"net_cents", sum.NetCents, "vat_cents", sum.VATCents, "spread_cents", sum.SpreadCents, "invoiced_cents", sum.InvoicedCents)
	return done
}

// retryEvery is the interval of the render retries.
func (s *Scheduler) retryEvery() time.Duration {
	if s.RenderRetry <= 0 {
		return time.Hour
	}
	return s.RenderRetry
}

// incompleteOutputs reports whether a closed period lacks its outputs (see job.OutputsComplete).
func (s *Scheduler) incompleteOutputs(ctx context.Context) bool {
	closed, err := s.Job.DB.ClosedPeriods(ctx)
	if err != nil {
		s.Log.Error("cannot list the closed periods", "error", err.Error())
		return false
	}
	for _, p := range closed {
		if !s.Job.OutputsComplete(p) {
			return true
		}
	}
	return false
}

// due lists the periods to close now, and returns the closed ones, oldest first.
func (s *Scheduler) due(ctx context.Context) ([]sb.Period, []sb.Period, error) {
	closed, err := s.Job.DB.ClosedPeriods(ctx)
	if err != nil {
		return nil, nil, err
	}
	var last sb.Period
	if len(closed) > 0 {
		last = closed[len(closed)-1]
	}
	start := s.Start
	if start.IsZero() {
		first, ok, err := s.Job.DB.FirstActivity(ctx)
		if err != nil {
			return nil, closed, err
		}
		if ok {
			start = first
		}
	}
	return job.Due(last, start, s.Now()), closed, nil
}

func newRunID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// cronLogger adapts cron's logger to slog.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) {
	c.l.Debug("cron: "+msg, kv...)
}

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "error", err.Error())...)
}

// ParseSpec parses a cron spec (5 fields, or @every/@monthly…) and checks that it fires: a spec
// such as "0 6 31 2 *" (31 February) parses but never fires, and robfig/cron's Next returns the
// zero time when it finds no instant within five years after now.
func ParseSpec(spec string, now time.Time, loc *time.Location) (cron.Schedule, error) {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("cron spec %q: %w", spec, err)
	}
	if loc == nil {
		loc = time.UTC
	}
	if sched.Next(now.In(loc)).IsZero() {
		return nil, fmt.Errorf("cron spec %q never fires (no instant within five years): a close would never run", spec)
	}
	return sched, nil
}
