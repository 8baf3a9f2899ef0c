package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	sb "savbilling"
	"savbilling/frfmt"
	"savbilling/internal/progress"
	"savbilling/job"
	"savbilling/store"
)

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	c := newFlags("migrate", stderr)
	cfg, err := c.parse(args, getenv)
	if err != nil {
		return err
	}
	if _, err := newLogger(c.logFormat, stderr); err != nil { // the MySQL driver's lines
		return err
	}
	db, err := createDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(stdout, "migrated %s\n", store.Redact(cfg.DB))
	return nil
}

func periodFlag(c *common) *string {
	return c.fs.String("period", "", "the period, YYYY-MM")
}

func parsePeriod(s string) (sb.Period, error) {
	if s == "" {
		return sb.Period{}, usagef("--period YYYY-MM is required")
	}
	p, err := sb.ParsePeriod(s)
	if err != nil {
		return p, usageError{err}
	}
	return p, nil
}

func cmdClose(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string, now func() time.Time) error {
	c := newFlags("close", stderr)
	period := periodFlag(c)
	dry := c.fs.Bool("dry-run", false, "compute and write drafts under DIR/YYYY-MM/draft/, book nothing")
	stages := c.fs.Bool("stages", false, "print how long each stage took (read, compute, book, pdf, workbook, manifest)")
	first := c.fs.Bool("first-period", false, "confirm that --period is the database's first close, even more than 24 months ago (no effect once a period is closed)")
	cfg, err := c.parse(args, getenv)
	if err != nil {
		return err
	}
	p, err := parsePeriod(*period)
	if err != nil {
		return err
	}
	prog, logs := progress.ForStderr(stderr, getenv)
	defer prog.Done()
	j, err := c.start(ctx, cfg, logs)
	if err != nil {
		return err
	}
	defer j.DB.Close()
	j.Progress = prog
	if *first {
		j.FirstPeriod = p
	}
	res, err := j.Close(ctx, p, now(), *dry)
	prog.Done() // its last line ends before the report, on a terminal that shows both
	if err != nil {
		return err
	}
	report(stdout, res)
	if *stages {
		fmt.Fprintf(stdout, "stages: %s\n", res.Stages)
	}
	return nil
}

func cmdRender(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	c := newFlags("render", stderr)
	period := periodFlag(c)
	stages := c.fs.Bool("stages", false, "print how long each stage took (pdf, workbook, manifest)")
	cfg, err := c.parse(args, getenv)
	if err != nil {
		return err
	}
	p, err := parsePeriod(*period)
	if err != nil {
		return err
	}
	prog, logs := progress.ForStderr(stderr, getenv)
	defer prog.Done()
	j, err := c.start(ctx, cfg, logs)
	if err != nil {
		return err
	}
	defer j.DB.Close()
	j.Progress = prog
	res, err := j.Render(ctx, p)
	prog.Done()
	if res != nil && res.Restore != nil {
		reportRestore(stdout, res)
	}
	if err != nil {
		return err
	}
	report(stdout, res)
	if *stages {
		fmt.Fprintf(stdout, "stages: %s\n", res.Stages)
	}
	return nil
}

// reportRestore prints what a render of a period that issued its documents did to them.
func reportRestore(w io.Writer, res *job.Result) {
	r := res.Restore
	fmt.Fprintf(w, "%s: %d issued files intact, %d restored with the bytes issued, %d not reproduced (left as they are)\n",
		res.Period, len(r.Intact), len(r.Restored), len(r.Refused))
	for _, p := range r.Restored {
		fmt.Fprintf(w, "  restored %s\n", p)
	}
	for _, p := range r.Refused {
		fmt.Fprintf(w, "  NOT reproduced: %s\n", p)
	}
	for _, p := range r.Skipped {
		fmt.Fprintf(w, "  not written (not issued for this period): %s\n", p)
	}
}

// report prints what a close or render did, for the operator.
func report(w io.Writer, res *job.Result) {
	if res.AlreadyClosed && res.Completed {
		fmt.Fprintf(w, "%s was already closed, but its outputs were incomplete (a run was cut): rendered them again from the ledger\n", res.Period)
	} else if res.AlreadyClosed {
		fmt.Fprintf(w, "%s was already closed: nothing changed (outputs in %s; `savbilling render --period %s` rewrites them)\n", res.Period, res.Dir, res.Period)
		return
	}
	verb := "closed"
	switch {
	case res.DryRun:
		verb = "dry run of"
	case res.Manifest != nil && res.Stages.Book == 0:
		verb = "rendered"
	}
	m := res.Manifest
	fmt.Fprintf(w, "%s %s: %d statements, %d invoices, %d anomalies, %d pending SAV\n", verb, res.Period, m.Statements, m.Invoices, m.Exceptions, m.Pending)
	t := m.Totals
	fmt.Fprintf(w, "  commissions %s, SAV deductions %s, installments %s, net HT %s, VAT %s, spread %s, invoiced %s\n",
		frfmt.FormatEUR(t.GrossCents), frfmt.FormatEUR(t.DeductionsCents), frfmt.FormatEUR(t.InstallmentsCents),
		frfmt.FormatEUR(t.NetCents), frfmt.FormatEUR(t.VATCents), frfmt.FormatEUR(t.SpreadCents), frfmt.FormatEUR(t.InvoicedCents))
	fmt.Fprintf(w, "  indemnities (outside VAT) %s, net à payer %s, debit notes %s\n",
		frfmt.FormatEUR(t.IndemnitiesCents), frfmt.FormatEUR(t.PayableCents), frfmt.FormatEUR(t.DebitNotesCents))
	fmt.Fprintf(w, "  %d files in %s (manifest.json)\n", len(m.Files), res.Dir)
	if len(res.Missing) > 0 {
		fmt.Fprintf(w, "  NOT produced: %s\n", strings.Join(res.Missing, "; "))
	}
}
