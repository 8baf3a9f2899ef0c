package invoices

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	sb "savbilling"
	"savbilling/frfmt"
	"savbilling/templates"
)

// identities of the network as every document prints them
var networkMentions = []string{
	"Réseau Vélo Services", "SAS au capital de 10 000 €", "12 rue de l'Exemple", "75011 Paris",
	"SIRET : 90123456700017", "SIREN : 901234567", "N° TVA : FR52901234567", "RCS Paris 901 234 567",
}

func TestWorkedExampleR1(t *testing.T) {
	b := workedExample()
	text := pdfText(t, renderStatement(t, New(nil), b, 0), 0)
	contains(t, "R1", text, append(networkMentions,
		"Relevé mensuel de commissions — Autofacturation",
		"Facture émise par Réseau Vélo Services au nom et pour le compte d'Atelier Cyclœ — Élodie Lefèvre",
		"Atelier Cyclœ — Élodie Lefèvre", "3 place de l'Église", "69002 Lyon",
		"SIRET : 81234567800021", "SIREN : 812345678", "N° TVA : FR40812345678", "Réparateur n° 1",
		"N° REL-1-2026-0010", "Date : 01/11/2026", "Période : octobre 2026", "Paiement : 16/11/2026",
		// commissions: id, date, city, services (or without them the count of the operations), amount
		"Intervention Date de clôture Ville Prestations Montant HT",
		"101 03/10/2026 Lyon Changement de chaîne, Frais de déplacement 40,00 €",
		"102 14/10/2026 Villeurbanne Révision de la transmission (dérailleur arrière, 55,00 €",
		"103 27/10/2026 Saint-Étienne 1 opération 30,00 €",
		"Total des commissions HT 125,00 €",
		// the SAV line: SAV id, original intervention, SAV repairer id, decision, share, C, type, amount
		"201 90 2 Prise en charge totale 100 % 45,00 € Commission corrective 45,00 €",
		"Total des déductions SAV 45,00 €",
		// totals
		"Commissions HT (G) 125,00 €", "Déductions SAV (D) 45,00 €",
		"Net HT 80,00 €", "TVA 20 % 16,00 €", "Net TTC 96,00 €",
		"Paiement le 16/11/2026 par virement",
		"Page 1/1",
	)...)
	// a statement names no repairer but its own: R2 did the SAV visit and appears by id only
	lacks(t, "R1", text, "Jérôme", "Garçon", "TVA non applicable", "BROUILLON", "Dépassement")
}

func TestWorkedExampleR2Franchise(t *testing.T) {
	b := workedExample()
	text := pdfText(t, renderStatement(t, New(nil), b, 1), 0)
	contains(t, "R2", text, append(networkMentions,
		"Facture émise par Réseau Vélo Services au nom et pour le compte de Jérôme Garçon",
		"N° REL-2-2026-0010", "SIRET : 89876543200018", "SIREN : 898765432", "N° TVA : non communiqué",
		// booked without services (before migration 80): the count of the operations, as it printed
		"Intervention Date de clôture Ville Opérations Montant HT",
		"201 12/10/2026 Lyon 3 65,00 €",
		"Aucune déduction SAV ce mois-ci.",
		"Commissions HT (G) 65,00 €", "Déductions SAV (D) 0,00 €", "Net HT 65,00 €",
		"TVA non applicable, art. 293 B du CGI", "Net TTC 65,00 €",
		"Paiement le 16/11/2026 par virement",
	)...)
	lacks(t, "R2", text, "Atelier", "Élodie", "TVA 20 %")
}

func TestSpreadVariant(t *testing.T) {
	b := spreadExample()
	r := New(nil)
	pdf := renderStatement(t, r, b, 0)
	text := pdfText(t, pdf, 0)
	contains(t, "spread", text,
		"201 90 2 Prise en charge totale 100 % 45,00 € Commission corrective 45,00 €",
		"201 90 2 Prise en charge totale — — Franchise RC Pro 200,00 €",
		"Total des déductions SAV 245,00 €",
		"SAV 201 : préjudice de 300,00 €",
		// the plan's schedule: 120.00 over 3 months from November
		"Échéancier ECH-1-2026-10 : 120,00 € en 3 échéance(s), ouvert sur le relevé d'octobre 2026",
		"1 novembre 2026 40,00 € 0,00 € 40,00 €",
		"2 décembre 2026 40,00 € 0,00 € 40,00 €",
		"3 janvier 2027 40,00 € 0,00 € 40,00 €",
		"Payé à ce jour : 0,00 €", "Solde restant : 120,00 €",
		// totals
		"Commissions HT (G) 125,00 €", "Déductions SAV (D) 245,00 €",
		"Dépassement (D – G) 120,00 €", "Mis en échéancier ECH-1-2026-10 120,00 €",
		"Net HT 0,00 €", "Net TTC 0,00 €",
	)
	contains(t, "spread notes", pdfText(t, pdf, 97),
		"Aucun versement pour cette période.",
		"Les déductions SAV dépassent les commissions du mois de 120,00 € : ce montant n'est pas déduit de ce relevé.")
	lacks(t, "spread", text, "Jérôme", "Paiement le")
}

