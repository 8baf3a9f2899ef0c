package glyphs

// Arabic shaping with the Unicode Arabic presentation forms (FB50–FDFF, FE70–FEFF), which the
// embedded DejaVu Sans carries: no shaping engine is needed, a letter is replaced by its
// isolated, final, initial or medial form by the letters it joins, and lam + alef by their
// ligature. Text stays in logical order here; bidi orders it afterwards.

// joining is a letter's Unicode joining type.
type joining uint8

const (
	joinNone        joining = iota // U: joins neither side (hamza, any non-Arabic rune)
	joinRight                      // R: joins the letter before it only (alef, dal, reh, waw…)
	joinDual                       // D: joins both sides
	joinCausing                    // C: tatweel, joins both sides, has no forms
	joinTransparent                // T: harakat and other marks, skipped when finding neighbours
)

// forms are a letter's presentation forms: isolated, final, initial, medial (0: none).
type forms [4]rune

const (
	formIsolated = iota
	formFinal
	formInitial
	formMedial
)

// arabicForms maps a letter to its joining type and presentation forms.
var arabicForms = map[rune]struct {
	j joining
	f forms
}{
	0x0621: {joinNone, forms{0xFE80}},
	0x0622: {joinRight, forms{0xFE81, 0xFE82}},
	0x0623: {joinRight, forms{0xFE83, 0xFE84}},
	0x0624: {joinRight, forms{0xFE85, 0xFE86}},
	0x0625: {joinRight, forms{0xFE87, 0xFE88}},
	0x0626: {joinDual, forms{0xFE89, 0xFE8A, 0xFE8B, 0xFE8C}},
	0x0627: {joinRight, forms{0xFE8D, 0xFE8E}},
	0x0628: {joinDual, forms{0xFE8F, 0xFE90, 0xFE91, 0xFE92}},
	0x0629: {joinRight, forms{0xFE93, 0xFE94}},
	0x062A: {joinDual, forms{0xFE95, 0xFE96, 0xFE97, 0xFE98}},
	0x062B: {joinDual, forms{0xFE99, 0xFE9A, 0xFE9B, 0xFE9C}},
	0x062C: {joinDual, forms{0xFE9D, 0xFE9E, 0xFE9F, 0xFEA0}},
	0x062D: {joinDual, forms{0xFEA1, 0xFEA2, 0xFEA3, 0xFEA4}},
	0x062E: {joinDual, forms{0xFEA5, 0xFEA6, 0xFEA7, 0xFEA8}},
	0x062F: {joinRight, forms{0xFEA9, 0xFEAA}},
	0x0630: {joinRight, forms{0xFEAB, 0xFEAC}},
	0x0631: {joinRight, forms{0xFEAD, 0xFEAE}},
	0x0632: {joinRight, forms{0xFEAF, 0xFEB0}},
	0x0633: {joinDual, forms{0xFEB1, 0xFEB2, 0xFEB3, 0xFEB4}},
	0x0634: {joinDual, forms{0xFEB5, 0xFEB6, 0xFEB7, 0xFEB8}},
	0x0635: {joinDual, forms{0xFEB9, 0xFEBA, 0xFEBB, 0xFEBC}},
	0x0636: {joinDual, forms{0xFEBD, 0xFEBE, 0xFEBF, 0xFEC0}},
	0x0637: {joinDual, forms{0xFEC1, 0xFEC2, 0xFEC3, 0xFEC4}},
	0x0638: {joinDual, forms{0xFEC5, 0xFEC6, 0xFEC7, 0xFEC8}},
	0x0639: {joinDual, forms{0xFEC9, 0xFECA, 0xFECB, 0xFECC}},
	0x063A: {joinDual, forms{0xFECD, 0xFECE, 0xFECF, 0xFED0}},
	0x0640: {joinCausing, forms{}},
	0x0641: {joinDual, forms{0xFED1, 0xFED2, 0xFED3, 0xFED4}},
	0x0642: {joinDual, forms{0xFED5, 0xFED6, 0xFED7, 0xFED8}},
	0x0643: {joinDual, forms{0xFED9, 0xFEDA, 0xFEDB, 0xFEDC}},
	0x0644: {joinDual, forms{0xFEDD, 0xFEDE, 0xFEDF, 0xFEE0}},
	0x0645: {joinDual, forms{0xFEE1, 0xFEE2, 0xFEE3, 0xFEE4}},
	0x0646: {joinDual, forms{0xFEE5, 0xFEE6, 0xFEE7, 0xFEE8}},
	0x0647: {joinDual, forms{0xFEE9, 0xFEEA, 0xFEEB, 0xFEEC}},
	0x0648: {joinRight, forms{0xFEED, 0xFEEE}},
	0x0649: {joinRight, forms{0xFEEF, 0xFEF0}},
	0x064A: {joinDual, forms{0xFEF1, 0xFEF2, 0xFEF3, 0xFEF4}},
	// Persian and Urdu letters (Arabic Presentation Forms-A)
	0x067E: {joinDual, forms{0xFB56, 0xFB57, 0xFB58, 0xFB59}}, // peh
	0x0686: {joinDual, forms{0xFB7A, 0xFB7B, 0xFB7C, 0xFB7D}}, // tcheh
	0x0698: {joinRight, forms{0xFB8A, 0xFB8B}},                // jeh
	0x06A9: {joinDual, forms{0xFB8E, 0xFB8F, 0xFB90, 0xFB91}}, // keheh
	0x06AF: {joinDual, forms{0xFB92, 0xFB93, 0xFB94, 0xFB95}}, // gaf
	0x06CC: {joinDual, forms{0xFBFC, 0xFBFD, 0xFBFE, 0xFBFF}}, // farsi yeh
}

