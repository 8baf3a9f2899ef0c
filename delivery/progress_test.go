package delivery

import (
	"context"
	"testing"

	"savbilling/internal/mailpit"
	"savbilling/internal/progress/progresstest"

	"github.com/google/go-cmp/cmp"
)

func TestSendCountsTheMessagesItSendsOutOfThoseLeftToSend(t *testing.T) {
	mailpit.Require(t)
	ctx := context.Background()
	db, out := demo(t, sqliteEngine(t))
	p := demoPeriods[1]
	want, _ := expectations(t, db, out, p)
	mp := mailpit.Start(t)

	rec := &progresstest.Recorder{}
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
	wantStages := []progresstest.Stage{{Name: "preview", Total: n, Added: n}, {Name: "send", Total: n, Added: n}, {Name: "send"}}
	if diff := cmp.Diff(wantStages, rec.Take()); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
}
