package glyphs

import (
	"unicode"

	"golang.org/x/text/unicode/bidi"
)

// The Unicode bidirectional algorithm (UAX #9) for one line without explicit embeddings (Visual
// removes the controls), with the classes of golang.org/x/text/unicode/bidi: rules P2–P3 (the
// line's direction is its first strong letter's), W1–W7, N1–N2, I1–I2, L1 (trailing white
// space) and L2 (reversal by levels), by clusters so that a combining mark stays after its
// letter, with mirrored brackets. Not done: bracket pairs (N0), which only refine neutrals.
// The package's own Paragraph gives runs of one direction without their levels (digits inside
// right-to-left text of a left-to-right line are at level 2), too little for L2.

// reorder returns the runes of a line in visual order. Long (about 200 lines) on purpose: it is
// UAX #9's rules in their order (W1–W7, N1–N2, I1–I2, L1–L2) over one slice of classes, each a
// few lines that read against the standard side by side; split, they would share all their state.
func reorder(rs []rune) []rune {
	n := len(rs)
	if n == 0 {
		return rs
	}
	orig := make([]bidi.Class, n)
	for i, r := range rs {
		p, _ := bidi.LookupRune(r)
		c := p.Class()
		switch {
		case c >= bidi.Control:
			c = bidi.BN
		case c == bidi.B || c == bidi.S:
			c = bidi.WS
		}
		orig[i] = c
	}
	// P2, P3
	var e uint8
	for _, c := range orig {
		if c == bidi.L {
			break
		}
		if c == bidi.R || c == bidi.AL {
			e = 1
			break
		}
	}
	sos := bidi.L
	if e == 1 {
		sos = bidi.R
	}
	cls := append([]bidi.Class(nil), orig...)
	// W1: a mark (and a boundary neutral) takes the class of what precedes it
	for i, c := range cls {
		if c == bidi.NSM || c == bidi.BN {
			if i == 0 {
				cls[i] = sos
			} else {
				cls[i] = cls[i-1]
			}
		}
	}
	// W2: a European number after an Arabic letter is an Arabic number; W3: AL is R
	last := sos
	for i, c := range cls {
		switch c {
		case bidi.L, bidi.R, bidi.AL:
			last = c
		case bidi.EN:
			if last == bidi.AL {
				cls[i] = bidi.AN
			}
		}
	}
	for i, c := range cls {
		if c == bidi.AL {
			cls[i] = bidi.R
		}
	}
	// W4: one separator between two numbers of a kind joins them
	for i := 1; i+1 < n; i++ {
		a, b := cls[i-1], cls[i+1]
		switch {
		case cls[i] == bidi.ES && a == bidi.EN && b == bidi.EN:
			cls[i] = bidi.EN
		case cls[i] == bidi.CS && a == b && (a == bidi.EN || a == bidi.AN):
			cls[i] = a
		}
	}
	// W5: terminators next to a European number are part of it
	for i := 0; i < n; {
		if cls[i] != bidi.ET {
			i++
			continue
		}
		j := i
		for j < n && cls[j] == bidi.ET {
			j++
		}
		if i > 0 && cls[i-1] == bidi.EN || j < n && cls[j] == bidi.EN {
			for k := i; k < j; k++ {
				cls[k] = bidi.EN
			}
		}
		i = j
	}
	// W6: other separators and terminators are neutral
	for i, c := range cls {
		if c == bidi.ES || c == bidi.ET || c == bidi.CS {
			cls[i] = bidi.ON
		}
	}
	// W7: a European number after a left-to-right letter is left to right
	last = sos
	for i, c := range cls {
		switch c {
		case bidi.L, bidi.R:
			last = c
		case bidi.EN:
			if last == bidi.L {
				cls[i] = bidi.L
			}
		}
	}
	// N1, N2: neutrals between two of one direction take it, others the line's
	dir := func(c bidi.Class) bidi.Class {
		if c == bidi.L {
			return bidi.L
		}
		return bidi.R // R, EN, AN
	}
	for i := 0; i < n; {
		if cls[i] != bidi.ON && cls[i] != bidi.WS {
			i++
			continue
		}
		j := i
		for j < n && (cls[j] == bidi.ON || cls[j] == bidi.WS) {
			j++
		}
		before, after := sos, sos
		if i > 0 {
			before = dir(cls[i-1])
		}
		if j < n {
			after = dir(cls[j])
		}
		d := sos
		if before == after {
			d = before
		}
		for k := i; k < j; k++ {
			cls[k] = d
		}
		i = j
	}
	// I1, I2
	lv := make([]uint8, n)
	for i, c := range cls {
		lv[i] = e
		switch {
		case e == 0 && c == bidi.R:
			lv[i] = 1
		case e == 0 && (c == bidi.AN || c == bidi.EN):
			lv[i] = 2
		case e == 1 && (c == bidi.L || c == bidi.AN || c == bidi.EN):
			lv[i] = 2
		}
	}
	// L1: trailing white space is at the line's level
	for i := n - 1; i >= 0 && (orig[i] == bidi.WS || orig[i] == bidi.BN); i-- {
		lv[i] = e
	}
	// L2 by clusters: a letter and the marks after it
	type cluster struct {
		start, end int
		level      uint8
	}
	cs := make([]cluster, 0, n)
	for i := 0; i < n; i++ {
		if len(cs) > 0 && unicode.In(rs[i], unicode.Mn, unicode.Me) {
			cs[len(cs)-1].end = i + 1
			continue
		}
		cs = append(cs, cluster{i, i + 1, lv[i]})
	}
	var high, lowOdd uint8 = 0, 255
	for _, c := range cs {
		high = max(high, c.level)
		if c.level%2 == 1 {
			lowOdd = min(lowOdd, c.level)
		}
	}
	for l := high; l >= lowOdd && l > 0; l-- {
		for i := 0; i < len(cs); {
			if cs[i].level < l {
				i++
				continue
			}
			j := i
			for j < len(cs) && cs[j].level >= l {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				cs[a], cs[b] = cs[b], cs[a]
			}
			i = j
		}
	}
	out := make([]rune, 0, n)
	for _, c := range cs {
		r := rs[c.start]
		if c.level%2 == 1 {
			r = mirror(r)
		}
		out = append(out, r)
		out = append(out, rs[c.start+1:c.end]...)
	}
	return out
}

// mirror is the mirrored glyph of r in right-to-left text: brackets (from the bidi package's
// bracket pairs) and the few other mirrored characters a name or address may hold.
func mirror(r rune) rune {
	switch r {
	case '<':
		return '>'
	case '>':
		return '<'
	case '«':
		return '»'
	case '»':
		return '«'
	case '‹':
		return '›'
	case '›':
		return '‹'
	}
	if p, _ := bidi.LookupRune(r); p.IsBracket() {
		if m := []rune(bidi.ReverseString(string(r))); len(m) == 1 {
			return m[0]
		}
	}
	return r
}
