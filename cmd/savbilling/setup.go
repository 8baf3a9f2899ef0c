package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"savbilling/config"
	"savbilling/einvoice"
	"savbilling/invoices"
	"savbilling/job"
	"savbilling/store"
	"savbilling/templates"
)

// common are the flags every command takes.
type common struct {
	fs        *flag.FlagSet
	config    string
	db        string
	out       string
	templates string
	logFormat string
	lockWait  time.Duration
	logJSON   bool // log JSON unless --log-format says otherwise (unattended commands)
}

// commandHelp is what `savbilling COMMAND --help` prints above the flags: the synopsis and what
// the command does.
var commandHelp = map[string]string{
	"migrate": `savbilling migrate [--db DB]

Creates the database (a SQLite file, mode 0600) and the job's tables when missing, and brings
its schema up to date. Only migrate and demo create a database or tables: the other commands
refuse (exit 2) a database without the job's schema.`,
	"close": `savbilling close --period YYYY-MM [--db DB] [--out DIR] [--dry-run] [--lock-wait 30s] [--first-period] [--stages]

Books the period in one transaction, then writes its statements, invoices, workbook and
manifest.json under DIR/YYYY-MM/. A period already closed changes nothing (exit 0). The first
close of a database more than 24 months before the current month needs --first-period.`,
	"render": `savbilling render --period YYYY-MM [--db DB] [--out DIR] [--stages]

Writes a closed period's documents again from the booked ledger, byte for byte. Refuses (exit 1)
a folder whose manifest.json records another ledger.`,
	"schedule": `savbilling schedule [--cron "0 6 1 * *"] [--tz Europe/Paris] [--db DB] [--out DIR] [--metrics FILE]

Closes, at start, every ended period not yet closed (oldest first, from the first month with
data or schedule.start_period), then the previous month at every cron tick. SIGTERM lets a
running close finish and exits 0.`,
	"demo": `savbilling demo [--db DB] [--out DIR]

Writes a sample network of 32 repairers into a database of its own and closes its last three
months. The database is sqlite:DIR/savbilling-demo.db (DIR: out/demo) unless --db names an
empty one; SAVBILLING_DB, SAVBILLING_OUT and the configuration's db and out are ignored.`,
	"send": `savbilling send --period YYYY-MM [--db DB] [--out DIR] [--smtp URL] [--dry-run]

E-mails each repairer with an address the closed period's documents addressed to them, one
message per repairer, once: a rerun sends only what the server has not accepted yet. SMTP:
--smtp, SAVBILLING_SMTP or smtp.url, smtp://[USER@]HOST[:PORT][?tls=none|starttls|tls]; the
password from SAVBILLING_SMTP_PASSWORD only. --dry-run writes .eml files under
DIR/YYYY-MM/mail-preview/. Report: DIR/YYYY-MM/envois-YYYY-MM.csv. Exit 1 when some messages
could not be sent or the outputs must be rendered first, 3 when another run is sending the
period, 4 when it is not closed (docs/delivery.md).`,
	"audit": `savbilling audit [--since YYYY-MM] [--db DB] [--lock-wait 30s]

Finds in the whole source history (or from the first day of --since, Europe/Paris) what a close
should have booked before the end of the last closed period and did not (late arrivals older than
the close's look-back, SAVs not charged, decisions revised, credits not reported, operations added
to a paid intervention) and lists their ids in sb_source_pending: the next close books them, late.
It takes the close lock, books nothing and writes no output; it prints what it found and its cost.
Run it yearly, after a data import, after restoring a backup (docs/operations.md).`,
	"seed": `savbilling seed --repairers N --interventions M --months K [--seed S] [--last YYYY-MM] [--db DB]

Writes a synthetic network into the source tables (benchmarks, rehearsals), creating and
migrating the database when missing, as demo does.`,
}

// exitHelp is the exit-code table printed at the end of every command's help.
const exitHelp = `exit codes: 0 done (or nothing to do), 1 the run failed (nothing half-written; a database
that is down), 2 bad usage or configuration (the message names the flag or key), 3 another run
holds the close lock, 4 the period cannot be closed yet`

// helpRequested is returned by parse for --help or -h: the help is printed on stdout and the
// command exits 0.
type helpRequested struct{ text string }

func (h helpRequested) Error() string { return "help requested" }

func newFlags(name string, stderr io.Writer) *common {
	c := &common{fs: flag.NewFlagSet(name, flag.ContinueOnError)}
	c.fs.SetOutput(stderr)
	c.fs.Usage = func() {
		w := c.fs.Output()
		fmt.Fprintf(w, "usage: %s\n\nflags:\n", commandHelp[name])
		c.fs.PrintDefaults()
		fmt.Fprintf(w, "\n%s\n", exitHelp)
	}
	c.fs.StringVar(&c.config, "config", "", "configuration file (default savbilling.toml when present, or $SAVBILLING_CONFIG)")
	c.fs.StringVar(&c.db, "db", "", "database: sqlite:PATH or mysql:DSN (default sqlite:savbilling.db, or $SAVBILLING_DB)")
	c.fs.StringVar(&c.out, "out", "", "output folder (default out, or $SAVBILLING_OUT)")
	c.fs.StringVar(&c.templates, "templates", "", "folder overriding the embedded templates")
	c.fs.StringVar(&c.logFormat, "log-format", "", "log format: text or json (default text; json for schedule)")
	c.fs.DurationVar(&c.lockWait, "lock-wait", 0, "wait this long for another run's lock instead of exiting 3")
	return c
}

