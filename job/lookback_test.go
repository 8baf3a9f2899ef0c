package job

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"savbilling/internal/dbtest"
)

// The job passes its look-back to the close and logs, at the end of the read stage, what the
// read examined (one line): a close whose earlier months did not move re-reads none of them.
func TestTheCloseLogsWhatItsReadExamined(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			j, _ := setup(t, e)
			j.LookbackMonths = 30
			var logs bytes.Buffer
			j.Log = slog.New(slog.NewTextHandler(&logs, nil))
			mustClose(t, j, sep)
			res := mustClose(t, j, oct)
			rs := res.ReadStats
			if rs.LookbackMonths != 30 || rs.MonthsChecked != 3*31 || len(rs.MonthsReread) != 0 {
				t.Errorf("October's read: look-back %d, %d fingerprints, re-read %v; want 30, 3×31, none",
					rs.LookbackMonths, rs.MonthsChecked, rs.MonthsReread)
			}
			var lines []string
			for l := range strings.Lines(logs.String()) {
				if strings.Contains(l, "msg=read ") && strings.Contains(l, "period=2026-10") {
					lines = append(lines, l)
				}
			}
			if len(lines) != 1 || !strings.Contains(lines[0], "lookback_months=30") || !strings.Contains(lines[0], "months_reread=0") {
				t.Errorf("October's read logged %q, want one line with lookback_months=30 and months_reread=0", lines)
			}
		})
	}
}
