package job

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	sb "savbilling"
	"savbilling/internal/atomicfile"
	"savbilling/invoices"
)

// ManifestFile is the name of the manifest in a period's folder.
const ManifestFile = "manifest.json"

// Manifest is manifest.json: what a period's close produced, for the systems downstream.
type Manifest struct {
	Period     string         `json:"period"`
	ClosedAt   string         `json:"closed_at"`
	DryRun     bool           `json:"dry_run,omitempty"`
	Statements int            `json:"statements"`
	Invoices   int            `json:"invoices"`
	Exceptions int            `json:"exceptions"`
	Pending    int            `json:"pending"`
	Totals     ManifestTotals `json:"totals"`
	Files      []File         `json:"files"`
	// LedgerSHA256 is the fingerprint of the booked ledger the outputs were rendered from
	// (store.DB.LedgerFingerprint); none for a dry run. Added by issue 17: a run whose ledger's
	// fingerprint differs never replaces the outputs.
	LedgerSHA256 string `json:"ledger_sha256,omitempty"`
	// DocumentsFormat is the format of the PDF documents (invoices.DocumentsFormat): which font
	// files they embed, so that a render of the period reproduces them to the byte. Added
	// 2026-12-08 (fonts without their hinting); a manifest without it is format 1.
	DocumentsFormat int `json:"documents_format,omitempty"`
}

// Format is the format of the period's PDF documents: DocumentsFormat, or
// invoices.FormatHinted for a manifest written before that field existed.
func (m *Manifest) Format() int { return max(m.DocumentsFormat, invoices.FormatHinted) }

// ManifestTotals are the period's totals in cents.
type ManifestTotals struct {
	GrossCents        int64 `json:"gross_cents"`
	DeductionsCents   int64 `json:"deductions_cents"`
	InstallmentsCents int64 `json:"installments_cents"`
	NetCents          int64 `json:"net_cents"`
	VATCents          int64 `json:"vat_cents"`
	SpreadCents       int64 `json:"spread_cents"`
	InvoicedCents     int64 `json:"invoiced_cents"` // invoices and debit notes
	// Added 2026-12 (the rules v2): M, the indemnities set off; the Net à payer; the debit notes.
	IndemnitiesCents int64 `json:"indemnities_cents"`
	PayableCents     int64 `json:"payable_cents"`
	DebitNotesCents  int64 `json:"debit_notes_cents"`
}

// Add adds o to t.
func (t *ManifestTotals) Add(o ManifestTotals) {
	t.GrossCents += o.GrossCents
	t.DeductionsCents += o.DeductionsCents
	t.InstallmentsCents += o.InstallmentsCents
	t.NetCents += o.NetCents
	t.VATCents += o.VATCents
	t.SpreadCents += o.SpreadCents
	t.InvoicedCents += o.InvoicedCents
	t.IndemnitiesCents += o.IndemnitiesCents
	t.PayableCents += o.PayableCents
	t.DebitNotesCents += o.DebitNotesCents
}

// NewManifest describes book b and the files written for it.
func NewManifest(b *sb.Book, t sb.Totals, files []File) *Manifest {
	files = slices.Clone(files)
	slices.SortFunc(files, func(x, y File) int { return strings.Compare(x.Path, y.Path) })
	if files == nil {
		files = []File{}
	}
	return &Manifest{
		Period: b.Period.String(), ClosedAt: b.ClosedAt.UTC().Format(time.RFC3339), DryRun: b.Draft,
		Statements: t.Statements, Invoices: t.Invoices, Exceptions: t.Anomalies, Pending: t.Pending,
		Totals: ManifestTotals{GrossCents: t.GrossCents, DeductionsCents: t.DeductionsCents,
			InstallmentsCents: t.InstallmentsCents, NetCents: t.NetCents, VATCents: t.VATCents,
			SpreadCents: t.SpreadCents, InvoicedCents: t.InvoicedCents, IndemnitiesCents: t.IndemnitiesCents,
			PayableCents: t.PayableCents, DebitNotesCents: t.DebitNotesCents},
		Files: files, DocumentsFormat: invoices.DocumentsFormat,
	}
}

// Write writes the manifest into dir, atomically.
func (m *Manifest) Write(dir string) error {
	_, err := atomicfile.Write(filepath.Join(dir, ManifestFile), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	})
	return err
}

// ReadManifest reads the manifest of a period's folder.
func ReadManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, err
	}
	var m Manifest
	return &m, json.Unmarshal(data, &m)
}

func mkdirAll(dir string) error { return os.MkdirAll(dir, atomicfile.DirMode) }
