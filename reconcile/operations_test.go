package reconcile

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	sb "savbilling"
)

// TestOperationsPaidOnce: an operation is paid at most once. An intervention holding an operation
// the ledger booked with another intervention is held whole, naming the operation and both
// interventions; an operation added to an intervention after its payment is reported, not paid;
// the operations of every line booked are listed for the ledger's key.
func TestOperationsPaidOnce(t *testing.T) {
	sep := sb.MustPeriod("2026-09")
	two := job(102, 1, "2026-10-06 09:00", 5500)
	two.Operations = append(two.Operations, sb.Operation{ID: 1021, InterventionID: 102, PriceCents: 600, CommissionCents: 400})
	tests := []struct {
		name     string
		ivs      []sb.Intervention
		booked   map[int64]sb.OperationBooking
		added    []sb.AddedOperation
		gross    int64   // repairer 1's commissions
		ops      []int64 // operations booked
		item     string  // the anomaly, if any
		reason   []string
		blocking bool
	}{
		{name: "nothing moved", ivs: []sb.Intervention{job(101, 1, "2026-10-05 09:00", 4000), two},
			gross: 9900, ops: []int64{1010, 1020, 1021}},
		{name: "an operation paid with 90 moved to 102", ivs: []sb.Intervention{job(101, 1, "2026-10-05 09:00", 4000), two},
			booked: map[int64]sb.OperationBooking{1021: {InterventionID: 90, Period: sep}},
			gross:  4000, ops: []int64{1010}, item: "intervention 102",
			reason: []string{"opération 1021", "intervention 90", "2026-09", "intervention 102"}, blocking: true},
		{name: "an operation booked with an intervention of another repairer", ivs: []sb.Intervention{job(101, 1, "2026-10-05 09:00", 4000)},
			booked: map[int64]sb.OperationBooking{1010: {InterventionID: 77, Period: sep}},
			gross:  0, item: "intervention 101",
			reason: []string{"opération 1010", "intervention 77", "intervention 101"}, blocking: true},
		{name: "an operation added to 90 after its payment", ivs: []sb.Intervention{job(101, 1, "2026-10-05 09:00", 4000)},
			added: []sb.AddedOperation{{OperationID: 905, InterventionID: 90, RepairerID: 1, Period: sep, CommissionCents: 1200}},
			gross: 4000, ops: []int64{1010}, item: "opération 905",
			reason: []string{"intervention 90", "2026-09", "1200 centimes", "non payée"}, blocking: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := input(oct, repairer(1, sb.VATStandard))
			in.Interventions, in.BookedOperations, in.AddedOperations = tt.ivs, tt.booked, tt.added
			b := mustClose(t, in)
			var gross int64
			if s := b.StatementOf(1); s != nil {
				gross = s.GrossCents
			}
			if gross != tt.gross {
				t.Errorf("commissions of repairer 1: %d, want %d", gross, tt.gross)
			}
			var ops []int64
			for _, op := range b.Operations {
				ops = append(ops, op.OperationID)
			}
			if diff := cmp.Diff(tt.ops, ops); diff != "" {
				t.Errorf("operations booked (-want +got):\n%s", diff)
			}
			if tt.item == "" {
				if len(b.Anomalies) > 0 {
					t.Errorf("anomalies: %+v", b.Anomalies)
				}
				return
			}
			if len(b.Anomalies) != 1 || b.Anomalies[0].Item != tt.item || b.Anomalies[0].Blocking != tt.blocking ||
				b.Anomalies[0].RepairerID != 1 || b.Anomalies[0].Fix == "" {
				t.Fatalf("anomalies: %+v, want one on %s", b.Anomalies, tt.item)
			}
			for _, w := range tt.reason {
				if !strings.Contains(b.Anomalies[0].Reason, w) {
					t.Errorf("the reason %q does not name %q", b.Anomalies[0].Reason, w)
				}
			}
		})
	}
}
