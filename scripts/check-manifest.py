#!/usr/bin/env python3
"""The acceptance check of scripts/bench.sh (BENCH_CHECK=1): a close's manifest against the
ledger's sums, and against the manifest of a re-render of the period.

usage: check-manifest.py CLOSE-MANIFEST RERENDER-MANIFEST STATEMENTS INVOICES COMMISSIONS
  STATEMENTS  "count gross deductions installments net_ht vat spread" of sb_statements
  INVOICES    "count ht" of sb_invoices
  COMMISSIONS "count amount" of sb_commissions
"""
import json
import sys

def count(manifest, prefix, suffix):
    """The files of the manifest whose path starts with prefix and ends with suffix."""
    return sum(1 for f in manifest["files"] if f["path"].startswith(prefix) and f["path"].endswith(suffix))


m = json.load(open(sys.argv[1]))
r = json.load(open(sys.argv[2]))
st = [int(x) for x in sys.argv[3].split()]
inv = [int(x) for x in sys.argv[4].split()]
com = [int(x) for x in sys.argv[5].split()]
t = m["totals"]
checks = [
    ("statements", m["statements"], st[0]),
    ("gross_cents", t["gross_cents"], st[1]),
    ("deductions_cents", t["deductions_cents"], st[2]),
    ("installments_cents", t["installments_cents"], st[3]),
    ("net_cents", t["net_cents"], st[4]),
    ("vat_cents", t["vat_cents"], st[5]),
    ("spread_cents", t["spread_cents"], st[6]),
    ("invoices", m["invoices"], inv[0]),
    ("invoiced_cents", t["invoiced_cents"], inv[1]),
    ("sum of the commission lines = statements' commissions", com[1], st[1]),
    ("statement PDFs = statements", count(m, "statements/", ".pdf"), m["statements"]),
    ("invoice and debit note PDFs = invoices", count(m, "invoices/", ".pdf"), m["invoices"]),
    ("e-invoice XML files = REL- and FAC- PDFs (each e-invoice has its XML)", count(m, "einvoices/", ".xml"),
     count(m, "statements/REL-", ".pdf") + count(m, "invoices/FAC-", ".pdf")),
    ("workbooks", count(m, "finance-", ".xlsx"), 1),
]
ok = True
for what, got, want in checks:
    ok &= got == want
    print(f"  {'ok' if got == want else 'MISMATCH':8} {what}: manifest {got}, ledger {want}")
same = m["files"] == r["files"]
ok &= same
print(f"  {'ok' if same else 'MISMATCH':8} re-render: {len(r['files'])} files, every size and SHA-256 equal to the close's")
print(f"  ({com[0]} commission lines booked)")
sys.exit(0 if ok else 1)
