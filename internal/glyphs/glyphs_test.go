package glyphs

import (
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
)

// chain is the chain of the embedded fonts (templates/fonts).
var chain = sync.OnceValue(func() *Chain {
	read := func(name string) []byte {
		b, err := os.ReadFile("../../templates/fonts/" + name)
		if err != nil {
			panic(err)
		}
		return b
	}
	c, err := NewChain(read("DejaVuSans.ttf"), read("DejaVuSans-Bold.ttf"), read("DroidSansFallbackFull.ttf"))
	if err != nil {
		panic(err)
	}
	return c
})

func TestShapeArabic(t *testing.T) {
	all := func(rune) bool { return true }
	for _, c := range []struct {
		name, in, want string
	}{
		{"isolated letter", "\u0628", "\uFE8F"},
		{"two letters: initial, final", "\u0628\u0628", "\uFE91\uFE90"},
		{"three letters: initial, medial, final", "\u0628\u0628\u0628", "\uFE91\uFE92\uFE90"},
		{"right-joining alef breaks the word", "\u0628\u0627\u0628", "\uFE91\uFE8E\uFE8F"},
		{"hamza joins nothing", "\u0628\u0621\u0628", "\uFE8F\uFE80\uFE8F"},
		{"lam-alef isolated", "\u0644\u0627", "\uFEFB"},
		{"lam-alef final", "\u0628\u0644\u0627", "\uFE91\uFEFC"},
		{"lam-alef with hamza above, madda, hamza below", "\u0644\u0623 \u0644\u0622 \u0644\u0625", "\uFEF7 \uFEF5 \uFEF9"},
		{"harakat are transparent", "\u0628\u064E\u0628", "\uFE91\u064E\uFE90"},
		{"tatweel joins", "\u0628\u0640", "\uFE91\u0640"},
		{"salam: seen-lam-alef-meem", "\u0633\u0644\u0627\u0645", "\uFEB3\uFEFC\uFEE1"},
		{"Persian peh and gaf", "\u067E\u06AF", "\uFB58\uFB93"},
		{"Latin untouched", "Vélo", "Vélo"},
		{"space separates words", "\u0628 \u0628", "\uFE8F \uFE8F"},
	} {
		if got := string(shapeArabic([]rune(c.in), all)); got != c.want {
			t.Errorf("%s: shapeArabic(%+q) = %+q, want %+q", c.name, c.in, got, c.want)
		}
	}
	// a form the fonts lack: the letter itself
	none := func(rune) bool { return false }
	if got := string(shapeArabic([]rune("\u0628\u0644\u0627"), none)); got != "\u0628\u0644\u0627" {
		t.Errorf("without forms: %+q", got)
	}
}

func TestVisualOrder(t *testing.T) {
	c := chain()
	for _, c2 := range []struct {
		name, in, want string
	}{
		{"Latin stays", "Atelier Vélo", "Atelier Vélo"},
		{"Hebrew reversed", "שלום", "םולש"},
		{"Hebrew in a French line", "Atelier שלום Paris", "Atelier םולש Paris"},
		{"right-to-left line: runs reversed, Latin kept", "שלום Paris", "Paris םולש"},
		{"brackets mirrored", "(שלום)", "(םולש)"},
		{"Arabic joined then reversed", "\u0633\u0644\u0627\u0645", "\uFEE1\uFEFC\uFEB3"},
		{"bidi controls removed", "a\u200Fb\u202Ec", "abc"},
		{"mark stays after its letter", "\u05E9\u05B8\u05DC", "\u05DC\u05E9\u05B8"},
		{"digits after Hebrew in a left-to-right line go with it (level 2)", "Shop שלום 123 end", "Shop 123 םולש end"},
		{"right-to-left line with digits", "שלום 12", "12 םולש"},
		{"Arabic name then digits in a French line", "Garage \u0645\u0646 12 Paris", "Garage 12 \uFEE6\uFEE3 Paris"},
		{"a number with separators stays whole", "שלום 1,5 €", "€ 1,5 םולש"},
		{"two Hebrew words in a French line", "de שלום עולם.", "de םלוע םולש."},
		{"trailing space of a right-to-left line is at its left end", "שלום ", " םולש"},
		{"guillemets mirrored", "«שלום»", "«םולש»"},
	} {
		if got := string(c.Visual(c2.in)); got != c2.want {
			t.Errorf("%s: Visual(%+q) = %+q, want %+q", c2.name, c2.in, got, c2.want)
		}
	}
}

