package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	sb "savbilling"
	"savbilling/scheduler"
)

// cmdSchedule runs the scheduler until SIGTERM or SIGINT. The first signal stops new ticks and
// lets a running close finish, then exits 0; a second one aborts the running close at once (its
// transaction rolls back, nothing is half-booked).
func cmdSchedule(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string, now func() time.Time) error {
	c := newFlags("schedule", stderr)
	spec := c.fs.String("cron", "", `cron spec (default "0 6 1 * *": 06:00 on the 1st)`)
	tz := c.fs.String("tz", "", "time zone of the cron spec (default Europe/Paris)")
	metrics := c.fs.String("metrics", "", "write a Prometheus textfile here after each close")
	cfg, err := c.parse(args, getenv)
	if err != nil {
		return err
	}
	cronKey := "schedule.cron"
	if *spec != "" {
		cfg.Schedule.Cron, cronKey = *spec, "--cron"
	}
	if *tz != "" {
		cfg.Schedule.TZ = *tz
	}
	if *metrics != "" {
		cfg.Schedule.Metrics = *metrics
	}
	loc, err := time.LoadLocation(cfg.Schedule.TZ)
	if err != nil {
		return usagef("--tz: %v", err)
	}
	if _, err := scheduler.ParseSpec(cfg.Schedule.Cron, now(), loc); err != nil {
		return usagef("%s: %v", cronKey, err)
	}
	var start sb.Period
	if cfg.Schedule.StartPeriod != "" {
		start = sb.MustPeriod(cfg.Schedule.StartPeriod) // validated with the configuration
	}
	c.logJSON = true // an unattended job logs JSON unless told otherwise
	j, err := c.start(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer j.DB.Close()
	j.FirstPeriod = start // schedule.start_period names the first period: explicit too
	log := j.Log
	s := &scheduler.Scheduler{Job: j, Spec: cfg.Schedule.Cron, Loc: loc, Start: start, Now: now, Log: log, Metrics: cfg.Schedule.Metrics,
		RenderRetry: cfg.Schedule.RenderRetry.Duration}
	if cfg.Schedule.Send {
		if s.AfterClose, err = scheduledSend(cfg, getenv, now, j.DB, log); err != nil {
			return err
		}
	}

	// ctx is cancelled by the first signal; a second one cancels work.
	work, abort := context.WithCancel(context.Background())
	defer abort()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		<-sigs
		<-sigs
		log.Warn("second signal: aborting the running close")
		abort()
	}()
	return s.Run(ctx, work)
}
