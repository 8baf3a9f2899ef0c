package main

import (
	"os"
	"path/filepath"
	"testing"
)

// A look-back shorter than domain rule 1's 24 months is a configuration error (exit 2) naming
// the key and the rule, before anything is booked; 24 closes.
func TestALookbackBelow24MonthsIsAConfigurationError(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "sav.db")
	out := filepath.Join(dir, "out")
	args := []string{"migrate", "--db", db}
	want(t, runBin(t, dir, dec2, nil, args...), exitOK, args)
	conf := filepath.Join(dir, "savbilling.toml")
	if err := os.WriteFile(conf, []byte("lookback_months = 23\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args = []string{"close", "--config", conf, "--period", "2026-09", "--first-period", "--db", db, "--out", out}
	want(t, runBin(t, dir, dec2, nil, args...), exitUsage, args, "lookback_months", "at least 24", "domain rule 1")
	if entries, _ := os.ReadDir(out); len(entries) > 0 {
		t.Errorf("outputs written: %v", entries)
	}
	if err := os.WriteFile(conf, []byte("lookback_months = 24\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, runBin(t, dir, dec2, nil, args...), exitOK, args, "closed 2026-09")
}
