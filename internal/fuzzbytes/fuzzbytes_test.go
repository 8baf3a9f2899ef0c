package fuzzbytes

import "testing"

func TestReader(t *testing.T) {
	r := New([]byte{7, 255, 3})
	if got := r.Intn(5); got != 2 {
		t.Errorf("Intn(5) of 7 = %d, want 2", got)
	}
	if !r.Bool() {
		t.Errorf("Bool of 255 = false, want true")
	}
	if got := r.Byte(); got != 3 {
		t.Errorf("Byte = %d, want 3", got)
	}
	if got := r.Byte(); got != 0 {
		t.Errorf("Byte past the end = %d, want 0", got)
	}
}
