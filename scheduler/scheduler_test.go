package scheduler

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/job"
	"savbilling/sample"
	"savbilling/store"
)

// failingOnce writes the statements' numbers, then fails its first render (a full disk after
// part of the outputs), then works.
type failingOnce struct{ fails *atomic.Int64 }

func (failingOnce) Name() string { return "numbers" }

func (f failingOnce) Render(ctx context.Context, dir string, l *job.Ledger, _ *sb.Totals) ([]job.File, error) {
	var b strings.Builder
	err := l.EachStatement(ctx, store.RowsOnly, func(s *sb.Statement) error {
		b.WriteString(s.Number + "\n")
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "numbers.txt"), []byte(b.String()), 0o640); err != nil {
		return nil, err
	}
	if f.fails.Add(-1) >= 0 {
		return nil, errors.New("write numbers.txt: no space left on device")
	}
	return []job.File{{Path: "numbers.txt", Bytes: int64(b.Len())}}, nil
}

// syncBuffer is a log buffer safe for the scheduler's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// September 2026 of the rulebook's worked example is booked at start, its render fails once:
// the scheduler renders it again at its next retry (every RenderRetry, not at the next monthly
// tick), then the period has its outputs.
func TestScheduleRendersIncompleteOutputsAgain(t *testing.T) {
	sep := sb.MustPeriod("2026-09")
	now := time.Date(2026, 10, 2, 6, 0, 0, 0, time.UTC)
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db := dbtest.Open(t, e)
			if err := db.InsertSource(context.Background(), sample.WorkedExample()); err != nil {
				t.Fatal(err)
			}
			fails := new(atomic.Int64)
			fails.Store(1)
			var logs syncBuffer
			j := &job.Job{DB: db, Out: t.TempDir(), Rules: sb.DefaultRules(), Issuer: sb.Issuer{Name: "Réseau"},
				Renderers: []job.Renderer{failingOnce{fails}}}
			s := &Scheduler{Job: j, Spec: "0 6 1 * *", Loc: time.UTC, Start: sep, Now: func() time.Time { return now },
				Log: slog.New(slog.NewJSONHandler(&logs, nil)), RenderRetry: time.Second}

			stop, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- s.Run(stop, context.Background()) }()
			deadline := time.Now().Add(60 * time.Second)
			for !j.OutputsComplete(sep) && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("scheduler: %v", err)
			}
			if !j.OutputsComplete(sep) {
				t.Fatalf("the outputs of %s were never rendered again:\n%s", sep, logs.String())
			}
			for _, want := range []string{"period booked, but its outputs are incomplete", "render retry",
				"outputs of a closed period were incomplete: rendered them again"} {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("logs lack %q:\n%s", want, logs.String())
				}
			}
			got, _ := os.ReadFile(filepath.Join(j.Out, "2026-09", "numbers.txt"))
			if string(got) != "REL-1-2026-0001\n" {
				t.Errorf("numbers.txt = %q", got)
			}
		})
	}
}

// A period left incomplete by an earlier run (the close exited 5) is rendered again at the
// scheduler's start, before anything else is closed.
func TestScheduleStartCompletesEarlierPeriods(t *testing.T) {
	sep, oct := sb.MustPeriod("2026-09"), sb.MustPeriod("2026-10")
	now := time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db := dbtest.Open(t, e)
			if err := db.InsertSource(context.Background(), sample.WorkedExample()); err != nil {
				t.Fatal(err)
			}
			fails := new(atomic.Int64)
			fails.Store(1)
			j := &job.Job{DB: db, Out: t.TempDir(), Rules: sb.DefaultRules(), Issuer: sb.Issuer{Name: "Réseau"},
				Renderers: []job.Renderer{failingOnce{fails}}}
			if _, err := j.Close(context.Background(), sep, now, false); !errors.Is(err, job.ErrIncomplete) {
				t.Fatalf("close: %v, want ErrIncomplete", err)
			}
			var logs syncBuffer
			s := &Scheduler{Job: j, Spec: "0 6 1 * *", Loc: time.UTC, Now: func() time.Time { return now },
				Log: slog.New(slog.NewJSONHandler(&logs, nil))}
			closed := s.RunOnce(context.Background(), "start")
			if len(closed) != 1 || closed[0] != oct || !j.OutputsComplete(sep) || !j.OutputsComplete(oct) {
				t.Errorf("start closed %v; outputs complete: %s %v, %s %v\n%s", closed, sep, j.OutputsComplete(sep), oct,
					j.OutputsComplete(oct), logs.String())
			}
		})
	}
}
