package delivery

import (
	"context"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"savbilling/internal/mailpit"
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

func (r *recorder) Done() {}

func TestSendCountsTheMessagesItSendsOutOfThoseLeftToSend(t *testing.T) {
	mailpit.Require(t)
	ctx := context.Background()
	db, out := demo(t, sqliteEngine(t))
	p := demoPeriods[1]
	want, _ := expectations(t, db, out, p)
	mp := mailpit.Start(t)

	rec := &recorder{}
	o := options(t, p, out, "", nil)
	o.DryRun, o.Progress = true, rec
	if _, err := Send(ctx, db, o); err != nil {
		t.Fatal(err)
	}
	o = options(t, p, out, mp.SMTP, nil)
	o.Progress = rec
	res, err := Send(ctx, db, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != len(want) {
		t.Fatalf("sent %d, want %d", res.Sent, len(want))
	}
	if _, err := Send(ctx, db, o); err != nil { // every message accepted already: none to send
		t.Fatal(err)
	}
	n := len(want)
	wantStages := []stageSeen{{"preview", n, n}, {"send", n, n}, {"send", 0, 0}}
	if diff := cmp.Diff(wantStages, rec.stages); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
}
