package invoices

import (
	"fmt"
	"time"

	sb "savbilling"
)

// The worked example of the domain rulebook, period 2026-10, as booked ledgers.

var (
	oct    = sb.MustPeriod("2026-10")
	closed = time.Date(2026, 11, 1, 5, 0, 0, 0, time.UTC) // 06:00 in Paris on the 1st
	issued = sb.Date(2026, 11, 1)
)

func issuer() sb.Issuer {
	return sb.Issuer{
		Name:      "Réseau Vélo Services",
		LegalForm: "SAS au capital de 10 000 €",
		Address:   "12 rue de l'Exemple\n75011 Paris",
		SIRET:     "90123456700017",
		VATNumber: "FR52901234567",
		RCS:       "RCS Paris 901 234 567",
		Email:     "finance@example.fr",
		IBAN:      "FR76 3000 6000 0112 3456 7890 189",
		BIC:       "AGRIFRPPXXX",
	}
}

// r1 is R1 of the worked example: standard VAT regime.
func r1() sb.Party {
	return sb.Party{ID: 1, Name: "Atelier Cyclœ — Élodie Lefèvre", Email: "elodie@example.fr",
		Address: "3 place de l'Église\n69002 Lyon", SIRET: "81234567800021", VATNumber: "FR40812345678",
		VATRegime: sb.VATStandard}
}

// r2 is R2 of the worked example: franchise en base.
func r2() sb.Party {
	return sb.Party{ID: 2, Name: "Jérôme Garçon", Email: "jerome@example.fr",
		Address: "18 avenue Jean-Jaurès, 13001 Marseille", SIRET: "89876543200018",
		VATRegime: sb.VATFranchise}
}

func commission(id, repairer int64, day int, city string, ops int, cents int64) sb.CommissionLine {
	return sb.CommissionLine{InterventionID: id, RepairerID: repairer, Kind: sb.KindStandard, City: city,
		ClosedAt: time.Date(2026, 10, day, 15, 30, 0, 0, time.UTC), Operations: ops, AmountCents: cents}
}

// r1Commissions are R1's October interventions 101, 102 (services over several lines of their
// cell) and 103 (an operation without a label: no services).
func r1Commissions() []sb.CommissionLine {
	c := []sb.CommissionLine{
		commission(101, 1, 3, "Lyon", 2, 4000),
		commission(102, 1, 14, "Villeurbanne", 3, 5500),
		commission(103, 1, 27, "Saint-Étienne", 1, 3000),
	}
	c[0].Services = "Changement de chaîne, Frais de déplacement"
	c[1].Services = servicesR1102
	return c
}

// servicesR1102 are the services of R1's intervention 102.
const servicesR1102 = "Révision de la transmission (dérailleur arrière, câbles et gaines), " +
	"Remplacement des plaquettes de frein avant et arrière, Frais de déplacement"

// sav201 is the charge of SAV 201 (by R2) on R1's intervention 90, confirmed: C = 45.00.
func sav201() sb.SAVLine {
	return sb.SAVLine{SAVID: 201, OriginalID: 90, SAVRepairerID: 2, RepairerID: 1, Type: sb.LineCharge,
		Outcome: sb.OutcomeConfirmed, ChargeBP: 10000, CorrectiveCents: 4500, AmountCents: 4500}
}

func statement(p sb.Party, seq int) sb.Statement {
	num := ""
	if seq > 0 {
		num = fmt.Sprintf("REL-%d-2026-%04d", p.ID, seq)
	}
	return sb.Statement{Number: num, Seq: seq, Repairer: p, Period: oct, IssuedOn: issued,
		PaymentOn: issued.AddDate(0, 0, 15)}
}

// stR1 is R1's statement: G 125.00, D 45.00, net HT 80.00, VAT 16.00, TTC 96.00.
func stR1() sb.Statement {
	s := statement(r1(), 10)
	s.Commissions = r1Commissions()
	s.SAV = []sb.SAVLine{sav201()}
	s.GrossCents, s.DeductionsCents, s.AvailableCents = 12500, 4500, 8000
	s.NetHTCents, s.VATRateBP, s.VATCents, s.NetTTCCents = 8000, 2000, 1600, 9600
	return s
}

