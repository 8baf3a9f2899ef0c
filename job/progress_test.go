package job

import (
	"context"
	"strings"
	"testing"

	"savbilling/internal/dbtest"
	"savbilling/internal/progress/progresstest"
	"savbilling/invoices"

	"github.com/google/go-cmp/cmp"
)

// pdfs counts the PDF documents a manifest lists.
func pdfs(m *Manifest) int {
	n := 0
	for _, f := range m.Files {
		if strings.HasSuffix(f.Path, ".pdf") {
			n++
		}
	}
	return n
}

func TestCloseAndRenderTellTheirStagesAndCountEveryPDFWritten(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			j, _ := setup(t, e)
			j.Renderers = []Renderer{PDF(invoices.New(nil)), Workbook()}
			rec := &progresstest.Recorder{}
			j.Progress = rec
			mustClose(t, j, sep)
			rec.Take()

			res, err := j.Close(context.Background(), oct, now, true)
			if err != nil {
				t.Fatal(err)
			}
			n := pdfs(res.Manifest)
			want := []progresstest.Stage{{Name: "read"}, {Name: "compute"}, {Name: "render", Total: n, Added: n}}
			if diff := cmp.Diff(want, rec.Take()); diff != "" {
				t.Errorf("dry run's stages (-want +got):\n%s", diff)
			}

			res = mustClose(t, j, oct)
			n = pdfs(res.Manifest)
			if n < 2 {
				t.Fatalf("October has %d PDF documents, want its statements at least", n)
			}
			if got := res.Manifest.Statements + res.Manifest.Invoices; got != n {
				t.Fatalf("manifest: %d statements and invoices, %d PDF files", got, n)
			}
			want = []progresstest.Stage{{Name: "read"}, {Name: "compute"}, {Name: "book"}, {Name: "render", Total: n, Added: n}}
			if diff := cmp.Diff(want, rec.Take()); diff != "" {
				t.Errorf("close's stages (-want +got):\n%s", diff)
			}

			// A render of the period, which issued its documents: rendered again in a scratch
			// folder, and counted.
			if _, err := j.Render(context.Background(), oct); err != nil {
				t.Fatal(err)
			}
			want = []progresstest.Stage{{Name: "render", Total: n, Added: n}}
			if diff := cmp.Diff(want, rec.Take()); diff != "" {
				t.Errorf("render's stages (-want +got):\n%s", diff)
			}
			if rec.Dones() != 0 {
				t.Errorf("the job called Done %d times: its caller ends the display", rec.Dones())
			}
		})
	}
}
