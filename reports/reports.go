// Package reports writes finance's monthly workbook, finance-YYYY-MM.xlsx, from the booked
// ledger of one closed period (a *savbilling.Book) and nothing else, so that re-rendering a
// closed period gives the same bytes.
//
// # Sheets
//
// In this order (the order and names are a contract: finance's macros read them): Synthèse,
// Relevés, SAV, Échéanciers, Factures, Assurance, Gestes commerciaux, Anomalies, En attente.
// Row 1 of every sheet holds the headers, in bold, frozen, under an autofilter. The columns that
// docs/contract.md fixes come first, in its order; the columns after them are extras that may
// grow (add, never rename or remove).
//
//   - Synthèse: a Libellé / Valeur block (period, status, counts, every total of
//     savbilling.Totals), with Mois précédent and Écart columns when the previous closed
//     period's totals are given, ending with the check « aucun centime perdu »: D + plan
//     balances before = offset + installments paid + invoiced + plan balances after, both sides
//     and « OK » (or « ÉCART … »). Under it, « TVA du mois (déclaration) », then « Commissions
//     par ville »: per city of the intervention, the interventions and their commissions HT, by
//     amount descending then city, « (non renseignée) » for a blank city, and a total equal to
//     the period's commissions (CitySource; cities.go). On the right, two small tables and their bar charts: the SAV
//     lines' amounts by city of the SAV intervention (the 14 costliest cities, the others summed
//     as « (autres villes) »; « (inconnue) » when the SAV intervention has no city) and
//     the 10 repairers with the highest sum of SAV lines (positive sums only).
//   - Relevés: one row per statement (ID réparateur, Réparateur, N° relevé, Commissions HT,
//     Déductions SAV, Échéances prélevées, Net HT, TVA, Net TTC, Mis en échéancier, Facturé),
//     then Régime TVA, Dépassement, N° facture, Émis le, Payable le, Interventions, Lignes SAV.
//   - SAV: one row per SAV line of every statement, by ascending SAV id (ID SAV, ID intervention
//     d'origine, ID réparateur SAV, ID réparateur fautif, Décision, Part (%), Commission
//     corrective HT, Montant imputé HT, Type), then Dommage HT, Ville, Réparateur fautif,
//     N° relevé. Décision prints the outcome in French: confirmed « Prise en charge totale »,
//     partial « Prise en charge partielle », unconfirmed « SAV non confirmé », rejected « Pas de
//     SAV »; any other value is printed raw. Part (%) is ChargeBP / 100 (100 for confirmed, 0
//     when nothing is charged), format 0.00. Type is savbilling.SAVLineType as is.
//   - Échéanciers: every plan of the book (open before the close or created by it) with its
//     state after the close; Prochaine échéance is the next period when the plan is still open;
//     Statut is « ouvert », « soldé » or « facturé » (closed by invoicing its balance).
//   - Factures, Assurance, Gestes commerciaux (every customer credit on a SAV, with whether the
//     network bears it and its cost to the network), Anomalies (Gravité « bloquant » or
//     « avertissement »), En attente (SAV closed without a decision, with its age in days).
//
// # Cells
//
// Money is computed in int64 cents; only the cell value is cents / 100 as a float64, formatted
// MoneyFormat (#,##0.00 €). Ids and counts are numbers (format 0), dates real date cells
// (dd/mm/yyyy; the close's instant dd/mm/yyyy hh:mm, Paris time), periods text YYYY-MM.
//
// Below each table, after one blank row, a totals row: its first cell counts the visible rows
// ("Total (lignes : n)", SUBTOTAL(103, …)) and each summable amount column holds
// SUBTOTAL(109, range) over the data rows, so that the totals follow the filters. Every formula
// also carries its value computed from the ledger in cents, and the workbook asks for a full
// recalculation on load.
//
// # Files
//
// Table sheets are written with excelize's StreamWriter for their headers and totals, their data
// rows serialized one at a time into the archive's spool file (rows.go, zip.go), and the archive
// is written straight to the file, so memory does not grow with the number of rows; a sheet holds at most 1 048 573 data rows (Excel's
// limit, with the headers, a blank row and the totals), beyond which Write fails. The workbook is deterministic: document properties
// are fixed (creator "savbilling", created and modified = Book.ClosedAt) and the zip archive is
// written with its parts in a fixed order, each dated Book.ClosedAt (Paris wall clock). The file is written to a
// temporary file in the target folder, then renamed; its mode is 0640.
//
// The book is read through a Source: Write takes a book held whole in memory; WriteFrom reads
// the statements and the SAV lines as their sheets are written (job.Ledger reads them from the
// ledger, a batch at a time), gathering on the way what the later sheets need of them (the names
// of the repairers they name, the installments paid, the sums the charts show, which are drawn
// last), so that only the book's head (invoices, plans, claims, goodwill, anomalies, pending SAVs)
// is held. Both give the same bytes for the same book.
//
// A dry run (Book.Draft) writes the same workbook, marked « BROUILLON » in the Synthèse status
// and in every sheet's printed header; the caller puts it under draft/ (see Path).
package reports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/xuri/excelize/v2"

	sb "savbilling"
	"savbilling/internal/atomicfile"
)

