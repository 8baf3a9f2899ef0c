package faults

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"savbilling/internal/dbtest"
)

// identity is what of a repairer may identify them on a document.
type identity struct {
	id          int64
	name, siret string
	vat         string
}

func repairerIdentities(t testing.TB, raw *sql.DB) map[int64]identity {
	t.Helper()
	rows, err := raw.QueryContext(bg, "SELECT id, name, COALESCE(siret, ''), COALESCE(vat_number, '') FROM repairers")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]identity{}
	for rows.Next() {
		var r identity
		if err := rows.Scan(&r.id, &r.name, &r.siret, &r.vat); err != nil {
			t.Fatal(err)
		}
		out[r.id] = r
	}
	return out
}

var (
	relName  = regexp.MustCompile(`^(?:REL-(\d+)-\d{4}-\d{4}|RDC-(\d+)-\d{4}-\d{2})\.pdf$`) // self-billed invoice or statement of account
	digits14 = regexp.MustCompile(`\b\d{14}\b`)
	vatRE    = regexp.MustCompile(`\bFR[0-9A-Z]{2}\d{9}\b`)
)

// checkDocumentsPrivate reads the PDFs of every closed period under out (at most sample of
// each kind when sample > 0) and checks that each names only its own repairer: no other
// repairer's name (unless it is also a part of the document's own identities, e.g. a namesake),
// SIRET or VAT number. It returns the number of documents read.
func checkDocumentsPrivate(t *testing.T, db, out string, sample int) int {
	t.Helper()
	raw := rawOpen(t, db)
	reps := repairerIdentities(t, raw)
	owner := map[string]int64{} // SIRETs and VAT numbers → repairer
	names := map[string][]int64{}
	for id, r := range reps {
		if r.siret != "" {
			owner[r.siret] = id
		}
		if r.vat != "" {
			owner[r.vat] = id
		}
		n := flat(printable(r.name))
		names[n] = append(names[n], id)
	}
	var issuer []string
	for _, js := range queryRows(t, raw, "SELECT issuer_json FROM sb_periods") {
		var m map[string]string
		if err := json.Unmarshal([]byte(js), &m); err == nil {
			for _, v := range m {
				issuer = append(issuer, flat(printable(v)))
			}
		}
	}
	invoiceOwner := map[string]int64{}
	for _, l := range queryRows(t, raw, "SELECT number, repairer_id FROM sb_invoices UNION ALL SELECT number, repairer_id FROM sb_debit_notes") {
		number, id, _ := strings.Cut(l, "|")
		invoiceOwner[number+".pdf"], _ = strconv.ParseInt(id, 10, 64)
	}
	var statements, invoicesPDF []string
	err := filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".pdf") || strings.Contains(path, "/draft/") {
			return err
		}
		if filepath.Base(filepath.Dir(path)) == "invoices" {
			invoicesPDF = append(invoicesPDF, path)
		} else {
			statements = append(statements, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(statements) == 0 {
		t.Fatalf("no statement under %s", out)
	}
	rng := rand.New(rand.NewPCG(uint64(len(statements)), 7))
	pick := func(files []string) []string {
		slices.Sort(files)
		if sample > 0 && len(files) > sample {
			rng.Shuffle(len(files), func(i, j int) { files[i], files[j] = files[j], files[i] })
			files = files[:sample]
		}
		return files
	}
	checked := 0
	for _, kind := range [][]string{pick(statements), pick(invoicesPDF)} {
		for _, path := range kind {
			base := filepath.Base(path)
			var id int64
			if m := relName.FindStringSubmatch(base); m != nil {
				id, _ = strconv.ParseInt(m[1]+m[2], 10, 64)
			} else if id = invoiceOwner[base]; id == 0 {
				t.Errorf("%s: no repairer owns this document", path)
				continue
			}
			own := reps[id]
			text := pdfText(t, path)
			checked++
			ownName := flat(printable(own.name))
			if !strings.Contains(text, ownName) {
				t.Errorf("%s: the document does not name its own repairer %q", base, own.name)
			}
			allowed := append([]string{ownName}, issuer...)
			for _, m := range append(digits14.FindAllString(text, -1), vatRE.FindAllString(text, -1)...) {
				if o, ok := owner[m]; ok && o != id {
					t.Errorf("%s (repairer %d): prints %s, the SIRET or VAT number of repairer %d", base, id, m, o)
				}
			}
			for n, ids := range names {
				if n == ownName || !strings.Contains(text, n) || slices.ContainsFunc(allowed, func(a string) bool { return strings.Contains(a, n) }) {
					continue
				}
				t.Errorf("%s (repairer %d, %q): prints %q, the name of repairer(s) %v", base, id, own.name, n, ids)
			}
		}
	}
	return checked
}

// TestDocumentsNameOnlyTheirRepairer reads every statement and invoice of `savbilling demo`, and
// of a generated network (a sample in CI, all in make soak), with pdftotext: each names only its
// own repairer (the other repairers of SAV lines appear by id only).
func TestDocumentsNameOnlyTheirRepairer(t *testing.T) {
	needTool(t, "pdftotext", "poppler-utils")
	t.Run("demo", func(t *testing.T) {
		db, out := newDB(t, "sqlite"), t.TempDir()
		mustRun(t, octNow, nil, "demo", "--db", db, "--out", out)
		n := checkDocumentsPrivate(t, db, out, 0)
		t.Logf("demo: %d documents read", n)
		checkModes(t, "demo", readTree(t, out))
	})
	t.Run("network", func(t *testing.T) {
		repairers, interventions, sample := 250, 3000, 40
		if soak() {
			repairers, interventions, sample = 2000, 10000, 0
		}
		db, out := newDB(t, "sqlite"), t.TempDir()
		mustRun(t, trialNow, nil, "seed", "--repairers", strconv.Itoa(repairers), "--interventions", strconv.Itoa(interventions),
			"--months", "2", "--last", trialMonth, "--seed", "11", "--db", db)
		for _, p := range []string{firstMonth, trialMonth} {
			mustRun(t, trialNow, nil, "close", "--period", p, "--db", db, "--out", out)
		}
		n := checkDocumentsPrivate(t, db, out, sample)
		t.Logf("network of %d repairers: %d documents read", repairers, n)
	})
}

// adminMySQL is a pool with the right to create users and grant them privileges: the test DSN's
// user when it has them, else root on the socket of scripts/mariadb.sh. Nil when neither works.
func adminMySQL(t *testing.T) *sql.DB {
	t.Helper()
	dir := os.Getenv("SAVBILLING_MARIADB_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "savbilling-mariadb")
	}
	for _, dsn := range []string{os.Getenv(dbtest.EnvDSN), "root@unix(" + filepath.Join(dir, "sock") + ")/"} {
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			continue
		}
		conn, err := mysql.NewConnector(cfg)
		if err != nil {
			continue
		}
		pool := sql.OpenDB(conn)
		var grants string
		if err := pool.QueryRowContext(bg, "SHOW GRANTS").Scan(&grants); err == nil && strings.Contains(grants, "WITH GRANT OPTION") {
			t.Cleanup(func() { pool.Close() })
			return pool
		}
		pool.Close()
	}
	return nil
}

