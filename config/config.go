// Package config reads the job's configuration: a TOML file, then the environment, then the
// command-line flags, each overriding the one before. Every value is checked at start-up and an
// invalid one is reported by its key, so that a bad configuration stops the job (exit 2) before
// it touches the database.
package config

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	sb "savbilling"
)

// Config is the whole configuration of a run.
type Config struct {
	DB        string   `toml:"db"`        // sqlite:PATH or mysql:DSN
	Out       string   `toml:"out"`       // the output folder
	Templates string   `toml:"templates"` // a folder overriding the embedded templates
	LockWait  Duration `toml:"lock_wait"` // how long a close waits for another run's lock
	// CloseTimeout bounds a whole close (booking and rendering): a database that stops
	// answering fails the run instead of hanging it.
	CloseTimeout Duration `toml:"close_timeout"`
	// LookbackMonths is how many months before a period its close re-reads for late arrivals and
	// revisions when they moved (docs/rules.md, "The look-back"): at least 24 (domain rule 1).
	LookbackMonths int `toml:"lookback_months"`
	// OutSpaceFactor: a close needs this many times the previous period's outputs free in the
	// output folder before it books (0: not checked); OutSpacePerStatementKB per statement
	// when there is no previous manifest.
	OutSpaceFactor         int64    `toml:"out_space_factor"`
	OutSpacePerStatementKB int64    `toml:"out_space_per_statement_kb"`
	Network                Network  `toml:"network"` // the network's identity; empty keys keep the template's
	Rules                  Rules    `toml:"rules"`
	Schedule               Schedule `toml:"schedule"`
	SMTP                   SMTP     `toml:"smtp"` // `savbilling send`
	// Accounting is the [accounting] table: the accounts and journals of the accounting file
	// (issue 23), blank keys keeping accounting.DefaultConfig().
	Accounting Accounting `toml:"accounting"`
	Source     string     `toml:"-"` // the file read, "" when none
}

// Network is the [network] table: the network's identity printed on every document.
type Network struct {
	Name      string `toml:"name"`
	LegalForm string `toml:"legal_form"`
	Address   string `toml:"address"`
	SIRET     string `toml:"siret"`
	VATNumber string `toml:"vat_number"`
	RCS       string `toml:"rcs"`
	Email     string `toml:"email"`
	IBAN      string `toml:"iban"`
	BIC       string `toml:"bic"`
	// The structured address the bank file gives the network as debtor (issue 23); blank: read
	// from address (last line « postcode town ») and country FR.
	Postcode    string `toml:"postcode"`
	City        string `toml:"city"`
	CountryCode string `toml:"country_code"`
}

// Rules is the [rules] table: the thresholds of the rulebook (see savbilling.Rules).
type Rules struct {
	UmbrellaDeductibleCents   int64 `toml:"umbrella_deductible_cents"`
	SpreadMaxCents            int64 `toml:"spread_max_cents"`
	InstallmentStepCents      int64 `toml:"installment_step_cents"`
	MaxInstallments           int   `toml:"max_installments"`
	PlanLifetimeFactor        int   `toml:"plan_lifetime_factor"`
	VATRateBP                 int   `toml:"vat_rate_bp"`
	StatementPaymentDays      int   `toml:"statement_payment_days"`
	InvoiceDueDays            int   `toml:"invoice_due_days"`
	ClaimWindowDays           int   `toml:"claim_window_days"`
	UnconfirmedMinCreditCents int64 `toml:"unconfirmed_min_credit_cents"`
}

// Schedule is the [schedule] table of `savbilling schedule`.
type Schedule struct {
	Cron        string `toml:"cron"`         // standard 5-field cron spec, or @every/@monthly…
	TZ          string `toml:"tz"`           // the zone the spec is read in
	StartPeriod string `toml:"start_period"` // the first period to catch up from, YYYY-MM; "" = first with data
	Metrics     string `toml:"metrics"`      // a Prometheus textfile to write after each run; "" = none
	// RenderRetry is how often a closed period whose outputs are incomplete is rendered again.
	RenderRetry Duration `toml:"render_retry"`
	// Send e-mails each period's documents after its close (savbilling send).
	Send bool `toml:"send"`
}

