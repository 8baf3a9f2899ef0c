// Package ttfslim makes a TrueType font file smaller for embedding in PDF documents, without
// changing a glyph's outline, advance or character map: it drops the hinting (the TrueType
// instructions of every glyph and the cvt, fpgm, prep, hdmx, LTSH and VDMX tables) and keeps one
// copy of the name table's licence description (name ID 13), the first one listed.
//
// Hinting is for rasterizing at small pixel sizes on screens; PDF viewers and printers draw the
// outlines, and PDF/A asks for the font program, not its hints. In a Factur-X statement the two
// DejaVu subsets were two thirds of the file (33 KB each); slimmed, about 13 KB each (see
// docs/fonts.md).
package ttfslim

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// dropped are the tables Slim leaves out: the hinting programs and the device metrics hinted
// rasterizers use.
var dropped = map[string]bool{"cvt ": true, "fpgm": true, "prep": true, "hdmx": true, "LTSH": true, "VDMX": true}

// Glyph flags of a composite glyph's components (the OpenType "glyf" table).
const (
	argsAreWords    = 0x0001
	haveScale       = 0x0008
	moreComponents  = 0x0020
	haveXYScale     = 0x0040
	haveTwoByTwo    = 0x0080
	haveInstruction = 0x0100
)

// licenceID is the name ID of the licence description (the full text of the licence).
const licenceID = 13

type table struct {
	tag  string
	data []byte
}

// Slim returns font without its hinting and with one licence description. It refuses, with
// the reason, a file that is not a TrueType font with glyph outlines (a CFF font, a collection,
// a truncated file): the caller embeds such a file as it is.
func Slim(font []byte) ([]byte, error) {
	tables, err := readTables(font)
	if err != nil {
		return nil, err
	}
	byTag := map[string]int{}
	for i, t := range tables {
		byTag[t.tag] = i
	}
	for _, tag := range []string{"head", "glyf", "loca", "maxp"} {
		if _, ok := byTag[tag]; !ok {
			return nil, fmt.Errorf("ttfslim: no %q table (not a TrueType font with outlines)", tag)
		}
	}
	head := slices.Clone(tables[byTag["head"]].data)
	if len(head) < 54 {
		return nil, errors.New("ttfslim: head table too short")
	}
	maxp := tables[byTag["maxp"]].data
	if len(maxp) < 6 {
		return nil, errors.New("ttfslim: maxp table too short")
	}
	longLoca := binary.BigEndian.Uint16(head[50:]) != 0
	numGlyphs := int(binary.BigEndian.Uint16(maxp[4:]))
	glyf, loca, err := stripGlyphs(tables[byTag["glyf"]].data, tables[byTag["loca"]].data, numGlyphs, longLoca)
	if err != nil {
		return nil, err
	}
	binary.BigEndian.PutUint32(head[8:], 0) // checkSumAdjustment, set once the file is written
	var out []table
	for _, t := range tables {
		switch {
		case dropped[t.tag]:
			continue
		case t.tag == "head":
			t.data = head
		case t.tag == "glyf":
			t.data = glyf
		case t.tag == "loca":
			t.data = loca
		case t.tag == "name":
			if t.data, err = oneLicence(t.data); err != nil {
				return nil, err
			}
		}
		out = append(out, t)
	}
	return writeFont(binary.BigEndian.Uint32(font), out), nil
}

// readTables reads the table directory of font (one TrueType font, not a collection).
func readTables(font []byte) ([]table, error) {
	if len(font) < 12 {
		return nil, errors.New("ttfslim: file too short for a font")
	}
	switch v := binary.BigEndian.Uint32(font); v {
	case 0x00010000, 0x74727565: // TrueType outlines ("true": Apple's)
	default:
		return nil, fmt.Errorf("ttfslim: not a TrueType font (version %#08x)", v)
	}
	n := int(binary.BigEndian.Uint16(font[4:]))
	if len(font) < 12+16*n {
		return nil, errors.New("ttfslim: table directory truncated")
	}
	tables := make([]table, 0, n)
	for i := 0; i < n; i++ {
		rec := font[12+16*i:]
		off, size := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if uint64(off)+uint64(size) > uint64(len(font)) {
			return nil, fmt.Errorf("ttfslim: table %q outside the file", rec[:4])
		}
		tables = append(tables, table{tag: string(rec[:4]), data: font[off : off+size]})
	}
	return tables, nil
}

