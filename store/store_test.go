package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/store"
)

func TestRedact(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"mysql:sav:s3cr3t@tcp(127.0.0.1:3306)/sav", "mysql:sav:***@tcp(127.0.0.1:3306)/sav"},
		{"mysql:sav:s3cr3t@tcp(127.0.0.1:3306)/sav?parseTime=true", "mysql:sav:***@tcp(127.0.0.1:3306)/sav?parseTime=true"},
		{"mysql:sav:p@ss/w:rd@tcp(db:3306)/sav", "mysql:sav:***@tcp(db:3306)/sav"},
		{"mysql:root@unix(/tmp/x/sock)/sav", "mysql:root@unix(/tmp/x/sock)/sav"},
		{"mysql:sav:s3cr3t@tcp(127.0.0.1:3306", "mysql:sav:***@tcp(127.0.0.1:3306"},
		{"sqlite:/var/lib/sav/savbilling.db", "sqlite:/var/lib/sav/savbilling.db"},
		{"postgres://sav:s3cr3t@db/sav", "postgres://sav:***@db/sav"},
		{"sav:s3cr3t@tcp(db)/sav", "sav:***@tcp(db)/sav"},
	} {
		if got := store.Redact(c.in); got != c.want {
			t.Errorf("Redact(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestOpenErrorsHideThePassword(t *testing.T) {
	ctx := context.Background()
	const pw = "s3cr3t-Pa55"
	dbs := []string{
		"mysql:sav:" + pw + "@tcp(127.0.0.1:1)/sav",                    // nothing listens
		"mysql:sav:" + pw + "@tcp(127.0.0.1:1",                         // malformed
		"mysql:sav:" + pw + "@tcp(127.0.0.1:1)/",                       // no database
		"mysql:sav:" + pw + "@tcp(127.0.0.1:1)/sav?loc=Mars%2FOlympus", // bad parameter
		"postgres://sav:" + pw + "@db/sav",                             // unknown form
		"sav:" + pw + "@tcp(db)/sav",                                   // no prefix
	}
	if dsn := os.Getenv(dbtest.EnvDSN); dsn != "" {
		// a real server refusing a wrong password
		if user, rest, ok := strings.Cut(dsn, "@"); ok {
			user, _, _ = strings.Cut(user, ":")
			dbs = append(dbs, "mysql:"+user+":"+pw+"@"+strings.TrimSuffix(rest, "/")+"/sav")
		}
	}
	for _, db := range dbs {
		d, err := store.Open(ctx, db)
		if err == nil {
			d.Close()
			t.Errorf("Open(%s) succeeded", store.Redact(db))
			continue
		}
		if strings.Contains(err.Error(), pw) {
			t.Errorf("Open error shows the password: %v", err)
		}
		t.Logf("%v", err)
	}
	_, err := store.Open(ctx, "postgres://sav:"+pw+"@db/sav")
	if err == nil || !strings.Contains(err.Error(), "sqlite:PATH") || !strings.Contains(err.Error(), "mysql:DSN") {
		t.Errorf("unknown form: error %v does not name the accepted forms", err)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	forEngines(t, func(t *testing.T, e dbtest.Engine, db *store.DB) {
		ctx := context.Background()
		if db.Dialect() != e.Name {
			t.Errorf("Dialect() = %q, want %q", db.Dialect(), e.Name)
		}
		mustInsert(t, db, source())
		for range 2 {
			if err := db.Migrate(ctx); err != nil {
				t.Fatalf("migrate again: %v", err)
			}
		}
		// a second process migrating the same database
		other := dbtest.Open(t, e)
		in := loadInput(t, other, oct)
		if len(in.Interventions) != 7 || in.Repairers[2].Name != r2.Name {
			t.Errorf("after migrating again: %d interventions, repairer 2 %q", len(in.Interventions), in.Repairers[2].Name)
		}
	})
}

// An operator may provide the source tables as views over the marketplace's own tables: the
// migration then leaves them alone (no table, no index), and the close reads through them.
func TestSourceViews(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := openUnmigrated(t, e)
			for _, q := range []string{
				`CREATE TABLE mk_jobs (job_id BIGINT PRIMARY KEY, mechanic BIGINT NOT NULL, client BIGINT, town VARCHAR(80),
					job_kind VARCHAR(16) NOT NULL, disputed BIGINT, state VARCHAR(16) NOT NULL, finished DATETIME)`,
				`CREATE VIEW interventions AS SELECT job_id AS id, mechanic AS repairer_id, client AS customer_id,
					town AS city, job_kind AS kind, disputed AS original_intervention_id, state AS status,
					finished AS closed_at FROM mk_jobs`,
				`INSERT INTO mk_jobs VALUES (1, 7, NULL, 'Nîmes', 'standard', NULL, 'closed', '2026-10-03 10:00:00')`,
			} {
				if err := db.Exec(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatalf("migrate over a view: %v", err)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatalf("migrate again: %v", err)
			}
			got := loadInput(t, db, oct).Interventions
			want := []sb.Intervention{{ID: 1, RepairerID: 7, City: "Nîmes", Kind: sb.KindStandard,
				Status: sb.StatusClosed, ClosedAt: utc(2026, 10, 3, 10, 0, 0)}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("interventions through the view (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOpenSQLiteOddPath(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "a dir#with?odd%chars")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "sav.db")
	db, err := store.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the database is not at %s: %v", path, err)
	}
}

// The optional repairer columns: migrate adds them to the repairers table it created, never to
// an operator's view; the close reads the ones the view has and NULL (blank) for the others.
func TestOptionalRepairerColumns(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			// the table the job created gets them, and they are read back
			db := dbtest.Open(t, e)
			src := source()
			r := &src.Repairers[0]
			r.Postcode, r.City, r.CountryCode, r.LegalForm = "75011", "Paris", "FR", "EI"
			r.IBAN, r.BIC, r.VATOnDebits = "FR7630006000011234567890189", "AGRIFRPP", true
			mustInsert(t, db, src)
			got := loadInput(t, db, oct).Repairers[r.ID]
			if got.Postcode != "75011" || got.City != "Paris" || got.CountryCode != "FR" || got.LegalForm != "EI" ||
				got.IBAN != r.IBAN || got.BIC != "AGRIFRPP" || !got.VATOnDebits {
				t.Errorf("optional columns of the job's table read back as %+v", got)
			}
			if other := loadInput(t, db, oct).Repairers[src.Repairers[1].ID]; other.LegalForm != "" || other.VATOnDebits {
				t.Errorf("NULL optional columns read as %+v", other)
			}
		})
	}
	// an operator's view with two of them, and an operator's own table with none: left alone by
	// migrate (altering a view would fail it), read as they are
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name+"/view", func(t *testing.T) {
			ctx := context.Background()
			db := openUnmigrated(t, e)
			for _, q := range []string{
				`CREATE TABLE mk_shops (shop_id BIGINT PRIMARY KEY, label VARCHAR(200) NOT NULL, regime VARCHAR(16) NOT NULL,
					forme VARCHAR(200), debits INT)`,
				`CREATE VIEW repairers AS SELECT shop_id AS id, label AS name, NULL AS email, NULL AS address, NULL AS siret,
					NULL AS vat_number, regime AS vat_regime, NULL AS rc_pro_deductible_cents, 1 AS active,
					forme AS legal_form, debits AS vat_on_debits FROM mk_shops`,
				`INSERT INTO mk_shops VALUES (7, 'Vélos du Port', 'standard', 'SAS au capital de 1 000 €', 1)`,
				`INSERT INTO mk_shops VALUES (8, 'Roue Libre', 'franchise', NULL, NULL)`,
			} {
				if err := db.Exec(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			for range 2 {
				if err := db.Migrate(ctx); err != nil {
					t.Fatalf("migrate over the view: %v", err)
				}
			}
			rs := loadInput(t, db, oct).Repairers
			want := map[int64]sb.Repairer{
				7: {ID: 7, Name: "Vélos du Port", VATRegime: sb.VATStandard, Active: true,
					LegalForm: "SAS au capital de 1 000 €", VATOnDebits: true},
				8: {ID: 8, Name: "Roue Libre", VATRegime: sb.VATFranchise, Active: true},
			}
			if diff := cmp.Diff(want, rs); diff != "" {
				t.Errorf("repairers through the view (-want +got):\n%s", diff)
			}
		})
	}
}
