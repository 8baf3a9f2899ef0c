package faults

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	sb "savbilling"
	"savbilling/job"
	"savbilling/reports"
	"savbilling/store"
)

// hostileText is a text in every script and with what broke the fonts (issue 17): emoji and a
// mathematical letter outside the Basic Multilingual Plane, CJK, Arabic, Hebrew, combining marks.
const hostileText = "Vélo 🚲 𝕍 北京自行车 مرحبا بكم שלום e\u0301\u0327"

// Issue 17: a close whose every printable field holds any text (emoji, CJK, Arabic, Hebrew,
// combining marks, a 500-character name, a newline in a city, the network's identity too) exits
// 0 with every PDF and the manifest written; the PDFs print the Latin parts; what no font draws
// is a warning in the workbook's Anomalies sheet; a dry run before it and a render after it exit
// 0 too, the render with the same bytes. Before the fix gofpdf panicked after the commit: 5
// PDFs, no manifest, exit 2, and every render crashed.
func TestACloseWithAnyTextInEveryField(t *testing.T) {
	long := string([]rune("Atelier " + strings.Repeat("Ünïcödé 🚲 北京 مرحبا ", 40))[:500])
	for _, engine := range engineNames(t) {
		t.Run(engine, func(t *testing.T) {
			db := lenientDB(t, engine)
			raw := rawOpen(t, db)
			hostile := func(r srow, name string) srow {
				return r.set("name", name).set("address", "Rue "+hostileText+"\n75013 Paris 🚲\n北京市").
					// a VAT number of another form would hold the statement (the identity hold, docs/rules.md)
					set("email", "a🚲@example.fr").set("vat_number", "FR11300000030")
			}
			all := base()
			all = append(all, hostile(rep(30, "", "standard"), long), hostile(rep(31, "", "franchise"), "Garage "+hostileText),
				hostile(rep(32, "", "standard"), "\u05D0\u05D5\u05E4\u05E0\u05D9\u05D9\u05DD \u05DB\u05D4\u05DF"))
			for i, r := range []int64{30, 31, 32} {
				job := 8000 + int64(i)*10
				all = append(all, iv(job, r, "standard", nil, "closed", d1).set("city", "Paris\n"+hostileText), op(job*10, job, 6000, 4000, 0))
			}
			insert(t, raw, true, all)
			cfg := filepath.Join(t.TempDir(), "savbilling.toml")
			network := "[network]\nname = \"Réseau " + hostileText + "\"\nlegal_form = \"SAS " + hostileText + "\"\n" +
				"address = \"12 rue 🚲\\n75011 Paris\"\nrcs = \"RCS 北京 🚲\"\nemail = \"🚲@example.fr\"\niban = \"FR76 🚲\"\n"
			if err := os.WriteFile(cfg, []byte(network), 0o600); err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			// a dry run first: the same documents as drafts
			if run := sbrun(t, octNow, nil, "close", "--dry-run", "--config", cfg, "--period", oct.String(), "--db", db, "--out", out); run.code != 0 {
				t.Fatalf("dry run: want exit 0: %s", run)
			}
			run := sbrun(t, octNow, nil, "close", "--config", cfg, "--period", oct.String(), "--db", db, "--out", out)
			if run.code != 0 {
				t.Fatalf("want exit 0: %s", run)
			}
			dir := filepath.Join(out, oct.String())
			data, err := os.ReadFile(filepath.Join(dir, job.ManifestFile))
			if err != nil {
				t.Fatalf("no manifest: %v", err)
			}
			var m job.Manifest
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			pdfs := 0
			for _, f := range m.Files {
				st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.Path)))
				if err != nil || st.Size() != f.Bytes {
					t.Errorf("manifest lists %s (%d bytes): %v", f.Path, f.Bytes, err)
				}
				if strings.HasSuffix(f.Path, ".pdf") {
					pdfs++
				}
			}
			if pdfs != 6 { // the three base repairers and the three with hostile text
				t.Errorf("%d PDFs in the manifest, want 6", pdfs)
			}
			c := &closed{out: out}
			if c.book = loadBook(t, db); c.book == nil {
				return
			}
			for _, r := range []int64{30, 31, 32} {
				text := statementText(t, c, r)
				for _, want := range []string{"Réseau Vélo", "Rue Vélo", "75013 Paris", "Net TTC", "Paris Vélo", "北京"} {
					if !strings.Contains(text, want) {
						t.Errorf("statement of repairer %d: %q not printed in\n%.3000s", r, want, text)
					}
				}
			}
			if text := statementText(t, c, 30); !strings.Contains(text, "Atelier Ünïcödé") {
				t.Errorf("the long name is not printed:\n%.2000s", text)
			}
			// what no font draws is a warning naming the repairer and the field
			f, err := excelize.OpenFile(filepath.Join(dir, reports.FileName(oct)))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows(reports.SheetAnomalies)
			if err != nil {
				t.Fatal(err)
			}
			var warnings []string
			for _, r := range rows {
				if len(r) >= 4 && r[3] == "avertissement" && strings.Contains(r[1], "U+1F6B2") {
					warnings = append(warnings, r[0]+" / "+strings.SplitN(r[1], " :", 2)[0])
				}
			}
			want := []string{"réseau (identité) / Nom", "réseau (identité) / Forme juridique", "réseau (identité) / Adresse",
				"réseau (identité) / RCS", "réseau (identité) / E-mail", "réseau (identité) / IBAN",
				"réparateur 30 / Nom", "réparateur 30 / Adresse",
				"réparateur 31 / Nom", "réparateur 31 / Adresse",
				"réparateur 32 / Adresse"}
			if strings.Join(warnings, "\n") != strings.Join(want, "\n") {
				t.Errorf("warnings:\n%s\nwant\n%s", strings.Join(warnings, "\n"), strings.Join(want, "\n"))
			}
			// rendering again gives the same bytes
			before := readTree(t, dir)
			if len(before.temps) > 0 {
				t.Errorf("temporary files left: %v", before.temps)
			}
			if run := sbrun(t, octNow, nil, "render", "--config", cfg, "--period", oct.String(), "--db", db, "--out", out); run.code != 0 {
				t.Fatalf("render: %s", run)
			}
			if d := diffTrees(before, readTree(t, dir)); len(d) > 0 {
				t.Errorf("render changed the outputs: %v", d)
			}
			if dst := os.Getenv("FAULTS_ANYTEXT_OUT"); dst != "" { // to look at the pages
				os.RemoveAll(filepath.Join(dst, engine))
				os.CopyFS(filepath.Join(dst, engine), os.DirFS(dir))
			}
		})
	}
}

// loadBook reads October's book back from the ledger.
func loadBook(t testing.TB, db string) *sb.Book {
	t.Helper()
	s, err := store.Open(bg, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b, err := s.LoadBook(bg, oct)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