func TestRunsFallbackAndSubstitute(t *testing.T) {
	c := chain()
	for _, c2 := range []struct {
		name string
		in   string
		bold bool
		want []Run
	}{
		{"simple text is one run of itself", "Łukasz Wróbel", false, []Run{{Regular, "Łukasz Wróbel"}}},
		{"bold", "Łukasz", true, []Run{{Bold, "Łukasz"}}},
		{"CJK from the fallback font", "Vélo 北京 Paris", false, []Run{{Regular, "Vélo "}, {Fallback, "北京"}, {Regular, " Paris"}}},
		{"emoji substituted", "Vélo 🚲", false, []Run{{Regular, "Vélo \uFFFD"}}},
		{"mathematical letter decomposed", "𝕍élo", false, []Run{{Regular, "Vélo"}}},
		{"format character no font has dropped", "a\U000E0001b", false, []Run{{Regular, "ab"}}},
		{"empty", "", false, nil},
	} {
		if got := c.Runs(c2.in, c2.bold); !slices.Equal(got, c2.want) {
			t.Errorf("%s: Runs(%+q) = %+q, want %+q", c2.name, c2.in, got, c2.want)
		}
	}
}

func TestMissing(t *testing.T) {
	c := chain()
	for _, c2 := range []struct {
		in   string
		want []rune
	}{
		{"Atelier Vélo", nil},
		{"北京 שלום مرحبا 𝕍 a\u200Db", nil},
		{"🚲 Vélo 🚲 \U0001F600", []rune{'🚲', '\U0001F600'}},
		{"a\x01\n\u0085b", nil},
		{"bad \xff byte 🚲", []rune{Substitute, '🚲'}},
	} {
		if got := c.Missing(c2.in); !slices.Equal(got, c2.want) {
			t.Errorf("Missing(%+q) = %+q, want %+q", c2.in, got, c2.want)
		}
	}
}

func TestCoverageOfRefusesGarbage(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("true"), []byte("\x00\x01\x00\x00\x00\x01xxxxxxxxxxxxcmap\x00\x00\x00\x00\xff\xff\xff\xf0\x00\x00\x00\x10")} {
		if _, err := CoverageOf(b); err == nil {
			t.Errorf("CoverageOf(%q): no error", b)
		}
	}
}

// FuzzRuns: any text gives runs without panicking, every run's font draws its text.
func FuzzRuns(f *testing.F) {
	for _, s := range []string{"Vélo", "שלום (x) 12", "\u0644\u0627\u0628", "北京🚲", "\xff\u202E"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, bold bool) {
		c := chain()
		for _, r := range c.Runs(s, bold) {
			for _, x := range r.Text {
				if x == Substitute {
					continue
				}
				if f, ok := c.font(x, bold); !ok || f != r.Font {
					t.Fatalf("Runs(%+q): %+q in font %d", s, x, r.Font)
				}
			}
		}
		c.Missing(s)
		// without Arabic (no ligature), the visual line has every rune but the bidi controls
		if !strings.ContainsFunc(s, isArabic) {
			want := 0
			for _, r := range s {
				if !(r >= 0x200E && r <= 0x200F || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069) {
					want++
				}
			}
			if got := len(c.Visual(s)); got != want {
				t.Fatalf("Visual(%+q): %d runes, want %d", s, got, want)
			}
		}
	})
}
