package savbilling

import (
	"strings"

	"savbilling/einvoice"
)

// SIRETChecksumOK reports whether siret, 14 digits, passes its checksum (the Luhn formula;
// La Poste's establishments, SIREN 356000000, a sum of digits multiple of 5): the rule of the
// e-invoices (einvoice.SIRETChecksumOK), one definition for the warnings and the hold.
func SIRETChecksumOK(siret string) bool { return einvoice.SIRETChecksumOK(siret) }

// IBANValid reports whether iban (spaces allowed, any case) is an IBAN of plausible length
// whose ISO 13616 check digits agree (mod 97 = 1).
func IBANValid(iban string) bool {
	s := strings.ToUpper(strings.ReplaceAll(iban, " ", ""))
	if len(s) < 15 || len(s) > 34 || !CountryCodeValid(s[:2]) || s[2] < '0' || s[2] > '9' || s[3] < '0' || s[3] > '9' {
		return false
	}
	rem := 0
	for _, c := range s[4:] + s[:4] {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// CountryCodeValid reports whether code is an officially assigned ISO 3166-1 alpha-2 code, in
// capitals: « FR », « BE » (einvoice.IsCountryCode).
func CountryCodeValid(code string) bool { return einvoice.IsCountryCode(code) }
