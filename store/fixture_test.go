package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	sb "savbilling"
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

// forUnmigrated runs fn as a subtest on every engine, on a fresh database not migrated yet (a
// test sets up its source tables first).
func forUnmigrated(t *testing.T, fn func(t *testing.T, e dbtest.Engine, db *store.DB)) {
	t.Helper()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { fn(t, e, openUnmigrated(t, e)) })
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
	oct = sb.MustPeriod("2026-10")
	sep = sb.MustPeriod("2026-09")
	nov = sb.MustPeriod("2026-11")
)

// input returns a CloseInput with the fields the caller sets.
func input(p sb.Period) *sb.CloseInput {
	return &sb.CloseInput{Period: p, Start: p.Start(sb.Paris), End: p.End(sb.Paris),
		ClosedAt: p.End(sb.Paris).Add(5 * time.Hour), Rules: sb.DefaultRules()}
}

// The source rows of the tests.
var (
	r1 = sb.Repairer{ID: 1, Name: "Łukasz Wróbel", Email: "lukasz@example.org", Address: "3 rue de la Paix, 75002 Paris",
		SIRET: "12345678900007", VATNumber: "FR12123456789", VATRegime: sb.VATStandard, Active: true}
	r2 = sb.Repairer{ID: 2, Name: "Nguyễn Thị Hoa 🚲", SIRET: "44281204500015", VATRegime: sb.VATFranchise,
		DeductibleCents: ptr(int64(50000)), Active: false}
	r3 = sb.Repairer{ID: 3, Name: "Atelier « Ça Roule »", Email: "contact@caroule.fr", Address: "Lyon",
		SIRET: "98765432100007", VATNumber: "FR45987654321", VATRegime: sb.VATStandard, DeductibleCents: ptr(int64(0)), Active: true}

	iv90 = sb.Intervention{ID: 90, RepairerID: 1, CustomerID: 9090, City: "Paris", Kind: sb.KindStandard,
		Status: sb.StatusClosed, ClosedAt: utc(2026, 9, 20, 8, 0, 0),
		Operations: []sb.Operation{{ID: 900, InterventionID: 90, Label: "Dérailleur", PriceCents: 6000, CommissionCents: 3000}}}
	iv101 = sb.Intervention{ID: 101, RepairerID: 1, CustomerID: 9101, City: "Paris", Kind: sb.KindStandard,
		Status: sb.StatusClosed, ClosedAt: utc(2026, 10, 5, 10, 0, 0),
		Operations: []sb.Operation{
			{ID: 1011, InterventionID: 101, Label: "Chaîne", PriceCents: 5000, CommissionCents: 4000},
			{ID: 1012, InterventionID: 101, Label: "Déplacement", PriceCents: 1500, CommissionCents: 1000},
		}}
	// the last second of October in Paris (UTC+1 after the DST change of 2026-10-25)
	iv102 = sb.Intervention{ID: 102, RepairerID: 1, CustomerID: 9102, City: "Paris", Kind: sb.KindStandard,
		Status: sb.StatusClosed, ClosedAt: utc(2026, 10, 31, 22, 59, 59),
		Operations: []sb.Operation{{ID: 1021, InterventionID: 102, Label: "Pneu", PriceCents: 7000, CommissionCents: 5500}}}
	// the first second of November in Paris
	iv103 = sb.Intervention{ID: 103, RepairerID: 1, CustomerID: 9103, City: "Paris", Kind: sb.KindStandard,
		Status: sb.StatusClosed, ClosedAt: utc(2026, 10, 31, 23, 0, 0),
		Operations: []sb.Operation{{ID: 1031, InterventionID: 103, Label: "Frein", PriceCents: 4000, CommissionCents: 3000}}}
	iv104 = sb.Intervention{ID: 104, RepairerID: 1, Kind: sb.KindStandard, Status: sb.StatusOpen,
		Operations: []sb.Operation{{ID: 1041, InterventionID: 104, PriceCents: 100, CommissionCents: 100}}}
	iv105 = sb.Intervention{ID: 105, RepairerID: 1, Kind: sb.KindStandard, Status: sb.StatusCancelled,
		ClosedAt: utc(2026, 10, 6, 0, 0, 0)}
	// closed, no operation, no customer, no city
	iv106 = sb.Intervention{ID: 106, RepairerID: 3, Kind: sb.KindStandard, Status: sb.StatusClosed,
		ClosedAt: utc(2026, 10, 7, 12, 30, 0)}
	iv201 = sb.Intervention{ID: 201, RepairerID: 2, CustomerID: 9090, City: "Paris", Kind: sb.KindSAV, OriginalID: 90,
		Status: sb.StatusClosed, ClosedAt: utc(2026, 10, 12, 9, 0, 0),
		Operations: []sb.Operation{
			{ID: 2011, InterventionID: 201, Label: "Reprise dérailleur", PriceCents: 0, CommissionCents: 3500, SAVRelated: true},
			{ID: 2012, InterventionID: 201, Label: "Déplacement", PriceCents: 0, CommissionCents: 1000, SAVRelated: true},
			{ID: 2013, InterventionID: 201, Label: "Chaîne neuve", PriceCents: 3000, CommissionCents: 2000},
		}}
	// its original intervention is missing
	iv202 = sb.Intervention{ID: 202, RepairerID: 2, Kind: sb.KindSAV, OriginalID: 999, City: "Créteil",
		Status: sb.StatusClosed, ClosedAt: utc(2026, 10, 20, 15, 0, 0),
		Operations: []sb.Operation{{ID: 2021, InterventionID: 202, Label: "Roue", CommissionCents: 4500, SAVRelated: true}}}
	// its decision comes after the end of October
	iv203 = sb.Intervention{ID: 203, RepairerID: 3, Kind: sb.KindSAV, OriginalID: 101, City: "Paris",
		Status: sb.StatusClosed, ClosedAt: utc(2026, 10, 25, 8, 0, 0),
		Operations: []sb.Operation{{ID: 2031, InterventionID: 203, Label: "Réglage", CommissionCents: 2000, SAVRelated: true}}}
	iv204 = sb.Intervention{ID: 204, RepairerID: 3, Kind: sb.KindSAV, OriginalID: 101, Status: sb.StatusOpen}

	d201 = sb.Decision{SAVID: 201, Outcome: sb.OutcomeConfirmed, DamageCents: 15000,
		DecidedAt: utc(2026, 10, 13, 14, 0, 0), DecidedBy: "Zoé", Note: "Prise en charge totale ✅"}
	d202 = sb.Decision{SAVID: 202, Outcome: sb.OutcomePartial, ChargeBP: 3333, FaultyRepairerID: 3,
		DamageCents: 50000, DecidedAt: utc(2026, 10, 21, 10, 0, 0)}
	d203 = sb.Decision{SAVID: 203, Outcome: sb.OutcomeRejected, DecidedAt: utc(2026, 11, 2, 9, 0, 0)}
	d102 = sb.Decision{SAVID: 102, Outcome: sb.OutcomeConfirmed, DecidedAt: utc(2026, 10, 15, 9, 0, 0)}
	d777 = sb.Decision{SAVID: 777, Outcome: sb.OutcomeUnconfirmed, DecidedAt: utc(2026, 10, 16, 9, 0, 0)}
	d105 = sb.Decision{SAVID: 105, Outcome: sb.OutcomeConfirmed, DecidedAt: utc(2026, 11, 5, 9, 0, 0)}

	c501 = sb.Credit{ID: 501, InterventionID: 201, AmountCents: 400, GrantedAt: utc(2026, 10, 14, 9, 0, 0), Reason: "geste"}
	c502 = sb.Credit{ID: 502, InterventionID: 101, AmountCents: 500, GrantedAt: utc(2026, 10, 14, 9, 0, 0)}
	c503 = sb.Credit{ID: 503, InterventionID: 202, AmountCents: 1000, GrantedAt: utc(2026, 11, 3, 9, 0, 0), Reason: "retard"}
)

