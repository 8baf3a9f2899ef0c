package savbilling

import (
	"strings"
)

// SIRETChecksumOK reports whether siret, 14 digits, passes the Luhn checksum that INSEE
// numbers carry (La Poste's establishments, SIREN 356000000, use a sum of digits multiple of 5
// instead and are accepted that way). A blank or malformed SIRET is not checked here.
func SIRETChecksumOK(siret string) bool {
	if len(siret) != 14 {
		return false
	}
	sum, luhn := 0, 0
	for i := range 14 {
		c := siret[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		sum += d
		if i%2 == 0 { // from the left on 14 digits: positions 1, 3… are doubled
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		luhn += d
	}
	if strings.HasPrefix(siret, "356000000") {
		return sum%5 == 0 || luhn%10 == 0
	}
	return luhn%10 == 0
}

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

// CountryCodeValid reports whether code is an ISO 3166-1 alpha-2 code (officially assigned), in
// capitals: « FR », « BE ».
func CountryCodeValid(code string) bool {
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return false
	}
	return strings.Contains(iso3166, " "+code+" ")
}

// iso3166 lists the 249 officially assigned ISO 3166-1 alpha-2 codes.
const iso3166 = " AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ " +
	"BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC " +
	"EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM " +
	"HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI " +
	"LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE " +
	"NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC " +
	"SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW " +
	"TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW "
