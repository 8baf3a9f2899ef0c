package job

import (
	"context"
	"path/filepath"

	sb "savbilling"
	"savbilling/internal/atomicfile"
	"savbilling/invoices"
	"savbilling/reports"
)

// PDF is the Renderer of the statements and invoices (package invoices).
func PDF(r *invoices.Renderer) Renderer { return pdfRenderer{r} }

type pdfRenderer struct{ r *invoices.Renderer }

func (pdfRenderer) Name() string { return RendererPDF }

func (p pdfRenderer) Render(ctx context.Context, dir string, l *Ledger, _ *sb.Totals) ([]File, error) {
	written, err := p.r.WriteEach(ctx, dir, l.Book, l.EachStatement)
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

func (workbookRenderer) Render(_ context.Context, dir string, l *Ledger, prev *sb.Totals) ([]File, error) {
	b := l.Book
	name := reports.FileName(b.Period)
	path := filepath.Join(dir, name)
	if err := reports.Write(path, b, prev); err != nil {
		return nil, err
	}
	w, err := atomicfile.Hash(path)
	if err != nil {
		return nil, err
	}
	return []File{{Path: name, Bytes: w.Bytes, SHA256: w.SHA256}}, nil
}