// SMTP is the [smtp] table of `savbilling send` (docs/delivery.md). The password is never in
// the file: it comes from SAVBILLING_SMTP_PASSWORD only.
type SMTP struct {
	URL         string   `toml:"url"`          // smtp://[USER@]HOST[:PORT][?tls=none|starttls|tls]
	From        string   `toml:"from"`         // the sender; "" = the network's e-mail
	Rate        float64  `toml:"rate"`         // messages per second at most; 0 = no limit
	MaxAttempts int      `toml:"max_attempts"` // SMTP transactions per message and run (4xx, connection errors)
	Backoff     Duration `toml:"backoff"`      // the wait before the first retry, doubled at each one
}

// Duration is a time.Duration written "30s", "5m" in TOML.
type Duration struct{ time.Duration }

// UnmarshalText reads a Go duration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("want a duration such as 30s or 5m: %w", err)
	}
	d.Duration = v
	return nil
}

// Default returns the configuration used when nothing is set: the embedded SQLite database,
// output under out/, the rulebook's thresholds, the close at 06:00 on the 1st in Paris.
func Default() Config {
	r := sb.DefaultRules()
	return Config{
		DB:                     "sqlite:savbilling.db",
		Out:                    "out",
		CloseTimeout:           Duration{2 * time.Hour},
		LookbackMonths:         sb.DefaultLookbackMonths,
		OutSpaceFactor:         2,
		OutSpacePerStatementKB: 100,
		Rules: Rules{r.UmbrellaDeductibleCents, r.SpreadMaxCents, r.InstallmentStepCents, r.MaxInstallments,
			r.PlanLifetimeFactor, r.VATRateBP, r.StatementPaymentDays, r.InvoiceDueDays, r.ClaimWindowDays,
			r.UnconfirmedMinCreditCents},
		Schedule: Schedule{Cron: "0 6 1 * *", TZ: "Europe/Paris", RenderRetry: Duration{time.Hour}},
		SMTP:     SMTP{Rate: 10, MaxAttempts: 4, Backoff: Duration{2 * time.Second}},
	}
}

// DefaultFile is the configuration file read when none is named and it exists.
const DefaultFile = "savbilling.toml"

