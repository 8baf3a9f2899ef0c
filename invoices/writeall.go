package invoices

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	sb "savbilling"
	"savbilling/einvoice"
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
	// An e-invoice (facturX not nil): facturX appends its CII XML to a buffer, written alone to
	// xmlPath and embedded in the PDF by writeX instead of write.
	facturX func(b *bytes.Buffer) error
	xmlPath string
	writeX  func(w io.Writer, xml []byte) error
}

// statementJob is the job of statement s: a Factur-X PDF and its XML when it is an e-invoice.
func (r *Renderer) statementJob(b *sb.Book, s *sb.Statement) job {
	j := job{path: StatementPath(b, s), what: "statement " + docName(b, s.Number, s.Repairer.ID),
		write: func(w io.Writer) error { return r.statement(w, b, s) }}
	if StatementIsEInvoice(b, s) {
		j.xmlPath = EInvoicePath(s.Number)
		j.facturX = func(x *bytes.Buffer) error {
			d, err := r.StatementEInvoice(b, s)
			if err != nil {
				return err
			}
			return einvoice.MarshalTo(x, d)
		}
		j.writeX = func(w io.Writer, x []byte) error { return r.FacturXStatement(w, b, s, x) }
	}
	return j
}

// invoiceJob is the job of invoice inv: a Factur-X PDF and its XML when it is an e-invoice.
func (r *Renderer) invoiceJob(b *sb.Book, inv *sb.Invoice) job {
	j := job{path: InvoicePath(b, inv), what: "invoice " + docName(b, inv.Number, inv.Repairer.ID),
		write: func(w io.Writer) error { return r.invoice(w, b, inv) }}
	if InvoiceIsEInvoice(b, inv) {
		j.xmlPath = EInvoicePath(inv.Number)
		j.facturX = func(x *bytes.Buffer) error {
			d, err := r.InvoiceEInvoice(b, inv)
			if err != nil {
				return err
			}
			return einvoice.MarshalTo(x, d)
		}
		j.writeX = func(w io.Writer, x []byte) error { return r.FacturXInvoice(w, b, inv, x) }
	}
	return j
}

// StatementPath is the path of a statement's PDF relative to the period's folder.
func StatementPath(b *sb.Book, s *sb.Statement) string {
	if b.Draft {
		return StatementsDir + "/" + DraftPrefix + strconv.FormatInt(s.Repairer.ID, 10) + ".pdf"
	}
	return StatementsDir + "/" + s.Number + ".pdf"
}

// InvoicePath is the path of an invoice's or a debit note's PDF relative to the period's folder.
func InvoicePath(b *sb.Book, inv *sb.Invoice) string {
	if b.Draft && inv.DebitNote() { // a repairer may have an invoice and a debit note
		return InvoicesDir + "/" + DraftPrefix + "NDD-" + strconv.FormatInt(inv.Repairer.ID, 10) + ".pdf"
	}
	if b.Draft {
		return InvoicesDir + "/" + DraftPrefix + strconv.FormatInt(inv.Repairer.ID, 10) + ".pdf"
	}
	return InvoicesDir + "/" + inv.Number + ".pdf"
}

