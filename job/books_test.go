package job

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	sb "savbilling"
	"savbilling/accounting"
	"savbilling/accounting/fectest"
	"savbilling/internal/dbtest"
	"savbilling/reports"
	"savbilling/sample"
	"savbilling/store"
)

// The demo's repairers the transfer file cannot pay (sample/demo.go) and the reason the
// Paiements sheet gives for each.
var demoUnpaid = map[int64]string{9: "pas d'IBAN", 14: "IBAN invalide (clé de contrôle)", 28: "pays hors zone SEPA"}

const siret = "90123456700017" // the network's, for the accounting file's name

// payJob is a job with issue 23's renderers and the workbook.
func payJob(t *testing.T, db *store.DB, cfg accounting.Config) *Job {
	j := newJob(t, db)
	j.Issuer = sb.Issuer{Name: "Réseau Vélo Services", Address: "12 rue de l'Exemple\n75011 Paris", SIRET: siret,
		IBAN: "FR76 3000 6000 0112 3456 7890 189", BIC: "AGRIFRPPXXX"}
	j.Accounting = cfg
	j.Renderers = []Renderer{Workbook(), Bank(), Accounting(cfg)}
	return j
}

// insertDemo inserts a step of the demo or of a generated network (its facts and its

// dryRunApart runs a dry run of p with j's settings into a folder of its own (the real close of p
// removes its period's draft/ folder), failing the test on an error.
func dryRunApart(ctx context.Context, t *testing.T, j *Job, p sb.Period, now time.Time) *Result {
	t.Helper()
	dj := *j
	dj.Out = t.TempDir()
	dry, err := dj.Close(ctx, p, now, true)
	if err != nil {
		t.Fatalf("dry run %s: %v", p, err)
	}
	return dry
}

