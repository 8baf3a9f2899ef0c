package store

import (
	"fmt"
	"os"
	"slices"
)

// spool is a temporary file of LOAD DATA text: one goroutine appends segments to it while
// another reads them back, in the same order. The commission lines a close reads ahead of their
// loading wait there, in the system's page cache, rather than in the process's memory (at L, up
// to about 50 MB of text). The file is unlinked as soon as it is created where the system allows
// it, so that a killed run leaves nothing behind.
type spool struct {
	f       *os.File
	size    int64
	removed bool // the file is unlinked already
}

// segment is a part of a spool: size bytes from off, holding lines lines.
type segment struct {
	off, size int64
	lines     int
}

// newSpool creates an empty spool in the system's temporary folder.
func newSpool() (*spool, error) {
	f, err := os.CreateTemp("", "savbilling-lines-*.tsv")
	if err != nil {
		return nil, fmt.Errorf("create a spool file (set TMPDIR to a writable folder): %w", err)
	}
	return &spool{f: f, removed: os.Remove(f.Name()) == nil}, nil
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

// close closes and removes the file.
func (s *spool) close() error {
	err := s.f.Close()
	if !s.removed {
		if rerr := os.Remove(s.f.Name()); err == nil {
			err = rerr
		}
	}
	return err
}
