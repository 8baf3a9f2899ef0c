package gofpdf

// savbilling patch: this file is savbilling's (policy kind 3, README.md): the parts of PDF/A-3
// that a Factur-X invoice needs, written only for a document given SetPDFA3. A document without
// it goes through none of this code and keeps upstream's bytes (verify.sh).

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"strconv"
	"sync"
	"time"
)

// pdfaFile is a file embedded as a PDF/A-3 associated file.
type pdfaFile struct {
	name, description, mimeType, relationship string
	content                                   []byte
	modDate                                   time.Time
}

// pdfaState is what SetPDFA3 and AddAssociatedFile asked for, and the object numbers written.
type pdfaState struct {
	xmp, icc  []byte
	condition string
	files     []pdfaFile
	metadata  int    // object number of the XMP stream
	intent    int    // of the output intent
	fileObjs  []int  // of each file's file specification
	id        []byte // the MD5 of the XMP: the trailer's /ID
}

// SetPDFA3 makes the document a PDF/A-3 document: PDF 1.7 header with a binary comment line,
// the XMP metadata xmp (an x:xmpmeta packet in UTF-8, written uncompressed, which must agree
// with the document information and declare pdfaid:part 3), an output intent with the RGB ICC
// profile icc (e.g. sRGB; compressed once per profile slice) named outputCondition (e.g.
// "sRGB IEC61966-2.1"), the associated files of AddAssociatedFile, the trailer's /ID, and the
// dates in UTC with their zone. Every font of such a document must be embedded (a UTF-8 font):
// PDF/A forbids the core fonts. PDF/A forbids encryption: with SetProtection, Output fails.
//
// The arguments are of the standard library's types only, so that a caller can reach the
// method through an interface and still build with upstream gofpdf (verify.sh).
func (f *Fpdf) SetPDFA3(xmp, icc []byte, outputCondition string) {
	if f.pdfa == nil {
		f.pdfa = &pdfaState{}
	}
	f.pdfa.xmp, f.pdfa.icc, f.pdfa.condition = xmp, icc, outputCondition
}

// AddAssociatedFile embeds a file as a PDF/A-3 associated file of the document (after
// SetPDFA3): listed in the catalog's /AF with its /AFRelationship (Data, Source, Alternative,
// Supplement or Unspecified) and in the /EmbeddedFiles name tree by its name; its stream has
// the /Subtype mimeType (e.g. text/xml) and /Params /ModDate modDate.
func (f *Fpdf) AddAssociatedFile(name, description, mimeType, relationship string, content []byte, modDate time.Time) {
	if f.pdfa == nil {
		f.pdfa = &pdfaState{}
	}
	f.pdfa.files = append(f.pdfa.files, pdfaFile{name, description, mimeType, relationship, content, modDate})
}

// iccCache holds the compressed form of each ICC profile given, by its first byte's address
// and length (the profile is a package-level slice of the caller's: the same for every document).
var iccCache sync.Map // iccKey → []byte

type iccKey struct {
	p *byte
	n int
}

func compressedICC(icc []byte) []byte {
	if len(icc) == 0 {
		return nil
	}
	k := iccKey{&icc[0], len(icc)}
	if c, ok := iccCache.Load(k); ok {
		return c.([]byte)
	}
	c := append([]byte(nil), sliceCompress(icc)...)
	iccCache.Store(k, c)
	return c
}

// pdfaHeader raises the version to 1.7 and adds the binary comment line PDF/A requires.
func (f *Fpdf) pdfaHeader() {
	if f.pdfa == nil {
		return
	}
	f.out("%\xe2\xe3\xcf\xd3")
}

// pdfaDate is a PDF date in UTC with its zone, as XMP dates are written (2006-01-02T15:04:05Z).
func pdfaDate(t time.Time) string {
	return "D:" + t.UTC().Format("20060102150405") + "Z"
}

