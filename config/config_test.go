package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	sb "savbilling"
)

func write(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "savbilling.toml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadErrorsNameTheKey(t *testing.T) {
	tests := []struct{ text, want string }{
		{"[rules]\nmax_installments = 0\n", "rules.max_installments"},
		{"[rules]\ninstallment_step_cents = -5\n", "rules.installment_step_cents"},
		{"[rules]\nvat_rate_bp = 20001\n", "rules.vat_rate_bp"},
		{"[rules]\nspread_max = 3\n", `unknown key "rules.spread_max"`},
		{"dbb = 'x'\n", `unknown key "dbb"`},
		{"db = 'postgres:x'\n", "db:"},
		{"lock_wait = 'soon'\n", "lock_wait"},
		{"[network]\nsiret = '123'\n", "network.siret"},
		{"[network]\nvat_number = 'DE123'\n", "network.vat_number"},
		{"[schedule]\ntz = 'Mars/Olympus'\n", "schedule.tz"},
		{"[schedule]\nstart_period = '2026-13'\n", "schedule.start_period"},
		{"[rules\n", "configuration"},
		{"lookback_months = 23\n", "lookback_months: want at least 24 (domain rule 1"},
	}
	for _, tt := range tests {
		_, err := Load(write(t, tt.text))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load(%q) error = %v, want it to name %q", tt.text, err, tt.want)
		}
	}
}

func TestLoadAndPrecedence(t *testing.T) {
	c, err := Load(write(t, "db = 'sqlite:/tmp/a.db'\nout = 'file-out'\nlock_wait = '45s'\n[rules]\nspread_max_cents = 100000\n[network]\nname = 'Cyclofix'\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "sqlite:/tmp/a.db" || c.LockWait.Seconds() != 45 || c.RulesValue().SpreadMaxCents != 100000 {
		t.Errorf("file values not read: %+v", c)
	}
	if got := c.RulesValue().MaxInstallments; got != 3 {
		t.Errorf("unset keys keep their defaults: max_installments = %d", got)
	}
	env := map[string]string{"SAVBILLING_OUT": "env-out"}
	c.ApplyEnv(func(k string) string { return env[k] })
	if c.Out != "env-out" || c.DB != "sqlite:/tmp/a.db" {
		t.Errorf("environment overrides the file: %+v", c)
	}
	iss := c.Issuer(sb.Issuer{Name: "Template", SIRET: "90123456700017"})
	if iss.Name != "Cyclofix" || iss.SIRET != "90123456700017" {
		t.Errorf("issuer = %+v", iss)
	}
}

func TestDefaultsAndMissingFile(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	if Default().RulesValue() != sb.DefaultRules() {
		t.Errorf("default rules differ from the rulebook's")
	}
	if _, err := Load(filepath.Join(t.TempDir(), "nope.toml")); err == nil {
		t.Errorf("a named file that does not exist is an error")
	}
	t.Chdir(t.TempDir())
	if c, err := Load(""); err != nil || c.Source != "" {
		t.Errorf("no file: defaults, got %v %q", err, c.Source)
	}
}

func TestExampleFileLoads(t *testing.T) {
	c, err := Load("../savbilling.example.toml")
	if err != nil {
		t.Fatalf("savbilling.example.toml: %v", err)
	}
	if c.RulesValue() != sb.DefaultRules() || c.Schedule.Cron != "0 6 1 * *" || c.Network.Name == "" {
		t.Errorf("the example must show the defaults: %+v", c)
	}
}
