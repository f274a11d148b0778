package handlers_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"kadra/db"
	"kadra/db/dbtest"
	"kadra/mail"
	"kadra/mail/mailtest"
)

// startSender runs the outbox's SMTP sender until the test ends.
func startSender(t *testing.T, d *db.DB, cfg mail.Config) *mail.Sender {
	t.Helper()
	cfg.Logger = slog.New(slog.DiscardHandler)
	if cfg.Poll == 0 {
		cfg.Poll = 50 * time.Millisecond
	}
	s, err := mail.NewSender(d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done }) // before the database closes
	return s
}

// eventually polls cond for up to 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// R-USER-11, R-USER-3: an admin creates a user with "send activation
// e-mail"; a real SMTP server in the test process receives the mail at the
// user's notification address; the link in it, followed through the HTTP
// server, sets the password; the user signs in with it.
func TestInvitationOverSMTP(t *testing.T) {
	srv := mailtest.Start(t, "kadra@example.pl", "smtp-secret")
	d, _ := dbtest.Setup(t)
	startSender(t, d, mail.Config{URL: srv.URL})
	a := serve(t, d) // the sender told the database that --smtp-url overrides the settings
	owner := dbtest.Login(t, a.db, "owner@example.pl", dbtest.OwnerPassword)
	owner.Lang = "en" // the admin's page language picks the mail's

	inviteUser(t, a.db, owner, "anna@example.pl", "anna.home@example.com")
	m := srv.Wait(t, 1, 10*time.Second)[0]
	if len(m.To) != 1 || m.To[0] != "anna.home@example.com" || m.From != "kadra@example.pl" {
		t.Fatalf("envelope %s -> %v", m.From, m.To)
	}
	if !strings.Contains(m.Subject, "Set your password") || !strings.Contains(m.Body, "anna@example.pl") ||
		!strings.Contains(m.Body, "72 hours") {
		t.Fatalf("%s\n%s", m.Subject, m.Body)
	}

	path := linkPath(t, m.Body)
	c := a.client()
	if r := c.get(path); r.Status != http.StatusOK || !strings.Contains(r.Body, "anna@example.pl") {
		t.Fatalf("link page: %d", r.Status)
	}
	r := c.post(path, url.Values{"password": {mailPassword}, "password_confirm": {mailPassword}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login?email=anna%40example.pl" {
		t.Fatalf("set password: %d\n%s", r.Status, r.Body)
	}
	c.login("anna@example.pl", mailPassword)
	if r := c.get("/profile"); r.Status != http.StatusOK || !strings.Contains(r.Body, "anna@example.pl") {
		t.Fatalf("signed in: %d", r.Status)
	}
	if r := c.get(path); r.Status != http.StatusNotFound {
		t.Fatalf("the link works twice: %d", r.Status)
	}
	eventually(t, "marked sent", func() bool {
		return lastMailTo(t, a.db, owner, "anna.home@example.com").Status() == db.MailSent
	})
	if r := a.ownerClient().get("/outbox?status=sent"); !strings.Contains(r.Body, "anna.home@example.com") ||
		!strings.Contains(r.Body, "Mail is delivered through smtp://kadra@example.pl@127.0.0.1:") {
		t.Fatalf("outbox:\n%s", r.Body)
	}
}

// R-USER-12: a reset link asked for on the sign-in page arrives over SMTP
// and works.
func TestForgotPasswordOverSMTP(t *testing.T) {
	srv := mailtest.Start(t, "", "")
	a := newSetupApp(t)
	startSender(t, a.db, mail.Config{URL: srv.URL})
	owner := dbtest.Login(t, a.db, "owner@example.pl", dbtest.OwnerPassword)
	dbtest.AddUser(t, a.db, owner, "piotr@example.pl")
	c := a.client()
	c.http.Jar.SetCookies(mustURL(a.ts.URL), []*http.Cookie{{Name: "kadra_lang", Value: "pl"}})
	c.get("/forgot-password")
	if r := c.post("/forgot-password", url.Values{"email": {"piotr@example.pl"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("%d", r.Status)
	}
	m := srv.Wait(t, 1, 10*time.Second)[0]
	if !strings.Contains(m.Subject, "Ustaw nowe hasło") || !strings.Contains(m.Body, "2 godziny") {
		t.Fatalf("Polish mail expected: %s\n%s", m.Subject, m.Body)
	}
	path := linkPath(t, m.Body)
	c.get(path)
	if r := c.post(path, url.Values{"password": {mailPassword}, "password_confirm": {mailPassword}}); r.Status != http.StatusSeeOther {
		t.Fatalf("%d\n%s", r.Status, r.Body)
	}
	a.client().login("piotr@example.pl", mailPassword)
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// R-USER-11: when the SMTP server refuses, the mail stays in the outbox,
// is shown failed with the server's answer, is retried, and arrives once
// the server accepts: never lost.
func TestRefusedMailIsRetriedAndShown(t *testing.T) {
	srv := mailtest.Start(t, "", "")
	srv.Refuse(&smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Mailbox busy, try later"})
	a := newSetupApp(t)
	startSender(t, a.db, mail.Config{URL: srv.URL, Backoff: func(int) time.Duration { return 100 * time.Millisecond }})
	owner := dbtest.Login(t, a.db, "owner@example.pl", dbtest.OwnerPassword)
	inviteUser(t, a.db, owner, "wait@example.pl", "")

	eventually(t, "two refusals", func() bool { return srv.Refused() >= 2 })
	oc := a.ownerClient()
	var failed db.OutboxMail
	eventually(t, "shown failed", func() bool {
		failed = lastMailTo(t, a.db, owner, "wait@example.pl")
		return failed.Status() == db.MailFailed && failed.Attempts >= 2
	})
	r := oc.get("/outbox?status=failed")
	if !strings.Contains(r.Body, "wait@example.pl") || !strings.Contains(r.Body, "Mailbox busy, try later") {
		t.Fatalf("outbox:\n%s", r.Body)
	}

	srv.Refuse(nil)
	m := srv.Wait(t, 1, 10*time.Second)[0]
	if m.To[0] != "wait@example.pl" {
		t.Fatalf("to %v", m.To)
	}
	eventually(t, "marked sent", func() bool {
		return lastMailTo(t, a.db, owner, "wait@example.pl").Status() == db.MailSent
	})
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("%d copies delivered", n)
	}
}