// putPDFA writes the XMP stream, the ICC profile and output intent, and the associated files.
func (f *Fpdf) putPDFA() {
	a := f.pdfa
	if a == nil {
		return
	}
	if f.protect.encrypted {
		f.err = errors.New("gofpdf: a PDF/A document cannot be encrypted")
		return
	}
	f.newobj()
	f.outInt("<< /Type /Metadata /Subtype /XML /Length ", len(a.xmp), " >>")
	f.putstream(a.xmp)
	f.out("endobj")
	a.metadata = f.n

	icc := compressedICC(a.icc)
	f.newobj()
	f.outInt("<< /N 3 /Filter /FlateDecode /Length ", len(icc), " >>")
	f.putstream(icc)
	f.out("endobj")
	f.newobj()
	cond := f.textstring(a.condition)
	f.out("<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier " + cond + " /Info " + cond +
		" /DestOutputProfile " + strconv.Itoa(f.n-1) + " 0 R >>")
	f.out("endobj")
	a.intent = f.n

	a.fileObjs = a.fileObjs[:0]
	for _, file := range a.files {
		// compressed into a recycled buffer, as the pages are: a close embeds 20 000 XML files
		// of ~70 kB (savbilling patch)
		cmp := pageStreams.Get().(*bytes.Buffer)
		compressTo(cmp, file.content)
		compressed := cmp.Bytes()
		f.newobj()
		f.out("<< /Type /EmbeddedFile /Subtype /" + pdfName(file.mimeType) + " /Filter /FlateDecode /Length " +
			strconv.Itoa(len(compressed)) + " /Params << /ModDate " + f.textstring(pdfaDate(file.modDate)) +
			" /Size " + strconv.Itoa(len(file.content)) + " >> >>") // no /CheckSum (optional): its MD5 was 15 % of a Factur-X statement's time
		f.putstream(compressed)
		if cmp.Cap() <= maxRecycled {
			pageStreams.Put(cmp)
		}
		f.out("endobj")
		f.newobj()
		name := f.textstring(file.name)
		uf := name // an ASCII name as it is (poppler's pdfdetach -savefile matches no UTF-16 one)
		for i := 0; i < len(file.name); i++ {
			if file.name[i] >= 0x80 {
				uf = f.textstring(utf8toutf16(file.name))
				break
			}
		}
		rel := file.relationship
		if rel == "" {
			rel = "Unspecified"
		}
		f.out("<< /Type /Filespec /F " + name + " /UF " + uf +
			" /EF << /F " + strconv.Itoa(f.n-1) + " 0 R /UF " + strconv.Itoa(f.n-1) + " 0 R >> /Desc " +
			f.textstring(utf8toutf16(file.description)) + " /AFRelationship /" + pdfName(rel) + " >>")
		f.out("endobj")
		a.fileObjs = append(a.fileObjs, f.n)
	}
	sum := md5.Sum(a.xmp)
	a.id = sum[:]
}

// pdfName writes s as a PDF name's characters: # and the delimiters as #xx (text/xml → text#2Fxml).
func pdfName(s string) string {
	b := make([]byte, 0, len(s)+4)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '!' || c > '~' || c == '#' || c == '/' || c == '(' || c == ')' || c == '<' || c == '>' ||
			c == '[' || c == ']' || c == '{' || c == '}' || c == '%' {
			b = append(b, '#', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
			continue
		}
		b = append(b, c)
	}
	return string(b)
}

// pdfaEmbeddedFiles is the /EmbeddedFiles name tree of a PDF/A document: its associated files
// by name (sorted, as a name tree requires), then the attachments.
func (f *Fpdf) pdfaEmbeddedFiles() string {
	type entry struct {
		name string
		obj  int
	}
	var es []entry
	for i, file := range f.pdfa.files {
		es = append(es, entry{file.name, f.pdfa.fileObjs[i]})
	}
	for i := 1; i < len(es); i++ { // a few files: insertion sort
		for j := i; j > 0 && es[j].name < es[j-1].name; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
	s := "<< /Names ["
	for _, e := range es {
		s += " " + f.textstring(e.name) + " " + strconv.Itoa(e.obj) + " 0 R"
	}
	for i, as := range f.attachments {
		s += " (Attachement" + strconv.Itoa(i+1) + ") " + strconv.Itoa(as.objectNumber) + " 0 R"
	}
	return s + " ] >>"
}

// pdfaCatalog adds the catalog's /Metadata, /OutputIntents and /AF.
func (f *Fpdf) pdfaCatalog() {
	a := f.pdfa
	if a == nil {
		return
	}
	f.outInt("/Metadata ", a.metadata, " 0 R")
	f.outInt("/OutputIntents [", a.intent, " 0 R]")
	af := "/AF ["
	for i, n := range a.fileObjs {
		if i > 0 {
			af += " "
		}
		af += strconv.Itoa(n) + " 0 R"
	}
	f.out(af + "]")
}

// pdfaTrailer adds the trailer's /ID: twice the MD5 of the XMP, whose title and dates tell the
// document apart (an invoice's title names its number): the same document, the same ID; another
// invoice, another ID. (The MD5 of the whole document cost a tenth of its time.)
func (f *Fpdf) pdfaTrailer() {
	if f.pdfa == nil || f.protect.encrypted {
		return
	}
	id := hex.EncodeToString(f.pdfa.id)
	f.out("/ID [<" + id + "> <" + id + ">]")
}

// UseRunes marks runes as printed with the UTF-8 font familyStr/styleStr added with
// AddUTF8Font*, as if the document had printed them (savbilling patch): its embedded subset
// then holds them too. A caller that marks the same common set in every document makes most
// documents use the same subset, which the font's subset cache then computes once instead of
// once per set of runes. Unknown fonts and core fonts are ignored.
func (f *Fpdf) UseRunes(familyStr, styleStr, runes string) {
	font, ok := f.fonts[getFontKey(familyStr, styleStr)]
	if !ok || font.usedRunes == nil {
		return
	}
	markRunesOf(font, runes)
}
