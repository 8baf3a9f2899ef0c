package reconcile

import (
	"fmt"

	sb "savbilling"
)

// anomalies collects the anomalies of one close, in the order they are found.
type anomalies []sb.Anomaly

func (a *anomalies) block(item string, repairer int64, reason, fix string) {
	*a = append(*a, sb.Anomaly{Item: item, RepairerID: repairer, Reason: reason, Fix: fix, Blocking: true})
}

func (a *anomalies) warn(item string, repairer int64, reason, fix string) {
	*a = append(*a, sb.Anomaly{Item: item, RepairerID: repairer, Reason: reason, Fix: fix})
}

func interventionItem(id int64) string { return fmt.Sprintf("intervention %d", id) }
func savItem(id int64) string          { return fmt.Sprintf("SAV %d", id) }

// problem is a reason and its fix: the smallest item that is wrong is held with it.
type problem struct{ reason, fix string }

func (p *problem) Error() string { return p.reason }

func newProblem(fix, format string, args ...any) *problem {
	return &problem{reason: fmt.Sprintf(format, args...), fix: fix}
}