// decisions' revisions).
func insertDemo(t *testing.T, db *store.DB, st sample.Step) {
	t.Helper()
	ctx := context.Background()
	if err := db.InsertSource(ctx, st.Insert); err != nil {
		t.Fatal(err)
	}
	for _, d := range st.Update {
		if err := db.UpdateDecision(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
}

func fecPath(dir string, p sb.Period) string {
	return filepath.Join(dir, "accounting", "901234567FEC"+lastDay(p).Format("20060102")+".txt")
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// lastNums is the last EcritureNum of each journal in a FEC.
func lastNums(t *testing.T, data []byte) map[string]int {
	lines, fs := fectest.Parse(data)
	if len(fs) > 0 {
		t.Fatalf("parse: %s", fectest.String(fs))
	}
	out := map[string]int{}
	for _, l := range lines {
		n, _ := strconv.Atoi(l.Fields[fectest.EcritureNum])
		out[l.Fields[fectest.JournalCode]] = max(out[l.Fields[fectest.JournalCode]], n)
	}
	return out
}

// expectations are the workbook's figures of a closed period, stated from the booked ledger by
// the rules of domain.md ("Paying and booking the month"), not from the generator.
func expectations(b *sb.Book) []fectest.Expect {
	type figs struct{ payable, receivable int64 }
	by := map[int64]*figs{}
	get := func(id int64) *figs {
		if by[id] == nil {
			by[id] = &figs{}
		}
		return by[id]
	}
	var vat, vatCollected int64
	for _, s := range b.Statements {
		f := get(s.Repairer.ID)
		f.payable += s.PayableCents                         // Net à payer
		f.receivable += s.SpreadCents - s.InstallmentsCents // plan created − installments collected
		vat += s.VATCents                                   // Relevés, TVA

	}
	for _, v := range b.Invoices {
		f := get(v.Repairer.ID)
		f.receivable += v.TTCCents // invoice TTC, or debit note
		for _, l := range v.Lines {
			if l.Kind == sb.InvoicePlanBalance {
				f.receivable -= l.AmountCents // a plan's balance moves from the plan to the document
			}
		}
		if !v.DebitNote() {
			vatCollected += v.VATCents
		}
	}
	var out []fectest.Expect
	for id, f := range by {
		aux := fmt.Sprintf("REP%06d", id)
		out = append(out, fectest.Expect{What: "401 " + aux, Accounts: []string{"401"}, Aux: aux, Want: -f.payable},
			fectest.Expect{What: "411+4671 " + aux, Accounts: []string{"411", "4671"}, Aux: aux, Want: f.receivable})
	}
	return append(out, fectest.Expect{What: "44566", Accounts: []string{"44566"}, Aux: "*", Want: vat},
		fectest.Expect{What: "44571", Accounts: []string{"44571"}, Aux: "*", Want: -vatCollected})
}

// checkFEC checks a period's FEC with the independent checker and reconciles it to b.
func checkFEC(t *testing.T, data []byte, b *sb.Book, first map[string]int, fyFirst time.Time) {
	t.Helper()
	fs := fectest.Check(data, fectest.Options{FiscalYearFirst: fyFirst, FiscalYearLast: fyFirst.AddDate(1, 0, -1), FirstNum: first})
	if len(fs) > 0 {
		t.Errorf("%s: FEC checker:\n%s", b.Period, fectest.String(fs))
	}
	lines, _ := fectest.Parse(data)
	if fs := fectest.Reconcile(fectest.Movements(lines, "AN"), expectations(b)); len(fs) > 0 {
		t.Errorf("%s: the FEC does not reconcile to the workbook:\n%s", b.Period, fectest.String(fs))
	}
}

func xmllint(t *testing.T, path string) error {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint not found: install libxml2-utils (CI installs it in .ci/run)")
	}
	out, err := exec.Command(bin, "--noout", "--schema",
		filepath.Join("..", "bank", "testdata", "EPC132-08_2023_V1.0_pain.001.001.09.xsd"), path).CombinedOutput()
	if err != nil {
		return errors.New(string(out))
	}
	return nil
}

// TestDemoPaysAndBooksItsMonths: the demo's three months closed with issue 23's outputs: a draft
// writes neither file; each closed month's transfer file validates against the EPC schema and pays
// exactly the statements the Paiements sheet says, for their Net à payer; its FEC passes the
// checker, numbers each journal on from the month before, and reconciles to the workbook; a
// render writes the same bytes.
func TestDemoPaysAndBooksItsMonths(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := dbtest.Open(t, e)
			j := payJob(t, db, accounting.Config{})
			prev := map[string]int{}
			for _, st := range sample.Demo(sep) {
				insertDemo(t, db, st)
				dry := dryRunApart(ctx, t, j, st.Period, now)
				for _, sub := range []string{"bank", "accounting"} {
					if _, err := os.Stat(filepath.Join(dry.Dir, sub)); !errors.Is(err, os.ErrNotExist) {
						t.Errorf("%s: the draft wrote %s/ (%v)", st.Period, sub, err)
					}
				}
				res := mustClose(t, j, st.Period)
				b := booked(t, db, st.Period)
				listed := map[string]string{}
				for _, f := range res.Manifest.Files {
					listed[f.Path] = f.SHA256
				}

				// the transfer file
				bankFile := filepath.Join(res.Dir, filepath.FromSlash(BankFileName(st.Period)))
				if listed[BankFileName(st.Period)] == "" {
					t.Fatalf("%s: the manifest does not list the bank file", st.Period)
				}
				if err := xmllint(t, bankFile); err != nil {
					t.Errorf("%s: the bank file is not valid: %v", st.Period, err)
				}
				xml := string(readFile(t, bankFile))
				var want []string
				var sum int64
				for _, s := range b.Statements {
					if s.PayableCents > 0 && demoUnpaid[s.Repairer.ID] == "" {
						want = append(want, s.Number)
						sum += s.PayableCents
					}
				}
				var got []string
				for _, m := range regexp.MustCompile(`<EndToEndId>([^<]+)</EndToEndId>`).FindAllStringSubmatch(xml, -1) {
					got = append(got, m[1])
				}
				slices.Sort(want)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("%s: the file pays %v, want %v", st.Period, got, want)
				}
				if ctrl := fmt.Sprintf("<CtrlSum>%d.%02d</CtrlSum>", sum/100, sum%100); !strings.Contains(xml, "<GrpHdr>") || !strings.Contains(xml, ctrl) {
					t.Errorf("%s: the file's control sum is not %s", st.Period, ctrl)
				}

				// the Paiements sheet says the same, one row per statement
				checkPaymentsSheet(t, filepath.Join(res.Dir, reports.FileName(st.Period)), b, got)

				// the accounting file
				fec := fecPath(res.Dir, st.Period)
				if listed["accounting/"+filepath.Base(fec)] == "" {
					t.Fatalf("%s: the manifest does not list the accounting file", st.Period)
				}
				data := readFile(t, fec)
				first := map[string]int{}
				for _, jn := range []string{"AN", "ACH", "VT", "OD"} {
					first[jn] = prev[jn] + 1
				}
				checkFEC(t, data, b, first, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
				for jn, n := range lastNums(t, data) {
					prev[jn] = n
				}

				// render: the same bytes
				for _, rel := range []string{BankFileName(st.Period), "accounting/" + filepath.Base(fec), reports.FileName(st.Period)} {
					if err := os.Remove(filepath.Join(res.Dir, filepath.FromSlash(rel))); err != nil {
						t.Fatal(err)
					}
				}
				rr, err := j.Render(ctx, st.Period)
				if err != nil {
					t.Fatalf("render %s: %v", st.Period, err)
				}
				if len(rr.Restore.Restored) != 3 || len(rr.Restore.Refused) != 0 {
					t.Errorf("%s: render restored %v, refused %v", st.Period, rr.Restore.Restored, rr.Restore.Refused)
				}
			}
			if prev["ACH"] == 0 || prev["OD"] == 0 || prev["VT"] == 0 {
				t.Errorf("the demo's books use every journal: %v", prev)
			}
		})
	}
}

