package reports

import (
	"context"
	"sort"

	sb "savbilling"
)

// bookSource is a book held whole in memory as a Source.
type bookSource struct{ b *sb.Book }

func (s bookSource) Head() *sb.Book    { return s.b }
func (s bookSource) Totals() sb.Totals { return s.b.Totals() }

func (s bookSource) EachStatement(_ context.Context, fn func(*sb.Statement) error) error {
	for i := range s.b.Statements {
		if err := fn(&s.b.Statements[i]); err != nil {
			return err
		}
	}
	return nil
}

// EachSAVLine gives the statements' SAV lines, and the lines that charge nothing of repairers
// without a statement (Book.Unlisted, with no name nor statement number), by SAV id, each SAV's
// lines by ascending repairer id, then type. The city of a line is its
// SAV's: the city the lines of that SAV carry, else that of the SAV's own commission line when
// the book lists it.
func (s bookSource) EachSAVLine(_ context.Context, fn func(l *sb.SAVLine, name, statement string) error) error {
	type ref struct{ s, l int32 } // s = -1: b.Unlisted[l]
	var refs []ref
	city := map[int64]string{}
	for i := range s.b.Statements {
		for j, l := range s.b.Statements[i].SAV {
			refs = append(refs, ref{int32(i), int32(j)})
			city[l.SAVID] = l.City
		}
	}
	for j, l := range s.b.Unlisted {
		refs = append(refs, ref{-1, int32(j)})
		city[l.SAVID] = l.City
	}
	for i := range s.b.Statements {
		for _, c := range s.b.Statements[i].Commissions {
			if v, ok := city[c.InterventionID]; ok && v == "" {
				city[c.InterventionID] = c.City
			}
		}
	}
	line := func(r ref) *sb.SAVLine {
		if r.s < 0 {
			return &s.b.Unlisted[r.l]
		}
		return &s.b.Statements[r.s].SAV[r.l]
	}
	sort.SliceStable(refs, func(i, j int) bool {
		x, y := line(refs[i]), line(refs[j])
		if x.SAVID != y.SAVID {
			return x.SAVID < y.SAVID
		}
		return x.RepairerID < y.RepairerID // as the ledger orders them (store.DB.EachSAVLine)
	})
	for _, r := range refs {
		l := *line(r)
		l.City = city[l.SAVID]
		name, number := "", ""
		if r.s >= 0 {
			st := &s.b.Statements[r.s]
			name, number = st.Repairer.Name, st.Number
		}
		if err := fn(&l, name, number); err != nil {
			return err
		}
	}
	return nil
}
