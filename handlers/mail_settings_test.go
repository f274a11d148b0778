package handlers_test

import (
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"kadra/db"
	"kadra/db/dbtest"
	"kadra/mail"
	"kadra/mail/mailtest"
)

const smtpSecret = "Smtp-Secret-123"

// mailForm is the Poczta form pointing at srv, with TLS off (the test
// server has none; it is on this machine).
func mailForm(t *testing.T, srv *mailtest.Server, password string) url.Values {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(u.Host)
	return url.Values{"host": {host}, "port": {port}, "tls": {"none"}, "user": {"kadra@example.pl"},
		"password": {password}, "from": {"biuro@example.pl"}, "from_name": {"Biuro Rachunkowe"}}
}

// R-MAIL-1: the owner sets up SMTP in Settings → Poczta; the sender picks
// the settings up without a restart (mail that waited goes out); the test
// message arrives and the page shows the server's answer, or its error
// text; the password is never shown back, an empty field keeps it and the
// checkbox clears it; a refused form keeps what was typed.
func TestMailSettingsRoundTrip(t *testing.T) {
	srv := mailtest.Start(t, "kadra@example.pl", smtpSecret)
	d, owner := dbtest.Setup(t)
	startSender(t, d, mail.Config{Backoff: func(int) time.Duration { return time.Hour }})
	a := serve(t, d)
	oc := a.ownerClient()

	r := oc.get("/settings")
	mustContain(t, "before", r.Body, `id="mail"`, "No SMTP server is set up", `action="/settings/mail"`)
	inviteUser(t, d, owner, "waiting@example.pl", "")

	// A refused form keeps the typed values, never the password.
	bad := mailForm(t, srv, smtpSecret)
	bad.Set("host", "smtp://"+bad.Get("host"))
	r = oc.post("/settings/mail", bad)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad host: %d", r.Status)
	}
	mustContain(t, "refused", r.Body, `value="smtp://127.0.0.1"`, "without smtp://", `value="Biuro Rachunkowe"`)
	if strings.Contains(r.Body, smtpSecret) {
		t.Fatal("the password is shown back in a refused form")
	}

	if r := oc.post("/settings/mail", mailForm(t, srv, smtpSecret)); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.Status, r.Body)
	}
	m := srv.Wait(t, 1, 10*time.Second)[0] // the invitation that waited, without a restart
	if m.To[0] != "waiting@example.pl" || m.From != "biuro@example.pl" ||
		!strings.Contains(m.Header.Get("From"), "Biuro Rachunkowe") {
		t.Fatalf("%v from %s (%s)", m.To, m.From, m.Header.Get("From"))
	}
	r = oc.get("/settings")
	mustContain(t, "saved", r.Body, "Mail settings saved.", "A password is stored", `name="clear_password"`)
	if strings.Contains(r.Body, smtpSecret) {
		t.Fatal("the password is shown back")
	}

	// The test message, to an address typed; an empty password keeps the
	// stored one (the server requires it).
	if r := oc.post("/settings/mail", mailForm(t, srv, "")); r.Status != http.StatusSeeOther {
		t.Fatalf("save again: %d", r.Status)
	}
	r = oc.post("/settings/mail/test", url.Values{"test_to": {"proba@example.pl"}})
	mustContain(t, "test", r.Body, "The SMTP server accepted the test message to proba@example.pl.")
	msgs := srv.Wait(t, 2, 10*time.Second)
	if last := msgs[len(msgs)-1]; last.To[0] != "proba@example.pl" || !strings.Contains(last.Subject, "Test message") {
		t.Fatalf("%v %q", last.To, last.Subject)
	}

	// The server's error text, in Polish around it.
	srv.Refuse(&smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Mailbox busy, try later"})
	oc.post("/lang", url.Values{"lang": {"pl"}, "next": {"/settings"}})
	r = oc.post("/settings/mail/test", nil) // to the owner
	mustContain(t, "refused test", r.Body, "Serwer SMTP nie przyjął wiadomości testowej do owner@example.pl",
		"Mailbox busy, try later", "Kolejna próba o")
	srv.Refuse(nil)

	// Clearing the password: the server then refuses to authenticate,
	// and the page says so.
	clear := mailForm(t, srv, "")
	clear.Set("clear_password", "true")
	if r := oc.post("/settings/mail", clear); r.Status != http.StatusSeeOther {
		t.Fatalf("clear: %d", r.Status)
	}
	mustContain(t, "cleared", oc.get("/settings").Body, "Nie zapisano hasła.")
	r = oc.post("/settings/mail/test", url.Values{"test_to": {"bez-hasla@example.pl"}})
	mustContain(t, "no password", r.Body, "Serwer SMTP nie przyjął wiadomości testowej do bez-hasla@example.pl")
}