func TestInstallments(t *testing.T) {
	b := installmentExample()
	text := pdfText(t, renderStatement(t, New(nil), b, 0), 0)
	contains(t, "installments", text,
		"Échéances prélevées",
		"ECH-1-2026-08 2/3 40,00 € 40,00 €", "Total prélevé 40,00 €",
		"Échéancier ECH-1-2026-08 : 120,00 € en 3 échéance(s), ouvert sur le relevé d'août 2026",
		"1 septembre 2026 40,00 € 40,00 € 0,00 €",
		"2 octobre 2026 40,00 € 40,00 € 0,00 €",
		"3 novembre 2026 40,00 € 0,00 € 40,00 €",
		"Payé à ce jour : 80,00 €", "Solde restant : 40,00 €",
		"Échéances prélevées 40,00 €", "Net HT 40,00 €", "TVA 20 % 8,00 €", "Net TTC 48,00 €")
}

func TestInvoice(t *testing.T) {
	b := invoiceExample()
	r := New(nil)
	pdf := renderInvoice(t, r, b, 0)
	text := pdfText(t, pdf, 0)
	contains(t, "invoice", text, append(networkMentions,
		"Facture N° FAC-2026-000001",
		"Prestataire", "Client",
		"Atelier Cyclœ — Élodie Lefèvre", "SIREN : 812345678", "N° TVA : FR40812345678",
		"Date d'émission : 01/11/2026", "Date d'échéance : 01/12/2026", "Période : octobre 2026",
		"Refacturation de frais de SAV non imputables sur le relevé d'octobre 2026",
		"Dépassement du relevé REL-1-2026-0010 120,00 €",
		"Déductions SAV 245,00 € – commissions 125,00 € = dépassement 120,00 €",
		// the SAV items it covers
		"Interventions SAV couvertes — relevé REL-1-2026-0010",
		"201 90 2 Prise en charge totale Commission corrective 45,00 €",
		"201 90 2 Prise en charge totale Franchise RC Pro 200,00 €",
		"Total HT 120,00 €", "TVA 20 % 24,00 €", "Total TTC 144,00 €", "Net à payer 144,00 €",
		"Page 1/1",
	)...)
	contains(t, "invoice notes", pdfText(t, pdf, 97),
		"Payable à 30 jours, au plus tard le 01/12/2026.",
		"En cas de retard de paiement, pénalités au taux de trois fois le taux d'intérêt légal",
		"indemnité forfaitaire pour frais de recouvrement de 40,00 € (art. L441-10 du Code de commerce)",
		"Pas d'escompte pour paiement anticipé.",
		"Paiement par virement sur le compte IBAN FR76 3000 6000 0112 3456 7890 189, BIC AGRIFRPPXXX, en rappelant le n° FAC-2026-000001.")
	lacks(t, "invoice", text, "Jérôme", "BROUILLON")

	// and the statement says where the overflow went
	st := pdfText(t, renderStatement(t, r, b, 0), 0)
	contains(t, "statement of the invoice", st, "Dépassement (D – G) 120,00 €", "Facturé : FAC-2026-000001 120,00 €")
}

func TestInvoicePlanBalance(t *testing.T) {
	b := planBalanceExample()
	text := pdfText(t, renderInvoice(t, New(nil), b, 0), 0)
	contains(t, "plan balance", text,
		"Dépassement du relevé REL-1-2026-0010 120,00 €",
		"Solde de l'échéancier ECH-1-2026-08 66,66 €",
		"Échéancier ECH-1-2026-08 : solde du dépassement du relevé d'août 2026.",
		"Total HT 186,66 €", "TVA 20 % 37,33 €", "Total TTC 223,99 €")
	st := pdfText(t, renderStatement(t, New(nil), b, 0), 0)
	contains(t, "plan balance statement", st,
		// 100.00 over 3: 33.34, 33.33, 33.33; paid 33.34, the rest invoiced
		"1 septembre 2026 33,34 € 33,34 € 0,00 €",
		"2 octobre 2026 33,33 € 0,00 € 33,33 €",
		"Solde facturé : 66,66 € (FAC-2026-000001)", "Solde restant : 0,00 €",
		"Échéancier clos sur le relevé d'octobre 2026.",
		"Facturé : FAC-2026-000001 186,66 €")
}