// Load returns the defaults overridden by the file at path. With path "" it reads DefaultFile
// when it exists; a named file that does not exist is an error. Unknown keys are errors.
func Load(path string) (Config, error) {
	c := Default()
	named := path != ""
	if !named {
		path = DefaultFile
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !named {
		return c, c.Validate()
	}
	if err != nil {
		return c, fmt.Errorf("read configuration: %w", err)
	}
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		return c, fmt.Errorf("configuration %s: %w", path, err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		return c, fmt.Errorf("configuration %s: unknown key %q", path, un[0].String())
	}
	c.Source = path
	return c, c.Validate()
}

// ApplyEnv overrides the configuration with SAVBILLING_DB, SAVBILLING_OUT,
// SAVBILLING_TEMPLATES and SAVBILLING_SMTP (smtp.url) when they are set.
func (c *Config) ApplyEnv(getenv func(string) string) {
	for key, dst := range map[string]*string{"SAVBILLING_DB": &c.DB, "SAVBILLING_OUT": &c.Out, "SAVBILLING_TEMPLATES": &c.Templates,
		"SAVBILLING_SMTP": &c.SMTP.URL} {
		if v := getenv(key); v != "" {
			*dst = v
		}
	}
}

var (
	siretRE = regexp.MustCompile(`^[0-9]{14}$`)
	vatRE   = regexp.MustCompile(`^FR[0-9A-Z]{2}[0-9]{9}$`)
)

// Validate names the first invalid key.
func (c Config) Validate() error {
	switch {
	case !strings.HasPrefix(c.DB, "sqlite:") && !strings.HasPrefix(c.DB, "mysql:"):
		return errors.New(`db: want "sqlite:PATH" or "mysql:DSN"`)
	case c.DB == "sqlite:" || c.DB == "mysql:":
		return errors.New("db: the path or DSN after the prefix is empty")
	case c.Out == "":
		return errors.New("out: empty output folder")
	case c.LockWait.Duration < 0:
		return errors.New("lock_wait: negative")
	case c.CloseTimeout.Duration <= 0:
		return errors.New(`close_timeout: want a positive duration such as "2h"`)
	case c.LockWait.Duration >= c.CloseTimeout.Duration:
		return fmt.Errorf("lock_wait (%s) must be shorter than close_timeout (%s)", c.LockWait.Duration, c.CloseTimeout.Duration)
	case c.LookbackMonths < sb.DefaultLookbackMonths:
		return fmt.Errorf("lookback_months: want at least %d (domain rule 1: a close finds the late arrivals of at least the last %d months; `savbilling audit` finds older ones)",
			sb.DefaultLookbackMonths, sb.DefaultLookbackMonths)
	case c.OutSpaceFactor < 0 || c.OutSpaceFactor > 1000:
		return errors.New("out_space_factor: want 0 (no check) to 1000")
	case c.OutSpacePerStatementKB < 0 || c.OutSpacePerStatementKB > 1<<30:
		return errors.New("out_space_per_statement_kb: want 0 to 1073741824")
	case c.Schedule.RenderRetry.Duration < time.Second:
		return errors.New(`schedule.render_retry: want at least "1s" (default "1h")`)
	case c.Network.SIRET != "" && !siretRE.MatchString(c.Network.SIRET):
		return errors.New("network.siret: want 14 digits")
	case c.Network.VATNumber != "" && !vatRE.MatchString(strings.ReplaceAll(c.Network.VATNumber, " ", "")):
		return errors.New("network.vat_number: want a French VAT number such as FR52901234567")
	case c.SMTP.Rate < 0:
		return errors.New("smtp.rate: negative (0 means no limit)")
	case c.SMTP.MaxAttempts < 1:
		return errors.New("smtp.max_attempts: want at least 1")
	case c.SMTP.Backoff.Duration < 0:
		return errors.New("smtp.backoff: negative")
	case c.Schedule.StartPeriod != "":
		if _, err := sb.ParsePeriod(c.Schedule.StartPeriod); err != nil {
			return fmt.Errorf("schedule.start_period: %w", err)
		}
	}
	if _, err := time.LoadLocation(c.Schedule.TZ); err != nil || c.Schedule.TZ == "" {
		return fmt.Errorf("schedule.tz: unknown time zone %q", c.Schedule.TZ)
	}
	if _, err := c.AccountingValue(); err != nil {
		return err
	}
	return c.RulesValue().Validate()
}

// RulesValue returns the thresholds as the rules take them.
func (c Config) RulesValue() sb.Rules {
	r := c.Rules
	return sb.Rules{UmbrellaDeductibleCents: r.UmbrellaDeductibleCents, SpreadMaxCents: r.SpreadMaxCents,
		InstallmentStepCents: r.InstallmentStepCents, MaxInstallments: r.MaxInstallments,
		PlanLifetimeFactor: r.PlanLifetimeFactor, VATRateBP: r.VATRateBP, StatementPaymentDays: r.StatementPaymentDays,
		InvoiceDueDays: r.InvoiceDueDays, ClaimWindowDays: r.ClaimWindowDays, UnconfirmedMinCreditCents: r.UnconfirmedMinCreditCents}
}

// Issuer returns the network's identity: def (the templates' network.toml) with every key the
// configuration sets put over it.
func (c Config) Issuer(def sb.Issuer) sb.Issuer {
	n := c.Network
	for _, f := range []struct {
		v   string
		dst *string
	}{{n.Name, &def.Name}, {n.LegalForm, &def.LegalForm}, {n.Address, &def.Address}, {n.SIRET, &def.SIRET},
		{n.VATNumber, &def.VATNumber}, {n.RCS, &def.RCS}, {n.Email, &def.Email}, {n.IBAN, &def.IBAN}, {n.BIC, &def.BIC},
		{n.Postcode, &def.Postcode}, {n.City, &def.City}, {n.CountryCode, &def.CountryCode}} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
	return def
}
