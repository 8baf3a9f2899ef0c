package store

// The commissions of a closed period by city (issue 19, point 8): the workbook's « Commissions
// par ville » block in Synthèse, summed in SQL over the period's booked commission lines.

import (
	"context"
	"database/sql"
	"fmt"

	sb "savbilling"
)

// commissionsByCity is the query of CommissionsByCity. It reads the period's lines through the
// period index (SQLite: sb_commissions_period; MySQL/MariaDB: the clustered primary key
// (period, repairer_id, intervention_id), migration 5), never the whole table; a million lines a
// period at workload L. The city is grouped byte for byte (MySQL's collation of the column
// would merge « Orléans » and « orleans »); SortCities orders the result the same on both
// engines.
func commissionsByCity(dl dialect) string {
	city := dl.bytes("city")
	return `SELECT ` + city + `, COUNT(*), SUM(amount_cents) FROM sb_commissions` + dl.indexedBy("sb_commissions_period") +
		` WHERE period = ? GROUP BY ` + city
}

// CommissionsByCity sums the commission lines booked in closed period p by the city of their
// intervention: the number of lines and their amount, by amount descending then city
// (savbilling.SortCities). A blank city is summed under savbilling.NoCity. The amounts add up
// to the period's commissions (Totals.GrossCents) to the cent. ErrNotClosed if p is not closed.
func (d *DB) CommissionsByCity(ctx context.Context, p sb.Period) ([]sb.CityCommissions, error) {
	var out []sb.CityCommissions
	err := d.ReadTx(ctx, func(ctx context.Context, tx *Tx) error {
		var closed int
		if err := tx.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM sb_periods WHERE period = ?", p.String()).Scan(&closed); err != nil {
			return err
		}
		if closed == 0 {
			return ErrNotClosed
		}
		at := map[string]int{}
		return each(ctx, tx.tx, "sb_commissions by city", commissionsByCity(d.dialect), []any{p.String()},
			func(rows *sql.Rows) error {
				var c sb.CityCommissions
				var city []byte
				if err := rows.Scan(&city, &c.Interventions, &c.AmountCents); err != nil {
					return err
				}
				out = sb.AddCity(out, at, string(city), c.Interventions, c.AmountCents) // "" and "  " are both NoCity
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("commissions by city of %s: %w", p, err)
	}
	sb.SortCities(out)
	return out, nil
}
