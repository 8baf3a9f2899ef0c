package savbilling

import (
	"savbilling/bank"
	"savbilling/einvoice"
)

// SIRETChecksumOK reports whether siret, 14 digits, passes its checksum (the Luhn formula;
// La Poste's establishments, SIREN 356000000, a sum of digits multiple of 5): the rule of the
// e-invoices (einvoice.SIRETChecksumOK), one definition for the warnings and the hold.
func SIRETChecksumOK(siret string) bool { return einvoice.SIRETChecksumOK(siret) }

// IBANValid reports whether iban (spaces allowed, any case) is an IBAN by ISO 13616: its
// country's length and its check digits (bank.ValidateIBAN, the rule of the transfer file, so
// that the warning of the close, the e-invoice's payee account and the bank file agree).
func IBANValid(iban string) bool {
	_, err := bank.ValidateIBAN(iban)
	return err == nil
}

// CountryCodeValid reports whether code is an officially assigned ISO 3166-1 alpha-2 code, in
// capitals: « FR », « BE » (einvoice.IsCountryCode).
func CountryCodeValid(code string) bool { return einvoice.IsCountryCode(code) }
