package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// The MySQL/MariaDB timeouts the job adds when the DSN does not set them (go-sql-driver's
// timeout, readTimeout and writeTimeout; 0 in the DSN turns one off). A server that accepts and
// never answers then fails a command instead of hanging it, and every later schedule tick.
//
// Connecting (dial, handshake, authentication) takes milliseconds: 10 s is generous. The read
// timeout bounds the wait for one packet of the server's answer, so it must exceed the longest
// statement the job runs before the server sends anything: at workload L the summed reads and
// the LOAD DATA of a million commission lines take 8–16 s of server time each (README,
// Performance), and GET_LOCK waits for the close lock are taken in slices shorter than the read
// timeout. 10 min leaves more than 30× that margin for a larger network or a busy server; the
// write timeout, the wait for the server to take a packet (LOAD DATA's file), the same.
const (
	DefaultMySQLConnectTimeout = 10 * time.Second
	DefaultMySQLReadTimeout    = 10 * time.Minute
	DefaultMySQLWriteTimeout   = 10 * time.Minute
)

// ErrNoAnswer is returned (wrapped, naming the server and the timeout) when a MySQL server
// accepted a connection but did not complete it within the connect timeout.
var ErrNoAnswer = errors.New("the database server did not answer")

// mysqlLimits are the timeouts of one MySQL database, for the errors that name them.
type mysqlLimits struct {
	addr                   string
	connect, read, written time.Duration
}

// dsnSets reports whether the DSN's parameters name key (even with an empty or zero value).
func dsnSets(dsn, key string) bool {
	_, params, ok := strings.Cut(dsn, "?")
	if !ok {
		return false
	}
	for _, kv := range strings.Split(params, "&") {
		if k, _, _ := strings.Cut(kv, "="); k == key {
			return true
		}
	}
	return false
}

// applyTimeouts adds the default timeouts the DSN does not set.
func applyTimeouts(cfg *mysql.Config, dsn string) {
	if !dsnSets(dsn, "timeout") {
		cfg.Timeout = DefaultMySQLConnectTimeout
	}
	if !dsnSets(dsn, "readTimeout") {
		cfg.ReadTimeout = DefaultMySQLReadTimeout
	}
	if !dsnSets(dsn, "writeTimeout") {
		cfg.WriteTimeout = DefaultMySQLWriteTimeout
	}
}

// timeoutConnector bounds a whole connection (dial, handshake, authentication) by the connect
// timeout: go-sql-driver bounds only the dial by it, and a server that accepts the connection
// but never sends its handshake would otherwise hold the connection for the read timeout.
type timeoutConnector struct {
	driver.Connector
	limits mysqlLimits
}

// Connect connects within the connect timeout, or returns ErrNoAnswer naming the server and the
// timeouts when the server accepted the connection but did not complete it.
func (c timeoutConnector) Connect(ctx context.Context) (driver.Conn, error) {
	cctx := ctx
	if c.limits.connect > 0 {
		var cancel context.CancelFunc
		cctx, cancel = context.WithTimeout(ctx, c.limits.connect)
		defer cancel()
	}
	conn, err := c.Connector.Connect(cctx)
	if err != nil && ctx.Err() == nil && (cctx.Err() != nil || isTimeout(err) || errors.Is(err, mysql.ErrInvalidConn)) {
		return nil, fmt.Errorf("%w: the MySQL server %s did not complete the connection (connect timeout %s, DSN parameter timeout=…; read timeout %s, readTimeout=…): %v",
			ErrNoAnswer, c.limits.addr, c.limits.connect, c.limits.read, err)
	}
	return conn, err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// Explain adds to err, when it is a MySQL connection that timed out or broke, which server and
// which timeouts were involved: go-sql-driver reports them as "invalid connection". Other errors
// are returned as they are.
func (d *DB) Explain(err error) error {
	if d == nil || err == nil || d.limits == nil || errors.Is(err, ErrNoAnswer) {
		return err
	}
	if errors.Is(err, mysql.ErrInvalidConn) || errors.Is(err, driver.ErrBadConn) || isTimeout(err) {
		l := d.limits
		return fmt.Errorf("%w (the MySQL server %s stopped answering or closed the connection; timeouts: read %s, write %s: DSN parameters readTimeout=…, writeTimeout=…)",
			err, l.addr, l.read, l.written)
	}
	return err
}

// lockSlice is the longest GET_LOCK the job asks for at once: shorter than the read timeout,
// which would otherwise cut a long wait for the close lock.
func (d *DB) lockSlice() time.Duration {
	s := time.Minute
	if d.limits != nil && d.limits.read > 0 {
		s = min(s, max(d.limits.read/2, time.Second))
	}
	return s
}

// SetDriverLogger sends go-sql-driver/mysql's own log lines (a broken connection, a timed-out
// read) to l as warnings, so that stderr stays in the run's log format (JSON for schedule)
// instead of receiving raw "[mysql] …" lines. Call it before Open.
func SetDriverLogger(l *slog.Logger) {
	_ = mysql.SetLogger(driverLogger{l})
}

// driverLogger is go-sql-driver's Logger on slog.
type driverLogger struct{ l *slog.Logger }

// Print logs one line of the driver.
func (d driverLogger) Print(v ...any) {
	d.l.Warn("mysql driver", "detail", strings.TrimSpace(fmt.Sprint(v...)))
}