// stripGlyphs returns the glyf and loca tables with every glyph's instructions removed, in
// loca's format (with a short loca, each glyph padded to an even length, as it needs).
func stripGlyphs(glyf, loca []byte, numGlyphs int, long bool) ([]byte, []byte, error) {
	offset := func(i int) (int, error) {
		if long {
			if len(loca) < 4*(i+1) {
				return 0, errors.New("ttfslim: loca table too short")
			}
			return int(binary.BigEndian.Uint32(loca[4*i:])), nil
		}
		if len(loca) < 2*(i+1) {
			return 0, errors.New("ttfslim: loca table too short")
		}
		return 2 * int(binary.BigEndian.Uint16(loca[2*i:])), nil
	}
	newGlyf := make([]byte, 0, len(glyf))
	ends := make([]int, 0, numGlyphs+1)
	ends = append(ends, 0)
	start, err := offset(0)
	if err != nil {
		return nil, nil, err
	}
	for g := 0; g < numGlyphs; g++ {
		end, err := offset(g + 1)
		if err != nil {
			return nil, nil, err
		}
		if end < start || end > len(glyf) {
			return nil, nil, fmt.Errorf("ttfslim: glyph %d outside the glyf table", g)
		}
		if end > start {
			stripped, err := stripGlyph(glyf[start:end])
			if err != nil {
				return nil, nil, fmt.Errorf("ttfslim: glyph %d: %w", g, err)
			}
			newGlyf = append(newGlyf, stripped...)
			if !long && len(newGlyf)%2 == 1 {
				newGlyf = append(newGlyf, 0)
			}
		}
		ends = append(ends, len(newGlyf))
		start = end
	}
	var newLoca []byte
	for _, o := range ends {
		if long {
			newLoca = binary.BigEndian.AppendUint32(newLoca, uint32(o))
		} else {
			newLoca = binary.BigEndian.AppendUint16(newLoca, uint16(o/2)) // o ≤ the old offset: fits
		}
	}
	return newGlyf, newLoca, nil
}

// stripGlyph returns one glyph's description without its instructions.
func stripGlyph(g []byte) ([]byte, error) {
	if len(g) < 10 {
		return nil, errors.New("description shorter than its header")
	}
	contours := int16(binary.BigEndian.Uint16(g))
	if contours >= 0 { // simple glyph: the contours' end points, the instructions, the points
		at := 10 + 2*int(contours)
		if len(g) < at+2 {
			return nil, errors.New("simple glyph truncated")
		}
		n := int(binary.BigEndian.Uint16(g[at:]))
		if len(g) < at+2+n {
			return nil, errors.New("instructions truncated")
		}
		out := make([]byte, 0, len(g)-n)
		out = append(out, g[:at]...)
		out = append(out, 0, 0)
		return append(out, g[at+2+n:]...), nil
	}
	out := slices.Clone(g)
	at := 10
	for {
		if len(out) < at+4 {
			return nil, errors.New("composite glyph truncated")
		}
		flags := binary.BigEndian.Uint16(out[at:])
		binary.BigEndian.PutUint16(out[at:], flags&^haveInstruction)
		at += 4 // flags, glyph index
		switch {
		case flags&argsAreWords != 0:
			at += 4
		default:
			at += 2
		}
		switch {
		case flags&haveScale != 0:
			at += 2
		case flags&haveXYScale != 0:
			at += 4
		case flags&haveTwoByTwo != 0:
			at += 8
		}
		if flags&moreComponents == 0 {
			break
		}
	}
	if at > len(out) {
		return nil, errors.New("composite glyph truncated")
	}
	return out[:at], nil // the instructions' count and bytes that followed, if any, are dropped
}

