package main

import (
	"context"
	"fmt"
	"io"
	"time"

	sb "savbilling"
	"savbilling/sample"
)

// cmdSeed writes a deterministic synthetic network (package sample) into the source tables,
// one transaction per month, for benchmarks and rehearsals. Like demo (and unlike the commands
// of the monthly job) it creates and migrates its database when missing.
func cmdSeed(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	c := newFlags("seed", stderr)
	repairers := c.fs.Int("repairers", 2000, "number of repairers")
	interventions := c.fs.Int("interventions", 100000, "interventions per month")
	months := c.fs.Int("months", 3, "number of months, the last one being --last")
	seed := c.fs.Int64("seed", 1, "random seed")
	lastFlag := c.fs.String("last", "", "the last month generated, YYYY-MM (default: the previous month)")
	cfg, err := c.parse(args, getenv)
	if err != nil {
		return err
	}
	last := sb.PeriodOf(time.Now(), sb.Paris).Prev()
	if *lastFlag != "" {
		if last, err = parsePeriod(*lastFlag); err != nil {
			return err
		}
	}
	if *repairers < 2 || *interventions < 0 || *months < 1 {
		return usagef("seed: want --repairers ≥ 2, --interventions ≥ 0, --months ≥ 1")
	}
	if _, err := newLogger(c.logFormat, stderr); err != nil { // the MySQL driver's lines
		return err
	}
	db, err := createDB(ctx, cfg) // a generator of synthetic data, like demo: it may create its database
	if err != nil {
		return err
	}
	defer db.Close()
	opts := sample.Options{Repairers: *repairers, Interventions: *interventions, Months: *months, Seed: *seed, Last: last}
	return sample.Network(opts, func(p sb.Period, src sb.Source) error {
		t0 := time.Now()
		if err := db.InsertSource(ctx, src); err != nil {
			return fmt.Errorf("seed %s: %w", p, err)
		}
		ops := 0
		for _, iv := range src.Interventions {
			ops += len(iv.Operations)
		}
		d := time.Since(t0)
		fmt.Fprintf(stdout, "seeded %s: %d interventions, %d operations, %d decisions in %s (%.0f rows/s)\n", p,
			len(src.Interventions), ops, len(src.Decisions), d.Round(time.Millisecond),
			float64(len(src.Interventions)+ops+len(src.Decisions)+len(src.Credits)+len(src.Repairers))/d.Seconds())
		return nil
	})
}
