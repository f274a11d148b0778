package handlers_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"kadra/db"
	"kadra/db/dbtest"
)

const mailPassword = "Nowe-haslo1!"

var mailLinkRe = regexp.MustCompile(`https?://[^/\s]+(/(?:activate|reset-password)/[A-Za-z0-9_-]+)`)

// linkPath is the path of the activation or reset link in a mail body.
func linkPath(t *testing.T, body string) string {
	t.Helper()
	m := mailLinkRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link in:\n%s", body)
	}
	return m[1]
}

// inviteUser creates an invited user through db.CreateUser, as the user
// form's "send activation e-mail" does.
func inviteUser(t *testing.T, d *db.DB, owner db.Actor, email, notify string) db.User {
	t.Helper()
	return dbtest.NewUser(t, d, owner, db.UserInput{Email: email, NotifyEmail: notify, FullName: "Nowa Osoba",
		SendInvite: true})
}

// lastMailTo is the newest outbox message to addr.
func lastMailTo(t *testing.T, d *db.DB, owner db.Actor, addr string) db.OutboxMail {
	t.Helper()
	p, err := d.ListOutbox(context.Background(), owner, db.OutboxQuery{Q: addr})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range p.Items {
		if m.To == addr {
			return m
		}
	}
	t.Fatalf("no mail to %s", addr)
	return db.OutboxMail{}
}

// waitMailTo waits for a mail to addr, which a forgot-password request
// writes after its answer, and returns the newest one.
func waitMailTo(t *testing.T, d *db.DB, owner db.Actor, addr string) db.OutboxMail {
	t.Helper()
	eventually(t, "mail to "+addr, func() bool {
		p, err := d.ListOutbox(context.Background(), owner, db.OutboxQuery{Q: addr})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Items {
			if m.To == addr {
				return true
			}
		}
		return false
	})
	return lastMailTo(t, d, owner, addr)
}

