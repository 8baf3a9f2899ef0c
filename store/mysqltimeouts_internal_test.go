package store

import (
	"testing"
	"time"
)

// The job adds connect, read and write timeouts to a DSN that lacks them; a DSN's own values
// (0 included: no timeout) are kept.
func TestMySQLTimeoutsDefaultAndOverridable(t *testing.T) {
	for _, c := range []struct {
		dsn                   string
		connect, read, writes time.Duration
	}{
		{"sav:pw@tcp(db:3306)/sav", 10 * time.Second, 10 * time.Minute, 10 * time.Minute},
		{"sav:pw@tcp(db:3306)/sav?parseTime=true", 10 * time.Second, 10 * time.Minute, 10 * time.Minute},
		{"sav:pw@tcp(db:3306)/sav?timeout=3s&readTimeout=0&writeTimeout=1h", 3 * time.Second, 0, time.Hour},
		{"sav:pw@tcp(db:3306)/sav?readTimeout=30m", 10 * time.Second, 30 * time.Minute, 10 * time.Minute},
	} {
		cfg, err := mysqlConfig(c.dsn)
		if err != nil {
			t.Fatalf("%s: %v", c.dsn, err)
		}
		if cfg.Timeout != c.connect || cfg.ReadTimeout != c.read || cfg.WriteTimeout != c.writes {
			t.Errorf("%s: timeouts connect %s read %s write %s, want %s %s %s", c.dsn, cfg.Timeout, cfg.ReadTimeout, cfg.WriteTimeout,
				c.connect, c.read, c.writes)
		}
	}
}
