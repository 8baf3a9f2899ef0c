package job

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/sample"
	"savbilling/store"
)

// ledgerText is a Renderer that writes the book as text: the job's tests check the orchestration
// without depending on the PDF and workbook renderers.
type ledgerText struct{}

func (ledgerText) Name() string { return "ledger-text" }

func (ledgerText) Render(ctx context.Context, dir string, l *Ledger, prev *sb.Totals) ([]File, error) {
	var out strings.Builder
	err := l.EachStatement(ctx, store.RowsOnly, func(s *sb.Statement) error {
		fmt.Fprintf(&out, "%s %d G=%d D=%d net=%d vat=%d ttc=%d\n", s.Number, s.Repairer.ID, s.GrossCents, s.DeductionsCents, s.NetHTCents, s.VATCents, s.NetTTCCents)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if prev != nil {
		fmt.Fprintf(&out, "previous gross %d\n", prev.GrossCents)
	}
	if err := os.WriteFile(filepath.Join(dir, "ledger.txt"), []byte(out.String()), 0o640); err != nil {
		return nil, err
	}
	return []File{{Path: "ledger.txt", Bytes: int64(out.Len()), SHA256: sha([]byte(out.String()))}}, nil
}

var (
	sep = sb.MustPeriod("2026-09")
	oct = sb.MustPeriod("2026-10")
	nov = sb.MustPeriod("2026-11")
	// now is a run on 2 December 2026: September to November have ended.
	now = time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
)

func newJob(t *testing.T, db *store.DB) *Job {
	return &Job{DB: db, Out: t.TempDir(), Rules: sb.DefaultRules(), Issuer: testIssuer, Renderers: []Renderer{ledgerText{}}}
}

func setup(t *testing.T, e dbtest.Engine) (*Job, *store.DB) {
	db := dbtest.Open(t, e)
	if err := db.InsertSource(context.Background(), sample.WorkedExample()); err != nil {
		t.Fatal(err)
	}
	return newJob(t, db), db
}

func mustClose(t *testing.T, j *Job, p sb.Period) *Result {
	t.Helper()
	res, err := j.Close(context.Background(), p, now, false)
	if err != nil {
		t.Fatalf("close %s: %v", p, err)
	}
	return res
}

// booked is the book of closed period p, read back whole from the ledger (a Result's Book holds
// no statement).
func booked(t *testing.T, db *store.DB, p sb.Period) *sb.Book {
	t.Helper()
	b, err := db.LoadBook(context.Background(), p)
	if err != nil {
		t.Fatalf("book of %s: %v", p, err)
	}
	return b
}

// firstNumber is the number of the first statement booked for closed period p.
func firstNumber(t *testing.T, db *store.DB, p sb.Period) string {
	t.Helper()
	b := booked(t, db, p)
	if len(b.Statements) == 0 {
		t.Fatalf("no statement booked in %s", p)
	}
	return b.Statements[0].Number
}

func TestCloseWorkedExample(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			j, _ := setup(t, e)
			mustClose(t, j, sep)
			res := mustClose(t, j, oct)
			got, err := os.ReadFile(filepath.Join(res.Dir, "ledger.txt"))
			if err != nil {
				t.Fatal(err)
			}
			want := "REL-1-2026-0002 1 G=12500 D=4500 net=8000 vat=1600 ttc=9600\n" +
				"REL-2-2026-0001 2 G=6500 D=0 net=6500 vat=0 ttc=6500\n" +
				"previous gross 5000\n"
			if diff := cmp.Diff(want, string(got)); diff != "" {
				t.Errorf("booked October (-want +got):\n%s", diff)
			}
			m, err := ReadManifest(res.Dir)
			if err != nil {
				t.Fatal(err)
			}
			wantM := ManifestTotals{GrossCents: 19000, DeductionsCents: 4500, NetCents: 14500, VATCents: 1600, PayableCents: 16100}
			if diff := cmp.Diff(wantM, m.Totals); diff != "" {
				t.Errorf("manifest totals (-want +got):\n%s", diff)
			}
			if m.Period != "2026-10" || m.Statements != 2 || m.ClosedAt != "2026-12-02T06:00:00Z" || len(m.Files) != 1 {
				t.Errorf("manifest = %+v", m)
			}
			if len(res.Missing) != 2 {
				t.Errorf("the job must say which documents it did not produce: %q", res.Missing)
			}
		})
	}
}

