package job

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/invoices"
)

// otherText is a Renderer that writes ledger.txt with other bytes: what a later version whose
// documents changed would produce.
type otherText struct{}

func (otherText) Name() string { return "ledger-text" }

func (otherText) Render(_ context.Context, dir string, _ *Ledger, _ *sb.Totals) ([]File, error) {
	data := []byte("another layout\n")
	if err := os.WriteFile(filepath.Join(dir, "ledger.txt"), data, 0o640); err != nil {
		return nil, err
	}
	return []File{{Path: "ledger.txt", Bytes: int64(len(data)), SHA256: sha(data)}}, nil
}

// newKind is a Renderer of an output that did not exist when the period was closed.
type newKind struct{}

func (newKind) Name() string { return "new-kind" }

func (newKind) Render(_ context.Context, dir string, _ *Ledger, _ *sb.Totals) ([]File, error) {
	data := []byte("new\n")
	if err := os.WriteFile(filepath.Join(dir, "new.txt"), data, 0o640); err != nil {
		return nil, err
	}
	return []File{{Path: "new.txt", Bytes: int64(len(data)), SHA256: sha(data)}}, nil
}

// TestRenderRewritesOnlyWhatWasIssued: a render of a closed period writes only a missing or
// damaged file, only with the bytes its manifest records; a version that produces other bytes
// leaves the file, reports it and fails; an output that the period did not issue is not written;
// the manifest stays as it was.
func TestRenderRewritesOnlyWhatWasIssued(t *testing.T) {
	e := dbtest.Engines(t)[0]
	j, _ := setup(t, e)
	ctx := context.Background()
	mustClose(t, j, sep)
	res := mustClose(t, j, oct)
	path := filepath.Join(res.Dir, "ledger.txt")
	issued, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := os.ReadFile(filepath.Join(res.Dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	// the renderers' files are recorded with their digest
	m, _ := ReadManifest(res.Dir)
	if len(m.Files) != 1 || m.Files[0].SHA256 != sha(issued) {
		t.Fatalf("manifest files %+v", m.Files)
	}

	// Missing: restored with the bytes issued.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	r, err := j.Render(ctx, oct)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != string(issued) || !cmp.Equal(r.Restore.Restored, []string{"ledger.txt"}) {
		t.Errorf("restored %q: %q", r.Restore.Restored, got)
	}
	// Intact: left.
	if r, err = j.Render(ctx, oct); err != nil || !cmp.Equal(r.Restore.Intact, []string{"ledger.txt"}) || len(r.Restore.Restored) != 0 {
		t.Errorf("render of an intact period: %+v, %v", r.Restore, err)
	}

	// A version that produces other bytes: the damaged file is left, the render fails.
	if err := os.WriteFile(path, []byte("damaged"), 0o640); err != nil {
		t.Fatal(err)
	}
	j.Renderers = []Renderer{otherText{}, newKind{}}
	r, err = j.Render(ctx, oct)
	if !errors.Is(err, ErrNotReproduced) || r == nil || len(r.Restore.Refused) != 1 {
		t.Fatalf("render with other bytes: %v, %+v", err, r)
	}
	if got, _ := os.ReadFile(path); string(got) != "damaged" {
		t.Errorf("the file was rewritten: %q", got)
	}
	// An output the period did not issue is not written.
	if _, err := os.Stat(filepath.Join(res.Dir, "new.txt")); !errors.Is(err, os.ErrNotExist) || !cmp.Equal(r.Restore.Skipped, []string{"new.txt"}) {
		t.Errorf("new kind of output: %v, skipped %q", err, r.Restore.Skipped)
	}
	if got, _ := os.ReadFile(filepath.Join(res.Dir, ManifestFile)); string(got) != string(manifest) {
		t.Errorf("the manifest was rewritten")
	}
	// No scratch folder is left.
	entries, _ := os.ReadDir(res.Dir)
	for _, e := range entries {
		if e.IsDir() {
			t.Errorf("left %s", e.Name())
		}
	}
}

func sha(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// TestRenderOfAPeriodIssuedWithHintedFontsRestoresItsBytes: a period closed by a version before
// documents_format (its PDFs embed the font files with their hinting, its manifest says no
// format) gets a missing statement back with the bytes it issued; the same manifest claiming
// this version's format would be refused, so the recorded format is what picks the fonts.
func TestRenderOfAPeriodIssuedWithHintedFontsRestoresItsBytes(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			j, _ := setup(t, e)
			older, err := invoices.New(nil).ForFormat(invoices.FormatHinted)
			if err != nil {
				t.Fatal(err)
			}
			j.Renderers = []Renderer{PDF(older)} // the version before, as far as its PDFs go
			mustClose(t, j, sep)
			res := mustClose(t, j, oct)
			m, err := ReadManifest(res.Dir)
			if err != nil {
				t.Fatal(err)
			}
			if m.DocumentsFormat != invoices.DocumentsFormat {
				t.Fatalf("a close records documents_format %d, want %d", m.DocumentsFormat, invoices.DocumentsFormat)
			}
			m.DocumentsFormat = 0 // what that version wrote: no field
			if err := m.Write(res.Dir); err != nil {
				t.Fatal(err)
			}
			var statement string
			for _, f := range m.Files {
				if strings.HasPrefix(f.Path, invoices.StatementsDir+"/REL-") {
					statement = f.Path
				}
			}
			if statement == "" {
				t.Fatalf("no REL- statement issued: %+v", m.Files)
			}
			path := filepath.Join(res.Dir, filepath.FromSlash(statement))
			issued, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}

			j.Renderers = []Renderer{PDF(invoices.New(nil))} // this version
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			r, err := j.Render(ctx, oct)
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, issued) || !slices.Contains(r.Restore.Restored, statement) {
				t.Fatalf("%s not restored with its bytes (restored %q)", statement, r.Restore.Restored)
			}

			m.DocumentsFormat = invoices.DocumentsFormat
			if err := m.Write(res.Dir); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if _, err := j.Render(ctx, oct); !errors.Is(err, ErrNotReproduced) {
				t.Fatalf("render with the slimmed fonts of a period issued with the hinted ones: %v, want ErrNotReproduced", err)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s written with other bytes than issued", statement)
			}
		})
	}
}
