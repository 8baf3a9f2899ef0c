package invoices

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"

	"savbilling"
	"savbilling/internal/atomicfile"
)

// Modes of what WriteAll creates: statements and invoices are personal data.
const (
	DirMode  = atomicfile.DirMode
	FileMode = atomicfile.FileMode
)

// The folders of the documents inside a period's folder.
const (
	StatementsDir = "statements"
	InvoicesDir   = "invoices"
	// DraftPrefix starts the file names of a dry run's documents, which have no number:
	// statements/BROUILLON-<repairer id>.pdf, invoices/BROUILLON-<repairer id>.pdf.
	DraftPrefix = "BROUILLON-"
)

// File is a document written by WriteAll.
type File struct {
	Path   string // relative to the period's folder, slash-separated: "statements/REL-42-2026-0001.pdf"
	Bytes  int64
	SHA256 string // hex
}

// job is one document to write.
type job struct {
	path  string // relative, slash-separated
	what  string // names the document in errors
	write func(w io.Writer) error
}

// StatementPath is the path of a statement's PDF relative to the period's folder.
func StatementPath(b *savbilling.Book, s *savbilling.Statement) string {
	if b.Draft {
		return StatementsDir + "/" + DraftPrefix + strconv.FormatInt(s.Repairer.ID, 10) + ".pdf"
	}
	return StatementsDir + "/" + s.Number + ".pdf"
}

// InvoicePath is the path of an invoice's PDF relative to the period's folder.
func InvoicePath(b *savbilling.Book, inv *savbilling.Invoice) string {
	if b.Draft {
		return InvoicesDir + "/" + DraftPrefix + strconv.FormatInt(inv.Repairer.ID, 10) + ".pdf"
	}
	return InvoicesDir + "/" + inv.Number + ".pdf"
}

// WriteAll writes every statement and invoice of b under dir (the period's folder, or its
// draft/ folder for a dry run): dir/statements/*.pdf and dir/invoices/*.pdf. Documents render
// on runtime.GOMAXPROCS(0) workers, each written to a temporary file in its folder, synced and
// renamed, so that no half-written PDF is ever seen under its name. Folders are created 0750 and
// files 0640. It returns the files sorted by path; on error it stops early and returns the first
// error, naming the document. Files finished before the error stay.
func (r *Renderer) WriteAll(ctx context.Context, dir string, b *savbilling.Book) ([]File, error) {
	if b == nil {
		return nil, errors.New("invoices: nil book")
	}
	var jobs []job
	for i := range b.Statements {
		s := &b.Statements[i]
		if !b.Draft && !validNumber(s.Number) {
			return nil, fmt.Errorf("invoices: statement of repairer %d: invalid number %q", s.Repairer.ID, s.Number)
		}
		jobs = append(jobs, job{path: StatementPath(b, s), what: "statement " + docName(b, s.Number, s.Repairer.ID),
			write: func(w io.Writer) error { return r.statement(w, b, s) }})
	}
	for i := range b.Invoices {
		inv := &b.Invoices[i]
		if !b.Draft && !validNumber(inv.Number) {
			return nil, fmt.Errorf("invoices: invoice of repairer %d: invalid number %q", inv.Repairer.ID, inv.Number)
		}
		jobs = append(jobs, job{path: InvoicePath(b, inv), what: "invoice " + docName(b, inv.Number, inv.Repairer.ID),
			write: func(w io.Writer) error { return r.invoice(w, b, inv) }})
	}
	seen := make(map[string]bool, len(jobs))
	for _, j := range jobs {
		if seen[j.path] {
			return nil, fmt.Errorf("invoices: two documents would be written to %s", j.path)
		}
		seen[j.path] = true
	}
	for _, sub := range []string{StatementsDir, InvoicesDir} {
		if err := os.MkdirAll(filepath.Join(dir, sub), DirMode); err != nil {
			return nil, fmt.Errorf("invoices: %w", err)
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	files := make([]File, len(jobs))
	var (
		once     sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		once.Do(func() { firstErr = err; cancel() })
	}
	next := make(chan int)
	workers := min(runtime.GOMAXPROCS(0), len(jobs))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				j := jobs[i]
				if ctx.Err() != nil {
					continue
				}
				w, err := atomicfile.Write(filepath.Join(dir, filepath.FromSlash(j.path)), j.write)
				if err != nil {
					fail(fmt.Errorf("invoices: %s: %w", j.what, err))
					continue
				}
				files[i] = File{Path: j.path, Bytes: w.Bytes, SHA256: w.SHA256}
			}
		}()
	}
feed:
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("invoices: %w", err)
	}
	for _, sub := range []string{StatementsDir, InvoicesDir} {
		if err := atomicfile.SyncDir(filepath.Join(dir, sub)); err != nil {
			return nil, fmt.Errorf("invoices: %w", err)
		}
	}
	slices.SortFunc(files, func(a, b File) int {
		switch {
		case a.Path < b.Path:
			return -1
		case a.Path > b.Path:
			return 1
		}
		return 0
	})
	return files, nil
}

// docName names a document in errors: its number, or the draft of its repairer.
func docName(b *savbilling.Book, number string, repairer int64) string {
	if b.Draft || number == "" {
		return "draft of repairer " + strconv.FormatInt(repairer, 10)
	}
	return number
}
