package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	sb "savbilling"
	"savbilling/config"
	"savbilling/job"
	"savbilling/sample"
	"savbilling/store"
)

// The demo's own places, used unless its flags name others: the demo never takes the database or
// the output folder of the environment (SAVBILLING_DB, SAVBILLING_OUT) or of the configuration
// file, which name the real ones.
const (
	demoOut    = "out/demo"
	demoDBFile = "savbilling-demo.db" // in the demo's output folder
)

// cmdDemo writes the sample network of package sample into an empty database and closes its
// three months one after the other, as the monthly job would: each month's rows arrive (late
// ones included) and support changes decisions before that month's close.
//
// The database is one the demo creates itself (sqlite:out/demo/savbilling-demo.db by default) or
// the one its --db flag names, and it must hold no source row and no closed period; the demo's
// periods must have no outputs in the output folder. Otherwise it exits 2 and touches nothing.
func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string, now func() time.Time) error {
	c := newFlags("demo", stderr)
	cfg, err := c.parse(args, getenv)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	c.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["out"] {
		cfg.Out = demoOut
	}
	if !set["db"] {
		cfg.DB = "sqlite:" + filepath.Join(cfg.Out, demoDBFile)
	}
	t := now()
	last := sb.PeriodOf(t, sb.Paris).Prev()
	steps := sample.Demo(last.AddMonths(-2))
	for _, st := range steps {
		if _, err := os.Stat(filepath.Join(cfg.Out, st.Period.String(), job.ManifestFile)); err == nil {
			return usagef("the demo would write over the outputs of %s in %s (it holds a manifest.json): pass --out with another folder", st.Period, cfg.Out)
		}
	}
	if !set["db"] {
		if err := os.MkdirAll(cfg.Out, 0o750); err != nil {
			return usagef("--out %s: %v", cfg.Out, err)
		}
	}
	j, err := c.startWith(ctx, cfg, stderr, openDemoDB)
	if err != nil {
		return err
	}
	db := j.DB
	defer db.Close()
	fmt.Fprintf(stdout, "Demo network: %d repairers, months %s to %s\n", len(steps[0].Insert.Repairers), steps[0].Period, last)
	for _, st := range steps {
		if err := db.InsertSource(ctx, st.Insert); err != nil {
			return fmt.Errorf("demo %s: insert: %w", st.Period, err)
		}
		for _, d := range st.Update {
			if err := db.UpdateDecision(ctx, d); err != nil {
				return fmt.Errorf("demo %s: update decision of SAV %d: %w", st.Period, d.SAVID, err)
			}
		}
		fmt.Fprintf(stdout, "\n%s — what happened this month:\n", st.Period)
		for _, line := range st.Story {
			fmt.Fprintf(stdout, "  · %s\n", line)
		}
		res, err := j.Close(ctx, st.Period, t, false)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		report(stdout, res)
	}
	fmt.Fprintf(stdout, "\nOutputs: %s/<YYYY-MM>/ (statements/*.pdf, invoices/*.pdf, %s, bank/virements-YYYY-MM.xml, accounting/*FEC*.txt, manifest.json)\n", cfg.Out, "finance-YYYY-MM.xlsx")
	name := store.Redact(cfg.DB)
	fmt.Fprintf(stdout, "Database: %s — try `savbilling close --period %s --db %s` (already closed: exits 0).\n", name, last, name)
	return nil
}

// openDemoDB opens the demo's database, creating a missing SQLite file (mode 0600), and migrates
// it only if it holds no source row and no closed period: a real database is refused, untouched.
func openDemoDB(ctx context.Context, cfg config.Config) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	table, err := db.FirstRows(ctx)
	if err == nil && table != "" {
		err = usagef("the demo writes a fake network and wants a database of its own: %s holds rows (table %s), so it was left untouched; "+
			"pass --db with a new SQLite path (e.g. --db sqlite:demo.db) or an empty database", store.Redact(cfg.DB), table)
	}
	if err == nil {
		err = db.Migrate(ctx)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
