package store

import (
	"database/sql"
	"strings"
	"testing"
	"unsafe"
)

// TestSharedOfOneCopy checks that the values sharedOf reads from two rows are one string in
// memory: a month's cities, kinds and labels are held once each, not once per row.
func TestSharedOfOneCopy(t *testing.T) {
	a := sql.NullString{String: strings.Repeat("Lyon ", 2), Valid: true}
	b := sql.NullString{String: string([]byte("Lyon Lyon ")), Valid: true}
	if unsafe.StringData(a.String) == unsafe.StringData(b.String) {
		t.Fatal("the two rows' strings should be distinct copies to begin with")
	}
	x, y := sharedOf(a), sharedOf(b)
	if x != "Lyon Lyon " || y != x {
		t.Fatalf("sharedOf = %q and %q, want %q", x, y, "Lyon Lyon ")
	}
	if unsafe.StringData(x) != unsafe.StringData(y) {
		t.Fatal("sharedOf returned two copies of one value")
	}
	if got := sharedOf(sql.NullString{}); got != "" {
		t.Fatalf("sharedOf(NULL) = %q, want \"\"", got)
	}
}
