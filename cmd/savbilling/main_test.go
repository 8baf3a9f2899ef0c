package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/sample"
	"savbilling/store"
)

// bin is the savbilling binary built once for the tests that run it as a process.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "savbilling-bin")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "savbilling")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		panic("build savbilling: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cli runs the command in-process with a fixed clock and returns its exit code and output.
func cli(t *testing.T, now time.Time, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb, func(k string) string { return env[k] }, func() time.Time { return now })
	return code, out.String(), errb.String()
}

// worked writes the rulebook's worked example into a fresh database of engine e.
func worked(t *testing.T, e dbtest.Engine) {
	t.Helper()
	db := dbtest.Open(t, e)
	if err := db.InsertSource(context.Background(), sample.WorkedExample()); err != nil {
		t.Fatal(err)
	}
}

func TestExitCodes(t *testing.T) {
	dec2 := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			worked(t, e)
			out := t.TempDir()
			env := map[string]string{"SAVBILLING_DB": e.DB, "SAVBILLING_OUT": out}
			steps := []struct {
				args []string
				code int
				want string // in stdout+stderr
			}{
				{nil, exitUsage, "no command"},
				{[]string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
				{[]string{"close"}, exitUsage, "--period YYYY-MM is required"},
				{[]string{"close", "--period", "2026-13"}, exitUsage, "want YYYY-MM"},
				{[]string{"close", "--period", "2026-10", "--db", "postgres:x"}, exitUsage, "db:"},
				{[]string{"close", "--period", "2026-10", "--log-format", "xml"}, exitUsage, "--log-format"},
				{[]string{"migrate"}, exitOK, "migrated"},
				{[]string{"close", "--period", "2026-12"}, exitNotReady, "cannot be closed yet"},
				{[]string{"close", "--period", "2026-09"}, exitOK, "closed 2026-09: 1 statements"},
				{[]string{"close", "--period", "2026-11"}, exitNotReady, "2026-10 is still open"},
				{[]string{"close", "--period", "2026-10", "--dry-run"}, exitOK, "dry run of 2026-10: 2 statements"},
				{[]string{"close", "--period", "2026-10"}, exitOK, "net HT 145,00 €"},
				{[]string{"close", "--period", "2026-10"}, exitOK, "was already closed: nothing changed"},
				{[]string{"render", "--period", "2026-10"}, exitOK, "rendered 2026-10"},
				{[]string{"render", "--period", "2026-11"}, exitFailed, "not closed"},
			}
			for _, s := range steps {
				code, stdout, stderr := cli(t, dec2, env, s.args...)
				if code != s.code || !strings.Contains(stdout+stderr, s.want) {
					t.Errorf("savbilling %s: exit %d, want %d with %q\nstdout: %s\nstderr: %s", strings.Join(s.args, " "), code, s.code, s.want, stdout, stderr)
				}
			}
			// The contract's outputs of a closed period.
			for _, f := range []string{"2026-10/manifest.json", "2026-10/finance-2026-10.xlsx", "2026-10/statements/REL-1-2026-0002.pdf",
				"2026-10/statements/REL-2-2026-0001.pdf"} {
				if _, err := os.Stat(filepath.Join(out, f)); err != nil {
					t.Errorf("missing output: %v", err)
				}
			}
			// The dry run's drafts went with the real close (issue 17).
			if _, err := os.Stat(filepath.Join(out, "2026-10", "draft")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("draft/ left beside the real documents: %v", err)
			}
		})
	}
}

func TestLockedExits3(t *testing.T) {
	e := dbtest.Engines(t)[0]
	worked(t, e)
	release := holdCloseLock(t, e)
	code, _, stderr := cli(t, time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), map[string]string{"SAVBILLING_OUT": t.TempDir()},
		"close", "--period", "2026-09", "--db", e.DB)
	release()
	if code != exitLocked || !strings.Contains(stderr, "another run holds the close lock") {
		t.Errorf("exit %d, stderr %q; want 3", code, stderr)
	}
}

