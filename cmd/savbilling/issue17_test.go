package main

// Issue 17, through the real binary: the wrong database, the demo's database, the first period,
// help and exit codes.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/sample"
	"savbilling/store"
)

var dec2 = time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)

// binResult is one run of the binary.
type binResult struct {
	code           int
	stdout, stderr string
}

func (r binResult) String() string {
	return "exit " + strconv.Itoa(r.code) + "\nstdout:\n" + r.stdout + "\nstderr:\n" + r.stderr
}

// runBin runs the binary in dir (a clean working directory: no savbilling.toml unless the test
// wrote one) with no SAVBILLING_ variable but SAVBILLING_NOW=now and env.
func runBin(t *testing.T, dir string, now time.Time, env []string, args ...string) binResult {
	t.Helper()
	return runBinary(t, bin, dir, now, env, args...)
}

// runBinary runs binary as runBin runs the test's binary.
func runBinary(t *testing.T, binary, dir string, now time.Time, env []string, args ...string) binResult {
	t.Helper()
	// A command that should stop at once but runs (an old schedule on a mistyped database) is
	// killed, not waited for.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SAVBILLING_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "SAVBILLING_NOW="+now.UTC().Format(time.RFC3339))
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := binResult{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run savbilling %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// want fails the test unless r exited code with every one of texts in its output.
func want(t *testing.T, r binResult, code int, args []string, texts ...string) {
	t.Helper()
	ok := r.code == code
	for _, s := range texts {
		ok = ok && strings.Contains(r.stdout+r.stderr, s)
	}
	if !ok {
		t.Errorf("savbilling %s: want exit %d with %q; got %s", strings.Join(args, " "), code, texts, r)
	}
}

// treeSums is the SHA-256 of every file under dir, by relative path.
func treeSums(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		s := sha256.Sum256(b)
		sums[rel] = hex.EncodeToString(s[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

func sameTree(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	if len(before) != len(after) {
		t.Errorf("%s: %d files before, %d after", what, len(before), len(after))
	}
	for p, s := range before {
		if after[p] != s {
			t.Errorf("%s: %s changed or removed", what, p)
		}
	}
}

// closedPeriods lists the periods closed in the database of e.
func closedPeriods(t *testing.T, db string) []sb.Period {
	t.Helper()
	d, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ps, err := d.ClosedPeriods(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// closeWorked closes the worked example's two months (2026-09, 2026-10) of db into out.
func closeWorked(t *testing.T, dir, db, out string, now time.Time) {
	t.Helper()
	for _, p := range []string{"2026-09", "2026-10"} {
		args := []string{"close", "--period", p, "--db", db, "--out", out}
		want(t, runBin(t, dir, now, nil, args...), exitOK, args, "closed "+p)
	}
}

// TestCloseRefusesADatabaseWithoutSchema: a mistyped SQLite path, sqlite::memory:, a path with
// query parameters and a MySQL database without the job's tables are refused by close, render
// and schedule with exit 2, naming the database and `savbilling migrate`; no file is created and
// the real outputs are untouched.
func TestCloseRefusesADatabaseWithoutSchema(t *testing.T) {
	for i, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			worked(t, e)
			out := filepath.Join(dir, "out")
			closeWorked(t, dir, e.DB, out, dec2)
			before := treeSums(t, out)

			var wrong []string // databases without the job's schema
			var typo string
			if e.Name == "sqlite" {
				typo = filepath.Join(dir, "typo.db")
				wrong = []string{"sqlite:" + typo, "sqlite:typo.db"}
			} else {
				wrong = []string{dbtest.Engines(t)[i].DB} // a fresh, empty database on the server
			}
			for _, db := range wrong {
				for _, args := range [][]string{
					{"close", "--period", "2026-10", "--db", db, "--out", out},
					{"close", "--period", "2026-11", "--db", db, "--out", out},
					{"close", "--period", "2026-10", "--dry-run", "--db", db, "--out", out},
					{"render", "--period", "2026-10", "--db", db, "--out", out},
					{"schedule", "--db", db, "--out", out},
				} {
					r := runBin(t, dir, dec2, nil, args...)
					want(t, r, exitUsage, args, store.Redact(db), "savbilling migrate")
					if strings.Contains(r.stderr, "sav:sav@") {
						t.Errorf("the password is printed: %s", r.stderr)
					}
				}
			}
			if e.Name == "sqlite" {
				for _, p := range []string{typo, filepath.Join(dir, "typo.db")} {
					if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
						t.Errorf("%s was created (%v)", p, err)
					}
				}
				for _, c := range []struct{ db, text string }{
					{"sqlite::memory:", "in-memory"},
					{e.DB + "?_pragma=foo(1)", "_pragma=foo(1)"},
					{e.DB + "?_pragma=journal_mode(DELETE)&cache=shared", "_pragma=journal_mode(DELETE), cache=shared"},
				} {
					args := []string{"close", "--period", "2026-10", "--db", c.db, "--out", out}
					want(t, runBin(t, dir, dec2, nil, args...), exitUsage, args, c.text)
				}
				if m, _ := filepath.Glob(filepath.Join(filepath.Dir(strings.TrimPrefix(e.DB, "sqlite:")), "*\\?*")); len(m) > 0 {
					t.Errorf("files created with the parameters in their name: %v", m)
				}
			} else {
				// nothing was created in the empty database
				d, err := store.Open(context.Background(), wrong[0])
				if err != nil {
					t.Fatal(err)
				}
				if err := d.CheckSchema(context.Background()); !errors.Is(err, store.ErrNoSchema) {
					t.Errorf("the empty database now has a schema: %v", err)
				}
				d.Close()
			}
			sameTree(t, "outputs of the real database", before, treeSums(t, out))
			if got := closedPeriods(t, e.DB); len(got) != 2 {
				t.Errorf("real database: closed %v", got)
			}
		})
	}
}

// TestCloseRefusesOutputsOfAnotherLedger: two databases, two ledgers of the same months. The
// second never books a period whose folder holds the first's outputs, nor re-renders over them
// (exit 1, nothing written); the first re-renders its own outputs byte for byte, also from a
// manifest written before manifests recorded the ledger's fingerprint.
func TestCloseRefusesOutputsOfAnotherLedger(t *testing.T) {
	second := dbtest.Engines(t)
	for i, a := range dbtest.Engines(t) {
		b := second[i]
		t.Run(a.Name, func(t *testing.T) {
			dir := t.TempDir()
			worked(t, a)
			worked(t, b)
			out, out2 := filepath.Join(dir, "out"), filepath.Join(dir, "out2")
			closeWorked(t, dir, a.DB, out, dec2)
			before := treeSums(t, out)
			m := readManifest(t, filepath.Join(out, "2026-10"))
			if fp, _ := m["ledger_sha256"].(string); len(fp) != 64 {
				t.Errorf("manifest without its ledger fingerprint: %v", m["ledger_sha256"])
			}

			// b has booked nothing: it may not book a period whose folder holds a's outputs
			args := []string{"close", "--period", "2026-09", "--db", b.DB, "--out", out}
			want(t, runBin(t, dir, dec2, nil, args...), exitFailed, args, filepath.Join(out, "2026-09"), "has not booked", "Nothing was booked")
			if got := closedPeriods(t, b.DB); len(got) != 0 {
				t.Errorf("b booked %v", got)
			}
			// b closes the same months a day later: another ledger (closed_at differs)
			closeWorked(t, dir, b.DB, out2, dec2.Add(24*time.Hour))
			for _, args := range [][]string{
				{"render", "--period", "2026-10", "--db", b.DB, "--out", out},
				{"close", "--period", "2026-10", "--db", b.DB, "--out", out},
			} {
				want(t, runBin(t, dir, dec2.Add(48*time.Hour), nil, args...), exitFailed, args, "another database", "nothing was written")
			}
			sameTree(t, "a's outputs", before, treeSums(t, out))

			// a's own ledger re-renders them, the same bytes
			args = []string{"render", "--period", "2026-10", "--db", a.DB, "--out", out}
			want(t, runBin(t, dir, dec2, nil, args...), exitOK, args, "rendered 2026-10")
			sameTree(t, "a's outputs re-rendered", before, treeSums(t, out))

			// a manifest written before issue 17 (no fingerprint) is compared on what it records
			delete(m, "ledger_sha256")
			writeManifest(t, filepath.Join(out, "2026-10"), m)
			before = treeSums(t, out) // issued outputs are immutable: the old manifest stays as it is
			args = []string{"render", "--period", "2026-10", "--db", b.DB, "--out", out}
			want(t, runBin(t, dir, dec2, nil, args...), exitFailed, args, "does not describe the ledger")
			args = []string{"render", "--period", "2026-10", "--db", a.DB, "--out", out}
			want(t, runBin(t, dir, dec2, nil, args...), exitOK, args, "rendered 2026-10")
			sameTree(t, "a's outputs re-rendered from an old manifest", before, treeSums(t, out))
		})
	}
}

func readManifest(t *testing.T, dir string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func writeManifest(t *testing.T, dir string, m map[string]any) {
	t.Helper()
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), append(data, '\n'), 0o640); err != nil {
		t.Fatal(err)
	}
}

// TestDemoUsesOnlyItsOwnDatabase: the demo ignores SAVBILLING_DB, SAVBILLING_OUT and the
// configuration file's db and out (it creates its own database, mode 0600, and writes under
// out/demo), and refuses with exit 2, touching nothing, a database named by --db that holds
// source rows.
func TestDemoUsesOnlyItsOwnDatabase(t *testing.T) {
	defer syscall.Umask(syscall.Umask(0o022))
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			worked(t, e) // the real database, with source rows
			realOut := filepath.Join(dir, "real-out")
			count := func() int { return countRows(t, e, "repairers") }
			sum := func() string {
				if e.Name != "sqlite" {
					return ""
				}
				b, err := os.ReadFile(strings.TrimPrefix(e.DB, "sqlite:"))
				if err != nil {
					t.Fatal(err)
				}
				s := sha256.Sum256(b)
				return hex.EncodeToString(s[:])
			}
			rows, file := count(), sum()

			// --db naming it: refused, untouched
			args := []string{"demo", "--db", e.DB, "--out", realOut}
			want(t, runBin(t, dir, dec2, nil, args...), exitUsage, args, "holds rows (table repairers)", "left untouched")
			if _, err := os.Stat(realOut); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the refused demo wrote %s", realOut)
			}

			// the environment and the configuration file name it: the demo uses its own
			conf := "db = \"" + e.DB + "\"\nout = \"" + realOut + "\"\n"
			if err := os.WriteFile(filepath.Join(dir, "savbilling.toml"), []byte(conf), 0o600); err != nil {
				t.Fatal(err)
			}
			args = []string{"demo"}
			r := runBin(t, dir, dec2, []string{"SAVBILLING_DB=" + e.DB, "SAVBILLING_OUT=" + realOut}, args...)
			want(t, r, exitOK, args, "closed 2026-11", "out/demo")
			if _, err := os.Stat(realOut); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the demo wrote into the real output folder %s", realOut)
			}
			demoDB := filepath.Join(dir, "out", "demo", "savbilling-demo.db")
			if st, err := os.Stat(demoDB); err != nil {
				t.Errorf("the demo's database: %v", err)
			} else if st.Mode().Perm() != 0o600 {
				t.Errorf("the demo's database %s: mode %#o, want 0600", demoDB, st.Mode().Perm())
			}
			if _, err := os.Stat(filepath.Join(dir, "out", "demo", "2026-11", "manifest.json")); err != nil {
				t.Errorf("the demo's outputs: %v", err)
			}
			if got := closedPeriods(t, e.DB); len(got) != 0 || count() != rows || sum() != file {
				t.Errorf("the real database changed: closed %v, %d repairers (had %d)", got, count(), rows)
			}

			// a second demo into the same place: its database holds rows now
			want(t, runBin(t, dir, dec2, nil, "demo", "--out", filepath.Join(dir, "elsewhere"), "--db", "sqlite:"+demoDB),
				exitUsage, []string{"demo", "--db", demoDB}, "holds rows")
			if e.Name == "mysql" {
				// an empty database named by --db is the demo's to fill
				empty := dbtest.Engines(t)[1].DB
				args := []string{"demo", "--db", empty, "--out", filepath.Join(dir, "mysql-demo")}
				want(t, runBin(t, dir, dec2, nil, args...), exitOK, args, "closed 2026-11")
			}
		})
	}
}

