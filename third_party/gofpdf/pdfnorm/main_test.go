package main

import (
	"bytes"
	stdzlib "compress/zlib"
	"strconv"
	"testing"

	"github.com/klauspost/compress/zlib"
)

// pdfWith is a one-stream PDF whose stream is content compressed by compress, with its
// cross-reference section.
func pdfWith(content string, compress func([]byte) []byte) []byte {
	z := compress([]byte(content))
	var b bytes.Buffer
	b.WriteString("%PDF-1.3\n3 0 obj\n<</Filter /FlateDecode /Length " + strconv.Itoa(len(z)) + ">>\nstream\n")
	b.Write(z)
	b.WriteString("\nendstream\nendobj\n4 0 obj\n<</Length 5>>\nstream\nplain\nendstream\nendobj\n")
	b.WriteString("xref\n0 5\n0000000000 65535 f \n0000000" + strconv.Itoa(100+len(z)) + " 00000 n \ntrailer\n<</Size 5>>\n%%EOF\n")
	return b.Bytes()
}

func std(level int) func([]byte) []byte {
	return func(p []byte) []byte {
		var b bytes.Buffer
		w, _ := stdzlib.NewWriterLevel(&b, level)
		w.Write(p)
		w.Close()
		return b.Bytes()
	}
}

func klauspost(p []byte) []byte {
	var b bytes.Buffer
	w, _ := zlib.NewWriterLevel(&b, zlib.BestSpeed)
	w.Write(p)
	w.Close()
	return b.Bytes()
}

// TestNormalize: the same page compressed by two deflate implementations normalizes to the same
// bytes, with the stream inflated; another page does not.
func TestNormalize(t *testing.T) {
	page := "BT /F1 10 Tf 56.69 785.20 Td (Relevé de commissions — 1 234,56 €) Tj ET\n"
	for i := 0; i < 5; i++ {
		page += page
	}
	a, b := pdfWith(page, std(stdzlib.BestCompression)), pdfWith(page, klauspost)
	if bytes.Equal(a, b) {
		t.Fatal("the two compressions gave the same bytes: the test proves nothing")
	}
	na, err := normalize(a)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := normalize(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(na, nb) {
		t.Errorf("normalized PDFs differ:\n%q\n%q", na, nb)
	}
	if !bytes.Contains(na, []byte(page)) || bytes.Contains(na, []byte("xref")) || !bytes.Contains(na, []byte("stream\nplain\n")) {
		t.Errorf("normalized PDF: want the page inflated, the plain stream kept and no xref:\n%q", na)
	}
	other, err := normalize(pdfWith(page+"x", klauspost))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(other, na) {
		t.Error("another page normalizes to the same bytes")
	}
	if _, err := normalize([]byte("<</Filter /FlateDecode /Length 99>>\nstream\nabc")); err == nil {
		t.Error("a stream longer than the file: no error")
	}
}
