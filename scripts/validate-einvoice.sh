#!/usr/bin/env bash
# validate-einvoice.sh FILE|DIR...: checks Factur-X PDFs and CII XML e-invoices with the third-party
# validators copied into einvoice/testdata/validators/ (XSD and Schematron of Factur-X 1.09
# EN 16931, the French BR-FR "Flux 2" Schematron, the PDF/A-3 + Factur-X container check).
# Give folders rather than files: one JVM per rule set validates a whole folder (~3 s each).
# Exit 0: all pass; 1: a failure (one line each); 2: a tool is missing.
# Needs (Debian): default-jre-headless libsaxonhe-java libxml2-utils poppler-utils python3-pikepdf
exec "$(cd "$(dirname "$0")/.." && pwd)/einvoice/testdata/validators/validate-einvoice.sh" "$@"