// TestFirstCloseMoreThan24MonthsAgoNeedsFirstPeriod: the first close of a database more than 24
// months before the current month exits 2 unless --first-period (or schedule.start_period)
// confirms it.
func TestFirstCloseMoreThan24MonthsAgoNeedsFirstPeriod(t *testing.T) {
	later := time.Date(2028, 12, 2, 6, 0, 0, 0, time.UTC) // 2026-09 is 27 months before 2028-12
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			worked(t, e)
			out := filepath.Join(dir, "out")
			for _, c := range []struct {
				now  time.Time
				code int
			}{
				{time.Date(2028, 9, 2, 6, 0, 0, 0, time.UTC), exitOK},     // 24 months before: accepted
				{time.Date(2028, 10, 2, 6, 0, 0, 0, time.UTC), exitUsage}, // 25 months
			} {
				args := []string{"close", "--period", "2026-09", "--dry-run", "--db", e.DB, "--out", out}
				want(t, runBin(t, dir, c.now, nil, args...), c.code, args)
			}
			args := []string{"close", "--period", "2026-09", "--db", e.DB, "--out", out}
			want(t, runBin(t, dir, later, nil, args...), exitUsage, args, "2026-09 would be the first period", "--first-period", "schedule.start_period")
			if got := closedPeriods(t, e.DB); len(got) != 0 {
				t.Fatalf("closed %v", got)
			}
			if _, err := os.Stat(filepath.Join(out, "2026-09", "manifest.json")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("outputs written: %v", err)
			}
			// the scheduler catching up from the first month with data is refused too, and says so
			r := runSchedule(t, dir, later, e.DB, out, "would be the first period")
			if !strings.Contains(r, "--first-period") {
				t.Errorf("schedule logs:\n%s", r)
			}
			if got := closedPeriods(t, e.DB); len(got) != 0 {
				t.Fatalf("closed %v", got)
			}
			// schedule.start_period names it: explicit
			if err := os.WriteFile(filepath.Join(dir, "savbilling.toml"), []byte("[schedule]\nstart_period = \"2026-09\"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			runSchedule(t, dir, later, e.DB, out, `"msg":"period closed","run_id"`)
			if got := closedPeriods(t, e.DB); len(got) == 0 || got[0] != sb.MustPeriod("2026-09") {
				t.Errorf("schedule with start_period closed %v", got)
			}
		})
	}
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name+"/flag", func(t *testing.T) {
			dir := t.TempDir()
			worked(t, e)
			out := filepath.Join(dir, "out")
			args := []string{"close", "--period", "2026-09", "--first-period", "--db", e.DB, "--out", out}
			want(t, runBin(t, dir, later, nil, args...), exitOK, args, "closed 2026-09")
			args = []string{"close", "--period", "2026-10", "--db", e.DB, "--out", out}
			want(t, runBin(t, dir, later, nil, args...), exitOK, args, "closed 2026-10") // not the first
		})
	}
}

