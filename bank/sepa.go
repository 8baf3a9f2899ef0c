package bank

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// sepaCountries are the ISO 3166-1 codes of the countries and territories in the geographical
// scope of the SEPA schemes (EPC409-09, "EPC list of countries and territories included in the
// SEPA schemes' geographical scope"): the 27 EU member states, the other EEA states (Iceland,
// Liechtenstein, Norway), Switzerland, the United Kingdom, Andorra, Monaco, San Marino, the
// Vatican, Albania, Montenegro, North Macedonia and Moldova (admitted 2024-2025), the French
// overseas departments and collectivities that use French IBANs (Guiana, Guadeloupe, Martinique,
// Réunion, Mayotte, Saint-Barthélemy, Saint-Martin, Saint-Pierre-et-Miquelon), the Åland Islands,
// Gibraltar, and the Crown dependencies (Guernsey, Jersey, Isle of Man). The Azores, Madeira,
// the Canary Islands, Ceuta and Melilla have no code of their own (PT, ES). French Polynesia,
// New Caledonia and Wallis-et-Futuna (franc CFP), the Faroe Islands and Greenland are outside.
var sepaCountries = setOf(
	// EU
	"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
	"IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
	// EEA outside the EU, and the other scheme countries
	"IS", "LI", "NO", "CH", "GB", "AD", "MC", "SM", "VA", "AL", "ME", "MK", "MD",
	// territories
	"GF", "GP", "MQ", "RE", "YT", "BL", "MF", "PM", "AX", "GI", "GG", "JE", "IM",
)

func setOf(codes ...string) map[string]bool {
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}

// IsSEPACountry reports whether an ISO 3166-1 alpha-2 code (upper case) is in the SEPA schemes'
// geographical scope.
func IsSEPACountry(code string) bool { return sepaCountries[code] }

// folded spells the letters that a canonical decomposition does not reduce to a base Latin
// letter plus marks, and the punctuation that has a natural SEPA equivalent.
var folded = map[rune]string{
	'ß': "ss", 'ẞ': "SS", 'Æ': "AE", 'æ': "ae", 'Œ': "OE", 'œ': "oe", 'Ø': "O", 'ø': "o",
	'Ł': "L", 'ł': "l", 'Đ': "D", 'đ': "d", 'Ð': "D", 'ð': "d", 'Þ': "TH", 'þ': "th",
	'ı': "i", 'Ħ': "H", 'ħ': "h", 'Ŀ': "L", 'ŀ': "l", 'ĸ': "q", 'Ŋ': "N", 'ŋ': "n",
	'&': "+", '’': "'", '‘': "'", 'ʼ': "'", '`': "'", '´': "'", '"': "'", '«': "'", '»': "'",
	'“': "'", '”': "'", '„': "'", '–': "-", '—': "-", '‐': "-", '‑': "-", '_': "-", '…': "...",
	';': ",", '!': ".", '[': "(", ']': ")", '{': "(", '}': ")", '°': ".", '№': "No",
}

// inSEPASet reports whether r is in the SEPA basic character set (EPC SCT implementation
// guidelines, section 1.4): a-z A-Z 0-9 / - ? : ( ) . , ' + and space.
func inSEPASet(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune("/-?:().,'+ ", r)
}

// Transliterate writes s in the SEPA basic character set: accents are removed (canonical
// decomposition, marks dropped: « Nguyễn » → « Nguyen »), the letters and signs of the table
// above are spelled out (« ß » → « ss », « & » → « + »), Greek and Cyrillic letters are spelled
// in Latin letters (« Ζωή » → « Zoi »), any other character (another script, a symbol, an emoji)
// becomes « . », white space runs become one space, and the ends are trimmed.
func Transliterate(s string) string {
	var b strings.Builder
	space := false
	bare := strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, norm.NFD.String(s))
	for _, r := range greekDigraphs.Replace(bare) {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		out := string(r)
		if !inSEPASet(r) {
			if f, ok := folded[r]; ok {
				out = f
			} else if f, ok := scripts[r]; ok {
				out = f
			} else {
				out = "."
			}
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteString(out)
	}
	return b.String()
}

// Field writes s in the SEPA character set (Transliterate) and cuts it to max characters,
// trimming a space left at the cut.
func Field(s string, max int) string {
	t := Transliterate(s)
	if len(t) > max { // ASCII only after Transliterate: bytes are characters
		t = strings.TrimRight(t[:max], " ")
	}
	return t
}

// validID reports whether an identifier (message, payment information, end-to-end) is usable
// in a SEPA file: 1 to 35 characters of the SEPA set, not starting or ending with « / » and
// without « // » (EPC SCT implementation guidelines, section 1.4).
func validID(s string) bool {
	if s == "" || len(s) > 35 || strings.HasPrefix(s, "/") || strings.HasSuffix(s, "/") || strings.Contains(s, "//") {
		return false
	}
	for _, r := range s {
		if !inSEPASet(r) || r == ' ' {
			return false
		}
	}
	return true
}
