package job

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	sb "savbilling"
	"savbilling/internal/dbtest"
)

// noPeriodBooked fails the test if any period is closed in db.
func noPeriodBooked(t *testing.T, j *Job) {
	t.Helper()
	closed, err := j.DB.ClosedPeriods(context.Background())
	if err != nil || len(closed) != 0 {
		t.Fatalf("closed periods %v (%v): the refused close booked something", closed, err)
	}
}

// An output folder that is a file, or lies under one, is refused before anything is booked.
func TestCloseRefusesAFileAsOutputFolder(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			j, _ := setup(t, e)
			file := filepath.Join(t.TempDir(), "out")
			if err := os.WriteFile(file, []byte("not a folder"), 0o640); err != nil {
				t.Fatal(err)
			}
			for _, out := range []string{file, filepath.Join(file, "sub")} {
				j.Out = out
				_, err := j.Close(context.Background(), sep, now, false)
				if err == nil || errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "is a file, not a folder") ||
					!strings.Contains(err.Error(), "nothing was booked") {
					t.Errorf("out %s: error %v; want a refusal naming the file", out, err)
				}
				noPeriodBooked(t, j)
			}
			// A folder still to be created is fine.
			j.Out = filepath.Join(t.TempDir(), "a", "b")
			mustClose(t, j, sep)
		})
	}
}

// The free space needed is checked before booking: 100 KB per statement for a first close,
// then twice the previous period's outputs, as its manifest counts them.
func TestCloseRefusesWithoutFreeSpace(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			j, _ := setup(t, e)
			j.Space = DefaultOutputSpace
			var free atomic.Int64
			old := freeBytes
			freeBytes = func(string) (int64, bool, error) { return free.Load(), true, nil }
			t.Cleanup(func() { freeBytes = old })

			free.Store(100<<10 - 1) // September has one statement
			_, err := j.Close(context.Background(), sep, now, false)
			if err == nil || !strings.Contains(err.Error(), "102399 bytes free, the outputs need about 102400") {
				t.Fatalf("first close with too little space: %v", err)
			}
			noPeriodBooked(t, j)
			free.Store(100 << 10)
			res := mustClose(t, j, sep)

			var sum int64
			for _, f := range res.Manifest.Files {
				sum += f.Bytes
			}
			free.Store(2*sum - 1)
			_, err = j.Close(context.Background(), oct, now, false)
			if err == nil || !strings.Contains(err.Error(), "2 × the") || errors.Is(err, ErrIncomplete) {
				t.Fatalf("second close with too little space: %v", err)
			}
			if closed, _ := j.DB.ClosedPeriods(context.Background()); len(closed) != 1 {
				t.Fatalf("closed %v after the refusal", closed)
			}
			free.Store(2 * sum)
			mustClose(t, j, oct)
		})
	}
}

// flaky is a renderer that fails (by an error or a panic) its first fails renders, after writing
// part of its outputs, then works.
type flaky struct {
	ledgerText
	fails *atomic.Int64
	panic bool
}

func (f flaky) Render(ctx context.Context, dir string, l *Ledger, prev *sb.Totals) ([]File, error) {
	files, err := f.ledgerText.Render(ctx, dir, l, prev)
	if err == nil && f.fails.Add(-1) >= 0 {
		if f.panic {
			panic("index out of range [65536]")
		}
		return nil, errors.New("write: no space left on device")
	}
	return files, err
}

// A render that fails after the commit, by an error or a panic, leaves the period booked
// (ErrIncomplete) and renderable: `render` then writes the same outputs as an unbroken close.
func TestFailedRenderLeavesTheMonthRenderable(t *testing.T) {
	ref, _ := setup(t, dbtest.Engines(t)[0])
	want, err := os.ReadFile(filepath.Join(mustClose(t, ref, sep).Dir, "ledger.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, panics := range []bool{false, true} {
		for _, e := range dbtest.Engines(t) {
			name := e.Name + "/error"
			if panics {
				name = e.Name + "/panic"
			}
			t.Run(name, func(t *testing.T) {
				j, _ := setup(t, e)
				fails := new(atomic.Int64)
				fails.Store(1)
				j.Renderers = []Renderer{flaky{fails: fails, panic: panics}}
				_, err = j.Close(context.Background(), sep, now, false)
				if !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "booked; outputs incomplete: run `savbilling render --period 2026-09`") {
					t.Fatalf("close with a failing render: %v; want ErrIncomplete", err)
				}
				if closed, _ := j.DB.ClosedPeriods(context.Background()); len(closed) != 1 {
					t.Fatalf("closed %v: the period is booked", closed)
				}
				if j.OutputsComplete(sep) {
					t.Fatal("outputs reported complete after a failed render")
				}
				res, err := j.Render(context.Background(), sep)
				if err != nil {
					t.Fatalf("render after the failure: %v", err)
				}
				got, _ := os.ReadFile(filepath.Join(res.Dir, "ledger.txt"))
				if string(got) != string(want) || !j.OutputsComplete(sep) {
					t.Errorf("render after the failure wrote %q, want %q (complete: %v)", got, want, j.OutputsComplete(sep))
				}
			})
		}
	}
}

// A real close removes the drafts a dry run left in the period's folder.
func TestCloseRemovesTheDryRunDrafts(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			j, _ := setup(t, e)
			dry, err := j.Close(context.Background(), sep, now, true)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(dry.Dir, ManifestFile)); err != nil {
				t.Fatalf("dry run: %v", err)
			}
			res := mustClose(t, j, sep)
			if _, err := os.Stat(filepath.Join(res.Dir, "draft")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("draft/ left beside the real documents: %v", err)
			}
			if _, err := os.Stat(filepath.Join(res.Dir, "ledger.txt")); err != nil {
				t.Errorf("real outputs: %v", err)
			}
		})
	}
}

// close_timeout bounds the whole close: past it, the close fails naming the key, and nothing is
// booked.
func TestCloseTimeoutStopsTheClose(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			j, _ := setup(t, e)
			j.CloseTimeout = 1 // nanosecond: over before the first query
			_, err := j.Close(context.Background(), sep, now, false)
			if err == nil || !strings.Contains(err.Error(), "close_timeout = 1ns") {
				t.Fatalf("close past its deadline: %v", err)
			}
			noPeriodBooked(t, j)
		})
	}
}
