package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"savbilling/internal/dbtest"
)

// An accounting file that the job's own check refuses (here an entry left unbalanced, injected by
// SAVBILLING_FAULT_FEC) is a bug: `close` books the period and exits 5, `render` exits 1, both
// naming the problem, and no accounting file is written until a binary writes a good one.
func TestABrokenAccountingFileFailsCloseWith5AndRenderWith1(t *testing.T) {
	fb := faultBinary(t)
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			worked(t, e)
			out := t.TempDir()
			fault := []string{"SAVBILLING_FAULT_FEC=1"}
			fec := filepath.Join(out, "2026-09", "accounting", "901234567FEC20260930.txt")
			code, stdout, stderr := runIn(t, fb, oct2, fault, "close", "--period", "2026-09", "--db", e.DB, "--out", out)
			if code != exitIncomplete || !strings.Contains(stderr, "accounting file of 2026-09: the FEC checker finds") ||
				!strings.Contains(stderr, "does not balance") {
				t.Fatalf("close with a broken accounting file: exit %d, want 5 naming the problem\n%s%s", code, stdout, stderr)
			}
			code, stdout, stderr = runIn(t, fb, oct2, fault, "render", "--period", "2026-09", "--db", e.DB, "--out", out)
			if code != exitFailed || !strings.Contains(stderr, "the FEC checker finds") {
				t.Fatalf("render with a broken accounting file: exit %d, want 1\n%s%s", code, stdout, stderr)
			}
			if _, err := os.Stat(fec); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("a broken accounting file was written: %v", err)
			}
			code, stdout, stderr = runIn(t, bin, oct2, nil, "render", "--period", "2026-09", "--db", e.DB, "--out", out)
			if code != 0 {
				t.Fatalf("render: exit %d\n%s%s", code, stdout, stderr)
			}
			if _, err := os.Stat(fec); err != nil {
				t.Fatalf("render wrote no accounting file: %v", err)
			}
		})
	}
}
