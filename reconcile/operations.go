package reconcile

import (
	"fmt"

	sb "savbilling"
)

// bookedElsewhere holds an intervention holding an operation that the ledger booked already with
// another intervention (CloseInput.BookedOperations): the operation was moved after it was paid,
// and booking the intervention would pay it twice. The fix puts the operation back or removes
// it; the intervention stays eligible and is booked at the first close after it.
func bookedElsewhere(in *sb.CloseInput, iv sb.Intervention) *problem {
	if len(in.BookedOperations) == 0 {
		return nil
	}
	for _, op := range iv.Operations {
		bk, ok := in.BookedOperations[op.ID]
		if !ok {
			continue
		}
		return newProblem(fmt.Sprintf("remettre l'opération %d sur l'intervention %d (intervention_operations.intervention_id), "+
			"ou la retirer de l'intervention %d : un travail déjà payé ne l'est pas deux fois", op.ID, bk.InterventionID, iv.ID),
			"opération %d déjà payée avec l'intervention %d (période %s), puis déplacée sur l'intervention %d",
			op.ID, bk.InterventionID, bk.Period, iv.ID)
	}
	return nil
}

// bookOperations adds the operations of a commission line booked from iv to b.Operations.
func bookOperations(b *sb.Book, iv sb.Intervention) {
	for _, op := range iv.Operations {
		b.Operations = append(b.Operations, sb.BookedOperation{OperationID: op.ID, InterventionID: iv.ID})
	}
}