// holdCloseLock takes the close lock of the database of e, as a running close does, until the
// release it returns is called (which fails the test if holding it failed).
func holdCloseLock(t *testing.T, e dbtest.Engine) (release func()) {
	t.Helper()
	db, err := store.Open(context.Background(), e.DB)
	if err != nil {
		t.Fatal(err)
	}
	inside, free, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- db.WithCloseLock(context.Background(), 0, func(context.Context, *store.Tx) error {
			close(inside)
			<-free
			return nil
		})
	}()
	select {
	case <-inside:
	case err := <-done:
		db.Close()
		t.Fatalf("take the close lock: %v", err)
	}
	return func() {
		t.Helper()
		close(free)
		err := <-done
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// rawDB opens the database of e through database/sql alone (SQLite read-only); the caller
// closes it.
func rawDB(t *testing.T, e dbtest.Engine) *sql.DB {
	t.Helper()
	driver, dsn, _ := strings.Cut(e.DB, ":")
	if driver == "sqlite" {
		dsn = "file:" + dsn + "?mode=ro"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestPasswordNeverPrinted(t *testing.T) {
	const secret = "S3cr3t-pw-4242"
	code, stdout, stderr := cli(t, time.Now(), nil, "close", "--period", "2026-10",
		"--db", "mysql:sav:"+secret+"@tcp(127.0.0.1:1)/nowhere", "--out", t.TempDir())
	if code == exitOK || strings.Contains(stdout+stderr, secret) {
		t.Errorf("exit %d; output must not contain the password:\n%s%s", code, stdout, stderr)
	}
}

// seedMonths writes a small synthetic network whose last three months have ended by now.
func seedMonths(t *testing.T, e dbtest.Engine, last sb.Period) {
	db := dbtest.Open(t, e)
	err := sample.Network(sample.Options{Repairers: 30, Interventions: 300, Months: 3, Seed: 7, Last: last},
		func(_ sb.Period, src sb.Source) error { return db.InsertSource(context.Background(), src) })
	if err != nil {
		t.Fatal(err)
	}
}

// TestScheduleCatchesUpAndStops starts the real scheduler on a database with three unclosed
// ended months: it closes them in order at start, then SIGTERM makes it exit 0.
func TestScheduleCatchesUpAndStops(t *testing.T) {
	last := sb.PeriodOf(time.Now(), sb.Paris).Prev()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			seedMonths(t, e, last)
			out := t.TempDir()
			var logs syncBuffer
			cmd := exec.Command(bin, "schedule", "--cron", "@every 1s", "--db", e.DB, "--out", out, "--metrics", filepath.Join(out, "savbilling.prom"))
			cmd.Stderr = &logs
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			want := []string{last.AddMonths(-2).String(), last.AddMonths(-1).String(), last.String()}
			waitFor(t, func() bool { return strings.Count(logs.String(), `"msg":"period closed"`) >= 3 }, &logs)
			time.Sleep(1500 * time.Millisecond) // at least one tick with nothing to do
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("scheduler exit: %v\n%s", err, logs.String())
			}
			if got := closedOrder(logs.String()); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("closed %v, want %v in that order", got, want)
			}
			if !strings.Contains(logs.String(), "nothing to close") || !strings.Contains(logs.String(), "scheduler stopped") {
				t.Errorf("logs lack the idle tick or the stop:\n%s", logs.String())
			}
			prom, err := os.ReadFile(filepath.Join(out, "savbilling.prom"))
			if err != nil || !strings.Contains(string(prom), `savbilling_last_success_timestamp_seconds{period="`+last.String()+`"}`) {
				t.Errorf("metrics file: %v\n%s", err, prom)
			}
		})
	}
}

// TestTwoSchedulers runs two schedulers on one database at once: each period is closed exactly
// once, by one of them.
func TestTwoSchedulers(t *testing.T) {
	last := sb.PeriodOf(time.Now(), sb.Paris).Prev()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			seedMonths(t, e, last)
			out := t.TempDir()
			var logs [2]syncBuffer
			var cmds [2]*exec.Cmd
			for i := range cmds {
				cmds[i] = exec.Command(bin, "schedule", "--cron", "@every 1s", "--db", e.DB, "--out", out)
				cmds[i].Stderr = &logs[i]
			}
			for _, c := range cmds {
				if err := c.Start(); err != nil {
					t.Fatal(err)
				}
			}
			all := func() string { return logs[0].String() + logs[1].String() }
			waitFor(t, func() bool { return strings.Count(all(), `"msg":"period closed"`) >= 3 }, &logs[0])
			time.Sleep(2500 * time.Millisecond) // both see the work done
			for _, c := range cmds {
				c.Process.Signal(syscall.SIGTERM)
			}
			for i, c := range cmds {
				if err := c.Wait(); err != nil {
					t.Fatalf("scheduler %d: %v\n%s", i, err, logs[i].String())
				}
			}
			got := append(closedOrder(logs[0].String()), closedOrder(logs[1].String())...)
			if len(got) != 3 {
				t.Errorf("periods closed across both schedulers: %v, want each of the three once\n%s\n%s", got, logs[0].String(), logs[1].String())
			}
			db := dbtest.Open(t, e)
			closed, _ := db.ClosedPeriods(context.Background())
			if len(closed) != 3 || closed[2] != last {
				t.Errorf("closed periods %v", closed)
			}
		})
	}
}

