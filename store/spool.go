package store

import (
	"fmt"
	"slices"

	"savbilling/internal/scratchfile"
)

// spool is a temporary file of LOAD DATA text: one goroutine appends segments to it while
// another reads them back, in the same order. The commission lines a close reads ahead of their
// loading wait there, in the system's page cache, rather than in the process's memory (at L, up
// to about 50 MB of text). The file has no name in the temporary folder (package scratchfile), so
// that a killed run leaves nothing behind.
type spool struct {
	f    *scratchfile.File
	size int64
}

// segment is a part of a spool: size bytes from off, holding lines lines.
type segment struct {
	off, size  int64
	lines      int
	operations bool // lines of sb_operations, not of sb_commissions
}

// newSpool creates an empty spool in the system's temporary folder.
func newSpool() (*spool, error) {
	f, err := scratchfile.Create("savbilling-lines-*.tsv")
	if err != nil {
		return nil, fmt.Errorf("create the spool of commission lines: %w", err)
	}
	return &spool{f: f}, nil
}

// add appends the text of lines lines, b, and returns its segment.
func (s *spool) add(b []byte, lines int) (segment, error) {
	if _, err := s.f.Write(b); err != nil {
		return segment{}, fmt.Errorf("write to the spool file %s (set TMPDIR to a folder with room for about 70 bytes a commission line): %w", s.f.Name(), err)
	}
	seg := segment{off: s.size, size: int64(len(b)), lines: lines}
	s.size += seg.size
	return seg, nil
}

// read returns the text of seg, in buf (grown as needed). It may run while add appends others.
func (s *spool) read(seg segment, buf []byte) ([]byte, error) {
	buf = slices.Grow(buf[:0], int(seg.size))[:seg.size]
	if _, err := s.f.ReadAt(buf, seg.off); err != nil {
		return nil, fmt.Errorf("read the spool file %s: %w", s.f.Name(), err)
	}
	return buf, nil
}

// close closes the file (and removes it where it has a name).
func (s *spool) close() error { return s.f.Close() }
