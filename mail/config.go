// Package mail delivers the outbox: a goroutine started by "kadra serve"
// sends the messages the domain layer wrote to the outbox table through an
// SMTP server, retrying failures with back-off and never dropping one.
// Without an SMTP server configured nothing runs, and the owner reads the
// mail at /outbox.
package mail

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"kadra/db"
)

// TLS modes besides db's MailTLSNone, MailTLSStartTLS and MailTLSImplicit:
// smtp:// URLs use STARTTLS when the server offers it.
const tlsOpportunistic = "opportunistic"

// server is an SMTP server and the sender of its mail, from --smtp-url or
// from Settings → Poczta. It is comparable, so that the sender sees when
// the settings changed.
type server struct {
	host       string
	port       int
	tls        string // db.MailTLSNone, db.MailTLSStartTLS, db.MailTLSImplicit or tlsOpportunistic
	user, pass string
	from       string // the sender address; "" means the default (sender)
	fromName   string
}

// fromSettings is the server of the stored settings.
func fromSettings(m db.MailSettings) server {
	s := server{host: m.Host, port: m.Port, tls: m.TLS, user: m.User, pass: m.Password, from: m.From,
		fromName: m.FromName}
	if s.tls == "" {
		s.tls = db.MailTLSStartTLS
	}
	if s.port == 0 {
		s.port = 587
		if s.tls == db.MailTLSImplicit {
			s.port = 465
		}
	}
	return s
}

// sender is the From address: the one configured, else the SMTP user when
// it is an address, else kadra@ the SMTP host.
func (s server) sender() string {
	switch {
	case s.from != "":
		return s.from
	case strings.Contains(s.user, "@"):
		return s.user
	}
	return "kadra@" + s.host
}

// parseURL reads smtp://user:pass@host:587 (STARTTLS when the server offers
// it; port 587 by default) or smtps://user:pass@host:465 (implicit TLS;
// port 465 by default). User and password are optional and may be
// percent-encoded.
func parseURL(raw string) (server, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return server{}, fmt.Errorf("smtp url: %w", err)
	}
	var s server
	switch u.Scheme {
	case "smtp":
		s.port, s.tls = 587, tlsOpportunistic
	case "smtps":
		s.port, s.tls = 465, db.MailTLSImplicit
	default:
		return server{}, fmt.Errorf("smtp url: scheme must be smtp:// or smtps://, not %q", u.Scheme)
	}
	s.host = u.Hostname()
	if s.host == "" {
		return server{}, fmt.Errorf("smtp url: no host in %q", redact(u))
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return server{}, fmt.Errorf("smtp url: bad port %q", p)
		}
		s.port = n
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	return s, nil
}

// String describes the server without its password, for logs and pages.
func (s server) String() string {
	scheme, how := "smtp", "STARTTLS when offered"
	switch s.tls {
	case db.MailTLSImplicit:
		scheme, how = "smtps", "TLS"
	case db.MailTLSStartTLS:
		how = "STARTTLS"
	case db.MailTLSNone:
		how = "no TLS"
	}
	who := ""
	if s.user != "" {
		who = s.user + "@"
	}
	return fmt.Sprintf("%s://%s%s (%s)", scheme, who, net.JoinHostPort(s.host, strconv.Itoa(s.port)), how)
}

func redact(u *url.URL) string {
	if u.User == nil {
		return u.String()
	}
	c := *u
	c.User = url.User(u.User.Username())
	return c.String()
}
