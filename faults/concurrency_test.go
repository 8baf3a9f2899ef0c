package faults

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestConcurrentCloses starts 2 and 4 `savbilling close` processes of the same period at once,
// on SQLite and MariaDB, without and with --lock-wait: exactly one books and renders; without
// waiting the others exit 3 (or, arriving after its commit, find the period closed and exit 0);
// with --lock-wait they wait and then find the period closed (exit 0). The ledger is the
// reference's (no doubled line), numbering gapless, outputs byte-identical.
//
// CI: 2 processes without waiting and 4 with --lock-wait; make soak: both counts in both modes,
// 20 repetitions (SAVBILLING_CONCURRENCY_REPS overrides).
func TestConcurrentCloses(t *testing.T) {
	reps := 1
	if soak() {
		reps = 20
	}
	reps = envInt("SAVBILLING_CONCURRENCY_REPS", reps)
	repairers, interventions := 120, 2500
	if soak() {
		repairers, interventions = 300, 5000
	}
	for _, engine := range engineNames(t) {
		t.Run(engine, func(t *testing.T) {
			template := seedTemplate(t, engine, repairers, interventions)
			ref := closeReference(t, template)
			stats := map[string]int{}
			trials := 0
			type combo struct {
				n    int
				wait bool
			}
			combos := []combo{{2, false}, {4, true}} // CI: both counts, both modes
			if soak() {
				combos = []combo{{2, false}, {4, false}, {2, true}, {4, true}}
			}
			for rep := range reps {
				for _, c := range combos {
					if d, ok := t.Deadline(); ok && time.Until(d) < 4*ref.total+30*time.Second {
						t.Logf("stopping after %d trials: the test deadline is near", trials)
						return
					}
					trials++
					name := fmt.Sprintf("rep %d, %d processes, lock-wait %v", rep, c.n, c.wait)
					t.Run(fmt.Sprintf("%d-%d-wait-%v", rep, c.n, c.wait), func(t *testing.T) {
						concurrentTrial(t, name, template, c.n, c.wait, ref, stats)
					})
				}
			}
			t.Logf("%s: %d concurrent trials; outcomes of the processes: %v", engine, trials, stats)
		})
	}
}

// concurrentTrial starts n closes together on a clone of template and checks the outcome; it
// counts in stats how many processes ended which way.
func concurrentTrial(t *testing.T, name, template string, n int, wait bool, ref reference, stats map[string]int) {
	t.Helper()
	db := cloneDB(t, template)
	out := t.TempDir()
	args := []string{"close", "--period", trialMonth, "--db", db, "--out", out}
	if wait {
		args = append(args, "--lock-wait", "2m")
	}
	cmds := make([]*exec.Cmd, n)
	outs := make([]bytes.Buffer, n)
	errs := make([]bytes.Buffer, n)
	for i := range cmds {
		cmds[i] = command(t, trialNow, nil, args...)
		cmds[i].Stdout, cmds[i].Stderr = &outs[i], &errs[i]
	}
	var start sync.WaitGroup
	start.Add(1)
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i, c := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start.Wait()
			err := c.Run()
			if ee, ok := err.(*exec.ExitError); ok {
				codes[i] = ee.ExitCode()
			} else if err != nil {
				codes[i] = -1
			}
		}()
	}
	start.Done()
	wg.Wait()

	mine := map[string]int{}
	defer func() {
		for k, v := range mine {
			stats[k] += v
		}
	}()
	booked := 0
	var unexpected []string
	for i := range cmds {
		stdout, stderr := outs[i].String(), errs[i].String()
		switch {
		case codes[i] == 0 && strings.Contains(stdout, "closed "+trialMonth+":"):
			booked++
			mine["booked"]++
		case codes[i] == 0 && strings.Contains(stdout, "was already closed"):
			mine["found it closed"]++
		case codes[i] == 3 && !wait && strings.Contains(stderr, "another run holds the close lock"):
			mine["exit 3"]++
		default:
			unexpected = append(unexpected, fmt.Sprintf("process %d: exit %d\nstdout: %s\nstderr: %s", i, codes[i], stdout, stderr))
		}
	}
	for _, u := range unexpected {
		t.Errorf("%s: %s", name, u)
	}
	if booked != 1 {
		t.Errorf("%s: %d processes booked the period, want exactly 1", name, booked)
	}
	raw := rawOpen(t, db)
	if d := diffLedger(ref.ledger, dumpLedger(t, raw)); len(d) > 0 {
		t.Errorf("%s: the ledger differs from the reference:\n  %s", name, strings.Join(d, "\n  "))
	}
	checkGapless(t, raw)
	tr := readTree(t, out)
	if d := diffTrees(ref.files, tr); len(d) > 0 {
		t.Errorf("%s: the outputs differ from the reference:\n  %s", name, strings.Join(d, "\n  "))
	}
	if len(tr.temps) > 0 {
		t.Errorf("%s: temporary files left: %v", name, tr.temps)
	}
	t.Logf("%s: %v", name, mine)
}
