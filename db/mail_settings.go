package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"time"
	"unicode/utf8"

	"kadra/db/internal/sqlcdb"
)

// Outgoing mail is set up by the owner in Settings → Poczta (R-MAIL-1) and
// kept in the settings table, password included: in plain text, guarded by
// the database file's 0600 (R-SEC-7) like the TOTP secrets beside it. A key
// kept next to the database would guard nothing from whoever can read the
// file, and a restore to a new machine (R-OPS-1) would need a second file.
// The password is never shown back, logged or audited. --smtp-url
// (KADRA_SMTP_URL) overrides the settings; the page then shows them
// read-only.

const settingMailSMTP = "mail.smtp"

// TLS modes of an SMTP server.
const (
	MailTLSNone     = "none"     // plain text: only for a server on this machine or network
	MailTLSStartTLS = "starttls" // connect in plain text, then STARTTLS, required (usually port 587)
	MailTLSImplicit = "tls"      // TLS from the first byte (usually port 465)
)

// How a queued mail leaves (QueuedMail.Delivery).
const (
	MailViaSMTP  = "smtp"   // handed to the sender, which sends it at once
	MailToOutbox = "outbox" // no SMTP server: it waits in the outbox
)

// MailSettings is the SMTP server and sender that Settings → Poczta keeps.
// Password is the stored password: only the sender reads it
// (MailTransport); pages get it empty.
type MailSettings struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	TLS      string `json:"tls"`
	User     string `json:"user"`
	Password string `json:"password"`
	From     string `json:"from"`      // the sender address; "" means the user when it is an address
	FromName string `json:"from_name"` // the sender's name, e.g. the office's
}

// Configured reports whether the settings name a server.
func (m MailSettings) Configured() bool { return m.Host != "" }

// MailSettingsInput is the Poczta form. An empty Password keeps the stored
// one; ClearPassword removes it.
type MailSettingsInput struct {
	Host          string `form:"host"`
	Port          int    `form:"port"`
	TLS           string `form:"tls"`
	User          string `form:"user"`
	Password      string `form:"password"`
	ClearPassword bool   `form:"clear_password"`
	From          string `form:"from"`
	FromName      string `form:"from_name"`
}

// MailSetup is what the Poczta section shows: the stored settings without
// the password, whether one is stored, and the --smtp-url server that
// overrides them, if any.
type MailSetup struct {
	MailSettings
	HasPassword bool
	Override    string // the server of --smtp-url, without its password
}

// SetMailOverride records that --smtp-url gives the SMTP server, described
// without its password; the sender calls it, so that pages say so and
// refuse to change the stored settings.
func (d *DB) SetMailOverride(server string) {
	d.mail.mu.Lock()
	defer d.mail.mu.Unlock()
	d.mail.override = server
}

func (d *DB) mailOverride() string {
	d.mail.mu.Lock()
	defer d.mail.mu.Unlock()
	return d.mail.override
}

func readMailSettings(ctx context.Context, q *sqlcdb.Queries) (MailSettings, error) {
	var m MailSettings
	v, err := q.GetSetting(ctx, settingMailSMTP)
	if errors.Is(err, sql.ErrNoRows) {
		return m, nil
	}
	if err != nil {
		return m, err
	}
	err = json.Unmarshal([]byte(v), &m)
	return m, err
}

// MailTransport returns the stored SMTP settings with the password, for
// the sender only; it re-reads them on each round, so that a change takes
// effect without a restart.
func (d *DB) MailTransport(ctx context.Context) (MailSettings, error) {
	return readMailSettings(ctx, d.rq)
}

// mailDelivery says how mail leaves now: MailViaSMTP when --smtp-url or the
// settings name a server, else MailToOutbox.
func (d *DB) mailDelivery(ctx context.Context, q *sqlcdb.Queries) (string, error) {
	if d.mailOverride() != "" {
		return MailViaSMTP, nil
	}
	m, err := readMailSettings(ctx, q)
	if err != nil || !m.Configured() {
		return MailToOutbox, err
	}
	return MailViaSMTP, nil
}