// checkPaymentsSheet reads the workbook's Paiements sheet: one row per statement, « oui » for
// exactly the statements the bank file pays, the reason of each repairer it cannot pay.
func checkPaymentsSheet(t *testing.T, path string, b *sb.Book, paid []string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if names := f.GetSheetList(); names[len(names)-1] != reports.SheetPayments || !slices.Equal(names[:len(names)-1], reports.SheetNames()) {
		t.Fatalf("%s: sheets %v", b.Period, names)
	}
	rows, err := f.GetRows(reports.SheetPayments)
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Join(rows[0], "|")
	if head != "ID réparateur|Réparateur|N° relevé|Date de paiement|Net à payer|IBAN|BIC|Payé par virement|Motif|Détail|Fichier de virement" {
		t.Fatalf("%s: headers %s", b.Period, head)
	}
	if len(rows) < len(b.Statements)+1 {
		t.Fatalf("%s: %d rows for %d statements", b.Period, len(rows)-1, len(b.Statements))
	}
	seen := map[int64]bool{}
	for i, s := range b.Statements {
		r := append(rows[i+1], make([]string, 11)...)
		if r[2] != s.Number {
			t.Fatalf("%s: row %d is %s, want %s", b.Period, i+2, r[2], s.Number)
		}
		payable, err := f.GetCellValue(reports.SheetPayments, fmt.Sprintf("E%d", i+2), excelize.Options{RawCellValue: true})
		if err != nil || payable != strconv.FormatFloat(float64(s.PayableCents)/100, 'f', -1, 64) {
			t.Errorf("%s: %s Net à payer %q, want %d cents", b.Period, s.Number, payable, s.PayableCents)
		}
		inFile := slices.Contains(paid, s.Number)
		if (r[7] == "oui") != inFile {
			t.Errorf("%s: %s « Payé par virement » %q, in the file %v", b.Period, s.Number, r[7], inFile)
		}
		if reason := demoUnpaid[s.Repairer.ID]; reason != "" && s.PayableCents > 0 {
			seen[s.Repairer.ID] = true
			if !strings.Contains(r[8], reason) || r[9] == "" {
				t.Errorf("%s: %s (repairer %d): reason %q detail %q, want « %s »", b.Period, s.Number, s.Repairer.ID, r[8], r[9], reason)
			}
		}
		if s.PayableCents <= 0 && !strings.Contains(r[8], "rien à payer") {
			t.Errorf("%s: %s pays nothing, reason %q", b.Period, s.Number, r[8])
		}
	}
	if b.Period == oct && len(seen) != len(demoUnpaid) {
		t.Errorf("October: the sheet shows the unpaid cases of %v, want all of %v", seen, demoUnpaid)
	}
}

// closeDemo closes the demo's months with j, up to and including last.
func closeDemo(t *testing.T, j *Job, db *store.DB, last sb.Period) {
	t.Helper()
	for _, st := range sample.Demo(sep) {
		if last.Before(st.Period) {
			return
		}
		insertDemo(t, db, st)
		mustClose(t, j, st.Period)
	}
}

