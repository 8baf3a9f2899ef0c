package reports

import (
	"time"

	sb "savbilling"
)

var (
	october  = sb.MustPeriod("2026-10")
	closedAt = time.Date(2026, 11, 2, 5, 30, 0, 0, time.UTC) // 06:30 in Paris
	issuedOn = sb.Date(2026, 11, 2)
)

func party(id int64, name, regime string) sb.Party {
	return sb.Party{ID: id, Name: name, VATRegime: regime, SIRET: "12345678900011"}
}

func at(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }

// workedExample is the book of the domain's worked example, period 2026-10: R1 (standard)
// earns 125.00 and is charged 45.00 for SAV 201 done by R2 (franchise) on R1's intervention 90.
func workedExample() *sb.Book {
	r1 := sb.Statement{
		Number: "REL-1-2026-0010", Seq: 10, Repairer: party(1, "Atelier Rive Gauche", sb.VATStandard),
		Period: october, IssuedOn: issuedOn, PaymentOn: sb.Date(2026, 11, 17),
		Commissions: []sb.CommissionLine{
			{InterventionID: 101, RepairerID: 1, Kind: sb.KindStandard, City: "Lyon", ClosedAt: at(2026, 10, 3, 9), Operations: 1, AmountCents: 4000},
			{InterventionID: 102, RepairerID: 1, Kind: sb.KindStandard, City: "Lyon", ClosedAt: at(2026, 10, 8, 9), Operations: 1, AmountCents: 5500},
			{InterventionID: 103, RepairerID: 1, Kind: sb.KindStandard, City: "Lyon", ClosedAt: at(2026, 10, 21, 9), Operations: 1, AmountCents: 3000},
		},
		SAV: []sb.SAVLine{{
			SAVID: 201, OriginalID: 90, SAVRepairerID: 2, RepairerID: 1, Type: sb.LineCharge,
			Outcome: sb.OutcomeConfirmed, ChargeBP: 10000, CorrectiveCents: 4500, AmountCents: 4500,
		}},
		GrossCents: 12500, DeductionsCents: 4500, AvailableCents: 8000, NetHTCents: 8000,
		VATRateBP: 2000, VATCents: 1600, NetTTCCents: 9600,
	}
	r2 := sb.Statement{
		Number: "REL-2-2026-0007", Seq: 7, Repairer: party(2, "Cycles Łukasz & Fils", sb.VATFranchise),
		Period: october, IssuedOn: issuedOn, PaymentOn: sb.Date(2026, 11, 17),
		Commissions: []sb.CommissionLine{
			{InterventionID: 201, RepairerID: 2, Kind: sb.KindSAV, City: "Villeurbanne", ClosedAt: at(2026, 10, 12, 14), Operations: 3, AmountCents: 6500},
		},
		GrossCents: 6500, AvailableCents: 6500, NetHTCents: 6500, NetTTCCents: 6500,
	}
	return &sb.Book{
		Period: october, ClosedAt: closedAt, IssuedOn: issuedOn,
		Issuer:     sb.Issuer{Name: "Réseau Vélo SAS"},
		Statements: []sb.Statement{r1, r2},
	}
}