// Creator is the author written in the workbook's document properties.
const Creator = "savbilling"

// FileMode is the permission of the workbook file.
const FileMode = atomicfile.FileMode

// FileName returns "finance-YYYY-MM.xlsx" for the period.
func FileName(p sb.Period) string { return "finance-" + p.String() + ".xlsx" }

// Path returns where the workbook of b goes under the output folder out:
// out/YYYY-MM/finance-YYYY-MM.xlsx, or out/YYYY-MM/draft/finance-YYYY-MM.xlsx for a dry run.
func Path(out string, b *sb.Book) string {
	dir := filepath.Join(out, b.Period.String())
	if b.Draft {
		dir = filepath.Join(dir, "draft")
	}
	return filepath.Join(dir, FileName(b.Period))
}

// Source is a period's book as the workbook reads it when its statements are not held in memory
// (job.Ledger reads them from the ledger a batch at a time): the book without its statements,
// its totals, and its statements and SAV lines read as often as the workbook asks.
type Source interface {
	// Head is the book; its Statements are not read.
	Head() *sb.Book
	// Totals are the book's (savbilling.Book.Totals).
	Totals() sb.Totals
	// EachStatement calls fn with every statement, in order (ascending repairer id), with its SAV
	// lines and installments, and its commission lines listed or only counted
	// (Statement.CommissionCount). It stops at fn's first error.
	EachStatement(ctx context.Context, fn func(*sb.Statement) error) error
	// EachSAVLine calls fn with every SAV line of the statements by ascending SAV id, then
	// repairer id, then type (charge, règlement amiable, franchise, ajustement), with the
	// charged repairer's name and statement number. It stops at fn's first error.
	EachSAVLine(ctx context.Context, fn func(l *sb.SAVLine, name, statement string) error) error
}

// Write writes the workbook of b, held in memory, to path (temp file + rename). prev is the
// previous closed period's totals, nil when none. The folder of path is created (0750) when
// missing.
func Write(path string, b *sb.Book, prev *sb.Totals) error {
	if b == nil {
		return errors.New("reports: no book")
	}
	return WriteFrom(context.Background(), path, bookSource{b}, prev)
}

// WriteFrom is Write for a book read from src: the same bytes as Write of the same book.
func WriteFrom(ctx context.Context, path string, src Source, prev *sb.Totals) (err error) {
	b := src.Head()
	// A panic (a bug) is an error naming the workbook, not a crashed close; writeFile's
	// temporary file is removed as it unwinds.
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("reports: workbook of %s: rendering failed (a bug, please report it): panic: %v", b.Period, v)
		}
	}()
	z := newDetZip(zipTime(b.ClosedAt))
	defer z.cleanup()
	f, err := build(ctx, src, prev, z)
	if err != nil {
		return fmt.Errorf("reports: workbook of %s: %w", b.Period, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("reports: workbook of %s: %w", b.Period, cerr)
		}
	}()
	if err := writeFile(path, f, z); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	return nil
}

