package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every REL- and FAC- is an e-invoice with the network as buyer or seller: a network identity
// that cannot make one (here a templates folder whose network.toml has a SIRET of 13 digits) is a
// configuration error, exit 2, before anything is booked; the embedded identity closes.
func TestANetworkThatCannotMakeAnEInvoiceIsAConfigurationError(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "sav.db")
	out := filepath.Join(dir, "out")
	args := []string{"migrate", "--db", db}
	want(t, runBin(t, dir, dec2, nil, args...), exitOK, args)
	tpl := filepath.Join(dir, "templates")
	if err := os.Mkdir(tpl, 0o700); err != nil {
		t.Fatal(err)
	}
	network := "[network]\nname = \"Réseau\"\nlegal_form = \"SAS\"\naddress = \"1 rue X\\n75011 Paris\"\nsiret = \"9012345670001\"\n" +
		"vat_number = \"FR52901234567\"\nrcs = \"RCS Paris\"\nemail = \"f@example.fr\"\niban = \"FR76 3000 6000 0112 3456 7890 189\"\nbic = \"AGRIFRPPXXX\"\n"
	if err := os.WriteFile(filepath.Join(tpl, "network.toml"), []byte(network), 0o600); err != nil {
		t.Fatal(err)
	}
	args = []string{"close", "--period", "2026-09", "--first-period", "--templates", tpl, "--db", db, "--out", out}
	r := runBin(t, dir, dec2, nil, args...)
	want(t, r, exitUsage, args, "the network's identity", "cannot make an e-invoice", "il faut 14 chiffres")
	if _, err := os.Stat(out); err == nil {
		entries, _ := os.ReadDir(out)
		if len(entries) > 0 {
			t.Errorf("outputs written: %v", entries)
		}
	}
	if strings.Contains(r.stdout, "closed") {
		t.Errorf("closed: %s", r)
	}
	args = []string{"close", "--period", "2026-09", "--first-period", "--db", db, "--out", out}
	want(t, runBin(t, dir, dec2, nil, args...), exitOK, args, "closed 2026-09")
}
