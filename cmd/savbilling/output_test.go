package main

import (
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"savbilling/internal/dbtest"
)

// oct2 is a run on 2 November 2026: September and October of the worked example have ended.
var oct2 = time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)

var (
	faultBinOnce sync.Once
	faultBin     string
	faultBinErr  error
)

// faultBinary is the binary built with -tags faultinject: SAVBILLING_FAULT_RENDER=N fails its
// first N renders (faultinject.go).
func faultBinary(t *testing.T) string {
	t.Helper()
	faultBinOnce.Do(func() {
		faultBin = filepath.Join(filepath.Dir(bin), "savbilling-faultinject")
		if out, err := exec.Command("go", "build", "-tags", "faultinject", "-o", faultBin, ".").CombinedOutput(); err != nil {
			faultBinErr = errors.New(err.Error() + "\n" + string(out))
		}
	})
	if faultBinErr != nil {
		t.Fatalf("build the fault-injecting binary: %v", faultBinErr)
	}
	return faultBin
}

// runIn runs binary (the test's, or the fault-injecting one) in a fresh folder (runBinary) and
// returns its exit code and output.
func runIn(t *testing.T, binary string, now time.Time, env []string, args ...string) (int, string, string) {
	t.Helper()
	r := runBinary(t, binary, t.TempDir(), now, env, args...)
	return r.code, r.stdout, r.stderr
}

// closedNames lists the periods booked in the engine's database, by name (closedPeriods).
func closedNames(t *testing.T, e dbtest.Engine) string {
	t.Helper()
	var names []string
	for _, p := range closedPeriods(t, e.DB) {
		names = append(names, p.String())
	}
	return strings.Join(names, ",")
}

// writeConfig writes a configuration file and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "savbilling.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The output folder is checked before booking: a file, or too little free space, is refused
// with exit 1 and no period booked.
func TestCloseRefusesAnUnusableOutputFolder(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			worked(t, e)
			file := filepath.Join(t.TempDir(), "out")
			if err := os.WriteFile(file, nil, 0o640); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runIn(t, bin, oct2, nil, "close", "--period", "2026-09", "--db", e.DB, "--out", file)
			if code != exitFailed || !strings.Contains(stderr, "is a file, not a folder") || !strings.Contains(stderr, "nothing was booked") {
				t.Errorf("--out naming a file: exit %d, want 1 and the file named\n%s%s", code, stdout, stderr)
			}
			if got := closedNames(t, e); got != "" {
				t.Fatalf("the refused close booked %v", got)
			}
			// 1 TiB per statement: no disk of this machine has it.
			cfg := writeConfig(t, "out_space_per_statement_kb = 1073741824\n")
			code, stdout, stderr = runIn(t, bin, oct2, nil, "close", "--period", "2026-09", "--db", e.DB, "--out", t.TempDir(), "--config", cfg)
			if code != exitFailed || !strings.Contains(stderr, "bytes free, the outputs need about 1099511627776") {
				t.Errorf("too little free space: exit %d, want 1 naming the space\n%s%s", code, stdout, stderr)
			}
			if got := closedNames(t, e); got != "" {
				t.Fatalf("the refused close booked %v", got)
			}
		})
	}
}

// A render that fails after the commit exits 5 and says how to finish; `render` then writes the
// outputs, and the period is not booked twice.
func TestCloseExits5WhenTheOutputsAreIncomplete(t *testing.T) {
	fb := faultBinary(t)
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			worked(t, e)
			out := t.TempDir()
			code, stdout, stderr := runIn(t, fb, oct2, []string{"SAVBILLING_FAULT_RENDER=1"}, "close", "--period", "2026-09", "--db", e.DB, "--out", out)
			if code != exitIncomplete || !strings.Contains(stderr, "booked; outputs incomplete: run `savbilling render --period 2026-09`") {
				t.Fatalf("close whose render fails: exit %d, want 5\n%s%s", code, stdout, stderr)
			}
			if got := closedNames(t, e); got != "2026-09" {
				t.Fatalf("booked %v, want 2026-09", got)
			}
			if _, err := os.Stat(filepath.Join(out, "2026-09", "manifest.json")); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("a manifest was written for incomplete outputs: %v", err)
			}
			code, stdout, stderr = runIn(t, bin, oct2, nil, "render", "--period", "2026-09", "--db", e.DB, "--out", out)
			if code != exitOK || !strings.Contains(stdout, "rendered 2026-09: 1 statements") {
				t.Fatalf("render after exit 5: exit %d\n%s%s", code, stdout, stderr)
			}
			for _, f := range []string{"manifest.json", "finance-2026-09.xlsx", "statements/REL-1-2026-0001.pdf"} {
				if _, err := os.Stat(filepath.Join(out, "2026-09", f)); err != nil {
					t.Errorf("after render: %v", err)
				}
			}
			code, stdout, stderr = runIn(t, bin, oct2, nil, "close", "--period", "2026-10", "--db", e.DB, "--out", out)
			if code != exitOK {
				t.Errorf("the next month after the render: exit %d\n%s%s", code, stdout, stderr)
			}
		})
	}
}