// Names outside cp1252 print through the embedded UTF-8 font; the others keep the core font.
func TestNamesOutsideCP1252(t *testing.T) {
	b := unicodeExample()
	r := New(nil)
	pl := renderStatement(t, r, b, 0)
	vn := renderInvoice(t, r, b, 0)
	text := pdfText(t, pl, 0)
	contains(t, "Łukasz", text,
		"Facture émise par Réseau Vélo Services au nom et pour le compte de Łukasz Wróbel",
		"5 rue Świętokrzyska",
		"401 299 8 Prise en charge partielle 33,33 % 45,00 € Commission corrective 15,00 €",
		"Net HT 65,00 €", "TVA 20 % 13,00 €", "Net TTC 78,00 €")
	lacks(t, "Łukasz", text, "Nguyễn", "Đức")
	contains(t, "Nguyễn", pdfText(t, vn, 0), "Nguyễn Văn Đức", "Facture N° FAC-2026-000002",
		"Règlement amiable (préjudice) 150,00 €", "Total TTC 180,00 €")
	for name, pdf := range map[string][]byte{"Łukasz": pl, "Nguyễn": vn} {
		if !bytes.Contains(pdf, []byte("FontFile2")) {
			t.Errorf("%s: the document should embed the UTF-8 font", name)
		}
	}
	if core := renderStatement(t, r, workedExample(), 0); bytes.Contains(core, []byte("FontFile2")) {
		t.Error("a cp1252 document should use the core font, not embed one")
	}
}

// The embedded texts are all in cp1252, so that ordinary documents take the fast core font.
func TestEmbeddedTextsAreCP1252(t *testing.T) {
	set, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		for i := range v.NumField() {
			f := v.Field(i)
			name := path + "." + v.Type().Field(i).Name
			switch f.Kind() {
			case reflect.Struct:
				walk(f, name)
			case reflect.String:
				if !inCP1252(f.String()) {
					t.Errorf("%s = %q is outside cp1252: every document would embed the UTF-8 font", name, f.String())
				}
			}
		}
	}
	walk(reflect.ValueOf(set.Texts), "Texts")
}