// secret is the distinctive password of the test user: it must never be printed.
const secret = "Pw:9f7e@R3dact!x%"

// secretUser creates a MariaDB user with the distinctive password secret, granted all on a
// fresh database; it returns the user's DSN builder (password, database) and that database.
func secretUser(t *testing.T) (dsn func(pw, database string) string, database string, admin *sql.DB) {
	t.Helper()
	if !slices.Contains(engineNames(t), "mysql") {
		t.Skip("MariaDB suite not run")
	}
	admin = adminMySQL(t)
	if admin == nil {
		msg := "no MariaDB account may create users: run the throwaway server of scripts/mariadb.sh"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	base, err := mysql.ParseDSN(os.Getenv(dbtest.EnvDSN))
	if err != nil {
		t.Fatal(err)
	}
	database = mysqlDBName(t, newDB(t, "mysql"))
	user := fmt.Sprintf("sbpw%d", time.Now().UnixNano()%1_000_000)
	for _, q := range []string{
		fmt.Sprintf("CREATE USER '%s'@'%%' IDENTIFIED BY '%s'", user, secret),
		fmt.Sprintf("GRANT ALL ON `%s`.* TO '%s'@'%%'", database, user),
	} {
		if _, err := admin.ExecContext(bg, q); err != nil {
			t.Fatalf("%s: %v", strings.ReplaceAll(q, secret, "***"), err)
		}
	}
	t.Cleanup(func() { admin.ExecContext(bg, fmt.Sprintf("DROP USER IF EXISTS '%s'@'%%'", user)) })
	return func(pw, database string) string {
		return "mysql:" + user + ":" + pw + "@" + base.Net + "(" + base.Addr + ")/" + database
	}, database, admin
}

// leakCheck collects what the binary printed and checks it, with the files written, for the
// password in its plain and escaped forms.
type leakCheck struct {
	t       *testing.T
	streams []string
}

func (l *leakCheck) run(now time.Time, wantCode int, env []string, args ...string) result {
	l.t.Helper()
	r := sbrun(l.t, now, env, args...)
	l.streams = append(l.streams, r.stdout, r.stderr)
	if wantCode >= 0 && r.code != wantCode {
		l.t.Errorf("savbilling %s: exit %d, want %d\n%s", strings.ReplaceAll(strings.Join(args, " "), secret, "***"), r.code, wantCode,
			strings.ReplaceAll(r.String(), secret, "***"))
	}
	return r
}

var secretForms = []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}