// MailDelivery says whether any SMTP server sends mail (MailViaSMTP) or it
// waits in the outbox (MailToOutbox). It tells nothing else, so the public
// "forgot password" page may say it.
func (d *DB) MailDelivery(ctx context.Context) (string, error) {
	return d.mailDelivery(ctx, d.rq)
}

// MailSetup returns the Poczta section's settings, without the password.
// Owner only: returns EFORBIDDEN for anyone else.
func (d *DB) MailSetup(ctx context.Context, a Actor) (MailSetup, error) {
	if err := requireOwnerOrSystem(a); err != nil {
		return MailSetup{}, err
	}
	m, err := readMailSettings(ctx, d.rq)
	if err != nil {
		return MailSetup{}, err
	}
	s := MailSetup{MailSettings: m, HasPassword: m.Password != "", Override: d.mailOverride()}
	s.Password = ""
	return s, nil
}

// mailAudit is the settings as the audit log keeps them: whether a
// password is set, never the password (R-SEC-5).
type mailAudit struct {
	Host        string `json:"host"`
	Port        int    `json:"port"`
	TLS         string `json:"tls"`
	User        string `json:"user"`
	PasswordSet bool   `json:"password_set"`
	From        string `json:"from"`
	FromName    string `json:"from_name"`
}

func (m MailSettings) audit() mailAudit {
	return mailAudit{Host: m.Host, Port: m.Port, TLS: m.TLS, User: m.User, PasswordSet: m.Password != "",
		From: m.From, FromName: m.FromName}
}

// defaultSMTPPort is the usual port of a TLS mode.
func defaultSMTPPort(tls string) int {
	switch tls {
	case MailTLSImplicit:
		return 465
	case MailTLSNone:
		return 25
	}
	return 587
}

// SetMailSettings saves Settings → Poczta (R-MAIL-1); the sender uses them
// from its next round. An empty host turns sending off (mail waits in the
// outbox). Owner only. Returns EFORBIDDEN for anyone else, ECONFLICT while
// --smtp-url overrides the settings, EINVALID with a message per field.
func (d *DB) SetMailSettings(ctx context.Context, a Actor, in MailSettingsInput) error {
	if err := requireOwnerOrSystem(a); err != nil {
		return err
	}
	if d.mailOverride() != "" {
		return Errorf(ECONFLICT, "mail.settings.overridden")
	}
	m := MailSettings{Host: strings.TrimSpace(in.Host), Port: in.Port, TLS: in.TLS,
		User: strings.TrimSpace(in.User), From: normalEmail(in.From), FromName: strings.TrimSpace(in.FromName)}
	if m.TLS == "" {
		m.TLS = MailTLSStartTLS
	}
	if m.Port == 0 && m.Host != "" {
		m.Port = defaultSMTPPort(m.TLS)
	}
	if err := checkMailSettings(m, in.Password); err != nil {
		return err
	}
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		before, err := readMailSettings(ctx, t.Queries)
		if err != nil {
			return nil, err
		}
		switch {
		case in.ClearPassword:
		case in.Password != "":
			m.Password = in.Password
		default:
			m.Password = before.Password
		}
		v, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		if err := t.SetSetting(ctx, sqlcdb.SetSettingParams{Key: settingMailSMTP, Value: string(v)}); err != nil {
			return nil, err
		}
		return one(change{Action: "settings.mail", TargetType: "settings", TargetLabel: "mail",
			Before: before.audit(), After: m.audit()}), nil
	})
	if err != nil {
		return err
	}
	d.wakeMailer() // a round with the new settings, retrying what failed
	return nil
}

