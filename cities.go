package savbilling

import (
	"sort"
	"strings"
)

// NoCity is the city under which the commissions of interventions without a city are summed.
const NoCity = "(non renseignée)"

// CityCommissions is the commissions of one city in a period: the booked commission lines whose
// intervention took place there (the workbook's « Commissions par ville »).
type CityCommissions struct {
	City          string // NoCity for the lines without a city
	Interventions int    // commission lines, one per intervention
	AmountCents   int64  // their commissions HT
}

// CityOf is the city a commission line is summed under: its city, NoCity when blank (empty or
// white space only).
func CityOf(city string) string {
	if strings.TrimSpace(city) == "" {
		return NoCity
	}
	return city
}

// AddCity adds n lines of amount cents in city (CityOf) to cs, merging with the entry of that
// city when there is one; at maps a city to its index in cs and is kept up to date.
func AddCity(cs []CityCommissions, at map[string]int, city string, n int, cents int64) []CityCommissions {
	city = CityOf(city)
	if i, ok := at[city]; ok {
		cs[i].Interventions += n
		cs[i].AmountCents += cents
		return cs
	}
	at[city] = len(cs)
	return append(cs, CityCommissions{City: city, Interventions: n, AmountCents: cents})
}

// SortCities orders cities by amount descending, then by city (byte order).
func SortCities(cs []CityCommissions) {
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].AmountCents != cs[j].AmountCents {
			return cs[i].AmountCents > cs[j].AmountCents
		}
		return cs[i].City < cs[j].City
	})
}

// CommissionsByCity sums the commission lines the book's statements list by city (CityOf), sorted
// by SortCities: for a book held whole in memory, whose statements list their lines (a closed
// period's ledger sums them in SQL: store.DB.CommissionsByCity).
func (b *Book) CommissionsByCity() []CityCommissions {
	var cs []CityCommissions
	at := map[string]int{}
	for i := range b.Statements {
		for _, c := range b.Statements[i].Commissions {
			cs = AddCity(cs, at, c.City, 1, c.AmountCents)
		}
	}
	SortCities(cs)
	return cs
}
