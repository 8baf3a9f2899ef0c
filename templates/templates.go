// Package templates holds what the PDF documents print that is not data: every French label and
// legal mention (texts.toml), the network's default identity (network.toml) and the UTF-8 fonts
// used for names that the PDF core fonts cannot print (fonts/: DejaVu Sans, and Droid Sans
// Fallback for CJK, each with its licence; see docs/fonts.md).
//
// The files are embedded in the binary. A folder given in the configuration overrides them file
// by file: a texts.toml there replaces the embedded one in full, a fonts/DejaVuSans.ttf there
// replaces the embedded regular font, and so on. Load checks everything at once (bad TOML, a
// missing, empty or unknown key, a misspelt placeholder, a file that is not a TrueType font), so
// that a bad override stops the job at start-up, not in the middle of a close.
//
// Texts use named placeholders in braces, « Facture émise par {network} au nom et pour le
// compte de {repairer} », filled with Fill.
package templates

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	sb "savbilling"
	"savbilling/frfmt"
	"savbilling/internal/glyphs"
	"savbilling/internal/ttfslim"
)

//go:embed texts.toml network.toml fonts/DejaVuSans.ttf fonts/DejaVuSans-Bold.ttf fonts/LICENSE
//go:embed fonts/DroidSansFallbackFull.ttf fonts/LICENSE-DroidSansFallback
var embedded embed.FS

// The names of the template files, relative to the embedded root or to an override folder.
const (
	TextsFile       = "texts.toml"
	NetworkFile     = "network.toml"
	FontRegularFile = "fonts/DejaVuSans.ttf"
	FontBoldFile    = "fonts/DejaVuSans-Bold.ttf"
	FontLicenseFile = "fonts/LICENSE"
	// FontFallbackFile is Droid Sans Fallback (Apache-2.0, Debian's fonts-droid-fallback): the
	// CJK glyphs DejaVu Sans lacks (docs/fonts.md).
	FontFallbackFile        = "fonts/DroidSansFallbackFull.ttf"
	FontFallbackLicenseFile = "fonts/LICENSE-DroidSansFallback"
)

// Set is one loaded, checked set of templates. It is read-only after Load and safe for
// concurrent use.
type Set struct {
	// Texts are the labels and mentions of the documents.
	Texts Texts
	// Network is the network's default identity, for the configuration to freeze into the
	// ledger at close (CloseInput.Issuer). The renderers print Book.Issuer, never this.
	Network sb.Issuer
	// Fonts are the UTF-8 fonts documents embed (Factur-X documents always, others when their
	// text falls outside cp1252): the font files without their hinting (package ttfslim).
	Fonts Fonts
	// HintedFonts are the font files as they are, hinting included: what documents of format 1
	// embedded (see invoices.DocumentsFormat), kept to reproduce them to the byte.
	HintedFonts Fonts
	// Glyphs is the fallback chain of Fonts: which font draws each rune (package glyphs).
	Glyphs *glyphs.Chain
	// Overridden lists the files taken from the override folder, in file-name order.
	Overridden []string
}

// Fonts holds TrueType font files.
type Fonts struct {
	Regular  []byte // DejaVu Sans
	Bold     []byte // DejaVu Sans Bold
	Fallback []byte // Droid Sans Fallback: for the runes DejaVu Sans lacks (CJK)
}

// network is the form of network.toml.
type network struct {
	Network struct {
		Name      string `toml:"name"`
		LegalForm string `toml:"legal_form"`
		Address   string `toml:"address"`
		SIRET     string `toml:"siret"`
		VATNumber string `toml:"vat_number"`
		RCS       string `toml:"rcs"`
		Email     string `toml:"email" optional:"true"`
		IBAN      string `toml:"iban"`
		BIC       string `toml:"bic"`
		// the bank file's structured address of the network (issue 23); blank: read from address
		Postcode    string `toml:"postcode" optional:"true"`
		City        string `toml:"city" optional:"true"`
		CountryCode string `toml:"country_code" optional:"true"`
	} `toml:"network"`
}

