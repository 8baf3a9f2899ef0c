package einvoice

import (
	"fmt"
	"regexp"
	"strings"
)

// Problem is what stops an identity from making a valid invoice, or (Warning) what a platform
// may refuse although the validators accept it.
type Problem struct {
	Field   string // the party field: "siret", "country_code", "name", …
	Message string // in French, with the fix
	Warning bool   // true: print it, issue the invoice anyway
}

// String is the problem in French, prefixed « avertissement » when it is a warning.
func (p Problem) String() string {
	if p.Warning {
		return "avertissement : " + p.Field + " : " + p.Message
	}
	return p.Field + " : " + p.Message
}

// CheckParty says whether p can be a party of a valid e-invoice (domain.md, "Documents"): a
// name, a SIRET of 14 digits, a country code of ISO 3166-1 alpha-2. A SIRET failing its Luhn
// checksum is a warning (the validators accept it; the platforms check the SIRENE directory).
// ok is false when any problem is not a warning: the caller then holds the statement.
func CheckParty(p Party) (problems []Problem, ok bool) {
	ok = true
	bad := func(field, msg string) {
		problems = append(problems, Problem{Field: field, Message: msg})
		ok = false
	}
	if strings.TrimSpace(p.Name) == "" {
		bad("name", "raison sociale absente : la renseigner")
	}
	switch {
	case p.SIRET == "":
		bad("siret", "SIRET absent : renseigner les 14 chiffres du SIRET")
	case !allDigits(p.SIRET) || len(p.SIRET) != 14:
		bad("siret", fmt.Sprintf("SIRET %q invalide : il faut 14 chiffres, sans espace", p.SIRET))
	case !SIRETChecksumOK(p.SIRET):
		problems = append(problems, Problem{Field: "siret", Warning: true,
			Message: fmt.Sprintf("SIRET %s : clé de contrôle (Luhn) fausse, les plateformes le refuseront : le vérifier", p.SIRET)})
	}
	c := p.Address.Country
	if c == "" {
		bad("country_code", "code pays absent : renseigner le code ISO 3166-1 alpha-2 (FR)")
	} else if !IsCountryCode(c) {
		bad("country_code", fmt.Sprintf("code pays %q inconnu : il faut un code ISO 3166-1 alpha-2 en majuscules (FR, BE, …)", c))
	}
	if p.VATID != "" && !vatIDPattern.MatchString(p.VATID) {
		bad("vat_number", fmt.Sprintf("numéro de TVA %q invalide : deux lettres de pays puis 2 à 13 lettres ou chiffres, sans espace", p.VATID))
	}
	return problems, ok
}

var vatIDPattern = regexp.MustCompile(`^[A-Z]{2}[0-9A-Z]{2,13}$`)

// SIREN is the first nine digits of a SIRET of 14 digits, else "".
func SIREN(siret string) string {
	if len(siret) != 14 || !allDigits(siret) {
		return ""
	}
	return siret[:9]
}

// SIRETChecksumOK reports whether a SIRET of 14 digits passes its checksum: the Luhn formula,
// except for La Poste's establishments (SIREN 356000000), whose digits sum to a multiple of 5.
func SIRETChecksumOK(siret string) bool {
	if len(siret) != 14 || !allDigits(siret) {
		return false
	}
	if strings.HasPrefix(siret, "356000000") && siret != "35600000000048" {
		sum := 0
		for i := 0; i < 14; i++ {
			sum += int(siret[i] - '0')
		}
		return sum%5 == 0
	}
	return luhn(siret)
}

func luhn(s string) bool {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// IsCountryCode reports whether c is an officially assigned ISO 3166-1 alpha-2 code, in
// upper case.
func IsCountryCode(c string) bool {
	if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
		return false
	}
	return strings.Contains(iso3166, " "+c+" ")
}

// iso3166 is the 249 officially assigned ISO 3166-1 alpha-2 codes.
const iso3166 = " AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN" +
	" BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ" +
	" DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ" +
	" GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI" +
	" KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO" +
	" MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK" +
	" PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS" +
	" ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE" +
	" VG VI VN VU WF WS YE YT ZA ZM ZW "

// postcodeCity is a French last address line: « 75011 Paris », « 69007 LYON CEDEX 07 ».
var postcodeCity = regexp.MustCompile(`^(\d{5})\s+(\S.*)$`)

// ParseAddress turns a free-text address (lines separated by newlines or commas) into a
// structured one, the rule used when the optional postcode / city / country_code columns are
// empty: the last line of the form « 5 digits, a space, the city » gives the postcode and the
// city, the lines before it are the street lines (at most 3: the extra ones are joined to the
// third), the country is country (FR when empty). ok is false when no such line is found: the
// address then stays whole in the street lines, without postcode or city.
func ParseAddress(text, country string) (a Address, ok bool) {
	if country == "" {
		country = "FR"
	}
	a.Country = country
	var lines []string
	for _, l := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ',' }) {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		if m := postcodeCity.FindStringSubmatch(lines[i]); m != nil {
			a.Postcode, a.City = m[1], m[2]
			lines = append(lines[:i:i], lines[i+1:]...)
			ok = true
			break
		}
	}
	if len(lines) > 3 {
		lines = append(lines[:2:2], strings.Join(lines[2:], ", "))
	}
	a.Lines = lines
	return a, ok
}

// NewParty is the party of an identity as the ledger keeps it: name, SIRET and VAT number as
// given (trimmed), the address structured from the optional columns postcode, city and
// country when set, else parsed from the free-text address (ParseAddress); the country is FR
// when none is given. It is what CheckParty is run on before a close numbers a document and
// what the e-invoice of the document carries, so that both see the same party.
func NewParty(name, siret, vatID, address, postcode, city, country string) Party {
	a, _ := ParseAddress(address, strings.TrimSpace(country))
	if pc, c := strings.TrimSpace(postcode), strings.TrimSpace(city); pc != "" || c != "" {
		a.Postcode, a.City = pc, c
	}
	return Party{Name: strings.TrimSpace(name), SIRET: strings.TrimSpace(siret), VATID: strings.TrimSpace(vatID), Address: a}
}
