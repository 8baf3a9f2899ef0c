package reconcile

import (
	"testing"
	"time"

	sb "savbilling"
	"savbilling/sample"
)

// benchInput is the close of the last of two synthetic months (sample.Network) of repairers and
// interventions a month, as the store reads it in full: every closed intervention of the month
// with its operations, the SAVs with their decisions and originals, the credits.
func benchInput(tb testing.TB, repairers, interventions int) *sb.CloseInput {
	tb.Helper()
	last := sb.MustPeriod("2026-08")
	in := &sb.CloseInput{Period: last, Start: last.Start(sb.Paris), End: last.End(sb.Paris),
		ClosedAt: last.End(sb.Paris).Add(30 * time.Hour), Rules: sb.DefaultRules(), Issuer: sb.Issuer{Name: "Réseau"},
		Repairers: map[int64]sb.Repairer{}, LastStatementSeq: map[int64]int{}, Processed: map[int64]sb.SAVState{},
		LastClosed: last.Prev()}
	all := map[int64]sb.Intervention{}
	decisions := map[int64]sb.Decision{}
	var month []sb.Intervention
	err := sample.Network(sample.Options{Repairers: repairers, Interventions: interventions, Months: 2, Seed: 1, Last: last},
		func(p sb.Period, src sb.Source) error {
			for _, r := range src.Repairers {
				in.Repairers[r.ID] = r
			}
			for _, iv := range src.Interventions {
				bare := iv
				bare.Operations = nil
				all[iv.ID] = bare
			}
			for _, d := range src.Decisions {
				decisions[d.SAVID] = d
			}
			if p == last {
				month = src.Interventions
				for _, c := range src.Credits {
					in.Credits = append(in.Credits, c)
				}
			}
			return nil
		})
	if err != nil {
		tb.Fatal(err)
	}
	for _, iv := range month {
		if iv.Status != sb.StatusClosed || !iv.ClosedAt.Before(in.End) {
			continue
		}
		in.Interventions = append(in.Interventions, iv)
		if iv.Kind != sb.KindSAV {
			continue
		}
		c := sb.SAVCase{SAV: iv}
		if d, ok := decisions[iv.ID]; ok {
			c.Decision = &d
		}
		if o, ok := all[iv.OriginalID]; ok {
			c.Original = &o
		}
		in.SAVs = append(in.SAVs, c)
	}
	return in
}

// BenchmarkClose is the rules on an S-like month (2 000 repairers, 100 000 interventions):
// every intervention listed (what a dry run reads), or summed per repairer as the store does
// for a close (only the invalid ones listed).
func BenchmarkClose(b *testing.B) {
	in := benchInput(b, 2000, 100000)
	summed, _ := summedInput(in, func(sb.Intervention) bool { return true })
	for _, c := range []struct {
		name string
		in   *sb.CloseInput
	}{{"listed", in}, {"summed", summed}} {
		b.Run(c.name, func(b *testing.B) {
			var book *sb.Book
			for b.Loop() {
				var err error
				if book, err = Close(c.in); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(c.in.Interventions)+len(c.in.Summed)), "rows-in")
			b.ReportMetric(float64(len(book.Statements)), "statements")
		})
	}
}
