package job

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"savbilling/internal/dbtest"
	"savbilling/invoices"
)

// stageSeen is one stage a recorder was told of, with the items added while it was current.
type stageSeen struct {
	Name         string
	Total, Added int
}

// recorder is a progress.Reporter that keeps what it is told.
type recorder struct {
	mu     sync.Mutex
	stages []stageSeen
	done   int
}

func (r *recorder) Stage(name string, total int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stages = append(r.stages, stageSeen{Name: name, Total: total})
}

func (r *recorder) Add(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stages[len(r.stages)-1].Added += n
}

func (r *recorder) Done() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done++
}

func (r *recorder) take() []stageSeen {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.stages
	r.stages = nil
	return s
}

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
			rec := &recorder{}
			j.Progress = rec
			mustClose(t, j, sep)
			rec.take()

			res, err := j.Close(context.Background(), oct, now, true)
			if err != nil {
				t.Fatal(err)
			}
			n := pdfs(res.Manifest)
			want := []stageSeen{{Name: "read"}, {Name: "compute"}, {Name: "render", Total: n, Added: n}}
			if diff := cmp.Diff(want, rec.take()); diff != "" {
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
			want = []stageSeen{{Name: "read"}, {Name: "compute"}, {Name: "book"}, {Name: "render", Total: n, Added: n}}
			if diff := cmp.Diff(want, rec.take()); diff != "" {
				t.Errorf("close's stages (-want +got):\n%s", diff)
			}

			// A render of the period, which issued its documents: rendered again in a scratch
			// folder, and counted.
			if _, err := j.Render(context.Background(), oct); err != nil {
				t.Fatal(err)
			}
			want = []stageSeen{{Name: "render", Total: n, Added: n}}
			if diff := cmp.Diff(want, rec.take()); diff != "" {
				t.Errorf("render's stages (-want +got):\n%s", diff)
			}
			if rec.done != 0 {
				t.Errorf("the job called Done %d times: its caller ends the display", rec.done)
			}
		})
	}
}
