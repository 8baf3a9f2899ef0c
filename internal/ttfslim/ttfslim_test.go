package ttfslim

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// fontFiles are the project's embedded fonts: DejaVu Sans (hinted, composite accented glyphs)
// and its bold, and Droid Sans Fallback (65 000 glyphs, long loca).
var fontFiles = []string{"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DroidSansFallbackFull.ttf"}

func readFont(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "templates", "fonts", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSlimKeepsEveryGlyphsOutlineAdvanceAndCharacter(t *testing.T) {
	for _, name := range fontFiles {
		t.Run(name, func(t *testing.T) {
			orig := readFont(t, name)
			slim, err := Slim(orig)
			if err != nil {
				t.Fatal(err)
			}
			a, err := sfnt.Parse(orig)
			if err != nil {
				t.Fatal(err)
			}
			b, err := sfnt.Parse(slim)
			if err != nil {
				t.Fatalf("the slimmed font does not parse: %v", err)
			}
			if a.NumGlyphs() != b.NumGlyphs() {
				t.Fatalf("%d glyphs, want %d", b.NumGlyphs(), a.NumGlyphs())
			}
			var bufA, bufB sfnt.Buffer
			ppem := fixed.I(int(a.UnitsPerEm()))
			for i := 0; i < a.NumGlyphs(); i++ {
				x := sfnt.GlyphIndex(i)
				sa, errA := a.LoadGlyph(&bufA, x, ppem, nil)
				sb, errB := b.LoadGlyph(&bufB, x, ppem, nil)
				if (errA == nil) != (errB == nil) {
					t.Fatalf("glyph %d: load %v, want %v", i, errB, errA)
				}
				if !slices.Equal(sa, sb) {
					t.Fatalf("glyph %d: outline changed", i)
				}
				adA, _ := a.GlyphAdvance(&bufA, x, ppem, 0)
				adB, _ := b.GlyphAdvance(&bufB, x, ppem, 0)
				if adA != adB {
					t.Fatalf("glyph %d: advance %v, want %v", i, adB, adA)
				}
			}
			for r := rune(0); r <= 0xFFFF; r++ {
				ga, _ := a.GlyphIndex(&bufA, r)
				gb, _ := b.GlyphIndex(&bufB, r)
				if ga != gb {
					t.Fatalf("U+%04X: glyph %d, want %d", r, gb, ga)
				}
			}
			for _, id := range []sfnt.NameID{sfnt.NameIDCopyright, sfnt.NameIDFamily, sfnt.NameIDPostScript} {
				na, _ := a.Name(&bufA, id)
				nb, _ := b.Name(&bufB, id)
				if na != nb {
					t.Errorf("name %d: %q, want %q", id, nb, na)
				}
			}
			t.Logf("%s: %d → %d bytes", name, len(orig), len(slim))
		})
	}
}

func TestSlimDropsTheHintingAndTheLicencesCopies(t *testing.T) {
	orig := readFont(t, "DejaVuSans.ttf")
	slim, err := Slim(orig)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := readTables(slim)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		if dropped[tb.tag] {
			t.Errorf("table %q kept", tb.tag)
		}
		if tb.tag == "name" {
			if n := countNames(t, tb.data, licenceID); n != 1 {
				t.Errorf("%d licence descriptions, want 1", n)
			}
			if countNames(t, tb.data, 1) < 2 {
				t.Error("the family name lost a platform's record")
			}
		}
		if tb.tag == "glyf" {
			if n := instructionBytes(t, slim); n != 0 {
				t.Errorf("%d bytes of instructions left", n)
			}
		}
	}
	if n := instructionBytes(t, orig); n < 10_000 {
		t.Fatalf("the original has %d bytes of instructions: the check above proves nothing", n)
	}
	if len(slim) > len(orig)*9/10 {
		t.Errorf("%d bytes, want at most 90 %% of %d", len(slim), len(orig))
	}
}

