package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/creack/pty"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/job"
	"savbilling/sample"
)

// demoSeptember is a SQLite database holding the demo's first month (2026-09), not closed yet.
func demoSeptember(t *testing.T) string {
	t.Helper()
	e := dbtest.Engine{Name: "sqlite", DB: "sqlite:" + filepath.Join(t.TempDir(), "demo.db")}
	db := dbtest.Open(t, e)
	st := sample.Demo(sb.MustPeriod("2026-09"))[0]
	if err := db.InsertSource(context.Background(), st.Insert); err != nil {
		t.Fatal(err)
	}
	for _, d := range st.Update {
		if err := db.UpdateDecision(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	return e.DB
}

// runEnv is the environment of a run of the binary: this one's without what chooses the
// progress display, with env added.
func runEnv(env ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "TERM" && k != "NO_COLOR" && !strings.HasPrefix(k, "SAVBILLING_") {
			out = append(out, kv)
		}
	}
	return append(append(out, "SAVBILLING_NOW=2026-12-02T06:00:00Z"), env...)
}

// logMessages are the msg of JSON log lines, in order; a line that is not a JSON object fails t.
func logMessages(t *testing.T, stderr string) []string {
	t.Helper()
	var msgs []string
	for line := range strings.Lines(stderr) {
		var rec struct{ Msg string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Msg == "" {
			t.Errorf("stderr line is not a JSON log record: %q (%v)", line, err)
			continue
		}
		msgs = append(msgs, rec.Msg)
	}
	return msgs
}

// Off a terminal (a pipe: a schedule, CI), close and render write their logs exactly as before
// the progress display: one JSON record a line, the same messages, no carriage return nor escape.
func TestCloseToAPipeWritesPlainLogLinesWithoutProgress(t *testing.T) {
	db := demoSeptember(t)
	out := t.TempDir()
	for _, tc := range []struct {
		args []string
		msgs []string // as the binary before the progress display writes them
	}{
		{[]string{"close", "--period", "2026-09", "--first-period"}, []string{"read", "period booked", "period rendered"}}, // "read": what the read examined (issue 24)
		{[]string{"render", "--period", "2026-09"}, []string{"period rendered against its manifest"}},
	} {
		cmd := exec.Command(bin, append(tc.args, "--db", db, "--out", out, "--log-format", "json")...)
		cmd.Env = runEnv("TERM=xterm-256color")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s%s", tc.args[0], err, stdout.String(), stderr.String())
		}
		if s := stderr.String(); strings.ContainsAny(s, "\r\x1b") {
			t.Errorf("%s to a pipe wrote a carriage return or an escape sequence: %q", tc.args[0], s)
		}
		if got := logMessages(t, stderr.String()); !slices.Equal(got, tc.msgs) {
			t.Errorf("%s: log messages %q, want %q", tc.args[0], got, tc.msgs)
		}
		if !strings.Contains(stdout.String(), "2026-09") {
			t.Errorf("%s: no report on stdout:\n%s", tc.args[0], stdout.String())
		}
	}
}

// onTerminal runs the binary with its stderr on a pseudo-terminal and returns what the terminal
// received (its "\r\n" ends of lines, from the terminal's own output processing, made "\n").
func onTerminal(t *testing.T, env []string, args ...string) (stdout, screen string) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open a pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var so bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, tty
	if err := cmd.Start(); err != nil {
		tty.Close()
		t.Fatal(err)
	}
	tty.Close()
	var got bytes.Buffer
	_, err = io.Copy(&got, ptmx) // until the child's end of the terminal closes
	if err != nil && !errors.Is(err, syscall.EIO) {
		t.Errorf("read the terminal: %v", err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%s: %v\n%s%s", args[0], err, so.String(), got.String())
	}
	return so.String(), strings.ReplaceAll(got.String(), "\r\n", "\n")
}

// pdfCount is the number of PDF documents of the period's manifest.
func pdfCount(t *testing.T, dir string) int {
	t.Helper()
	m, err := job.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m.Statements + m.Invoices
}

// On a terminal, a close shows each stage on a line redrawn in place (carriage return, ANSI
// erase), ended with what it took; its logs are lifted above the progress line, whole.
func TestCloseOnATerminalShowsItsStagesInPlace(t *testing.T) {
	db := demoSeptember(t)
	out := t.TempDir()
	stdout, screen := onTerminal(t, runEnv("TERM=xterm-256color"), "close", "--period", "2026-09", "--db", db, "--out", out, "--first-period")
	n := pdfCount(t, filepath.Join(out, "2026-09"))
	if n == 0 {
		t.Fatal("the demo's September has no document")
	}
	total := strconv.Itoa(n)
	for _, want := range []string{
		"\r\x1b[Kread: 0s", "\r\x1b[Kcompute: 0s", "\r\x1b[Kbook: 0s", "\r\x1b[Krender: 0/" + total + " (0%), 0s elapsed",
		"\r\x1b[Klevel=INFO msg=\"period booked\" period=2026-09",
		"\r\x1b[Klevel=INFO msg=\"period rendered\" period=2026-09",
	} {
		// The logs' time= is the run's own.
		if !strings.Contains(regexp.MustCompile(`\r\x1b\[Ktime=\S+ `).ReplaceAllString(screen, "\r\x1b[K"), want) {
			t.Errorf("the terminal did not show %q:\n%q", want, screen)
		}
	}
	// The stages' last lines, in order, each ended by a newline.
	ended := regexp.MustCompile(`\r\x1b\[K((?:read|compute|book|render): [^\r\n]*done in \d+s)\n`).FindAllStringSubmatch(screen, -1)
	var stages []string
	for _, m := range ended {
		stages = append(stages, m[1])
	}
	if len(stages) != 4 || !strings.HasPrefix(stages[0], "read: done in ") || !strings.HasPrefix(stages[1], "compute: done in ") ||
		!strings.HasPrefix(stages[2], "book: done in ") || !strings.HasPrefix(stages[3], "render: "+total+"/"+total+", done in ") {
		t.Errorf("the stages' last lines: %q", stages)
	}
	if !strings.Contains(stdout, "closed 2026-09") {
		t.Errorf("stdout: %s", stdout)
	}
}

// TERM=dumb cannot erase a line, and NO_COLOR asks for plain output: one plain line per
// finished stage, no carriage return, no escape sequence.
func TestCloseOnADumbTerminalWritesPlainStageLines(t *testing.T) {
	for _, env := range [][]string{{"TERM=dumb"}, {"TERM=xterm-256color", "NO_COLOR=1"}} {
		t.Run(strings.Join(env, " "), func(t *testing.T) {
			db := demoSeptember(t)
			out := t.TempDir()
			_, screen := onTerminal(t, runEnv(env...), "close", "--period", "2026-09", "--db", db, "--out", out, "--first-period")
			if strings.ContainsAny(screen, "\r\x1b") {
				t.Errorf("a carriage return or an escape sequence on a plain terminal:\n%q", screen)
			}
			total := strconv.Itoa(pdfCount(t, filepath.Join(out, "2026-09")))
			var stages []string
			for line := range strings.Lines(screen) {
				if !strings.HasPrefix(line, "time=") {
					stages = append(stages, regexp.MustCompile(`\d+s\n$`).ReplaceAllString(line, "Ns"))
				}
			}
			want := []string{"read: done in Ns", "compute: done in Ns", "book: done in Ns", "render: " + total + "/" + total + ", done in Ns"}
			if !slices.Equal(stages, want) {
				t.Errorf("stage lines %q, want %q\nscreen:\n%s", stages, want, screen)
			}
		})
	}
}
