package reconcile

import (
	"fmt"
	"time"

	sb "savbilling"
)

var oct = sb.MustPeriod("2026-10")

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func ptr[T any](v T) *T { return &v }

// input returns an empty close of p with the default rules, closed on the 2nd of the next month.
func input(p sb.Period, repairers ...sb.Repairer) *sb.CloseInput {
	in := &sb.CloseInput{Period: p, Start: p.Start(sb.Paris), End: p.End(sb.Paris),
		ClosedAt: p.End(sb.Paris).Add(30 * time.Hour), Rules: sb.DefaultRules(),
		Repairers: map[int64]sb.Repairer{}, LastStatementSeq: map[int64]int{}, LastClosed: p.Prev()}
	for _, r := range repairers {
		in.Repairers[r.ID] = r
	}
	return in
}

// repairer is an active repairer whose identity makes a valid e-invoice (a SIRET passing Luhn).
func repairer(id int64, regime string) sb.Repairer {
	return sb.Repairer{ID: id, Name: "Réparateur " + itoa(int(id)), VATRegime: regime, Active: true, SIRET: testSIRET(id)}
}

// testSIRET is a 14-digit SIRET passing Luhn, distinct for each id below 10^8.
func testSIRET(id int64) string {
	head := fmt.Sprintf("9%08d0001", id%100000000)
	for d := byte('0'); d <= '9'; d++ {
		if s := head + string(d); sb.SIRETChecksumOK(s) {
			return s
		}
	}
	panic("unreachable")
}

// job is a closed standard intervention with one operation of the given commission.
func job(id, repairer int64, closed string, commission int64) sb.Intervention {
	return sb.Intervention{ID: id, RepairerID: repairer, Kind: sb.KindStandard, Status: sb.StatusClosed,
		ClosedAt: at(closed), City: "Paris",
		Operations: []sb.Operation{{ID: id * 10, InterventionID: id, PriceCents: commission * 3 / 2, CommissionCents: commission}}}
}

// workedExample is the rulebook's worked example, with decision d on SAV 201.
func workedExample(d sb.Decision) *sb.CloseInput {
	in := input(oct, repairer(1, sb.VATStandard), repairer(2, sb.VATFranchise))
	sav := sb.Intervention{ID: 201, RepairerID: 2, Kind: sb.KindSAV, OriginalID: 90, Status: sb.StatusClosed,
		ClosedAt: at("2026-10-12 15:00"), City: "Lyon", Operations: []sb.Operation{
			{ID: 2011, InterventionID: 201, Label: "Reprise du réglage", PriceCents: 5000, CommissionCents: 3500, SAVRelated: true},
			{ID: 2012, InterventionID: 201, Label: "Frais de déplacement", PriceCents: 1500, CommissionCents: 1000, SAVRelated: true},
			{ID: 2013, InterventionID: 201, Label: "Chaîne neuve", PriceCents: 3000, CommissionCents: 2000},
		}}
	orig := job(90, 1, "2026-09-20 10:00", 5000)
	in.Interventions = []sb.Intervention{
		job(101, 1, "2026-10-05 09:00", 4000), job(102, 1, "2026-10-06 09:00", 5500),
		job(103, 1, "2026-10-07 09:00", 3000), sav,
	}
	d.SAVID = 201
	if d.DecidedAt.IsZero() {
		d.DecidedAt = at("2026-10-12 16:00")
	}
	in.SAVs = []sb.SAVCase{{SAV: sav, Decision: &d, Original: &orig}}
	return in
}
