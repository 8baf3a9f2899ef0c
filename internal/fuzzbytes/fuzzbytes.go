// Package fuzzbytes turns the bytes of a go test -fuzz input into choices: the fuzz targets of
// reconcile and faults decode their random inputs with it.
package fuzzbytes

// Reader reads a fuzz input one byte at a time; past its end it reads zeros, so that every
// input, however short, decodes to something.
type Reader struct {
	b []byte
	i int
}

// New reads data.
func New(data []byte) *Reader { return &Reader{b: data} }

// Byte is the next byte, or 0 past the end.
func (r *Reader) Byte() byte {
	if r.i >= len(r.b) {
		return 0
	}
	r.i++
	return r.b[r.i-1]
}

// Intn is a choice in 0..n-1 (n ≤ 256), from the next byte.
func (r *Reader) Intn(n int) int { return int(r.Byte()) % n }

// Bool is a choice from the next byte.
func (r *Reader) Bool() bool { return r.Byte()&1 == 1 }