// TestCloseWorkedExampleWithDamage closes the rulebook's worked example with its damage variant
// (300,00 € of damage on the umbrella policy) through the store, on each engine: the self-billed
// invoice is unchanged (80,00 / 16,00 / 96,00), the deductible 200,00 is set off after VAT, the
// indemnity overflow of 104,00 goes on a plan of 34,67 / 34,67 / 34,66, the claim is 100,00; in
// November, R1 earns nothing: a statement of account asks the first installment.
func TestCloseWorkedExampleWithDamage(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			j, db := setup(t, e)
			ctx := context.Background()
			d := sample.WorkedExample().Decisions[0]
			d.DamageCents = 30000
			if err := db.UpdateDecision(ctx, d); err != nil {
				t.Fatal(err)
			}
			mustClose(t, j, sep)
			res := mustClose(t, j, oct)
			b := booked(t, db, oct)
			if b.RulesVersion != sb.RulesV2 {
				t.Errorf("October closed under the rules v%d", b.RulesVersion)
			}
			r1 := b.StatementOf(1)
			got := []int64{r1.GrossCents, r1.ReductionsCents, r1.NetHTCents, r1.VATCents, r1.NetTTCCents, r1.IndemnitiesCents,
				r1.IndemnityOverflowCents, r1.PayableCents, r1.SpreadCents}
			if want := []int64{12500, 4500, 8000, 1600, 9600, 20000, 10400, 0, 10400}; !cmp.Equal(want, got) {
				t.Errorf("R1 G R NetHT VAT NetTTC M Om Payable spread = %v, want %v", got, want)
			}
			if len(r1.SAV) != 2 || r1.SAV[1].Type != sb.LineDeductible || r1.SAV[1].AmountCents != 20000 {
				t.Errorf("R1's SAV lines: %+v", r1.SAV)
			}
			if len(b.Claims) != 1 || b.Claims[0].ClaimCents != 10000 || b.Claims[0].Policy != sb.PolicyUmbrella {
				t.Errorf("claims: %+v", b.Claims)
			}
			var plan *sb.Plan
			for i := range b.Plans {
				if b.Plans[i].RepairerID == 1 {
					plan = &b.Plans[i]
				}
			}
			if plan == nil || plan.TotalCents != 10400 || plan.IndemnityCents != 10400 || plan.Months != 3 || plan.RulesVersion != sb.RulesV2 {
				t.Fatalf("plan: %+v", plan)
			}
			m, err := ReadManifest(res.Dir)
			if err != nil {
				t.Fatal(err)
			}
			wantM := ManifestTotals{GrossCents: 19000, DeductionsCents: 24500, NetCents: 14500, VATCents: 1600, SpreadCents: 10400,
				IndemnitiesCents: 20000, PayableCents: 6500}
			if diff := cmp.Diff(wantM, m.Totals); diff != "" {
				t.Errorf("manifest totals (-want +got):\n%s", diff)
			}

			mustClose(t, j, nov)
			nb := booked(t, db, nov)
			s := nb.StatementOf(1)
			if s == nil || s.Number != "RDC-1-2026-11" || !s.Account || len(s.Installments) != 1 {
				t.Fatalf("R1 in November: %+v", s)
			}
			if l := s.Installments[0]; l.DueCents != 3467 || l.DueIndemnityCents != 3467 || l.PaidCents != 0 {
				t.Errorf("November's installment: %+v", l)
			}
		})
	}
}

func TestCloseTwiceChangesNothing(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			j, db := setup(t, e)
			mustClose(t, j, sep)
			first := mustClose(t, j, oct)
			before, _ := db.LoadBook(context.Background(), oct)
			manifest, _ := os.ReadFile(filepath.Join(first.Dir, ManifestFile))
			again := mustClose(t, j, oct)
			if !again.AlreadyClosed {
				t.Fatalf("second close of %s not reported as already closed", oct)
			}
			after, _ := db.LoadBook(context.Background(), oct)
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("ledger changed (-before +after):\n%s", diff)
			}
			if m2, _ := os.ReadFile(filepath.Join(first.Dir, ManifestFile)); string(m2) != string(manifest) {
				t.Errorf("manifest rewritten")
			}
		})
	}
}

func TestNotReady(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			j, _ := setup(t, e)
			ctx := context.Background()
			if _, err := j.Close(ctx, sb.MustPeriod("2026-12"), now, false); !errors.Is(err, ErrNotReady) {
				t.Errorf("a period not ended: err = %v, want ErrNotReady", err)
			}
			mustClose(t, j, sep)
			if _, err := j.Close(ctx, nov, now, false); !errors.Is(err, ErrNotReady) || !strings.Contains(err.Error(), "2026-10 is still open") {
				t.Errorf("previous period open: err = %v", err)
			}
			if _, err := j.Close(ctx, sb.MustPeriod("2026-08"), now, false); !errors.Is(err, ErrNotReady) {
				t.Errorf("a period before the first closed one: err = %v", err)
			}
		})
	}
}