func (l *leakCheck) check(dirs, dbs []string) {
	t := l.t
	t.Helper()
	for i, s := range l.streams {
		for _, f := range secretForms {
			if strings.Contains(s, f) {
				t.Errorf("output stream %d holds the password (%q):\n%s", i, f, strings.ReplaceAll(s, secret, "<<PASSWORD>>"))
			}
		}
	}
	files := 0
	for _, dir := range dirs {
		files += grepTree(t, dir, secretForms)
	}
	for _, db := range dbs {
		for table, rows := range dumpLedger(t, rawOpen(t, db)) {
			for _, r := range rows {
				if strings.Contains(r, secret) {
					t.Errorf("ledger table %s holds the password: %.200s", table, r)
				}
			}
		}
	}
	t.Logf("%d output streams, %d files and the ledger checked: the password appears in none", len(l.streams), files)
}

// TestPasswordNeverLeaks runs migrate, seed, close (text and JSON logs), a dry run, render and
// schedule, and the failing cases (wrong password, missing database, unreachable server,
// malformed DSN, bad period, period not ready, locked), against MariaDB with a user whose
// password is distinctive and given by --db, SAVBILLING_DB or the configuration file: the
// password must appear in no output stream, no file written (manifests, PDFs' text, workbooks'
// XML, metrics) and no ledger row.
func TestPasswordNeverLeaks(t *testing.T) {
	dsn, dbName, _ := secretUser(t)
	good := dsn(secret, dbName)
	out := t.TempDir()
	config := filepath.Join(t.TempDir(), "savbilling.toml")
	if err := os.WriteFile(config, []byte(fmt.Sprintf("db = %q\nout = %q\n", good, out)), 0o600); err != nil {
		t.Fatal(err)
	}
	l := &leakCheck{t: t}
	l.run(trialNow, 0, nil, "migrate", "--db", good)
	l.run(trialNow, 0, nil, "seed", "--repairers", "20", "--interventions", "200", "--months", "2", "--last", trialMonth, "--db", good)
	l.run(trialNow, 0, nil, "close", "--period", firstMonth, "--db", good, "--out", out, "--log-format", "json")
	l.run(trialNow, 0, []string{"SAVBILLING_DB=" + good}, "close", "--period", trialMonth, "--out", out, "--dry-run")
	l.run(trialNow, 0, nil, "close", "--period", trialMonth, "--config", config)
	l.run(trialNow, 0, []string{"SAVBILLING_CONFIG=" + config}, "render", "--period", trialMonth)
	l.run(trialNow, 0, nil, "close", "--period", trialMonth, "--db", good, "--out", out) // already closed
	l.run(trialNow, 4, nil, "close", "--period", "2026-11", "--db", good, "--out", out)
	l.run(trialNow, 1, nil, "render", "--period", "2026-12", "--db", good, "--out", out)
	l.run(trialNow, 2, nil, "close", "--period", "2026-13", "--db", good, "--out", out)
	l.run(trialNow, -1, nil, "close", "--period", trialMonth, "--db", dsn("wrong-"+secret, dbName), "--out", out)
	l.run(trialNow, -1, nil, "close", "--period", trialMonth, "--db", dsn(secret, dbName+"_missing"), "--out", out)
	l.run(trialNow, -1, nil, "migrate", "--db", strings.Replace(good, "127.0.0.1:", "127.0.0.1:1", 1))
	l.run(trialNow, -1, nil, "migrate", "--db", strings.Replace(good, ")/", "/", 1)) // malformed DSN
	l.run(trialNow, -1, nil, "demo", "--db", good, "--out", t.TempDir())             // not empty: refused

	// the close lock held by another session: exit 3
	holder := rawOpen(t, good)
	conn, err := holder.Conn(bg)
	if err != nil {
		t.Fatal(err)
	}
	var got int
	if err := conn.QueryRowContext(bg, "SELECT GET_LOCK(?, 5)", "savbilling.close."+dbName).Scan(&got); err != nil || got != 1 {
		t.Fatalf("take the close lock: %v, %d", err, got)
	}
	seedNext(t, good)
	l.run(octNow.AddDate(0, 1, 0), 3, nil, "close", "--period", "2026-10", "--db", good, "--out", out)
	conn.ExecContext(bg, "DO RELEASE_LOCK(?)", "savbilling.close."+dbName)
	conn.Close()

	// schedule: catches up 2026-10 and 2026-11 at start, then SIGTERM
	schedOut := t.TempDir()
	cmd := command(t, octNow.AddDate(0, 1, 0), nil, "schedule", "--cron", "@every 1h", "--db", good, "--out", schedOut,
		"--metrics", filepath.Join(schedOut, "savbilling.prom"))
	w := newWatch(`"msg":"period closed"`)
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for w.seen() == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil || w.seen() == 0 {
		t.Errorf("schedule: %v\n%s", err, strings.ReplaceAll(w.String(), secret, "***"))
	}
	l.streams = append(l.streams, stdout.String(), w.String())
	l.check([]string{out, schedOut}, []string{good})
	// closes, a dry run, a render, the scheduler's outputs and metrics: folders 0750, files 0640
	checkModes(t, "outputs", readTree(t, out))
	checkModes(t, "scheduler outputs", readTree(t, schedOut))
}

