package job

import (
	"context"
	"testing"

	sb "savbilling"
	"savbilling/accounting"
	"savbilling/internal/dbtest"
	"savbilling/sample"
)

// BenchmarkBankAndAccountingFiles renders the transfer file and the accounting file (with its
// check and reconciliation) of a closed month of 10 000 repairers, from the ledger (SQLite).
func BenchmarkBankAndAccountingFiles(b *testing.B) {
	ctx := context.Background()
	e := dbtest.Engines(b)[0]
	db := dbtest.Open(b, e)
	err := sample.Network(sample.Options{Repairers: 10000, Interventions: 60000, Months: 1, Seed: 3, Last: sep},
		func(_ sb.Period, src sb.Source) error { return db.InsertSource(ctx, src) })
	if err != nil {
		b.Fatal(err)
	}
	// the synthetic network has no bank details: one valid account for all
	if err := db.Exec(ctx, "UPDATE repairers SET iban = ?, postcode = '69002', city = 'Lyon'", "FR7630006000014200000000330"); err != nil {
		b.Fatal(err)
	}
	j := &Job{DB: db, Out: b.TempDir(), Rules: sb.DefaultRules(), Issuer: sb.Issuer{Name: "Réseau Vélo Services",
		Address: "12 rue de l'Exemple\n75011 Paris", SIRET: "90123456700017", IBAN: "FR76 3000 6000 0112 3456 7890 189"},
		Renderers: []Renderer{Bank(), Accounting(accounting.Config{})}}
	if _, err := j.Close(ctx, sep, now, false); err != nil {
		b.Fatal(err)
	}
	l, err := j.ledger(ctx, sep)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		dir := b.TempDir()
		for _, r := range j.Renderers {
			fs, err := r.Render(ctx, dir, l, nil)
			if err != nil || len(fs) != 1 {
				b.Fatalf("%s: %v %v", r.Name(), fs, err)
			}
			b.ReportMetric(float64(fs[0].Bytes), r.Name()+"-bytes")
		}
	}
}
