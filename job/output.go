package job

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"syscall"

	sb "savbilling"
	"savbilling/internal/scratchfile"
)

// ErrIncomplete is returned when a period was booked and committed but its outputs could not
// all be written (disk full, folder removed, a renderer failed): the ledger is final, and
// `savbilling render --period YYYY-MM` writes the outputs again from it. Exit 5.
var ErrIncomplete = errors.New("booked; outputs incomplete")

// incomplete is the error of period p booked but not fully rendered, cause the render's error.
func incomplete(p sb.Period, cause error) error {
	return fmt.Errorf("close %s: %w: run `savbilling render --period %s`: %w", p, ErrIncomplete, p, cause)
}

// OutputSpace is how much free space the output folder must have before a close books a
// period: Factor times the bytes of the previous closed period's outputs (the sum of its
// manifest's files), or PerStatement bytes per statement to be written when there is no such
// manifest (a first close, or outputs written elsewhere). Factor 0 turns the check off.
type OutputSpace struct {
	Factor       int64
	PerStatement int64
}

// DefaultOutputSpace is twice the previous period's outputs, or 100 KB per statement.
var DefaultOutputSpace = OutputSpace{Factor: 2, PerStatement: 100 << 10}

// freeBytes returns the bytes available to this process on the file system holding path, and
// whether it could tell. A variable so that tests can fake a full disk.
var freeBytes = diskFree

// usableFolder checks, before anything is booked, that dir (a period's output folder) can be
// written: dir, or its nearest existing ancestor, is a folder (not a file) in which this process
// can create a file. It returns that existing folder, where free space is measured. It creates
// nothing that stays.
func usableFolder(dir string) (string, error) {
	p := filepath.Clean(dir)
	for {
		fi, err := os.Stat(p)
		if err == nil {
			if !fi.IsDir() {
				return "", fmt.Errorf("output folder %s: %s is a file, not a folder: set --out (or the key out) to a folder", dir, p)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return "", fmt.Errorf("output folder %s: %w", dir, err)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return "", fmt.Errorf("output folder %s: no existing folder above it", dir)
		}
		p = parent
	}
	// Permissions alone do not tell (root, read-only mounts, ACLs): create a file. It has no name
	// (scratchfile), so a close killed meanwhile leaves nothing in the folder.
	f, err := scratchfile.CreateIn(p, ".savbilling-probe-*")
	if err != nil {
		return "", fmt.Errorf("output folder %s: cannot write in %s: %w", dir, p, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("output folder %s: %w", dir, err)
	}
	return p, nil
}

// estimate is the free space a close of period p's outputs needs: Factor times the previous
// closed period's outputs as its manifest in out lists them, else PerStatement per statement.
func (s OutputSpace) estimate(out string, last sb.Period, statements int) (need int64, basis string) {
	if !last.IsZero() {
		if m, err := ReadManifest(periodDir(out, last)); err == nil && m.Period == last.String() {
			var sum int64
			for _, f := range m.Files {
				sum = satAdd(sum, max(f.Bytes, 0))
			}
			return satMul(sum, s.Factor), fmt.Sprintf("%d × the %d bytes of %s's outputs", s.Factor, sum, last)
		}
	}
	return satMul(int64(statements), s.PerStatement), fmt.Sprintf("%d statements × %d bytes", statements, s.PerStatement)
}

// checkSpace refuses a close whose outputs may not fit in folder (an existing folder of the
// output path): its free space must be at least the estimate.
func (s OutputSpace) checkSpace(folder, out string, last sb.Period, statements int) error {
	if s.Factor <= 0 {
		return nil
	}
	need, basis := s.estimate(out, last, statements)
	free, known, err := freeBytes(folder)
	if err != nil {
		return fmt.Errorf("output folder %s: free space: %w", folder, err)
	}
	if known && free < need {
		return fmt.Errorf("output folder %s: %d bytes free, the outputs need about %d (%s; keys out_space_factor, out_space_per_statement_kb): free some space or choose another --out",
			folder, free, need, basis)
	}
	return nil
}

func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func satMul(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}
