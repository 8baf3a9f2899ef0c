package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"savbilling"
	"savbilling/internal/dbtest"
	"savbilling/sample"
	"savbilling/store"
)

// forEngines runs fn as a subtest on every engine, on a fresh migrated database.
func forEngines(t *testing.T, fn func(t *testing.T, e dbtest.Engine, db *store.DB)) {
	t.Helper()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			fn(t, e, dbtest.Open(t, e))
		})
	}
}

// mysqlEngine is the MySQL/MariaDB engine of a fresh dbtest.Engines (a new database), false when
// the suite runs without a server (dbtest.Engines says so loudly, and fails under CI).
func mysqlEngine(t *testing.T) (dbtest.Engine, bool) {
	t.Helper()
	for _, e := range dbtest.Engines(t) {
		if e.Name == "mysql" {
			return e, true
		}
	}
	return dbtest.Engine{}, false
}

// utc builds a UTC instant.
func utc(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, time.UTC)
}

func ptr[T any](v T) *T { return &v }

var (
	oct = savbilling.MustPeriod("2026-10")
	sep = savbilling.MustPeriod("2026-09")
	nov = savbilling.MustPeriod("2026-11")
)

// input returns a CloseInput with the fields the caller sets.
func input(p savbilling.Period) *savbilling.CloseInput {
	return &savbilling.CloseInput{Period: p, Start: p.Start(savbilling.Paris), End: p.End(savbilling.Paris),
		ClosedAt: p.End(savbilling.Paris).Add(5 * time.Hour), Rules: savbilling.DefaultRules()}
}

