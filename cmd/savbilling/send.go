package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/mail"
	"runtime/debug"
	"time"

	sb "savbilling"
	"savbilling/config"
	"savbilling/delivery"
	"savbilling/internal/progress"
	"savbilling/job"
	"savbilling/store"
	"savbilling/templates"
)

// cmdSend e-mails the documents of a closed period to the repairers (package delivery).
func cmdSend(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string, now func() time.Time) error {
	c := newFlags("send", stderr)
	period := periodFlag(c)
	smtpURL := c.fs.String("smtp", "", "SMTP server: smtp://[USER@]HOST[:PORT][?tls=none|starttls|tls] (or $SAVBILLING_SMTP, smtp.url)")
	dry := c.fs.Bool("dry-run", false, "write the messages as .eml files under DIR/YYYY-MM/mail-preview/, send nothing")
	cfg, err := c.parse(args, getenv)
	if err != nil {
		return err
	}
	if *smtpURL != "" {
		cfg.SMTP.URL = *smtpURL
	}
	p, err := parsePeriod(*period)
	if err != nil {
		return err
	}
	prog, logs := progress.ForStderr(stderr, getenv)
	defer prog.Done()
	log, err := newLogger(c.logFormat, logs)
	if err != nil {
		return err
	}
	opts, err := sendOptions(cfg, p, getenv, now, log, *dry)
	if err != nil {
		return err
	}
	opts.Progress = prog
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	// A send holds little (about 800 bytes a repairer) and makes a message's worth of garbage at
	// a time, while it waits on the network: collecting at half the default growth costs nothing
	// measurable and keeps its peak RSS flat with the network's size (docs/delivery.md).
	debug.SetGCPercent(50)
	res, err := sendPeriod(ctx, db, opts)
	prog.Done() // its last line ends before the report
	if res != nil {
		reportSend(stdout, res)
	}
	return err
}

// sendOptions builds the settings of a send from the configuration; a bad setting is a usage
// error (exit 2). The SMTP server is needed only when something is sent.
func sendOptions(cfg config.Config, p sb.Period, getenv func(string) string, now func() time.Time, log *slog.Logger, dry bool) (delivery.Options, error) {
	network, err := templates.LoadNetwork(cfg.Templates) // not Load: a send prints no document, needs no font
	if err != nil {
		return delivery.Options{}, usageError{err}
	}
	texts, err := templates.LoadMail(cfg.Templates)
	if err != nil {
		return delivery.Options{}, usageError{err}
	}
	issuer := cfg.Issuer(network)
	fromAddr := cfg.SMTP.From
	if fromAddr == "" {
		fromAddr = issuer.Email
	}
	if fromAddr == "" {
		return delivery.Options{}, usagef("smtp.from: no sender (set smtp.from, or network.email)")
	}
	from, err := mail.ParseAddress(fromAddr)
	if err != nil {
		return delivery.Options{}, usagef("smtp.from: %q is not an e-mail address: %v", fromAddr, err)
	}
	if from.Name == "" {
		from.Name = issuer.Name
	}
	o := delivery.Options{Period: p, Out: cfg.Out, From: from, Network: issuer.Name, Mail: texts, Rate: cfg.SMTP.Rate,
		MaxAttempts: cfg.SMTP.MaxAttempts, Backoff: cfg.SMTP.Backoff.Duration, DryRun: dry, Now: now, Log: log}
	if dry {
		return o, nil
	}
	if o.Server, err = delivery.ParseURL(cfg.SMTP.URL); err != nil {
		return o, usageError{err}
	}
	o.Password = getenv("SAVBILLING_SMTP_PASSWORD")
	switch {
	case o.Server.User != "" && o.Password == "":
		return o, usagef("the SMTP URL names the user %q: set its password in SAVBILLING_SMTP_PASSWORD", o.Server.User)
	case o.Server.User == "" && o.Password != "":
		return o, usagef("SAVBILLING_SMTP_PASSWORD is set but the SMTP URL names no user: write smtp://USER@HOST")
	}
	return o, nil
}

// sendPeriod runs a send; a period not closed is exit 4.
func sendPeriod(ctx context.Context, db *store.DB, o delivery.Options) (*delivery.Result, error) {
	res, err := delivery.Send(ctx, db, o)
	switch {
	case errors.Is(err, store.ErrNotClosed):
		return nil, fmt.Errorf("%w: %s is not closed: close it first (`savbilling close --period %s`)", job.ErrNotReady, o.Period, o.Period)
	case errors.Is(err, delivery.ErrIncomplete):
		return nil, fmt.Errorf("%w: run `savbilling render --period %s` first", err, o.Period)
	}
	return res, err
}

// reportSend prints what a send did: the counts, then every repairer not sent (domain only).
func reportSend(w io.Writer, res *delivery.Result) {
	if res.DryRun {
		fmt.Fprintf(w, "dry run of the send of %s: %d messages written in %s, nothing sent; %d repairers without a valid address\n",
			res.Period, res.Previewed, res.PreviewDir, res.NoAddress)
	} else {
		fmt.Fprintf(w, "send of %s: %d sent now, %d already sent, %d not sent, %d repairers without a valid address\n",
			res.Period, res.Sent, res.Already, res.Failed, res.NoAddress)
	}
	for _, l := range res.Lines {
		switch l.State {
		case store.SendAccepted, "aperçu":
			continue
		}
		who := fmt.Sprintf("repairer %d %s", l.RepairerID, l.Name)
		if l.Domain != "" {
			who += " (@" + l.Domain + ")"
		}
		if l.Answer != "" && l.Answer != l.State {
			fmt.Fprintf(w, "  %s: %s — %s\n", who, l.State, l.Answer)
		} else {
			fmt.Fprintf(w, "  %s: %s\n", who, l.State)
		}
	}
	if res.CSV != "" {
		fmt.Fprintf(w, "  report: %s\n", res.CSV)
	}
}

// scheduledSend is what `schedule` runs after each close when schedule.send is true: the send
// of that period. Its settings are checked at start (exit 2 when bad).
func scheduledSend(cfg config.Config, getenv func(string) string, now func() time.Time, db *store.DB, log *slog.Logger) (func(context.Context, sb.Period) error, error) {
	opts, err := sendOptions(cfg, sb.Period{}, getenv, now, log, false)
	if err != nil {
		return nil, fmt.Errorf("schedule.send: %w", err)
	}
	return func(ctx context.Context, p sb.Period) error {
		o := opts
		o.Period = p
		res, err := sendPeriod(ctx, db, o)
		if res != nil {
			log.Info("period sent", "period", p.String(), "sent", res.Sent, "already", res.Already, "failed", res.Failed,
				"no_address", res.NoAddress, "report", res.CSV)
		}
		return err
	}, nil
}
