package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"savbilling/config"
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

func newFlags(name string, stderr io.Writer) *common {
	c := &common{fs: flag.NewFlagSet(name, flag.ContinueOnError)}
	c.fs.SetOutput(stderr)
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
	if err := c.fs.Parse(args); err != nil {
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

// openDB opens and migrates the configured database.
func openDB(ctx context.Context, cfg config.Config) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DB)
	if errors.Is(err, store.ErrNoAnswer) {
		return nil, err // a server that does not answer fails the run (exit 1)
	}
	if err != nil {
		return nil, usageError{err}
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
	j := &job.Job{
		DB: db, Out: cfg.Out, Issuer: cfg.Issuer(set.Network), Rules: cfg.RulesValue(), LockWait: cfg.LockWait.Duration,
		Renderers:    []job.Renderer{job.PDF(invoices.New(set)), job.Workbook()},
		Log:          log,
		Space:        job.OutputSpace{Factor: cfg.OutSpaceFactor, PerStatement: cfg.OutSpacePerStatementKB << 10},
		CloseTimeout: cfg.CloseTimeout.Duration,
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
	format := c.logFormat
	if format == "" && c.logJSON {
		format = "json"
	}
	log, err := newLogger(format, stderr)
	if err != nil {
		return nil, err
	}
	db, err := openDB(ctx, cfg)
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
