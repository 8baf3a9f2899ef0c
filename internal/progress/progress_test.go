package progress

import (
	"bytes"
	"os"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)} }

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const redraw = "\r\x1b[K"

func TestTerminalRedrawsEachStageInPlaceAndEndsItWithANewline(t *testing.T) {
	var w bytes.Buffer
	c := newClock()
	r := NewTerminal(&w, c.now)
	r.Stage("read", 0)
	c.advance(1200 * time.Millisecond)
	r.Tick()
	c.advance(1800 * time.Millisecond)
	r.Stage("render", 4)
	c.advance(2 * time.Second)
	r.Add(1)
	c.advance(100 * time.Millisecond) // within Interval of the last redraw: counted, not drawn
	r.Add(1)
	c.advance(4900 * time.Millisecond)
	r.Add(2)
	r.Done()
	r.Add(1) // after Done: nothing written
	r.Stage("late", 0)
	want := redraw + "read: 0s" +
		redraw + "read: 1s" +
		redraw + "read: done in 3s\n" +
		redraw + "render: 0/4 (0%), 0s elapsed" +
		redraw + "render: 1/4 (25%), 2s elapsed, about 6s left" +
		redraw + "render: 4/4 (100%), 7s elapsed, about 0s left" +
		redraw + "render: 4/4, done in 7s\n"
	if got := w.String(); got != want {
		t.Errorf("terminal output:\n got %q\nwant %q", got, want)
	}
}

func TestTerminalLiftsItsLineForALogLineAndDrawsItAgainBelow(t *testing.T) {
	var w bytes.Buffer
	c := newClock()
	r := NewTerminal(&w, c.now)
	logs := r.Logs()
	r.Stage("send", 10)
	c.advance(time.Second)
	r.Add(5)
	c.advance(100 * time.Millisecond)
	logs.Write([]byte("level=INFO msg=\"message accepted\"\n")) // drawn again later: within Interval
	c.advance(time.Second)
	r.Tick()
	c.advance(time.Second)
	logs.Write([]byte("level=INFO msg=\"message accepted\"\n")) // drawn again at once
	r.Done()
	logs.Write([]byte("level=INFO msg=\"period sent\"\n"))
	want := redraw + "send: 0/10 (0%), 0s elapsed" +
		redraw + "send: 5/10 (50%), 1s elapsed, about 1s left" +
		redraw + "level=INFO msg=\"message accepted\"\n" +
		redraw + "send: 5/10 (50%), 2s elapsed, about 2s left" +
		redraw + "level=INFO msg=\"message accepted\"\n" +
		redraw + "send: 5/10 (50%), 3s elapsed, about 3s left" +
		redraw + "send: 5/10, done in 3s\n" +
		"level=INFO msg=\"period sent\"\n"
	if got := w.String(); got != want {
		t.Errorf("terminal output:\n got %q\nwant %q", got, want)
	}
}

func TestLinesWritesOnePlainLinePerFinishedStage(t *testing.T) {
	var w bytes.Buffer
	c := newClock()
	r := NewLines(&w, c.now)
	logs := r.Logs()
	r.Stage("read", 0)
	c.advance(3 * time.Second)
	logs.Write([]byte("level=INFO msg=\"period booked\"\n"))
	r.Stage("render", 30)
	r.Add(29)
	c.advance(61 * time.Second)
	r.Add(1)
	r.Done()
	r.Done()
	want := "level=INFO msg=\"period booked\"\n" +
		"read: done in 3s\n" +
		"render: 30/30, done in 1m1s\n"
	if got := w.String(); got != want {
		t.Errorf("lines output:\n got %q\nwant %q", got, want)
	}
}