// TestBrokenAccountingFileFailsTheRun: the job checks its accounting file before writing it; a
// file the checker refuses (an entry left unbalanced) or that does not reconcile to the workbook
// (a payable moved by other amounts, entries still balanced) is a bug: the close is booked but
// reports its outputs incomplete (exit 5), a render fails (exit 1), and no accounting file is
// written.
func TestBrokenAccountingFileFailsTheRun(t *testing.T) {
	breaks := map[string]struct {
		corrupt func([]byte) []byte
		says    string
	}{
		"unbalanced": {func(b []byte) []byte { // the last line dropped
			s := strings.TrimSuffix(string(b), "\n")
			return []byte(s[:strings.LastIndex(s, "\n")+1])
		}, "the FEC checker finds"},
		"not reconciled": {func(b []byte) []byte { // R1's purchase and payable both raised by 1,00 €
			lines := strings.Split(string(b), "\n")
			for i, l := range lines {
				f := strings.Split(l, "|")
				if len(f) == 18 && f[8] == "REL-1-2026-0001" && (f[4] == "604" || f[4] == "401") {
					side := 11
					if f[4] == "401" {
						side = 12
					}
					c, _ := fectest.ParseAmount(f[side])
					f[side] = accounting.Amount(c + 100)
					lines[i] = strings.Join(f, "|")
				}
			}
			return []byte(strings.Join(lines, "\n"))
		}, "do not reconcile to the workbook"},
	}
	for name, br := range breaks {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db := dbtest.Open(t, dbtest.Engines(t)[0])
			j := payJob(t, db, accounting.Config{})
			FaultFEC = br.corrupt
			defer func() { FaultFEC = nil }()
			st := sample.Demo(sep)[0]
			insertDemo(t, db, st)
			_, err := j.Close(ctx, sep, now, false)
			if !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), br.says) {
				t.Fatalf("close: %v, want ErrIncomplete saying « %s »", err, br.says)
			}
			_, err = j.Render(ctx, sep)
			if err == nil || errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), br.says) {
				t.Fatalf("render: %v, want a failure saying « %s »", err, br.says)
			}
			if _, err := os.Stat(fecPath(filepath.Join(j.Out, sep.String()), sep)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a broken accounting file was written (%v)", err)
			}
			FaultFEC = nil
			if _, err := j.Render(ctx, sep); err != nil {
				t.Fatalf("render once fixed: %v", err)
			}
			checkFEC(t, readFile(t, fecPath(filepath.Join(j.Out, sep.String()), sep)), booked(t, db, sep),
				map[string]int{"AN": 1, "ACH": 1, "VT": 1, "OD": 1}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		})
	}
}

// forget makes periods look closed by a version before issue 23: no accounting numbering.
func forget(t *testing.T, db *store.DB, ps ...sb.Period) {
	t.Helper()
	for _, p := range ps {
		for _, table := range []string{"sb_fec_numbers", "sb_fec_periods"} {
			if err := db.Exec(context.Background(), "DELETE FROM "+table+" WHERE period = ?", p.String()); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestPeriodsClosedBeforeGetNoBankOrAccountingFile: a period closed before issue 23 never gets a
// transfer file, an accounting file or a Paiements sheet: neither when its outputs are rendered
// from scratch (its workbook is the one it issued), nor against its manifest, which does not list
// them (render writes no output kind the period did not issue).
func TestPeriodsClosedBeforeGetNoBankOrAccountingFile(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := dbtest.Open(t, e)
			old := payJob(t, db, accounting.Config{})
			old.Renderers = []Renderer{Workbook()} // the version before issue 23
			closeDemo(t, old, db, sep)
			forget(t, db, sep)
			dir := filepath.Join(old.Out, sep.String())
			if err := os.RemoveAll(dir); err != nil { // its outputs lost: rendered from scratch
				t.Fatal(err)
			}
			j := payJob(t, db, accounting.Config{})
			j.Out = old.Out
			res, err := j.Render(ctx, sep)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Manifest.Files) != 1 {
				t.Errorf("render from scratch wrote %+v", res.Manifest.Files)
			}
			for _, sub := range []string{"bank", "accounting"} {
				if _, err := os.Stat(filepath.Join(dir, sub)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s/ written for a period closed before issue 23 (%v)", sub, err)
				}
			}
			f, err := excelize.OpenFile(filepath.Join(dir, reports.FileName(sep)))
			if err != nil {
				t.Fatal(err)
			}
			if names := f.GetSheetList(); !slices.Equal(names, reports.SheetNames()) {
				t.Errorf("the workbook of a period closed before issue 23 has the sheets %v", names)
			}
			f.Close()
			res, err = j.Render(ctx, sep) // against its manifest
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Restore.Skipped) != 0 || len(res.Restore.Intact) != 1 {
				t.Errorf("render against the manifest: %+v", res.Restore)
			}

			// a period closed before whose manifest lists no bank file, rendered by this version
			// with the numbering present (a manifest of another kind list): not written either
			oct2 := payJob(t, db, accounting.Config{})
			oct2.Out, oct2.Renderers = old.Out, []Renderer{Workbook()}
			closeDemo2(t, oct2, db)
			res, err = j.Render(ctx, oct)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Restore.Skipped) != 2 {
				t.Errorf("October's render wrote or skipped %+v, want the bank and accounting files skipped", res.Restore)
			}
			for _, sub := range []string{"bank", "accounting"} {
				if _, err := os.Stat(filepath.Join(old.Out, oct.String(), sub)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s/ written for October, whose manifest does not list it (%v)", sub, err)
				}
			}
		})
	}
}

