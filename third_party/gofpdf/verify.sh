#!/bin/sh
# Checks that this patched copy of gofpdf writes the same documents as upstream v1.16.2 (the same
# bytes once their compressed streams are inflated: pdfnorm): renders the
# invoices package's sample documents (core font and UTF-8 font, in parallel) with each and
# compares the files. Needs upstream in the module cache or through the module proxy. KEEP=1 keeps
# the rendered documents in the temporary folder (printed) to compare them by hand.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
[ -z "${KEEP:-}" ] || echo "documents kept in $tmp"
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
cd "$root"
INVOICES_SAMPLES="$tmp/patched" go test -count=1 -run '^TestWriteSamples$' ./invoices/ >/dev/null
# the same module without the replace directive, through -modfile: the working tree is untouched
cp go.mod "$tmp/go.mod"
cp go.sum "$tmp/go.sum"
go mod edit -modfile="$tmp/go.mod" -dropreplace github.com/jung-kurt/gofpdf
go mod download -modfile="$tmp/go.mod" github.com/jung-kurt/gofpdf # its go.sum lines (tidy drops them)
go get -modfile="$tmp/go.mod" github.com/jung-kurt/gofpdf@v1.16.2 >/dev/null 2>&1
INVOICES_SAMPLES="$tmp/upstream" go test -modfile="$tmp/go.mod" -count=1 -run '^TestWriteSamples$' ./invoices/ >/dev/null
n=$(find "$tmp/patched" -name '*.pdf' | wc -l)
# the copy compresses with another deflate: compare the documents with their streams inflated
(cd "$root/third_party/gofpdf" && go run ./pdfnorm "$tmp/patched" "$tmp/upstream")
if diff -r "$tmp/patched" "$tmp/upstream" >/dev/null; then
	echo "gofpdf patched copy: $n PDFs identical to upstream v1.16.2 once their streams are inflated (pdfnorm)"
else
	echo "gofpdf patched copy: PDFs DIFFER from upstream v1.16.2" >&2
	diff -r "$tmp/patched" "$tmp/upstream" >&2 || true
	exit 1
fi
