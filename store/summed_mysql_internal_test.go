package store

import (
	"math"
	"testing"
)

// MariaDB's summing pass reads a list of ids as a range when the list holds at least half of
// it, else by name; a list spanning more than int64 (its span overflows) is read by name.
func TestADenseListOfIDsIsReadAsARange(t *testing.T) {
	for _, c := range []struct {
		list  []int64
		sql   string
		dense bool
	}{
		{[]int64{7}, "BETWEEN 7 AND 7", true},
		{[]int64{10, 11, 12, 13}, "BETWEEN 10 AND 13", true},
		{[]int64{10, 12, 14, 16}, "BETWEEN 10 AND 16", true},    // 4 of 7
		{[]int64{10, 13, 16, 19}, "IN (10, 13, 16, 19)", false}, // 4 of 10
		{[]int64{-3, -2, -1}, "BETWEEN -3 AND -1", true},
		{[]int64{math.MinInt64, math.MaxInt64}, "IN (-9223372036854775808, 9223372036854775807)", false},
	} {
		sql, dense := idSelection(c.list)
		if sql != c.sql || dense != c.dense {
			t.Errorf("idSelection(%v) = %q, %v; want %q, %v", c.list, sql, dense, c.sql, c.dense)
		}
	}
}
