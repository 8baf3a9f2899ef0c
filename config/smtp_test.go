package config

import (
	"strings"
	"testing"
	"time"
)

func TestSMTPKeys(t *testing.T) {
	c, err := Load(write(t, "[smtp]\nurl = 'smtp://relay.example.fr'\nfrom = 'factures@example.fr'\nrate = 2.5\nmax_attempts = 6\nbackoff = '500ms'\n[schedule]\nsend = true\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := SMTP{URL: "smtp://relay.example.fr", From: "factures@example.fr", Rate: 2.5, MaxAttempts: 6, Backoff: Duration{500 * time.Millisecond}}
	if c.SMTP != want || !c.Schedule.Send {
		t.Errorf("smtp = %+v, schedule.send = %v", c.SMTP, c.Schedule.Send)
	}
	env := map[string]string{"SAVBILLING_SMTP": "smtp://other.example.fr"}
	c.ApplyEnv(func(k string) string { return env[k] })
	if c.SMTP.URL != "smtp://other.example.fr" {
		t.Errorf("SAVBILLING_SMTP does not override smtp.url: %q", c.SMTP.URL)
	}
	d := Default()
	if d.SMTP.Rate != 10 || d.SMTP.MaxAttempts != 4 || d.SMTP.Backoff.Duration != 2*time.Second || d.Schedule.Send {
		t.Errorf("defaults: %+v, send %v", d.SMTP, d.Schedule.Send)
	}
	for text, key := range map[string]string{
		"[smtp]\nrate = -1\n":        "smtp.rate",
		"[smtp]\nmax_attempts = 0\n": "smtp.max_attempts",
		"[smtp]\nbackoff = '-1s'\n":  "smtp.backoff",
		"[smtp]\npassword = 'x'\n":   `unknown key "smtp.password"`,
		"[schedule]\nsend = 'yes'\n": "schedule.send",
	} {
		if _, err := Load(write(t, text)); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("Load(%q) = %v, want an error naming %s", text, err, key)
		}
	}
}
