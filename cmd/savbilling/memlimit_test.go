package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// The job runs under a soft memory limit of 64 MiB unless GOMEMLIMIT sets one.
func TestSetMemoryLimit(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(old)

	debug.SetMemoryLimit(math.MaxInt64)
	setMemoryLimit(func(string) string { return "" })
	if got := debug.SetMemoryLimit(-1); got != 64<<20 {
		t.Errorf("without GOMEMLIMIT the limit is %d, want %d", got, 64<<20)
	}

	debug.SetMemoryLimit(math.MaxInt64)
	setMemoryLimit(func(k string) string {
		if k == "GOMEMLIMIT" {
			return "1GiB"
		}
		return ""
	})
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set the limit was changed to %d", got)
	}
}
