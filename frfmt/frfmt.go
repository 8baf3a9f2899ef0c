// Package frfmt formats amounts, dates, periods and rates the French way, as the documents and
// the workbook print them: « 1 234,56 € », « 31/10/2025 », « octobre 2026 », « 33,33 % ».
//
// Amounts are int64 euro cents; no floating point is involved. The thousands separator is a
// plain space (U+0020), so that every PDF font and every text extractor handles it.
package frfmt

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// FormatEUR writes cents as euros with a comma decimal separator, a space every three digits
// and « € » after a space: 123456 → « 1 234,56 € », -1 → « -0,01 € ». Every int64 is accepted,
// math.MinInt64 included.
func FormatEUR(cents int64) string { return FormatAmount(cents) + " €" }

// FormatAmount is FormatEUR without the currency sign: 123456 → « 1 234,56 ».
func FormatAmount(cents int64) string {
	neg := cents < 0
	// work on the magnitude as uint64 so that math.MinInt64 does not overflow
	u := uint64(cents)
	if neg {
		u = -u
	}
	euros, rest := u/100, u%100
	digits := strconv.FormatUint(euros, 10)
	buf := make([]byte, 0, len(digits)+len(digits)/3+5)
	if neg {
		buf = append(buf, '-')
	}
	buf = groupThousands(buf, digits)
	buf = append(buf, ',', byte('0'+rest/10), byte('0'+rest%10))
	return string(buf)
}

// groupThousands appends digits to buf with a space before every group of three from the right.
func groupThousands(buf []byte, digits string) []byte {
	for i := 0; i < len(digits); i++ {
		if i > 0 && (len(digits)-i)%3 == 0 {
			buf = append(buf, ' ')
		}
		buf = append(buf, digits[i])
	}
	return buf
}

// FormatInt writes n with a space every three digits: 1234567 → « 1 234 567 ».
func FormatInt(n int64) string {
	u := uint64(n)
	var buf []byte
	if n < 0 {
		buf = append(buf, '-')
		u = -u
	}
	return string(groupThousands(buf, strconv.FormatUint(u, 10)))
}

// FormatDate writes the calendar day of t, in t's own location, as dd/mm/yyyy: « 31/10/2025 ».
// Convert an instant to Europe/Paris first when its Paris day is meant.
func FormatDate(t time.Time) string {
	y, m, d := t.Date()
	b := make([]byte, 0, 10)
	b = append(b, byte('0'+d/10), byte('0'+d%10), '/', byte('0'+int(m)/10), byte('0'+int(m)%10), '/')
	if y >= 0 && y < 10000 {
		b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
	} else {
		b = strconv.AppendInt(b, int64(y), 10)
	}
	return string(b)
}

var months = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"}

// MonthName is the French name of m, in lower case: « octobre ». Out of range months give
// their number.
func MonthName(m time.Month) string {
	if m < time.January || m > time.December {
		return strconv.Itoa(int(m))
	}
	return months[m-1]
}

// FormatMonth writes a month of a year in French: (2026, October) → « octobre 2026 ».
func FormatMonth(year int, m time.Month) string {
	return MonthName(m) + " " + strconv.Itoa(year)
}

// FormatBP writes a rate in basis points as a French percentage, with as few decimals as it
// needs (at most two): 2000 → « 20 % », 550 → « 5,5 % », 3333 → « 33,33 % », 10000 → « 100 % ».
func FormatBP(bp int) string {
	neg := bp < 0
	u := uint64(int64(bp))
	if neg {
		u = -u
	}
	var b []byte
	if neg {
		b = append(b, '-')
	}
	b = groupThousands(b, strconv.FormatUint(u/100, 10))
	if frac := u % 100; frac != 0 {
		b = append(b, ',', byte('0'+frac/10))
		if frac%10 != 0 {
			b = append(b, byte('0'+frac%10))
		}
	}
	return string(append(b, " %"...))
}

// Elides reports whether the French preposition « de » (or the article « le », « que »…) is
// elided before word: before a vowel, accented or not, in either case (« d'Éloïse »,
// « d'Anne », « d'Œdipe »), before a y followed by a consonant (« d'Yves »; « de Yann »), and
// before an h, which in names is mostly mute (« d'Hélène », « d'Hugo »), except the words of a
// short list of aspirated h (« de Hollande », « de Haut-Brion »). Digits, symbols and an empty
// word do not elide (« de 40,00 € »).
func Elides(word string) bool {
	r, size := utf8.DecodeRuneInString(word)
	if size == 0 {
		return false
	}
	switch unicode.ToLower(r) {
	case 'a', 'e', 'i', 'o', 'u', 'à', 'â', 'ä', 'á', 'é', 'è', 'ê', 'ë', 'î', 'ï', 'í', 'ô', 'ö', 'ó',
		'ù', 'û', 'ü', 'ú', 'œ', 'æ':
		return true
	case 'y':
		next, _ := utf8.DecodeRuneInString(word[size:])
		return next != utf8.RuneError && !strings.ContainsRune("aeiouyàâéèêëîïôöùûü", unicode.ToLower(next))
	case 'h':
		lower := strings.ToLower(word)
		for _, w := range aspiratedH {
			if strings.HasPrefix(lower, w) {
				return false
			}
		}
		return true
	}
	return false
}

// aspiratedH are the beginnings of common words whose h is aspirated: « de » is not elided
// before them.
var aspiratedH = []string{"hache", "haie", "haine", "hall", "hameau", "hamster", "hanche", "handicap",
	"hangar", "hardi", "haricot", "harpe", "hasard", "haut", "hêtre", "héros", "hibou", "hockey",
	"hollande", "holland", "homard", "honte", "hors", "housse", "huit", "hutte", "hurle"}

// De is « de » followed by word, elided when the pronunciation asks it: De("Éloïse") →
// « d'Éloïse », De("Marc") → « de Marc », De("Hélène") → « d'Hélène ».
func De(word string) string {
	if Elides(word) {
		return "d'" + word
	}
	return "de " + word
}
