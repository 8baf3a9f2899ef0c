//go:build !linux

package atomicfile

// sync makes the batch's files durable, one fsync each.
func (b *Batch) sync() error { return b.syncEach() }
