package reports

import "github.com/xuri/excelize/v2"

// Number formats of the workbook.
const (
	// MoneyFormat is the custom number format of every amount cell.
	MoneyFormat = "#,##0.00 €"
	// PercentFormat is the number format of shares written as percents (33.33 for 3333 bp).
	PercentFormat = "0.00"
	// DateFormat is the number format of every date cell.
	DateFormat = "dd/mm/yyyy"
	// DateTimeFormat is the number format of instants (the close), in Paris time.
	DateTimeFormat = "dd/mm/yyyy hh:mm"
	// IntFormat is the number format of ids and counts: digits only, no separator.
	IntFormat = "0"
)

// styles holds the workbook's cell styles, created once per workbook.
type styles struct {
	header, text, id, integer, money, pct, date, dateTime int
	totalLabel, totalMoney, totalInt                      int
	sectionLabel, checkOK, checkKO                        int
	wrap, rank, indented                                  int // wrapped text; a centred rank; a name set off from what precedes it
}

func newStyles(f *excelize.File) (*styles, error) {
	var (
		s   styles
		err error
	)
	border := []excelize.Border{{Type: "bottom", Color: "7F7F7F", Style: 1}}
	topBorder := []excelize.Border{{Type: "top", Color: "7F7F7F", Style: 1}}
	custom := func(f string) *string { return &f }
	defs := []struct {
		dst   *int
		style excelize.Style
	}{
		{&s.header, excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
			Border:    border,
			Alignment: &excelize.Alignment{Vertical: "center"},
		}},
		{&s.text, excelize.Style{}},
		// ids centred: never read as one word with a name beside them (« 26Yannick »)
		{&s.id, excelize.Style{CustomNumFmt: custom(IntFormat), Alignment: &excelize.Alignment{Horizontal: "center"}}},
		{&s.integer, excelize.Style{CustomNumFmt: custom(IntFormat)}},
		{&s.money, excelize.Style{CustomNumFmt: custom(MoneyFormat)}},
		{&s.pct, excelize.Style{CustomNumFmt: custom(PercentFormat)}},
		{&s.date, excelize.Style{CustomNumFmt: custom(DateFormat), Alignment: &excelize.Alignment{Horizontal: "left"}}},
		{&s.dateTime, excelize.Style{CustomNumFmt: custom(DateTimeFormat), Alignment: &excelize.Alignment{Horizontal: "left"}}},
		{&s.totalLabel, excelize.Style{Font: &excelize.Font{Bold: true}, Border: topBorder}},
		{&s.totalMoney, excelize.Style{Font: &excelize.Font{Bold: true}, Border: topBorder, CustomNumFmt: custom(MoneyFormat)}},
		{&s.totalInt, excelize.Style{Font: &excelize.Font{Bold: true}, Border: topBorder, CustomNumFmt: custom(IntFormat)}},
		{&s.sectionLabel, excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&s.checkOK, excelize.Style{Font: &excelize.Font{Bold: true, Color: "1E7B34"}}},
		{&s.checkKO, excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}}},
		{&s.wrap, excelize.Style{Alignment: &excelize.Alignment{WrapText: true}}},
		{&s.rank, excelize.Style{CustomNumFmt: custom(IntFormat), Alignment: &excelize.Alignment{Horizontal: "center"}}},
		{&s.indented, excelize.Style{Alignment: &excelize.Alignment{Horizontal: "left", Indent: 1}}},
	}
	for _, d := range defs {
		st := d.style
		if *d.dst, err = f.NewStyle(&st); err != nil {
			return nil, err
		}
	}
	return &s, nil
}
