// Package accounting books a closed period for the network's books: it turns the period's
// documents (statements, invoices, debit notes, plans, balances carried from before) into
// balanced journal entries following the posting scheme of docs/accounting.md (French PCG
// accounts, every one configurable), numbers them continuously per journal within the fiscal
// year, and writes them as a Fichier des Écritures Comptables (article A47 A-1 of the Livre des
// procédures fiscales). Amounts are int64 cents; the package is pure (no database, file or
// clock). Package fectest checks such a file and reconciles it to the workbook.
package accounting
