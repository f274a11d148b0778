package db

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"sync"
	"text/template"

	"kadra/db/internal/sqlcdb"
)

// Mail is written to the outbox in the same transaction as the change that
// causes it, so that it is never lost; package mail delivers it (or the
// owner reads it at /outbox when no SMTP server is configured).

// Kinds of mail, also the names of their templates in mailtemplates/.
const (
	mailActivation    = "activation"
	mailReset         = "reset"
	mailTest          = "test"           // Settings → Poczta's test message (R-MAIL-1)
	mailNotifyConfirm = "notify_confirm" // to a new notification address, with its link
	mailNotifyChanged = "notify_changed" // to the old one, once it changed
	mailSessionsEnded = "sessions_ended" // an admin signed the user out (R-MFA-4)
	mailMFAReset      = "mfa_reset"      // an admin removed the user's second factor (R-MFA-4)
	// Governance (issue 14).
	mailDormancyWarning = "dormancy_warning"      // R-GOV-1: blocked in Days days unless they sign in
	mailImpersonation   = "impersonation_started" // R-GOV-3: an admin logs in as the user
)

// DefaultMailLang is the language of mail caused by an actor without one
// (the command line): kadra serves Polish offices first.
const DefaultMailLang = "pl"

//go:embed mailtemplates/*.tmpl
var mailTemplateFiles embed.FS

// mailTemplates holds one parsed template per kind and language, e.g.
// "activation.pl"; each defines "subject" and "body". Parsed once, at start,
// failing fast on a broken file.
var mailTemplates = parseMailTemplates()

func parseMailTemplates() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, kind := range []string{mailActivation, mailReset, mailTest, mailNotifyConfirm, mailNotifyChanged, mailSessionsEnded,
		mailMFAReset, mailGrantEnded, mailDormancyWarning, mailImpersonation} {
		for _, lang := range []string{"pl", "en"} {
			name := kind + "." + lang
			t := template.Must(template.New(name).Funcs(template.FuncMap{"hours": hoursIn(lang)}).
				ParseFS(mailTemplateFiles, "mailtemplates/"+name+".tmpl"))
			out[name] = t
		}
	}
	return out
}

// mailData is what a mail template receives.
type mailData struct {
	Name    string // the recipient's full name, or ""
	Email   string // the login e-mail they sign in with
	Account string // the account's name
	Inviter string // the admin who caused the mail; "" for a self-service request
	Link    string
	Hours   int // how long the link works
	// NewEmail is the notification address being confirmed or just set.
	NewEmail string
	Count    int // how many sessions an admin ended
	// A grant that ended (R-GOV-2): its kind ("access", "role"), the
	// sub-account or role, the role the user is back in, and, in the mail
	// to the admin who gave it, whose grant it was.
	GrantKind, GrantName, GrantBack, About string
	// Days until a dormant account is blocked (R-GOV-1).
	Days int
	// Reason and Minutes of an admin's "log in as" (R-GOV-3).
	Reason  string
	Minutes int
}

// renderMail returns the subject and body of a mail of kind in lang.
func renderMail(kind, lang string, data mailData) (subject, body string, err error) {
	t, ok := mailTemplates[kind+"."+mailLang(lang)]
	if !ok {
		return "", "", fmt.Errorf("no mail template %s", kind)
	}
	var s, b bytes.Buffer
	if err := t.ExecuteTemplate(&s, "subject", data); err != nil {
		return "", "", err
	}
	if err := t.ExecuteTemplate(&b, "body", data); err != nil {
		return "", "", err
	}
	// A subject is one line, whatever a name holds.
	subject = strings.Join(strings.Fields(s.String()), " ")
	return subject, b.String(), nil
}

// mailLang picks a language we have templates in.
func mailLang(lang string) string {
	if lang == "pl" || lang == "en" {
		return lang
	}
	return DefaultMailLang
}

// hoursIn returns "72 hours" / "72 godziny", with the language's plural.
func hoursIn(lang string) func(int) string {
	if lang == "pl" {
		return func(n int) string {
			// Accusative after "za": 1 godzinę, 2-4 godziny, 5+ godzin
			// (but 12-14 godzin, 22-24 godziny).
			switch {
			case n == 1:
				return "1 godzinę"
			case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
				return fmt.Sprintf("%d godziny", n)
			default:
				return fmt.Sprintf("%d godzin", n)
			}
		}
	}
	return func(n int) string {
		if n == 1 {
			return "1 hour"
		}
		return fmt.Sprintf("%d hours", n)
	}
}

