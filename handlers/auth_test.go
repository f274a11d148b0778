package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kadra/db/dbtest"
)

func setupToken(t *testing.T, a *app) string {
	t.Helper()
	u := a.srv.SetupURL()
	if u == "" {
		t.Fatal("no setup URL on an empty database")
	}
	return regexp.MustCompile(`token=([a-f0-9]+)`).FindStringSubmatch(u)[1]
}

// R-ACC-1: only the one-time URL sets up kadra, once.
func TestSetupFlow(t *testing.T) {
	a := newApp(t)
	c := a.client()
	token := setupToken(t, a)

	if r := c.get("/setup"); r.Status != http.StatusNotFound {
		t.Fatalf("setup without token: %d", r.Status)
	}
	if r := c.get("/setup?token=wrong"); r.Status != http.StatusNotFound {
		t.Fatalf("setup with a wrong token: %d", r.Status)
	}
	if r := c.get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("dashboard before setup: %d", r.Status)
	}
	if r := c.get("/login"); !strings.Contains(r.Body, "kadra init") {
		t.Fatalf("login before setup should point to setup:\n%s", r.Body)
	}
	r := c.get("/setup?token=" + token)
	if r.Status != http.StatusOK {
		t.Fatalf("setup form: %d", r.Status)
	}
	r = c.post("/setup", url.Values{"token": {token}, "account_name": {"Biuro"}, "full_name": {"Ola"},
		"email": {"ola@example.pl"}, "password": {"Secret-pass1"}, "password_confirm": {"Secret-pass1"}})
	// The sign-in form comes next, pre-filled (issue 11).
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login?email=ola%40example.pl" {
		t.Fatalf("setup submit: %d %s\n%s", r.Status, r.Header.Get("Location"), r.Body)
	}
	mustContain(t, "pre-filled", c.get(r.Header.Get("Location")).Body, `value="ola@example.pl"`)
	if a.srv.SetupURL() != "" {
		t.Fatal("setup URL still offered after setup")
	}
	// Setup refuses once done, whatever the token.
	r = c.post("/setup", url.Values{"token": {token}, "account_name": {"Again"}, "email": {"x@example.pl"},
		"password": {"Secret-pass1"}, "password_confirm": {"Secret-pass1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("second setup: %d", r.Status)
	}
	c.login("ola@example.pl", "Secret-pass1")
	r = c.get("/")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Biuro") {
		t.Fatalf("dashboard: %d\n%s", r.Status, r.Body)
	}
}

// R-SEC-1, R-USER-4: a refused setup comes back with a message per field and
// the typed values kept; the API answers 400 with the same messages.
func TestSetupBadInput(t *testing.T) {
	cases := []struct {
		name  string
		form  url.Values
		field string
		want  string
	}{
		{"weak password", url.Values{"account_name": {"Biuro"}, "email": {"ola@example.pl"},
			"password": {"short"}, "password_confirm": {"short"}}, "password", "at least 8 characters, an uppercase letter, a digit"},
		{"mismatch", url.Values{"account_name": {"Biuro"}, "email": {"ola@example.pl"},
			"password": {"Secret-pass1"}, "password_confirm": {"Secret-pass2"}}, "password_confirm", "do not match"},
		{"malformed email", url.Values{"account_name": {"Biuro"}, "email": {"ola(at)example"},
			"password": {"Secret-pass1"}, "password_confirm": {"Secret-pass1"}}, "email", "Enter an e-mail address"},
		{"empty account", url.Values{"account_name": {"  "}, "email": {"ola@example.pl"},
			"password": {"Secret-pass1"}, "password_confirm": {"Secret-pass1"}}, "account_name", "required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newApp(t)
			c := a.client()
			token := setupToken(t, a)
			c.get("/setup?token=" + token)
			form := url.Values{"token": {token}, "full_name": {"Ola Typed"}}
			for k, v := range tc.form {
				form[k] = v
			}
			r := c.post("/setup", form)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", r.Status)
			}
			if !strings.Contains(r.Body, `id="e-`+tc.field+`"`) || !strings.Contains(r.Body, tc.want) {
				t.Errorf("no message %q for %s:\n%s", tc.want, tc.field, r.Body)
			}
			for _, v := range []string{"Ola Typed", tc.form.Get("email")} {
				if !strings.Contains(r.Body, `value="`+v+`"`) {
					t.Errorf("typed value %q lost", v)
				}
			}
			if need, _ := a.db.NeedsSetup(t.Context()); !need {
				t.Fatal("refused setup wrote something")
			}

			if tc.field == "password_confirm" {
				return // the API asks for no confirmation (R-API-1)
			}
			body := map[string]any{"token": token, "full_name": "Ola Typed"}
			for k := range tc.form {
				if k != "password_confirm" {
					body[k] = tc.form.Get(k)
				}
			}
			status, res := a.api("POST", "/api/v1/setup", "", body)
			if status != http.StatusBadRequest {
				t.Fatalf("API status %d: %v", status, res)
			}
			if msg, _ := apiFields(res)[tc.field].(string); !strings.Contains(msg, tc.want) {
				t.Errorf("API message for %s = %q, want %q", tc.field, msg, tc.want)
			}
		})
	}
}

// The sign-in, dashboard and sign-out round trip; a new session id at every
// sign-in.
func TestLoginLogout(t *testing.T) {
	a := newSetupApp(t)
	c := a.client()
	c.login("OWNER@example.pl", dbtest.OwnerPassword) // R-USER-2: case-insensitive
	first := sessionCookie(c, a)
	if r := c.get("/"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Ola Owner") {
		t.Fatalf("dashboard: %d", r.Status)
	}
	c.login("owner@example.pl", dbtest.OwnerPassword)
	if sessionCookie(c, a) == first {
		t.Error("session cookie not renewed at sign-in")
	}
	last := sessionCookie(c, a)
	r := c.post("/logout", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.Status)
	}
	if r := c.get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("dashboard after logout: %d", r.Status)
	}
	// The old cookie, replayed, no longer works: the row is gone.
	c2 := a.client()
	u, _ := url.Parse(a.ts.URL)
	c2.http.Jar.SetCookies(u, []*http.Cookie{{Name: "kadra_session", Value: last}})
	if r := c2.get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("replayed cookie after logout: %d", r.Status)
	}
}

func sessionCookie(c *client, a *app) string {
	u, _ := url.Parse(a.ts.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "kadra_session" {
			return ck.Value
		}
	}
	return ""
}

func TestLoginRefusals(t *testing.T) {
	a := newSetupApp(t)
	c := a.client()
	c.get("/login")
	wrongPw := c.post("/login", url.Values{"email": {"owner@example.pl"}, "password": {"nope"}})
	noUser := c.post("/login", url.Values{"email": {"ghost@example.pl"}, "password": {"nope"}})
	if wrongPw.Status != http.StatusUnauthorized || noUser.Status != http.StatusUnauthorized {
		t.Fatalf("statuses %d %d", wrongPw.Status, noUser.Status)
	}
	if !strings.Contains(wrongPw.Body, "Wrong e-mail or password") || !strings.Contains(noUser.Body, "Wrong e-mail or password") {
		t.Fatal("the messages must be the same for a wrong password and a missing e-mail")
	}
	if !strings.Contains(noUser.Body, `value="ghost@example.pl"`) {
		t.Error("typed e-mail lost")
	}
}
