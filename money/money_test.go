package money

import (
	"errors"
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func TestShare(t *testing.T) {
	tests := []struct {
		amount int64
		bp     int
		want   int64
	}{
		{4500, 3333, 1500}, // 14.9985 -> 15.00 (worked example)
		{4500, 5000, 2250}, // exact
		{1, 5000, 1},       // 0.5 cent rounds away from zero
		{-1, 5000, -1},     // and so does -0.5
		{3, 5000, 2},       // 1.5 -> 2
		{-3, 5000, -2},     // -1.5 -> -2
		{1, 4999, 0},       // 0.4999 -> 0
		{10000, 1, 1},      // 1 bp of 100.00
		{9999, 9999, 9998}, // 99.980001 -> 9998
		{0, 9999, 0},       //
		{1234567, 10000, 1234567},
	}
	for _, tt := range tests {
		got, err := Share(tt.amount, tt.bp)
		if err != nil || got != tt.want {
			t.Errorf("Share(%d, %d) = %d, %v; want %d", tt.amount, tt.bp, got, err, tt.want)
		}
	}
}

func TestMulDivRoundOverflow(t *testing.T) {
	if _, err := Share(math.MaxInt64, 9999); err != nil {
		t.Errorf("MaxInt64 × 0.9999 fits, got %v", err)
	}
	if _, err := MulDivRound(math.MaxInt64, 3, 2); !errors.Is(err, ErrOverflow) {
		t.Errorf("MaxInt64 × 1.5: err = %v, want ErrOverflow", err)
	}
	if _, err := Add(math.MaxInt64, 1); !errors.Is(err, ErrOverflow) {
		t.Errorf("MaxInt64 + 1: err = %v, want ErrOverflow", err)
	}
	if _, err := Add(math.MinInt64, -1); !errors.Is(err, ErrOverflow) {
		t.Errorf("MinInt64 - 1: err = %v, want ErrOverflow", err)
	}
	if _, err := Sum(math.MaxInt64/2, math.MaxInt64/2, 2); !errors.Is(err, ErrOverflow) {
		t.Errorf("Sum overflow not detected: %v", err)
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		total int64
		n     int
		want  []int64
	}{
		{10000, 3, []int64{3334, 3333, 3333}},
		{12000, 3, []int64{4000, 4000, 4000}},
		{2, 3, []int64{1, 1, 0}},
		{0, 2, []int64{0, 0}},
		{5, 1, []int64{5}},
		{10001, 2, []int64{5001, 5000}},
	}
	for _, tt := range tests {
		if got := Split(tt.total, tt.n); !slices.Equal(got, tt.want) {
			t.Errorf("Split(%d, %d) = %v, want %v", tt.total, tt.n, got, tt.want)
		}
	}
}

func TestCeilDiv(t *testing.T) {
	for _, tt := range []struct{ a, b, want int64 }{{0, 5000, 0}, {1, 5000, 1}, {5000, 5000, 1}, {5001, 5000, 2}, {12000, 5000, 3}} {
		if got := CeilDiv(tt.a, tt.b); got != tt.want {
			t.Errorf("CeilDiv(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// Property: a split never loses or creates a cent, and installments differ by at most one cent,
// larger ones first.
func TestSplitProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		total := rapid.Int64Range(0, 1<<50).Draw(t, "total")
		n := rapid.IntRange(1, 240).Draw(t, "n")
		parts := Split(total, n)
		var sum int64
		for i, p := range parts {
			sum += p
			if i > 0 && (p > parts[i-1] || parts[0]-p > 1) {
				t.Fatalf("Split(%d,%d) = %v: not decreasing by at most one cent", total, n, parts)
			}
		}
		if sum != total {
			t.Fatalf("Split(%d,%d) sums to %d", total, n, sum)
		}
	})
}

// Property: a share is within half a cent of the exact value and symmetric in sign.
func TestShareProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.Int64Range(-1<<40, 1<<40).Draw(t, "amount")
		bp := rapid.IntRange(0, 10000).Draw(t, "bp")
		got, err := Share(a, bp)
		if err != nil {
			t.Fatal(err)
		}
		neg, _ := Share(-a, bp)
		if neg != -got {
			t.Fatalf("Share(%d) = %d but Share(%d) = %d", a, got, -a, neg)
		}
		// |got×10000 − a×bp| ≤ 5000
		diff := got*10000 - a*int64(bp)
		if diff > 5000 || diff < -5000 {
			t.Fatalf("Share(%d, %d) = %d, off by %d/10000 cent", a, bp, got, diff)
		}
	})
}