// runSchedule starts `savbilling schedule` in dir, waits until its logs hold until, stops it
// with SIGTERM and returns its logs.
func runSchedule(t *testing.T, dir string, now time.Time, db, out, until string) string {
	t.Helper()
	cmd := exec.Command(bin, "schedule", "--cron", "@every 1h", "--db", db, "--out", out)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SAVBILLING_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "SAVBILLING_NOW="+now.UTC().Format(time.RFC3339))
	var logs syncBuffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() // when waitFor gives up
	waitFor(t, func() bool { return strings.Contains(logs.String(), until) }, &logs)
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("schedule: %v\n%s", err, logs.String())
	}
	return logs.String()
}

// TestSubcommandHelpExits0: --help and -h of every command print its help on stdout, exit 0.
func TestSubcommandHelpExits0(t *testing.T) {
	dir := t.TempDir()
	for _, cmd := range []string{"migrate", "close", "render", "schedule", "demo", "seed", "audit"} {
		for _, h := range []string{"--help", "-h"} {
			args := []string{cmd, h}
			r := runBin(t, dir, dec2, nil, args...)
			want(t, r, exitOK, args, "usage: savbilling "+cmd, "-db", "exit codes:")
			if strings.Contains(r.stderr, "help requested") {
				t.Errorf("savbilling %s %s: %s", cmd, h, r)
			}
		}
	}
	r := runBin(t, dir, dec2, nil, "close", "--help")
	if !strings.Contains(r.stdout, "-first-period") || !strings.Contains(r.stdout, "24 months") {
		t.Errorf("close --help does not document --first-period:\n%s", r.stdout)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("help created files: %v", entries)
	}
}

