package gofpdf

import (
	"bytes"
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestAppendF2 checks appendF2 (savbilling patch) against strconv's %.2f formatting, on
// coordinates, on halves and near-halves, and on values it leaves to strconv.
func TestAppendF2(t *testing.T) {
	check := func(v float64) {
		t.Helper()
		if got, want := string(appendF2(nil, v)), strconv.FormatFloat(v, 'f', 2, 64); got != want {
			t.Fatalf("appendF2(%v) = %q, want %q", v, got, want)
		}
	}
	for _, v := range []float64{0, math.Copysign(0, -1), 0.005, 0.015, 0.125, 0.375, 1.005, 2.675, -0.001, -0.005,
		-1.125, 841.89, 595.28, 42.52, 1e11, 1e12, 1e13, -1e13, math.Inf(1), math.Inf(-1), math.NaN(),
		math.MaxFloat64, math.SmallestNonzeroFloat64, 0.004999999999999999, 0.9949999999999999} {
		check(v)
	}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 500_000; i++ {
		check((rng.Float64()*2 - 0.5) * 1000)                  // page coordinates
		check(float64(rng.Intn(200000)-1000) / 200)            // exact halves of cents
		check(float64(rng.Intn(1000000)) / 1000 * (72 / 25.4)) // millimetres to points
		check(math.Nextafter(float64(rng.Intn(100000))/100+0.005, math.Inf(rng.Intn(2)*2-1)))
	}
}

// TestFormattedOperators checks the operators the savbilling patches format without fmt
// against upstream's fmt formats.
func TestFormattedOperators(t *testing.T) {
	for v := -1; v <= 256; v++ {
		for _, c := range []struct{ gray, full string }{{"G", "RG"}, {"g", "rg"}, {"", ""}} {
			clr := rgbColorValue(v, v, v, c.gray, c.full)
			want := fmt.Sprintf("%.3f %s", clr.r, c.gray)
			if c.gray == "" {
				want = fmt.Sprintf("%.3f %.3f %.3f", clr.r, clr.g, clr.b)
			}
			if clr.str != want {
				t.Fatalf("rgbColorValue(%d, %q) = %q, want %q", v, c.gray, clr.str, want)
			}
			clr = rgbColorValue(v, 255-v, v/2, c.gray, c.full)
			want = fmt.Sprintf("%.3f %.3f %.3f %s", clr.r, clr.g, clr.b, c.full)
			if c.gray == "" {
				want = fmt.Sprintf("%.3f %.3f %.3f", clr.r, clr.g, clr.b)
			}
			if !clr.gray && clr.str != want {
				t.Fatalf("rgbColorValue(%d, %d, %d, %q) = %q, want %q", v, 255-v, v/2, c.gray, clr.str, want)
			}
		}
	}
	f := New("P", "mm", "A4", "")
	f.offsets = []int{0, 0, 9, 1234567890, 12345678901, -5}
	f.n = 5
	f.buffer.Reset()
	f.outInt("/Contents ", 42, " 0 R>>")
	f.putxrefEntries()
	got := f.buffer.String()
	want := fmt.Sprintf("/Contents %d 0 R>>\n", 42)
	for j := 1; j <= f.n; j++ {
		want += fmt.Sprintf("%010d 00000 n \n", f.offsets[j])
	}
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// TestNextIntKey checks untypedKeyMap's next integer key against upstream's search.
func TestNextIntKey(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 20000; i++ {
		var pa untypedKeyMap
		for j := rng.Intn(300); j > 0; j-- {
			switch rng.Intn(10) {
			case 0:
				pa.keySet = append(pa.keySet, "interval")
			case 1:
				pa.keySet = append(pa.keySet, rng.Intn(400)-5)
			default:
				pa.keySet = append(pa.keySet, len(pa.keySet))
			}
			pa.valueSet = append(pa.valueSet, j)
		}
		want := 0
		for pa.getIndex(want) >= 0 {
			want++
		}
		if got := pa.nextIntKey(); got != want {
			t.Fatalf("nextIntKey of %v = %d, want %d", pa.keySet, got, want)
		}
	}
}

// TestSubsetCacheBounded checks that the cache of a font's subsets (savbilling patch) keeps the
// most recent ones within maxSubsetBytes, forgetting the oldest first, and always keeps the last.
func TestSubsetCacheBounded(t *testing.T) {
	var c cutTables
	const size = 100 << 10
	key := func(i int) string { return "runes-" + strconv.Itoa(i) }
	for i := range 40 {
		c.storeSubset(key(i), &utf8Subset{font: make([]byte, size)})
		if c.subsetBytes > maxSubsetBytes {
			t.Fatalf("after %d subsets the cache holds %d bytes, more than %d", i+1, c.subsetBytes, maxSubsetBytes)
		}
	}
	kept := maxSubsetBytes / (size + len(key(39)))
	if len(c.subsets) != kept || len(c.subsetOrder) != kept {
		t.Fatalf("%d subsets kept (%d in order), want %d", len(c.subsets), len(c.subsetOrder), kept)
	}
	for i := range 40 {
		if got, want := c.subset(key(i)) != nil, i >= 40-kept; got != want {
			t.Fatalf("subset %d cached: %v, want %v", i, got, want)
		}
	}
	c.storeSubset("huge", &utf8Subset{font: make([]byte, 2*maxSubsetBytes)})
	if c.subset("huge") == nil || len(c.subsets) != 1 || c.subsetBytes != 2*maxSubsetBytes+len("huge") {
		t.Fatalf("a subset bigger than the bound: %d kept, %d bytes", len(c.subsets), c.subsetBytes)
	}
}

// TestRecycledBuffers checks the recycling of a written document's buffers (Fpdf.recycle,
// savbilling patch): documents written one after another, in any order and from several
// goroutines, have the bytes they have when written alone, and the document written keeps no
// buffer (a second Output writes nothing, as upstream's).
func TestRecycledBuffers(t *testing.T) {
	write := func(i int) []byte {
		f := New("P", "mm", "A4", "")
		f.SetCompression(i%2 == 0)
		f.SetCreationDate(time.Date(2026, 9, 2, 6, 0, 0, 0, time.UTC))
		f.SetModificationDate(time.Date(2026, 9, 2, 6, 0, 0, 0, time.UTC))
		f.SetFont("Helvetica", "", 9)
		for p := 0; p < 1+i%3; p++ {
			f.AddPage()
			for l := 0; l < 40*(1+i%4); l++ { // up to ~20 kB of content: past pageRoom
				f.Text(10, float64(10+l%250), fmt.Sprintf("document %d, page %d, line %d: %s", i, p, l, strings.Repeat("x", i%50)))
			}
		}
		var buf bytes.Buffer
		if err := f.Output(&buf); err != nil {
			t.Fatal(err)
		}
		var again bytes.Buffer
		if err := f.Output(&again); err != nil || again.Len() != 0 {
			t.Fatalf("document %d written twice: %d bytes, %v; want none", i, again.Len(), err)
		}
		for _, p := range f.pages {
			if p != nil {
				t.Fatalf("document %d keeps a page buffer once written", i)
			}
		}
		return buf.Bytes()
	}
	const n = 24
	alone := make([][]byte, n)
	for i := range n {
		alone[i] = bytes.Clone(write(i)) // each after the one before it: buffers recycled
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 3 * n {
				i := (k*7 + w*5) % n
				if got := write(i); !bytes.Equal(got, alone[i]) {
					t.Errorf("document %d written after others (worker %d) differs from its first writing", i, w)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestUTF16TextAppendedAsUpstreamEscapes checks appendUTF16Escaped against what upstream's Text
// wrote, escape(utf8toutf16(s, false)): bytes that need escaping in the high or low byte of a
// CID (U+0028, U+5C00, U+0D0D), runes outside the BMP and invalid bytes.
func TestUTF16TextAppendedAsUpstreamEscapes(t *testing.T) {
	f := New("P", "mm", "A4", "")
	for _, s := range []string{"", "Net à payer : 1 234,56 €", "(a) \\ b\r", "\u5c28\u2829\u0d0d\u285c",
		"𝄞 ok", "bad \xff\xfe byte", "ورشة 北京", "\x00"} {
		want := f.escape(utf8toutf16(s, false))
		if got := string(appendUTF16Escaped([]byte("x"), s)); got != "x"+want {
			t.Errorf("%q: appended %q, upstream's way %q", s, got, "x"+want)
		}
	}
}

// TestRunesKeyTellsMapsApart checks that the subset cache's key is the same for the same used
// runes in any order and differs whenever a rune or its value differs.
func TestRunesKeyTellsMapsApart(t *testing.T) {
	maps := []map[int]int{
		{},
		{0: 0},
		{1: 0},
		{1: 1},
		{1: 0, 2: 2},
		{1: 1, 2: 2},
		{65: 65, 0x20AC: 0x20AC},
		{65: 65, 0x20AC: 0x20AC, 0x202F: 0x202F},
		{65: 65, 66: 7},
		{65: 65, 66: 8},
		{65: 65, 0x10000: 0x10000},
		{65: 65, -1: 0},
	}
	seen := map[string]int{}
	for i, m := range maps {
		k := runesKey(m)
		if j, ok := seen[k]; ok {
			t.Errorf("maps %v and %v have the same key", maps[j], m)
		}
		seen[k] = i
		c := map[int]int{} // the same pairs, inserted in another order
		for r := 0x10000; r >= -1; r-- {
			if v, ok := m[r]; ok {
				c[r] = v
			}
		}
		if runesKey(c) != k {
			t.Errorf("%v: another key for the same runes", m)
		}
	}
	big := makeSubsetRange(57)
	for r := rune(0x20); r < 0x250; r++ {
		big[int(r)] = int(r)
	}
	if runesKey(big) == runesKey(makeSubsetRange(57)) {
		t.Error("a document's runes and a fresh font's have the same key")
	}
}

// TestMarkedRunesAsUpstreamRecords checks that the runes Text records with markRunes are the
// map upstream's loop gave (usedRunes[r] = r for each rune drawn), a rune printed twice included.
func TestMarkedRunesAsUpstreamRecords(t *testing.T) {
	font := fontDefType{usedRunes: makeSubsetRange(57), usedSet: new(runeSet)}
	want := makeSubsetRange(57)
	for _, s := range []string{"Ab 1", "bA 2 €", "𝄞\xff", "€ 0"} {
		markRunesOf(font, s)
		for _, r := range s {
			r = bmpRune(r)
			want[int(r)] = int(r)
		}
	}
	if len(font.usedRunes) != len(want) {
		t.Fatalf("%d runes recorded, upstream %d", len(font.usedRunes), len(want))
	}
	for k, v := range want {
		if font.usedRunes[k] != v {
			t.Errorf("rune %d: recorded %d, upstream %d", k, font.usedRunes[k], v)
		}
	}
}
