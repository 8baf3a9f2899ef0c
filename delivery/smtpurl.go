package delivery

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// The TLS modes of an SMTP URL.
const (
	TLSNone     = "none"     // plain text (a local relay)
	TLSStartTLS = "starttls" // STARTTLS required (the default)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
)

// Server is an SMTP server as an smtp:// URL names it.
type Server struct {
	Host string
	Port int
	User string // "" for no authentication
	TLS  string // TLSNone, TLSStartTLS or TLSImplicit
}

// String writes the server back as a URL, without any password (it never has one).
func (s Server) String() string {
	u := url.URL{Scheme: "smtp", Host: net.JoinHostPort(s.Host, strconv.Itoa(s.Port)), RawQuery: "tls=" + s.TLS}
	if s.User != "" {
		u.User = url.User(s.User)
	}
	return u.String()
}

// ParseURL reads smtp://[USER@]HOST[:PORT][?tls=none|starttls|tls] (docs/contract.md). The
// default is STARTTLS on port 587; tls=tls defaults to port 465. A password in the URL is
// refused (it comes from SAVBILLING_SMTP_PASSWORD), and the error does not repeat it.
func ParseURL(raw string) (Server, error) {
	if strings.TrimSpace(raw) == "" {
		return Server{}, fmt.Errorf("no SMTP server: pass --smtp smtp://HOST[:PORT], or set SAVBILLING_SMTP or smtp.url")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Server{}, fmt.Errorf("SMTP URL: want smtp://[USER@]HOST[:PORT][?tls=none|starttls|tls]: %v", redactURLError(err))
	}
	if u.Scheme != "smtp" {
		return Server{}, fmt.Errorf("SMTP URL: want the scheme smtp://, got %q", u.Scheme)
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			return Server{}, fmt.Errorf("SMTP URL: remove the password from the URL (smtp://USER@HOST): it is read from SAVBILLING_SMTP_PASSWORD only")
		}
	}
	if u.Path != "" && u.Path != "/" {
		return Server{}, fmt.Errorf("SMTP URL: unexpected path %q (want smtp://[USER@]HOST[:PORT][?tls=…])", u.Path)
	}
	s := Server{Host: u.Hostname(), TLS: TLSStartTLS}
	if s.Host == "" {
		return Server{}, fmt.Errorf("SMTP URL: no host (want smtp://[USER@]HOST[:PORT])")
	}
	if u.User != nil {
		s.User = u.User.Username()
	}
	q := u.Query()
	for k := range q {
		if k != "tls" {
			return Server{}, fmt.Errorf("SMTP URL: unknown parameter %q (only tls=none|starttls|tls)", k)
		}
	}
	if v := q.Get("tls"); v != "" {
		switch v {
		case TLSNone, TLSStartTLS, TLSImplicit:
			s.TLS = v
		default:
			return Server{}, fmt.Errorf("SMTP URL: tls=%q: want none, starttls or tls", v)
		}
	}
	s.Port = 587
	if s.TLS == TLSImplicit {
		s.Port = 465
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Server{}, fmt.Errorf("SMTP URL: port %q: want 1 to 65535", p)
		}
		s.Port = n
	}
	return s, nil
}

// redactURLError drops the URL that url.Parse quotes in its errors: it could hold a password.
func redactURLError(err error) string {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err.Error()
	}
	return "malformed URL"
}