// richBook is the worked example plus a repairer whose overflow is spread (R3, with a claim),
// an inactive one whose overflow and old plan balance are invoiced (R4), one paying an
// installment (R5), goodwill, anomalies and a pending SAV. It balances: no cent is lost.
func richBook() *sb.Book {
	b := workedExample()
	r3 := sb.Statement{
		Number: "REL-3-2026-0004", Seq: 4, Repairer: party(3, "Vélo <Express>", sb.VATStandard),
		Period: october, IssuedOn: issuedOn, PaymentOn: sb.Date(2026, 11, 17),
		Commissions: []sb.CommissionLine{
			{InterventionID: 104, RepairerID: 3, Kind: sb.KindStandard, City: "Paris", ClosedAt: at(2026, 10, 5, 10), Operations: 2, AmountCents: 3000},
		},
		SAV: []sb.SAVLine{
			{SAVID: 202, OriginalID: 95, SAVRepairerID: 5, RepairerID: 3, Type: sb.LineCharge,
				Outcome: sb.OutcomePartial, ChargeBP: 3333, CorrectiveCents: 15002, AmountCents: 5000},
			{SAVID: 202, OriginalID: 95, SAVRepairerID: 5, RepairerID: 3, Type: sb.LineDeductible,
				Outcome: sb.OutcomePartial, ChargeBP: 3333, CorrectiveCents: 15002, DamageCents: 30000, AmountCents: 20000},
		},
		GrossCents: 3000, DeductionsCents: 25000, OverflowCents: 22000, VATRateBP: 2000,
		SpreadCents: 22000,
	}
	r4 := sb.Statement{
		Number: "REL-4-2026-0009", Seq: 9, Repairer: party(4, "Garage du Nord", sb.VATStandard),
		Period: october, IssuedOn: issuedOn, PaymentOn: sb.Date(2026, 11, 17),
		Commissions: []sb.CommissionLine{
			{InterventionID: 105, RepairerID: 4, Kind: sb.KindStandard, City: "Marseille", ClosedAt: at(2026, 9, 28, 10), Operations: 1, AmountCents: 1000, Late: true},
		},
		SAV: []sb.SAVLine{
			{SAVID: 203, OriginalID: 96, SAVRepairerID: 5, RepairerID: 4, Type: sb.LineCharge,
				Outcome: sb.OutcomeConfirmed, ChargeBP: 10000, CorrectiveCents: 3000, AmountCents: 3000},
			{SAVID: 203, OriginalID: 96, SAVRepairerID: 5, RepairerID: 4, Type: sb.LineSettlement,
				Outcome: sb.OutcomeConfirmed, ChargeBP: 10000, CorrectiveCents: 3000, DamageCents: 2500, AmountCents: 2500},
		},
		GrossCents: 1000, DeductionsCents: 5500, OverflowCents: 4500, VATRateBP: 2000,
		InvoicedCents: 5500, InvoiceNumber: "FAC-2026-000012",
	}
	r5 := sb.Statement{
		Number: "REL-5-2026-0002", Seq: 2, Repairer: party(5, "Nguyễn Cycles", sb.VATStandard),
		Period: october, IssuedOn: issuedOn, PaymentOn: sb.Date(2026, 11, 17),
		Commissions: []sb.CommissionLine{
			{InterventionID: 202, RepairerID: 5, Kind: sb.KindSAV, City: "Paris", ClosedAt: at(2026, 10, 9, 10), Operations: 2, AmountCents: 2000},
			{InterventionID: 106, RepairerID: 5, Kind: sb.KindStandard, City: "Paris", ClosedAt: at(2026, 10, 19, 10), Operations: 1, AmountCents: 3000},
		},
		SAV: []sb.SAVLine{
			// SAV 204 was charged in September; support changed its decision to unconfirmed.
			{SAVID: 204, OriginalID: 97, SAVRepairerID: 1, RepairerID: 5, Type: sb.LineAdjustment,
				Outcome: sb.OutcomeUnconfirmed, CorrectiveCents: 1500, AmountCents: -1500},
		},
		Installments: []sb.InstallmentLine{
			{PlanID: "ECH-5-2026-09", RepairerID: 5, Number: 2, Of: 3, DueCents: 2000, PaidCents: 2000},
		},
		GrossCents: 5000, DeductionsCents: -1500, AvailableCents: 6500, InstallmentsCents: 2000,
		NetHTCents: 4500, VATRateBP: 2000, VATCents: 900, NetTTCCents: 5400,
	}
	b.Statements = append(b.Statements, r3, r4, r5)
	b.Invoices = []sb.Invoice{{
		Number: "FAC-2026-000012", Seq: 12, Repairer: r4.Repairer, Period: october,
		IssuedOn: issuedOn, DueOn: sb.Date(2026, 12, 2),
		Lines: []sb.InvoiceLine{
			{Kind: sb.InvoiceOverflow, AmountCents: 4500},
			{Kind: sb.InvoicePlanBalance, PlanID: "ECH-4-2026-07", AmountCents: 1000},
		},
		HTCents: 5500, VATRateBP: 2000, VATCents: 1100, TTCCents: 6600,
	}}
	b.Plans = []sb.Plan{
		{ID: "ECH-4-2026-07", RepairerID: 4, CreatedIn: sb.MustPeriod("2026-07"), Months: 3,
			TotalCents: 3000, PaidCents: 2000, InvoicedCents: 1000, ClosedIn: october},
		{ID: "ECH-5-2026-09", RepairerID: 5, CreatedIn: sb.MustPeriod("2026-09"), Months: 3,
			TotalCents: 6000, PaidCents: 4000},
		{ID: "ECH-3-2026-10", RepairerID: 3, CreatedIn: october, Months: 3, TotalCents: 22000},
	}
	b.Claims = []sb.Claim{
		{SAVID: 202, RepairerID: 3, Policy: sb.PolicyUmbrella, DamageCents: 30000, DeductibleCents: 20000, ClaimCents: 10000},
	}
	b.Goodwill = []sb.Goodwill{
		{CreditID: 7001, SAVID: 204, AmountCents: 400, GrantedAt: at(2026, 10, 14, 23), Reason: "geste SAV non confirmé",
			Outcome: sb.OutcomeUnconfirmed, BorneByNetwork: true, Fits: true},
		{CreditID: 7002, SAVID: 201, AmountCents: 1500, GrantedAt: at(2026, 10, 12, 16), Reason: "remboursement déplacement",
			Outcome: sb.OutcomeConfirmed, Fits: false, Note: "un SAV pris en charge ne donne pas lieu à avoir"},
	}
	b.Anomalies = []sb.Anomaly{
		{Item: "intervention 150", RepairerID: 99, Reason: "réparateur inconnu", Fix: "créer le réparateur 99 ou corriger l'intervention", Blocking: true},
		{Item: "SAV 203", RepairerID: 4, Reason: "intervention d'origine close plus de 90 jours avant le SAV", Fix: "vérifier la garantie", Blocking: false},
	}
	b.Pending = []sb.PendingSAV{
		{SAVID: 205, OriginalID: 98, SAVRepairerID: 2, ClosedAt: at(2026, 10, 20, 8), AgeDays: 11},
	}
	return b
}

// previousTotals are made-up totals of 2026-09.
func previousTotals() *sb.Totals {
	return &sb.Totals{
		Statements: 4, Invoices: 0, Anomalies: 1, Blocking: 0, Pending: 2,
		GrossCents: 20000, DeductionsCents: 7500, ChargesCents: 7500,
		InstallmentsCents: 1000, NetCents: 11500, VATCents: 2300, NetTTCCents: 13800,
		SpreadCents: 6000, OverflowCents: 6000, OffsetCents: 1500,
		PlanBalancesBeforeCents: 3000, PlanBalancesAfterCents: 8000,
	}
}
