package sample

import (
	"time"

	sb "savbilling"
)

// WorkedExample returns the domain rulebook's worked example: R1 (id 1, standard, active) closed
// interventions 101, 102, 103 in 2026-10 with commissions 40.00, 55.00, 30.00; original
// intervention 90 (R1, closed 2026-09-20 10:00 UTC, commission 50.00, already paid on R1's
// September statement); R2 (id 2, franchise, active) closed SAV 201 on 2026-10-12 (original 90)
// with operations corrective 35.00 + travel 10.00 (sav_related = 1) and a new chain 20.00
// (sav_related = 0); decision confirmed, no damage, decided 2026-10-12. Operations are 1001–1007;
// there is no customer credit and no override.
//
// Intervention 90 is in the rows: to get the example's figures for 2026-10 (R1: G 125.00,
// D 45.00, net HT 80.00; R2: G 65.00), close 2026-09 first (R1 earns 50.00 there).
func WorkedExample() sb.Source {
	utc := func(month time.Month, d, hh, mm int) time.Time { return at(2026, month, d, hh, mm) }
	r1, r2 := siret(79312001), siret(88120452)
	one := func(ivID, opID, repairer, customer int64, kind string, original int64, closed time.Time,
		label string, price, commission int64) sb.Intervention {
		return sb.Intervention{ID: ivID, RepairerID: repairer, CustomerID: customer, City: "Paris",
			Kind: kind, OriginalID: original, Status: sb.StatusClosed, ClosedAt: closed,
			Operations: []sb.Operation{{ID: opID, InterventionID: ivID, Label: label,
				PriceCents: price, CommissionCents: commission}}}
	}
	sav := one(201, 1005, 2, 9001, sb.KindSAV, 90, utc(time.October, 12, 14, 0),
		"Remplacement dérailleur arrière (corrective)", 4900, 3500)
	sav.Operations[0].SAVRelated = true
	sav.Operations = append(sav.Operations,
		sb.Operation{ID: 1006, InterventionID: 201, Label: travelLabel, PriceCents: 1500,
			CommissionCents: 1000, SAVRelated: true},
		sb.Operation{ID: 1007, InterventionID: 201, Label: "Changement de chaîne", PriceCents: 2900,
			CommissionCents: 2000})
	return sb.Source{
		Repairers: []sb.Repairer{
			{ID: 1, Name: "Éloïse Martin", Email: "eloise.martin@example.com",
				Address: "12 rue des Martyrs, 75009 Paris", SIRET: r1, VATNumber: vatNumber(r1),
				VATRegime: sb.VATStandard, Active: true},
			{ID: 2, Name: "François Nguyễn", Email: "francois.nguyen@example.com",
				Address: "5 rue de Belleville, 75019 Paris", SIRET: r2,
				VATRegime: sb.VATFranchise, Active: true},
		},
		Interventions: []sb.Intervention{
			one(90, 1001, 1, 9001, sb.KindStandard, 0, utc(time.September, 20, 10, 0),
				"Remplacement dérailleur arrière", 7000, 5000),
			one(101, 1002, 1, 9002, sb.KindStandard, 0, utc(time.October, 5, 9, 30),
				"Révision complète", 5600, 4000),
			one(102, 1003, 1, 9003, sb.KindStandard, 0, utc(time.October, 14, 15, 0),
				"Remplacement boîtier de pédalier", 7800, 5500),
			one(103, 1004, 1, 9004, sb.KindStandard, 0, utc(time.October, 22, 11, 0),
				"Purge freins hydrauliques", 4200, 3000),
			sav,
		},
		Decisions: []sb.Decision{{SAVID: 201, Outcome: sb.OutcomeConfirmed,
			DecidedAt: utc(time.October, 12, 13, 30), DecidedBy: "Camille Perrin (support)",
			Note: "Dérailleur mal réglé lors de l'intervention 90."}},
	}
}
