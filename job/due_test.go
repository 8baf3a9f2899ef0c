package job

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	sb "savbilling"
)

func TestDue(t *testing.T) {
	P := sb.MustPeriod
	utc := func(s string) time.Time {
		v, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name        string
		last, start sb.Period
		now         time.Time
		want        []sb.Period
	}{
		{"nothing closed, no data", sb.Period{}, sb.Period{}, utc("2026-11-27 10:00:00"), nil},
		{"first run catches up from the first data", sb.Period{}, P("2026-08"), utc("2026-11-27 10:00:00"),
			[]sb.Period{P("2026-08"), P("2026-09"), P("2026-10")}},
		{"up to date", P("2026-10"), P("2026-01"), utc("2026-11-27 10:00:00"), nil},
		{"down on the 1st: two months missed", P("2026-08"), sb.Period{}, utc("2026-11-02 06:00:00"),
			[]sb.Period{P("2026-09"), P("2026-10")}},
		// October ends at 2026-10-31 23:00 UTC (Paris leaves summer time on the 25th).
		{"DST boundary: one second before the end of October", P("2026-09"), sb.Period{}, utc("2026-10-31 22:59:59"), nil},
		{"DST boundary: at the end of October", P("2026-09"), sb.Period{}, utc("2026-10-31 23:00:00"), []sb.Period{P("2026-10")}},
		// March ends at 2027-03-31 22:00 UTC (summer time since the 28th).
		{"summer time: end of March", P("2027-02"), sb.Period{}, utc("2027-03-31 22:00:00"), []sb.Period{P("2027-03")}},
		{"summer time: just before", P("2027-02"), sb.Period{}, utc("2027-03-31 21:59:59"), nil},
		{"year boundary", P("2026-11"), sb.Period{}, utc("2026-12-31 23:00:00"), []sb.Period{P("2026-12")}},
		{"start after data is ignored once closed", P("2026-05"), P("2026-09"), utc("2026-08-01 00:00:00"), []sb.Period{P("2026-06"), P("2026-07")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Due(tt.last, tt.start, tt.now)); diff != "" {
				t.Errorf("Due (-want +got):\n%s", diff)
			}
		})
	}
}
