package savbilling

import "testing"

func TestIdentityChecks(t *testing.T) {
	for _, c := range []struct {
		siret string
		ok    bool
	}{
		{"73282932000074", true}, // a real SIRET (INSEE)
		{"73282932000075", false},
		{"35600000000047", true}, // La Poste: sum of digits multiple of 5 (fails Luhn)
		{"7328293200007", false},
		{"7328293200007A", false},
	} {
		if got := SIRETChecksumOK(c.siret); got != c.ok {
			t.Errorf("SIRETChecksumOK(%q) = %v, want %v", c.siret, got, c.ok)
		}
	}
	for _, c := range []struct {
		iban string
		ok   bool
	}{
		{"FR7630006000011234567890189", true},
		{"FR76 3000 6000 0112 3456 7890 189", true},
		{"fr7630006000011234567890189", true},
		{"FR7630006000011234567890188", false},
		{"DE89370400440532013000", true},
		{"XX89370400440532013000", false},
		{"FR76", false},
		{"FR76300060000112345678901!9", false},
	} {
		if got := IBANValid(c.iban); got != c.ok {
			t.Errorf("IBANValid(%q) = %v, want %v", c.iban, got, c.ok)
		}
	}
	for code, ok := range map[string]bool{"FR": true, "BE": true, "GB": true, "UK": false, "fr": false, "F": false,
		"FRA": false, "ZZ": false, "": false} {
		if got := CountryCodeValid(code); got != ok {
			t.Errorf("CountryCodeValid(%q) = %v, want %v", code, got, ok)
		}
	}
}