// build assembles the workbook in f, the table sheets' data rows in z's spool.
func build(ctx context.Context, src Source, prev *sb.Totals, z *detZip) (_ *excelize.File, err error) {
	b := src.Head()
	f := excelize.NewFile()
	defer func() {
		if err != nil {
			_ = f.Close()
		}
	}()
	names := SheetNames()
	if err := f.SetSheetName("Sheet1", names[0]); err != nil {
		return nil, err
	}
	for _, n := range names[1:] {
		if _, err := f.NewSheet(n); err != nil {
			return nil, err
		}
	}
	// Before any stream: SetActiveSheet reads every worksheet, and would parse a streamed one
	// back into memory whole.
	f.SetActiveSheet(0)
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	x := newIndex(src)
	if err := writeSummary(f, st, x, prev); err != nil {
		return nil, fmt.Errorf("sheet %s: %w", SheetSummary, err)
	}
	tables := x.tables()
	for k, t := range tables {
		if err := t.write(ctx, f, st, z, rowsMarker(k), b.Draft); err != nil {
			return nil, fmt.Errorf("sheet %s: %w", t.sheet, err)
		}
	}
	// issue 23: the Paiements sheet, after the contract's sheets, when the source has it
	if ps, ok := src.(PaymentsSource); ok {
		rows, ok, err := ps.Payments(ctx)
		if err != nil {
			return nil, fmt.Errorf("sheet %s: %w", SheetPayments, err)
		}
		if ok {
			if _, err := f.NewSheet(SheetPayments); err != nil {
				return nil, err
			}
			if err := paymentsTable(rows).write(ctx, f, st, z, rowsMarker(len(tables)), b.Draft); err != nil {
				return nil, fmt.Errorf("sheet %s: %w", SheetPayments, err)
			}
		}
	}
	// The charts show sums of the SAV lines, gathered as their sheet was written.
	if err := writeCharts(ctx, f, st, x); err != nil {
		return nil, fmt.Errorf("sheet %s: %w", SheetSummary, err)
	}
	stamp := b.ClosedAt.UTC().Format("2006-01-02T15:04:05Z")
	title := "Finance SAV " + b.Period.String()
	status := "Définitif"
	if b.Draft {
		title += " (BROUILLON)"
		status = "Brouillon"
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator:        Creator,
		LastModifiedBy: Creator,
		Created:        stamp,
		Modified:       stamp,
		Title:          title,
		ContentStatus:  status,
		Language:       "fr-FR",
	}); err != nil {
		return nil, err
	}
	full := true
	if err := f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &full}); err != nil {
		return nil, err
	}
	sortContentTypes(f)
	return f, nil
}

// sortContentTypes puts the default content types in a fixed order: excelize adds the image
// ones (when a chart is drawn) from a map, in a different order at each run.
func sortContentTypes(f *excelize.File) {
	if f.ContentTypes == nil {
		return
	}
	d := f.ContentTypes.Defaults
	rank := func(ext string) string {
		switch ext {
		case "rels":
			return "0"
		case "xml":
			return "1"
		}
		return "2" + ext
	}
	sort.SliceStable(d, func(i, j int) bool { return rank(d[i].Extension) < rank(d[j].Extension) })
}

// rowsMarker is the text of the marker row of the k-th table sheet.
func rowsMarker(k int) string { return "savbilling-data-rows-of-table-" + strconv.Itoa(k) }

// writeFile writes f through z to a temporary file next to path, synced, then renamed to path.
//
// excelize's File.Write assembles the whole archive in a bytes.Buffer (the size of the file,
// doubled as it grows) before copying it out: the archive's writer, z, is given the file
// itself instead, and excelize's buffer stays empty.
func writeFile(path string, f *excelize.File, z *detZip) error {
	_, err := atomicfile.Write(path, func(w io.Writer) error {
		f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return z.to(w) })
		return f.Write(mustStayEmpty{})
	})
	return err
}

// mustStayEmpty is where excelize copies its (empty) buffer: any byte is a bug.
type mustStayEmpty struct{}

func (mustStayEmpty) Write(p []byte) (int, error) {
	if len(p) > 0 {
		return 0, errors.New("excelize wrote the workbook around its zip writer")
	}
	return 0, nil
}
