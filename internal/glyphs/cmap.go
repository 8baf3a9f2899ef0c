package glyphs

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Coverage is the set of runes of the Basic Multilingual Plane that a TrueType font maps to a
// glyph, as its Unicode cmap (format 4) says: the runes gofpdf can draw with it. A rune outside
// the BMP is never covered (gofpdf's CIDs are 16 bits).
type Coverage struct {
	bits [0x10000 / 64]uint64
}

// Has reports whether the font has a glyph for r.
func (c *Coverage) Has(r rune) bool {
	if r < 0 || r > 0xFFFF {
		return false
	}
	return c.bits[r>>6]&(1<<(uint(r)&63)) != 0
}

func (c *Coverage) set(r int) { c.bits[r>>6] |= 1 << (uint(r) & 63) }

// Count is the number of runes covered.
func (c *Coverage) Count() int {
	n := 0
	for _, w := range c.bits {
		for ; w != 0; w &= w - 1 {
			n++
		}
	}
	return n
}

var errCmap = errors.New("no readable Unicode cmap (format 4)")

// CoverageOf reads the Unicode cmap (platform 3 encoding 1, or platform 0, format 4) of a
// TrueType font file, the one gofpdf reads.
func CoverageOf(ttf []byte) (*Coverage, error) {
	u16 := func(off int) (int, bool) {
		if off < 0 || off+2 > len(ttf) {
			return 0, false
		}
		return int(binary.BigEndian.Uint16(ttf[off:])), true
	}
	u32 := func(off int) (int, bool) {
		if off < 0 || off+4 > len(ttf) {
			return 0, false
		}
		return int(binary.BigEndian.Uint32(ttf[off:])), true
	}
	numTables, ok := u16(4)
	if !ok {
		return nil, fmt.Errorf("glyphs: %w", errCmap)
	}
	cmap := -1
	for i := range numTables {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			break
		}
		if string(ttf[rec:rec+4]) == "cmap" {
			cmap, _ = u32(rec + 8)
			break
		}
	}
	if cmap < 0 {
		return nil, fmt.Errorf("glyphs: %w", errCmap)
	}
	n, ok := u16(cmap + 2)
	if !ok {
		return nil, fmt.Errorf("glyphs: %w", errCmap)
	}
	sub := -1
	for i := range n {
		rec := cmap + 4 + 8*i
		platform, ok1 := u16(rec)
		encoding, ok2 := u16(rec + 2)
		off, ok3 := u32(rec + 4)
		if !ok1 || !ok2 || !ok3 {
			break
		}
		if format, ok := u16(cmap + off); ok && format == 4 && (platform == 3 && encoding == 1 || platform == 0) {
			sub = cmap + off
			break
		}
	}
	if sub < 0 {
		return nil, fmt.Errorf("glyphs: %w", errCmap)
	}
	segX2, ok := u16(sub + 6)
	if !ok || segX2 == 0 {
		return nil, fmt.Errorf("glyphs: %w", errCmap)
	}
	segs := segX2 / 2
	ends := sub + 14
	starts := ends + segX2 + 2
	deltas := starts + segX2
	ranges := deltas + segX2
	c := &Coverage{}
	for i := range segs {
		end, ok1 := u16(ends + 2*i)
		start, ok2 := u16(starts + 2*i)
		delta, ok3 := u16(deltas + 2*i)
		ro, ok4 := u16(ranges + 2*i)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return nil, fmt.Errorf("glyphs: %w", errCmap)
		}
		for r := start; r <= end && r < 0xFFFF; r++ {
			g := 0
			if ro == 0 {
				g = (r + delta) & 0xFFFF
			} else {
				v, ok := u16(ranges + 2*i + ro + 2*(r-start))
				if !ok {
					break
				}
				if v != 0 {
					g = (v + delta) & 0xFFFF
				}
			}
			if g != 0 {
				c.set(r)
			}
		}
	}
	return c, nil
}
