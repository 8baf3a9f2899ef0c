package bank

import (
	"regexp"
	"strings"
)

// frenchTownLine is the last line of a French postal address: a 5-digit postcode and the town
// (« 75011 Paris », « 97110 Pointe-à-Pitre », « 69003 LYON CEDEX 03 »).
var frenchTownLine = regexp.MustCompile(`^(\d{5})\s+(\S.*)$`)

// SplitFrenchAddress reads a free-text French address whose last line is « postcode town » (the
// network's `address` in network.toml, or a repairer's when the optional postcode and city
// columns are missing) into the street (the lines before, joined by « , »), the postcode and the
// town. Lines are separated by line breaks or, when there is none, by commas. ok is false when
// the last line is not « 5 digits, town »: the address cannot be structured and the caller
// treats the town as missing.
func SplitFrenchAddress(addr string) (street, postcode, town string, ok bool) {
	lines := strings.FieldsFunc(addr, func(r rune) bool { return r == '\n' || r == '\r' })
	if len(lines) < 2 {
		lines = strings.Split(addr, ",")
	}
	var kept []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	if len(kept) == 0 {
		return "", "", "", false
	}
	m := frenchTownLine.FindStringSubmatch(kept[len(kept)-1])
	if m == nil {
		return "", "", "", false
	}
	return strings.Join(kept[:len(kept)-1], ", "), m[1], strings.TrimSpace(m[2]), true
}
