package faults

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"savbilling/job"
)

// The periods of the crash and concurrency tests: a synthetic network of two months, the first
// closed in the template, the second closed by the trials, with the clock fixed a day after.
const (
	firstMonth = "2026-08"
	trialMonth = "2026-09"
)

var trialNow = time.Date(2026, 10, 2, 6, 0, 0, 0, time.UTC)

// networkSize is the synthetic network of the crash and concurrency tests: thousands of
// repairers and tens of thousands of interventions in make soak, a smaller one in CI (the
// rendering of one statement PDF costs ~3–5 ms, and every kill is followed by a full rerun).
// SAVBILLING_FAULTS_REPAIRERS and SAVBILLING_FAULTS_INTERVENTIONS (per month) override it.
func networkSize() (repairers, interventions int) {
	repairers, interventions = 300, 5000
	if soak() {
		repairers, interventions = 1000, 12000
	}
	return envInt("SAVBILLING_FAULTS_REPAIRERS", repairers), envInt("SAVBILLING_FAULTS_INTERVENTIONS", interventions)
}

// seedTemplate writes the synthetic network of two months into a fresh database of the engine
// with `savbilling seed`, and closes the first month: the trials clone it and close the second.
func seedTemplate(t *testing.T, engine string, repairers, interventions int) string {
	t.Helper()
	db := newDB(t, engine)
	t0 := time.Now()
	mustRun(t, trialNow, nil, "seed", "--repairers", strconv.Itoa(repairers), "--interventions", strconv.Itoa(interventions),
		"--months", "2", "--last", trialMonth, "--seed", "6", "--db", db)
	mustRun(t, trialNow, nil, "close", "--period", firstMonth, "--db", db, "--out", t.TempDir())
	t.Logf("%s template: %d repairers, %d interventions over two months, %s closed, in %s", engine, repairers,
		2*interventions, firstMonth, time.Since(t0).Round(time.Millisecond))
	return db
}

// reference is the uncrashed close of the trial month: its ledger and its outputs.
type reference struct {
	ledger  ledgerDump
	files   tree
	booked  time.Duration // from the start of the process to the « period booked » log line
	total   time.Duration
	summary string
}

func closeReference(t *testing.T, template string) reference {
	t.Helper()
	db := cloneDB(t, template)
	out := t.TempDir()
	cmd := command(t, trialNow, nil, "close", "--period", trialMonth, "--db", db, "--out", out)
	w := newWatch("period booked")
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, w
	w.start = time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("reference close: %v\n%s%s", err, stdout.String(), w.String())
	}
	ref := reference{ledger: dumpLedger(t, rawOpen(t, db)), files: readTree(t, out), booked: w.seen(),
		total: time.Since(w.start), summary: firstLine(stdout.String())}
	if len(ref.files.temps) > 0 {
		t.Fatalf("the uncrashed close left temporary files: %v", ref.files.temps)
	}
	checkModes(t, "reference close", ref.files)
	checkManifest(t, out, ref.files)
	return ref
}

// checkManifest checks that the manifest lists exactly the period's files with their sizes and
// hashes.
func checkManifest(t testing.TB, out string, tr tree) {
	t.Helper()
	m, err := job.ReadManifest(filepath.Join(out, trialMonth))
	if err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if m.ClosedAt != trialNow.Format(time.RFC3339) {
		t.Errorf("manifest closed_at %s, want the fixed clock %s", m.ClosedAt, trialNow.Format(time.RFC3339))
	}
	listed := map[string]bool{}
	for _, f := range m.Files {
		p := trialMonth + "/" + f.Path
		listed[p] = true
		got, ok := tr.files[p]
		if !ok || got.sha != f.SHA256 || got.size != f.Bytes {
			t.Errorf("manifest lists %s (%d bytes, %s…) but the folder holds %+v", f.Path, f.Bytes, head([]byte(f.SHA256), 12), got)
		}
	}
	for p := range tr.files {
		if strings.HasPrefix(p, trialMonth+"/") && p != trialMonth+"/"+job.ManifestFile && !listed[p] {
			t.Errorf("%s is in the folder but not in the manifest", p)
		}
	}
}

// phase says where a kill landed, seen from what it left.
type phase string

const (
	killedBeforeCommit phase = "before commit"      // the period is not closed
	killedRendering    phase = "rendering"          // closed, no manifest yet
	killedAfterOutputs phase = "after the manifest" // closed and the manifest written
	finishedFirst      phase = "finished first"     // the close exited before the kill
)

