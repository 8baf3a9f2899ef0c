// Package progress shows where a long run is: its stage, the items done out of the stage's total,
// the time elapsed and an estimate of what is left.
//
// On a terminal (stderr is a character device, TERM is not dumb, NO_COLOR is unset) a Terminal
// reporter keeps one line per stage, redrawn in place (carriage return and ANSI erase) at most
// four times a second; when a stage ends its line is written one last time with what it took,
// and the next stage starts a new line. The run's logs pass through the reporter
// (Terminal.Logs), which lifts the progress line, writes the log line and draws it again, so that
// neither cuts the other.
//
// With TERM=dumb or NO_COLOR on a terminal, a Lines reporter writes one plain line per finished
// stage: no carriage return, no escape sequence. When stderr is not a terminal (a schedule, CI, a
// pipe) the reporter is Nop: it writes nothing, and the logs are exactly what they are without it.
package progress

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"
)

// Reporter is told where a run is. Its methods may be called from several goroutines.
type Reporter interface {
	// Stage starts a stage named name of total items (0: not counted), ending the previous one.
	Stage(name string, total int)
	// Add counts n more items of the current stage done.
	Add(n int)
	// Done ends the last stage; the reporter writes nothing after it.
	Done()
}

// Nop is the Reporter that writes nothing: the one of a run whose stderr is not a terminal.
type Nop struct{}

// Stage does nothing.
func (Nop) Stage(string, int) {}

// Add does nothing.
func (Nop) Add(int) {}

// Done does nothing.
func (Nop) Done() {}

// Or is r, or Nop when r is nil: what a package calls when its caller may give no reporter.
func Or(r Reporter) Reporter {
	if r == nil {
		return Nop{}
	}
	return r
}

// Interval is the shortest time between two redraws of a Terminal's line by Add or Tick: at most
// four redraws a second, whatever the number of items.
const Interval = 250 * time.Millisecond

// ForStderr is the reporter of a run whose diagnostics go to stderr, and the writer its logs must
// use instead of stderr: a Terminal (refreshed every Interval) when stderr is a terminal that
// understands ANSI erase and getenv("NO_COLOR") is empty; a Lines reporter on a terminal with
// TERM=dumb or NO_COLOR; Nop, and stderr itself, otherwise.
func ForStderr(stderr io.Writer, getenv func(string) string) (Reporter, io.Writer) {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return Nop{}, stderr
	}
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" || getenv("TERM") == "" {
		l := NewLines(stderr, time.Now)
		return l, l.Logs()
	}
	t := NewTerminal(stderr, time.Now)
	t.Run(Interval)
	return t, t.Logs()
}

// stage is the state of the current stage, shared by the Terminal and Lines reporters.
type stage struct {
	name  string
	total int64
	start time.Time
}

// Terminal is the Reporter of an interactive terminal: see the package comment. Its clock is
// injected, so that its output is exact under a fake clock.
type Terminal struct {
	w    io.Writer
	now  func() time.Time
	done atomic.Int64 // items of the current stage done
	next atomic.Int64 // Add redraws once the clock has passed this (Unix nanoseconds)

	mu     sync.Mutex
	cur    *stage // nil: no stage (before the first, after Done)
	shown  bool   // a progress line is on the screen, without its newline
	ended  bool
	stop   chan struct{} // closes Run's ticker
	ticker sync.WaitGroup
}

// NewTerminal is a Terminal writing to w with the clock now. It redraws only when told (Stage,
// Add, Tick, Done); Run adds a ticker.
func NewTerminal(w io.Writer, now func() time.Time) *Terminal {
	return &Terminal{w: w, now: now}
}

// Run redraws the line every interval until Done, so that the elapsed time moves during a stage
// without items (reading the facts, booking).
func (t *Terminal) Run(interval time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stop != nil || t.ended {
		return
	}
	t.stop = make(chan struct{})
	t.ticker.Add(1)
	go func(stop <-chan struct{}) {
		defer t.ticker.Done()
		tk := time.NewTicker(interval)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tk.C:
				t.Tick()
			}
		}
	}(t.stop)
}

// Stage ends the current stage (its line written a last time, with a newline) and starts name.
func (t *Terminal) Stage(name string, total int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ended {
		return
	}
	now := t.now()
	t.finish(now)
	t.cur = &stage{name: name, total: int64(total), start: now}
	t.done.Store(0)
	t.draw(now)
}

// Add counts n items done; it redraws the line when the last redraw is older than Interval.
func (t *Terminal) Add(n int) {
	t.done.Add(int64(n))
	now := t.now()
	if now.UnixNano() < t.next.Load() {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.UnixNano() >= t.next.Load() && t.cur != nil {
		t.draw(now)
	}
}

// Tick redraws the line when the last redraw is older than Interval (Run calls it).
func (t *Terminal) Tick() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if now := t.now(); now.UnixNano() >= t.next.Load() && t.cur != nil {
		t.draw(now)
	}
}

// Done ends the last stage and stops the ticker.
func (t *Terminal) Done() {
	t.mu.Lock()
	if t.ended {
		t.mu.Unlock()
		return
	}
	t.finish(t.now())
	t.ended = true
	stop := t.stop
	t.mu.Unlock()
	if stop != nil {
		close(stop)
		t.ticker.Wait()
	}
}