// A long month paginates: the table's heading and header repeat, every page says « Page x/3 »,
// the totals are on the last page.
func TestThreePages(t *testing.T) {
	b := longStatement(80)
	text := pdfText(t, renderStatement(t, New(nil), b, 0), 0)
	pp := pages(text)
	if len(pp) != 3 {
		t.Fatalf("%d pages, want 3", len(pp))
	}
	for i, p := range pp {
		n := i + 1
		contains(t, "page", p, "Page "+string(rune('0'+n))+"/3",
			"Intervention Date de clôture Ville Opérations Montant HT",
			"Relevé REL-1-2026-0010 — Autofacturation — Réseau Vélo Services")
		if n > 1 {
			contains(t, "page", p, "Commissions (suite)",
				"Relevé REL-1-2026-0010 — Atelier Cyclœ — Élodie Lefèvre — octobre 2026")
		}
		if n < 3 {
			lacks(t, "page", p, "Récapitulatif", "Net TTC", "Total des commissions HT")
		}
	}
	s := b.Statements[0]
	contains(t, "last page", pp[2], "Total des commissions HT "+eur(s.GrossCents), "Récapitulatif",
		"Net HT "+eur(s.NetHTCents), "Net TTC "+eur(s.NetTTCCents))
	// every line is there once, in order
	all := flat(text)
	last := -1
	for _, c := range s.Commissions {
		id := " " + itoa(c.InterventionID) + " "
		i := strings.Index(all, id)
		if i < 0 || i < last {
			t.Fatalf("intervention %d missing or out of order", c.InterventionID)
		}
		last = i
	}
	// a late commission is marked, and explained under the table in words that cannot be read as
	// a late payment
	c := s.Commissions[5]
	if !c.Late || !strings.Contains(all, " 1005 * ") {
		t.Error("late commissions must be marked « * »")
	}
	contains(t, "late note", text, "* 1005 : intervention du "+frfmt.FormatDate(sb.DayIn(c.ClosedAt, sb.Paris))+
		", arrivée après la clôture "+frfmt.De(frfmt.FormatMonth(c.ClosedAt.Year(), c.ClosedAt.Month()))+".")
	lacks(t, "late commissions", text, "retard)")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A dry run's documents carry « BROUILLON » on every page and no number, under draft names.
func TestDraft(t *testing.T) {
	needPdftotext(t)
	b := draft(invoiceExample())
	long := longStatement(80)
	long.Statements[0].Repairer.ID = 3
	long.Statements[0].Number = ""
	b.Statements = append(b.Statements, long.Statements[0])
	dir := t.TempDir()
	files, err := New(nil).WriteAll(context.Background(), dir, b)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	want := []string{"invoices/BROUILLON-1.pdf", "statements/BROUILLON-1.pdf", "statements/BROUILLON-2.pdf", "statements/BROUILLON-3.pdf"}
	if !reflect.DeepEqual(paths, want) {
		t.Fatalf("paths = %v, want %v", paths, want)
	}
	for _, p := range paths {
		pdf, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, pdf, 0)
		for i, pg := range pages(text) {
			if !strings.Contains(pg, "BROUILLON") {
				t.Errorf("%s page %d: no « BROUILLON »", p, i+1)
			}
		}
		lacks(t, p, text, "REL-1-2026", "REL-2-2026", "FAC-2026-")
		if !bytes.Contains(pdf, []byte("/ca 0.18")) {
			t.Errorf("%s: no translucent watermark", p)
		}
	}
	if n := len(pages(pdfText(t, mustRead(t, filepath.Join(dir, "statements/BROUILLON-3.pdf")), 0))); n != 3 {
		t.Errorf("long draft: %d pages, want 3", n)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The same ledger gives the same bytes: twice in a row, from a book read back in another time
// zone, and through WriteAll's concurrent workers.
func TestDeterministic(t *testing.T) {
	r := New(nil)
	for name, b := range map[string]*sb.Book{"worked": workedExample(), "unicode": unicodeExample(),
		"long": longStatement(80), "draft": draft(invoiceExample())} {
		a := renderStatement(t, r, b, 0)
		if again := renderStatement(t, r, b, 0); !bytes.Equal(a, again) {
			t.Errorf("%s: two renders differ", name)
		}
		moved := *b
		moved.ClosedAt = b.ClosedAt.In(sb.Paris).Add(300 * time.Millisecond)
		if other := renderStatement(t, r, &moved, 0); !bytes.Equal(a, other) {
			t.Errorf("%s: the close instant in another zone changes the bytes", name)
		}
		if !bytes.Contains(a, []byte("/CreationDate (D:20261101050000)")) || !bytes.Contains(a, []byte("/ModDate (D:20261101050000)")) {
			t.Errorf("%s: creation and modification dates are not the close's", name)
		}
		if len(b.Invoices) > 0 {
			if !bytes.Equal(renderInvoice(t, r, b, 0), renderInvoice(t, r, b, 0)) {
				t.Errorf("%s: two invoice renders differ", name)
			}
		}
	}
	b := unicodeExample()
	b.Statements = append(b.Statements, longStatement(60).Statements[0], workedExample().Statements[1])
	d1, d2 := t.TempDir(), t.TempDir()
	f1, err := r.WriteAll(context.Background(), d1, b)
	if err != nil {
		t.Fatal(err)
	}
	f2, err := r.WriteAll(context.Background(), d2, b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f1, f2) {
		t.Errorf("two WriteAll differ:\n%v\n%v", f1, f2)
	}
	// and rewriting a folder replaces its files with the same bytes
	f3, err := r.WriteAll(context.Background(), d1, b)
	if err != nil || !reflect.DeepEqual(f1, f3) {
		t.Errorf("rewrite: %v, %v", err, f3)
	}
}

func TestWriteAll(t *testing.T) {
	b := planBalanceExample()
	b.Statements = append(b.Statements, unicodeExample().Statements...)
	dir := filepath.Join(t.TempDir(), "2026-10")
	files, err := New(nil).WriteAll(context.Background(), dir, b)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"invoices/FAC-2026-000001.pdf", "statements/REL-1-2026-0010.pdf", "statements/REL-2-2026-0010.pdf",
		"statements/REL-7-2026-0003.pdf", "statements/REL-8-2026-0004.pdf"}
	if len(files) != len(want) {
		t.Fatalf("files = %v", files)
	}
	for i, f := range files {
		if f.Path != want[i] {
			t.Errorf("file %d = %s, want %s", i, f.Path, want[i])
		}
		data := mustRead(t, filepath.Join(dir, filepath.FromSlash(f.Path)))
		sum := sha256.Sum256(data)
		if f.Bytes != int64(len(data)) || f.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: bytes %d sha %s, file has %d %x", f.Path, f.Bytes, f.SHA256, len(data), sum)
		}
		if !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.Contains(data[len(data)-32:], []byte("%%EOF")) {
			t.Errorf("%s: not a whole PDF", f.Path)
		}
		st, _ := os.Stat(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if st.Mode().Perm() != FileMode {
			t.Errorf("%s: mode %v", f.Path, st.Mode().Perm())
		}
	}
	for _, sub := range []string{"statements", "invoices"} {
		st, err := os.Stat(filepath.Join(dir, sub))
		if err != nil || st.Mode().Perm() != DirMode {
			t.Errorf("%s: %v %v", sub, err, st)
		}
	}
	noTemporaries(t, dir)

	// with nothing to render, the folders still exist and no file is listed
	empty := t.TempDir()
	if files, err := New(nil).WriteAll(context.Background(), empty, book()); err != nil || len(files) != 0 {
		t.Errorf("empty book: %v, %v", files, err)
	}
}

func noTemporaries(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}

func TestWriteAllErrors(t *testing.T) {
	r := New(nil)
	// a statement that does not add up stops the run, named by its number, and leaves no
	// temporary file and no PDF of it
	b := workedExample()
	for i := range 20 {
		s := stR2()
		s.Repairer.ID, s.Number = int64(100+i), "REL-"+itoa(int64(100+i))+"-2026-0001"
		b.Statements = append(b.Statements, s)
	}
	b.Statements[0].NetTTCCents++
	dir := t.TempDir()
	_, err := r.WriteAll(context.Background(), dir, b)
	if err == nil || !strings.Contains(err.Error(), "statement REL-1-2026-0010") || !strings.Contains(err.Error(), "net TTC") {
		t.Errorf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "statements/REL-1-2026-0010.pdf")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the failed statement was written: %v", err)
	}
	noTemporaries(t, dir)

	// a missing number, two documents on one path, a cancelled context
	b = workedExample()
	b.Statements[1].Number = ""
	if _, err := r.WriteAll(context.Background(), t.TempDir(), b); err == nil || !strings.Contains(err.Error(), "repairer 2") {
		t.Errorf("missing number: %v", err)
	}
	b = workedExample()
	b.Statements[1].Number = b.Statements[0].Number
	if _, err := r.WriteAll(context.Background(), t.TempDir(), b); err == nil || !strings.Contains(err.Error(), "two documents") {
		t.Errorf("duplicate path: %v", err)
	}
	b = workedExample()
	b.Statements[1].Number = "../../etc/passwd"
	if _, err := r.WriteAll(context.Background(), t.TempDir(), b); err == nil {
		t.Error("a number that is not a file name must be refused")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.WriteAll(ctx, t.TempDir(), workedExample()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	// the folder cannot be created
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	if _, err := r.WriteAll(context.Background(), file, workedExample()); err == nil {
		t.Error("writing under a file must fail")
	}
}

func TestInconsistentLedger(t *testing.T) {
	r := New(nil)
	cases := map[string]func(b *sb.Book){
		"G":        func(b *sb.Book) { b.Statements[0].GrossCents++ },
		"D":        func(b *sb.Book) { b.Statements[0].SAV[0].AmountCents++ },
		"A":        func(b *sb.Book) { b.Statements[0].AvailableCents++ },
		"net HT":   func(b *sb.Book) { b.Statements[0].NetHTCents++ },
		"net TTC":  func(b *sb.Book) { b.Statements[0].VATCents++ },
		"issuer":   func(b *sb.Book) { b.Issuer.Name = " " },
		"invoice":  func(b *sb.Book) { b.Invoices[0].HTCents++ },
		"TTC":      func(b *sb.Book) { b.Invoices[0].TTCCents++ },
		"inv. num": func(b *sb.Book) { b.Invoices[0].Number = "" },
	}
	for name, breakIt := range cases {
		b := invoiceExample()
		breakIt(b)
		var buf bytes.Buffer
		err1 := r.Statement(&buf, b, &b.Statements[0])
		err2 := r.Invoice(&buf, b, &b.Invoices[0])
		if err1 == nil && err2 == nil {
			t.Errorf("%s: a ledger that does not add up was rendered", name)
		}
	}
	if err := r.Statement(&bytes.Buffer{}, nil, nil); err == nil {
		t.Error("nil book")
	}
}

// A total that wrapped around int64 (net TTC = net HT + VAT beyond 92 233 720 368 547 758,07 €)
// is never printed: the lines and totals agree modulo 2⁶⁴, but not as amounts.
func TestWrappedTotalsRefused(t *testing.T) {
	r := New(nil)
	wrap := func(a, b int64) int64 { return a + b } // what unchecked code computes
	b := invoiceExample()
	s := &b.Statements[0]
	s.Commissions = []sb.CommissionLine{{InterventionID: 1, RepairerID: s.Repairer.ID, AmountCents: math.MaxInt64}}
	s.SAV, s.Installments = nil, nil
	s.GrossCents, s.DeductionsCents, s.OverflowCents, s.AvailableCents = math.MaxInt64, 0, 0, math.MaxInt64
	s.InstallmentsCents, s.NetHTCents, s.VATRateBP = 0, math.MaxInt64, 2000
	s.VATCents = math.MaxInt64 / 5
	s.NetTTCCents = wrap(s.NetHTCents, s.VATCents)
	s.SpreadCents, s.InvoicedCents, s.InvoiceNumber = 0, 0, ""
	if err := r.Statement(&bytes.Buffer{}, b, s); err == nil || !strings.Contains(err.Error(), "overflow") {
		t.Errorf("statement with a wrapped net TTC: err = %v, want an overflow", err)
	}
	inv := &b.Invoices[0]
	inv.Lines = []sb.InvoiceLine{{Kind: sb.InvoiceOverflow, AmountCents: 8e18}}
	inv.HTCents, inv.VATRateBP, inv.VATCents = 8e18, 2000, 16e17
	inv.TTCCents = wrap(inv.HTCents, inv.VATCents)
	if err := r.Invoice(&bytes.Buffer{}, b, inv); err == nil || !strings.Contains(err.Error(), "overflow") {
		t.Errorf("invoice with a wrapped TTC: err = %v, want an overflow", err)
	}
	inv.Lines = []sb.InvoiceLine{{Kind: sb.InvoiceOverflow, AmountCents: math.MaxInt64}, {Kind: sb.InvoiceOverflow, AmountCents: 2}}
	inv.HTCents = wrap(math.MaxInt64, 2)
	if err := r.Invoice(&bytes.Buffer{}, b, inv); err == nil {
		t.Errorf("invoice whose lines wrap: rendered")
	}
}

// Texts come from the templates: an override changes the document.
func TestTemplatesOverride(t *testing.T) {
	dir := t.TempDir()
	orig, err := fs.ReadFile(templates.Embedded(), templates.TextsFile)
	if err != nil {
		t.Fatal(err)
	}
	txt := strings.Replace(string(orig), `total_net_ttc = "Net TTC"`, `total_net_ttc = "Net à payer TTC"`, 1)
	os.WriteFile(filepath.Join(dir, templates.TextsFile), []byte(txt), 0o600)
	set, err := templates.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, renderStatement(t, New(set), workedExample(), 0), 0)
	contains(t, "override", text, "Net à payer TTC 96,00 €")
}

// Long names and addresses wrap within their box and are cut with « … » past their lines.
func TestLongTexts(t *testing.T) {
	b := workedExample()
	s := &b.Statements[0]
	s.Repairer.Name = strings.Repeat("Établissements Cycles et Réparations du Grand Lyon ", 4)
	s.Repairer.Address = strings.Repeat("Zone artisanale des Trois Chênes, bâtiment B, ", 6) + "\n69000 Lyon"
	s.Commissions[0].City = strings.Repeat("Saint-Rémy-de-Provence-sur-Marne ", 5)
	model := layoutFor(t, b, 0)
	for _, p := range model.pages {
		for _, o := range p.ops {
			if o.kind == opText && (o.x < marginL-0.01 || o.x+coreWidth(t, o.text, o.st) > contentR+0.05) {
				t.Errorf("text out of the page's margins: %.1f+%.1f %q", o.x, coreWidth(t, o.text, o.st), o.text)
			}
		}
	}
	dump := model.dump()
	if !strings.Contains(dump, "…") {
		t.Error("long texts should be cut with an ellipsis")
	}
}

var coreMeasure = newPDFDoc(closed, false, nil, nil, false)

func coreWidth(t *testing.T, s string, st style) float64 { return coreMeasure.width(s, st) }

// layoutFor builds the layout model of statement i with the core font.
func layoutFor(t *testing.T, b *sb.Book, i int) *doc {
	t.Helper()
	r := New(nil)
	p := newPDFDoc(closed, false, nil, nil, false)
	return r.layoutStatement(p, b, &b.Statements[i])
}

func TestCP1252(t *testing.T) {
	french := "àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ€«»’—–…°"
	if !inCP1252(french) {
		t.Error("French must fit cp1252")
	}
	for _, s := range []string{"Łukasz", "Nguyễn", "Đức", "Świętokrzyska", "王", "D − G", "\u202f"} {
		if inCP1252(s) {
			t.Errorf("%q is not in cp1252", s)
		}
	}
	enc := toCP1252("é€œ—")
	if enc != "\xe9\x80\x9c\x97" {
		t.Errorf("toCP1252 = %x", enc)
	}
	// every printable rune has Windows-1252's own byte, as the standard table gives it
	for r := rune(0); r < 0x10000; r++ {
		want, wantOK := charmap.Windows1252.EncodeRune(r)
		if r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) {
			want, wantOK = 0, false // controls print as « ? »
		}
		if got, ok := cp1252Byte(r); ok != wantOK || ok && got != want {
			t.Errorf("cp1252Byte(%U) = %#x, %v; want %#x, %v", r, got, ok, want, wantOK)
		}
	}
	if got := clean("  e\u0301lodie\tde\x00 la\u00a0  Tour  ", false); got != "élodie de la Tour" {
		t.Errorf("clean = %q", got)
	}
	if got := clean("a\r\nb", true); got != "a \nb" {
		t.Errorf("clean keeps newlines: %q", got)
	}
}