// source is the whole source of the tests.
func source() sb.Source {
	return sb.Source{
		Repairers:     []sb.Repairer{r1, r2, r3},
		Interventions: []sb.Intervention{iv90, iv101, iv102, iv103, iv104, iv105, iv106, iv201, iv202, iv203, iv204},
		Decisions:     []sb.Decision{d201, d202, d203, d102, d777, d105},
		Credits:       []sb.Credit{c501, c502, c503},
		Overrides: []sb.Override{
			{RepairerID: 2, Period: "2026-10", Mode: sb.OverrideSpread, Months: 2},
			{RepairerID: 3, Period: "2026-10", Mode: sb.OverrideInvoice},
			{RepairerID: 1, Period: "2026-11", Mode: sb.OverrideInvoice},
		},
	}
}

// bare is iv without its operations, as SAVCase.Original holds it.
func bare(iv sb.Intervention) *sb.Intervention {
	iv.Operations = nil
	return &iv
}

// openUnmigrated opens e's database without migrating it (a test sets up its source first),
// closed at the end of the test.
func openUnmigrated(t *testing.T, e dbtest.Engine) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), e.DB)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustInsert(t *testing.T, db *store.DB, src sb.Source) {
	t.Helper()
	if err := db.InsertSource(context.Background(), src); err != nil {
		t.Fatal(err)
	}
}

// loadInput reads the close input of p in a read transaction.
func loadInput(t *testing.T, db *store.DB, p sb.Period) *sb.CloseInput {
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
func save(ctx context.Context, db *store.DB, b *sb.Book) error {
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
func mustInsertSample(t *testing.T, db *store.DB, months int, last sb.Period) {
	t.Helper()
	err := sample.Network(sample.Options{Repairers: 12, Interventions: 1500, Months: months, Seed: 5, Last: last},
		func(_ sb.Period, src sb.Source) error {
			return db.InsertSource(context.Background(), src)
		})
	if err != nil {
		t.Fatal(err)
	}
}
