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

// bookOperations adds the operations of a commission line booked from iv, one of
// in.Interventions, to b.Operations; the first sizes it for every operation of in.Interventions,
// so that a close reading a month in full does not grow it by copies.
func bookOperations(b *sb.Book, in *sb.CloseInput, iv sb.Intervention) {
	if b.Operations == nil && len(iv.Operations) > 0 {
		n := 0
		for i := range in.Interventions {
			n += len(in.Interventions[i].Operations)
		}
		b.Operations = make([]sb.BookedOperation, 0, n)
	}
	for _, op := range iv.Operations {
		b.Operations = append(b.Operations, sb.BookedOperation{OperationID: op.ID, InterventionID: iv.ID})
	}
}

// addedOperations reports the operations added to an intervention after it was paid
// (CloseInput.AddedOperations): an intervention is booked once, whole, so they are not paid; the
// work is paid once it is recorded on an intervention not booked yet.
func addedOperations(in *sb.CloseInput, anoms *anomalies) {
	for _, op := range in.AddedOperations {
		anoms.block(fmt.Sprintf("opération %d", op.OperationID), op.RepairerID,
			fmt.Sprintf("opération ajoutée à l'intervention %d après son paiement (période %s) : non payée (commission %d centimes) ; "+
				"une intervention est payée une fois, entière", op.InterventionID, op.Period, op.CommissionCents),
			fmt.Sprintf("enregistrer ce travail sur une nouvelle intervention, ou remettre l'opération sur l'intervention non payée "+
				"d'où elle vient (intervention_operations.intervention_id) : elle y sera payée ; l'intervention %d ne l'est pas deux fois", op.InterventionID))
	}
}
