package job

import (
	"context"
	"path/filepath"

	sb "savbilling"
	"savbilling/internal/atomicfile"
	"savbilling/invoices"
	"savbilling/reports"
	"savbilling/store"
)

// PDF is the Renderer of the statements and invoices (package invoices).
func PDF(r *invoices.Renderer) Renderer { return pdfRenderer{r} }

type pdfRenderer struct{ r *invoices.Renderer }

func (pdfRenderer) Name() string { return RendererPDF }

func (p pdfRenderer) Render(ctx context.Context, dir string, l *Ledger, _ *sb.Totals) ([]File, error) {
	r := p.r
	if l.documentsFormat != 0 {
		var err error
		if r, err = r.ForFormat(l.documentsFormat); err != nil {
			return nil, err
		}
	}
	written, err := r.WriteEachCounted(ctx, dir, l.Book, func(ctx context.Context, listed bool, fn func(*sb.Statement) error) error {
		lines := store.NumbersOnly // to check their paths
		if listed {
			lines = store.LinesListed
		}
		return l.EachStatement(ctx, lines, fn)
	}, l.written)
	if err != nil {
		return nil, err
	}
	files := make([]File, len(written))
	for i, f := range written {
		files[i] = File{Path: f.Path, Bytes: f.Bytes, SHA256: f.SHA256}
	}
	return files, nil
}

// Workbook is the Renderer of the finance workbook (package reports).
func Workbook() Renderer { return workbookRenderer{} }

type workbookRenderer struct{}

func (workbookRenderer) Name() string { return RendererWorkbook }

func (workbookRenderer) Render(ctx context.Context, dir string, l *Ledger, prev *sb.Totals) ([]File, error) {
	name := reports.FileName(l.Book.Period)
	path := filepath.Join(dir, name)
	var err error
	if l.db == nil {
		err = reports.WriteFrom(ctx, path, withPayments{reports.BookSource(l.Book), l}, prev)
	} else {
		err = reports.WriteFrom(ctx, path, withPayments{workbookSource{l}, l}, prev)
	}
	if err != nil {
		return nil, err
	}
	w, err := atomicfile.Hash(path)
	if err != nil {
		return nil, err
	}
	return []File{{Path: name, Bytes: w.Bytes, SHA256: w.SHA256}}, nil
}
