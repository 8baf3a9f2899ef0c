// Command pdfnorm rewrites, in place, every PDF under the folders it is given with its
// FlateDecode streams inflated, their /Length values replaced by "?", and the cross-reference
// table and trailer cut (their offsets follow the streams' lengths). Two PDFs that differ only
// in how a deflate implementation compressed their streams are then byte-identical: verify.sh
// compares this copy of gofpdf with upstream's through it (savbilling patch: the copy compresses
// with github.com/klauspost/compress, upstream with compress/zlib).
package main

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
)

// streamHead matches the dictionary of a stream object and its "stream" keyword.
var (
	streamHead = regexp.MustCompile(`<<([^<>]*)>>\nstream\n`)
	lengthKey  = regexp.MustCompile(`/Length (\d+)`)
)

func main() {
	for _, dir := range os.Args[1:] {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(path) != ".pdf" {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			n, err := normalize(b)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			return os.WriteFile(path, n, 0o644)
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "pdfnorm:", err)
			os.Exit(1)
		}
	}
}

// normalize returns pdf with its streams inflated and its cross-reference section cut.
func normalize(pdf []byte) ([]byte, error) {
	var out bytes.Buffer
	for {
		m := streamHead.FindSubmatchIndex(pdf)
		if m == nil {
			break
		}
		dict := pdf[m[2]:m[3]]
		l := lengthKey.FindSubmatch(dict)
		if l == nil {
			return nil, fmt.Errorf("stream without /Length: %q", dict)
		}
		length, err := strconv.Atoi(string(l[1]))
		if err != nil || m[1]+length > len(pdf) {
			return nil, fmt.Errorf("stream length %q", l[1])
		}
		data := pdf[m[1] : m[1]+length]
		if bytes.Contains(dict, []byte("/FlateDecode")) {
			r, err := zlib.NewReader(bytes.NewReader(data))
			if err != nil {
				return nil, err
			}
			if data, err = io.ReadAll(r); err != nil {
				return nil, err
			}
		}
		out.Write(pdf[:m[0]])
		out.WriteString("<<")
		out.Write(lengthKey.ReplaceAll(dict, []byte("/Length ?")))
		out.WriteString(">>\nstream\n")
		out.Write(data)
		pdf = pdf[m[1]+length:]
	}
	if i := bytes.LastIndex(pdf, []byte("\nxref\n")); i >= 0 {
		pdf = pdf[:i+1]
	}
	out.Write(pdf)
	return out.Bytes(), nil
}
