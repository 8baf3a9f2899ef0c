//go:build faultinject

package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"

	sb "savbilling"
	"savbilling/job"
)

// In a binary built with -tags faultinject (tests only), SAVBILLING_FAULT_RENDER=N makes the
// first N renders of the process fail as a full disk would, after the renderers have written
// part of the outputs; later renders work.
func init() {
	// SAVBILLING_FAULT_FEC=1 drops the accounting file's last line before the job checks it: an
	// unbalanced entry, which the check must catch.
	if os.Getenv("SAVBILLING_FAULT_FEC") == "1" {
		job.FaultFEC = func(b []byte) []byte {
			s := strings.TrimSuffix(string(b), "\n")
			return []byte(s[:strings.LastIndex(s, "\n")+1])
		}
	}
	n, err := strconv.Atoi(os.Getenv("SAVBILLING_FAULT_RENDER"))
	if err != nil || n <= 0 {
		return
	}
	left := new(atomic.Int64)
	left.Store(int64(n))
	wrapRenderers = func(rs []job.Renderer) []job.Renderer {
		out := make([]job.Renderer, len(rs))
		for i, r := range rs {
			out[i] = r
			if r.Name() == job.RendererWorkbook {
				out[i] = failing{r, left}
			}
		}
		return out
	}
}

// failing writes its renderer's outputs, then fails while left is positive.
type failing struct {
	job.Renderer
	left *atomic.Int64
}

func (f failing) Render(ctx context.Context, dir string, l *job.Ledger, prev *sb.Totals) ([]job.File, error) {
	files, err := f.Renderer.Render(ctx, dir, l, prev)
	if err == nil && f.left.Add(-1) >= 0 {
		return nil, fmt.Errorf("write %s: no space left on device (injected by SAVBILLING_FAULT_RENDER)", dir)
	}
	return files, err
}
