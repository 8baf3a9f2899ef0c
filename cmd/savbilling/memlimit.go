package main

import "runtime/debug"

// defaultMemoryLimit is the soft limit of the Go runtime's memory (runtime/debug.SetMemoryLimit)
// unless GOMEMLIMIT is set, which the runtime reads itself (GOMEMLIMIT=off: no limit).
//
// Without a limit the collector lets the heap grow to twice what it found live at its last
// collection, and a collection that runs while the rules allocate the month's book finds
// much of it live: at workload L (MariaDB) the heap reached ~95 MB for ~35 MB truly live, and
// the process peaked at 113–128 MiB, against 80 MiB with this limit, no slower (28.5 s). The
// streams of the render (~15–25 MB live) and the reads (~20–30 MB) stay below it, so it only
// makes the collector run more often during the second the rules take at L. It is soft: a network
// whose live heap exceeds it (about twice L's) is collected more often, the collector taking at
// most half of the CPU, and nothing fails.
const defaultMemoryLimit = 64 << 20

// setMemoryLimit applies defaultMemoryLimit unless GOMEMLIMIT is set.
func setMemoryLimit(getenv func(string) string) {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}