// closeDemo2 closes the demo's second month with j.
func closeDemo2(t *testing.T, j *Job, db *store.DB) {
	t.Helper()
	insertDemo(t, db, sample.Demo(sep)[1])
	mustClose(t, j, oct)
}

// TestFirstAccountingFileOpensWithTheBalancesFromBefore: the first accounting file the job writes
// (September and October closed before issue 23) opens with the plans still open before November,
// at their balance then, and the invoices and debit notes of the months before, in journal AN
// balanced against 890; the file after it has none.
func TestFirstAccountingFileOpensWithTheBalancesFromBefore(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db := dbtest.Open(t, e)
			j := payJob(t, db, accounting.Config{})
			closeDemo(t, j, db, oct)
			forget(t, db, sep, oct)
			insertDemo(t, db, sample.Demo(sep)[2])
			res := mustClose(t, j, nov)
			data := readFile(t, fecPath(res.Dir, nov))
			nb := booked(t, db, nov)
			checkFEC(t, data, nb, map[string]int{"AN": 1, "ACH": 1, "VT": 1, "OD": 1}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))

			// what the months before leave open, stated from their books
			want := map[string]int64{}
			paid := map[string]int64{}
			for _, p := range []sb.Period{sep, oct} {
				b := booked(t, db, p)
				for _, v := range b.Invoices {
					want[v.Number] = v.TTCCents
				}
				for _, s := range b.Statements {
					for _, in := range s.Installments {
						paid[in.PlanID] += in.PaidCents
					}
				}
			}
			for _, pl := range nb.Plans {
				if pl.CreatedIn.Before(nov) && (pl.ClosedIn.IsZero() || !pl.ClosedIn.Before(nov)) {
					if bal := pl.TotalCents - paid[pl.ID]; bal > 0 {
						want[pl.ID] = bal
					}
				}
			}
			lines, _ := fectest.Parse(data)
			got := map[string]int64{}
			var against890 int64
			for _, l := range lines {
				if l.Fields[fectest.JournalCode] != "AN" {
					continue
				}
				d, _ := fectest.ParseAmount(l.Fields[fectest.Debit])
				c, _ := fectest.ParseAmount(l.Fields[fectest.Credit])
				if l.Fields[fectest.CompteNum] == "890" {
					against890 += c - d
				} else {
					got[l.Fields[fectest.PieceRef]] += d - c
				}
			}
			if len(want) == 0 || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("à-nouveaux %v, want %v", got, want)
			}
			var total int64
			for _, v := range want {
				total += v
			}
			if against890 != total {
				t.Errorf("890 credited %d, want %d", against890, total)
			}
			// the next file has no à-nouveaux
			n, ok, err := db.LoadFECNumbers(context.Background(), nov)
			if err != nil || !ok || !n.Opening {
				t.Errorf("November's numbering %+v %v %v, want the opening file", n, ok, err)
			}
		})
	}
}

