package reconcile

import (
	"strings"
	"testing"
	"unicode/utf8"

	sb "savbilling"
)

// ops are operations of ids 1, 2, … with the labels given.
func ops(labels ...string) []sb.Operation {
	out := make([]sb.Operation, len(labels))
	for i, l := range labels {
		out[i] = sb.Operation{ID: int64(i + 1), Label: l}
	}
	return out
}

func TestServicesJoinsTheTrimmedLabelsInOperationOrder(t *testing.T) {
	long := strings.Repeat("é", 297)
	for _, c := range []struct {
		name string
		ops  []sb.Operation
		want string
	}{
		{"none", nil, ""},
		{"one", ops("Changement de chaîne"), "Changement de chaîne"},
		{"three", ops("Réglage", "Pneu", "Frais de déplacement"), "Réglage, Pneu, Frais de déplacement"},
		{"blank ones skipped", ops("", "  ", "Pneu", " "), "Pneu"},
		{"all blank", ops("", "   ", ""), ""},
		{"spaces trimmed at both ends only", ops("  Pneu  avant ", " Frein"), "Pneu  avant, Frein"},
		{"only U+0020 trimmed", ops("\tPneu\n", "\u00a0Frein\u00a0", "\r"), "\tPneu\n, \u00a0Frein\u00a0, \r"},
		{"quotes, backslashes, emoji", ops(`Roue "avant" \N l'arrière`, "Vélo 🚲"), `Roue "avant" \N l'arrière, Vélo 🚲`},
		{"duplicates kept", ops("Pneu", "Pneu"), "Pneu, Pneu"},
		{"ascending id whatever the order given", []sb.Operation{{ID: 30, Label: "c"}, {ID: 10, Label: "a"}, {ID: 20, Label: "b"}}, "a, b, c"},
		{"exactly 300 code points", ops(long, "é"), long + ", é"},
		{"301 code points cut to 299 and an ellipsis", ops(long, "éé"), long + ", " + ServicesEllipsis},
		{"emoji counted as one code point", ops(strings.Repeat("🚲", 301)), strings.Repeat("🚲", 299) + "…"},
		{"the cap after the trim and the join", ops(strings.Repeat("a", 150)+"   ", "   "+strings.Repeat("b", 149)), strings.Repeat("a", 150) + ", " + strings.Repeat("b", 147) + "…"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Services(c.ops); got != c.want {
				t.Errorf("Services = %q, want %q", got, c.want)
			}
		})
	}
}

func TestServicesCapCountsCodePoints(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{
		{"", ""},
		{strings.Repeat("x", 300), strings.Repeat("x", 300)},
		{strings.Repeat("x", 301), strings.Repeat("x", 299) + "…"},
		{strings.Repeat("ü", 300), strings.Repeat("ü", 300)}, // 600 bytes, 300 code points
		{strings.Repeat("…", 400), strings.Repeat("…", 300)},
		{strings.Repeat("\xff", 301), strings.Repeat("\xff", 299) + "…"}, // an invalid byte is one
	} {
		if got := ServicesCap(c.in); got != c.want {
			t.Errorf("ServicesCap(%d bytes) = %q, want %q", len(c.in), got, c.want)
		}
	}
}

// servicesSpec is the rule written the plain way, for the fuzz test: sort, trim, skip, join, cut.
func servicesSpec(ops []sb.Operation) string {
	byID := map[int64]string{}
	var ids []int64
	for _, op := range ops {
		byID[op.ID] = op.Label
		ids = append(ids, op.ID)
	}
	for i := range ids { // insertion sort: unique ids
		for j := i; j > 0 && ids[j] < ids[j-1]; j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
	var parts []string
	for _, id := range ids {
		if l := strings.Trim(byID[id], " "); l != "" {
			parts = append(parts, l)
		}
	}
	r := []rune(strings.Join(parts, ", "))
	if len(r) > 300 {
		return string(r[:299]) + "…"
	}
	return string(r)
}

// FuzzServices: for any labels, Services is the plain rule (servicesSpec, on valid UTF-8), at
// most ServicesMaxRunes code points, a prefix of the uncut join plus the ellipsis when cut, and
// the same whatever the order the operations are given in.
func FuzzServices(f *testing.F) {
	f.Add("Pneu", " Frein ", "", "Vélo 🚲", uint8(0))
	f.Add(strings.Repeat("é", 200), strings.Repeat("b", 99), "  ", "\t", uint8(3))
	f.Add(strings.Repeat("x", 150), strings.Repeat("y", 150), "z", "", uint8(5))
	f.Fuzz(func(t *testing.T, a, b, c, d string, order uint8) {
		labels := []string{a, b, c, d}
		given := ops(labels...)
		// any order of the four operations
		perm := []int{0, 1, 2, 3}
		for i := 3; i > 0; i-- {
			j := int(order) % (i + 1)
			order /= uint8(i + 1)
			perm[i], perm[j] = perm[j], perm[i]
		}
		shuffled := make([]sb.Operation, 4)
		for i, k := range perm {
			shuffled[i] = given[k]
		}
		got := Services(given)
		if s := Services(shuffled); s != got {
			t.Fatalf("order %v: %q, in id order %q", perm, s, got)
		}
		if n := utf8.RuneCountInString(got); n > ServicesMaxRunes {
			t.Fatalf("%d code points: %q", n, got)
		}
		var parts []string
		for _, l := range labels {
			if l = strings.Trim(l, " "); l != "" {
				parts = append(parts, l)
			}
		}
		joined := strings.Join(parts, ServicesSeparator)
		if got != joined {
			cut, ok := strings.CutSuffix(got, ServicesEllipsis)
			if !ok || !strings.HasPrefix(joined, cut) || utf8.RuneCountInString(got) != ServicesMaxRunes ||
				utf8.RuneCountInString(joined) <= ServicesMaxRunes {
				t.Fatalf("%q is neither the join %q nor its cut", got, joined)
			}
		}
		valid := utf8.ValidString(a) && utf8.ValidString(b) && utf8.ValidString(c) && utf8.ValidString(d)
		if valid && got != servicesSpec(shuffled) {
			t.Fatalf("%q, the plain rule gives %q", got, servicesSpec(shuffled))
		}
	})
}
