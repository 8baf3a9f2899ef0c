package store

import "context"

// SetSumChunk sets the number of interventions LoadSummedCloseInput reads per query on MySQL,
// and returns the function that restores it.
func SetSumChunk(n int) func() {
	old := sumChunk
	sumChunk = n
	return func() { sumChunk = old }
}

// UniqueIDs is uniqueIDs, for the tests.
func (tx *Tx) UniqueIDs(ctx context.Context, table string) (bool, error) {
	return tx.uniqueIDs(ctx, table)
}
