package store

// How the store reads the marketplace's rows without trusting them.
//
// The source tables may be views over other systems: columns declared NOT NULL may hold NULL,
// keys may repeat, codes may come in capitals or with trailing spaces, timestamps in other text
// forms. The store never lets the engine decide what such a row means — MySQL/MariaDB compare
// text case-insensitively and ignore trailing spaces under their usual collations, SQLite
// compares timestamps as text — and never reads NULL as 0. Its SQL filters only narrow the rows
// to those that may concern the close (a superset); Go then reads every value exactly and marks a
// row it cannot use with a savbilling.Defect, which the rules hold as an anomaly naming the
// column to correct.

import (
	"fmt"
	"time"

	sb "savbilling"
)

// srcTime scans a timestamp of a source table without ever failing: Null when NULL (or empty,
// or MySQL's zero date), Bad with the text when it is in no form the store reads.
type srcTime struct {
	Time time.Time
	Null bool
	Bad  string // the unreadable value, as text
}

// Scan implements sql.Scanner.
func (s *srcTime) Scan(v any) error {
	*s = srcTime{}
	var n nullTime
	if err := n.Scan(v); err != nil {
		switch x := v.(type) {
		case []byte:
			s.Bad = string(x)
		default:
			s.Bad = fmt.Sprint(x)
		}
		if s.Bad == "" {
			s.Bad = " "
		}
		return nil
	}
	s.Time, s.Null = n.Time, n.Time.IsZero()
	return nil
}

// defect says why the timestamp cannot be used, naming its column, or nil.
func (s srcTime) defect(column string) *sb.Defect {
	switch {
	case s.Bad != "":
		return sb.NewDefect("écrire "+column+" au format AAAA-MM-JJ HH:MM:SS (UTC)",
			"%s illisible (%.40q)", column, s.Bad)
	case s.Null:
		return nullDefect(column)
	}
	return nil
}

// before reports whether the timestamp is readable and strictly before end.
func (s srcTime) before(end time.Time) bool {
	return s.Bad == "" && !s.Null && s.Time.Before(end)
}

// from reports whether the timestamp is readable and at or after end: a fact of a later period.
func (s srcTime) from(end time.Time) bool {
	return s.Bad == "" && !s.Null && !s.Time.Before(end)
}

// exactly is the SQL condition that the text column col equals the next parameter byte for byte
// (case and trailing spaces count), whatever the column's collation.
func (tx *Tx) exactly(col string) string { return tx.d.dialect.exactly(col) }

// maybeBefore is the SQL condition that the source timestamp col may be before the next parameter
// (an end): NULL, before it, or — SQLite, where timestamps are text compared as text — in another
// text form. Go reads the value and decides (srcTime).
func (tx *Tx) maybeBefore(col string) string { return tx.d.dialect.maybeBefore(col) }

// Defects of source rows, one function each so the reasons and fixes stay the same everywhere.

func dupDefect(table string) *sb.Defect {
	return sb.NewDefect("corriger la table ou la vue "+table+" (un identifiant par ligne)",
		"la ligne apparaît plusieurs fois dans %s", table)
}

func nullDefect(column string) *sb.Defect {
	return sb.NewDefect("renseigner "+column, "%s manquant (NULL)", column)
}

func statusDefect(status *string) *sb.Defect {
	const fix = "mettre interventions.status à 'open', 'closed' ou 'cancelled' (minuscules, sans espace)"
	if status == nil {
		return sb.NewDefect(fix, "statut manquant (interventions.status NULL)")
	}
	return sb.NewDefect(fix, "statut %q inconnu", *status)
}