func TestETA(t *testing.T) {
	for _, tc := range []struct {
		name        string
		done, total int64
		elapsed     time.Duration
		left        time.Duration
		ok          bool
	}{
		{"nothing done yet: no rate", 0, 100, 5 * time.Second, 0, false},
		{"no total", 5, 0, 5 * time.Second, 0, false},
		{"a quarter in 10s", 25, 100, 10 * time.Second, 30 * time.Second, true},
		{"half", 50, 100, 10 * time.Second, 10 * time.Second, true},
		{"one of three", 1, 3, 1500 * time.Millisecond, 3 * time.Second, true},
		{"all done", 100, 100, 10 * time.Second, 0, true},
		{"past the total", 120, 100, 10 * time.Second, 0, true},
		{"millions of items over hours do not overflow", 1_000_000, 3_000_000, 2 * time.Hour, 4 * time.Hour, true},
		{"negative elapsed (a clock set back)", 1, 2, -time.Second, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			left, ok := ETA(tc.done, tc.total, tc.elapsed)
			if ok != tc.ok || left != tc.left {
				t.Errorf("ETA(%d, %d, %s) = %s, %v; want %s, %v", tc.done, tc.total, tc.elapsed, left, ok, tc.left, tc.ok)
			}
		})
	}
}

func TestLine(t *testing.T) {
	for _, tc := range []struct {
		name        string
		done, total int64
		elapsed     time.Duration
		ended       bool
		want        string
	}{
		{"read", 0, 0, 2600 * time.Millisecond, false, "read: 3s"},
		{"read", 0, 0, 2600 * time.Millisecond, true, "read: done in 3s"},
		{"render", 0, 5000, 0, false, "render: 0/5000 (0%), 0s elapsed"},
		{"render", 1234, 5000, 12 * time.Second, false, "render: 1234/5000 (24%), 12s elapsed, about 37s left"},
		{"render", 5000, 5000, 50 * time.Second, true, "render: 5000/5000, done in 50s"},
		{"send", 3, 4, 90 * time.Minute, false, "send: 3/4 (75%), 1h30m0s elapsed, about 30m0s left"},
	} {
		if got := Line(tc.name, tc.done, tc.total, tc.elapsed, tc.ended); got != tc.want {
			t.Errorf("Line(%q, %d, %d, %s, %v) = %q, want %q", tc.name, tc.done, tc.total, tc.elapsed, tc.ended, got, tc.want)
		}
	}
}

func TestForStderrIsSilentWhenStderrIsNotATerminal(t *testing.T) {
	env := func(string) string { return "" }
	var buf bytes.Buffer
	r, logs := ForStderr(&buf, env)
	if _, ok := r.(Nop); !ok || logs != &buf {
		t.Errorf("a buffer: got %T and another writer, want Nop and the buffer itself", r)
	}
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, logs = ForStderr(f, func(k string) string { return map[string]string{"TERM": "xterm"}[k] })
	if _, ok := r.(Nop); !ok || logs != f {
		t.Errorf("a file: got %T, want Nop and the file itself", r)
	}
	r.Stage("read", 0)
	r.Done()
	if b, _ := os.ReadFile(f.Name()); len(b) != 0 {
		t.Errorf("a file got %q, want nothing", b)
	}
}

func TestOrGivesNopForNil(t *testing.T) {
	if _, ok := Or(nil).(Nop); !ok {
		t.Error("Or(nil) is not Nop")
	}
	l := NewLines(&bytes.Buffer{}, time.Now)
	if Or(l) != Reporter(l) {
		t.Error("Or(r) is not r")
	}
}

// BenchmarkTerminalAdd is the cost of counting an item on a terminal: one call per document
// written or message sent.
func BenchmarkTerminalAdd(b *testing.B) {
	var w countingWriter
	r := NewTerminal(&w, time.Now)
	r.Stage("render", b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r.Add(1)
	}
	b.StopTimer()
	r.Done()
	b.ReportMetric(float64(w.writes)/float64(b.N), "writes/op")
}

// BenchmarkNopAdd is the cost off a terminal.
func BenchmarkNopAdd(b *testing.B) {
	var r Reporter = Nop{}
	r.Stage("render", b.N)
	for range b.N {
		r.Add(1)
	}
	r.Done()
}

type countingWriter struct{ writes int }

func (w *countingWriter) Write(p []byte) (int, error) { w.writes++; return len(p), nil }
