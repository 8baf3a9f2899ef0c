package delivery

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// transport is one SMTP connection, reused for every message of a run and opened again after an
// error that lost it.
type transport struct {
	client *gomail.Client
	open   bool
}

// newTransport configures the go-mail client of server s. roots are the certificate
// authorities trusted for TLS (nil: the system's).
func newTransport(s Server, password string, roots *x509.CertPool, timeout time.Duration) (*transport, error) {
	opts := []gomail.Option{gomail.WithPort(s.Port), gomail.WithTimeout(timeout),
		gomail.WithTLSConfig(&tls.Config{ServerName: s.Host, RootCAs: roots, MinVersion: tls.VersionTLS12})}
	switch s.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.User), gomail.WithPassword(password))
	}
	c, err := gomail.NewClient(s.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("SMTP client for %s: %w", s, err)
	}
	return &transport{client: c}, nil
}

// outcome is what became of one SMTP transaction.
type outcome struct {
	accepted  bool
	permanent bool   // a 5xx answer: do not try again in this run
	answer    string // the server's answer, or the error
	dropped   bool   // the connection is lost (or no longer trusted): open it again
}

// errDial is a failure to open the connection or to authenticate (wrapped with the cause).
var errDial = errors.New("cannot open the SMTP connection")

// dial opens the connection when it is not open.
func (t *transport) dial(ctx context.Context) error {
	if t.open {
		return nil
	}
	if err := t.client.DialWithContext(ctx); err != nil {
		return fmt.Errorf("%w: %w", errDial, err)
	}
	t.open = true
	return nil
}

// close ends the connection, politely when it is still up.
func (t *transport) close() {
	if t.open {
		_ = t.client.Close()
		t.open = false
	}
}

// send runs one SMTP transaction (MAIL, RCPT, DATA) for m on the open connection.
func (t *transport) send(m *gomail.Msg) outcome {
	err := t.client.Send(m)
	if m.IsDelivered() {
		o := outcome{accepted: true, answer: "250 " + m.ServerResponse()} // go-mail keeps the text, not the code
		if m.ServerResponse() == "" {
			o.answer = "250 accepted"
		}
		if err != nil { // accepted, but the RSET after it failed: start afresh
			o.dropped = true
		}
		return o
	}
	if err == nil {
		return outcome{answer: "not delivered, without an error", dropped: true}
	}
	code := 0
	var se *gomail.SendError
	if errors.As(err, &se) {
		code = se.ErrorCode()
	}
	answer := oneLine(err.Error())
	for _, tail := range []string{", affected recipient(s):", ", affected message ID:"} {
		if i := strings.Index(answer, tail); i >= 0 { // the log's own columns say to whom, which message
			answer = answer[:i]
		}
	}
	switch {
	case code >= 500 && code < 600:
		return outcome{permanent: true, answer: answer}
	case code >= 400 && code < 500:
		return outcome{answer: answer}
	}
	// No SMTP code: the connection failed (reset, cut, timeout). It is closed and opened again.
	return outcome{answer: answer, dropped: true}
}

// dialCode is the SMTP code of a dial error (535 for bad credentials), 0 for a network error.
func dialCode(err error) int {
	msg := err.Error()
	for _, part := range strings.Split(msg, ": ") {
		if len(part) >= 3 && (part[0] == '4' || part[0] == '5') && part[1] >= '0' && part[1] <= '9' && part[2] >= '0' && part[2] <= '9' &&
			(len(part) == 3 || part[3] == ' ' || part[3] == '-') {
			return int(part[0]-'0')*100 + int(part[1]-'0')*10 + int(part[2]-'0')
		}
	}
	return 0
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return s
}

// limiter spaces the messages out to at most rate per second (0: no limit): each message
// starts at least 1/rate after the one before.
type limiter struct {
	interval time.Duration
	next     time.Time
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
}

func newLimiter(rate float64) *limiter {
	l := &limiter{now: time.Now, sleep: sleep}
	if rate > 0 {
		l.interval = time.Duration(float64(time.Second) / rate)
	}
	return l
}

// wait blocks until the next message may start, or ctx is done.
func (l *limiter) wait(ctx context.Context) error {
	if l.interval == 0 {
		return ctx.Err()
	}
	now := l.now()
	if l.next.After(now) {
		if err := l.sleep(ctx, l.next.Sub(now)); err != nil {
			return err
		}
		now = l.next
	}
	l.next = now.Add(l.interval)
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// backoff is the wait before retry n (1-based): base, 2·base, 4·base…, at most a minute.
func backoff(base time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < time.Minute; i++ {
		d *= 2
	}
	return min(d, time.Minute)
}
