package store

// The services of a summed commission line (reconcile.Services) in SQL: both dialects' summing
// pass book the string the rules would, byte for byte.
//
// Each label trimmed of U+0020 at both ends (SQL's TRIM of ' ': that character only), the empty
// ones (and NULL) skipped, joined in ascending operation id by reconcile.ServicesSeparator. The
// cut at reconcile.ServicesMaxRunes code points is Go's (reconcile.ServicesCap): on MySQL/MariaDB
// on the text read (cut to one code point more by the server: the most Go needs), on SQLite on
// the few lines longer than that many bytes (capServicesSQLite): SQLite's length() and substr()
// stop at a NUL and count the bytes of invalid UTF-8 otherwise than Go, which a label may hold.

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"savbilling/reconcile"
)

// sqlLiteral is s as a SQL string literal of either dialect. It panics on a quote or a backslash
// (MySQL reads the latter as an escape): the constants it quotes have none.
func sqlLiteral(s string) string {
	if strings.ContainsAny(s, `'\`) {
		panic(fmt.Sprintf("sqlLiteral(%q): a quote or a backslash", s))
	}
	return "'" + s + "'"
}

// servicesSQLite is the services of the operations o of a group, in SQLite (empty without any).
var servicesSQLite = "COALESCE(group_concat(NULLIF(TRIM(o.label, " + sqlLiteral(reconcile.ServicesTrim) + "), ''), " +
	sqlLiteral(reconcile.ServicesSeparator) + " ORDER BY o.id), '')"

// servicesMySQL is the services of the operations o of a group, in MySQL/MariaDB, cut to
// reconcile.ServicesMaxRunes+1 characters (NULL without any): reconcile.ServicesCap, in Go, cuts
// it. The server cuts a GROUP_CONCAT at group_concat_max_len bytes (at a character's end): at
// least servicesConcatMin keeps the ServicesMaxRunes+1 characters that tell whether to cut.
var servicesMySQL = func() string {
	label := "TRIM(BOTH " + sqlLiteral(reconcile.ServicesTrim) + " FROM o.label)"
	return "LEFT(GROUP_CONCAT(CASE WHEN CHAR_LENGTH(" + label + ") > 0 THEN " + label + " END ORDER BY o.id SEPARATOR " +
		sqlLiteral(reconcile.ServicesSeparator) + "), " + strconv.Itoa(reconcile.ServicesMaxRunes+1) + ")"
}()

// servicesConcatMin is the least group_concat_max_len (bytes) of the MySQL summing pass: 4 bytes
// for each of the reconcile.ServicesMaxRunes+1 characters of servicesMySQL.
const servicesConcatMin = 4 * (reconcile.ServicesMaxRunes + 1)

// groupConcatLen is the group_concat_max_len the MySQL summing pass sets when its session has
// less: MariaDB's default (MySQL's is 1 024 bytes), for the services and the operation ids.
const groupConcatLen = 1 << 20

// raiseGroupConcat sets the session's group_concat_max_len to groupConcatLen when it is below
// servicesConcatMin or groupConcatLen.
func (tx *Tx) raiseGroupConcat(ctx context.Context) error {
	var n uint64
	if err := tx.tx.QueryRowContext(ctx, "SELECT @@SESSION.group_concat_max_len").Scan(&n); err != nil {
		return fmt.Errorf("read group_concat_max_len: %w", err)
	}
	if n >= groupConcatLen && n >= servicesConcatMin {
		return nil
	}
	if _, err := tx.tx.ExecContext(ctx, "SET SESSION group_concat_max_len = "+strconv.Itoa(max(groupConcatLen, servicesConcatMin))); err != nil {
		return fmt.Errorf("set group_concat_max_len: %w", err)
	}
	return nil
}

// capBatch is the number of long services capServicesSQLite reads at a time.
const capBatch = 5000

// capServicesSQLite cuts, with reconcile.ServicesCap, the services of the lines of closeLines the
// store books that are longer than reconcile.ServicesMaxRunes bytes (the others have at most as
// many code points): a few lines, read a batch at a time by rowid.
func (tx *Tx) capServicesSQLite(ctx context.Context) error {
	type long struct {
		rowid    int64
		services string
	}
	var (
		after int64 = -1 << 63
		batch []long
	)
	for {
		batch = batch[:0]
		err := each(ctx, tx.tx, "long services", "SELECT rowid, services FROM "+closeLines+
			" WHERE rowid > ? AND summed = 1 AND length(CAST(services AS BLOB)) > "+strconv.Itoa(reconcile.ServicesMaxRunes)+
			" ORDER BY rowid LIMIT "+strconv.Itoa(capBatch), []any{after}, func(rows *sql.Rows) error {
			var l long
			err := rows.Scan(&l.rowid, &l.services)
			batch = append(batch, l)
			return err
		})
		if err != nil || len(batch) == 0 {
			return err
		}
		for _, l := range batch {
			if c := reconcile.ServicesCap(l.services); c != l.services {
				if _, err := tx.tx.ExecContext(ctx, "UPDATE "+closeLines+" SET services = ? WHERE rowid = ?", c, l.rowid); err != nil {
					return fmt.Errorf("cut the services of a line: %w", err)
				}
			}
		}
		after = batch[len(batch)-1].rowid
	}
}