func checkMailSettings(m MailSettings, password string) error {
	var v ValidationError
	switch {
	case m.Host == "":
	case utf8.RuneCountInString(m.Host) > 253:
		v.Add("host", M("error.too_long", "Max", 253))
	case !validHost(m.Host):
		v.Add("host", M("mail.settings.host_invalid"))
	}
	if m.Port < 0 || m.Port > 65535 {
		v.Add("port", M("mail.settings.port_range"))
	}
	switch m.TLS {
	case MailTLSNone, MailTLSStartTLS, MailTLSImplicit:
	default:
		v.Add("tls", M("mail.settings.tls_invalid"))
	}
	if utf8.RuneCountInString(m.User) > 254 {
		v.Add("user", M("error.too_long", "Max", 254))
	} else {
		checkText(&v, "user", m.User, false)
	}
	if utf8.RuneCountInString(password) > 500 {
		v.Add("password", M("error.too_long", "Max", 500))
	} else {
		checkText(&v, "password", password, false)
	}
	checkEmail(&v, "from", m.From, false)
	if m.From == "" && m.Host != "" && !strings.Contains(m.User, "@") {
		v.Add("from", M("mail.settings.from_needed"))
	}
	if utf8.RuneCountInString(m.FromName) > 100 {
		v.Add("from_name", M("error.too_long", "Max", 100))
	} else {
		checkText(&v, "from_name", m.FromName, false)
	}
	return v.Err()
}

// validHost accepts a host name (letters, digits, dots, hyphens) or an IP
// address: no scheme, port, path or spaces.
func validHost(h string) bool {
	return net.ParseIP(strings.Trim(h, "[]")) != nil || validDomain(h)
}

// MailState is what became of a queued mail, without its content: what a
// page may tell the admin who caused it.
type MailState struct {
	Status  string    // MailSent, MailFailed or MailPending
	Error   string    // the SMTP server's answer to a failed attempt
	RetryAt time.Time // when a failed mail is tried again
}

// AwaitMail waits up to wait for the sender's first attempt at a mail of
// the acting account, and says what became of it: MailPending when the
// sender has not tried yet. Returns ENOTFOUND for a mail of another
// account.
func (d *DB) AwaitMail(ctx context.Context, a Actor, id int64, wait time.Duration) (MailState, error) {
	if !a.Valid() {
		return MailState{}, errUnauthorized
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		next := d.mail.nextAttempt() // before the read, so no attempt slips between
		m, err := d.rq.GetMail(ctx, sqlcdb.GetMailParams{ID: id, AccountID: a.AccountID})
		if err != nil {
			return MailState{}, notFound(err)
		}
		o := outboxFrom(m)
		st := MailState{Status: o.Status(), Error: o.Error}
		if o.RetryAt != nil {
			st.RetryAt = *o.RetryAt
		}
		if st.Status != MailPending {
			return st, nil
		}
		select {
		case <-next:
		case <-timer.C:
			return st, nil
		case <-ctx.Done():
			return st, nil
		}
	}
}

// QueueTestMail queues Settings → Poczta's test message to the address to,
// or to the owner's own when empty, and hands it to the sender (R-MAIL-1).
// Owner only. Returns EFORBIDDEN for anyone else, EINVALID for a bad
// address, ECONFLICT when no SMTP server is set up (it would only wait in
// the outbox).
func (d *DB) QueueTestMail(ctx context.Context, a Actor, to string) (QueuedMail, error) {
	if err := requireOwnerOrSystem(a); err != nil {
		return QueuedMail{}, err
	}
	to = normalEmail(to)
	var v ValidationError
	checkEmail(&v, "test_to", to, false)
	if err := v.Err(); err != nil {
		return QueuedMail{}, err
	}
	q := QueuedMail{Kind: mailTest, To: to, Delivery: MailViaSMTP}
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		if dl, err := d.mailDelivery(ctx, t.Queries); err != nil {
			return nil, err
		} else if dl != MailViaSMTP {
			return nil, Errorf(ECONFLICT, "mail.test.no_smtp")
		}
		if q.To == "" {
			me, err := t.GetUser(ctx, a.UserID)
			if err != nil {
				return nil, err
			}
			q.To = mailTo(me)
		}
		data := mailData{Inviter: a.Name}
		if data.Inviter == "" {
			data.Inviter = a.Email
		}
		var err error
		if q.ID, err = t.queueMailTo(a.AccountID, q.To, mailTest, mailLang(a.Lang), data); err != nil {
			return nil, err
		}
		return one(change{Action: "mail.test", TargetType: "mail", TargetID: q.ID, TargetLabel: q.To}), nil
	})
	if err != nil {
		return QueuedMail{}, err
	}
	d.wakeMailer()
	return q, nil
}