// Load reads the embedded templates, each file replaced by its namesake in overrideDir when
// there is one ("" means the embedded files only), and checks them all.
func Load(overrideDir string) (*Set, error) {
	var over fs.FS
	if overrideDir != "" {
		st, err := os.Stat(overrideDir)
		if err != nil {
			return nil, fmt.Errorf("templates: override folder: %w", err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("templates: override folder %s is not a folder", overrideDir)
		}
		over = os.DirFS(overrideDir)
	}
	return load(embedded, over, overrideDir)
}

// load reads each file from over when it has it, else from base. overName names over in errors.
func load(base, over fs.FS, overName string) (*Set, error) {
	s := &Set{}
	read := func(name string) ([]byte, string, error) {
		if over != nil {
			data, err := fs.ReadFile(over, name)
			if err == nil {
				s.Overridden = append(s.Overridden, name)
				return data, filepath.Join(overName, filepath.FromSlash(name)), nil
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return nil, "", fmt.Errorf("templates: %w", err)
			}
		}
		data, err := fs.ReadFile(base, name)
		if err != nil {
			return nil, "", fmt.Errorf("templates: embedded %s: %w", name, err)
		}
		return data, name + " (embedded)", nil
	}

	data, where, err := read(TextsFile)
	if err != nil {
		return nil, err
	}
	if err := decodeStrict(data, where, &s.Texts, "ph"); err != nil {
		return nil, err
	}

	if data, where, err = read(NetworkFile); err != nil {
		return nil, err
	}
	var n network
	if err := decodeStrict(data, where, &n, ""); err != nil {
		return nil, err
	}
	s.Network = sb.Issuer{Name: n.Network.Name, LegalForm: n.Network.LegalForm,
		Address: n.Network.Address, SIRET: n.Network.SIRET, VATNumber: n.Network.VATNumber,
		RCS: n.Network.RCS, Email: n.Network.Email, IBAN: n.Network.IBAN, BIC: n.Network.BIC,
		Postcode: n.Network.Postcode, City: n.Network.City, CountryCode: n.Network.CountryCode}

	for _, f := range []struct {
		name string
		dst  *[]byte
	}{{FontRegularFile, &s.Fonts.Regular}, {FontBoldFile, &s.Fonts.Bold}, {FontFallbackFile, &s.Fonts.Fallback}} {
		if data, where, err = read(f.name); err != nil {
			return nil, err
		}
		if !isTrueType(data) {
			return nil, fmt.Errorf("templates: %s: not a TrueType font (.ttf with glyf outlines)", where)
		}
		*f.dst = data
	}
	if s.Glyphs, err = glyphs.NewChain(s.Fonts.Regular, s.Fonts.Bold, s.Fonts.Fallback); err != nil {
		return nil, fmt.Errorf("templates: fonts: %w", err)
	}
	s.HintedFonts = s.Fonts
	for _, f := range []*[]byte{&s.Fonts.Regular, &s.Fonts.Bold, &s.Fonts.Fallback} {
		*f = slimmed(*f)
	}
	slices.Sort(s.Overridden)
	return s, nil
}

// slims caches what slimmed made of each font file, by its content: every Load reads the
// embedded fonts again (a fresh copy: embed.FS gives one), and tests load hundreds of sets.
var slims struct {
	sync.Mutex
	seed  maphash.Seed
	byKey map[uint64]slimPair
}

type slimPair struct{ font, slim []byte }

// slimmed is font without its hinting (ttfslim.Slim), or font itself when that is not smaller
// or the file cannot be slimmed (gofpdf embeds it as it is, as before).
func slimmed(font []byte) []byte {
	slims.Lock()
	defer slims.Unlock()
	if slims.byKey == nil || len(slims.byKey) > 16 { // a few fonts, and a few overrides at most
		slims.seed, slims.byKey = maphash.MakeSeed(), map[uint64]slimPair{}
	}
	k := maphash.Bytes(slims.seed, font)
	if p, ok := slims.byKey[k]; ok && bytes.Equal(p.font, font) {
		return p.slim
	}
	out, err := ttfslim.Slim(font)
	if err != nil || len(out) >= len(font) {
		out = font
	}
	slims.byKey[k] = slimPair{font, out}
	return out
}

// isTrueType reports whether data starts like a TrueType font file, the only kind gofpdf embeds.
func isTrueType(data []byte) bool {
	return len(data) > 12 && (bytes.HasPrefix(data, []byte{0, 1, 0, 0}) || bytes.HasPrefix(data, []byte("true")))
}

// decodeStrict decodes TOML data into v (a pointer to a struct of structs of strings) and checks
// that every string field is defined and not blank (unless tagged optional), that no key is
// unknown and, when checkPlaceholders, that each text uses its placeholders as its ph (required)
// and opt (optional) tags say.
func decodeStrict(data []byte, where string, v any, phTag string) error {
	md, err := toml.Decode(string(data), v)
	if err != nil {
		return fmt.Errorf("templates: %s: %w", where, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return fmt.Errorf("templates: %s: unknown key %s", where, und[0])
	}
	var errs []error
	var walk func(rv reflect.Value, path []string)
	walk = func(rv reflect.Value, path []string) {
		rt := rv.Type()
		for i := range rt.NumField() {
			sf := rt.Field(i)
			key := sf.Tag.Get("toml")
			p := append(slices.Clone(path), key)
			fv := rv.Field(i)
			switch fv.Kind() {
			case reflect.Struct:
				walk(fv, p)
			case reflect.String:
				name := strings.Join(p, ".")
				if sf.Tag.Get("optional") == "true" {
					continue
				}
				if !md.IsDefined(p...) {
					errs = append(errs, fmt.Errorf("templates: %s: missing key %s", where, name))
					continue
				}
				if strings.TrimSpace(fv.String()) == "" {
					errs = append(errs, fmt.Errorf("templates: %s: key %s is empty", where, name))
					continue
				}
				if phTag != "" {
					if err := checkPlaceholders(fv.String(), sf.Tag.Get("ph"), sf.Tag.Get("opt")); err != nil {
						errs = append(errs, fmt.Errorf("templates: %s: key %s: %w", where, name, err))
					}
				}
			}
		}
	}
	walk(reflect.ValueOf(v).Elem(), nil)
	return errors.Join(errs...)
}

// checkPlaceholders checks that text holds every placeholder of required and no placeholder
// outside required and optional (both comma-separated lists of names).
func checkPlaceholders(text, required, optional string) error {
	allowed := map[string]bool{}
	var req []string
	if required != "" {
		req = strings.Split(required, ",")
	}
	for _, n := range req {
		allowed[n] = true
	}
	if optional != "" {
		for _, n := range strings.Split(optional, ",") {
			allowed[n] = true
		}
	}
	used := map[string]bool{}
	rest := text
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return fmt.Errorf("unclosed « { » in %q", text)
		}
		name := rest[i+1 : i+j]
		if !allowed[name] {
			names := slices.Sorted(func(yield func(string) bool) {
				for n := range allowed {
					if !yield(n) {
						return
					}
				}
			})
			if len(names) == 0 {
				return fmt.Errorf("unknown placeholder {%s}: this text takes none", name)
			}
			return fmt.Errorf("unknown placeholder {%s}: this text takes {%s}", name, strings.Join(names, "}, {"))
		}
		used[name] = true
		rest = rest[i+j+1:]
	}
	for _, n := range req {
		if !used[n] {
			return fmt.Errorf("placeholder {%s} is required", n)
		}
	}
	return nil
}

