package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"savbilling/accounting"
)

// The example file's [accounting] table spells out the defaults; each key can change an account
// (with or without its label) or a journal, and a bad value stops the job naming its key.
func TestAccountingKeysOverTheDefaults(t *testing.T) {
	c, err := Load("../savbilling.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.AccountingValue()
	if err != nil || !reflect.DeepEqual(got, accounting.DefaultConfig()) {
		t.Fatalf("the example's [accounting] is not the defaults: %v\n%+v", err, got)
	}
	write := func(text string) string {
		path := filepath.Join(t.TempDir(), "savbilling.toml")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	c, err = Load(write("[accounting]\nfiscal_year_first_month = 7\nvat_deductible = \"4458 TVA à régulariser\"\npayable = \"4011\"\njournal_misc = \"ODR Opérations diverses réseau\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	got, _ = c.AccountingValue()
	if got.FiscalYearFirstMonth != time.July || got.Accounts.VATDeductible != (accounting.Account{Num: "4458", Lib: "TVA à régulariser"}) ||
		got.Accounts.Payable != (accounting.Account{Num: "4011", Lib: "Compte 4011"}) ||
		got.Journals.Misc != (accounting.Journal{Code: "ODR", Lib: "Opérations diverses réseau"}) {
		t.Errorf("overrides: %+v", got)
	}
	for text, key := range map[string]string{
		"[accounting]\nfiscal_year_first_month = 13\n": "accounting.fiscal_year_first_month",
		"[accounting]\npayable = \"Fournisseurs\"\n":   "accounting.payable",
		"[accounting]\njournal_sales = \"ACH\"\n":      "accounting.journal_sales",
		"[accounting]\naux_prefix = \"rep-\"\n":        "accounting.aux_prefix",
		"[accounting]\njournal_opening = \"a n\"\n":    "accounting.journal_opening",
		"[accounting]\nunknown_account = \"601\"\n":    "unknown_account",
	} {
		if _, err := Load(write(text)); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%q: %v, want an error naming %s", text, err, key)
		}
	}
}
