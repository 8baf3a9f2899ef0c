// Package dbtest runs store tests on every available database engine: always SQLite, and
// MariaDB/MySQL when SAVBILLING_TEST_MYSQL_DSN names a server (scripts/mariadb.sh starts a
// throwaway one; `make test` does it for you).
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"savbilling/store"
)

// EnvDSN names the environment variable holding the go-sql-driver DSN, without database, of the
// MariaDB/MySQL server to test on, e.g. "sav:sav@tcp(127.0.0.1:33306)/" or "root@unix(/tmp/x/sock)/".
const EnvDSN = "SAVBILLING_TEST_MYSQL_DSN"

// Engine is one database to run a test on.
type Engine struct {
	Name string // "sqlite" or "mysql"
	DB   string // "sqlite:PATH" or "mysql:DSN", ready for store.Open
}

var (
	adminOnce sync.Once
	admin     *sql.DB
	adminErr  error
)

// server opens (once per test binary) a pool on the server of dsn, without database.
func server(dsn string) (*sql.DB, error) {
	adminOnce.Do(func() {
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			adminErr = err
			return
		}
		cfg.DBName = ""
		conn, err := mysql.NewConnector(cfg)
		if err != nil {
			adminErr = err
			return
		}
		admin = sql.OpenDB(conn)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		adminErr = admin.PingContext(ctx)
	})
	return admin, adminErr
}

// Engines returns the engines to run a store test on: always SQLite (a fresh file in
// t.TempDir()), and MySQL/MariaDB when SAVBILLING_TEST_MYSQL_DSN is set, with for each call a
// fresh database sav_test_<random> created on that server and dropped at t.Cleanup.
//
// When the variable is unset, the test fails under CI (CI set and non-empty): the MariaDB suite is
// required there. Elsewhere it logs loudly that the MariaDB suite was not run and returns SQLite
// only.
func Engines(t testing.TB) []Engine {
	t.Helper()
	engines := []Engine{{Name: "sqlite", DB: "sqlite:" + filepath.Join(t.TempDir(), "savbilling.db")}}
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("MariaDB suite required under CI: %s is not set", EnvDSN)
		}
		t.Logf("MARIADB SUITE NOT RUN: %s is not set; run `make test` or `eval \"$(scripts/mariadb.sh start)\"`", EnvDSN)
		return engines
	}
	srv, err := server(dsn)
	if err != nil {
		t.Fatalf("MariaDB server of %s: %s", EnvDSN, store.Redact("mysql:"+dsn)+": "+err.Error())
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := "sav_test_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	// The server default charset is kept (latin1 on a bare server): the migrations must force utf8mb4.
	if _, err := srv.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := srv.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DBName = name
	return append(engines, Engine{Name: "mysql", DB: "mysql:" + cfg.FormatDSN()})
}

// Open opens the engine's database with store.Open, migrates it, and closes it at t.Cleanup.
func Open(t testing.TB, e Engine) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, e.DB)
	if err != nil {
		t.Fatalf("open %s: %v", e.Name, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close %s: %v", e.Name, err)
		}
	})
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", e.Name, err)
	}
	return db
}