// fixed measures every rune as 1 mm.
type fixed struct{}

func (fixed) width(s string, _ style) float64 { return float64(len([]rune(s))) }

func TestWrap(t *testing.T) {
	tests := []struct {
		s     string
		w     float64
		max   int
		lines []string
	}{
		{"abc def ghi", 7, 0, []string{"abc def", "ghi"}},
		{"abc def ghi", 3, 0, []string{"abc", "def", "ghi"}},
		{"abcdefgh", 3, 0, []string{"abc", "def", "gh"}},
		{"a\nb c", 10, 0, []string{"a", "b c"}},
		{"abc def ghi jkl", 7, 1, []string{"abc de…"}},
		{"", 5, 0, []string{""}},
		{"éèà ùô", 3, 0, []string{"éèà", "ùô"}},
		{" a  b ", 10, 0, []string{"a b"}},        // fits, spaces normalised
		{"a\u00A0b\tc", 10, 0, []string{"a b c"}}, // Unicode spaces too
	}
	for _, tt := range tests {
		if got := wrap(fixed{}, tt.s, stBody, tt.w, tt.max, "…"); !reflect.DeepEqual(got, tt.lines) {
			t.Errorf("wrap(%q, %g, %d) = %q, want %q", tt.s, tt.w, tt.max, got, tt.lines)
		}
	}
	if got := truncate(fixed{}, "abcdef", stBody, 4, "…"); got != "abc…" {
		t.Errorf("truncate = %q", got)
	}
	if got := truncate(fixed{}, "abc", stBody, 4, "…"); got != "abc" {
		t.Errorf("truncate = %q", got)
	}
}

