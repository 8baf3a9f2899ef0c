// Package money does the arithmetic of euro cents: checked sums, shares rounded half away from
// zero, and exact splits into installments. Amounts are int64 cents; no floating point.
package money

import (
	"errors"
	"math"
	"math/big"
)

// ErrOverflow is returned when a result does not fit in an int64 count of cents.
var ErrOverflow = errors.New("amount overflows int64 cents")

// Add returns a + b, or ErrOverflow.
func Add(a, b int64) (int64, error) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, ErrOverflow
	}
	return s, nil
}

// Sum adds the amounts, or returns ErrOverflow.
func Sum(amounts ...int64) (int64, error) {
	var s int64
	for _, a := range amounts {
		var err error
		if s, err = Add(s, a); err != nil {
			return 0, err
		}
	}
	return s, nil
}

// MulDivRound returns amount × num / den rounded half away from zero, computed exactly; den must
// be positive. It returns ErrOverflow when the result does not fit in an int64.
func MulDivRound(amount, num, den int64) (int64, error) {
	if den <= 0 {
		return 0, errors.New("money: non-positive denominator")
	}
	p := new(big.Int).Mul(big.NewInt(amount), big.NewInt(num))
	neg := p.Sign() < 0
	p.Abs(p)
	d := big.NewInt(den)
	q, r := new(big.Int).QuoRem(p, d, new(big.Int))
	// round half away from zero: add one when 2r >= den
	if r.Lsh(r, 1).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	if !q.IsInt64() {
		return 0, ErrOverflow
	}
	return q.Int64(), nil
}

// Share returns amount × bp / 10 000 rounded half away from zero: a share in basis points.
func Share(amount int64, bp int) (int64, error) { return MulDivRound(amount, int64(bp), 10000) }

// Split divides total into n installments: each gets floor(total / n) and the first total mod n
// get one cent more, so 100.00 over 3 is 33.34, 33.33, 33.33. total must be ≥ 0 and n ≥ 1.
func Split(total int64, n int) []int64 {
	if n < 1 || total < 0 {
		panic("money.Split: want total >= 0 and n >= 1")
	}
	q, r := total/int64(n), total%int64(n)
	out := make([]int64, n)
	for i := range out {
		out[i] = q
		if int64(i) < r {
			out[i]++
		}
	}
	return out
}

// CeilDiv returns ceil(a / b) for a ≥ 0 and b > 0.
func CeilDiv(a, b int64) int64 {
	if a <= 0 {
		return 0
	}
	return (a-1)/b + 1
}

// Abs returns |a|, saturating at MaxInt64 for MinInt64.
func Abs(a int64) int64 {
	if a == math.MinInt64 {
		return math.MaxInt64
	}
	if a < 0 {
		return -a
	}
	return a
}