// schedule books September at start, its render fails (exit 5's case): the retry (render_retry,
// an hour by default, one second here) renders it again and goes on to close October.
func TestScheduleRetriesAnIncompleteRender(t *testing.T) {
	fb := faultBinary(t)
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			worked(t, e)
			out := t.TempDir()
			cfg := writeConfig(t, "[schedule]\nrender_retry = \"1s\"\n")
			var logs syncBuffer
			cmd := exec.Command(fb, "schedule", "--db", e.DB, "--out", out, "--config", cfg)
			cmd.Env = append(os.Environ(), "SAVBILLING_NOW="+oct2.Format(time.RFC3339), "SAVBILLING_FAULT_RENDER=1")
			cmd.Stderr = &logs
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := func() bool {
				for _, p := range []string{"2026-09", "2026-10"} {
					if _, err := os.Stat(filepath.Join(out, p, "manifest.json")); err != nil {
						return false
					}
				}
				return true
			}
			waitFor(t, done, &logs)
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("scheduler exit: %v\n%s", err, logs.String())
			}
			for _, want := range []string{`"msg":"period booked, but its outputs are incomplete: will render them again","run_id"`,
				`"trigger":"render retry"`, `"msg":"outputs of a closed period were incomplete: rendered them again"`} {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("logs lack %s:\n%s", want, logs.String())
				}
			}
			if got := closedNames(t, e); got != "2026-09,2026-10" {
				t.Errorf("closed %v", got)
			}
		})
	}
}

// silentServer accepts TCP connections on 127.0.0.1 and never answers; it returns its address.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// A MySQL server that accepts connections and never answers fails the close (exit 1) within the
// connect timeout, with an error naming the server and the timeout, instead of hanging it.
func TestCloseGivesUpOnASilentMySQLServer(t *testing.T) {
	addr := silentServer(t)
	code, stdout, stderr := runIn(t, bin, oct2, nil, "close", "--period", "2026-09",
		"--db", "mysql:sav:pw@tcp("+addr+")/sav?timeout=1s", "--out", t.TempDir())
	if code != exitFailed || !strings.Contains(stderr, "the MySQL server "+addr+" did not complete the connection (connect timeout 1s") {
		t.Errorf("close on a silent server: exit %d, want 1 naming %s and the timeout\n%s%s", code, addr, stdout, stderr)
	}
}

// The MySQL driver's own lines (here a read that timed out) are log records in the run's format:
// with --log-format json, every line on stderr but the final error is a JSON object.
func TestMySQLDriverLogsAreJSON(t *testing.T) {
	addr := silentServer(t)
	code, stdout, stderr := runIn(t, bin, oct2, nil, "close", "--period", "2026-09", "--log-format", "json",
		"--db", "mysql:sav:pw@tcp("+addr+")/sav?timeout=60s&readTimeout=1s", "--out", t.TempDir())
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != exitFailed || len(lines) < 2 || !strings.HasPrefix(lines[len(lines)-1], "savbilling: ") {
		t.Fatalf("exit %d, want 1 with driver logs then the error\n%s%s", code, stdout, stderr)
	}
	driver := 0
	for _, l := range lines[:len(lines)-1] {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Errorf("stderr line is not JSON: %q", l)
			continue
		}
		if rec["msg"] == "mysql driver" && strings.Contains(rec["detail"].(string), "i/o timeout") && rec["level"] == "WARN" {
			driver++
		}
	}
	if driver == 0 {
		t.Errorf("no JSON record of the driver's timed-out read:\n%s", stderr)
	}
}

// close_timeout bounds the whole close: past it, exit 1 naming the key, nothing booked.
func TestCloseTimeoutFailsTheClose(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			worked(t, e)
			cfg := writeConfig(t, "close_timeout = \"1ns\"\n")
			code, stdout, stderr := runIn(t, bin, oct2, nil, "close", "--period", "2026-09", "--db", e.DB, "--out", t.TempDir(), "--config", cfg)
			if code != exitFailed || !strings.Contains(stderr, "stopped by close_timeout = 1ns") {
				t.Errorf("exit %d, want 1 naming close_timeout\n%s%s", code, stdout, stderr)
			}
			if got := closedNames(t, e); got != "" {
				t.Errorf("booked %v past the deadline", got)
			}
		})
	}
}
