// Package mailpit runs a real SMTP server for the tests of `savbilling send`: Mailpit
// (github.com/axllent/mailpit), started on loopback ports, its received messages and
// attachments read through its HTTP API.
//
// The binary is $SAVBILLING_MAILPIT, else ~/.cache/savbilling/mailpit-v1.33.1/mailpit (where
// scripts/mailpit.sh build puts it). When it is missing, a test fails under CI (CI set and
// non-empty) and is skipped loudly elsewhere.
package mailpit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Version is the Mailpit release the tests run.
const Version = "v1.33.1"

// EnvBinary names the environment variable holding the Mailpit binary's path.
const EnvBinary = "SAVBILLING_MAILPIT"

// Binary returns the Mailpit binary's path, "" when there is none.
func Binary() string {
	if p := os.Getenv(EnvBinary); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
		return ""
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	p := filepath.Join(home, ".cache", "savbilling", "mailpit-"+Version, "mailpit")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// Require returns the binary, failing the test under CI when it is missing and skipping it
// loudly elsewhere.
func Require(t testing.TB) string {
	t.Helper()
	bin := Binary()
	if bin != "" {
		return bin
	}
	msg := "MAILPIT NOT FOUND: the send tests need a real SMTP server; run `scripts/mailpit.sh build` (or set " + EnvBinary + ")"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Server is a running Mailpit.
type Server struct {
	SMTP string // host:port of its SMTP listener
	API  string // base URL of its HTTP API, http://127.0.0.1:port
	cmd  *exec.Cmd
}

// Start runs Mailpit on two free loopback ports with the extra flags given (e.g.
// "--smtp-tls-cert", cert, "--smtp-auth-file", file) and stops it at t.Cleanup.
func Start(t testing.TB, flags ...string) *Server {
	t.Helper()
	bin := Require(t)
	dir := t.TempDir()
	smtpPort, apiPort := freePort(t), freePort(t)
	s := &Server{SMTP: "127.0.0.1:" + strconv.Itoa(smtpPort), API: "http://127.0.0.1:" + strconv.Itoa(apiPort)}
	args := append([]string{"--smtp", s.SMTP, "--listen", "127.0.0.1:" + strconv.Itoa(apiPort),
		"--database", filepath.Join(dir, "mailpit.db"), "--max", "0", "--quiet", "--smtp-disable-rdns"}, flags...)
	cmd := exec.Command(bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mailpit: %v", err)
	}
	s.cmd = cmd
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("mailpit output:\n%s", out.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.SMTP, time.Second)
		if err == nil {
			c.Close()
			if _, err := s.Messages(); err == nil {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit did not start within 30 s: %s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Address is an address as the API gives it.
type Address struct {
	Name    string `json:"Name"`
	Address string `json:"Address"`
}

// Summary is a received message as the list gives it.
type Summary struct {
	ID          string    `json:"ID"`
	MessageID   string    `json:"MessageID"` // without the angle brackets
	To          []Address `json:"To"`
	Subject     string    `json:"Subject"`
	Attachments int       `json:"Attachments"`
}

// Part is an attachment of a message.
type Part struct {
	PartID      string `json:"PartID"`
	FileName    string `json:"FileName"`
	ContentType string `json:"ContentType"`
	Size        int64  `json:"Size"`
}

// Message is a received message in full.
type Message struct {
	ID          string    `json:"ID"`
	MessageID   string    `json:"MessageID"`
	From        Address   `json:"From"`
	To          []Address `json:"To"`
	Subject     string    `json:"Subject"`
	Text        string    `json:"Text"`
	Attachments []Part    `json:"Attachments"`
}

// Messages lists every message received, newest first.
func (s *Server) Messages() ([]Summary, error) {
	var out []Summary
	for start := 0; ; {
		var page struct {
			Total    int       `json:"total"`
			Messages []Summary `json:"messages"`
		}
		if err := s.get(fmt.Sprintf("/api/v1/messages?start=%d&limit=1000", start), &page); err != nil {
			return nil, err
		}
		out = append(out, page.Messages...)
		start += len(page.Messages)
		if len(page.Messages) == 0 || start >= page.Total {
			return out, nil
		}
	}
}

// Count is the number of messages received.
func (s *Server) Count() (int, error) {
	var page struct {
		Total int `json:"total"`
	}
	err := s.get("/api/v1/messages?limit=1", &page)
	return page.Total, err
}

// Message reads one message.
func (s *Server) Message(id string) (*Message, error) {
	var m Message
	return &m, s.get("/api/v1/message/"+id, &m)
}

// Attachment downloads one attachment's bytes.
func (s *Server) Attachment(id, part string) ([]byte, error) {
	return s.raw("/api/v1/message/" + id + "/part/" + part)
}

// Raw downloads a message's source.
func (s *Server) Raw(id string) ([]byte, error) { return s.raw("/api/v1/message/" + id + "/raw") }

// Clear deletes every message.
func (s *Server) Clear() error {
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodDelete, s.API+"/api/v1/messages", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("mailpit: delete messages: %s", resp.Status)
	}
	return nil
}

func (s *Server) raw(path string) ([]byte, error) {
	resp, err := http.Get(s.API + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("mailpit: GET %s: %s: %s", path, resp.Status, data)
	}
	return data, nil
}

func (s *Server) get(path string, v any) error {
	data, err := s.raw(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}