// lamAlef are the ligatures of lam (U+0644) with an alef: isolated and final forms.
var lamAlef = map[rune][2]rune{
	0x0622: {0xFEF5, 0xFEF6},
	0x0623: {0xFEF7, 0xFEF8},
	0x0625: {0xFEF9, 0xFEFA},
	0x0627: {0xFEFB, 0xFEFC},
}

// joiningOf is r's joining type.
func joiningOf(r rune) joining {
	if a, ok := arabicForms[r]; ok {
		return a.j
	}
	switch {
	case r >= 0x064B && r <= 0x065F, r == 0x0670, r >= 0x06D6 && r <= 0x06ED && r != 0x06DD && r != 0x06DE && r != 0x06E5 && r != 0x06E6:
		return joinTransparent
	case r == 0x200D: // zero width joiner
		return joinCausing
	}
	return joinNone
}

// isArabic reports whether r is in the Arabic blocks that shaping reads.
func isArabic(r rune) bool { return r >= 0x0600 && r <= 0x06FF }

// shapeArabic replaces the Arabic letters of rs (logical order) by their presentation forms,
// keeping a letter whose form has does not report drawable (the letter then prints unjoined). It returns rs shaped, shorter by
// one rune for each lam-alef ligature.
func shapeArabic(rs []rune, has func(rune) bool) []rune {
	out := make([]rune, 0, len(rs))
	// neighbour returns the joining type of the nearest non-transparent rune from i going by step
	neighbour := func(i, step int) joining {
		for i += step; i >= 0 && i < len(rs); i += step {
			if j := joiningOf(rs[i]); j != joinTransparent {
				return j
			}
		}
		return joinNone
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		a, ok := arabicForms[r]
		if !ok || a.j == joinCausing {
			out = append(out, r)
			continue
		}
		prev := neighbour(i, -1)
		joinsPrev := (a.j == joinDual || a.j == joinRight) && (prev == joinDual || prev == joinCausing)
		if r == 0x0644 && i+1 < len(rs) {
			if lig, ok := lamAlef[rs[i+1]]; ok {
				form := lig[0]
				if joinsPrev {
					form = lig[1]
				}
				if has(form) {
					out = append(out, form)
					i++
					continue
				}
			}
		}
		next := neighbour(i, 1)
		joinsNext := (a.j == joinDual) && (next == joinDual || next == joinRight || next == joinCausing)
		f := formIsolated
		switch {
		case joinsPrev && joinsNext:
			f = formMedial
		case joinsPrev:
			f = formFinal
		case joinsNext:
			f = formInitial
		}
		if form := a.f[f]; form != 0 && has(form) {
			out = append(out, form)
		} else {
			out = append(out, r) // the font draws the letter itself, unjoined
		}
	}
	return out
}
