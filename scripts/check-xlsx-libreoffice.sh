#!/usr/bin/env bash
# check-xlsx-libreoffice.sh — open finance workbooks in LibreOffice (headless) and check them.
#
#   scripts/check-xlsx-libreoffice.sh [WORKBOOK.xlsx ...]
#
# Without arguments, writes the reports package's sample workbooks first (worked example, a
# rich month, its dry run, an empty month, 3 000 SAV lines) with
#   go test ./reports -run TestExportSample -args -sample.out DIR
#
# For each workbook, LibreOffice converts every sheet to CSV twice, once recalculating every
# formula on load and once keeping the values stored in the file, and the script checks:
#   - LibreOffice opens it and writes the nine sheets, in the contract's order, each with its
#     headers in row 1 (Relevés and SAV start with the contract's columns);
#   - no formula ends in an error (Err:…, #NAME?, #VALUE!, #REF!, #DIV/0!, #N/A, #NUM!, #NULL!);
#   - every cell LibreOffice recalculates equals the value stored in the file, so the SUBTOTAL
#     totals LibreOffice computes match the totals written from the ledger to the cent.
# Exit 0 when every workbook passes, 1 otherwise, 2 when LibreOffice is missing.
# The Go test suite does not depend on this script.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
soffice=${SOFFICE:-$(command -v soffice || command -v libreoffice || true)}
if [[ -z $soffice ]]; then
	echo "LibreOffice not found (apt-get install -y --no-install-recommends libreoffice-calc)" >&2
	exit 2
fi
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/check-xlsx.XXXXXX")
trap 'rm -rf "$work"' EXIT

books=("$@")
if [[ ${#books[@]} -eq 0 ]]; then
	mkdir -p "$work/samples"
	(cd "$here" && go test ./reports -run '^TestExportSample$' -count=1 -args -sample.out "$work/samples" >/dev/null)
	books=("$work"/samples/*.xlsx)
fi

# profile NAME MODE: a LibreOffice user profile whose OOXML recalculation mode is MODE
# (0 always recalculate, 1 never).
profile() {
	local dir="$work/profile-$1"
	mkdir -p "$dir/user"
	cat >"$dir/user/registrymodifications.xcu" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>$2</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>$2</value></prop></item>
</oor:items>
EOF
	echo "file://$dir"
}
recalc=$(profile recalc 0)
stored=$(profile stored 1)

# CSV export of every sheet (token 12 = -1, LibreOffice ≥ 7.2): comma, double quotes, UTF-8,
# raw values (not as shown), no formulas.
filter='csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,-1'

convert() { # PROFILE OUTDIR BOOK
	mkdir -p "$2"
	"$soffice" -env:UserInstallation="$1" --headless --norestore --nolockcheck \
		--convert-to "$filter" --outdir "$2" "$3" >"$2/soffice.log" 2>&1 || {
		cat "$2/soffice.log" >&2
		return 1
	}
}

status=0
for book in "${books[@]}"; do
	name=$(basename "$book" .xlsx)
	out="$work/out/$name"
	echo "== $book"
	if ! convert "$recalc" "$out/recalc" "$book" || ! convert "$stored" "$out/stored" "$book"; then
		echo "FAIL: LibreOffice could not convert $book"
		status=1
		continue
	fi
	if ! python3 - "$name" "$out/recalc" "$out/stored" <<'PY'; then
import csv, os, re, sys

name, recalc, stored = sys.argv[1:4]
sheets = ["Synthèse", "Relevés", "SAV", "Échéanciers", "Factures", "Assurance",
          "Gestes commerciaux", "Anomalies", "En attente"]
lead = {
    "Synthèse": ["Libellé", "Valeur"],
    "Relevés": ["ID réparateur", "Réparateur", "N° relevé", "Commissions HT", "Déductions SAV",
                "Échéances prélevées", "Net HT", "TVA", "Net TTC", "Mis en échéancier", "Facturé"],
    "SAV": ["ID SAV", "ID intervention d'origine", "ID réparateur SAV", "ID réparateur fautif",
            "Décision", "Part (%)", "Commission corrective HT", "Montant imputé HT", "Type"],
    "Échéanciers": ["ID échéancier"], "Factures": ["N° facture"], "Assurance": ["ID SAV"],
    "Gestes commerciaux": ["ID geste"], "Anomalies": ["Élément"], "En attente": ["ID SAV"],
}
errors = re.compile(r"(Err:\d+|#NAME\?|#VALUE!|#REF!|#DIV/0!|#N/A|#NUM!|#NULL!)")

def read(folder, sheet):
    path = os.path.join(folder, f"{name}-{sheet}.csv")
    if not os.path.exists(path):
        return None
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))

def same(a, b):
    if a == b:
        return True
    try:
        return abs(float(a) - float(b)) < 0.005
    except ValueError:
        return False

problems, cells, totals = [], 0, 0
present = sorted(f for f in os.listdir(recalc) if f.endswith(".csv"))
want = sorted(f"{name}-{s}.csv" for s in sheets)
# the Paiements sheet (issue 23) follows the nine in the workbooks of periods closed with it
if f"{name}-Paiements.csv" in present:
    sheets = sheets + ["Paiements"]
    lead["Paiements"] = ["ID réparateur"]
    want = sorted(want + [f"{name}-Paiements.csv"])
if present != want:
    problems.append(f"sheets written: {present}, want {want}")
for sheet in sheets:
    r, s = read(recalc, sheet), read(stored, sheet)
    if r is None or s is None:
        problems.append(f"{sheet}: no CSV")
        continue
    if not r or r[0][:len(lead[sheet])] != lead[sheet]:
        problems.append(f"{sheet}: headers {r[0] if r else None}")
    for i, row in enumerate(r):
        for j, v in enumerate(row):
            cells += 1
            if errors.search(v):
                problems.append(f"{sheet}!R{i+1}C{j+1}: {v}")
            sv = s[i][j] if i < len(s) and j < len(s[i]) else ""
            if not same(v, sv):
                problems.append(f"{sheet}!R{i+1}C{j+1}: recalculated {v!r}, stored {sv!r}")
        if row and row[0].startswith("Total (lignes"):
            totals += 1
            print(f"  {sheet}: {row[0]}; " + ", ".join(
                f"{r[0][j]} = {v}" for j, v in enumerate(row) if j > 0 and v and j < len(r[0])))
    if len(r) != len(s):
        problems.append(f"{sheet}: {len(r)} rows recalculated, {len(s)} stored")
if totals != len(sheets) - 1:
    problems.append(f"{totals} totals rows, want {len(sheets) - 1}")
for p in problems[:50]:
    print("  FAIL:", p)
if problems:
    sys.exit(1)
print(f"  OK: {len(sheets)} sheets, {cells} cells, {totals} totals rows recalculated by LibreOffice = stored values, no error")
PY
		status=1
	fi
done
exit $status
