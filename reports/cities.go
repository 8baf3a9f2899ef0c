package reports

import (
	"context"
	"fmt"

	"github.com/xuri/excelize/v2"

	sb "savbilling"
)

// CitySource is a Source that also sums the period's commission lines by city, for the
// Synthèse's « Commissions par ville » block: a closed period's ledger sums them in SQL
// (store.DB.CommissionsByCity), since its statements only count their lines. A Source without it
// gets the block from the statements' listed lines (savbilling.Book.CommissionsByCity).
type CitySource interface {
	CommissionsByCity(ctx context.Context) ([]sb.CityCommissions, error)
}

// CommissionsByCity sums the lines the book's statements list.
func (s bookSource) CommissionsByCity(context.Context) ([]sb.CityCommissions, error) {
	return s.b.CommissionsByCity(), nil
}

// cityCommissions is the block's rows: the source's sums, or, for a source without them, the
// lines its statements list.
func cityCommissions(ctx context.Context, src Source) ([]sb.CityCommissions, error) {
	if cs, ok := src.(CitySource); ok {
		return cs.CommissionsByCity(ctx)
	}
	var out []sb.CityCommissions
	at := map[string]int{}
	err := src.EachStatement(ctx, func(s *sb.Statement) error {
		if s.UnlistedLines > 0 {
			return fmt.Errorf("statement %s: its commission lines are counted, not listed: the source must sum them by city", s.Number)
		}
		for _, c := range s.Commissions {
			out = sb.AddCity(out, at, c.City, 1, c.AmountCents)
		}
		return nil
	})
	sb.SortCities(out)
	return out, err
}

// writeCityCommissions writes, from row top of the Synthèse, the block « Commissions par ville »:
// per city of the intervention (savbilling.CityOf), the number of interventions and their
// commissions HT, by amount descending then city, then a total row equal to the period's
// commissions (« Commissions HT » above it) to the cent. It returns the last row it wrote.
func writeCityCommissions(ctx context.Context, f *excelize.File, st *styles, x *index, top int) (int, error) {
	const sh = SheetSummary
	cs, err := cityCommissions(ctx, x.src)
	if err != nil {
		return 0, err
	}
	var n int
	var cents int64
	for _, c := range cs {
		n += c.Interventions
		cents += c.AmountCents
	}
	if g := x.src.Totals().GrossCents; cents != g {
		return 0, fmt.Errorf("commissions by city: %s in all, the statements' commissions are %s (a bug, please report it)",
			euroText(cents), euroText(g))
	}
	for j, h := range []string{"Commissions par ville", "Interventions", "Commissions HT"} {
		if err := setCell(f, sh, j+1, top, h, st.header); err != nil {
			return 0, err
		}
	}
	row := top
	for _, c := range cs {
		row++
		if err := setCell(f, sh, 1, row, c.City, st.text); err != nil {
			return 0, err
		}
		if err := setValue(f, st, sh, 2, row, kInt, c.Interventions, 0); err != nil {
			return 0, err
		}
		if err := setValue(f, st, sh, 3, row, kMoney, c.AmountCents, 0); err != nil {
			return 0, err
		}
	}
	row++
	if err := setCell(f, sh, 1, row, "Total des commissions", st.totalLabel); err != nil {
		return 0, err
	}
	if err := setValue(f, st, sh, 2, row, kInt, n, st.totalInt); err != nil {
		return 0, err
	}
	if err := setValue(f, st, sh, 3, row, kMoney, cents, st.totalMoney); err != nil {
		return 0, err
	}
	return row, nil
}
