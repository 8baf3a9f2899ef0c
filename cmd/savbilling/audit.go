package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	sb "savbilling"
	"savbilling/store"
)

// cmdAudit finds in the whole source history (or from --since) what a close should have booked
// before the end of the last closed period and did not, older than the close's look-back
// included, and lists it for the next close (store.Tx.Audit; docs/rules.md, "The audit"). It
// takes the close lock, books nothing and writes no output.
func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	c := newFlags("audit", stderr)
	sinceFlag := c.fs.String("since", "", "audit the rows from this month on (YYYY-MM, Europe/Paris); default: the whole history")
	cfg, err := c.parse(args, getenv)
	if err != nil {
		return err
	}
	var since sb.Period
	if *sinceFlag != "" {
		if since, err = sb.ParsePeriod(*sinceFlag); err != nil {
			return usagef("--since: %v", err)
		}
	}
	log, err := newLogger(c.logFormat, stderr)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	t0 := time.Now()
	var res *store.AuditResult
	err = db.WithCloseLock(ctx, cfg.LockWait.Duration, func(ctx context.Context, tx *store.Tx) error {
		var err error
		res, err = tx.Audit(ctx, since)
		return err
	})
	if err != nil {
		return err
	}
	reportAudit(stdout, log, res, time.Since(t0))
	return nil
}

// auditLogKeys are the log keys of the counts of each kind of finding, in store's order.
var auditLogKeys = [...]string{"found_interventions", "found_savs_not_charged", "found_revised_decisions",
	"found_credits", "found_operations"}

// reportAudit prints what an audit found and its cost on w, and logs it as one line.
func reportAudit(w io.Writer, log *slog.Logger, res *store.AuditResult, took time.Duration) {
	scope := "the whole history"
	if !res.Since.IsZero() {
		scope = "the history from " + res.Since.String()
	}
	var scanned []string
	attrs := []any{"since", periodOrEmpty(res.Since), "last_closed", periodOrEmpty(res.LastClosed), "found", res.Total(),
		"listed", res.Listed, "oldest", periodOrEmpty(res.Oldest()), "duration_ms", took.Milliseconds()}
	for k, f := range res.Found {
		attrs = append(attrs, auditLogKeys[k], len(f.IDs))
	}
	for _, table := range []string{"interventions", "sav_decisions", "client_credits", "intervention_operations"} {
		scanned = append(scanned, fmt.Sprintf("%s %d", table, res.Scanned[table]))
		attrs = append(attrs, "scanned_"+table, res.Scanned[table])
	}
	cost := fmt.Sprintf("cost: %s, rows scanned: %s", took.Round(time.Millisecond), strings.Join(scanned, ", "))
	switch {
	case res.LastClosed.IsZero():
		fmt.Fprintf(w, "audit: no period is closed yet: there is nothing a close could have missed (the first close books the whole history)\n")
	case res.Total() == 0:
		fmt.Fprintf(w, "audit of %s up to the end of %s (the last closed period): nothing found; every row is booked or was read by a close\n",
			scope, res.LastClosed)
	default:
		fmt.Fprintf(w, "audit of %s up to the end of %s (the last closed period): %d found, the oldest of %s; %d newly listed in sb_source_pending\n",
			scope, res.LastClosed, res.Total(), periodOrUndated(res.Oldest()), res.Listed)
		for _, f := range res.Found {
			if len(f.IDs) == 0 {
				continue
			}
			fmt.Fprintf(w, "  %s: %d (oldest %s", f.Kind, len(f.IDs), periodOrUndated(f.Oldest))
			if f.Undated > 0 {
				fmt.Fprintf(w, ", %d without a readable time", f.Undated)
			}
			fmt.Fprintf(w, "), listed as %s\n", f.Source)
		}
		fmt.Fprintf(w, "  the next close (%s) books them, marked late, or holds those it cannot book as anomalies\n", res.LastClosed.Next())
	}
	fmt.Fprintf(w, "  %s\n", cost)
	log.Info("audit done", attrs...)
}

func periodOrUndated(p sb.Period) string {
	if p.IsZero() {
		return "no readable month"
	}
	return p.String()
}

// periodOrEmpty is p as YYYY-MM, "" when zero (a log value).
func periodOrEmpty(p sb.Period) string {
	if p.IsZero() {
		return ""
	}
	return p.String()
}
