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
)

// server is an SMTP server parsed from --smtp-url.
type server struct {
	host        string
	port        int
	implicitTLS bool // smtps://: TLS from the first byte; else STARTTLS when offered
	user, pass  string
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
		s.port = 587
	case "smtps":
		s.port, s.implicitTLS = 465, true
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
	if s.implicitTLS {
		scheme, how = "smtps", "TLS"
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
