package reconcile

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	sb "savbilling"
)

// The rule of an intervention's services (issue 19 point 6): the designation of the service a
// statement bills for it, made of its operations' labels and booked with its commission line
// (sb.CommissionLine.Services). The rules (Services, on the interventions read in full) and the
// store's summing pass (store/summed*.go, in SQL) build it from these constants, so that both
// book the same string, byte for byte.
const (
	// ServicesTrim is the one character trimmed from both ends of each label: U+0020, as SQL's
	// TRIM does by default (no tab, no newline, no other space).
	ServicesTrim = " "
	// ServicesSeparator joins the labels, in ascending operation id.
	ServicesSeparator = ", "
	// ServicesMaxRunes is the most code points of a services text: a longer one keeps its first
	// ServicesMaxRunes-1 code points followed by ServicesEllipsis.
	ServicesMaxRunes = 300
	// ServicesEllipsis ends a services text cut at ServicesMaxRunes code points.
	ServicesEllipsis = "…"
)

// Services is the services text of an intervention's operations: in ascending operation id, each
// label trimmed of the U+0020 spaces at both ends (ServicesTrim), the empty ones skipped, joined by
// ServicesSeparator, then capped by ServicesCap. An intervention without any non-blank label has
// "" (its documents then count its operations).
func Services(ops []sb.Operation) string {
	byID := func(a, b sb.Operation) int { return cmp.Compare(a.ID, b.ID) }
	if !slices.IsSortedFunc(ops, byID) { // as the store reads them: sorted already
		ops = slices.SortedStableFunc(slices.Values(ops), byID)
	}
	var b strings.Builder
	for _, op := range ops {
		l := strings.Trim(op.Label, ServicesTrim)
		if l == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(ServicesSeparator)
		}
		b.WriteString(l)
	}
	return ServicesCap(b.String())
}

// ServicesCap is s when it has at most ServicesMaxRunes code points, else its first
// ServicesMaxRunes-1 code points followed by ServicesEllipsis (exactly ServicesMaxRunes code
// points). A code point is a rune as Go reads a string: a byte that is not valid UTF-8 counts as
// one.
func ServicesCap(s string) string {
	if len(s) <= ServicesMaxRunes || utf8.RuneCountInString(s) <= ServicesMaxRunes {
		return s
	}
	n := 0
	for i := range s {
		if n == ServicesMaxRunes-1 {
			return s[:i] + ServicesEllipsis
		}
		n++
	}
	return s // unreachable: s has more than ServicesMaxRunes code points
}