// Fill replaces the placeholders of text: Fill("N° {number}", "number", "REL-1-2026-0001").
// args are name, value pairs; a placeholder without a value is left as written. Load has
// checked that each text uses only its own placeholders. The word « de » (or « De ») right
// before a placeholder is elided when the value asks it (frfmt.Elides): « pour le compte de
// {repairer} » prints « pour le compte d'Éloïse Martin ».
func Fill(text string, args ...string) string {
	if strings.IndexByte(text, '{') < 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 32)
	rest := text
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			break
		}
		name := rest[i+1 : i+j]
		val, ok := "", false
		for k := 0; k+1 < len(args); k += 2 {
			if args[k] == name {
				val, ok = args[k+1], true
				break
			}
		}
		before := rest[:i]
		if ok && elidedDe(before) && frfmt.Elides(val) {
			// « de {repairer} » with Éloïse: « d'Éloïse »
			b.WriteString(before[:len(before)-3])
			b.WriteString(before[len(before)-3 : len(before)-2])
			b.WriteString("'")
		} else {
			b.WriteString(before)
		}
		if ok {
			b.WriteString(val)
		} else {
			b.WriteString(rest[i : i+j+1])
		}
		rest = rest[i+j+1:]
	}
	b.WriteString(rest)
	return b.String()
}

// elidedDe reports whether text ends with the word « de » and a space.
func elidedDe(text string) bool {
	if !strings.HasSuffix(text, "de ") && !strings.HasSuffix(text, "De ") {
		return false
	}
	if len(text) == 3 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(text[:len(text)-3])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// Embedded returns the embedded template files, e.g. to copy them into an override folder as a
// starting point.
func Embedded() fs.FS { return embedded }
