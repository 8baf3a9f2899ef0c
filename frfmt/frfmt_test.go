package frfmt

import (
	"math"
	"testing"
	"time"
)

func TestFormatEUR(t *testing.T) {
	tests := []struct {
		cents int64
		want  string
	}{
		{0, "0,00 €"},
		{5, "0,05 €"},
		{10, "0,10 €"},
		{-1, "-0,01 €"},
		{99, "0,99 €"},
		{100, "1,00 €"},
		{12345, "123,45 €"},
		{99999, "999,99 €"},
		{100000, "1 000,00 €"},
		{123456, "1 234,56 €"},
		{-123456, "-1 234,56 €"},
		{100000000, "1 000 000,00 €"},
		{math.MaxInt64, "92 233 720 368 547 758,07 €"},
		{math.MinInt64, "-92 233 720 368 547 758,08 €"},
	}
	for _, tt := range tests {
		if got := FormatEUR(tt.cents); got != tt.want {
			t.Errorf("FormatEUR(%d) = %q, want %q", tt.cents, got, tt.want)
		}
	}
}

func TestFormatInt(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1 000", -1234567: "-1 234 567",
		math.MinInt64: "-9 223 372 036 854 775 808"} {
		if got := FormatInt(n); got != want {
			t.Errorf("FormatInt(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2025, 10, 31, 0, 0, 0, 0, time.UTC), "31/10/2025"},
		{time.Date(2026, 1, 2, 23, 59, 0, 0, time.UTC), "02/01/2026"},
		{time.Date(987, 3, 4, 0, 0, 0, 0, time.UTC), "04/03/0987"},
		{time.Date(12345, 3, 4, 0, 0, 0, 0, time.UTC), "04/03/12345"},
	}
	for _, tt := range tests {
		if got := FormatDate(tt.t); got != tt.want {
			t.Errorf("FormatDate(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
	// the day is the one of t's own location
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no zone data")
	}
	inst := time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC)
	if got := FormatDate(inst.In(paris)); got != "01/11/2026" {
		t.Errorf("Paris day of %v = %q, want 01/11/2026", inst, got)
	}
}

func TestFormatMonth(t *testing.T) {
	if got := FormatMonth(2026, time.October); got != "octobre 2026" {
		t.Errorf("got %q", got)
	}
	if got := FormatMonth(2026, time.August); got != "août 2026" {
		t.Errorf("got %q", got)
	}
	if got := MonthName(time.February); got != "février" {
		t.Errorf("got %q", got)
	}
	if got := MonthName(13); got != "13" {
		t.Errorf("got %q", got)
	}
}

func TestFormatBP(t *testing.T) {
	for bp, want := range map[int]string{0: "0 %", 2000: "20 %", 550: "5,5 %", 3333: "33,33 %",
		10000: "100 %", 5: "0,05 %", -2000: "-20 %", 1000000: "10 000 %"} {
		if got := FormatBP(bp); got != want {
			t.Errorf("FormatBP(%d) = %q, want %q", bp, got, want)
		}
	}
}

func BenchmarkFormatEUR(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		_ = FormatEUR(int64(i) * 12345)
	}
}

func TestDeElidesBeforeAVowelOrMuteH(t *testing.T) {
	for _, c := range []struct{ word, want string }{
		{"Éloïse", "d'Éloïse"},
		{"éloïse", "d'éloïse"},
		{"Anne", "d'Anne"},
		{"Îlot Vélo", "d'Îlot Vélo"},
		{"Œdipe", "d'Œdipe"},
		{"Ursule", "d'Ursule"},
		{"octobre 2026", "d'octobre 2026"},
		{"août 2026", "d'août 2026"},
		{"Hélène", "d'Hélène"},
		{"Hugo", "d'Hugo"},
		{"Yves", "d'Yves"},
		{"Yann", "de Yann"},
		{"Hollande Cycles", "de Hollande Cycles"},
		{"Haut-Brion", "de Haut-Brion"},
		{"Marc", "de Marc"},
		{"Łukasz", "de Łukasz"},
		{"40,00 €", "de 40,00 €"},
		{"« Atelier »", "de « Atelier »"},
		{"", "de "},
	} {
		if got := De(c.word); got != c.want {
			t.Errorf("De(%q) = %q, want %q", c.word, got, c.want)
		}
	}
}
