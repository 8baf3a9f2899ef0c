package sample

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// luhnDigit returns the check digit that makes digits+check pass the Luhn test, the checksum
// of French SIREN and SIRET numbers.
func luhnDigit(digits string) byte {
	sum := 0
	// The check digit will sit at the rightmost place; double every second digit from the one
	// just left of it.
	double := true
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// siret builds a Luhn-valid 14-digit SIRET (head office, NIC 0001x) from an 8-digit base whose
// Luhn-completed 9 digits are the SIREN.
func siret(base8 int64) string {
	s := fmt.Sprintf("%08d", base8%100000000)
	siren := s + string(luhnDigit(s))
	head := siren + "0001"
	return head + string(luhnDigit(head))
}

// vatNumber is the French intra-community VAT number of a SIRET: FR, a 2-digit key, the SIREN.
func vatNumber(siretNum string) string {
	siren := siretNum[:9]
	n, _ := strconv.ParseInt(siren, 10, 64)
	key := (12 + 3*(n%97)) % 97
	return fmt.Sprintf("FR%02d%s", key, siren)
}

var asciiFold = strings.NewReplacer(
	"à", "a", "â", "a", "ä", "a", "á", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "í", "i", "ô", "o", "ö", "o", "ó", "o", "ù", "u", "û", "u", "ü", "u", "ú", "u",
	"ÿ", "y", "œ", "oe", "æ", "ae", "ñ", "n",
	"À", "a", "Â", "a", "Ç", "c", "É", "e", "È", "e", "Ê", "e", "Î", "i", "Ô", "o", "Û", "u",
	"Œ", "oe", "Æ", "ae",
)

// slug turns a name into the ASCII local part of an e-mail address: « Cœur de Vélo » gives
// coeur.de.velo.
func slug(name string) string {
	s := asciiFold.Replace(strings.ToLower(name))
	var b strings.Builder
	dot := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dot && b.Len() > 0 {
				b.WriteByte('.')
			}
			dot = false
			b.WriteRune(r)
		default:
			dot = true
		}
	}
	return b.String()
}

// share is amount × bp / 10000 rounded half away from zero, the rounding of the rules.
func share(amount int64, bp int64) int64 {
	n := amount * bp
	q, r := n/10000, n%10000
	switch {
	case r*2 >= 10000:
		q++
	case r*2 <= -10000:
		q--
	}
	return q
}

// eur writes cents as French euros: 163100 gives « 1 631,00 € ».
func eur(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	units := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, r := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteString(" ")
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s%s,%02d €", sign, b.String(), cents%100)
}

// at is day d of period month y-m at hh:mm UTC.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, time.UTC)
}
