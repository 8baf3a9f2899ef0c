package accounting

import (
	"bytes"
	"fmt"
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
	var b bytes.Buffer
	b.WriteString(strings.Join(Header, "|") + "\n")
	for _, e := range entries {
		if e.Num <= 0 {
			return nil, fmt.Errorf("accounting file: entry %s %s is not numbered (call Number)", e.Journal.Code, e.PieceRef)
		}
		if !e.balanced() {
			return nil, fmt.Errorf("accounting file: entry %s %d does not balance", e.Journal.Code, e.Num)
		}
		for _, l := range e.Lines {
			aux, auxLib := "", ""
			if l.Repairer != nil {
				aux = fmt.Sprintf("%s%06d", cfg.AuxPrefix, l.Repairer.ID)
				auxLib = clean(l.Repairer.Name)
				if auxLib == "" {
					auxLib = aux
				}
			}
			f := []string{
				clean(e.Journal.Code), clean(e.Journal.Lib), fmt.Sprint(e.Num), e.Date.Format("20060102"),
				clean(l.Account.Num), clean(l.Account.Lib), aux, auxLib,
				clean(e.PieceRef), e.PieceDate.Format("20060102"), clean(l.Lib),
				Amount(l.Debit), Amount(l.Credit), "", "", validated.Format("20060102"), "", "",
			}
			b.WriteString(strings.Join(f, "|") + "\n")
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
	s = strings.Map(func(r rune) rune {
		if r == '|' || r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