// TestCrashSafety kills `savbilling close` with SIGKILL at random moments (before, during and
// after the commit, during rendering), then does what an operator would — rerun `close`, which
// completes a period whose commit succeeded but whose manifest (written last) is missing; every
// other such trial runs `render --period` first — and compares the ledger, the numbering and
// every output file byte for byte with an uncrashed reference close; no temporary file may stay
// in the output folders, nor anything in the killed process's TMPDIR. The clock is fixed with
// SAVBILLING_NOW, so documents, workbook and manifest are compared whole, close date included.
//
// CI: 4 kills per engine on a network of 300 repairers (10 000 interventions). make soak: 100
// kills per engine on 1 000 repairers (24 000 interventions). SAVBILLING_KILLS overrides the
// count, SAVBILLING_FAULTS_SEED the random seed.
func TestCrashSafety(t *testing.T) {
	kills := 4
	if soak() {
		kills = 100
	}
	kills = envInt("SAVBILLING_KILLS", kills)
	seed := uint64(envInt("SAVBILLING_FAULTS_SEED", int(time.Now().UnixNano()%1_000_000)))
	t.Logf("random seed %d (SAVBILLING_FAULTS_SEED=%d reproduces the kill delays)", seed, seed)
	repairers, interventions := networkSize()
	for _, engine := range engineNames(t) {
		t.Run(engine, func(t *testing.T) {
			template := seedTemplate(t, engine, repairers, interventions)
			ref := closeReference(t, template)
			t.Logf("reference: %s; booked after %s, done after %s; ledger %s, %d files",
				ref.summary, ref.booked.Round(time.Millisecond), ref.total.Round(time.Millisecond), ref.ledger.sum(), len(ref.files.files))
			rng := rand.New(rand.NewPCG(seed, uint64(len(engine))))
			phases := map[phase]int{}
			survived, tried, withTemps := 0, 0, 0
			for i := range kills {
				reserve := 3*ref.total + 30*time.Second
				if soak() {
					reserve += 10 * time.Minute // the tests after this one
				}
				if d, ok := t.Deadline(); ok && time.Until(d) < reserve {
					t.Logf("stopping after %d kills: the test deadline is near", i)
					break
				}
				// Stratified: the booking, the moments around its commit, the rendering, anywhere.
				var from, to time.Duration
				switch i % 4 {
				case 0:
					from, to = 0, ref.booked
				case 1:
					from, to = ref.booked*4/5, ref.booked*6/5
				case 2:
					from, to = ref.booked, ref.total*19/20
				default:
					from, to = 0, ref.total
				}
				delay := from + time.Duration(rng.Int64N(int64(to-from)+1))
				tried++
				ph, temps, ok := crashTrial(t, i, template, delay, ref)
				phases[ph]++
				if temps > 0 {
					withTemps++
				}
				if ok {
					survived++
				}
			}
			t.Logf("%s: %d/%d kills survived (%s); stale temporary files left in %d trials", engine, survived, tried,
				fmt.Sprint(phases), withTemps)
		})
	}
}

