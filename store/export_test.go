package store

// SetSumChunk sets the number of interventions LoadSummedCloseInput reads per query on MySQL,
// and returns the function that restores it.
func SetSumChunk(n int) func() {
	old := sumChunk
	sumChunk = n
	return func() { sumChunk = old }
}