// stR2 is R2's statement: the SAV visit 201 earns 65.00 (35 + 10 + 20), no VAT (art. 293 B).
func stR2() sb.Statement {
	s := statement(r2(), 10)
	c := commission(201, 2, 12, "Lyon", 3, 6500)
	c.Kind = sb.KindSAV
	s.Commissions = []sb.CommissionLine{c}
	s.GrossCents, s.AvailableCents, s.NetHTCents, s.NetTTCCents = 6500, 6500, 6500, 6500
	return s
}

func book(sts ...sb.Statement) *sb.Book {
	return &sb.Book{Period: oct, ClosedAt: closed, IssuedOn: issued, Issuer: issuer(), Statements: sts}
}

// workedExample is the book of the worked example.
func workedExample() *sb.Book { return book(stR1(), stR2()) }

// damageLines are SAV 201 with a 300.00 € damage on the umbrella policy: charge 45.00 and the
// 200.00 € deductible, D = 245.00.
func damageLines() []sb.SAVLine {
	ded := sav201()
	ded.Type, ded.DamageCents, ded.AmountCents = sb.LineDeductible, 30000, 20000
	return []sb.SAVLine{sav201(), ded}
}

// spreadExample is the worked example with the damage: O = 120.00 spread over 3 × 40.00.
func spreadExample() *sb.Book {
	s := stR1()
	s.SAV = damageLines()
	s.DeductionsCents, s.OverflowCents, s.AvailableCents = 24500, 12000, 0
	s.NetHTCents, s.VATCents, s.NetTTCCents, s.SpreadCents = 0, 0, 0, 12000
	b := book(s, stR2())
	b.Plans = []sb.Plan{{ID: sb.PlanID(1, oct), RepairerID: 1, CreatedIn: oct, Months: 3, TotalCents: 12000}}
	b.Claims = []sb.Claim{{SAVID: 201, RepairerID: 1, Policy: sb.PolicyUmbrella, DamageCents: 30000,
		DeductibleCents: 20000, ClaimCents: 10000}}
	return b
}

// invoiceExample is the damage case with R1 inactive: O = 120.00 invoiced, VAT 20 %.
func invoiceExample() *sb.Book {
	s := stR1()
	s.SAV = damageLines()
	s.DeductionsCents, s.OverflowCents, s.AvailableCents = 24500, 12000, 0
	s.NetHTCents, s.VATCents, s.NetTTCCents = 0, 0, 0
	s.InvoicedCents, s.InvoiceNumber = 12000, "FAC-2026-000001"
	b := book(s, stR2())
	b.Invoices = []sb.Invoice{{Number: "FAC-2026-000001", Seq: 1, Repairer: r1(), Period: oct, IssuedOn: issued,
		DueOn: issued.AddDate(0, 0, 30), Lines: []sb.InvoiceLine{{Kind: sb.InvoiceOverflow, AmountCents: 12000}},
		HTCents: 12000, VATRateBP: 2000, VATCents: 2400, TTCCents: 14400}}
	return invoiced(b)
}

// installmentExample is R1 in October paying the second installment of an August plan
// (3 × 40.00) and the worked example's lines: A 80.00, paid 40.00, net HT 40.00.
func installmentExample() *sb.Book {
	s := stR1()
	plan := sb.PlanID(1, sb.MustPeriod("2026-08"))
	s.Installments = []sb.InstallmentLine{{PlanID: plan, RepairerID: 1, Number: 2, Of: 3, DueCents: 4000, PaidCents: 4000}}
	s.InstallmentsCents, s.NetHTCents, s.VATCents, s.NetTTCCents = 4000, 4000, 800, 4800
	b := book(s)
	b.Plans = []sb.Plan{{ID: plan, RepairerID: 1, CreatedIn: sb.MustPeriod("2026-08"), Months: 3,
		TotalCents: 12000, PaidCents: 8000}}
	return b
}

// planBalanceExample is an inactive R1 whose plan is closed by invoicing its balance, next to
// this month's overflow, on one invoice.
func planBalanceExample() *sb.Book {
	b := invoiceExample()
	plan := sb.PlanID(1, sb.MustPeriod("2026-08"))
	b.Plans = []sb.Plan{{ID: plan, RepairerID: 1, CreatedIn: sb.MustPeriod("2026-08"), Months: 3,
		TotalCents: 10000, PaidCents: 3334, InvoicedCents: 6666, ClosedIn: oct}}
	inv := &b.Invoices[0]
	inv.Lines = append(inv.Lines, sb.InvoiceLine{Kind: sb.InvoicePlanBalance, PlanID: plan, AmountCents: 6666})
	inv.HTCents, inv.VATCents, inv.TTCCents = 18666, 3733, 22399
	b.Statements[0].InvoicedCents = 18666
	return b
}