// crashTrial runs one kill and its recovery; it returns where the kill landed, how many stale
// temporary files the recovery left, and whether everything matched the reference.
func crashTrial(t *testing.T, i int, template string, delay time.Duration, ref reference) (phase, int, bool) {
	t.Helper()
	db := cloneDB(t, template)
	out := t.TempDir()
	tmp := t.TempDir() // the killed process's TMPDIR: nothing may stay there
	cmd := command(t, trialNow, []string{"TMPDIR=" + tmp}, "close", "--period", trialMonth, "--db", db, "--out", out)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	finished := false
	select {
	case err := <-done:
		finished = true
		if err != nil {
			t.Errorf("kill %d: the close failed on its own: %v\n%s", i, err, logs.String())
			return finishedFirst, 0, false
		}
	case <-time.After(delay):
		cmd.Process.Kill() // SIGKILL
		<-done
	}

	raw := rawOpen(t, db)
	closed := count(t, raw, "SELECT COUNT(*) FROM sb_periods WHERE period = ?", trialMonth) == 1
	_, err := os.Stat(filepath.Join(out, trialMonth, job.ManifestFile))
	manifest := err == nil
	ph := killedBeforeCommit
	switch {
	case finished:
		ph = finishedFirst
	case closed && manifest:
		ph = killedAfterOutputs
	case closed:
		ph = killedRendering
	case manifest:
		t.Errorf("kill %d after %s: a manifest exists but the period is not closed", i, delay)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Errorf("kill %d after %s (%s): the killed close left files in its TMPDIR: %v", i, delay, ph, names)
	}

	// What an operator does: close again, which completes a period closed by the killed run
	// whose manifest is missing; every other trial renders it explicitly first.
	if closed && !manifest && i%2 == 1 {
		if r := sbrun(t, trialNow, nil, "render", "--period", trialMonth, "--db", db, "--out", out); r.code != 0 || !strings.Contains(r.stdout, "rendered "+trialMonth) {
			t.Errorf("kill %d after %s (%s): render: %s", i, delay, ph, r)
		}
	}
	// On MariaDB the dead session keeps the close lock (GET_LOCK) until the server notices it and
	// has rolled its transaction back: an immediate rerun may exit 3, as the contract says; the
	// operator then waits for the lock.
	r := sbrun(t, trialNow, nil, "close", "--period", trialMonth, "--db", db, "--out", out)
	if r.code == 3 {
		t0 := time.Now()
		r = sbrun(t, trialNow, nil, "close", "--period", trialMonth, "--db", db, "--out", out, "--lock-wait", "60s")
		t.Logf("kill %d after %s (%s): the lock of the killed run was still held; got it after %s", i, delay, ph, time.Since(t0).Round(time.Millisecond))
	}
	ok := true
	want := "closed " + trialMonth
	if closed {
		want = "was already closed"
	}
	if r.code != 0 || !strings.Contains(r.stdout, want) {
		t.Errorf("kill %d after %s (%s): rerun of close: want exit 0 and %q, got %s", i, delay, ph, want, r)
		ok = false
	}
	if _, err := os.Stat(filepath.Join(out, trialMonth, job.ManifestFile)); err != nil {
		t.Errorf("kill %d after %s (%s): no manifest after the rerun of close: the outputs were not completed\n%s", i, delay, ph, r)
		ok = false
	}

	got := dumpLedger(t, raw)
	if d := diffLedger(ref.ledger, got); len(d) > 0 {
		t.Errorf("kill %d after %s (%s): the ledger differs from the reference:\n  %s", i, delay, ph, strings.Join(d, "\n  "))
		ok = false
	}
	checkGapless(t, raw)
	tr := readTree(t, out)
	if d := diffTrees(ref.files, tr); len(d) > 0 {
		t.Errorf("kill %d after %s (%s): the outputs differ from the reference:\n  %s", i, delay, ph, strings.Join(d, "\n  "))
		ok = false
	}
	checkModes(t, fmt.Sprintf("kill %d", i), tr)
	if len(tr.temps) > 0 {
		t.Errorf("kill %d after %s (%s): %d stale temporary files left after the recovery, e.g. %v",
			i, delay, ph, len(tr.temps), head(tr.temps, 2))
		ok = false
	}
	t.Logf("kill %d after %s: %s; recovered: %v", i, delay.Round(time.Millisecond), ph, ok)
	return ph, len(tr.temps), ok && !t.Failed()
}

// TestRenderRemovesStaleTempFiles: a close killed while writing leaves its temporary files
// (.REL-….pdf.tmp…, .finance-….xlsx.tmp…) in the output folders; the `render` that completes the
// period must not leave them there (they are half-written personal data, and look like outputs).
func TestRenderRemovesStaleTempFiles(t *testing.T) {
	db := newDB(t, "sqlite")
	mustRun(t, trialNow, nil, "seed", "--repairers", "5", "--interventions", "40", "--months", "1", "--last", trialMonth, "--db", db)
	out := t.TempDir()
	mustRun(t, trialNow, nil, "close", "--period", trialMonth, "--db", db, "--out", out)
	// What SIGKILL during the rendering leaves: atomicfile's temporaries, and no manifest.
	stale := []string{"statements/.REL-1-2026-0001.pdf.tmp123456", ".finance-2026-09.xlsx.tmp654321", ".manifest.json.tmp42"}
	for _, s := range stale {
		if err := os.WriteFile(filepath.Join(out, trialMonth, s), []byte("half-written"), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	os.Remove(filepath.Join(out, trialMonth, job.ManifestFile))
	mustRun(t, trialNow, nil, "render", "--period", trialMonth, "--db", db, "--out", out)
	if tr := readTree(t, out); len(tr.temps) > 0 {
		t.Errorf("after render, stale temporary files remain: %v", tr.temps)
	}
}
