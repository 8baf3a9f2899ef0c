package bank

import "strings"

// scripts spells the Greek (ELOT 743, simplified) and Cyrillic (Russian and Ukrainian, simple
// passport-style) letters in Latin letters, so that a name in those scripts stays readable in a
// bank file (« Ζωή » → « Zoi », « Пётр » → « Petr »). Accents are removed before (the
// canonical decomposition of « ή » is « η » plus a mark). Lower case letters map to lower case.
var scripts = func() map[rune]string {
	m := map[rune]string{}
	add := func(upper, lower string, latin ...string) {
		u, l := []rune(upper), []rune(lower)
		for i, s := range latin {
			m[u[i]] = capitalize(s)
			m[l[i]] = s
		}
	}
	add("ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ", "αβγδεζηθικλμνξοπρστυφχψω",
		"a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p", "r", "s", "t", "y", "f", "ch", "ps", "o")
	m['ς'] = "s"
	add("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ", "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
		"a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "iu", "ia")
	add("ІЇЄҐ", "іїєґ", "i", "i", "ie", "g")
	return m
}()

// greekDigraphs are the Greek letter pairs spelled as one Latin sound (ELOT 743: « ου » is « ou »).
var greekDigraphs = strings.NewReplacer("ου", "ou", "Ου", "Ou", "ΟΥ", "OU")

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