// longStatement is R1 with n commission lines, for pagination.
func longStatement(n int) *sb.Book {
	s := stR1()
	s.Commissions = nil
	var g int64
	cities := []string{"Lyon", "Villeurbanne", "Saint-Étienne", "Vénissieux", "Caluire-et-Cuire", "Bron"}
	for i := range n {
		c := commission(int64(1000+i), 1, 1+i%31, cities[i%len(cities)], 1+i%4, int64(1500+i*7))
		c.Late = i%17 == 5
		s.Commissions = append(s.Commissions, c)
		g += c.AmountCents
	}
	s.GrossCents, s.AvailableCents = g, g-s.DeductionsCents
	s.NetHTCents = s.AvailableCents
	s.VATCents = (s.NetHTCents*2000 + 5000) / 10000
	s.NetTTCCents = s.NetHTCents + s.VATCents
	return book(s)
}

// unicodeExample has names outside cp1252: a Polish repairer's statement (with a SAV by a
// Vietnamese repairer, who appears by id only) and an invoice to the Vietnamese repairer.
func unicodeExample() *sb.Book {
	pl := sb.Party{ID: 7, Name: "Łukasz Wróbel", Address: "5 rue Świętokrzyska\n75013 Paris",
		SIRET: "83333333300013", VATNumber: "FR11833333333", VATRegime: sb.VATStandard}
	vn := sb.Party{ID: 8, Name: "Nguyễn Văn Đức", Address: "40 boulevard de la Villette\n75019 Paris",
		SIRET: "84444444400014", VATRegime: sb.VATFranchise}
	s := statement(pl, 3)
	s.Commissions = []sb.CommissionLine{commission(301, 7, 9, "Paris", 2, 8000)}
	s.SAV = []sb.SAVLine{{SAVID: 401, OriginalID: 299, SAVRepairerID: 8, RepairerID: 7, Type: sb.LineCharge,
		Outcome: sb.OutcomePartial, ChargeBP: 3333, CorrectiveCents: 4500, AmountCents: 1500}}
	s.GrossCents, s.DeductionsCents, s.AvailableCents, s.NetHTCents = 8000, 1500, 6500, 6500
	s.VATRateBP, s.VATCents, s.NetTTCCents = 2000, 1300, 7800
	v := statement(vn, 4)
	v.SAV = []sb.SAVLine{{SAVID: 402, OriginalID: 298, SAVRepairerID: 7, RepairerID: 8, Type: sb.LineSettlement,
		Outcome: sb.OutcomeConfirmed, ChargeBP: 10000, DamageCents: 15000, AmountCents: 15000}}
	v.DeductionsCents, v.OverflowCents = 15000, 15000
	v.InvoicedCents, v.InvoiceNumber = 15000, "FAC-2026-000002"
	b := book(s, v)
	b.Invoices = []sb.Invoice{{Number: "FAC-2026-000002", Seq: 2, Repairer: vn, Period: oct, IssuedOn: issued,
		DueOn: issued.AddDate(0, 0, 30), Lines: []sb.InvoiceLine{{Kind: sb.InvoiceOverflow, AmountCents: 15000}},
		HTCents: 15000, VATRateBP: 2000, VATCents: 3000, TTCCents: 18000}}
	return invoiced(b)
}

// invoiced gives each invoice of b what it carries of its repairer's statement, as reconcile
// and the ledger do.
func invoiced(b *sb.Book) *sb.Book {
	for i := range b.Invoices {
		if st := b.StatementOf(b.Invoices[i].Repairer.ID); st != nil {
			b.Invoices[i].Statement = st.Billed()
		}
	}
	return b
}

// draft turns a book into a dry run: no numbers.
func draft(b *sb.Book) *sb.Book {
	b.Draft = true
	for i := range b.Statements {
		b.Statements[i].Number, b.Statements[i].Seq, b.Statements[i].InvoiceNumber = "", 0, ""
	}
	for i := range b.Invoices {
		b.Invoices[i].Number, b.Invoices[i].Seq = "", 0
		if st := b.Invoices[i].Statement; st != nil {
			st.Number = ""
		}
	}
	return b
}