// Logs is the writer the run's logs must use while t shows progress: each write lifts the
// progress line and writes the log line(s) on their own; the progress line is drawn again below
// them at once when the last redraw is older than Interval, else by the next Add or Tick.
// A write should hold whole lines (log/slog's handlers write one record a call).
func (t *Terminal) Logs() io.Writer { return terminalLogs{t} }

type terminalLogs struct{ t *Terminal }

func (l terminalLogs) Write(p []byte) (int, error) {
	t := l.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.shown {
		io.WriteString(t.w, "\r"+eraseLine)
		t.shown = false
	}
	n, err := t.w.Write(p)
	if now := t.now(); t.cur != nil && now.UnixNano() >= t.next.Load() {
		t.draw(now)
	}
	return n, err
}

// eraseLine is ANSI EL: erase from the cursor to the end of the line.
const eraseLine = "\x1b[K"

// draw writes the current stage's line over the one shown; t.mu is held.
func (t *Terminal) draw(now time.Time) {
	io.WriteString(t.w, "\r"+eraseLine+Line(t.cur.name, t.done.Load(), t.cur.total, now.Sub(t.cur.start), false))
	t.shown = true
	t.next.Store(now.Add(Interval).UnixNano())
}

// finish writes the current stage's line a last time, ended by a newline; t.mu is held.
func (t *Terminal) finish(now time.Time) {
	if t.cur == nil {
		return
	}
	io.WriteString(t.w, "\r"+eraseLine+Line(t.cur.name, t.done.Load(), t.cur.total, now.Sub(t.cur.start), true)+"\n")
	t.shown = false
	t.cur = nil
}

// Lines is the Reporter of a terminal that cannot redraw a line (TERM=dumb) or of an operator
// who asked for plain output (NO_COLOR): one plain line per finished stage, as Terminal's last.
type Lines struct {
	w    io.Writer
	now  func() time.Time
	done atomic.Int64

	mu    sync.Mutex
	cur   *stage
	ended bool
}

// NewLines is a Lines reporter writing to w with the clock now.
func NewLines(w io.Writer, now func() time.Time) *Lines { return &Lines{w: w, now: now} }

// Stage writes the line of the stage that ends and starts name.
func (l *Lines) Stage(name string, total int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ended {
		return
	}
	now := l.now()
	l.finish(now)
	l.cur = &stage{name: name, total: int64(total), start: now}
	l.done.Store(0)
}

// Add counts n items done.
func (l *Lines) Add(n int) { l.done.Add(int64(n)) }

// Done writes the line of the last stage.
func (l *Lines) Done() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.ended {
		l.finish(l.now())
		l.ended = true
	}
}

// Logs is the writer of the run's logs: they and the stages' lines never interleave mid-line.
func (l *Lines) Logs() io.Writer { return linesLogs{l} }

type linesLogs struct{ l *Lines }

func (w linesLogs) Write(p []byte) (int, error) {
	w.l.mu.Lock()
	defer w.l.mu.Unlock()
	return w.l.w.Write(p)
}

func (l *Lines) finish(now time.Time) {
	if l.cur == nil {
		return
	}
	io.WriteString(l.w, Line(l.cur.name, l.done.Load(), l.cur.total, now.Sub(l.cur.start), true)+"\n")
	l.cur = nil
}

// Line is the text of a stage's line, without its newline:
//
//	read: 3s
//	render: 1234/5000 (24%), 12s elapsed, about 38s left
//	render: 5000/5000, done in 50s
//	read: done in 3s
//
// ended says the stage is over. The estimate is missing until an item is done.
func Line(name string, done, total int64, elapsed time.Duration, ended bool) string {
	b := make([]byte, 0, 80)
	b = append(b, name...)
	b = append(b, ": "...)
	if total > 0 {
		b = strconv.AppendInt(b, done, 10)
		b = append(b, '/')
		b = strconv.AppendInt(b, total, 10)
		if !ended {
			b = fmt.Appendf(b, " (%d%%)", percent(done, total))
		}
		b = append(b, ", "...)
	}
	if ended {
		return string(append(append(b, "done in "...), Duration(elapsed)...))
	}
	b = append(b, Duration(elapsed)...)
	if total > 0 {
		b = append(b, " elapsed"...)
		if left, ok := ETA(done, total, elapsed); ok {
			b = append(b, ", about "...)
			b = append(b, Duration(left)...)
			b = append(b, " left"...)
		}
	}
	return string(b)
}

func percent(done, total int64) int64 {
	if done >= total {
		return 100
	}
	return done * 100 / total
}

// ETA estimates the time left of a stage that did done of total items in elapsed, at the rate
// so far; ok is false until an item is done (no rate yet). Past the total, nothing is left.
func ETA(done, total int64, elapsed time.Duration) (left time.Duration, ok bool) {
	if done <= 0 || total <= 0 || elapsed < 0 {
		return 0, false
	}
	if done >= total {
		return 0, true
	}
	// In float64: elapsed × (total − done) overflows int64 nanoseconds past a few hours of a
	// million items.
	return time.Duration(float64(elapsed) * float64(total-done) / float64(done)), true
}

// Duration writes d to the second, as time.Duration does (1h2m3s, 12s); under a second, 0s.
func Duration(d time.Duration) string {
	return d.Round(time.Second).String()
}
