package main

import (
	"context"
	"fmt"
	"io"
	"time"

	sb "savbilling"
	"savbilling/sample"
	"savbilling/store"
)

// cmdDemo writes the sample network of package sample into an empty database and closes its
// three months one after the other, as the monthly job would: each month's rows arrive (late
// ones included) and support changes decisions before that month's close.
func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string, now func() time.Time) error {
	c := newFlags("demo", stderr)
	cfg, err := c.parse(args, getenv)
	if err != nil {
		return err
	}
	j, err := c.start(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	db := j.DB
	defer db.Close()
	if closed, err := db.ClosedPeriods(ctx); err != nil {
		return err
	} else if len(closed) > 0 {
		return usagef("the demo wants an empty database, and this one has closed periods (%s…): remove it or pass --db sqlite:another.db", closed[0])
	}
	t := now()
	last := sb.PeriodOf(t, sb.Paris).Prev()
	steps := sample.Demo(last.AddMonths(-2))
	fmt.Fprintf(stdout, "Demo network: 30 repairers, months %s to %s\n", steps[0].Period, last)
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
	fmt.Fprintf(stdout, "\nOutputs: %s/<YYYY-MM>/ (statements/*.pdf, invoices/*.pdf, %s, manifest.json)\n", cfg.Out, "finance-YYYY-MM.xlsx")
	name := store.Redact(cfg.DB)
	fmt.Fprintf(stdout, "Database: %s — try `savbilling close --period %s --db %s` (already closed: exits 0).\n", name, last, name)
	return nil
}