// WriteAll writes every statement and invoice of b under dir (the period's folder, or its
// draft/ folder for a dry run): dir/statements/*.pdf and dir/invoices/*.pdf; for a period closed
// under an e-invoice version (Book.EInvoices), each REL- statement and FAC- invoice is a
// Factur-X PDF/A-3 with its CII XML, also written alone to dir/einvoices/<number>.xml. Documents render
// on runtime.GOMAXPROCS(0) workers, each written to a temporary file in its folder and renamed
// once complete, so that no half-written PDF is ever seen under its name; once all are written
// they are made durable with one sync (atomicfile.Batch). Folders are created 0750 and files
// 0640. It returns the files sorted by path; on error it stops early and returns the first
// error, naming the document. Files finished before the error stay.
func (r *Renderer) WriteAll(ctx context.Context, dir string, b *sb.Book) ([]File, error) {
	if b == nil {
		return nil, errors.New("invoices: nil book")
	}
	return r.WriteEach(ctx, dir, b, func(_ context.Context, _ bool, fn func(*sb.Statement) error) error {
		for i := range b.Statements {
			if err := fn(&b.Statements[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteEach is WriteAll for a book whose statements are not held in memory (b.Statements is not
// read): each calls its function with every statement of the book, in order, with its
// commission lines when listed (else they need not be read). WriteEach goes through them
// twice: without their lines to check every path before writing anything, then with them to
// render; only the statements being rendered are in memory.
func (r *Renderer) WriteEach(ctx context.Context, dir string, b *sb.Book,
	each func(ctx context.Context, listed bool, fn func(*sb.Statement) error) error) ([]File, error) {
	return r.WriteEachCounted(ctx, dir, b, each, nil)
}

// WriteEachCounted is WriteEach that calls written, when not nil, once for every PDF document
// (statement, invoice or debit note) written under its name: what a progress display counts. It
// is not called for the e-invoices' separate XML files; it may be called from several
// goroutines at once.
func (r *Renderer) WriteEachCounted(ctx context.Context, dir string, b *sb.Book,
	each func(ctx context.Context, listed bool, fn func(*sb.Statement) error) error, written func()) ([]File, error) {
	if b == nil {
		return nil, errors.New("invoices: nil book")
	}
	// Every path is known before rendering: check them all before writing anything.
	paths, err := checkPaths(ctx, b, each)
	if err != nil {
		return nil, err
	}
	if err := paths.mkdirs(dir); err != nil {
		return nil, err
	}
	w := newWriting(ctx, dir, paths)
	w.written = written
	defer w.cancel()
	n := 0
	err = each(w.ctx, true, func(s *sb.Statement) error {
		path := StatementPath(b, s)
		if n >= paths.statements || !paths.seen[path] {
			return fmt.Errorf("invoices: statement %d of %d (repairer %d) was not checked before", n+1, paths.statements, s.Repairer.ID)
		}
		n++
		return w.send(r.statementJob(b, s))
	})
	if err == nil && n != paths.statements {
		err = fmt.Errorf("invoices: %d statements given to render, %d checked", n, paths.statements)
	}
	for i := range b.Invoices {
		if err != nil {
			break
		}
		err = w.send(r.invoiceJob(b, &b.Invoices[i]))
	}
	return w.finish(err)
}

// docPaths are the paths of a book's documents, checked before any is written.
type docPaths struct {
	seen       map[string]bool // the PDFs
	xml        map[string]bool // the e-invoices' XML
	statements int             // how many of the PDFs are statements
}

// checkPaths checks every document's number and path: a valid number, and no two documents
// written to one path.
func checkPaths(ctx context.Context, b *sb.Book,
	each func(ctx context.Context, listed bool, fn func(*sb.Statement) error) error) (*docPaths, error) {
	p := &docPaths{seen: map[string]bool{}, xml: map[string]bool{}} // the XML checked against seen once all are known
	err := each(ctx, false, func(s *sb.Statement) error {
		if !b.Draft && !validNumber(s.Number) {
			return fmt.Errorf("invoices: statement of repairer %d: invalid number %q", s.Repairer.ID, s.Number)
		}
		path := StatementPath(b, s)
		if p.seen[path] {
			return fmt.Errorf("invoices: two documents would be written to %s", path)
		}
		p.seen[path] = true
		if StatementIsEInvoice(b, s) {
			p.xml[EInvoicePath(s.Number)] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.statements = len(p.seen)
	for i := range b.Invoices {
		inv := &b.Invoices[i]
		if !b.Draft && !validNumber(inv.Number) {
			return nil, fmt.Errorf("invoices: invoice of repairer %d: invalid number %q", inv.Repairer.ID, inv.Number)
		}
		path := InvoicePath(b, inv)
		if p.seen[path] {
			return nil, fmt.Errorf("invoices: two documents would be written to %s", path)
		}
		p.seen[path] = true
		if InvoiceIsEInvoice(b, inv) {
			if p.xml[EInvoicePath(inv.Number)] {
				return nil, fmt.Errorf("invoices: two documents would be written to %s", EInvoicePath(inv.Number))
			}
			p.xml[EInvoicePath(inv.Number)] = true
		}
	}
	return p, nil
}

// mkdirs creates the folders of the documents under dir.
func (p *docPaths) mkdirs(dir string) error {
	subs := []string{StatementsDir, InvoicesDir}
	if len(p.xml) > 0 {
		subs = append(subs, EInvoiceDir)
	}
	for _, sub := range subs {
		if err := os.MkdirAll(filepath.Join(dir, sub), DirMode); err != nil {
			return fmt.Errorf("invoices: %w", err)
		}
	}
	return nil
}

// writing is the pipeline of WriteEach: the jobs sent are rendered by one renderer per core
// (rendering is CPU-bound), and the rendered documents queue for the file writers
// (fileWriters), so that a slow create or rename never idles a core. The first error cancels
// the rest.
type writing struct {
	ctx    context.Context
	cancel context.CancelFunc
	dir    string
	batch  *atomicfile.Batch
	next   chan job      // to render
	done   chan rendered // to write
	rwg    sync.WaitGroup
	wg     sync.WaitGroup

	written func() // when not nil, called for each PDF written (WriteEachCounted)

	mu       sync.Mutex
	files    []File
	once     sync.Once
	firstErr error
}

// rendered is a document rendered, waiting for a file writer.
type rendered struct {
	job
	buf *bytes.Buffer
}

// newWriting starts the renderers and the file writers of the documents of paths under dir.
func newWriting(ctx context.Context, dir string, paths *docPaths) *writing {
	workers := max(1, runtime.GOMAXPROCS(0))
	w := &writing{dir: dir, batch: atomicfile.NewBatch(),
		next: make(chan job, 2*workers), done: make(chan rendered, 64),
		files: make([]File, 0, len(paths.seen)+len(paths.xml))}
	w.ctx, w.cancel = context.WithCancel(ctx)
	for range workers {
		w.rwg.Add(1)
		go w.render()
	}
	for range fileWriters {
		w.wg.Add(1)
		go w.write()
	}
	return w
}

// fail records the first error and cancels the rest.
func (w *writing) fail(err error) {
	w.once.Do(func() { w.firstErr = err; w.cancel() })
}

// render renders the jobs sent (an e-invoice's XML first, into a buffer of the pool that the
// PDF embeds, then queued as a document of its own: the file writer recycles it).
func (w *writing) render() {
	defer w.rwg.Done()
	for j := range w.next {
		if w.ctx.Err() != nil {
			continue
		}
		var xb *bytes.Buffer // the e-invoice's XML, queued once the PDF that embeds it is made
		if j.facturX != nil {
			xb = buffers.Get().(*bytes.Buffer)
			xb.Reset()
			if err := makeXML(j, xb); err != nil {
				buffers.Put(xb)
				w.fail(fmt.Errorf("invoices: %s: e-invoice: %w", j.what, err))
				continue
			}
			j.write = func(w io.Writer) error { return j.writeX(w, xb.Bytes()) }
		}
		buf := buffers.Get().(*bytes.Buffer)
		buf.Reset()
		if err := writeTotal(j, buf); err != nil {
			buffers.Put(buf)
			if xb != nil {
				buffers.Put(xb)
			}
			w.fail(fmt.Errorf("invoices: %s: %w", j.what, err))
			continue
		}
		if xb != nil {
			w.done <- rendered{job{path: j.xmlPath, what: j.what + " (XML)"}, xb}
		}
		w.done <- rendered{j, buf}
	}
}

// write writes the rendered documents to their files.
func (w *writing) write() {
	defer w.wg.Done()
	for d := range w.done {
		if w.ctx.Err() != nil {
			buffers.Put(d.buf)
			continue
		}
		f, err := w.batch.Write(filepath.Join(w.dir, filepath.FromSlash(d.path)), func(w io.Writer) error {
			_, err := w.Write(d.buf.Bytes())
			return err
		})
		buffers.Put(d.buf)
		if err != nil {
			w.fail(fmt.Errorf("invoices: %s: %w", d.what, err))
			continue
		}
		w.mu.Lock()
		w.files = append(w.files, File{Path: d.path, Bytes: f.Bytes, SHA256: f.SHA256})
		w.mu.Unlock()
		if w.written != nil && strings.HasSuffix(d.path, ".pdf") {
			w.written()
		}
	}
}

// send queues j for rendering, unless the writing was cancelled.
func (w *writing) send(j job) error {
	select {
	case w.next <- j:
		return nil
	case <-w.ctx.Done():
		return w.ctx.Err()
	}
}

// finish waits for the documents sent, given err, the error of the sending; then makes them
// durable with one sync and returns them sorted by path, or the first error.
func (w *writing) finish(err error) ([]File, error) {
	close(w.next)
	w.rwg.Wait()
	close(w.done)
	w.wg.Wait()
	firstErr := w.firstErr
	if firstErr == nil && err != nil && !errors.Is(err, context.Canceled) {
		firstErr = err
	}
	if firstErr == nil && w.ctx.Err() != nil {
		firstErr = fmt.Errorf("invoices: %w", w.ctx.Err())
	}
	if firstErr != nil {
		return nil, firstErr
	}
	if err := w.batch.Sync(); err != nil {
		return nil, fmt.Errorf("invoices: %w", err)
	}
	slices.SortFunc(w.files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return w.files, nil
}

// writeTotal renders j into buf; a panic (a bug) is an error, so that one document's failure
// stops the run with an error naming it instead of crashing the process, which would leave the
// temporary file of the document being written behind.
func writeTotal(j job, buf *bytes.Buffer) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("rendering failed (a bug, please report it): panic: %v", v)
		}
	}()
	return j.write(buf)
}

// makeXML appends j's e-invoice XML to x; a panic (a bug) is an error, as in writeTotal.
func makeXML(j job, x *bytes.Buffer) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("rendering failed (a bug, please report it): panic: %v", v)
		}
	}()
	return j.facturX(x)
}

// fileWriters is the number of goroutines writing the rendered documents to files: one. The
// documents of a kind share a folder, and creating files in one folder from several threads
// makes the kernel spin on the folder's lock: 20 000 files (create, write, rename) took 2,0 s
// (2,2 s of CPU) from one goroutine, 3,1 s (4,7 s) from two and 9,9 s (13,9 s) from four on
// the ext4 disk of the development machine; at workload L four writers spent 14 s of CPU in
// os.CreateTemp alone.
const fileWriters = 1

// buffers recycles the buffers documents are rendered into.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// docName names a document in errors: its number, or the draft of its repairer.
func docName(b *sb.Book, number string, repairer int64) string {
	if b.Draft || number == "" {
		return "draft of repairer " + strconv.FormatInt(repairer, 10)
	}
	return number
}
