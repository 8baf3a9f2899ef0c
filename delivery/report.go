package delivery

import (
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"time"

	sb "savbilling"
	"savbilling/internal/atomicfile"
)

// ReportName is the name of the report a send writes in the period's folder.
func ReportName(p sb.Period) string { return "envois-" + p.String() + ".csv" }

// reportHeader is the first row of envois-YYYY-MM.csv.
var reportHeader = []string{"ID réparateur", "Réparateur", "Adresse", "Documents", "État", "Tentatives",
	"Date (UTC)", "Réponse du serveur", "Message-ID", "Envoyé par ce passage"}

// writeReport writes envois-YYYY-MM.csv in dir, atomically, with the lines fill emits: one row
// per repairer with documents, semicolon-separated, UTF-8 with a byte order mark (as a French
// spreadsheet opens it). The rows are written as they come: the report of 2 000 repairers is
// never held in memory.
func writeReport(dir string, p sb.Period, fill func(emit func(Line) error) error) (string, error) {
	path := filepath.Join(dir, ReportName(p))
	_, err := atomicfile.Write(path, func(w io.Writer) error {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		cw.Comma = ';'
		if err := cw.Write(reportHeader); err != nil {
			return err
		}
		return fill(func(l Line) error {
			when := ""
			if !l.When.IsZero() {
				when = l.When.UTC().Format(time.DateTime)
			}
			this := "non"
			if l.ThisRun {
				this = "oui"
			}
			if err := cw.Write([]string{strconv.FormatInt(l.RepairerID, 10), l.Name, l.Address, l.Documents, l.State,
				strconv.Itoa(l.Attempts), when, l.Answer, l.MessageID, this}); err != nil {
				return err
			}
			cw.Flush()
			return cw.Error()
		})
	})
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return path, nil
}
