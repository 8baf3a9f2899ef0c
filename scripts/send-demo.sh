#!/usr/bin/env bash
# The demo's three months e-mailed to a real local server (issue 22): `make demo`, a throwaway
# Mailpit (scripts/mailpit.sh), `savbilling send` of each month twice; then, through Mailpit's
# API, one message per repairer with an address, each with exactly their documents (SHA-256
# equal to the period's files), and nothing sent by the second runs. Exits non-zero otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s demo >/dev/null
export SAVBILLING_MAILPIT_DIR=${SAVBILLING_MAILPIT_DIR:-$HOME/.cache/savbilling/mailpit-v1.33.1}
eval "$(scripts/mailpit.sh start)"
trap 'scripts/mailpit.sh stop' EXIT
DB=sqlite:out/demo/savbilling-demo.db
cfg=$(mktemp)
printf '[smtp]\nrate = 0\n' >"$cfg"
for p in $(ls out/demo | grep -E '^[0-9]{4}-[0-9]{2}$'); do
	for run in 1 2; do
		bin/savbilling send --period "$p" --db "$DB" --out out/demo --smtp "smtp://$SAVBILLING_MAILPIT_SMTP?tls=none" \
			--config "$cfg" 2>/dev/null | sed -n "1s/^/run $run: /p"
	done
done
rm -f "$cfg"
python3 - "$SAVBILLING_MAILPIT_API" out/demo <<'PY'
import csv, hashlib, json, os, sys, urllib.request
api, out = sys.argv[1], sys.argv[2]
get = lambda p: urllib.request.urlopen(api + p).read()
msgs = json.loads(get("/api/v1/messages?limit=5000"))["messages"]
by_id = {}
for m in msgs:
    by_id.setdefault(m["MessageID"], []).append(m)
bad = 0
expected = 0
for p in sorted(d for d in os.listdir(out) if len(d) == 7 and d[4] == "-"):
    man = json.load(open(f"{out}/{p}/manifest.json"))
    sha = {os.path.basename(f["path"]): f["sha256"] for f in man["files"]}
    rows = list(csv.DictReader(open(f"{out}/{p}/envois-{p}.csv", encoding="utf-8-sig"), delimiter=";"))
    sent = [r for r in rows if r["État"] == "accepted"]
    expected += len(sent)
    checked = 0
    for r in sent:
        copies = by_id.get(r["Message-ID"].strip("<>"), [])
        if len(copies) != 1:
            print(f"{p} repairer {r['ID réparateur']}: {len(copies)} copies"); bad += 1; continue
        full = json.loads(get("/api/v1/message/" + copies[0]["ID"]))
        names = sorted(a["FileName"] for a in full["Attachments"])
        want = sorted(n + ".pdf" for n in r["Documents"].split())
        if names != want or full["To"][0]["Address"] != r["Adresse"]:
            print(f"{p} repairer {r['ID réparateur']}: attachments {names}, want {want}"); bad += 1; continue
        for a in full["Attachments"]:
            data = get(f"/api/v1/message/{full['ID']}/part/{a['PartID']}")
            disk = open(os.path.join(out, p, "statements" if a["FileName"].startswith(("REL", "RDC")) else "invoices", a["FileName"]), "rb").read()
            if hashlib.sha256(data).hexdigest() != sha[a["FileName"]] or data != disk:
                print(f"{p} {a['FileName']}: SHA-256 differs"); bad += 1
            checked += 1
    print(f"{p}: {len(rows)} repairers with documents, {len(sent)} messages accepted, {checked} attachments equal to the files (SHA-256)")
print(f"server: {len(msgs)} messages received, {len(by_id)} distinct Message-IDs, {expected} expected")
sys.exit(1 if bad or len(msgs) != expected or len(by_id) != expected else 0)
PY
