package einvoice

import "time"

// The documents of the tests: the cases a period issues.

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func network() Party {
	return Party{
		Name:  "Réseau Vélo Services SAS",
		SIRET: "73282932000074", // a real-format SIRET passing Luhn
		VATID: "FR44732829320",
		Address: Address{Lines: []string{"12 rue de la Roquette"}, Postcode: "75011", City: "Paris",
			Country: "FR"},
	}
}

func repairer(franchise bool) Party {
	p := Party{
		Name:  "Atelier Cycles Lœwy & Fils",
		SIRET: "55208131766522",
		VATID: "FR85552081317",
		Address: Address{Lines: []string{"3 place Bellecour", "Bâtiment B"}, Postcode: "69002",
			City: "Lyon", Country: "FR"},
	}
	if franchise {
		p.VATID = ""
		p.TaxRegistration = "552081317"
	}
	return p
}

func legalNotes(selfBilled bool) []Note {
	n := []Note{
		{NoteBAR, "B2B"},
		{NotePMT, "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €."},
		{NotePMD, "Pénalités de retard : trois fois le taux d'intérêt légal."},
		{NoteAAB, "Pas d'escompte pour paiement anticipé."},
	}
	if selfBilled {
		n = append(n, Note{NoteREG, "Autofacturation : facture émise par Réseau Vélo Services SAS au nom et pour le compte de Atelier Cycles Lœwy & Fils."})
	}
	return n
}

// standardStatement: three commission lines (130,00 €), a reduction of 20,00 €, VAT 20 %.
func standardStatement() *Document {
	return &Document{
		Number:      "REL-42-2026-0011",
		Type:        SelfBilled,
		IssueDate:   day("2026-12-01"),
		PeriodStart: day("2026-11-01"),
		PeriodEnd:   day("2026-11-30"),
		Seller:      repairer(false),
		Buyer:       network(),
		Notes:       legalNotes(true),
		Lines: []Line{
			{ID: "1", Name: "Commission intervention 100231", Description: "2026-11-03, Lyon, 2 opérations", AmountCents: 4000},
			{ID: "2", Name: "Commission intervention 100232", AmountCents: 5000},
			{ID: "3", Name: "Commission intervention 100240", AmountCents: 4000},
		},
		Allowances:   []Allowance{{Reason: "Réductions SAV imputées sur la période", AmountCents: 2000}},
		VAT:          Standard20,
		PaymentTerms: "Virement le 2026-12-10",
		DueDate:      day("2026-12-10"),
		PayeeIBAN:    "FR7630006000011234567890189",
		Expect:       &Expected{NetHTCents: 11000, VATCents: 2200, NetTTCCents: 13200, DueCents: 13200},
	}
}

// franchiseStatement: a repairer under the franchise en base (no VAT number).
func franchiseStatement() *Document {
	d := standardStatement()
	d.Number = "REL-43-2026-0003"
	d.Seller = repairer(true)
	d.VAT = Franchise
	d.Notes = append(d.Notes, Note{NoteTXD, "TVA non applicable, art. 293 B du CGI"})
	d.PayeeIBAN = ""
	d.Expect = &Expected{NetHTCents: 11000, VATCents: 0, NetTTCCents: 11000, DueCents: 11000}
	return d
}

// setOffStatement: indemnities of 50,00 € set off against the invoice (BT-113).
func setOffStatement() *Document {
	d := standardStatement()
	d.Number = "REL-44-2026-0007"
	d.PrepaidCents = 5000
	d.Notes = append(d.Notes, Note{NoteAAI, "Montant déjà réglé par compensation : 50,00 € d'indemnités SAV (hors TVA, note de débit NDD-2026-000004) compensées ; net à payer 82,00 €."})
	d.Expect = &Expected{NetHTCents: 11000, VATCents: 2200, NetTTCCents: 13200, DueCents: 8200}
	return d
}

// refundStatement: a period whose only billed item is the net refund of earlier reductions.
func refundStatement() *Document {
	d := standardStatement()
	d.Number = "REL-45-2026-0002"
	d.Lines = []Line{{ID: "R", Name: "Remboursement net de réductions SAV antérieures", AmountCents: 3550}}
	d.Allowances = nil
	d.Expect = &Expected{NetHTCents: 3550, VATCents: 710, NetTTCCents: 4260, DueCents: 4260}
	return d
}

// networkInvoice: the network's invoice of an overflow to a repairer (380): seller = network.
func networkInvoice() *Document {
	return &Document{
		Number:       "FAC-2026-000012",
		Type:         Commercial,
		IssueDate:    day("2026-12-01"),
		PeriodStart:  day("2026-11-01"),
		PeriodEnd:    day("2026-11-30"),
		Seller:       network(),
		Buyer:        repairer(false),
		Notes:        legalNotes(false),
		Lines:        []Line{{ID: "1", Name: "Réductions SAV non imputées (dépassement) — SAV 201, 202", AmountCents: 12345}},
		VAT:          Standard20,
		PaymentTerms: "Paiement à 30 jours",
		DueDate:      day("2026-12-31"),
		PayeeIBAN:    "FR7630004000031234567890143",
		Expect:       &Expected{NetHTCents: 12345, VATCents: 2469, NetTTCCents: 14814, DueCents: 14814},
	}
}

// reducedToZero: the reductions take the whole of the lines: Net HT 0, nothing due.
func reducedToZero() *Document {
	d := standardStatement()
	d.Number = "REL-46-2026-0004"
	d.Allowances = []Allowance{{Reason: "Réductions SAV de la période", AmountCents: 10000},
		{Reason: "Échéance de plan, part réductions", AmountCents: 3000}}
	d.Expect = &Expected{}
	return d
}

// fullySetOff: indemnities above the Net TTC: everything settled by compensation, BT-115 = 0.
func fullySetOff() *Document {
	d := setOffStatement()
	d.Number = "REL-47-2026-0001"
	d.PrepaidCents = 13200
	d.Expect = &Expected{NetHTCents: 11000, VATCents: 2200, NetTTCCents: 13200, DueCents: 0}
	return d
}
