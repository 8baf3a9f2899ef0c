package delivery

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"savbilling/job"
	"savbilling/store"
)

// ErrIncomplete is returned (wrapped) when a period's outputs do not match its ledger: no
// manifest, a document of the ledger without its file, or a file whose SHA-256 is not the
// manifest's. Nothing is sent; `savbilling render` writes them again.
var ErrIncomplete = errors.New("the period's outputs are incomplete or changed since they were written")

// Attachment is one file of a period's folder attached to a repairer's message.
type Attachment struct {
	Path   string // relative to the period's folder, as the manifest lists it
	Name   string // the file name the receiver sees
	SHA256 string // the manifest's
	Bytes  int64
}

// attachments assigns the PDF files of the manifest to the repairers of the ledger: a file
// belongs to a repairer when its name (without .pdf) is the number of a document the ledger
// addresses to them (statement REL- or statement of account RDC-, invoice FAC-, debit note
// NDD-). Every document of the ledger must have its file. It returns the attachments by
// repairer id, in the manifest's order.
func attachments(dir string, m *job.Manifest, rs []store.SendRecipient) (map[int64][]Attachment, error) {
	owner := map[string]int64{}
	for _, r := range rs {
		for _, d := range r.Documents {
			owner[d.Number] = r.RepairerID
		}
	}
	found := map[string]bool{}
	out := map[int64][]Attachment{}
	for _, f := range m.Files {
		name := path.Base(f.Path)
		base, ok := strings.CutSuffix(name, ".pdf")
		if !ok {
			continue // the workbook, the XML twins of Factur-X PDFs (already inside them), …
		}
		id, ok := owner[base]
		if !ok {
			continue
		}
		found[base] = true
		out[id] = append(out[id], Attachment{Path: f.Path, Name: name, SHA256: f.SHA256, Bytes: f.Bytes})
	}
	var missing []string
	for _, r := range rs {
		for _, d := range r.Documents {
			if !found[d.Number] {
				missing = append(missing, d.Number)
			}
		}
	}
	if len(missing) > 0 {
		more := ""
		if len(missing) > 5 {
			more = fmt.Sprintf(" and %d more", len(missing)-5)
			missing = missing[:5]
		}
		return nil, fmt.Errorf("%w: the manifest of %s lists no PDF for %s%s", ErrIncomplete, dir, strings.Join(missing, ", "), more)
	}
	return out, nil
}

// readAttachment reads an attachment's file and checks it against the manifest.
func readAttachment(dir string, a Attachment) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(a.Path)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrIncomplete, err)
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != a.SHA256 || int64(len(data)) != a.Bytes {
		return nil, fmt.Errorf("%w: %s is not the file the manifest lists (SHA-256 %s…, manifest %s…)", ErrIncomplete,
			filepath.Join(dir, a.Path), got[:12], a.SHA256[:min(12, len(a.SHA256))])
	}
	return data, nil
}

// verify checks every attachment's file against the manifest before anything is sent.
func verify(dir string, byRepairer map[int64][]Attachment) error {
	for _, as := range byRepairer {
		for _, a := range as {
			if _, err := readAttachment(dir, a); err != nil {
				return err
			}
		}
	}
	return nil
}
