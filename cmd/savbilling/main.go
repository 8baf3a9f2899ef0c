// Command savbilling is the monthly SAV billing job: it books the SAV charges of a month against
// the repairers' commissions, writes their PDF statements and the finance workbook.
//
//	savbilling migrate  [--db DB]
//	savbilling close    --period YYYY-MM [--db DB] [--out DIR] [--dry-run] [--lock-wait 30s] [--first-period] [--stages]
//	savbilling render   --period YYYY-MM [--db DB] [--out DIR] [--stages]
//	savbilling schedule [--cron "0 6 1 * *"] [--tz Europe/Paris] [--db DB] [--out DIR]
//	savbilling demo     [--db DB] [--out DIR]
//	savbilling send     --period YYYY-MM [--db DB] [--out DIR] [--smtp URL] [--dry-run]
//	savbilling audit    [--since YYYY-MM] [--db DB]
//
// Exit codes: 0 done (or --help), 1 failed (nothing half-written; a database that is down), 2 bad
// usage or configuration (a database without the job's schema too), 3 another run holds the
// lock, 4 the period cannot be closed yet, 5 booked and committed but the outputs are incomplete
// (disk full, folder removed…): run `savbilling render --period YYYY-MM`. Only migrate, demo and
// seed create a database.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"savbilling/job"
	"savbilling/store"
)

// Exit codes of the contract.
const (
	exitOK       = 0
	exitFailed   = 1
	exitUsage    = 2
	exitLocked   = 3
	exitNotReady = 4
	// exitIncomplete: the period is booked and committed, but its outputs are incomplete; the
	// message says to run `savbilling render --period YYYY-MM` (schedule retries it hourly).
	exitIncomplete = 5
)

// usageError is bad usage or configuration: exit 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	now, err := clock(os.Getenv("SAVBILLING_NOW"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "savbilling: %v\n", err)
		os.Exit(exitUsage)
	}
	setMemoryLimit(os.Getenv)
	stopProfiles := startProfiles(os.Getenv, os.Stderr)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv, now)
	stopProfiles()
	os.Exit(code)
}

// clock is the wall clock, or, for tests and rehearsals, the fixed instant SAVBILLING_NOW
// (RFC 3339, e.g. 2026-11-02T06:00:00Z): a close then dates its documents as if run then.
func clock(fixed string) (func() time.Time, error) {
	if fixed == "" {
		return time.Now, nil
	}
	t, err := time.Parse(time.RFC3339, fixed)
	if err != nil {
		return nil, fmt.Errorf("SAVBILLING_NOW: want an RFC 3339 instant such as 2026-11-02T06:00:00Z: %w", err)
	}
	return func() time.Time { return t }, nil
}

// run is the whole command, with its edges (arguments, streams, environment, clock) injected.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string, now func() time.Time) int {
	err := dispatch(ctx, args, stdout, stderr, getenv, now)
	if err == nil {
		return exitOK
	}
	var help helpRequested
	if errors.As(err, &help) {
		fmt.Fprint(stdout, help.text)
		return exitOK
	}
	fmt.Fprintf(stderr, "savbilling: %v\n", err)
	return exitCode(err)
}

func exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue), errors.Is(err, store.ErrBadDatabase), errors.Is(err, store.ErrNoSchema), errors.Is(err, job.ErrFirstPeriod):
		return exitUsage
	case errors.Is(err, store.ErrLocked):
		return exitLocked
	case errors.Is(err, job.ErrNotReady):
		return exitNotReady
	case errors.Is(err, job.ErrIncomplete):
		return exitIncomplete
	}
	return exitFailed
}

const usage = `usage:
  savbilling migrate  [--db DB]
  savbilling close    --period YYYY-MM [--db DB] [--out DIR] [--dry-run] [--lock-wait DURATION] [--first-period] [--stages]
  savbilling render   --period YYYY-MM [--db DB] [--out DIR] [--stages]
  savbilling schedule [--cron "0 6 1 * *"] [--tz Europe/Paris] [--db DB] [--out DIR]
  savbilling demo     [--db DB] [--out DIR]
  savbilling send     --period YYYY-MM [--db DB] [--out DIR] [--smtp URL] [--dry-run]
  savbilling audit    [--since YYYY-MM] [--db DB]
  savbilling seed     --repairers N --interventions M --months K [--seed S] [--db DB]

Every command also takes --config FILE (default savbilling.toml when present), --templates DIR
and --log-format text|json. DB is sqlite:PATH (default sqlite:savbilling.db) or mysql:DSN;
SAVBILLING_DB, SAVBILLING_OUT and SAVBILLING_CONFIG set them from the environment;
SAVBILLING_NOW (RFC 3339) fixes the clock, for tests and rehearsals. Only migrate and demo
create a database: the other commands refuse one without the job's schema (exit 2).
savbilling COMMAND --help describes a command.`

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string, now func() time.Time) error {
	if len(args) == 0 {
		return usagef("no command\n%s", usage)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "migrate":
		return cmdMigrate(ctx, rest, stdout, stderr, getenv)
	case "close":
		return cmdClose(ctx, rest, stdout, stderr, getenv, now)
	case "render":
		return cmdRender(ctx, rest, stdout, stderr, getenv)
	case "schedule":
		return cmdSchedule(ctx, rest, stdout, stderr, getenv, now)
	case "demo":
		return cmdDemo(ctx, rest, stdout, stderr, getenv, now)
	case "send":
		return cmdSend(ctx, rest, stdout, stderr, getenv, now)
	case "seed":
		return cmdSeed(ctx, rest, stdout, stderr, getenv)
	case "audit":
		return cmdAudit(ctx, rest, stdout, stderr, getenv)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return usagef("unknown command %q\n%s", cmd, usage)
}

// newLogger returns the run's logger on stderr.
func newLogger(format string, w io.Writer) (*slog.Logger, error) {
	switch format {
	case "text", "":
		return driverLogs(slog.New(slog.NewTextHandler(w, nil))), nil
	case "json":
		return driverLogs(slog.New(slog.NewJSONHandler(w, nil))), nil
	}
	return nil, usagef("--log-format: want text or json, got %q", format)
}

// driverLogs makes l the logger of the MySQL driver's own lines too (they would otherwise be
// raw lines on stderr, breaking JSON logs), and returns l.
func driverLogs(l *slog.Logger) *slog.Logger {
	store.SetDriverLogger(l)
	return l
}