// oneLicence returns a name table (format 0 or 1) that keeps the first licence description and
// every other record; the strings no record points to are left out.
func oneLicence(name []byte) ([]byte, error) {
	if len(name) < 6 {
		return nil, errors.New("ttfslim: name table too short")
	}
	format, count, strOff := binary.BigEndian.Uint16(name), int(binary.BigEndian.Uint16(name[2:])), int(binary.BigEndian.Uint16(name[4:]))
	if format != 0 {
		return name, nil // format 1's language-tag records follow: kept as they are
	}
	if len(name) < 6+12*count || strOff > len(name) {
		return nil, errors.New("ttfslim: name table truncated")
	}
	type record struct {
		head []byte // platform, encoding, language, name IDs
		str  []byte
	}
	var kept []record
	seenLicence := false
	for i := 0; i < count; i++ {
		rec := name[6+12*i : 18+12*i]
		if binary.BigEndian.Uint16(rec[6:]) == licenceID {
			if seenLicence {
				continue
			}
			seenLicence = true
		}
		l, o := int(binary.BigEndian.Uint16(rec[8:])), int(binary.BigEndian.Uint16(rec[10:]))
		if strOff+o+l > len(name) {
			return nil, fmt.Errorf("ttfslim: name record %d outside the table", i)
		}
		kept = append(kept, record{head: rec[:8], str: name[strOff+o : strOff+o+l]})
	}
	out := binary.BigEndian.AppendUint16(nil, 0)
	out = binary.BigEndian.AppendUint16(out, uint16(len(kept)))
	out = binary.BigEndian.AppendUint16(out, uint16(6+12*len(kept)))
	var strs []byte
	for _, r := range kept {
		out = append(out, r.head...)
		out = binary.BigEndian.AppendUint16(out, uint16(len(r.str)))
		out = binary.BigEndian.AppendUint16(out, uint16(len(strs)))
		strs = append(strs, r.str...)
	}
	return append(out, strs...), nil
}

// writeFont writes a font file of the tables (in their order, which readTables kept sorted by
// tag as the file had them), each padded to four bytes, with their checksums and head's
// checkSumAdjustment.
func writeFont(version uint32, tables []table) []byte {
	n := len(tables)
	entrySelector := 0
	for 1<<(entrySelector+1) <= n {
		entrySelector++
	}
	searchRange := 16 << entrySelector
	out := binary.BigEndian.AppendUint32(nil, version)
	out = binary.BigEndian.AppendUint16(out, uint16(n))
	out = binary.BigEndian.AppendUint16(out, uint16(searchRange))
	out = binary.BigEndian.AppendUint16(out, uint16(entrySelector))
	out = binary.BigEndian.AppendUint16(out, uint16(16*n-searchRange))
	offset := 12 + 16*n
	headAt := -1
	for _, t := range tables {
		out = append(out, t.tag...)
		out = binary.BigEndian.AppendUint32(out, checksum(t.data))
		out = binary.BigEndian.AppendUint32(out, uint32(offset))
		out = binary.BigEndian.AppendUint32(out, uint32(len(t.data)))
		if t.tag == "head" {
			headAt = offset
		}
		offset += (len(t.data) + 3) &^ 3
	}
	for _, t := range tables {
		out = append(out, t.data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	if headAt >= 0 {
		binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	}
	return out
}

// checksum is the OpenType table checksum: the sum of the big-endian uint32 words, the last one
// padded with zeros.
func checksum(b []byte) uint32 {
	var sum uint32
	for len(b) >= 4 {
		sum += binary.BigEndian.Uint32(b)
		b = b[4:]
	}
	if len(b) > 0 {
		var last [4]byte
		copy(last[:], b)
		sum += binary.BigEndian.Uint32(last[:])
	}
	return sum
}
