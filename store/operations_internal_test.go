package store

import (
	"slices"
	"testing"
)

// TestAppendIDList: the operation ids of a GROUP_CONCAT are read exactly, or refused (the
// intervention then goes to the rules in full): a list cut short, a value beyond int64.
func TestAppendIDList(t *testing.T) {
	for _, c := range []struct {
		list string
		want []int64
		ok   bool
	}{
		{"", nil, true},
		{"7", []int64{7}, true},
		{"12,3,9000000000000000000", []int64{12, 3, 9000000000000000000}, true},
		{"-4,5", []int64{-4, 5}, true},
		{"12,3,", []int64{12}, false}, // cut after a comma
		{"12,,3", []int64{12}, false},
		{"12,3x", []int64{12}, false},
		{"9223372036854775808", nil, false}, // beyond int64
		{"-", nil, false},
	} {
		got, ok := appendIDList(nil, []byte(c.list))
		if ok != c.ok || (ok && !slices.Equal(got, c.want)) {
			t.Errorf("appendIDList(%q) = %v, %v; want %v, %v", c.list, got, ok, c.want, c.ok)
		}
	}
}
