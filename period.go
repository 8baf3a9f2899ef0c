// Package savbilling holds the domain of the monthly SAV billing job: the source facts read from
// the marketplace (repairers, interventions, operations, support decisions, customer credits),
// the booked ledger of a closed period (statements, SAV lines, installment plans, invoices,
// insurance claims, anomalies) and the configuration of the rules.
//
// It has no behaviour beyond small value helpers. The rules live in package reconcile, the
// database in package store, the documents in packages invoices and reports.
package savbilling

import (
	"fmt"
	"time"
	_ "time/tzdata" // embed the zone database: the job must run in a bare container
)

// Paris is the Europe/Paris zone in which periods, issue dates and schedules are reckoned.
var Paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("load time zone %s: %v", name, err))
	}
	return loc
}

// Period is a calendar month in Europe/Paris, written YYYY-MM.
type Period struct {
	Year  int
	Month time.Month
}

// ParsePeriod reads a period written YYYY-MM.
func ParsePeriod(s string) (Period, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || len(s) != 7 {
		return Period{}, fmt.Errorf("period %q: want YYYY-MM, e.g. 2026-10", s)
	}
	return Period{Year: t.Year(), Month: t.Month()}, nil
}

// MustPeriod is ParsePeriod for literals known to be valid; it panics otherwise.
func MustPeriod(s string) Period {
	p, err := ParsePeriod(s)
	if err != nil {
		panic(err)
	}
	return p
}

// PeriodOf returns the period that contains instant t, reckoned in loc.
func PeriodOf(t time.Time, loc *time.Location) Period {
	t = t.In(loc)
	return Period{Year: t.Year(), Month: t.Month()}
}

// String writes the period as YYYY-MM.
func (p Period) String() string { return fmt.Sprintf("%04d-%02d", p.Year, int(p.Month)) }

// IsZero reports whether p is the zero Period.
func (p Period) IsZero() bool { return p.Year == 0 && p.Month == 0 }

// Index counts months since year 0; consecutive periods have consecutive indexes.
func (p Period) Index() int { return p.Year*12 + int(p.Month) - 1 }

// AddMonths returns the period n months after p (before it when n < 0).
func (p Period) AddMonths(n int) Period {
	i := p.Index() + n
	return Period{Year: i / 12, Month: time.Month(i%12 + 1)}
}

// Next returns the month after p.
func (p Period) Next() Period { return p.AddMonths(1) }

// Prev returns the month before p.
func (p Period) Prev() Period { return p.AddMonths(-1) }

// Before reports whether p comes before q.
func (p Period) Before(q Period) bool { return p.Index() < q.Index() }

// MonthsSince returns how many months p comes after q (negative when before).
func (p Period) MonthsSince(q Period) int { return p.Index() - q.Index() }

// Start returns the first instant of the period (local midnight on the 1st in loc), in UTC.
func (p Period) Start(loc *time.Location) time.Time {
	return time.Date(p.Year, p.Month, 1, 0, 0, 0, 0, loc).UTC()
}

// End returns the first instant after the period (local midnight on the 1st of the next month
// in loc), in UTC. Facts count for the period when their timestamp is strictly before End.
func (p Period) End(loc *time.Location) time.Time { return p.Next().Start(loc) }

// Date returns the calendar day y-m-d as midnight UTC, the form in which the ledger keeps dates
// (issue dates, due dates) that have no time of day.
func Date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// DayIn returns the calendar day of instant t in loc, as a Date.
func DayIn(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return Date(t.Year(), t.Month(), t.Day())
}
