package gofpdf

import (
	"math"
	"math/rand"
	"strconv"
	"testing"
)

// TestAppendF2 checks appendF2 (savbilling patch) against strconv's %.2f formatting, on
// coordinates, on halves and near-halves, and on values it leaves to strconv.
func TestAppendF2(t *testing.T) {
	check := func(v float64) {
		t.Helper()
		if got, want := string(appendF2(nil, v)), strconv.FormatFloat(v, 'f', 2, 64); got != want {
			t.Fatalf("appendF2(%v) = %q, want %q", v, got, want)
		}
	}
	for _, v := range []float64{0, math.Copysign(0, -1), 0.005, 0.015, 0.125, 0.375, 1.005, 2.675, -0.001, -0.005,
		-1.125, 841.89, 595.28, 42.52, 1e11, 1e12, 1e13, -1e13, math.Inf(1), math.Inf(-1), math.NaN(),
		math.MaxFloat64, math.SmallestNonzeroFloat64, 0.004999999999999999, 0.9949999999999999} {
		check(v)
	}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 500_000; i++ {
		check((rng.Float64()*2 - 0.5) * 1000)                  // page coordinates
		check(float64(rng.Intn(200000)-1000) / 200)            // exact halves of cents
		check(float64(rng.Intn(1000000)) / 1000 * (72 / 25.4)) // millimetres to points
		check(math.Nextafter(float64(rng.Intn(100000))/100+0.005, math.Inf(rng.Intn(2)*2-1)))
	}
}
