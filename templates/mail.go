package templates

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	sb "savbilling"
)

// MailFile is the template file of the e-mails of `savbilling send`, relative to the embedded
// root or to an override folder.
const MailFile = "mail.toml"

//go:embed mail.toml
var embeddedMail []byte

// Mail are the texts of the message that carries a repairer's documents of a period (package
// delivery). Every field is required; the ph tag lists a text's required placeholders, the opt
// tag its optional ones.
type Mail struct {
	Subject                 string `toml:"subject" ph:"period,number" opt:"network,repairer"`
	SubjectWithoutStatement string `toml:"subject_without_statement" ph:"period" opt:"network,repairer"`
	Greeting                string `toml:"greeting" opt:"repairer"`
	Intro                   string `toml:"intro" opt:"period,network"`
	Statement               string `toml:"statement" ph:"number"`
	Payment                 string `toml:"payment" ph:"amount,date"`
	NoPayment               string `toml:"no_payment"`
	Overflow                string `toml:"overflow" ph:"amount"`
	Spread                  string `toml:"spread" ph:"amount" opt:"months,plan"`
	Invoice                 string `toml:"invoice" ph:"number,amount" opt:"date"`
	DebitNote               string `toml:"debit_note" ph:"number,amount" opt:"date"`
	Attachments             string `toml:"attachments"`
	Attachment              string `toml:"attachment" ph:"file"`
	Closing                 string `toml:"closing" opt:"network"`
}

// mailFile is the form of mail.toml.
type mailFile struct {
	Mail Mail `toml:"mail"`
}

// LoadMail reads the embedded mail.toml, or its namesake in overrideDir when there is one (""
// means the embedded file), and checks it as Load checks texts.toml: a missing, empty or
// unknown key, or a misspelt placeholder, is an error naming the file and the key.
func LoadMail(overrideDir string) (*Mail, error) {
	data, where := embeddedMail, MailFile+" (embedded)"
	if overrideDir != "" {
		b, err := fs.ReadFile(os.DirFS(overrideDir), MailFile)
		switch {
		case err == nil:
			data, where = b, filepath.Join(overrideDir, MailFile)
		case !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("templates: %w", err)
		}
	}
	var m mailFile
	if err := decodeStrict(data, where, &m, "ph"); err != nil {
		return nil, err
	}
	return &m.Mail, nil
}

// LoadNetwork reads network.toml alone (the embedded file, or its namesake in overrideDir) and
// returns the network's default identity, checked as Load checks it. It is for the commands
// that print no document (send): Load also reads and checks the fonts, megabytes that such a
// command would only carry.
func LoadNetwork(overrideDir string) (sb.Issuer, error) {
	data, err := fs.ReadFile(embedded, NetworkFile)
	if err != nil {
		return sb.Issuer{}, fmt.Errorf("templates: embedded %s: %w", NetworkFile, err)
	}
	where := NetworkFile + " (embedded)"
	if overrideDir != "" {
		b, err := fs.ReadFile(os.DirFS(overrideDir), NetworkFile)
		switch {
		case err == nil:
			data, where = b, filepath.Join(overrideDir, NetworkFile)
		case !errors.Is(err, fs.ErrNotExist):
			return sb.Issuer{}, fmt.Errorf("templates: %w", err)
		}
	}
	var n network
	if err := decodeStrict(data, where, &n, ""); err != nil {
		return sb.Issuer{}, err
	}
	return sb.Issuer{Name: n.Network.Name, LegalForm: n.Network.LegalForm,
		Address: n.Network.Address, SIRET: n.Network.SIRET, VATNumber: n.Network.VATNumber,
		RCS: n.Network.RCS, Email: n.Network.Email, IBAN: n.Network.IBAN, BIC: n.Network.BIC}, nil
}
