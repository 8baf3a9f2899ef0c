package bank

import (
	"fmt"
	"strings"
)

// ibanLengths is the length of a valid IBAN per country code, from the IBAN registry that SWIFT
// keeps as the ISO 13616 registration authority. A country missing here issues no IBAN.
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
	"BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
	"DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
	"GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28,
	"IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
	"LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
	"MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23,
	"PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
	"SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
	"TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}

// NormalizeIBAN returns the IBAN in its electronic form: spaces removed, letters upper case.
func NormalizeIBAN(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// ValidateIBAN checks an IBAN in electronic or printed form (spaces allowed) against ISO 13616:
// a known country code, two check digits, an alphanumeric BBAN, the country's length from the
// registry, and the mod-97 checksum. It returns the electronic form, or a *Problem whose reason
// is ReasonNoIBAN, ReasonIBANFormat or ReasonIBANChecksum.
func ValidateIBAN(s string) (string, error) {
	iban := NormalizeIBAN(s)
	if iban == "" {
		return "", &Problem{Reason: ReasonNoIBAN, Detail: "pas d'IBAN : renseigner la colonne iban du réparateur"}
	}
	if len(iban) < 5 || !isUpper(iban[0]) || !isUpper(iban[1]) || !isDigit(iban[2]) || !isDigit(iban[3]) {
		return "", &Problem{Reason: ReasonIBANFormat, Detail: fmt.Sprintf("IBAN %q mal formé : deux lettres de pays puis deux chiffres de contrôle attendus", s)}
	}
	for i := 4; i < len(iban); i++ {
		if !isUpper(iban[i]) && !isDigit(iban[i]) {
			return "", &Problem{Reason: ReasonIBANFormat, Detail: fmt.Sprintf("IBAN %q mal formé : caractère %q interdit", s, iban[i])}
		}
	}
	want, ok := ibanLengths[iban[:2]]
	if !ok {
		return "", &Problem{Reason: ReasonIBANFormat, Detail: fmt.Sprintf("IBAN %q : le pays %s n'émet pas d'IBAN", s, iban[:2])}
	}
	if len(iban) != want {
		return "", &Problem{Reason: ReasonIBANFormat, Detail: fmt.Sprintf("IBAN %q : %d caractères, %d attendus pour le pays %s", s, len(iban), want, iban[:2])}
	}
	if iban[2:4] == "00" || iban[2:4] == "01" || iban[2:4] == "99" || mod97(iban[4:]+iban[:4]) != 1 {
		return "", &Problem{Reason: ReasonIBANChecksum, Detail: fmt.Sprintf("IBAN %q : clé de contrôle fausse (erreur de saisie ?) : vérifier l'IBAN auprès du réparateur", s)}
	}
	return iban, nil
}

// mod97 returns the remainder modulo 97 of the number written by s, where each letter stands for
// two digits (A = 10 … Z = 35), as ISO 7064 MOD 97-10 reads an IBAN. s holds only A-Z and 0-9.
func mod97(s string) int {
	r := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isDigit(c) {
			r = (r*10 + int(c-'0')) % 97
		} else {
			v := int(c-'A') + 10
			r = (r*100 + v) % 97
		}
	}
	return r
}

// ValidateBIC checks the shape of a BIC (ISO 9362): 4 letters or digits for the party, 2 letters
// for the country, 2 letters or digits for the location, and an optional 3-character branch.
// Spaces are removed and letters upper-cased; the result is that form.
func ValidateBIC(s string) (string, error) {
	bic := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	ok := len(bic) == 8 || len(bic) == 11
	for i := 0; ok && i < len(bic); i++ {
		c := bic[i]
		if i == 4 || i == 5 {
			ok = isUpper(c)
		} else {
			ok = isUpper(c) || isDigit(c)
		}
	}
	if !ok {
		return "", &Problem{Reason: ReasonBICFormat, Detail: fmt.Sprintf("BIC %q mal formé : 8 ou 11 caractères (banque, pays en 2 lettres, lieu, agence) : corriger ou vider la colonne bic", s)}
	}
	return bic, nil
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