// TestDemoPasswordNeverLeaks: `savbilling demo` on MariaDB must not print the password either.
func TestDemoPasswordNeverLeaks(t *testing.T) {
	dsn, dbName, _ := secretUser(t)
	out := t.TempDir()
	l := &leakCheck{t: t}
	l.run(octNow, 0, nil, "demo", "--db", dsn(secret, dbName), "--out", out)
	l.check([]string{out}, []string{dsn(secret, dbName)})
}

// seedNext adds one closed intervention in October 2026 so that there is a period to close.
func seedNext(t *testing.T, db string) {
	raw := rawOpen(t, db)
	insert(t, raw, false, work(900001, 1, "2026-10-05 10:00:00", 1000))
}

// grepTree checks that no file under dir holds any of the forms: plain files as bytes, PDFs
// through pdftotext (their streams are compressed), workbooks part by part (zip). It returns the
// number of files checked.
func grepTree(t *testing.T, dir string, forms []string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		var texts []string
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		texts = append(texts, string(data))
		switch filepath.Ext(path) {
		case ".pdf":
			if tool, err := exec.LookPath("pdftotext"); err == nil {
				out, _ := exec.Command(tool, "-enc", "UTF-8", path, "-").Output()
				texts = append(texts, string(out))
			} else if os.Getenv("CI") != "" {
				t.Fatal("pdftotext required under CI")
			}
		case ".xlsx":
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			for _, f := range zr.File {
				rc, err := f.Open()
				if err != nil {
					return err
				}
				b, _ := io.ReadAll(rc)
				rc.Close()
				texts = append(texts, string(b))
			}
		}
		for _, s := range texts {
			for _, f := range forms {
				if strings.Contains(s, f) {
					t.Errorf("%s holds the password (%q)", path, f)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
