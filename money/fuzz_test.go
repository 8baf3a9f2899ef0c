package money

import (
	"errors"
	"math"
	"math/big"
	"testing"
)

// Fuzz targets of the cent arithmetic (make fuzz runs each for a short time; seed corpora in
// testdata/fuzz/). Each result is checked against exact big-integer arithmetic.

func FuzzAdd(f *testing.F) {
	for _, c := range [][2]int64{{0, 0}, {1, -1}, {math.MaxInt64, 1}, {math.MinInt64, -1}, {math.MaxInt64, math.MinInt64},
		{math.MinInt64, math.MinInt64}, {math.MaxInt64 / 2, math.MaxInt64/2 + 2}, {-4500, 4500}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, a, b int64) {
		got, err := Add(a, b)
		exact := new(big.Int).Add(big.NewInt(a), big.NewInt(b))
		if exact.IsInt64() {
			if err != nil || got != exact.Int64() {
				t.Fatalf("Add(%d, %d) = %d, %v; want %s", a, b, got, err, exact)
			}
		} else if !errors.Is(err, ErrOverflow) {
			t.Fatalf("Add(%d, %d) = %d, %v; want ErrOverflow (exact %s)", a, b, got, err, exact)
		}
		// Sum agrees with Add, in both orders
		s1, e1 := Sum(a, b)
		s2, e2 := Sum(b, a)
		if s1 != s2 || (e1 == nil) != (e2 == nil) || (e1 == nil) != (err == nil) || (err == nil && s1 != got) {
			t.Fatalf("Sum(%d, %d) = %d, %v; Sum(%d, %d) = %d, %v; Add = %d, %v", a, b, s1, e1, b, a, s2, e2, got, err)
		}
	})
}

// FuzzSum: a checked sum fails exactly when its running sum, in the given order, leaves int64;
// it never returns a wrapped value.
func FuzzSum(f *testing.F) {
	f.Add(int64(math.MaxInt64), int64(1), int64(-1))
	f.Add(int64(1), int64(2), int64(3))
	f.Add(int64(math.MinInt64), int64(math.MaxInt64), int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, a, b, c int64) {
		got, err := Sum(a, b, c)
		run := new(big.Int)
		fits := true
		for _, x := range []int64{a, b, c} {
			run.Add(run, big.NewInt(x))
			fits = fits && run.IsInt64()
		}
		if fits != (err == nil) {
			t.Fatalf("Sum(%d, %d, %d) = %d, %v; the running sum fits: %v", a, b, c, got, err, fits)
		}
		if err == nil && got != run.Int64() {
			t.Fatalf("Sum(%d, %d, %d) = %d, want %s", a, b, c, got, run)
		}
	})
}

// FuzzShare checks Share and MulDivRound against exact rational arithmetic rounded half away
// from zero.
func FuzzShare(f *testing.F) {
	for _, c := range []struct {
		amount int64
		bp     int
	}{{4500, 3333}, {1, 5000}, {-1, 5000}, {-3, 5000}, {math.MaxInt64, 9999}, {math.MaxInt64, 10001}, {math.MinInt64, 10000},
		{math.MinInt64, 5000}, {math.MaxInt64, 2000}, {0, 0}, {12345, -2500}} {
		f.Add(c.amount, c.bp, int64(10000))
	}
	f.Add(int64(7), 1, int64(3))
	f.Add(int64(math.MaxInt64), math.MaxInt32, int64(1))
	f.Fuzz(func(t *testing.T, amount int64, bp int, den int64) {
		if den == 0 {
			den = 10000
		}
		got, err := MulDivRound(amount, int64(bp), den)
		if den < 0 {
			if err == nil {
				t.Fatalf("MulDivRound(%d, %d, %d) = %d: a negative denominator must be refused", amount, bp, den, got)
			}
			return
		}
		want := roundHalfAway(new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(amount), big.NewInt(int64(bp))), big.NewInt(den)))
		if want.IsInt64() {
			if err != nil || got != want.Int64() {
				t.Fatalf("MulDivRound(%d, %d, %d) = %d, %v; want %s", amount, bp, den, got, err, want)
			}
		} else if !errors.Is(err, ErrOverflow) {
			t.Fatalf("MulDivRound(%d, %d, %d) = %d, %v; want ErrOverflow (exact %s)", amount, bp, den, got, err, want)
		}
		if den == 10000 {
			s, serr := Share(amount, bp)
			if s != got || (serr == nil) != (err == nil) {
				t.Fatalf("Share(%d, %d) = %d, %v; MulDivRound gives %d, %v", amount, bp, s, serr, got, err)
			}
		}
	})
}

// roundHalfAway rounds r to the nearest integer, halves away from zero.
func roundHalfAway(r *big.Rat) *big.Int {
	num, den := new(big.Int).Abs(r.Num()), r.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	if m.Lsh(m, 1).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if r.Sign() < 0 {
		q.Neg(q)
	}
	return q
}

// FuzzSplit: the installments add up to the total exactly, differ by at most one cent, the
// larger ones first, each floor(total/n) or one more; no panic for valid input.
func FuzzSplit(f *testing.F) {
	f.Add(int64(10000), 3)
	f.Add(int64(0), 1)
	f.Add(int64(1), 120)
	f.Add(int64(math.MaxInt64), 3)
	f.Add(int64(math.MaxInt64), 120)
	f.Fuzz(func(t *testing.T, total int64, n int) {
		if total < 0 || n < 1 {
			defer func() {
				if recover() == nil {
					t.Fatalf("Split(%d, %d) did not refuse invalid input", total, n)
				}
			}()
			Split(total, n)
			return
		}
		n = (n-1)%100000 + 1 // bounded memory
		parts := Split(total, n)
		if len(parts) != n {
			t.Fatalf("Split(%d, %d): %d parts", total, n, len(parts))
		}
		var sum int64
		q := total / int64(n)
		for i, p := range parts {
			if p != q && p != q+1 {
				t.Fatalf("Split(%d, %d)[%d] = %d, want %d or %d", total, n, i, p, q, q+1)
			}
			if i > 0 && p > parts[i-1] {
				t.Fatalf("Split(%d, %d): part %d (%d) larger than part %d (%d)", total, n, i, p, i-1, parts[i-1])
			}
			var err error
			if sum, err = Add(sum, p); err != nil {
				t.Fatalf("Split(%d, %d): the parts overflow", total, n)
			}
		}
		if sum != total {
			t.Fatalf("Split(%d, %d) sums to %d: cents lost", total, n, sum)
		}
	})
}

// FuzzCeilDivAbs checks CeilDiv and Abs against big integers.
func FuzzCeilDivAbs(f *testing.F) {
	f.Add(int64(15000), int64(5000))
	f.Add(int64(math.MaxInt64), int64(1))
	f.Add(int64(0), int64(7))
	f.Add(int64(math.MinInt64), int64(3))
	f.Fuzz(func(t *testing.T, a, b int64) {
		if abs := Abs(a); abs < 0 || (a != math.MinInt64 && abs != max(a, -a)) || (a == math.MinInt64 && abs != math.MaxInt64) {
			t.Fatalf("Abs(%d) = %d", a, abs)
		}
		if a < 0 || b <= 0 {
			return
		}
		got := CeilDiv(a, b)
		q, m := new(big.Int).QuoRem(big.NewInt(a), big.NewInt(b), new(big.Int))
		if m.Sign() > 0 {
			q.Add(q, big.NewInt(1))
		}
		if got != q.Int64() {
			t.Fatalf("CeilDiv(%d, %d) = %d, want %s", a, b, got, q)
		}
	})
}
