package job

import (
	"time"

	sb "savbilling"
)

// Due returns the periods to close at instant now, oldest first: every ended period after the
// last closed one; when none was ever closed, every ended period from start on. It returns none
// when there is no last closed period and no start (a database without data).
func Due(last, start sb.Period, now time.Time) []sb.Period {
	lastEnded := sb.PeriodOf(now, sb.Paris).Prev()
	from := start
	if !last.IsZero() {
		from = last.Next()
	}
	if from.IsZero() {
		return nil
	}
	var out []sb.Period
	for p := from; !lastEnded.Before(p); p = p.Next() {
		out = append(out, p)
	}
	return out
}