// TestIsClean checks clean's shortcut: a text it keeps as is is one clean would not change, and
// the usual texts take it.
func TestIsClean(t *testing.T) {
	for _, s := range []string{"", "a", "Saint-Étienne", "a b", "a  b", " a", "a ", "a\nb", "a \nb", "a\n b", "\na",
		"a\r\nb", "e\u0301lodie", "x\u00A0y", "x\u202Fy", "x\u2007y", "x\u2003", "\u2003x", "x\x7Fy", "x\u0085y",
		"\xffab", "a\ufffdb", "Łukasz Wróbel", "12 rue de l'Exemple\n75011 Paris"} {
		for _, keep := range []bool{false, true} {
			ok := isClean(s, keep)
			if got := clean(s, keep); ok && got != s {
				t.Errorf("isClean(%q, %v) but clean gives %q", s, keep, got)
			}
		}
	}
	for _, s := range []string{"Saint-Étienne", "Łukasz Wróbel", "a b", "12 rue de l'Exemple"} {
		if !isClean(s, false) {
			t.Errorf("isClean(%q) = false", s)
		}
	}
	if !isClean("12 rue de l'Exemple\n75011 Paris", true) {
		t.Error("isClean of an address = false")
	}
}

// TestSingleSpaced checks wrap's shortcut against what it stands for.
func TestSingleSpaced(t *testing.T) {
	for _, s := range []string{"", " ", "a", "a b", "a  b", " a", "a ", "a\tb", "a\u00A0b", "é è", "1 234,56 €",
		"x\u2003y", "x\u0085", "\xff a", "a \xff", "a\x00b", "Saint-Étienne", "a\nb", "\u202F"} {
		if got, want := singleSpaced(s), strings.Join(strings.Fields(s), " ") == s; got != want {
			t.Errorf("singleSpaced(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestCoreWidth checks that measuring with the cached glyph widths gives exactly what gofpdf
// measures, in every style the documents use.
func TestCoreWidth(t *testing.T) {
	texts := []string{"", " ", "Relevé de commissions", "1 234,56 €", "Œuvre « ‰ » — ’…", "tab\there", "nul\x00cut",
		"Łukasz", "ctrl\x01é", "\xff\xfe", "WWWWWWWWWWiiiiii"}
	for _, st := range []style{stTitle, stHeading, stBody, stBodyB, stSmall, stCell, stCellB, stFooter, stMark} {
		for _, s := range texts {
			d := newPDFDoc(time.Time{}, false, nil, nil, false)
			b := 0
			if st.bold {
				b = 1
			}
			got := d.coreWidth(s, st, &coreWidths()[b])
			d.setStyle(st)
			if want := d.pdf.GetStringWidth(toCP1252(s)); got != want {
				t.Errorf("width(%q, %v) = %v, gofpdf measures %v", s, st, got, want)
			}
		}
	}
}

func TestPeriodOf(t *testing.T) {
	for p, want := range map[string]string{"2026-10": "d'octobre 2026", "2026-08": "d'août 2026", "2026-04": "d'avril 2026",
		"2026-11": "de novembre 2026", "2027-01": "de janvier 2027"} {
		if got := periodOf(sb.MustPeriod(p)); got != want {
			t.Errorf("periodOf(%s) = %q, want %q", p, got, want)
		}
	}
}

// No page ends with a heading or a table header whose first row is on the next page, whatever
// the length of the month.
func TestNoOrphanHeadings(t *testing.T) {
	for n := 10; n <= 120; n++ {
		b := longStatement(n)
		sp := spreadExample()
		s := &b.Statements[0]
		s.SAV = sp.Statements[0].SAV
		s.DeductionsCents = 24500
		s.AvailableCents = s.GrossCents - s.DeductionsCents
		s.NetHTCents = s.AvailableCents
		s.VATCents = (s.NetHTCents*2000 + 5000) / 10000
		s.NetTTCCents = s.NetHTCents + s.VATCents
		b.Plans = installmentExample().Plans
		model := layoutFor(t, b, 0)
		for i, p := range model.pages[:len(model.pages)-1] {
			last := ""
			for _, o := range p.ops {
				switch {
				case o.y >= footerY:
				case o.kind == opText && o.st == stHeading:
					last = "heading " + o.text
				case o.kind == opFill && o.st.gray == 232:
					last = "table header"
				case o.kind == opText && o.st == stCell:
					last = ""
				}
			}
			if last != "" {
				t.Errorf("%d lines: page %d ends with a %s", n, i+1, last)
			}
		}
		if len(model.pages) > 1 {
			lastPage := model.dump()[strings.LastIndex(model.dump(), "--- page"):]
			if !strings.Contains(lastPage, "Net TTC") || !strings.Contains(lastPage, "Récapitulatif") {
				t.Errorf("%d lines: the totals are not on the last page", n)
			}
		}
	}
}

func TestWrapAddress(t *testing.T) {
	got := wrapAddress(fixed{}, "1 rue A\nBât. B\nEsc. C\n\n75001 Paris", stBody, 40, "…")
	want := []string{"1 rue A", "Bât. B, Esc. C", "75001 Paris"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	long := strings.Repeat("Zone artisanale des Trois Chênes ", 6) + "\n69000 Lyon"
	got = wrapAddress(fixed{}, long, stBody, 40, "…")
	if len(got) != 3 || got[2] != "69000 Lyon" || !strings.HasSuffix(got[1], "…") {
		t.Errorf("long address: %q", got)
	}
}

// A statement carries the mentions of a B2B invoice, the repairer's legal form when known and
// their option for VAT on debits when they opted; the support's note is printed with its SAV.
func TestStatementMentions(t *testing.T) {
	b := workedExample()
	r1 := &b.Statements[0]
	r1.Repairer.LegalForm, r1.Repairer.VATOnDebits = "SARL au capital de 5 000 €, RCS Lyon 812 345 678", true
	r1.SAV[0].Note = "Câble de frein mal serré lors de l'intervention 90"
	r := New(nil)
	pdf := renderStatement(t, r, b, 0)
	// the repairer's box is the left column: its legal form under the name
	contains(t, "R1's identity", pdfText(t, pdf, 97),
		"Atelier Cyclœ — Élodie Lefèvre SARL au capital de 5 000 €, RCS Lyon 812 345 678 3 place de l'Église")
	text := pdfText(t, pdf, 0)
	contains(t, "R1", text,
		"SAV 201 — note du support : « Câble de frein mal serré lors de l'intervention 90 »",
		"Catégorie de l'opération : Prestations de services.",
		"En cas de retard de paiement, pénalités au taux de trois fois le taux d'intérêt légal, et indemnité forfaitaire pour frais de recouvrement de 40,00 € (art. L441-10 du Code de commerce).",
		"Pas d'escompte pour paiement anticipé.",
		"Option pour le paiement de la taxe d'après les débits.")
	// R2 did not opt and has no legal form: no blank line, no option
	text2 := pdfText(t, renderStatement(t, r, b, 1), 0)
	contains(t, "R2", text2, "Catégorie de l'opération : Prestations de services.", "Pas d'escompte pour paiement anticipé.")
	lacks(t, "R2", text2, "taxe d'après les débits", "note du support")
}

// Every text of the documents elides « de » before a vowel or a mute h, and names the network
// « Prestataire » on its service invoices.
func TestElisionAndServiceWording(t *testing.T) {
	b := invoiceExample()
	b.Statements[0].Repairer.Name = "Éloïse Hubert"
	r := New(nil)
	st := pdfText(t, renderStatement(t, r, b, 0), 0)
	contains(t, "statement", st, "au nom et pour le compte d'Éloïse Hubert")
	lacks(t, "statement", st, "de Éloïse", "centimes")
	b.Statements[0].Repairer.Name = "Hélène Martin"
	contains(t, "statement", pdfText(t, renderStatement(t, r, b, 0), 0), "pour le compte d'Hélène Martin")
	inv := pdfText(t, renderInvoice(t, r, b, 0), 0)
	contains(t, "invoice", inv, "Prestataire", "Client")
	lacks(t, "invoice", inv, "Vendeur", "centimes")
}
