package job

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	sb "savbilling"
	"savbilling/internal/atomicfile"
	"savbilling/store"
)

// ErrNotReproduced is wrapped by Render when an issued document is missing or damaged and the
// current version does not produce the bytes the period's manifest records: the file is left as
// it is (domain.md, « Issued documents are immutable »).
var ErrNotReproduced = errors.New("issued documents cannot be reproduced")

// Restore is what a render of a period with a manifest did to its issued files.
type Restore struct {
	Intact   []string // files whose bytes are those the manifest records
	Restored []string // missing or damaged, written again with the recorded bytes
	Refused  []string // missing or damaged, not reproduced: left as they were (with why)
	Skipped  []string // outputs the current version makes that the period did not issue: not written
}

// renderIssued renders a period that has a manifest: issued documents are immutable. It renders
// every output into a scratch folder inside the period's folder, then, for each file the manifest
// lists: leaves it when its bytes are the recorded ones; else writes it again only when the
// rendered bytes are the recorded ones; else reports it and leaves it. An output the manifest does
// not list (a kind of output that did not exist when the period was closed) is never written.
// The manifest is not rewritten. Any refusal makes the error wrap ErrNotReproduced.
func (j *Job) renderIssued(ctx context.Context, res *Result, l *Ledger, m *Manifest) error {
	unlock, err := lockDir(res.Dir)
	if err != nil {
		return err
	}
	defer unlock()
	if err := atomicfile.RemoveTemps(res.Dir); err != nil {
		return err
	}
	scratch, err := os.MkdirTemp(res.Dir, ".render-")
	if err != nil {
		return fmt.Errorf("render %s: %w", res.Period, err)
	}
	defer os.RemoveAll(scratch)
	rendered := map[string]File{}
	prev, err := j.previousTotals(ctx, res)
	if err != nil {
		return err
	}
	j.renderStage(l)
	l.documentsFormat = m.Format()
	for _, r := range j.Renderers {
		fs, err := r.Render(ctx, scratch, l, prev)
		if err != nil {
			return fmt.Errorf("%s: %w", r.Name(), err)
		}
		for _, f := range fs {
			rendered[f.Path] = f
		}
	}
	var rs Restore
	listed := map[string]bool{}
	for _, f := range m.Files {
		listed[f.Path] = true
		dst := filepath.Join(res.Dir, filepath.FromSlash(f.Path))
		if sum, err := fileSHA256(dst); err == nil && sum == f.SHA256 {
			rs.Intact = append(rs.Intact, f.Path)
			continue
		}
		got, ok := rendered[f.Path]
		switch {
		case !ok:
			rs.Refused = append(rs.Refused, f.Path+" (this version does not produce it)")
		case got.SHA256 != f.SHA256:
			rs.Refused = append(rs.Refused, fmt.Sprintf("%s (this version produces other bytes: sha256 %s, the manifest records %s)",
				f.Path, short(got.SHA256), short(f.SHA256)))
		default:
			if err := os.MkdirAll(filepath.Dir(dst), atomicfile.DirMode); err != nil {
				return err
			}
			if err := os.Rename(filepath.Join(scratch, filepath.FromSlash(f.Path)), dst); err != nil {
				return fmt.Errorf("restore %s: %w", f.Path, err)
			}
			rs.Restored = append(rs.Restored, f.Path)
		}
	}
	for p := range rendered {
		if !listed[p] {
			rs.Skipped = append(rs.Skipped, p)
		}
	}
	slices.Sort(rs.Skipped)
	res.Manifest, res.Restore = m, &rs
	j.log().Info("period rendered against its manifest", "period", res.Period.String(), "intact", len(rs.Intact),
		"restored", len(rs.Restored), "refused", len(rs.Refused), "not_issued", len(rs.Skipped))
	if len(rs.Refused) > 0 {
		return fmt.Errorf("%w: %s (left as they are; the period's manifest records what it issued)", ErrNotReproduced,
			strings.Join(rs.Refused, "; "))
	}
	return nil
}

// previousTotals are the totals of the period before res's, or nil when it is not closed.
func (j *Job) previousTotals(ctx context.Context, res *Result) (*sb.Totals, error) {
	t, err := j.DB.LoadBookTotals(ctx, res.Period.Prev())
	if errors.Is(err, store.ErrNotClosed) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read previous period: %w", err)
	}
	return &t, nil
}

// fileSHA256 is the hex SHA-256 of a file's bytes.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}