// The source rows of the tests.
var (
	r1 = savbilling.Repairer{ID: 1, Name: "Łukasz Wróbel", Email: "lukasz@example.org", Address: "3 rue de la Paix, 75002 Paris",
		SIRET: "12345678900007", VATNumber: "FR12123456789", VATRegime: savbilling.VATStandard, Active: true}
	r2 = savbilling.Repairer{ID: 2, Name: "Nguyễn Thị Hoa 🚲", SIRET: "44281204500015", VATRegime: savbilling.VATFranchise,
		DeductibleCents: ptr(int64(50000)), Active: false}
	r3 = savbilling.Repairer{ID: 3, Name: "Atelier « Ça Roule »", Email: "contact@caroule.fr", Address: "Lyon",
		SIRET: "98765432100007", VATNumber: "FR45987654321", VATRegime: savbilling.VATStandard, DeductibleCents: ptr(int64(0)), Active: true}

	iv90 = savbilling.Intervention{ID: 90, RepairerID: 1, CustomerID: 9090, City: "Paris", Kind: savbilling.KindStandard,
		Status: savbilling.StatusClosed, ClosedAt: utc(2026, 9, 20, 8, 0, 0),
		Operations: []savbilling.Operation{{ID: 900, InterventionID: 90, Label: "Dérailleur", PriceCents: 6000, CommissionCents: 3000}}}
	iv101 = savbilling.Intervention{ID: 101, RepairerID: 1, CustomerID: 9101, City: "Paris", Kind: savbilling.KindStandard,
		Status: savbilling.StatusClosed, ClosedAt: utc(2026, 10, 5, 10, 0, 0),
		Operations: []savbilling.Operation{
			{ID: 1011, InterventionID: 101, Label: "Chaîne", PriceCents: 5000, CommissionCents: 4000},
			{ID: 1012, InterventionID: 101, Label: "Déplacement", PriceCents: 1500, CommissionCents: 1000},
		}}
	// the last second of October in Paris (UTC+1 after the DST change of 2026-10-25)
	iv102 = savbilling.Intervention{ID: 102, RepairerID: 1, CustomerID: 9102, City: "Paris", Kind: savbilling.KindStandard,
		Status: savbilling.StatusClosed, ClosedAt: utc(2026, 10, 31, 22, 59, 59),
		Operations: []savbilling.Operation{{ID: 1021, InterventionID: 102, Label: "Pneu", PriceCents: 7000, CommissionCents: 5500}}}
	// the first second of November in Paris
	iv103 = savbilling.Intervention{ID: 103, RepairerID: 1, CustomerID: 9103, City: "Paris", Kind: savbilling.KindStandard,
		Status: savbilling.StatusClosed, ClosedAt: utc(2026, 10, 31, 23, 0, 0),
		Operations: []savbilling.Operation{{ID: 1031, InterventionID: 103, Label: "Frein", PriceCents: 4000, CommissionCents: 3000}}}
	iv104 = savbilling.Intervention{ID: 104, RepairerID: 1, Kind: savbilling.KindStandard, Status: savbilling.StatusOpen,
		Operations: []savbilling.Operation{{ID: 1041, InterventionID: 104, PriceCents: 100, CommissionCents: 100}}}
	iv105 = savbilling.Intervention{ID: 105, RepairerID: 1, Kind: savbilling.KindStandard, Status: savbilling.StatusCancelled,
		ClosedAt: utc(2026, 10, 6, 0, 0, 0)}
	// closed, no operation, no customer, no city
	iv106 = savbilling.Intervention{ID: 106, RepairerID: 3, Kind: savbilling.KindStandard, Status: savbilling.StatusClosed,
		ClosedAt: utc(2026, 10, 7, 12, 30, 0)}
	iv201 = savbilling.Intervention{ID: 201, RepairerID: 2, CustomerID: 9090, City: "Paris", Kind: savbilling.KindSAV, OriginalID: 90,
		Status: savbilling.StatusClosed, ClosedAt: utc(2026, 10, 12, 9, 0, 0),
		Operations: []savbilling.Operation{
			{ID: 2011, InterventionID: 201, Label: "Reprise dérailleur", PriceCents: 0, CommissionCents: 3500, SAVRelated: true},
			{ID: 2012, InterventionID: 201, Label: "Déplacement", PriceCents: 0, CommissionCents: 1000, SAVRelated: true},
			{ID: 2013, InterventionID: 201, Label: "Chaîne neuve", PriceCents: 3000, CommissionCents: 2000},
		}}
	// its original intervention is missing
	iv202 = savbilling.Intervention{ID: 202, RepairerID: 2, Kind: savbilling.KindSAV, OriginalID: 999, City: "Créteil",
		Status: savbilling.StatusClosed, ClosedAt: utc(2026, 10, 20, 15, 0, 0),
		Operations: []savbilling.Operation{{ID: 2021, InterventionID: 202, Label: "Roue", CommissionCents: 4500, SAVRelated: true}}}
	// its decision comes after the end of October
	iv203 = savbilling.Intervention{ID: 203, RepairerID: 3, Kind: savbilling.KindSAV, OriginalID: 101, City: "Paris",
		Status: savbilling.StatusClosed, ClosedAt: utc(2026, 10, 25, 8, 0, 0),
		Operations: []savbilling.Operation{{ID: 2031, InterventionID: 203, Label: "Réglage", CommissionCents: 2000, SAVRelated: true}}}
	iv204 = savbilling.Intervention{ID: 204, RepairerID: 3, Kind: savbilling.KindSAV, OriginalID: 101, Status: savbilling.StatusOpen}

	d201 = savbilling.Decision{SAVID: 201, Outcome: savbilling.OutcomeConfirmed, DamageCents: 15000,
		DecidedAt: utc(2026, 10, 13, 14, 0, 0), DecidedBy: "Zoé", Note: "Prise en charge totale ✅"}
	d202 = savbilling.Decision{SAVID: 202, Outcome: savbilling.OutcomePartial, ChargeBP: 3333, FaultyRepairerID: 3,
		DamageCents: 50000, DecidedAt: utc(2026, 10, 21, 10, 0, 0)}
	d203 = savbilling.Decision{SAVID: 203, Outcome: savbilling.OutcomeRejected, DecidedAt: utc(2026, 11, 2, 9, 0, 0)}
	d102 = savbilling.Decision{SAVID: 102, Outcome: savbilling.OutcomeConfirmed, DecidedAt: utc(2026, 10, 15, 9, 0, 0)}
	d777 = savbilling.Decision{SAVID: 777, Outcome: savbilling.OutcomeUnconfirmed, DecidedAt: utc(2026, 10, 16, 9, 0, 0)}
	d105 = savbilling.Decision{SAVID: 105, Outcome: savbilling.OutcomeConfirmed, DecidedAt: utc(2026, 11, 5, 9, 0, 0)}

	c501 = savbilling.Credit{ID: 501, InterventionID: 201, AmountCents: 400, GrantedAt: utc(2026, 10, 14, 9, 0, 0), Reason: "geste"}
	c502 = savbilling.Credit{ID: 502, InterventionID: 101, AmountCents: 500, GrantedAt: utc(2026, 10, 14, 9, 0, 0)}
	c503 = savbilling.Credit{ID: 503, InterventionID: 202, AmountCents: 1000, GrantedAt: utc(2026, 11, 3, 9, 0, 0), Reason: "retard"}
)