// TestFECNumberingRestartsWithTheFiscalYear: with a fiscal year starting in November, October's
// file continues September's numbers and November's starts again at 1 in every journal.
func TestFECNumberingRestartsWithTheFiscalYear(t *testing.T) {
	e := dbtest.Engines(t)[0]
	db := dbtest.Open(t, e)
	cfg := accounting.DefaultConfig()
	cfg.FiscalYearFirstMonth = time.November
	j := payJob(t, db, cfg)
	closeDemo(t, j, db, nov)
	dir := func(p sb.Period) string { return filepath.Join(j.Out, p.String()) }
	sepLast := lastNums(t, readFile(t, fecPath(dir(sep), sep)))
	first := map[string]int{}
	for _, jn := range []string{"AN", "ACH", "VT", "OD"} {
		first[jn] = sepLast[jn] + 1
	}
	checkFEC(t, readFile(t, fecPath(dir(oct), oct)), booked(t, db, oct), first, time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC))
	checkFEC(t, readFile(t, fecPath(dir(nov), nov)), booked(t, db, nov), map[string]int{"AN": 1, "ACH": 1, "VT": 1, "OD": 1},
		time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	if sepLast["ACH"] == 0 {
		t.Fatal("September booked no purchase: the test would not check the continuation")
	}
}

// TestTransferAddressesAreStructured: the street, postcode and town the bank file writes, from the
// optional columns when the repairer has them, else from an address ending « postcode town ».
func TestTransferAddressesAreStructured(t *testing.T) {
	for _, c := range []struct {
		p                      sb.Party
		street, postcode, town string
	}{
		{sb.Party{Address: "12 rue de la Roquette, 75011 Paris", Postcode: "75011", City: "Paris"}, "12 rue de la Roquette", "75011", "Paris"},
		{sb.Party{Address: "Bâtiment B\n7 rue Mercière\n69002 Lyon"}, "Bâtiment B, 7 rue Mercière", "69002", "Lyon"},
		{sb.Party{Address: "6 rue de Sébastopol", Postcode: "98800", City: "Nouméa"}, "6 rue de Sébastopol", "98800", "Nouméa"},
		{sb.Party{Address: "Hauptstraße 5\nBerlin"}, "Hauptstraße 5, Berlin", "", ""},
	} {
		got := Creditor(c.p)
		if got.Street != c.street || got.Postcode != c.postcode || got.Town != c.town {
			t.Errorf("%q: %q %q %q, want %q %q %q", c.p.Address, got.Street, got.Postcode, got.Town, c.street, c.postcode, c.town)
		}
	}
	d := Debtor(sb.Issuer{Name: "Réseau", Address: "12 rue de l'Exemple\n75011 Paris"})
	if d.Street != "12 rue de l'Exemple" || d.Postcode != "75011" || d.Town != "Paris" {
		t.Errorf("debtor %+v", d)
	}
}

// TestANetworkAccountThatCannotPayWritesNoBankFile: with the network's own IBAN invalid, no
// transfer file is written (never an invalid one), the close succeeds, and every row of the
// Paiements sheet says why, naming the key to fix.
func TestANetworkAccountThatCannotPayWritesNoBankFile(t *testing.T) {
	db := dbtest.Open(t, dbtest.Engines(t)[0])
	j := payJob(t, db, accounting.Config{})
	j.Issuer.IBAN = "FR76 3000 6000 0112 3456 7890 188" // one digit off
	insertDemo(t, db, sample.Demo(sep)[0])
	res := mustClose(t, j, sep)
	if _, err := os.Stat(filepath.Join(res.Dir, "bank")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a bank file was written for a network that cannot pay (%v)", err)
	}
	for _, f := range res.Manifest.Files {
		if strings.HasPrefix(f.Path, "bank/") {
			t.Errorf("the manifest lists %s", f.Path)
		}
	}
	f, err := excelize.OpenFile(filepath.Join(res.Dir, reports.FileName(sep)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(reports.SheetPayments)
	if err != nil || len(rows) < 3 {
		t.Fatalf("Paiements: %d rows, %v", len(rows), err)
	}
	for _, r := range rows[1 : len(booked(t, db, sep).Statements)+1] {
		r = append(r, make([]string, 11)...)
		if r[7] != "non" || !strings.Contains(r[8], NetworkCannotPay) || !strings.Contains(r[9], "network.iban") {
			t.Errorf("row %v: want « non », « %s » and the key to fix", r[:10], NetworkCannotPay)
		}
	}
}
