package gofpdf

// savbilling patch: this file is savbilling's (policy kind 1, speed, README.md): how the runes a
// UTF-8 font prints are recorded and drawn, the same bytes as upstream's code written faster.

import "encoding/binary"

// usedRunesRoom is the room a font's used runes start with: a document in French prints a few
// hundred distinct runes (savbilling's Factur-X documents mark the ~230 of cp1252).
const usedRunesRoom = 320

// runeSet is a set of runes of the Basic Multilingual Plane, one bit each (8 KiB).
type runeSet [1024]uint64

func (s *runeSet) add(r rune)      { s[r>>6] |= 1 << (uint(r) & 63) }
func (s *runeSet) has(r rune) bool { return s[r>>6]&(1<<(uint(r)&63)) != 0 }

// appendKey appends the set to a cache key: the number of its non-zero words, then each with
// its index.
func (s *runeSet) appendKey(buf []byte) []byte {
	n := 0
	for _, w := range s {
		if w != 0 {
			n++
		}
	}
	buf = binary.AppendUvarint(buf, uint64(n))
	for i, w := range s {
		if w != 0 {
			buf = binary.AppendUvarint(buf, uint64(i))
			buf = binary.LittleEndian.AppendUint64(buf, w)
		}
	}
	return buf
}

// markRunes records the runes of s as printed with the current font, as upstream's Text does
// (usedRunes[r] = r for each rune as drawn, bmpRune), storing in the map only the runes not
// marked before: most of a document's texts print runes it printed already, and storing each
// rune of each text in the map was a tenth of a Factur-X document's time.
func (f *Fpdf) markRunes(s string) {
	markRunesOf(f.currentFont, s)
}

// markRunesOf records the runes of s as printed with font (see markRunes).
func markRunesOf(font fontDefType, s string) {
	set, used := font.usedSet, font.usedRunes
	for _, r := range s {
		r = bmpRune(r)
		if set != nil {
			if set.has(r) {
				continue
			}
			set.add(r)
		}
		used[int(r)] = int(r)
	}
}

// appendUTF16Escaped appends to buf what escape(utf8toutf16(s, false)) returns: each rune of s
// as the 16-bit CID a UTF-8 font draws it with (bmpRune; an invalid byte is U+FFFD), big-endian,
// each byte that escape escapes (\ ( ) and CR) escaped, without building the two strings.
func appendUTF16Escaped(buf []byte, s string) []byte {
	for _, r := range s {
		r = bmpRune(r)
		buf = appendEscapedByte(buf, byte(r>>8))
		buf = appendEscapedByte(buf, byte(r))
	}
	return buf
}

// appendEscapedByte appends c as escape writes it in a string.
func appendEscapedByte(buf []byte, c byte) []byte {
	switch c {
	case '\\':
		return append(buf, '\\', '\\')
	case '(':
		return append(buf, '\\', '(')
	case ')':
		return append(buf, '\\', ')')
	case '\r':
		return append(buf, '\\', 'r')
	}
	return append(buf, c)
}
