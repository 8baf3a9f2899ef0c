package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/store"
)

var issuer = sb.Issuer{Name: "Réseau Vélo Réparation", LegalForm: "SAS au capital de 10 000 €",
	Address: "1 quai de Seine, 75019 Paris", SIRET: "11122233300044", VATNumber: "FR00111222333",
	RCS: "RCS Paris 111 222 333", Email: "finance@reseau.example", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP"}

func party(r sb.Repairer) sb.Party { return r.Identity() }

// bookSep is the close of 2026-09, under the rules v1 (before the switch): two overflows spread
// on new plans; every charge a reduction (R = D, M = 0, Payable = Net TTC).
func bookSep() *sb.Book {
	issued := sb.Date(2026, 10, 1)
	return &sb.Book{
		Period: sep, ClosedAt: utc(2026, 10, 1, 4, 0, 0), IssuedOn: issued, Issuer: issuer, RulesVersion: sb.RulesV1,
		Statements: []sb.Statement{
			{Number: "REL-1-2026-0001", Seq: 1, Repairer: party(r1), Period: sep, IssuedOn: issued,
				PaymentOn: sb.Date(2026, 10, 16),
				Commissions: []sb.CommissionLine{{InterventionID: 90, RepairerID: 1, Kind: sb.KindStandard,
					City: "Paris", ClosedAt: iv90.ClosedAt, Operations: 1, AmountCents: 3000}},
				GrossCents: 3000, AvailableCents: 3000, NetHTCents: 3000, VATRateBP: 2000, VATCents: 600, NetTTCCents: 3600,
				PayableCents: 3600},
			{Number: "REL-2-2026-0001", Seq: 1, Repairer: party(r2), Period: sep, IssuedOn: issued,
				PaymentOn: sb.Date(2026, 10, 16),
				SAV: []sb.SAVLine{{SAVID: 160, OriginalID: 60, SAVRepairerID: 3, RepairerID: 2, Type: sb.LineCharge,
					Outcome: sb.OutcomeConfirmed, ChargeBP: 10000, CorrectiveCents: 20000, AmountCents: 20000}},
				DeductionsCents: 20000, OverflowCents: 20000, SpreadCents: 20000, ReductionsCents: 20000, ReductionOverflowCents: 20000},
			{Number: "REL-3-2026-0001", Seq: 1, Repairer: party(r3), Period: sep, IssuedOn: issued,
				PaymentOn: sb.Date(2026, 10, 16),
				Commissions: []sb.CommissionLine{{InterventionID: 151, RepairerID: 3, Kind: sb.KindStandard,
					City: "Lyon", ClosedAt: utc(2026, 8, 30, 10, 0, 0), Operations: 2, AmountCents: 3000, Late: true}},
				SAV: []sb.SAVLine{{SAVID: 150, OriginalID: 50, SAVRepairerID: 1, RepairerID: 3, Type: sb.LineCharge,
					Outcome: sb.OutcomeConfirmed, ChargeBP: 10000, CorrectiveCents: 12000, AmountCents: 12000}},
				GrossCents: 3000, DeductionsCents: 12000, OverflowCents: 9000, VATRateBP: 2000, SpreadCents: 9000,
				ReductionsCents: 12000, ReductionOverflowCents: 9000},
		},
		Plans: []sb.Plan{
			{ID: "ECH-2-2026-09", RepairerID: 2, CreatedIn: sep, Months: 3, TotalCents: 20000, RulesVersion: sb.RulesV1},
			{ID: "ECH-3-2026-09", RepairerID: 3, CreatedIn: sep, Months: 3, TotalCents: 9000, RulesVersion: sb.RulesV1},
		},
		Anomalies: []sb.Anomaly{{Item: "intervention 77", RepairerID: 9, Reason: "réparateur inconnu",
			Fix: "créer le réparateur 9", Blocking: true}},
		SAVStates: []sb.SAVState{
			{SAVID: 150, Outcome: sb.OutcomeConfirmed, DecidedAt: utc(2026, 9, 2, 0, 0, 0), CorrectiveCents: 12000,
				FirstPeriod: sep, LastPeriod: sep},
			{SAVID: 160, Outcome: sb.OutcomeConfirmed, DecidedAt: utc(2026, 9, 3, 0, 0, 0), CorrectiveCents: 20000,
				RelatedPriceCents: 100, FirstPeriod: sep, LastPeriod: sep},
		},
	}
}

// bookOct is the close of 2026-10, under the rules v2: every kind of line, an invoice closing a
// (v1) plan, a new plan with an indemnity part, a statement of account with a debit note, a SAV
// line that charges nothing of a repairer without a statement.
func bookOct() *sb.Book {
	b := bookOctLines()
	// the optional identity (migration 20) frozen on a statement and an invoice; a decision's note
	r1 := &b.Statements[0].Repairer
	r1.LegalForm, r1.Postcode, r1.City, r1.CountryCode = "SARL au capital de 5 000 €", "75011", "Paris", "FR"
	r1.IBAN, r1.BIC, r1.VATOnDebits = "FR7630006000011234567890189", "AGRIFRPP", true
	b.Invoices[0].Repairer.LegalForm, b.Invoices[0].Repairer.VATOnDebits = "EI", true
	b.Statements[0].SAV[0].Note = "Réglage refait, client satisfait"
	billed(b)
	return b
}

// billed gives each invoice and debit note of b what it bills of its repairer's statement, as
// the rules do (Invoice.Statement).
func billed(b *sb.Book) {
	for i := range b.Invoices {
		v := &b.Invoices[i]
		if st := b.StatementOf(v.Repairer.ID); st != nil {
			v.Statement = st.Billed()
		}
	}
}

// bookOctLines is bookOct without its optional identity fields and notes.
func bookOctLines() *sb.Book {
	issued := sb.Date(2026, 11, 1)
	pay := sb.Date(2026, 11, 16)
	return &sb.Book{
		Period: oct, ClosedAt: utc(2026, 11, 1, 5, 30, 0), IssuedOn: issued, Issuer: issuer, RulesVersion: sb.RulesV2,
		Statements: []sb.Statement{
			{Number: "REL-1-2026-0002", Seq: 2, Repairer: party(r1), Period: oct, IssuedOn: issued, PaymentOn: pay,
				Commissions: []sb.CommissionLine{
					{InterventionID: 101, RepairerID: 1, Kind: sb.KindStandard, City: "Paris", ClosedAt: iv101.ClosedAt, Operations: 2, AmountCents: 5000},
					{InterventionID: 102, RepairerID: 1, Kind: sb.KindStandard, City: "Paris", ClosedAt: iv102.ClosedAt, Operations: 1, AmountCents: 5500},
				},
				SAV: []sb.SAVLine{
					{SAVID: 201, OriginalID: 90, SAVRepairerID: 2, RepairerID: 1, Type: sb.LineCharge,
						Outcome: sb.OutcomeConfirmed, ChargeBP: 10000, CorrectiveCents: 4500, AmountCents: 4500},
					{SAVID: 201, OriginalID: 90, SAVRepairerID: 2, RepairerID: 1, Type: sb.LineSettlement,
						Outcome: sb.OutcomeConfirmed, ChargeBP: 10000, CorrectiveCents: 4500, DamageCents: 15000, AmountCents: 15000},
				},
				GrossCents: 10500, DeductionsCents: 19500, ReductionsCents: 4500, IndemnitiesCents: 15000, AvailableCents: 6000,
				NetHTCents: 6000, VATRateBP: 2000, VATCents: 1200, NetTTCCents: 7200, IndemnityOverflowCents: 7800,
				OverflowCents: 7800, SpreadCents: 7800},
			{Number: "REL-2-2026-0002", Seq: 2, Repairer: party(r2), Period: oct, IssuedOn: issued, PaymentOn: pay,
				Commissions: []sb.CommissionLine{
					{InterventionID: 201, RepairerID: 2, Kind: sb.KindSAV, City: "Paris", ClosedAt: iv201.ClosedAt, Operations: 3, AmountCents: 6500},
					{InterventionID: 202, RepairerID: 2, Kind: sb.KindSAV, City: "Créteil", ClosedAt: iv202.ClosedAt, Operations: 1, AmountCents: 4500},
				},
				Installments: []sb.InstallmentLine{{PlanID: "ECH-2-2026-09", RepairerID: 2, Number: 1, Of: 3, DueCents: 6667, PaidCents: 6667}},
				GrossCents:   11000, AvailableCents: 11000, InstallmentsCents: 6667, NetHTCents: 4333, NetTTCCents: 4333,
				InvoicedCents: 13333, InvoiceNumber: "FAC-2026-000001", PayableCents: 4333},
			{Number: "REL-3-2026-0002", Seq: 2, Repairer: party(r3), Period: oct, IssuedOn: issued, PaymentOn: pay,
				Commissions: []sb.CommissionLine{
					{InterventionID: 106, RepairerID: 3, Kind: sb.KindStandard, ClosedAt: iv106.ClosedAt, AmountCents: 0},
					{InterventionID: 203, RepairerID: 3, Kind: sb.KindSAV, City: "Paris", ClosedAt: iv203.ClosedAt, Operations: 1, AmountCents: 2000},
				},
				SAV: []sb.SAVLine{
					{SAVID: 150, OriginalID: 50, SAVRepairerID: 1, RepairerID: 3, Type: sb.LineAdjustment,
						Outcome: sb.OutcomePartial, ChargeBP: 5000, CorrectiveCents: 12000, AmountCents: -6000,
						SAVDay: "2026-10-03", OriginalDay: "2026-08-28", OriginalCity: "Saint-Étienne",
						BeforeOutcome: sb.OutcomeConfirmed, BeforeChargeBP: 10000, BeforeDamageCents: 30000,
						BeforeBookedCents: 12000, EarlierStatement: "REL-3-2026-0001"},
					{SAVID: 202, OriginalID: 999, SAVRepairerID: 2, RepairerID: 3, Type: sb.LineCharge,
						Outcome: sb.OutcomePartial, ChargeBP: 3333, CorrectiveCents: 4500, AmountCents: 1500},
					{SAVID: 202, OriginalID: 999, SAVRepairerID: 2, RepairerID: 3, Type: sb.LineDeductible,
						Outcome: sb.OutcomePartial, ChargeBP: 3333, CorrectiveCents: 4500, DamageCents: 50000, AmountCents: 0,
						Policy: sb.PolicyOwn},
					// not a realistic line, but "ajustement" sorts before "charge" as bytes
					{SAVID: 202, OriginalID: 999, SAVRepairerID: 2, RepairerID: 3, Type: sb.LineAdjustment,
						Outcome: sb.OutcomePartial, ChargeBP: 3333, CorrectiveCents: 4500, AmountCents: 500},
				},
				Installments: []sb.InstallmentLine{{PlanID: "ECH-3-2026-09", RepairerID: 3, Number: 1, Of: 3, DueCents: 3000, PaidCents: 3000}},
				GrossCents:   2000, DeductionsCents: -4500, AvailableCents: 6500, InstallmentsCents: 3000, NetHTCents: 3500,
				VATRateBP: 2000, VATCents: 700, NetTTCCents: 4200, ReductionsCents: -4500, PayableCents: 4200},
			{Number: "RDC-4-2026-10", Account: true, Repairer: sb.Party{ID: 4, Name: "Vélo Quatre", VATRegime: sb.VATStandard}, Period: oct, IssuedOn: issued, PaymentOn: pay,
				SAV: []sb.SAVLine{{SAVID: 204, OriginalID: 90, SAVRepairerID: 2, RepairerID: 4, Type: sb.LineSettlement,
					Outcome: sb.OutcomeConfirmed, ChargeBP: 10000, CorrectiveCents: 0, DamageCents: 2500, AmountCents: 2500}},
				DeductionsCents: 2500, IndemnitiesCents: 2500, IndemnityOverflowCents: 2500, OverflowCents: 2500,
				InvoicedCents: 2500, DebitNotedCents: 2500, DebitNoteNumber: "NDD-2026-000001"},
		},
		Unlisted: []sb.SAVLine{{SAVID: 205, OriginalID: 90, SAVRepairerID: 2, RepairerID: 5, Type: sb.LineNotCharged,
			Outcome: sb.OutcomeRejected, CorrectiveCents: 1000}},
		Invoices: []sb.Invoice{{Number: "FAC-2026-000001", Kind: sb.DocInvoice, Seq: 1, Repairer: party(r2), Period: oct,
			IssuedOn: issued, DueOn: sb.Date(2026, 12, 1),
			Lines: []sb.InvoiceLine{
				{Kind: sb.InvoicePlanBalance, PlanID: "ECH-2-2026-09", AmountCents: 13333},
				{Kind: sb.InvoiceOverflow, AmountCents: 0},
			},
			HTCents: 13333, VATRateBP: 2000, VATCents: 2667, TTCCents: 16000},
			{Number: "NDD-2026-000001", Kind: sb.DocDebitNote, Seq: 1, Repairer: sb.Party{ID: 4, Name: "Vélo Quatre", VATRegime: sb.VATStandard}, Period: oct,
				IssuedOn: issued, DueOn: sb.Date(2026, 12, 1),
				Lines:   []sb.InvoiceLine{{Kind: sb.InvoiceOverflow, AmountCents: 2500}},
				HTCents: 2500, TTCCents: 2500}},
		Plans: []sb.Plan{
			{ID: "ECH-2-2026-09", RepairerID: 2, CreatedIn: sep, Months: 3, TotalCents: 20000, PaidCents: 6667,
				InvoicedCents: 13333, ClosedIn: oct, RulesVersion: sb.RulesV1},
			{ID: "ECH-3-2026-09", RepairerID: 3, CreatedIn: sep, Months: 3, TotalCents: 9000, PaidCents: 3000, RulesVersion: sb.RulesV1},
			{ID: "ECH-1-2026-10", RepairerID: 1, CreatedIn: oct, Months: 2, TotalCents: 7800, IndemnityCents: 7800,
				RulesVersion: sb.RulesV2},
		},
		Claims: []sb.Claim{
			{SAVID: 150, RepairerID: 3, Policy: sb.PolicyUmbrella, DamageCents: 30000, DeductibleCents: 20000,
				ClaimCents: -10000, Adjustment: true},
			{SAVID: 202, RepairerID: 3, Policy: sb.PolicyOwn, DamageCents: 50000, ClaimCents: 50000},
		},
		Goodwill: []sb.Goodwill{{CreditID: 501, SAVID: 201, AmountCents: 400, GrantedAt: c501.GrantedAt,
			Reason: "geste", Outcome: sb.OutcomeConfirmed, Note: "crédit sur un SAV confirmé : refacturé"}},
		Anomalies: []sb.Anomaly{
			{Item: "SAV 202", RepairerID: 2, Reason: "l'intervention d'origine 999 n'existe pas", Fix: "corriger original_intervention_id", Blocking: true},
			{Item: "décision 102", Reason: "décision sur une intervention qui n'est pas un SAV", Fix: "supprimer la décision", Blocking: true},
			{Item: "SAV 201", RepairerID: 1, Reason: "avoir client non conforme", Fix: "—"},
		},
		Pending: []sb.PendingSAV{{SAVID: 203, OriginalID: 101, SAVRepairerID: 3, ClosedAt: iv203.ClosedAt, AgeDays: 6}},
		SAVStates: []sb.SAVState{
			{SAVID: 150, Outcome: sb.OutcomePartial, ChargeBP: 5000, DamageCents: 30000, DecidedAt: utc(2026, 10, 2, 0, 0, 0),
				CorrectiveCents: 12000, FirstPeriod: sep, LastPeriod: oct},
			{SAVID: 201, Outcome: d201.Outcome, DamageCents: d201.DamageCents, DecidedAt: d201.DecidedAt,
				CorrectiveCents: 4500, FirstPeriod: oct, LastPeriod: oct},
			{SAVID: 202, Outcome: d202.Outcome, ChargeBP: d202.ChargeBP, FaultyRepairerID: d202.FaultyRepairerID,
				DamageCents: d202.DamageCents, DecidedAt: d202.DecidedAt, CorrectiveCents: 4500, FirstPeriod: oct, LastPeriod: oct},
		},
	}
}

// saved is b as LoadBook gives it back.
func saved(b *sb.Book) *sb.Book {
	c := *b
	c.SAVStates = nil
	return &c
}

func mustSave(t *testing.T, db *store.DB, b *sb.Book) {
	t.Helper()
	if err := save(context.Background(), db, b); err != nil {
		t.Fatalf("save %s: %v", b.Period, err)
	}
}

func checkBook(t *testing.T, db *store.DB, want *sb.Book) {
	t.Helper()
	got, err := db.LoadBook(context.Background(), want.Period)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(saved(want), got); diff != "" {
		t.Errorf("LoadBook(%s) (-want +got):\n%s", want.Period, diff)
	}
}

func TestBookRoundTrip(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		mustInsert(t, db, source())
		if _, err := db.LoadBook(ctx, sep); !errors.Is(err, store.ErrNotClosed) {
			t.Errorf("LoadBook of an open period: %v, want ErrNotClosed", err)
		}
		mustSave(t, db, bookSep())
		mustSave(t, db, bookOct())
		checkBook(t, db, bookSep()) // plans as they stood after September
		checkBook(t, db, bookOct())

		periods, err := db.ClosedPeriods(ctx)
		if err != nil || !cmp.Equal(periods, []sb.Period{sep, oct}) {
			t.Errorf("ClosedPeriods = %v, %v", periods, err)
		}
		err = db.ReadTx(ctx, func(ctx context.Context, tx *store.Tx) error {
			first, ok1, err1 := tx.FirstClosed(ctx)
			last, ok2, err2 := tx.LastClosed(ctx)
			closed, err3 := tx.IsClosed(ctx, oct)
			open, err4 := tx.IsClosed(ctx, nov)
			if err := errors.Join(err1, err2, err3, err4); err != nil {
				return err
			}
			if first != sep || !ok1 || last != oct || !ok2 || !closed || open {
				t.Errorf("FirstClosed %v %v, LastClosed %v %v, IsClosed(oct) %v, IsClosed(nov) %v", first, ok1, last, ok2, closed, open)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		// November: what October booked is gone; the rest comes.
		got := loadInput(t, db, nov)
		want := input(nov)
		want.Repairers = map[int64]sb.Repairer{1: r1, 2: r2, 3: r3}
		want.Interventions = []sb.Intervention{iv103}
		want.SAVs = []sb.SAVCase{{SAV: iv203, Decision: &d203, Original: bare(iv101)}}
		want.StrayDecisions = []sb.Decision{d102, d105, d777}
		want.Credits = []sb.Credit{c503}
		// 502, granted in October on a standard intervention, is not in October's book as saved
		want.StrayCredits = []sb.StrayCredit{{Credit: c502, RepairerID: 1}}
		want.Processed = map[int64]sb.SAVState{202: bookOct().SAVStates[2]}
		want.Plans = []sb.Plan{
			{ID: "ECH-3-2026-09", RepairerID: 3, CreatedIn: sep, Months: 3, TotalCents: 9000, PaidCents: 3000, RulesVersion: sb.RulesV1},
			{ID: "ECH-1-2026-10", RepairerID: 1, CreatedIn: oct, Months: 2, TotalCents: 7800, IndemnityCents: 7800, RulesVersion: sb.RulesV2},
		}
		want.Overrides = []sb.Override{{RepairerID: 1, Period: "2026-11", Mode: sb.OverrideInvoice}}
		want.LastStatementSeq = map[int64]int{1: 2, 2: 2, 3: 2}
		want.LastInvoiceSeq = 1
		want.LastDebitNoteSeq = 1
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("LoadCloseInput(2026-11) (-want +got):\n%s", diff)
		}

		// Support changes two decisions after they were charged.
		n201 := d201
		n201.Outcome, n201.ChargeBP, n201.DecidedAt = sb.OutcomePartial, 5000, utc(2026, 11, 10, 9, 0, 0)
		n202 := d202
		n202.DamageCents, n202.DecidedAt = 70000, utc(2026, 11, 11, 9, 0, 0)
		late := d203
		late.DecidedAt = utc(2026, 12, 2, 0, 0, 0) // after November: 203 stays undecided
		for _, d := range []sb.Decision{n201, n202, late} {
			if err := db.UpdateDecision(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.UpdateDecision(ctx, sb.Decision{SAVID: 4242, Outcome: "confirmed", DecidedAt: utc(2026, 1, 1, 0, 0, 0)}); err == nil {
			t.Error("UpdateDecision of a missing decision succeeded")
		}
		got = loadInput(t, db, nov)
		st := bookOct().SAVStates
		want.SAVs = []sb.SAVCase{{SAV: iv203, Original: bare(iv101)}}
		want.Changed = []sb.SAVCase{
			{SAV: iv201, Decision: &n201, Original: bare(iv90), Booked: &st[1],
				BookedByRepairer: map[int64]int64{1: 19500}, BookedIndemnityByRepairer: map[int64]int64{1: 15000},
				BookedV1ByRepairer: map[int64]int64{},
				BookedStatement: map[sb.BookedKind]string{{RepairerID: 1}: "REL-1-2026-0002",
					{RepairerID: 1, Indemnity: true}: "REL-1-2026-0002"}},
			{SAV: iv202, Decision: &n202, Booked: &st[2], BookedByRepairer: map[int64]int64{3: 2000},
				BookedIndemnityByRepairer: map[int64]int64{3: 0}, BookedV1ByRepairer: map[int64]int64{},
				BookedClaimCents: 50000, BookedClaimPolicy: sb.PolicyOwn,
				BookedStatement: map[sb.BookedKind]string{{RepairerID: 3}: "REL-3-2026-0002",
					{RepairerID: 3, Indemnity: true}: "REL-3-2026-0002"}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("LoadCloseInput(2026-11) after decisions changed (-want +got):\n%s", diff)
		}
		// Seen from October's end, the changes have not happened yet.
		if in := loadInput(t, db, oct); in.Changed != nil {
			t.Errorf("Changed as of October: %+v", in.Changed)
		}
	})
}

// nothingBooked checks that the ledger holds exactly September and October.
func nothingBooked(t *testing.T, db *store.DB) {
	t.Helper()
	periods, err := db.ClosedPeriods(context.Background())
	if err != nil || !cmp.Equal(periods, []sb.Period{sep, oct}) {
		t.Errorf("ClosedPeriods = %v, %v; want [2026-09 2026-10]", periods, err)
	}
	checkBook(t, db, bookSep())
	checkBook(t, db, bookOct())
}

// bookNov is a valid close of November on top of bookSep and bookOct.
func bookNov() *sb.Book {
	issued := sb.Date(2026, 12, 1)
	return &sb.Book{Period: nov, ClosedAt: utc(2026, 12, 1, 5, 0, 0), IssuedOn: issued, Issuer: issuer, RulesVersion: sb.RulesV2,
		Statements: []sb.Statement{{Number: "REL-1-2026-0003", Seq: 3, Repairer: party(r1), Period: nov,
			IssuedOn: issued, PaymentOn: sb.Date(2026, 12, 16),
			Commissions: []sb.CommissionLine{{InterventionID: 103, RepairerID: 1, Kind: sb.KindStandard,
				City: "Paris", ClosedAt: iv103.ClosedAt, Operations: 1, AmountCents: 3000}},
			Installments: []sb.InstallmentLine{{PlanID: "ECH-1-2026-10", RepairerID: 1, Number: 1, Of: 2,
				DueCents: 3900, PaidCents: 3600, DueIndemnityCents: 3900, PaidIndemnityCents: 3600}},
			GrossCents: 3000, AvailableCents: 3000, NetHTCents: 3000, VATRateBP: 2000, VATCents: 600, NetTTCCents: 3600,
			InstallmentsCents: 3600, InstallmentsIndemnityCents: 3600}},
		Plans: []sb.Plan{
			{ID: "ECH-3-2026-09", RepairerID: 3, CreatedIn: sep, Months: 3, TotalCents: 9000, PaidCents: 3000, RulesVersion: sb.RulesV1},
			{ID: "ECH-1-2026-10", RepairerID: 1, CreatedIn: oct, Months: 2, TotalCents: 7800, IndemnityCents: 7800,
				PaidCents: 3600, PaidIndemnityCents: 3600, RulesVersion: sb.RulesV2},
		},
	}
}

func TestSaveBookTwiceFails(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		mustInsert(t, db, source())
		mustSave(t, db, bookSep())
		mustSave(t, db, bookOct())

		if err := save(ctx, db, bookOct()); !errors.Is(err, store.ErrAlreadyBooked) {
			t.Errorf("saving October twice: %v, want ErrAlreadyBooked", err)
		}
		nothingBooked(t, db)

		// A November that books intervention 101 again: the period row and the statement go
		// in first, then the commission fails, and the whole attempt is rolled back.
		b := bookNov()
		b.Statements[0].Commissions = append(b.Statements[0].Commissions, bookOct().Statements[0].Commissions[0])
		if err := save(ctx, db, b); !errors.Is(err, store.ErrAlreadyBooked) {
			t.Errorf("booking intervention 101 twice: %v, want ErrAlreadyBooked", err)
		}
		nothingBooked(t, db)

		// The statement number sequence is unique per repairer and year.
		b = bookNov()
		b.Statements[0].Number, b.Statements[0].Seq = "REL-1-2026-0099", 2
		if err := save(ctx, db, b); !errors.Is(err, store.ErrAlreadyBooked) {
			t.Errorf("reusing statement seq 2: %v, want ErrAlreadyBooked", err)
		}
		// An installment of a plan that does not exist is refused too.
		b = bookNov()
		b.Statements[0].Installments = []sb.InstallmentLine{{PlanID: "ECH-1-2099-01", RepairerID: 1, Number: 1, Of: 1}}
		if err := save(ctx, db, b); err == nil {
			t.Error("installment of an unknown plan was booked")
		}
		// A draft and a line filed under another repairer's statement are refused.
		b = bookNov()
		b.Draft = true
		if err := save(ctx, db, b); err == nil {
			t.Error("a draft was booked")
		}
		b = bookNov()
		b.Statements[0].Commissions[0].RepairerID = 2
		if err := save(ctx, db, b); err == nil {
			t.Error("a commission of repairer 2 was booked on repairer 1's statement")
		}
		nothingBooked(t, db)

		mustSave(t, db, bookNov())
		checkBook(t, db, bookNov())
	})
}

func TestWithCloseLockRollsBack(t *testing.T) {
	forEngines(t, func(t *testing.T, _ dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		mustInsert(t, db, source())
		mustSave(t, db, bookSep())
		mustSave(t, db, bookOct())

		boom := errors.New("boom")
		err := db.WithCloseLock(ctx, 0, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.SaveBook(ctx, bookNov()); err != nil {
				return err
			}
			if closed, err := tx.IsClosed(ctx, nov); err != nil || !closed {
				t.Errorf("inside the transaction, IsClosed(nov) = %v, %v", closed, err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("WithCloseLock = %v, want boom", err)
		}
		nothingBooked(t, db)

		func() {
			defer func() {
				if recover() == nil {
					t.Error("the panic was swallowed")
				}
			}()
			_ = db.WithCloseLock(ctx, 0, func(ctx context.Context, tx *store.Tx) error {
				if err := tx.SaveBook(ctx, bookNov()); err != nil {
					return err
				}
				panic("crash in the middle of a close")
			})
		}()
		nothingBooked(t, db)

		cctx, cancel := context.WithCancel(ctx)
		err = db.WithCloseLock(cctx, 0, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.SaveBook(ctx, bookNov()); err != nil {
				return err
			}
			cancel()
			return nil
		})
		if err == nil {
			t.Error("a cancelled close committed")
		}
		nothingBooked(t, db)

		// The lock was released every time.
		mustSave(t, db, bookNov())
	})
}
