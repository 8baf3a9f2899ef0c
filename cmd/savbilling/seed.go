package main

import (
	"context"
	"io"
)

func cmdSeed(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	return usagef("seed: not built yet (issue 7)")
}