func TestDryRunBooksNothing(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			j, db := setup(t, e)
			ctx := context.Background()
			res, err := j.Close(ctx, sep, now, true)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Book.Draft || res.Book.Statements[0].Number != "" || !strings.HasSuffix(res.Dir, "/2026-09/draft") {
				t.Errorf("dry run: draft %v, number %q, dir %s", res.Book.Draft, res.Book.Statements[0].Number, res.Dir)
			}
			if m, err := ReadManifest(res.Dir); err != nil || !m.DryRun || m.Totals.GrossCents != 5000 {
				t.Errorf("draft manifest = %+v, %v", m, err)
			}
			if closed, _ := db.ClosedPeriods(ctx); len(closed) != 0 {
				t.Fatalf("a dry run closed %v", closed)
			}
			mustClose(t, j, sep)
			if n := firstNumber(t, db, sep); n != "REL-1-2026-0001" {
				t.Errorf("the dry run consumed a number: first real statement is %s", n)
			}
		})
	}
}

func TestInterruptedCloseBooksNothing(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			j, db := setup(t, e)
			ctx := context.Background()
			j.beforeCommit = func() error { return errors.New("killed before commit") }
			if _, err := j.Close(ctx, sep, now, false); err == nil {
				t.Fatal("close must fail")
			}
			if closed, _ := db.ClosedPeriods(ctx); len(closed) != 0 {
				t.Fatalf("an interrupted close left closed periods %v", closed)
			}
			if _, err := os.Stat(filepath.Join(j.Out, "2026-09")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("an interrupted close wrote outputs: %v", err)
			}
			j.beforeCommit = nil
			mustClose(t, j, sep)
			if n := firstNumber(t, db, sep); n != "REL-1-2026-0001" {
				t.Errorf("numbers after an interrupted close start at %s", n)
			}
		})
	}
}

func TestLockedExits3(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			j, _ := setup(t, e)
			other, err := store.Open(context.Background(), e.DB) // another process
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			inside, release := make(chan struct{}), make(chan struct{})
			done := make(chan error)
			go func() {
				done <- other.WithCloseLock(context.Background(), 0, func(ctx context.Context, tx *store.Tx) error {
					close(inside)
					<-release
					return nil
				})
			}()
			<-inside
			_, err = j.Close(context.Background(), sep, now, false)
			close(release)
			if !errors.Is(err, store.ErrLocked) {
				t.Errorf("close while locked: err = %v, want ErrLocked", err)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			j.LockWait = 5 * time.Second
			mustClose(t, j, sep)
		})
	}
}

// Bad data is held, listed, and booked by the first close after it is fixed; a decision changed
// after its charge is booked as an adjustment.
func TestFixesAndChangesAreBookedLater(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			j, db := setup(t, e)
			ctx := context.Background()
			must := func(q string, args ...any) {
				if err := db.Exec(ctx, q, args...); err != nil {
					t.Fatal(err)
				}
			}
			must("UPDATE intervention_operations SET commission_cents = -5500 WHERE intervention_id = 102")
			mustClose(t, j, sep)
			res := mustClose(t, j, oct)
			octBook, err := db.LoadBook(ctx, oct)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Book.Anomalies) != 1 || res.Book.Anomalies[0].Item != "intervention 102" || octBook.StatementOf(1).GrossCents != 7000 {
				t.Fatalf("October: anomalies %+v, R1 gross %d", res.Book.Anomalies, octBook.StatementOf(1).GrossCents)
			}
			must("UPDATE intervention_operations SET commission_cents = 5500 WHERE intervention_id = 102")
			must("UPDATE sav_decisions SET outcome = 'partial', charge_bp = 5000, decided_at = '2026-11-03 10:00:00' WHERE intervention_id = 201")
			res = mustClose(t, j, nov)
			// res.Book is the book as rendered, without its statements: read them back
			full, err := db.LoadBook(ctx, nov)
			if err != nil {
				t.Fatal(err)
			}
			s := full.StatementOf(1)
			if s.CommissionCount() != 1 || res.Book.Statements != nil || res.Manifest.Statements != len(full.Statements) || len(s.Commissions) != 1 || s.Commissions[0].InterventionID != 102 || !s.Commissions[0].Late || s.Commissions[0].AmountCents != 5500 {
				t.Errorf("fixed intervention 102 not booked late in November: %+v", s.Commissions)
			}
			want := []sb.SAVLine{{SAVID: 201, OriginalID: 90, SAVRepairerID: 2, City: "Paris", RepairerID: 1, Type: sb.LineAdjustment,
				Outcome: sb.OutcomePartial, ChargeBP: 5000, CorrectiveCents: 4500, AmountCents: -2250,
				Note: "Dérailleur mal réglé lors de l'intervention 90.",
				// what explains it (issue 19): days, the decision before, what October charged and where
				SAVDay: "2026-10-12", OriginalDay: "2026-09-20", OriginalCity: "Paris",
				BeforeOutcome: sb.OutcomeConfirmed, BeforeChargeBP: 10000, BeforeBookedCents: 4500,
				EarlierStatement: octBook.StatementOf(1).Number}}
			if diff := cmp.Diff(want, s.SAV); diff != "" {
				t.Errorf("November adjustment (-want +got):\n%s", diff)
			}
			if s.NetHTCents != 5500+2250 || len(res.Book.Anomalies) != 0 {
				t.Errorf("November net %d, anomalies %+v", s.NetHTCents, res.Book.Anomalies)
			}
		})
	}
}

