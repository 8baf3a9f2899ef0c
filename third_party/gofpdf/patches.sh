#!/bin/sh
# PATCHES.diff is every change of this copy against upstream gofpdf v1.16.2: the upstream
# package's non-test files, formatted with gofmt as the copy is, diffed against the copy's.
#
#   ./patches.sh          exit 1 when PATCHES.diff is not the copy's diff (a patch not recorded)
#   ./patches.sh --write  write PATCHES.diff from the copy
#
# Upstream comes from the module cache or through the Go module proxy.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
upstream=$(cd "$tmp" && go mod download -json github.com/jung-kurt/gofpdf@v1.16.2 |
	sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$upstream" ] || { echo "patches.sh: upstream gofpdf v1.16.2 not found" >&2; exit 1; }
mkdir "$tmp/a" "$tmp/b"
for f in "$upstream"/*.go; do
	case $f in *_test.go) continue ;; esac
	cp "$f" "$tmp/a/"
done
chmod -R u+w "$tmp/a"
gofmt -w "$tmp/a"
(cd "$here" && for f in *.go; do
	case $f in *_test.go) continue ;; esac
	cp "$f" "$tmp/b/"
done)
(cd "$tmp" && diff -ruN a b | sed -e 's/^\(---\|+++\) \([^\t]*\)\t.*$/\1 \2/' >"$tmp/PATCHES.diff") || true
if [ "${1:-}" = --write ]; then
	cp "$tmp/PATCHES.diff" "$here/PATCHES.diff"
	echo "patches.sh: wrote PATCHES.diff ($(grep -c '^@@' "$here/PATCHES.diff") hunks)"
	exit 0
fi
if cmp -s "$tmp/PATCHES.diff" "$here/PATCHES.diff"; then
	echo "patches.sh: PATCHES.diff is the copy's whole diff against upstream v1.16.2 ($(grep -c '^@@' "$here/PATCHES.diff") hunks)"
else
	echo "patches.sh: the copy differs from upstream v1.16.2 by more or less than PATCHES.diff says; review the change and run third_party/gofpdf/patches.sh --write" >&2
	diff "$here/PATCHES.diff" "$tmp/PATCHES.diff" | head -40 >&2
	exit 1
fi