func closedOrder(logs string) []string {
	var out []string
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, `"msg":"period closed"`) {
			i := strings.Index(line, `"period":"`)
			out = append(out, line[i+10:i+17])
		}
	}
	return out
}

func waitFor(t *testing.T, ok func() bool, logs *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out; logs:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer safe for a process writing while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
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

// TestScheduleSecondSignalAborts sends two signals while the start-up catch-up is closing a big
// month: the close is aborted, its transaction rolled back (nothing half-booked), exit 1.
func TestScheduleSecondSignalAborts(t *testing.T) {
	e := dbtest.Engines(t)[0]
	last := sb.PeriodOf(time.Now(), sb.Paris).Prev()
	db := dbtest.Open(t, e)
	err := sample.Network(sample.Options{Repairers: 500, Interventions: 60000, Months: 1, Seed: 3, Last: last},
		func(_ sb.Period, src sb.Source) error { return db.InsertSource(context.Background(), src) })
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	cmd := exec.Command(bin, "schedule", "--cron", "@every 1h", "--db", e.DB, "--out", t.TempDir())
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(logs.String(), "scheduler started") }, &logs)
	time.Sleep(300 * time.Millisecond) // inside the close's transaction
	cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(50 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	err = cmd.Wait()
	closed, _ := db.ClosedPeriods(context.Background())
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() == exitFailed:
		if len(closed) != 0 || !strings.Contains(logs.String(), "aborted") {
			t.Errorf("aborted run: closed %v\n%s", closed, logs.String())
		}
		// Nothing of the aborted close is left: the same period closes cleanly afterwards.
		code, stdout, stderr := cli(t, time.Now(), nil, "close", "--period", last.String(), "--db", e.DB, "--out", t.TempDir())
		if code != exitOK {
			t.Errorf("close after the abort: exit %d\n%s%s", code, stdout, stderr)
		}
	case err == nil:
		t.Logf("the close finished before the second signal (closed %v): nothing to abort", closed)
		if len(closed) != 1 {
			t.Errorf("exit 0 but closed %v", closed)
		}
	default:
		t.Errorf("scheduler exit: %v\n%s", err, logs.String())
	}
}

func TestFixedClock(t *testing.T) {
	now, err := clock("2026-11-02T06:00:00Z")
	if err != nil || !now().Equal(time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("clock = %v, %v", now(), err)
	}
	if _, err := clock("yesterday"); err == nil {
		t.Errorf("a bad SAVBILLING_NOW must be refused")
	}
	out := t.TempDir()
	if b, err := exec.Command(bin, "migrate", "--db", "sqlite:"+filepath.Join(out, "x.db")).CombinedOutput(); err != nil {
		t.Fatalf("migrate: %v\n%s", err, b)
	}
	cmd := exec.Command(bin, "close", "--period", "2026-09", "--db", "sqlite:"+filepath.Join(out, "x.db"), "--out", out)
	cmd.Env = append(os.Environ(), "SAVBILLING_NOW=2026-10-01T06:00:00Z")
	if b, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(b), "closed 2026-09") {
		t.Fatalf("close with SAVBILLING_NOW: %v\n%s", err, b)
	}
	m, err := os.ReadFile(filepath.Join(out, "2026-09", "manifest.json"))
	if err != nil || !strings.Contains(string(m), `"closed_at": "2026-10-01T06:00:00Z"`) {
		t.Errorf("manifest: %v\n%s", err, m)
	}
}
