package reconcile

import (
	"fmt"

	sb "savbilling"
	"savbilling/einvoice"
)

// unbillable returns the problems of a repairer's identity that stop it from making a valid
// e-invoice (none: nil), its warnings aside.
func unbillable(r sb.Repairer) []einvoice.Problem {
	problems, ok := r.Identity().CheckEInvoice()
	if ok {
		return nil
	}
	var out []einvoice.Problem
	for _, p := range problems {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// identityWarnings lists, as warnings of the repairer, the identity fields that a platform
// would refuse on their documents: a SIRET failing its checksum, an invalid IBAN (ISO 13616) or
// country code (ISO 3166-1 alpha-2). The close books normally; blank fields are not warned.
func identityWarnings(r sb.Repairer, anoms *anomalies) {
	item := fmt.Sprintf("réparateur %d", r.ID)
	if r.SIRET != "" && !sb.SIRETChecksumOK(r.SIRET) {
		anoms.warn(item, r.ID, fmt.Sprintf("SIRET %q invalide (14 chiffres, clé de contrôle Luhn)", r.SIRET),
			"corriger repairers.siret (14 chiffres du répertoire SIRENE)")
	}
	if r.IBAN != "" && !sb.IBANValid(r.IBAN) {
		anoms.warn(item, r.ID, fmt.Sprintf("IBAN %s invalide (clé ISO 13616)", r.IBAN),
			"corriger repairers.iban (IBAN du compte du réparateur)")
	}
	if r.CountryCode != "" && !sb.CountryCodeValid(r.CountryCode) {
		anoms.warn(item, r.ID, fmt.Sprintf("code pays %q invalide (ISO 3166-1 alpha-2)", r.CountryCode),
			"corriger repairers.country_code (deux lettres majuscules : FR, BE…)")
	}
}
