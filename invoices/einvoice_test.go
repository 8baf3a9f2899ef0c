package invoices

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	sb "savbilling"
	"savbilling/einvoice"
)

// closedV1 is b as a period closed with e-invoices: its REL- and FAC- are e-invoices.
func closedV1(b *sb.Book) *sb.Book {
	b.EInvoiceVersion = sb.EInvoiceV1
	b.RulesVersion = sb.RulesV2
	for i := range b.Statements {
		st := &b.Statements[i] // the fixtures of the rules v1: R = D − M, Payable = Net TTC
		if st.PayableCents == 0 {
			st.PayableCents = st.NetTTCCents
		}
		if st.ReductionsCents == 0 {
			st.ReductionsCents = st.DeductionsCents - st.IndemnitiesCents
		}
	}
	return b
}

// The mapping from the ledger to the e-invoice (docs/einvoice.md, "Rules chosen"), case by
// case, with exact cents: who sells and who buys, SIREN and tax registration, the lines, the
// reductions as allowances, the net refund as a line, the installments' reduction part, the
// indemnities set off (BT-113, note AAI) so that the amount due is the Net à payer, the address
// from the optional columns, the payee account. Each document is then written by Marshal, which
// refuses totals that differ by a cent from the ledger's.
func TestStatementEInvoiceMapsTheLedger(t *testing.T) {
	r := New(nil)
	network := einvoice.Party{Name: "Réseau Vélo Services", SIRET: "90123456700017", VATID: "FR52901234567",
		Address: einvoice.Address{Lines: []string{"12 rue de l'Exemple"}, Postcode: "75011", City: "Paris", Country: "FR"}}
	seller1 := einvoice.Party{Name: "Atelier Cyclœ — Élodie Lefèvre", SIRET: "81234567800021", VATID: "FR40812345678",
		Address: einvoice.Address{Lines: []string{"3 place de l'Église"}, Postcode: "69002", City: "Lyon", Country: "FR"}}
	lines1 := []einvoice.Line{
		// the services booked, or without them the count of the operations, as before migration 80
		{ID: "101", Name: "Commission intervention 101", Description: "2026-10-03, Lyon, Changement de chaîne, Frais de déplacement", AmountCents: 4000},
		{ID: "102", Name: "Commission intervention 102", Description: "2026-10-14, Villeurbanne, " + servicesR1102, AmountCents: 5500},
		{ID: "103", Name: "Commission intervention 103", Description: "2026-10-27, Saint-Étienne, 1 opération", AmountCents: 3000},
	}
	type want struct {
		seller     einvoice.Party
		lines      []einvoice.Line
		allowances []einvoice.Allowance
		vat        einvoice.VAT
		prepaid    int64
		expect     einvoice.Expected
		iban       string
		note       string // a note the document carries (subject: text prefix)
	}
	cases := []struct {
		name string
		st   func() sb.Statement
		want want
	}{
		{"standard: the SAV charge as an allowance", stR1, want{seller: seller1, lines: lines1,
			allowances: []einvoice.Allowance{{Reason: "Réductions SAV de la période", AmountCents: 4500}},
			vat:        einvoice.VAT{Category: "S", RateBP: 2000},
			expect:     einvoice.Expected{NetHTCents: 8000, VATCents: 1600, NetTTCCents: 9600, DueCents: 9600},
			note:       "REG:Facture émise par Réseau Vélo Services au nom et pour le compte d'Atelier Cyclœ — Élodie Lefèvre."}},
		{"franchise: exempt, the SIREN as tax registration", stR2, want{
			seller: einvoice.Party{Name: "Jérôme Garçon", SIRET: "89876543200018", TaxRegistration: "898765432",
				Address: einvoice.Address{Lines: []string{"18 avenue Jean-Jaurès"}, Postcode: "13001", City: "Marseille", Country: "FR"}},
			lines:  []einvoice.Line{{ID: "201", Name: "Commission intervention 201", Description: "2026-10-12, Lyon, 3 opérations", AmountCents: 6500}},
			vat:    einvoice.Franchise,
			expect: einvoice.Expected{NetHTCents: 6500, NetTTCCents: 6500, DueCents: 6500},
			note:   "TXD:TVA non applicable, art. 293 B du CGI"}},
		{"indemnities set off: BT-113, the amount due is the Net à payer", func() sb.Statement {
			s := stR1()
			s.IndemnitiesCents, s.DeductionsCents, s.PayableCents = 2000, 6500, 7600
			return s
		}, want{seller: seller1, lines: lines1,
			allowances: []einvoice.Allowance{{Reason: "Réductions SAV de la période", AmountCents: 4500}},
			vat:        einvoice.VAT{Category: "S", RateBP: 2000}, prepaid: 2000,
			expect: einvoice.Expected{NetHTCents: 8000, VATCents: 1600, NetTTCCents: 9600, DueCents: 7600},
			note:   "AAI:Montant déjà réglé par compensation : 20,00 € d'indemnités SAV (hors TVA) ; net à payer 76,00 €."}},
		{"indemnities refunded: nothing prepaid, the refund paid beside", func() sb.Statement {
			s := stR1()
			s.IndemnitiesCents, s.DeductionsCents, s.PayableCents = -1000, 3500, 10600
			return s
		}, want{seller: seller1, lines: lines1,
			allowances: []einvoice.Allowance{{Reason: "Réductions SAV de la période", AmountCents: 4500}},
			vat:        einvoice.VAT{Category: "S", RateBP: 2000},
			expect:     einvoice.Expected{NetHTCents: 8000, VATCents: 1600, NetTTCCents: 9600, DueCents: 9600}}},
		{"net refund of earlier reductions as a line", func() sb.Statement {
			s := stR1()
			s.SAV[0].AmountCents, s.ReductionsCents, s.DeductionsCents = -3000, -3000, -3000
			s.AvailableCents, s.NetHTCents, s.VATCents, s.NetTTCCents, s.PayableCents = 15500, 15500, 3100, 18600, 18600
			return s
		}, want{seller: seller1,
			lines: append(append([]einvoice.Line{}, lines1...),
				einvoice.Line{ID: "R", Name: "Remboursement net de réductions SAV antérieures", AmountCents: 3000}),
			vat:    einvoice.VAT{Category: "S", RateBP: 2000},
			expect: einvoice.Expected{NetHTCents: 15500, VATCents: 3100, NetTTCCents: 18600, DueCents: 18600}}},
		{"installments: the reduction part as an allowance; optional address columns; payee IBAN", func() sb.Statement {
			s := installmentExample().Statements[0]
			s.Repairer.Postcode, s.Repairer.City, s.Repairer.CountryCode = "69003", "Lyon 3e", "FR"
			s.Repairer.IBAN = "fr76 3000 6000 0112 3456 7890 189"
			return s
		}, want{seller: func() einvoice.Party {
			p := seller1
			p.Address.Postcode, p.Address.City = "69003", "Lyon 3e"
			return p
		}(), lines: lines1,
			allowances: []einvoice.Allowance{{Reason: "Réductions SAV de la période", AmountCents: 4500},
				{Reason: "Échéances de plan, part réductions", AmountCents: 4000}},
			vat:    einvoice.VAT{Category: "S", RateBP: 2000},
			expect: einvoice.Expected{NetHTCents: 4000, VATCents: 800, NetTTCCents: 4800, DueCents: 4800},
			iban:   "FR7630006000011234567890189"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := closedV1(book(c.st()))
			s := b.Statements[0]
			d, err := r.StatementEInvoice(b, &b.Statements[0])
			if err != nil {
				t.Fatal(err)
			}
			if d.Type != einvoice.SelfBilled || d.Number != s.Number || !d.IssueDate.Equal(issued) || !d.DueDate.Equal(s.PaymentOn) {
				t.Errorf("document %s type %s issued %s due %s", d.Number, d.Type, d.IssueDate, d.DueDate)
			}
			got := want{seller: d.Seller, lines: d.Lines, allowances: d.Allowances, vat: d.VAT, prepaid: d.PrepaidCents,
				expect: *d.Expect, iban: d.PayeeIBAN, note: c.want.note}
			if diff := cmp.Diff(c.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(network, d.Buyer); diff != "" {
				t.Errorf("buyer (-want +got):\n%s", diff)
			}
			if c.want.note != "" {
				subject, text, _ := strings.Cut(c.want.note, ":")
				found := false
				for _, n := range d.Notes {
					found = found || (n.Subject == subject && n.Text == text)
				}
				if !found {
					t.Errorf("no note %s %q among %+v", subject, text, d.Notes)
				}
			}
			for _, subject := range []string{einvoice.NotePMT, einvoice.NotePMD, einvoice.NoteAAB, einvoice.NoteREG} {
				n := 0
				for _, note := range d.Notes {
					if note.Subject == subject {
						n++
					}
				}
				if n != 1 {
					t.Errorf("note %s %d times", subject, n)
				}
			}
			if _, err := einvoice.Marshal(d); err != nil {
				t.Errorf("Marshal: %v", err)
			}
		})
	}
}

// A network invoice FAC- is the reverse: the network sells (its IBAN as payee), the repairer
// buys; one line per item, the whole total due. A debit note, a statement of account, a draft
// and any document of a period closed before e-invoices have none.
func TestInvoiceEInvoiceMapsTheLedgerAndOnlyREL_FACAreEInvoices(t *testing.T) {
	r := New(nil)
	b := closedV1(planBalanceExample())
	inv := &b.Invoices[0]
	d, err := r.InvoiceEInvoice(b, inv)
	if err != nil {
		t.Fatal(err)
	}
	if d.Type != einvoice.Commercial || d.Seller.SIRET != "90123456700017" || d.Buyer.SIRET != "81234567800021" ||
		d.PayeeIBAN != "FR7630006000011234567890189" || !d.DueDate.Equal(inv.DueOn) {
		t.Errorf("invoice: type %s seller %s buyer %s IBAN %s due %s", d.Type, d.Seller.SIRET, d.Buyer.SIRET, d.PayeeIBAN, d.DueDate)
	}
	wantLines := []einvoice.Line{{ID: "1", Name: "Dépassement du relevé REL-1-2026-0010", AmountCents: 12000},
		{ID: "2", Name: "Solde de l'échéancier ECH-1-2026-08", AmountCents: 6666}}
	if diff := cmp.Diff(wantLines, d.Lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if *d.Expect != (einvoice.Expected{NetHTCents: 18666, VATCents: 3733, NetTTCCents: 22399, DueCents: 22399}) {
		t.Errorf("expect %+v", *d.Expect)
	}
	if _, err := einvoice.Marshal(d); err != nil {
		t.Errorf("Marshal: %v", err)
	}

	note := *inv
	note.Kind, note.Number = sb.DocDebitNote, "NDD-2026-000001"
	account := b.Statements[0]
	account.Account, account.Number = true, sb.AccountNumber(1, oct)
	before := *b
	before.EInvoiceVersion = 0
	draftBook := *b
	draftBook.Draft = true
	for _, c := range []struct {
		what string
		is   bool
	}{
		{"debit note", InvoiceIsEInvoice(b, &note)},
		{"statement of account", StatementIsEInvoice(b, &account)},
		{"statement of a period closed before", StatementIsEInvoice(&before, &b.Statements[0])},
		{"invoice of a period closed before", InvoiceIsEInvoice(&before, inv)},
		{"draft", StatementIsEInvoice(&draftBook, &b.Statements[0])},
	} {
		if c.is {
			t.Errorf("a %s is an e-invoice", c.what)
		}
	}
	if !StatementIsEInvoice(b, &b.Statements[0]) || !InvoiceIsEInvoice(b, inv) {
		t.Errorf("REL- and FAC- of a period closed with e-invoices are not e-invoices")
	}
	if _, err := r.InvoiceEInvoice(b, &note); err == nil {
		t.Errorf("a debit note mapped to an e-invoice")
	}
}
