package delivery

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	sb "savbilling"
	"savbilling/internal/dbtest"
	"savbilling/internal/mailpit"
	"savbilling/invoices"
	"savbilling/job"
	"savbilling/sample"
	"savbilling/store"
	"savbilling/templates"
)

// demoNow is the instant of the demo's closes: its three months are 2026-09 to 2026-11.
var demoNow = time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)

var demoPeriods = []sb.Period{sb.MustPeriod("2026-09"), sb.MustPeriod("2026-10"), sb.MustPeriod("2026-11")}

// demo closes the sample network's three months into a fresh database of engine e, with their
// outputs under a temporary folder, as `savbilling demo` does.
func demo(t testing.TB, e dbtest.Engine) (*store.DB, string) {
	t.Helper()
	ctx := context.Background()
	db := dbtest.Open(t, e)
	set, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	j := &job.Job{DB: db, Out: out, Issuer: set.Network, Rules: sb.DefaultRules(),
		Renderers: []job.Renderer{job.PDF(invoices.New(set)), job.Workbook()}}
	for _, st := range sample.Demo(demoPeriods[0]) {
		if err := db.InsertSource(ctx, st.Insert); err != nil {
			t.Fatal(err)
		}
		for _, d := range st.Update {
			if err := db.UpdateDecision(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := j.Close(ctx, st.Period, demoNow, false); err != nil {
			t.Fatal(err)
		}
	}
	return db, out
}

// sqliteEngine is a fresh SQLite engine (the tests that are not about the store).
func sqliteEngine(t testing.TB) dbtest.Engine {
	return dbtest.Engine{Name: "sqlite", DB: "sqlite:" + filepath.Join(t.TempDir(), "savbilling.db")}
}

// options are the settings of a send of p from out to the SMTP server at addr (plain text),
// without rate limit and with short backoffs.
func options(t testing.TB, p sb.Period, out, addr string, log *slog.Logger) Options {
	t.Helper()
	texts, err := templates.LoadMail("")
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(addr)
	var srv Server
	if addr != "" {
		if srv, err = ParseURL("smtp://" + host + ":" + port + "?tls=none"); err != nil {
			t.Fatal(err)
		}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return Options{Period: p, Out: out, Server: srv, From: &mail.Address{Name: "Réseau Vélo Services", Address: "finance@example.fr"},
		Network: "Réseau Vélo Services", Mail: texts, MaxAttempts: 4, Backoff: 10 * time.Millisecond,
		Timeout: 10 * time.Second, Now: time.Now, Log: log}
}

// proxy is a TCP front between savbilling and the real server that injects faults into the
// SMTP stream it relays: a 451 answer to chosen recipients, the connection cut in the middle of
// a message.
type proxy struct {
	Addr   string
	target string
	ln     net.Listener

	mu    sync.Mutex
	conns int            // connections accepted
	rcpt  map[string]int // address → how many RCPT TO still to answer 451
	cut   int            // cut the stream once this many bytes of message data have passed (0: never)
	cuts  int            // streams cut
}

func startProxy(t testing.TB, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{Addr: ln.Addr().String(), target: target, ln: ln, rcpt: map[string]int{}}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			p.conns++
			p.mu.Unlock()
			go p.relay(c)
		}
	}()
	return p
}

func (p *proxy) connections() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.conns
}

// refuse makes the next n RCPT TO of addr answer 451.
func (p *proxy) refuse(addr string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rcpt[strings.ToLower(addr)] = n
}

// cutAfter cuts the next message's stream once n bytes of its data have passed.
func (p *proxy) cutAfter(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = n
}

// streamsCut is how many streams were cut.
func (p *proxy) streamsCut() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cuts
}

// relay carries one connection, line by line from the client, injecting the faults.
func (p *proxy) relay(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer server.Close()
	var wmu sync.Mutex // the client is written by both directions
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := server.Read(buf)
			if n > 0 {
				wmu.Lock()
				_, werr := client.Write(buf[:n])
				wmu.Unlock()
				if werr != nil {
					return
				}
			}
			if err != nil {
				client.Close()
				return
			}
		}
	}()
	r := bufio.NewReader(client)
	inData, dataBytes := false, 0
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			if !inData {
				cmd := strings.ToUpper(string(bytes.TrimSpace(line)))
				if addr, ok := strings.CutPrefix(cmd, "RCPT TO:<"); ok {
					addr = strings.ToLower(strings.TrimSuffix(strings.Fields(addr)[0], ">"))
					p.mu.Lock()
					refuse := p.rcpt[addr] > 0
					if refuse {
						p.rcpt[addr]--
					}
					p.mu.Unlock()
					if refuse {
						wmu.Lock()
						_, _ = client.Write([]byte("451 4.3.0 Temporary failure, try again later\r\n"))
						wmu.Unlock()
						continue
					}
				}
				if cmd == "DATA" {
					inData, dataBytes = true, 0
				}
			} else {
				if string(bytes.TrimRight(line, "\r\n")) == "." {
					inData = false
				}
				dataBytes += len(line)
				p.mu.Lock()
				cut := p.cut > 0 && dataBytes >= p.cut
				if cut {
					p.cut, p.cuts = 0, p.cuts+1
				}
				p.mu.Unlock()
				if cut {
					return // both ends closed mid-message
				}
			}
			if _, err := server.Write(line); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// testCA writes a certificate authority and a certificate for 127.0.0.1 signed by it into dir,
// and returns the pool that trusts the authority and the certificate and key files.
func testCA(t testing.TB, dir string) (*x509.CertPool, string, string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "savbilling test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	return pool, certFile, keyFile
}

// received indexes the server's messages by Message-ID (without angle brackets).
func received(t testing.TB, mp *mailpit.Server) map[string][]mailpit.Summary {
	t.Helper()
	ms, err := mp.Messages()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]mailpit.Summary{}
	for _, m := range ms {
		out[m.MessageID] = append(out[m.MessageID], m)
	}
	return out
}