func mailCount(t *testing.T, d *db.DB, owner db.Actor) int {
	t.Helper()
	p, err := d.ListOutbox(context.Background(), owner, db.OutboxQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return p.Total
}

// R-USER-12: "Forgot password?" on the sign-in page answers the same for
// any address, keeps what was typed on a refusal and is rate-limited.
func TestForgotPasswordPages(t *testing.T) {
	a := newSetupApp(t)
	owner := dbtest.Login(t, a.db, "owner@example.pl", dbtest.OwnerPassword)
	dbtest.AddUser(t, a.db, owner, "known@example.pl")
	c := a.client()
	if r := c.get("/login"); !strings.Contains(r.Body, `href="/forgot-password"`) {
		t.Fatal("no forgot-password link on the sign-in page")
	}
	if r := c.get("/forgot-password"); r.Status != http.StatusOK || !strings.Contains(r.Body, `name="email"`) {
		t.Fatalf("form: %d", r.Status)
	}

	t.Run("SameAnswer", func(t *testing.T) {
		before := mailCount(t, a.db, owner)
		// The unknown address first: one worker does them in order, so the
		// known address's mail means both are done.
		unknown := c.post("/forgot-password", url.Values{"email": {"nobody@example.pl"}})
		known := c.post("/forgot-password", url.Values{"email": {"known@example.pl"}})
		if known.Status != http.StatusSeeOther || unknown.Status != known.Status ||
			known.Header.Get("Location") != unknown.Header.Get("Location") {
			t.Fatalf("known %d %s, unknown %d %s", known.Status, known.Header.Get("Location"),
				unknown.Status, unknown.Header.Get("Location"))
		}
		if r := c.get(known.Header.Get("Location")); !strings.Contains(r.Body, "If the address belongs to an account") {
			t.Fatalf("sent page:\n%s", r.Body)
		}
		if linkPath(t, waitMailTo(t, a.db, owner, "known@example.pl").Body)[:16] != "/reset-password/" {
			t.Fatal("not a reset link")
		}
		if n := mailCount(t, a.db, owner); n != before+1 {
			t.Fatalf("outbox %d, want %d", n, before+1)
		}
	})
	t.Run("ErrInvalidKeepsValue", func(t *testing.T) {
		r := c.post("/forgot-password", url.Values{"email": {"not-an-address"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `value="not-an-address"`) ||
			!strings.Contains(r.Body, `id="e-email"`) {
			t.Fatalf("%d\n%s", r.Status, r.Body)
		}
	})
	t.Run("ErrTooMany", func(t *testing.T) {
		var r response
		for i := 0; i < 4; i++ {
			r = c.post("/forgot-password", url.Values{"email": {"flood@example.pl"}})
		}
		if r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "Too many requests") ||
			!strings.Contains(r.Body, `value="flood@example.pl"`) {
			t.Fatalf("%d\n%s", r.Status, r.Body)
		}
	})
}

// R-USER-12: /forgot-password answers alike, header for header and byte
// for byte, for an address that exists and one that does not, and before
// any look-up or mail is done for either: the answer cannot time them
// apart (issue 9). With the database's writer held by another connection,
// both answer at once; the mail arrives once the writer is free.
func TestForgotPasswordAnswersBeforeItsWork(t *testing.T) {
	a := newSetupApp(t)
	owner := dbtest.Login(t, a.db, "owner@example.pl", dbtest.OwnerPassword)
	dbtest.AddUser(t, a.db, owner, "known@example.pl")
	c := a.client()
	c.get("/forgot-password")

	other, err := sql.Open("sqlite", "file:"+a.db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	known := c.post("/forgot-password", url.Values{"email": {"known@example.pl"}})
	unknown := c.post("/forgot-password", url.Values{"email": {"nobody@example.pl"}})
	took := time.Since(start)
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if took > time.Second {
		t.Fatalf("the answers waited %v for the database's writer", took)
	}
	if known.Status != http.StatusSeeOther || known.Status != unknown.Status || known.Body != unknown.Body {
		t.Fatalf("known %d %q, unknown %d %q", known.Status, known.Body, unknown.Status, unknown.Body)
	}
	for _, h := range []http.Header{known.Header, unknown.Header} {
		h.Del("Date")
		h.Del(echo.HeaderXRequestID)
	}
	if !reflect.DeepEqual(known.Header, unknown.Header) {
		t.Fatalf("headers differ:\n%v\n%v", known.Header, unknown.Header)
	}
	waitMailTo(t, a.db, owner, "known@example.pl")
}

// R-USER-11: the activation link shows a form with the policy; a refused
// password keeps nothing secret and names each problem; the right one
// activates the account, once.
func TestActivationPage(t *testing.T) {
	a := newSetupApp(t)
	owner := dbtest.Login(t, a.db, "owner@example.pl", dbtest.OwnerPassword)
	inviteUser(t, a.db, owner, "nowa@example.pl", "")
	path := linkPath(t, lastMailTo(t, a.db, owner, "nowa@example.pl").Body)
	c := a.client()
	r := c.get(path)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "nowa@example.pl") ||
		!strings.Contains(r.Body, `class="policy"`) || !strings.Contains(r.Body, `action="`+path+`"`) {
		t.Fatalf("%d\n%s", r.Status, r.Body)
	}

	t.Run("ErrWeakPassword", func(t *testing.T) {
		r := c.post(path, url.Values{"password": {"abc"}, "password_confirm": {"abc"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="e-password"`) ||
			strings.Contains(r.Body, `value="abc"`) || !strings.Contains(r.Body, "an uppercase letter") {
			t.Fatalf("%d\n%s", r.Status, r.Body)
		}
		r = c.post(path, url.Values{"password": {mailPassword}, "password_confirm": {"other"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="e-password_confirm"`) {
			t.Fatalf("%d\n%s", r.Status, r.Body)
		}
	})
	t.Run("OK", func(t *testing.T) {
		r := c.post(path, url.Values{"password": {mailPassword}, "password_confirm": {mailPassword}})
		// The sign-in form comes next, pre-filled (issue 11).
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login?email=nowa%40example.pl" {
			t.Fatalf("%d %s\n%s", r.Status, r.Header.Get("Location"), r.Body)
		}
		if r := c.get("/login"); !strings.Contains(r.Body, "Your account is active") {
			t.Fatal("no flash")
		}
		a.client().login("nowa@example.pl", mailPassword)
	})
	t.Run("ErrUsedLink", func(t *testing.T) {
		for _, p := range []string{path, "/activate/nonsense", "/reset-password/" + strings.TrimPrefix(path, "/activate/")} {
			r := c.get(p)
			if r.Status != http.StatusNotFound || !strings.Contains(r.Body, "This link does not work") ||
				!strings.Contains(r.Body, `href="/forgot-password"`) {
				t.Fatalf("%s: %d\n%s", p, r.Status, r.Body)
			}
		}
		r := c.post(path, url.Values{"password": {mailPassword}, "password_confirm": {mailPassword}})
		if r.Status != http.StatusNotFound || !strings.Contains(r.Body, "This link does not work") {
			t.Fatalf("post on a used link: %d", r.Status)
		}
	})
}

// R-USER-12, R-USER-7: the row menu's "Reset password" mails a reset link
// to an active user and the activation mail again to an invited one; the
// reset ends the user's open sessions.
func TestResetPasswordFromUserList(t *testing.T) {
	a := newSetupApp(t)
	owner := dbtest.Login(t, a.db, "owner@example.pl", dbtest.OwnerPassword)
	active := dbtest.AddUser(t, a.db, owner, "active@example.pl")
	invited := inviteUser(t, a.db, owner, "invited@example.pl", "invited-home@example.com")
	oc := a.ownerClient()
	oc.get("/users")

	t.Run("Active", func(t *testing.T) {
		user := a.client()
		user.login("active@example.pl", dbtest.OwnerPassword)
		r := oc.post("/users/"+strconv.FormatInt(active.ID, 10)+"/reset-password", url.Values{"back": {"/users?q=active"}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/users?q=active" {
			t.Fatalf("%d %s", r.Status, r.Header.Get("Location"))
		}
		if r := oc.get("/users?q=active"); !strings.Contains(r.Body, "Password link to active@example.pl: waits in the outbox (no SMTP server).") {
			t.Fatal("no flash")
		}
		path := linkPath(t, lastMailTo(t, a.db, owner, "active@example.pl").Body)
		c := a.client()
		c.get(path)
		if r := c.post(path, url.Values{"password": {mailPassword}, "password_confirm": {mailPassword}}); r.Status != http.StatusSeeOther {
			t.Fatalf("reset: %d\n%s", r.Status, r.Body)
		}
		// The session open before the reset is over.
		if r := user.get("/"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Fatalf("old session: %d", r.Status)
		}
		a.client().login("active@example.pl", mailPassword)
	})
	t.Run("InvitedToNotifyEmail", func(t *testing.T) {
		r := oc.post("/users/"+strconv.FormatInt(invited.ID, 10)+"/reset-password", nil)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("%d", r.Status)
		}
		if r := oc.get("/users"); !strings.Contains(r.Body, "Activation e-mail to invited-home@example.com: waits in the outbox (no SMTP server).") {
			t.Fatal("no flash")
		}
		if p := linkPath(t, lastMailTo(t, a.db, owner, "invited-home@example.com").Body); !strings.HasPrefix(p, "/activate/") {
			t.Fatalf("link %s", p)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		staff := a.client()
		staff.login("active@example.pl", mailPassword)
		staff.get("/")
		if r := staff.post("/users/"+strconv.FormatInt(invited.ID, 10)+"/reset-password", nil); r.Status != http.StatusForbidden {
			t.Fatalf("staff: %d", r.Status)
		}
	})
	t.Run("ErrBlocked", func(t *testing.T) {
		if _, err := a.db.BlockUser(context.Background(), owner, active.ID); err != nil {
			t.Fatal(err)
		}
		r := oc.post("/users/"+strconv.FormatInt(active.ID, 10)+"/reset-password", nil)
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "unblock them") {
			t.Fatalf("%d\n%s", r.Status, r.Body)
		}
	})
}

// R-USER-12: POST /api/v1/users/{id}/reset-password.
func TestAPIResetPassword(t *testing.T) {
	a := newSetupApp(t)
	owner := dbtest.Login(t, a.db, "owner@example.pl", dbtest.OwnerPassword)
	u := dbtest.AddUser(t, a.db, owner, "api-user@example.pl")
	inv := inviteUser(t, a.db, owner, "api-invited@example.pl", "")
	tok := a.token("owner@example.pl")
	path := func(id int64) string { return "/api/v1/users/" + strconv.FormatInt(id, 10) + "/reset-password" }

	status, body := a.api("POST", path(u.ID), tok, nil)
	if status != http.StatusAccepted || body["kind"] != "reset" || body["to"] != "api-user@example.pl" {
		t.Fatalf("%d %v", status, body)
	}
	status, body = a.api("POST", path(inv.ID), tok, nil)
	if status != http.StatusAccepted || body["kind"] != "activation" {
		t.Fatalf("%d %v", status, body)
	}
	if status, _ := a.api("POST", path(u.ID), a.token("api-user@example.pl"), nil); status != http.StatusForbidden {
		t.Fatalf("staff: %d", status)
	}
	if status, _ := a.api("POST", path(999999), tok, nil); status != http.StatusNotFound {
		t.Fatalf("unknown: %d", status)
	}
	if status, _ := a.api("POST", "/api/v1/users/x/reset-password", tok, nil); status != http.StatusNotFound {
		t.Fatalf("bad id: %d", status)
	}
	if status, _ := a.api("POST", path(u.ID), "", nil); status != http.StatusUnauthorized {
		t.Fatalf("no token: %d", status)
	}
}