// R-MAIL-1: every message says what became of the mail: it waits in the
// outbox without SMTP, it was sent, or it failed and when it is tried
// again; the same in Polish.
func TestMailFlashesAreTruthful(t *testing.T) {
	srv := mailtest.Start(t, "", "")
	d, owner := dbtest.Setup(t)
	startSender(t, d, mail.Config{Backoff: func(int) time.Duration { return time.Hour }})
	a := serve(t, d)
	oc := a.ownerClient()
	oc.post("/lang", url.Values{"lang": {"pl"}, "next": {"/"}})
	active := dbtest.AddUser(t, d, owner, "aktywny@example.pl")
	reset := func() string {
		t.Helper()
		r := oc.post("/users/"+strconv.FormatInt(active.ID, 10)+"/reset-password", nil)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("reset: %d", r.Status)
		}
		return oc.get("/users").Body
	}

	mustContain(t, "no SMTP", reset(),
		"Link do zmiany hasła dla aktywny@example.pl: czeka w skrzynce nadawczej (brak serwera SMTP).")
	if strings.Contains(reset(), "wysłano") {
		t.Fatal("says sent without SMTP")
	}
	// The forgot-password page tells everyone alike that mail waits.
	mustContain(t, "forgot", a.client().get("/forgot-password/sent").Body, "No mail server is set up yet")

	form := url.Values{"host": {"127.0.0.1"}, "port": {strings.TrimPrefix(srv.URL, "smtp://127.0.0.1:")},
		"tls": {"none"}, "from": {"biuro@example.pl"}}
	if r := oc.post("/settings/mail", form); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.Status, r.Body)
	}
	mustContain(t, "SMTP", reset(), "Link do zmiany hasła dla aktywny@example.pl: wysłano.")
	staff, err := d.BuiltinRoleID(t.Context(), db.BuiltinStaff)
	if err != nil {
		t.Fatal(err)
	}
	pos, err := d.DefaultPositionID(t.Context(), owner)
	if err != nil {
		t.Fatal(err)
	}
	r := oc.post("/users", url.Values{"email": {"nowa@example.pl"}, "full_name": {"Nowa Osoba"},
		"send_invite": {"true"}, "extension": {dbtest.Extension()}, "role_id": {strconv.FormatInt(staff, 10)},
		"position_id": {strconv.FormatInt(pos, 10)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", r.Status, errorLines(r.Body))
	}
	mustContain(t, "invite", oc.get(r.Header.Get("Location")).Body,
		"E-mail aktywacyjny do nowa@example.pl: wysłano.")

	srv.Refuse(&smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "busy"})
	mustContain(t, "failed", reset(), "Link do zmiany hasła dla aktywny@example.pl: błąd wysyłki, ponowię o ")
}

// R-MAIL-1: --smtp-url (KADRA_SMTP_URL) overrides the settings; the page
// says so and shows them read-only, saving is refused, and the test
// message goes through the flag's server.
func TestMailFlagOverridesSettings(t *testing.T) {
	srv := mailtest.Start(t, "", "")
	d, _ := dbtest.Setup(t)
	startSender(t, d, mail.Config{URL: srv.URL})
	a := serve(t, d)
	oc := a.ownerClient()
	r := oc.get("/settings")
	mustContain(t, "override", r.Body, "given at start-up (--smtp-url or KADRA_SMTP_URL): smtp://127.0.0.1:")
	if strings.Contains(r.Body, `action="/settings/mail"`) {
		t.Fatal("the settings form is offered under the flag")
	}
	r = oc.post("/settings/mail", url.Values{"host": {"smtp.example.pl"}})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "cannot be changed in the panel") {
		t.Fatalf("save under the flag: %d", r.Status)
	}
	r = oc.post("/settings/mail/test", url.Values{"test_to": {"flaga@example.pl"}})
	mustContain(t, "test", r.Body, "accepted the test message to flaga@example.pl")
	srv.Wait(t, 1, 10*time.Second)
}

// R-MAIL-1, R-SEC-2: mail settings, the test message and the outbox are
// the owner's: an Administrator sees none of them and is refused; the
// owner's navigation has the outbox with the count of unsent mail.
func TestMailSettingsOwnerOnly(t *testing.T) {
	d, owner := dbtest.Setup(t)
	a := serve(t, d)
	dbtest.AddAdmin(t, d, owner, "admin@example.pl")
	inviteUser(t, d, owner, "czeka@example.pl", "")
	ac := a.client()
	ac.login("admin@example.pl", dbtest.OwnerPassword)
	r := ac.get("/settings")
	if r.Status == http.StatusOK && (strings.Contains(r.Body, `id="mail"`) || strings.Contains(r.Body, `href="/outbox"`)) {
		t.Fatal("an Administrator is offered mail settings or the outbox")
	}
	for _, p := range []string{"/settings/mail", "/settings/mail/test"} {
		if r := ac.post(p, url.Values{"host": {"evil.example.pl"}, "test_to": {"x@example.pl"}}); r.Status != http.StatusForbidden {
			t.Fatalf("%s by an Administrator: %d", p, r.Status)
		}
	}
	if s, err := d.MailDelivery(t.Context()); err != nil || s != "outbox" {
		t.Fatalf("settings changed: %s %v", s, err)
	}
	r = a.ownerClient().get("/")
	mustContain(t, "owner nav", r.Body, `<a href="/outbox">Outbox <span class="badge warn"`, ">1</span>")
}

// errorLines are a page's error messages, for a failure's report.
func errorLines(body string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, `class="error"`) || strings.Contains(l, `class="alert"`) {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return strings.Join(out, "\n")
}