// mailTo is where a user's mail goes: the notification e-mail when set,
// else the login e-mail (R-USER-3).
func mailTo(u sqlcdb.User) string {
	if u.NotifyEmail != "" {
		return u.NotifyEmail
	}
	return u.Email
}

// mailState is what a DB keeps for mail: the base of links, the signal to
// the sender, and the forgot-password limits.
type mailState struct {
	baseURL string
	queued  chan struct{}
	limits  *rateLimiter

	mu       sync.Mutex
	override string        // the --smtp-url server, without its password; "" for none
	attempt  chan struct{} // closed and replaced after each recorded attempt
}

func newMailState(baseURL string) *mailState {
	baseURL = strings.TrimRight(baseURL, "/")
	if baseURL == "" {
		baseURL = "http://localhost:8080"
	}
	return &mailState{baseURL: baseURL, queued: make(chan struct{}, 1), limits: newRateLimiter(),
		attempt: make(chan struct{})}
}

// delivered tells whoever waits in AwaitMail that the sender recorded an
// attempt.
func (m *mailState) delivered() {
	m.mu.Lock()
	defer m.mu.Unlock()
	close(m.attempt)
	m.attempt = make(chan struct{})
}

// nextAttempt is closed after the next attempt the sender records.
func (m *mailState) nextAttempt() <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.attempt
}

// MailQueued receives a value after a transaction that wrote mail to the
// outbox commits (or a retry is asked for), so that the sender need not
// wait for its next poll.
func (d *DB) MailQueued() <-chan struct{} { return d.mail.queued }

// wakeMailer signals MailQueued without blocking.
func (d *DB) wakeMailer() {
	select {
	case d.mail.queued <- struct{}{}:
	default:
	}
}

// recipientLang is the one place that picks the language of a mail to u:
// the recipient's own language (R-PROF-1), else the language of the admin's
// page that caused the mail, else fallback (a self-service page's
// language), else DefaultMailLang.
func (t *tx) recipientLang(u sqlcdb.User, fallback string) string {
	switch {
	case u.Lang != "":
		return mailLang(u.Lang)
	case t.a.Lang != "":
		return mailLang(t.a.Lang)
	case fallback != "":
		return mailLang(fallback)
	}
	return DefaultMailLang
}

// queueMail renders a mail of kind for user u, in the recipient's language
// (recipientLang), and writes it to the outbox in the transaction. It
// returns the outbox row's id.
func (t *tx) queueMail(u sqlcdb.User, kind, lang, link string, hours int) (int64, error) {
	return t.queueUserMail(u, mailTo(u), kind, lang, mailData{Link: link, Hours: hours})
}

// queueUserMail is queueMail to a given address, with data's Link, Hours
// and NewEmail; the rest of data comes from u.
func (t *tx) queueUserMail(u sqlcdb.User, to, kind, lang string, data mailData) (int64, error) {
	m, err := t.userMail(u, to, kind, lang, data)
	if err != nil {
		return 0, err
	}
	return t.QueueMail(t.ctx, m)
}

// userMail is the outbox row queueUserMail writes: the CSV import writes
// its invitations many to a statement (issue 15).
func (t *tx) userMail(u sqlcdb.User, to, kind, lang string, data mailData) (sqlcdb.QueueMailParams, error) {
	data.Name, data.Email = u.FullName, u.Email
	if t.a.UserID != 0 && t.a.UserID != u.ID {
		data.Inviter = t.a.Name
		if data.Inviter == "" {
			data.Inviter = t.a.Email
		}
	}
	return t.mailRow(u.AccountID, to, kind, t.recipientLang(u, lang), data)
}

// queueMailTo renders a mail of kind in lang for the address to and writes
// it to account's outbox in the transaction.
func (t *tx) queueMailTo(account int64, to, kind, lang string, data mailData) (int64, error) {
	m, err := t.mailRow(account, to, kind, lang, data)
	if err != nil {
		return 0, err
	}
	return t.QueueMail(t.ctx, m)
}

// mailRow renders a mail of kind in lang for the address to, as a row of
// account's outbox.
func (t *tx) mailRow(account int64, to, kind, lang string, data mailData) (sqlcdb.QueueMailParams, error) {
	acc, err := t.account(account)
	if err != nil {
		return sqlcdb.QueueMailParams{}, err
	}
	data.Account = acc.Name
	subject, body, err := renderMail(kind, lang, data)
	if err != nil {
		return sqlcdb.QueueMailParams{}, err
	}
	return sqlcdb.QueueMailParams{AccountID: account, ToAddr: to, Subject: subject, Body: body,
		CreatedAt: t.d.unix()}, nil
}
