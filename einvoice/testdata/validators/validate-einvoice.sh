#!/usr/bin/env bash
# validate-einvoice.sh FILE|DIR...  — third-party checks of French e-invoices (Factur-X / CII).
#
# For each Factur-X PDF: the embedded factur-x.xml is extracted and the PDF/A-3 + Factur-X
# container is checked (pdfa3_check.py: XMP pdfaid part 3, Factur-X XMP extension, OutputIntent
# with an ICC profile, /AF + /AFRelationship, every font embedded, no encryption, trailer /ID).
# For each CII XML (given or extracted), three validators that no one here wrote:
#   1. XSD   facturx-en16931/Factur-X_EN16931.xsd            (Factur-X 1.09, FNFE-MPE)
#   2. EN 16931 business rules, Factur-X EN16931 profile:   facturx-en16931/Factur-X_1.09_EN16931.xsl
#   3. French reform rules (BR-FR, "Flux 2"):               fr-ctc/BR-FR-Flux2-Schematron-CII.xslt
# plus, with --en16931, the European Commission's generic CII rules (en16931-cii/).
# A failed assert flagged "fatal" or "error" (or unflagged) fails the file; "warning"/"information"
# are printed only. Exit 0 when every file passes, 1 otherwise, 2 when the tools are missing.
# Needs (Debian): default-jre-headless libsaxonhe-java libxml2-utils poppler-utils python3-pikepdf
# Many files: give a folder; one JVM validates all its XML files per rule set (seconds, not minutes).
set -u
here=$(cd "$(dirname "$0")" && pwd)
saxon=/usr/share/java/Saxon-HE.jar
generic=0
[ "${1:-}" = --en16931 ] && { generic=1; shift; }
# savbilling: this copy does not carry en16931-cii/ (the Factur-X EN16931 Schematron covers its rules)
[ $generic = 1 ] && [ ! -d "$here/en16931-cii" ] && { echo "--en16931: en16931-cii/ is not in this copy: use ../shared/validators"; exit 2; }
[ $# -ge 1 ] || { sed -n '2,17p' "$0"; exit 2; }
for t in java xmllint pdfdetach python3 /usr/bin/python3; do command -v $t >/dev/null || { echo "missing $t: apt-get install default-jre-headless libsaxonhe-java libxml2-utils poppler-utils python3-pikepdf"; exit 2; }; done
[ -f "$saxon" ] || { echo "missing $saxon: apt-get install libsaxonhe-java"; exit 2; }

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/xml"
bad=0; n=0
add_xml() { n=$((n+1)); cp "$1" "$work/xml/$(printf %06d $n)__$(basename "$2" | tr -c 'A-Za-z0-9._-' _).xml"; }
take() {
  local f=$1
  case "$f" in
    *.pdf|*.PDF)
      if ! /usr/bin/python3 "$here/pdfa3_check.py" "$f"; then bad=1; fi
      local d="$work/x$n"; mkdir -p "$d"
      if pdfdetach -savefile factur-x.xml -o "$d/factur-x.xml" "$f" >/dev/null 2>&1; then add_xml "$d/factur-x.xml" "$f"
      else echo "FAIL $f: no embedded factur-x.xml"; bad=1; fi ;;
    *.xml|*.XML) add_xml "$f" "$f" ;;
  esac
}
for a in "$@"; do
  if [ -d "$a" ]; then while IFS= read -r -d '' f; do take "$f"; done < <(find "$a" -type f \( -iname '*.pdf' -o -iname '*.xml' \) -print0 | sort -z)
  else take "$a"; fi
done
[ "$n" -gt 0 ] || { echo "no XML to validate"; exit 1; }

# 1. XSD
for x in "$work"/xml/*.xml; do
  if ! out=$(xmllint --noout --schema "$here/facturx-en16931/Factur-X_EN16931.xsd" "$x" 2>&1); then
    echo "FAIL ${x##*__} (XSD Factur-X EN16931): $(echo "$out" | grep -v validates | head -3 | tr '\n' ' ')"; bad=1
  fi
done
# 2-4. schematrons, one JVM per rule set over the whole folder
run_sch() { # name xsl
  mkdir -p "$work/svrl-$1"
  java -Xss8m -jar "$saxon" -s:"$work/xml" -xsl:"$2" -o:"$work/svrl-$1" >"$work/$1.log" 2>&1 || { echo "FAIL $1: saxon: $(tail -2 "$work/$1.log")"; bad=1; return; }
  python3 - "$1" "$work/svrl-$1" <<'EOF' || bad=1
import sys, os, glob, xml.etree.ElementTree as ET
name, d = sys.argv[1], sys.argv[2]
S = "{http://purl.oclc.org/dsdl/svrl}"
failed = 0
for p in sorted(glob.glob(os.path.join(d, "*.xml"))):
    doc = os.path.basename(p).split("__", 1)[-1]
    for fa in ET.parse(p).getroot().iter(S + "failed-assert"):
        flag = (fa.get("flag") or "fatal").lower()
        text = " ".join("".join(fa.find(S + "text").itertext()).split()) if fa.find(S + "text") is not None else ""
        level = "FAIL" if flag in ("fatal", "error") else flag.upper()
        print(f"{level} {doc} ({name} {fa.get('id') or ''}): {text[:300]}")
        failed += level == "FAIL"
sys.exit(1 if failed else 0)
EOF
}
run_sch EN16931-FacturX "$here/facturx-en16931/Factur-X_1.09_EN16931.xsl"
run_sch BR-FR "$here/fr-ctc/BR-FR-Flux2-Schematron-CII.xslt"
[ $generic = 1 ] && run_sch EN16931-CII "$here/en16931-cii/EN16931-CII-validation.xslt"
if [ $bad = 0 ]; then echo "OK: $n e-invoice(s) pass XSD, EN 16931 (Factur-X) and BR-FR rules"; exit 0; fi
echo "$n e-invoice(s) checked: failures above"; exit 1
