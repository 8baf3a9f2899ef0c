package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadMailEmbedded(t *testing.T) {
	m, err := LoadMail("")
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "{network} — vos documents pour {period} (relevé {number})" || m.Greeting != "Bonjour {repairer}," {
		t.Errorf("subject %q, greeting %q", m.Subject, m.Greeting)
	}
	if !strings.Contains(m.Closing, "Cordialement,\n{network}") {
		t.Errorf("closing = %q", m.Closing)
	}
}

// mail.toml in the templates folder replaces the embedded one, and is checked like texts.toml:
// a misspelt placeholder or a missing key names the file and the key.
func TestLoadMailOverride(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("mail.toml")
	if err != nil {
		t.Fatal(err)
	}
	over := strings.Replace(string(data), `greeting = "Bonjour {repairer},"`, `greeting = "Chère équipe de {repairer},"`, 1)
	if err := os.WriteFile(filepath.Join(dir, MailFile), []byte(over), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := LoadMail(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Greeting != "Chère équipe de {repairer}," {
		t.Errorf("greeting = %q", m.Greeting)
	}
	for _, c := range []struct{ from, to, want string }{
		{`payment = "Nous vous versons {amount} le {date}."`, `payment = "Nous vous versons {montant} le {date}."`, "key mail.payment: unknown placeholder {montant}"},
		{`payment = "Nous vous versons {amount} le {date}."`, ``, "missing key mail.payment"},
		{`attachment = "  · {file}"`, `attachment = "  · "`, "key mail.attachment: placeholder {file} is required"},
	} {
		bad := strings.Replace(string(data), c.from, c.to, 1)
		if err := os.WriteFile(filepath.Join(dir, MailFile), []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadMail(dir)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), filepath.Join(dir, MailFile)) {
			t.Errorf("%q: error %v, want %q naming the file", c.to, err, c.want)
		}
	}
}

// LoadNetwork gives the identity Load gives, from the embedded file or an override.
func TestLoadNetworkIsLoadsIdentity(t *testing.T) {
	set, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	n, err := LoadNetwork("")
	if err != nil || n != set.Network {
		t.Errorf("LoadNetwork = %+v, %v; want %+v", n, err, set.Network)
	}
	dir := t.TempDir()
	data, _ := os.ReadFile(NetworkFile)
	os.WriteFile(filepath.Join(dir, NetworkFile), []byte(strings.Replace(string(data), "Réseau Vélo Services", "Cyclofix", 1)), 0o644)
	if n, err := LoadNetwork(dir); err != nil || n.Name != "Cyclofix" {
		t.Errorf("override: %+v, %v", n, err)
	}
	os.WriteFile(filepath.Join(dir, NetworkFile), []byte("[network]\nname = 'x'\nbogus = 1\n"), 0o644)
	if _, err := LoadNetwork(dir); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("bad override: %v", err)
	}
}