// source is the whole source of the tests.
func source() savbilling.Source {
	return savbilling.Source{
		Repairers:     []savbilling.Repairer{r1, r2, r3},
		Interventions: []savbilling.Intervention{iv90, iv101, iv102, iv103, iv104, iv105, iv106, iv201, iv202, iv203, iv204},
		Decisions:     []savbilling.Decision{d201, d202, d203, d102, d777, d105},
		Credits:       []savbilling.Credit{c501, c502, c503},
		Overrides: []savbilling.Override{
			{RepairerID: 2, Period: "2026-10", Mode: savbilling.OverrideSpread, Months: 2},
			{RepairerID: 3, Period: "2026-10", Mode: savbilling.OverrideInvoice},
			{RepairerID: 1, Period: "2026-11", Mode: savbilling.OverrideInvoice},
		},
	}
}

// bare is iv without its operations, as SAVCase.Original holds it.
func bare(iv savbilling.Intervention) *savbilling.Intervention {
	iv.Operations = nil
	return &iv
}

func mustInsert(t *testing.T, db *store.DB, src savbilling.Source) {
	t.Helper()
	if err := db.InsertSource(context.Background(), src); err != nil {
		t.Fatal(err)
	}
}

// loadInput reads the close input of p in a read transaction.
func loadInput(t *testing.T, db *store.DB, p savbilling.Period) *savbilling.CloseInput {
	t.Helper()
	in := input(p)
	err := db.ReadTx(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		return tx.LoadCloseInput(ctx, in)
	})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// save books b in WithCloseLock.
func save(ctx context.Context, db *store.DB, b *savbilling.Book) error {
	return db.WithCloseLock(ctx, time.Second, func(ctx context.Context, tx *store.Tx) error {
		return tx.SaveBook(ctx, b)
	})
}

// scanRow scans the one row of query on db into dest.
func scanRow(t *testing.T, db *store.DB, query string, dest ...any) {
	t.Helper()
	err := db.Query(context.Background(), query, nil, func(rows *sql.Rows) error { return rows.Scan(dest...) })
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// mustInsertSample inserts the small synthetic network of the store's tests (12 repairers, 1 500
// interventions a month, seed 5) for the months months ending with last.
func mustInsertSample(t *testing.T, db *store.DB, months int, last savbilling.Period) {
	t.Helper()
	err := sample.Network(sample.Options{Repairers: 12, Interventions: 1500, Months: months, Seed: 5, Last: last},
		func(_ savbilling.Period, src savbilling.Source) error {
			return db.InsertSource(context.Background(), src)
		})
	if err != nil {
		t.Fatal(err)
	}
}
