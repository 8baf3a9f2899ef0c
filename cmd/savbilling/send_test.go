package main

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/internal/mailpit"
	"savbilling/store"
)

// demoClock is the instant of the demo's closes in these tests: months 2026-09 to 2026-11.
var demoClock = time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)

// fullAddress matches an e-mail address with its local part: never printed by send. Message-IDs
// (<2026-10.REL-1-2026-0002@example.fr>) are removed first: they look like addresses.
var (
	fullAddress = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}`)
	messageIDs  = regexp.MustCompile(`[0-9]{4}-[0-9]{2}\.[A-Z0-9.-]+@[a-z0-9.-]+`)
)

// showsAddress reports whether s holds an e-mail address (Message-IDs aside).
func showsAddress(s string) bool { return fullAddress.MatchString(messageIDs.ReplaceAllString(s, "")) }

// demoDB closes the demo's three months into the database of e, outputs under out.
func demoDB(t *testing.T, e dbtest.Engine, out string) {
	t.Helper()
	dbtest.Open(t, e) // migrated, dropped at the end (MySQL)
	if code, stdout, stderr := cli(t, demoClock, nil, "demo", "--db", e.DB, "--out", out); code != exitOK {
		t.Fatalf("demo: exit %d\n%s%s", code, stdout, stderr)
	}
}

// recipients counts the repairers of p with an e-mail address.
func recipients(t *testing.T, e dbtest.Engine, p string) int {
	t.Helper()
	db, err := store.Open(context.Background(), e.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs, err := db.SendRecipients(context.Background(), sb.MustPeriod(p))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rs {
		if r.Email != "" {
			n++
		}
	}
	return n
}

func TestSendExitCodes(t *testing.T) {
	mailpit.Require(t)
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			out := t.TempDir()
			demoDB(t, e, out)
			mp := mailpit.Start(t)
			bounce := mailpit.Start(t, "--smtp-allowed-recipients", `@nowhere\.invalid$`) // refuses every repairer: 550
			url := "smtp://" + mp.SMTP + "?tls=none"
			n := recipients(t, e, "2026-09")
			db, err := store.Open(context.Background(), e.DB)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			manifest := filepath.Join(out, "2026-10", "manifest.json")
			var release func()
			const secret = "Pa55-w0rd-never-shown"
			steps := []struct {
				name   string
				env    map[string]string
				args   []string
				before func()
				code   int
				want   string
			}{
				{name: "no server", args: []string{"--period", "2026-09"}, code: exitUsage, want: "no SMTP server"},
				{name: "password in the URL", args: []string{"--period", "2026-09", "--smtp", "smtp://u:" + secret + "@" + mp.SMTP},
					code: exitUsage, want: "remove the password from the URL"},
				{name: "user without password", args: []string{"--period", "2026-09", "--smtp", "smtp://u@" + mp.SMTP}, code: exitUsage,
					want: "SAVBILLING_SMTP_PASSWORD"},
				{name: "open period", args: []string{"--period", "2026-12", "--smtp", url}, code: exitNotReady, want: "2026-12 is not closed"},
				{name: "no manifest", args: []string{"--period", "2026-10", "--smtp", url}, code: exitFailed,
					before: func() { os.Rename(manifest, manifest+".away") }, want: "run `savbilling render --period 2026-10` first"},
				{name: "locked", args: []string{"--period", "2026-09", "--smtp", url}, code: exitLocked, want: "another run is sending this period",
					before: func() {
						os.Rename(manifest+".away", manifest)
						if release, err = db.LockSend(context.Background(), sb.MustPeriod("2026-09")); err != nil {
							t.Fatal(err)
						}
					}},
				{name: "sent", env: map[string]string{"SAVBILLING_SMTP": url}, args: []string{"--period", "2026-09"}, code: exitOK,
					before: func() { release() }, want: "send of 2026-09: " + itoa(n) + " sent now, 0 already sent, 0 not sent"},
				{name: "sent again", args: []string{"--period", "2026-09", "--smtp", url}, code: exitOK,
					want: "0 sent now, " + itoa(n) + " already sent"},
				{name: "refused", args: []string{"--period", "2026-10", "--smtp", "smtp://" + bounce.SMTP + "?tls=none"}, code: exitFailed,
					want: "failed-permanent — sending SMTP RCPT TO command: 550"},
				{name: "server down, password set", env: map[string]string{"SAVBILLING_SMTP_PASSWORD": secret},
					args: []string{"--period", "2026-11", "--smtp", "smtp://u@127.0.0.1:1?tls=none"}, code: exitFailed, want: "attempts to connect failed"},
				{name: "dry run", args: []string{"--period", "2026-11", "--dry-run"}, code: exitOK, want: "nothing sent"},
			}
			for _, s := range steps {
				if s.before != nil {
					s.before()
				}
				env := map[string]string{"SAVBILLING_DB": e.DB, "SAVBILLING_OUT": out}
				for k, v := range s.env {
					env[k] = v
				}
				// short retries: the config file sets them
				cfg := filepath.Join(t.TempDir(), "savbilling.toml")
				os.WriteFile(cfg, []byte("[smtp]\nrate = 0\nbackoff = \"10ms\"\nmax_attempts = 2\n"), 0o644)
				code, stdout, stderr := cli(t, demoClock, env, append([]string{"send", "--config", cfg}, s.args...)...)
				if code != s.code || !strings.Contains(stdout+stderr, s.want) {
					t.Errorf("%s: exit %d, want %d with %q:\n%s%s", s.name, code, s.code, s.want, stdout, stderr)
				}
				if strings.Contains(stdout+stderr, secret) || showsAddress(stdout+stderr) {
					t.Errorf("%s: the output shows a password or an address:\n%s%s", s.name, stdout, stderr)
				}
			}
			if got, _ := mp.Count(); got != n {
				t.Errorf("the server holds %d messages, want %d", got, n)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestSendKilledMidRun SIGKILLs the real binary several times while it sends a period to a
// real server, then lets a last run finish: every repairer has the message, and the duplicates
// (same Message-ID twice) are at most one per kill.
func TestSendKilledMidRun(t *testing.T) {
	mailpit.Require(t)
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			out := t.TempDir()
			demoDB(t, e, out)
			mp := mailpit.Start(t)
			cfg := filepath.Join(t.TempDir(), "savbilling.toml")
			if err := os.WriteFile(cfg, []byte("[smtp]\nrate = 40\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			const p = "2026-10"
			n := recipients(t, e, p)
			args := []string{"send", "--period", p, "--db", e.DB, "--out", out, "--smtp", "smtp://" + mp.SMTP + "?tls=none", "--config", cfg}
			kills, locked := 0, 0
			for kills < 8 {
				before, err := mp.Count()
				if err != nil {
					t.Fatal(err)
				}
				if before >= n-1 {
					break // too few left to kill mid-run
				}
				cmd := exec.Command(bin, args...)
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				exited := make(chan error, 1)
				go func() { exited <- cmd.Wait() }()
				// Mid-run: once the server has a new message, after a random part of the next one.
				var done error
				finished := false
				for deadline := time.Now().Add(30 * time.Second); !finished && time.Now().Before(deadline); {
					select {
					case done = <-exited:
						finished = true
						continue
					default:
					}
					if c, _ := mp.Count(); c > before {
						break
					}
					time.Sleep(2 * time.Millisecond)
				}
				if !finished {
					time.Sleep(time.Duration(rand.IntN(25000)) * time.Microsecond)
					_ = cmd.Process.Signal(syscall.SIGKILL)
					done = <-exited
				}
				if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
					kills++
					continue
				}
				// It ended on its own. Exit 3: the killed run's session still held the lock
				// (MySQL releases it when the server sees the connection gone); try again.
				if cmd.ProcessState.ExitCode() == exitLocked && locked < 50 {
					locked++
					time.Sleep(50 * time.Millisecond)
					continue
				}
				t.Logf("run ended before its kill: %v", done)
				break
			}
			final := exec.Command(bin, args...)
			if b, err := final.CombinedOutput(); err != nil {
				t.Fatalf("last run: %v\n%s", err, b)
			}
			ms, err := mp.Messages()
			if err != nil {
				t.Fatal(err)
			}
			copies := map[string]int{}
			for _, m := range ms {
				copies[m.MessageID]++
			}
			dups := len(ms) - len(copies)
			t.Logf("%s: %d kills, %d messages received for %d repairers: %d duplicates (%d reruns found the lock still held)", e.Name, kills, len(ms), n, dups, locked)
			if len(copies) != n {
				t.Errorf("%d distinct messages, want %d", len(copies), n)
			}
			if dups > kills {
				t.Errorf("%d duplicates after %d kills: more than one per kill", dups, kills)
			}
			if kills < 2 {
				t.Errorf("only %d kills landed mid-run", kills)
			}
		})
	}
}

// With schedule.send, the scheduler e-mails each period it closes.
func TestScheduleSendsAfterEachClose(t *testing.T) {
	mailpit.Require(t)
	e := dbtest.Engines(t)[0]
	last := sb.PeriodOf(time.Now(), sb.Paris).Prev()
	seedMonths(t, e, last)
	mp := mailpit.Start(t)
	out := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "savbilling.toml")
	conf := "[schedule]\nsend = true\n[smtp]\nurl = \"smtp://" + mp.SMTP + "?tls=none\"\nrate = 0\nfrom = \"factures@example.fr\"\n"
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	cmd := exec.Command(bin, "schedule", "--cron", "@every 1h", "--db", e.DB, "--out", out, "--config", cfg)
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Count(logs.String(), `"msg":"period sent"`) >= 3 }, &logs)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("scheduler exit: %v\n%s", err, logs.String())
	}
	want := 0
	for i := -2; i <= 0; i++ {
		want += recipients(t, e, last.AddMonths(i).String())
	}
	if got, _ := mp.Count(); got != want || want == 0 {
		t.Errorf("the server holds %d messages, want %d", got, want)
	}
	if showsAddress(strings.ReplaceAll(logs.String(), "factures@example.fr", "")) {
		t.Errorf("the scheduler's logs show an address:\n%s", logs.String())
	}
}
