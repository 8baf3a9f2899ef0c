package accounting

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Header is the first line of a FEC: the 18 fields of article A47 A-1 of the Livre des
// procédures fiscales, in their order.
var Header = []string{"JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
	"CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet",
	"DateLet", "ValidDate", "Montantdevise", "Idevise"}

// FileName is the FEC's name: <SIREN>FEC<AAAAMMJJ>.txt, the date being the period's last day
// (the closing date of the entries). The SIREN must be 9 digits.
func FileName(siren string, lastDay time.Time) (string, error) {
	if len(siren) != 9 || strings.Trim(siren, "0123456789") != "" {
		return "", fmt.Errorf("accounting file: SIREN %q must be 9 digits (the first 9 of the network's SIRET)", siren)
	}
	return siren + "FEC" + lastDay.Format("20060102") + ".txt", nil
}

// Render writes numbered entries as a FEC: UTF-8 text, the header line, one line per entry
// line, fields separated by « | », dates AAAAMMJJ, amounts with a decimal comma and two
// decimals (1234,56; 0,00 on the empty side), lines ending with LF. The amounts are in euros,
// the file's currency, so Montantdevise and Idevise stay empty, as do EcritureLet and DateLet
// (no lettering). A « | » or a line break inside a label is replaced by a space. validated is
// the ValidDate of every line (the date of the close).
func Render(entries []Entry, cfg Config, validated time.Time) ([]byte, error) {
	n := 0
	for _, e := range entries {
		n += len(e.Lines)
	}
	var b bytes.Buffer
	b.Grow(256 * (n + 1))
	b.WriteString(strings.Join(Header, "|") + "\n")
	valid := validated.Format("20060102")
	for _, e := range entries {
		if e.Num <= 0 {
			return nil, fmt.Errorf("accounting file: entry %s %s is not numbered (call Number)", e.Journal.Code, e.PieceRef)
		}
		if !e.balanced() {
			return nil, fmt.Errorf("accounting file: entry %s %d does not balance", e.Journal.Code, e.Num)
		}
		head := clean(e.Journal.Code) + "|" + clean(e.Journal.Lib) + "|" + strconv.Itoa(e.Num) + "|" + e.Date.Format("20060102") + "|"
		piece := clean(e.PieceRef) + "|" + e.PieceDate.Format("20060102") + "|"
		for _, l := range e.Lines {
			aux, auxLib := "", ""
			if l.Repairer != nil {
				aux = fmt.Sprintf("%s%06d", cfg.AuxPrefix, l.Repairer.ID)
				auxLib = clean(l.Repairer.Name)
				if auxLib == "" {
					auxLib = aux
				}
			}
			b.WriteString(head)
			for _, f := range []string{clean(l.Account.Num), clean(l.Account.Lib), aux, auxLib} {
				b.WriteString(f)
				b.WriteByte('|')
			}
			b.WriteString(piece)
			for _, f := range []string{clean(l.Lib), Amount(l.Debit), Amount(l.Credit), "", "", valid, "", ""} {
				b.WriteString(f)
				b.WriteByte('|')
			}
			b.Truncate(b.Len() - 1)
			b.WriteByte('\n')
		}
	}
	return b.Bytes(), nil
}

// Amount writes cents with a decimal comma and two decimals, no thousands separator
// (123456 → "1234,56"); amounts in the FEC are never negative (the side carries the sign).
func Amount(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d,%02d", sign, c/100, c%100)
}

// clean makes a label fit in a field: « | », tabs and line breaks become spaces, runs of spaces
// one space, ends trimmed.
func clean(s string) string {
	plain := true // the common case: nothing to replace
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = c != '|' && c != '\t' && c != '\n' && c != '\r' && !(c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' '))
	}
	if plain {
		return s
	}
	s = strings.Map(func(r rune) rune {
		if r == '|' || r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
