package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadEmbedded(t *testing.T) {
	s, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	tx := s.Texts
	checks := map[string]string{
		"statement.title":         "Relevé mensuel de commissions — Autofacturation",
		"statement.self_billing":  "Facture émise par {network} au nom et pour le compte de {repairer}",
		"statement.vat_franchise": "TVA non applicable, art. 293 B du CGI",
		"invoice.penalty":         "En cas de retard de paiement, pénalités au taux de trois fois le taux d'intérêt légal",
		"invoice.indemnity":       "indemnité forfaitaire pour frais de recouvrement de 40,00 € (art. L441-10 du Code de commerce)",
		"outcomes.partial":        "Prise en charge partielle",
		"line_types.settlement":   "Règlement amiable (préjudice)",
	}
	got := map[string]string{
		"statement.title":         tx.Statement.Title,
		"statement.self_billing":  tx.Statement.SelfBilling,
		"statement.vat_franchise": tx.Statement.VATFranchise,
		"invoice.penalty":         tx.Invoice.Penalty,
		"invoice.indemnity":       tx.Invoice.Indemnity,
		"outcomes.partial":        tx.Outcomes.Partial,
		"line_types.settlement":   tx.LineTypes.Settlement,
	}
	for k, want := range checks {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	if !strings.Contains(tx.Invoice.NoDiscount, "Pas d'escompte pour paiement anticipé") {
		t.Errorf("no_discount = %q", tx.Invoice.NoDiscount)
	}
	if tx.Outcomes.Label("confirmed") != "Prise en charge totale" || tx.Outcomes.Label("rejected") != "Pas de SAV" ||
		tx.Outcomes.Label("unconfirmed") != "SAV non confirmé" || tx.Outcomes.Label("weird") != "weird" {
		t.Error("outcome labels")
	}
	if tx.LineTypes.Label("franchise") != "Franchise RC Pro" || tx.LineTypes.Label("charge") != "Commission corrective" ||
		tx.LineTypes.Label("ajustement") != "Ajustement de décision" || tx.LineTypes.Label("règlement amiable") != "Règlement amiable (préjudice)" {
		t.Error("line type labels")
	}
	if s.Network.Name == "" || s.Network.IBAN == "" {
		t.Errorf("network = %+v", s.Network)
	}
	if len(s.Fonts.Regular) < 100000 || len(s.Fonts.Bold) < 100000 {
		t.Error("fonts not embedded")
	}
	if len(s.Overridden) != 0 {
		t.Errorf("Overridden = %v", s.Overridden)
	}
	lic, err := Embedded().Open(FontLicenseFile)
	if err != nil {
		t.Fatal(err)
	}
	lic.Close()
	// the CJK fallback font ships with its licence, and the chain knows what each font draws
	if len(s.Fonts.Fallback) < 1000000 {
		t.Error("fallback font not embedded")
	}
	apache, err := embedded.ReadFile(FontFallbackLicenseFile)
	if err != nil || !strings.Contains(string(apache), "Apache License") || !strings.Contains(string(apache), "Google") {
		t.Errorf("the fallback font's licence: %v", err)
	}
	for _, r := range []rune{'é', 'Ł', 'ش', '\uFEFB', 'ש', '\uFFFD', '北', 'あ'} {
		if !s.Glyphs.Drawable(r) {
			t.Errorf("no embedded font draws %q", r)
		}
	}
	if s.Glyphs.Drawable('🚲') {
		t.Error("a rune outside the BMP cannot be drawn by gofpdf")
	}
}

func embeddedText(t *testing.T) string {
	t.Helper()
	b, err := embedded.ReadFile(TextsFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestOverride(t *testing.T) {
	dir := t.TempDir()
	txt := strings.Replace(embeddedText(t), `title = "Relevé mensuel de commissions — Autofacturation"`,
		`title = "Relevé de commissions — Autofacturation (modèle local)"`, 1)
	if err := os.WriteFile(filepath.Join(dir, TextsFile), []byte(txt), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Texts.Statement.Title != "Relevé de commissions — Autofacturation (modèle local)" {
		t.Errorf("title = %q", s.Texts.Statement.Title)
	}
	if len(s.Overridden) != 1 || s.Overridden[0] != TextsFile {
		t.Errorf("Overridden = %v", s.Overridden)
	}
	if s.Network.Name == "" {
		t.Error("network.toml should still come from the embedded files")
	}

	if _, err := Load(filepath.Join(dir, "nope")); err == nil {
		t.Error("a missing override folder must be an error")
	}
}

func TestLoadErrors(t *testing.T) {
	base := fstest.MapFS{}
	for _, name := range []string{TextsFile, NetworkFile, FontRegularFile, FontBoldFile, FontFallbackFile} {
		b, err := embedded.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		base[name] = &fstest.MapFile{Data: b}
	}
	txt := embeddedText(t)
	tests := []struct {
		name, file, content, want string
	}{
		{"missing key", TextsFile, strings.Replace(txt, "vat_franchise = \"TVA non applicable, art. 293 B du CGI\"\n", "", 1),
			"override/texts.toml: missing key statement.vat_franchise"},
		{"empty key", TextsFile, strings.Replace(txt, `rejected = "Pas de SAV"`, `rejected = "  "`, 1),
			"key outcomes.rejected is empty"},
		{"unknown key", TextsFile, strings.Replace(txt, "[outcomes]\n", "[outcomes]\nconfimed = \"x\"\n", 1),
			"unknown key outcomes.confimed"},
		{"bad toml", TextsFile, strings.Replace(txt, `draft = "BROUILLON"`, `draft = "BROUILLON`, 1),
			"override/texts.toml"},
		{"missing placeholder", TextsFile, strings.Replace(txt, "pour le compte de {repairer}", "pour le compte du réparateur", 1),
			"statement.self_billing: placeholder {repairer} is required"},
		{"misspelt placeholder", TextsFile, strings.Replace(txt, `page = "Page {page}/{pages}"`, `page = "Page {page}/{nb}"`, 1),
			"common.page: unknown placeholder {nb}"},
		{"network field", NetworkFile, strings.Replace(string(base[NetworkFile].Data), "iban =", "ibn =", 1),
			"unknown key network.ibn"},
		{"not a font", FontBoldFile, "<html>not a font</html>", "fonts/DejaVuSans-Bold.ttf: not a TrueType font"},
		{"fallback not a font", FontFallbackFile, "<html>not a font</html>", "fonts/DroidSansFallbackFull.ttf: not a TrueType font"},
		{"a font without a Unicode cmap", FontRegularFile, "\x00\x01\x00\x00\x00\x00 no tables at all",
			"templates: fonts: regular font: glyphs: no readable Unicode cmap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			over := fstest.MapFS{tt.file: &fstest.MapFile{Data: []byte(tt.content)}}
			_, err := load(base, over, "override")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestFill(t *testing.T) {
	tests := []struct {
		text string
		args []string
		want string
	}{
		{"N° {number}", []string{"number", "REL-1"}, "N° REL-1"},
		{"{a}{b}{a}", []string{"a", "x", "b", "y"}, "xyx"},
		{"no placeholder", nil, "no placeholder"},
		{"{unknown} stays", []string{"a", "x"}, "{unknown} stays"},
		{"unclosed {a", []string{"a", "x"}, "unclosed {a"},
		{"é {a} €", []string{"a", "ü"}, "é ü €"},
		// « de » before a placeholder is elided before a vowel or a mute h
		{"pour le compte de {repairer}", []string{"repairer", "Éloïse Martin"}, "pour le compte d'Éloïse Martin"},
		{"pour le compte de {repairer}", []string{"repairer", "Hélène"}, "pour le compte d'Hélène"},
		{"pour le compte de {repairer}", []string{"repairer", "Marc"}, "pour le compte de Marc"},
		{"De {repairer}", []string{"repairer", "Anne"}, "D'Anne"},
		{"préjudice de {damage}", []string{"damage", "40,00 €"}, "préjudice de 40,00 €"},
		{"monde {a}", []string{"a", "Anne"}, "monde Anne"},
		{"de {missing}", []string{"a", "Anne"}, "de {missing}"},
	}
	for _, tt := range tests {
		if got := Fill(tt.text, tt.args...); got != tt.want {
			t.Errorf("Fill(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