func TestSlimWritesValidChecksums(t *testing.T) {
	slim, err := Slim(readFont(t, "DejaVuSans-Bold.ttf"))
	if err != nil {
		t.Fatal(err)
	}
	n := int(binary.BigEndian.Uint16(slim[4:]))
	for i := 0; i < n; i++ {
		rec := slim[12+16*i:]
		off, size := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		data := slices.Clone(slim[off : off+size])
		if string(rec[:4]) == "head" {
			binary.BigEndian.PutUint32(data[8:], 0)
		}
		if got, want := binary.BigEndian.Uint32(rec[4:]), checksum(data); got != want {
			t.Errorf("table %q: checksum %#x, want %#x", rec[:4], got, want)
		}
		if off%4 != 0 {
			t.Errorf("table %q at offset %d, not 4-byte aligned", rec[:4], off)
		}
	}
	if sum := checksum(slim); sum != 0xB1B0AFBA {
		t.Errorf("whole-file checksum %#x, want 0xB1B0AFBA (checkSumAdjustment wrong)", sum)
	}
}

func TestSlimStripsACompositeGlyphsInstructions(t *testing.T) {
	// a composite of two components, the second with WE_HAVE_INSTRUCTIONS, then 3 bytes of them
	g := []byte{0xFF, 0xFF, 0, 0, 0, 0, 0, 10, 0, 10, // header: -1 contours, bounds
		0x00, 0x20 | argsAreWords, 0, 5, 0, 1, 0, 2, // more components, glyph 5, word args
		0x01, haveScale & 0xFF, 0, 6, 3, 4, 0x40, 0x00, // instructions flag, glyph 6, byte args, scale
		0, 3, 0xB0, 0x01, 0x02}
	got, err := stripGlyph(g)
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(g[:26])
	want[18] = 0x00 // the flag cleared
	if !bytes.Equal(got, want) {
		t.Errorf("stripped\n%x, want\n%x", got, want)
	}
	simple := []byte{0, 1, 0, 0, 0, 0, 0, 10, 0, 10, 0, 0, 0, 2, 0xB0, 0x01, 0x01, 0x05}
	got, err = stripGlyph(simple)
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte{0, 1, 0, 0, 0, 0, 0, 10, 0, 10, 0, 0, 0, 0, 0x01, 0x05}; !bytes.Equal(got, want) {
		t.Errorf("simple glyph stripped\n%x, want\n%x", got, want)
	}
}

func TestSlimRefusesWhatIsNotATrueTypeFont(t *testing.T) {
	dejavu := readFont(t, "DejaVuSans.ttf")
	cff := append([]byte("OTTO"), dejavu[4:]...)
	truncated := dejavu[:200]
	for name, b := range map[string][]byte{"empty": nil, "CFF": cff, "truncated": truncated, "text": []byte("not a font at all")} {
		if _, err := Slim(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// countNames counts the records of a format 0 name table with the given name ID.
func countNames(t *testing.T, name []byte, id uint16) int {
	t.Helper()
	n := 0
	for i := 0; i < int(binary.BigEndian.Uint16(name[2:])); i++ {
		if binary.BigEndian.Uint16(name[6+12*i+6:]) == id {
			n++
		}
	}
	return n
}

// instructionBytes sums the instruction lengths of font's simple glyphs.
func instructionBytes(t *testing.T, font []byte) int {
	t.Helper()
	tables, err := readTables(font)
	if err != nil {
		t.Fatal(err)
	}
	var glyf, loca, head, maxp []byte
	for _, tb := range tables {
		switch tb.tag {
		case "glyf":
			glyf = tb.data
		case "loca":
			loca = tb.data
		case "head":
			head = tb.data
		case "maxp":
			maxp = tb.data
		}
	}
	long := binary.BigEndian.Uint16(head[50:]) != 0
	at := func(i int) int {
		if long {
			return int(binary.BigEndian.Uint32(loca[4*i:]))
		}
		return 2 * int(binary.BigEndian.Uint16(loca[2*i:]))
	}
	total := 0
	for g := 0; g < int(binary.BigEndian.Uint16(maxp[4:])); g++ {
		d := glyf[at(g):at(g+1)]
		if len(d) < 10 {
			continue
		}
		if c := int16(binary.BigEndian.Uint16(d)); c >= 0 {
			total += int(binary.BigEndian.Uint16(d[10+2*int(c):]))
		}
	}
	return total
}
