package scheduler

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"savbilling/internal/atomicfile"
	"savbilling/job"
)

// writeMetrics writes the Prometheus textfile-collector file of the last successful close.
func writeMetrics(path string, now time.Time, d time.Duration, m *job.Manifest) error {
	_, err := atomicfile.Write(path, func(w io.Writer) error {
		gauges := []struct {
			name, help string
			value      float64
		}{
			{"savbilling_last_success_timestamp_seconds", "Unix time of the last successful close.", float64(now.Unix())},
			{"savbilling_close_duration_seconds", "Duration of the last successful close, rendering included.", d.Seconds()},
			{"savbilling_statements", "Statements issued by the last close.", float64(m.Statements)},
			{"savbilling_invoices", "Invoices issued by the last close.", float64(m.Invoices)},
			{"savbilling_anomalies", "Anomalies listed by the last close.", float64(m.Exceptions)},
			{"savbilling_pending", "SAV pending a decision at the last close.", float64(m.Pending)},
		}
		for _, g := range gauges {
			if _, err := fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s{period=%q} %s\n", g.name, g.help, g.name, g.name, m.Period, strconv.FormatFloat(g.value, 'f', -1, 64)); err != nil {
				return err
			}
		}
		return nil
	})
	return err
}