// TestScheduleRefusesABadCron: a cron spec that does not parse, or never fires, exits 2 naming
// where it came from (--cron or schedule.cron), before the database is opened.
func TestScheduleRefusesABadCron(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args  []string
		file  string
		texts []string
	}{
		{[]string{"schedule", "--cron", "every month"}, "", []string{"--cron", "every month"}},
		{[]string{"schedule", "--cron", "0 6 31 2 *"}, "", []string{"--cron", "never fires"}},
		{[]string{"schedule", "--cron", "0 6 30 2 *", "--tz", "UTC"}, "", []string{"--cron", "never fires"}},
		{[]string{"schedule"}, "[schedule]\ncron = \"61 6 1 * *\"\n", []string{"schedule.cron", "61"}},
		{[]string{"schedule"}, "[schedule]\ncron = \"0 6 31 2 *\"\n", []string{"schedule.cron", "never fires"}},
	} {
		os.Remove(filepath.Join(dir, "savbilling.toml"))
		if c.file != "" {
			if err := os.WriteFile(filepath.Join(dir, "savbilling.toml"), []byte(c.file), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		want(t, runBin(t, dir, dec2, nil, c.args...), exitUsage, c.args, c.texts...)
	}
	if _, err := os.Stat(filepath.Join(dir, "savbilling.db")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused schedule created its database: %v", err)
	}
}

// TestDatabaseDownIsAFailedRun: a MySQL server that refuses connections is a failed run (exit
// 1), a malformed DSN bad configuration (exit 2); neither prints the password.
func TestDatabaseDownIsAFailedRun(t *testing.T) {
	dir := t.TempDir()
	const pw = "Pw-d0wn-4242"
	down := "mysql:sav:" + pw + "@tcp(127.0.0.1:1)/sav"
	for _, args := range [][]string{
		{"close", "--period", "2026-10", "--db", down, "--out", dir},
		{"render", "--period", "2026-10", "--db", down, "--out", dir},
		{"migrate", "--db", down},
		{"schedule", "--db", down, "--out", dir},
	} {
		r := runBin(t, dir, dec2, nil, args...)
		want(t, r, exitFailed, args, "connection refused")
		if strings.Contains(r.stdout+r.stderr, pw) {
			t.Errorf("password printed: %s", r)
		}
	}
	for _, db := range []string{"mysql:sav:" + pw + "@tcp(127.0.0.1:1", "mysql:sav:" + pw + "@tcp(127.0.0.1:1)/"} {
		args := []string{"close", "--period", "2026-10", "--db", db, "--out", dir}
		r := runBin(t, dir, dec2, nil, args...)
		want(t, r, exitUsage, args)
		if strings.Contains(r.stdout+r.stderr, pw) {
			t.Errorf("password printed: %s", r)
		}
	}
}

// TestSQLiteFileCreated0600: migrate creates the SQLite file with mode 0600 (it holds personal
// data), whatever the umask lets through.
func TestSQLiteFileCreated0600(t *testing.T) {
	defer syscall.Umask(syscall.Umask(0o022))
	dir := t.TempDir()
	path := filepath.Join(dir, "new.db")
	args := []string{"migrate", "--db", "sqlite:" + path}
	want(t, runBin(t, dir, dec2, nil, args...), exitOK, args, "migrated")
	matches, _ := filepath.Glob(path + "*")
	for _, p := range matches {
		if st, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		} else if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %#o, want 0600", p, st.Mode().Perm())
		}
	}
	if len(matches) == 0 {
		t.Fatal("no database created")
	}
	// and the job runs on it
	d, err := store.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.InsertSource(context.Background(), sample.WorkedExample()); err != nil {
		t.Fatal(err)
	}
	d.Close()
	closeWorked(t, dir, "sqlite:"+path, filepath.Join(dir, "out"), dec2)
}

// countRows counts the rows of table in the database of e, through database/sql alone.
func countRows(t *testing.T, e dbtest.Engine, table string) int {
	t.Helper()
	db := rawDB(t, e)
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