// A SAV whose charge is held keeps paying its visit; the charge is booked by the first close
// after support fixes the decision.
func TestHeldChargeBookedAfterFix(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			j, db := setup(t, e)
			ctx := context.Background()
			if err := db.Exec(ctx, "UPDATE sav_decisions SET outcome = 'partial', charge_bp = 12000 WHERE intervention_id = 201"); err != nil {
				t.Fatal(err)
			}
			mustClose(t, j, sep)
			mustClose(t, j, oct)
			oct := booked(t, db, oct)
			if len(oct.Anomalies) != 1 || oct.Anomalies[0].Item != "SAV 201" || !strings.Contains(oct.Anomalies[0].Reason, "12000") || oct.Anomalies[0].Fix == "" {
				t.Fatalf("October anomalies = %+v", oct.Anomalies)
			}
			if s := oct.StatementOf(2); s == nil || s.GrossCents != 6500 || len(oct.StatementOf(1).SAV) != 0 {
				t.Fatalf("the visit is paid, the charge held")
			}
			if err := db.Exec(ctx, "UPDATE sav_decisions SET charge_bp = 5000, decided_at = '2026-11-04 09:00:00' WHERE intervention_id = 201"); err != nil {
				t.Fatal(err)
			}
			mustClose(t, j, nov)
			nov := booked(t, db, nov)
			s := nov.StatementOf(1)
			if len(nov.Anomalies) != 0 || s == nil || len(s.SAV) != 1 || s.SAV[0].Type != sb.LineCharge || s.SAV[0].AmountCents != 2250 {
				t.Errorf("November: anomalies %+v, R1 %+v", nov.Anomalies, s)
			}
			if nov.StatementOf(2) != nil {
				t.Errorf("the visit must not be paid twice")
			}
		})
	}
}

// A close killed after its commit, during rendering, left no manifest: the next close of that
// period renders the outputs again, the same bytes.
func TestCloseCompletesCutOutputs(t *testing.T) {
	e := dbtest.Engines(t)[0]
	j, _ := setup(t, e)
	first := mustClose(t, j, sep)
	ledger, _ := os.ReadFile(filepath.Join(first.Dir, "ledger.txt"))
	os.Remove(filepath.Join(first.Dir, ManifestFile))
	os.Remove(filepath.Join(first.Dir, "ledger.txt"))
	os.WriteFile(filepath.Join(first.Dir, ".ledger.txt.tmp42"), []byte("half"), 0o640)
	again := mustClose(t, j, sep)
	if !again.AlreadyClosed || !again.Completed {
		t.Fatalf("result %+v: want already closed and completed", again)
	}
	if got, _ := os.ReadFile(filepath.Join(first.Dir, "ledger.txt")); string(got) != string(ledger) {
		t.Errorf("outputs differ after completion")
	}
	if _, err := ReadManifest(first.Dir); err != nil {
		t.Errorf("manifest: %v", err)
	}
	if _, err := os.Stat(filepath.Join(first.Dir, ".ledger.txt.tmp42")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file left: %v", err)
	}
	if third := mustClose(t, j, sep); third.Completed {
		t.Errorf("a complete period is not rendered again")
	}
}

// testIssuer is the network of the tests: an identity that can make an e-invoice.
var testIssuer = sb.Issuer{Name: "Réseau", Address: "12 rue de l'Exemple\n75011 Paris", SIRET: "90123456700017",
	VATNumber: "FR52901234567", IBAN: "FR76 3000 6000 0112 3456 7890 189", BIC: "AGRIFRPPXXX"}
