package einvoice

import (
	"strings"
	"testing"
)

// TestCheckPartyHoldsAnIdentityThatCannotMakeAnInvoice: no SIRET, not 14 digits, a country
// outside ISO 3166-1 hold; a SIRET failing its checksum is only a warning.
func TestCheckPartyHoldsAnIdentityThatCannotMakeAnInvoice(t *testing.T) {
	for _, c := range []struct {
		name    string
		edit    func(p *Party)
		ok      bool
		field   string
		warning bool
	}{
		{"valid", func(p *Party) {}, true, "", false},
		{"no SIRET", func(p *Party) { p.SIRET = "" }, false, "siret", false},
		{"13 digits", func(p *Party) { p.SIRET = "5520813176652" }, false, "siret", false},
		{"spaces", func(p *Party) { p.SIRET = "552 081 317 66522" }, false, "siret", false},
		{"checksum", func(p *Party) { p.SIRET = "55208131766523" }, true, "siret", true},
		{"lower-case country", func(p *Party) { p.Address.Country = "fr" }, false, "country_code", false},
		{"unassigned country", func(p *Party) { p.Address.Country = "UK" }, false, "country_code", false},
		{"no country", func(p *Party) { p.Address.Country = "" }, false, "country_code", false},
		{"Belgium", func(p *Party) { p.Address.Country = "BE" }, true, "", false},
		{"VAT number with a space", func(p *Party) { p.VATID = "FR 85552081317" }, false, "vat_number", false},
	} {
		p := repairer(false)
		c.edit(&p)
		problems, ok := CheckParty(p)
		if ok != c.ok {
			t.Errorf("%s: ok = %v, want %v (%v)", c.name, ok, c.ok, problems)
		}
		if c.field == "" {
			if len(problems) != 0 {
				t.Errorf("%s: problems %v", c.name, problems)
			}
			continue
		}
		if len(problems) != 1 || problems[0].Field != c.field || problems[0].Warning != c.warning {
			t.Errorf("%s: problems %v, want one on %s (warning %v)", c.name, problems, c.field, c.warning)
		}
	}
}

// TestSIRETChecksum: Luhn, and La Poste's establishments (sum of digits a multiple of 5).
func TestSIRETChecksum(t *testing.T) {
	for s, want := range map[string]bool{
		"73282932000074": true, "55208131766522": true, "55208131766523": false,
		"35600000000048": true, "35600000049837": true, "35600000049838": false, "7328293200007": false, "7328293200007a": false,
	} {
		if got := SIRETChecksumOK(s); got != want {
			t.Errorf("SIRETChecksumOK(%s) = %v, want %v", s, got, want)
		}
	}
	if SIREN("73282932000074") != "732829320" || SIREN("7328293200007") != "" {
		t.Error("SIREN")
	}
}

// TestParseAddressFindsThePostcodeAndCity: the documented rule for a free-text address.
func TestParseAddressFindsThePostcodeAndCity(t *testing.T) {
	a, ok := ParseAddress("12 rue de la Roquette\nBâtiment B, 2e étage\n75011  Paris", "")
	if !ok || a.Postcode != "75011" || a.City != "Paris" || a.Country != "FR" ||
		strings.Join(a.Lines, "|") != "12 rue de la Roquette|Bâtiment B|2e étage" {
		t.Errorf("got %+v, %v", a, ok)
	}
	a, ok = ParseAddress("1 a\n2 b\n3 c\n4 d\n69007 LYON CEDEX 07", "FR")
	if !ok || a.City != "LYON CEDEX 07" || strings.Join(a.Lines, "|") != "1 a|2 b|3 c, 4 d" {
		t.Errorf("got %+v, %v", a, ok)
	}
	a, ok = ParseAddress("Rue de la Loi 16, 1000 Bruxelles", "BE")
	if ok || a.Postcode != "" || a.Country != "BE" || strings.Join(a.Lines, "|") != "Rue de la Loi 16|1000 Bruxelles" {
		t.Errorf("a Belgian postcode of 4 digits: got %+v, %v", a, ok)
	}
}