// parse reads the flags, then the configuration: file, environment, flags, in that order of
// precedence (flags win).
func (c *common) parse(args []string, getenv func(string) string) (config.Config, error) {
	out := c.fs.Output()
	var msg bytes.Buffer
	c.fs.SetOutput(&msg)
	err := c.fs.Parse(args)
	c.fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		return config.Config{}, helpRequested{msg.String()}
	}
	if err != nil {
		_, _ = out.Write(msg.Bytes())
		return config.Config{}, usageError{err}
	}
	if c.fs.NArg() > 0 {
		return config.Config{}, usagef("unexpected argument %q", c.fs.Arg(0))
	}
	path := c.config
	if path == "" {
		path = getenv("SAVBILLING_CONFIG")
	}
	cfg, err := config.Load(path)
	if err != nil {
		return cfg, usageError{err}
	}
	cfg.ApplyEnv(getenv)
	set := map[string]bool{}
	c.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["db"] {
		cfg.DB = c.db
	}
	if set["out"] {
		cfg.Out = c.out
	}
	if set["templates"] {
		cfg.Templates = c.templates
	}
	if set["lock-wait"] {
		cfg.LockWait.Duration = c.lockWait
	}
	if err := cfg.Validate(); err != nil {
		return cfg, usageError{err}
	}
	return cfg, nil
}

// openDB opens the configured database, which must exist and hold the job's schema at this
// binary's version: every command but migrate, demo and seed (issue 17: a mistyped path creates
// nothing). Its errors wrap store.ErrBadDatabase or store.ErrNoSchema (exit 2) when the name or
// the database is wrong, neither when the database is down (exit 1).
func openDB(ctx context.Context, cfg config.Config) (*store.DB, error) {
	return store.OpenExisting(ctx, cfg.DB)
}

// createDB opens the configured database, creating a missing SQLite file (mode 0600), and
// migrates it: migrate, demo and seed (the generator of synthetic networks) only.
func createDB(ctx context.Context, cfg config.Config) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DB)
	if errors.Is(err, store.ErrNoAnswer) {
		return nil, err // a server that does not answer fails the run (exit 1)
	}
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", store.Redact(cfg.DB), err)
	}
	return db, nil
}

// newJob builds the job: templates, renderers, the network's identity and the rules.
func newJob(cfg config.Config, db *store.DB, log *slog.Logger) (*job.Job, error) {
	set, err := templates.Load(cfg.Templates)
	if err != nil {
		return nil, usageError{err}
	}
	chart, err := cfg.AccountingValue()
	if err != nil {
		return nil, usageError{err}
	}
	issuer := cfg.Issuer(set.Network)
	// Every REL- and FAC- is an e-invoice whose buyer or seller is the network (issue 21): a
	// network identity that cannot make one is a configuration error, found before any close.
	if problems, ok := einvoice.CheckParty(invoices.IssuerParty(issuer)); !ok {
		var why []string
		for _, p := range problems {
			if !p.Warning {
				why = append(why, p.String())
			}
		}
		return nil, usageError{fmt.Errorf("the network's identity ([network] of the configuration, or templates/network.toml) cannot make an e-invoice: %s", strings.Join(why, "; "))}
	}
	j := &job.Job{
		DB: db, Out: cfg.Out, Issuer: issuer, Rules: cfg.RulesValue(), LockWait: cfg.LockWait.Duration,
		Renderers: []job.Renderer{job.PDF(invoices.New(set)), job.Workbook(),
			job.Bank(), job.Accounting(chart)}, // issue 23: the transfer file and the accounting file
		Accounting:     chart,
		Log:            log,
		Space:          job.OutputSpace{Factor: cfg.OutSpaceFactor, PerStatement: cfg.OutSpacePerStatementKB << 10},
		CloseTimeout:   cfg.CloseTimeout.Duration,
		LookbackMonths: cfg.LookbackMonths,
	}
	if wrapRenderers != nil {
		j.Renderers = wrapRenderers(j.Renderers)
	}
	return j, nil
}

// wrapRenderers is nil in the binary; a binary built with -tags faultinject sets it to inject
// render faults (faultinject.go).
var wrapRenderers func([]job.Renderer) []job.Renderer

// start builds what a command that closes or renders needs: its logger, the migrated database
// and the job. The caller closes j.DB.
func (c *common) start(ctx context.Context, cfg config.Config, stderr io.Writer) (*job.Job, error) {
	return c.startWith(ctx, cfg, stderr, openDB)
}

// startWith is start with the database opened by open.
func (c *common) startWith(ctx context.Context, cfg config.Config, stderr io.Writer,
	open func(context.Context, config.Config) (*store.DB, error)) (*job.Job, error) {
	format := c.logFormat
	if format == "" && c.logJSON {
		format = "json"
	}
	log, err := newLogger(format, stderr)
	if err != nil {
		return nil, err
	}
	db, err := open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	j, err := newJob(cfg, db, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	return j, nil
}
