package handlers_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"kadra/db"
	"kadra/db/dbtest"
)

var (
	totpKeyRe      = regexp.MustCompile(`id="totp-key">([^<]+)<`)
	recoveryCodeRe = regexp.MustCompile(`<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>`)
)

// enrolTOTP sets up TOTP on the profile as a browser would, with the code
// computed from the key the page shows, and returns the key and the
// recovery codes.
func enrolTOTP(t *testing.T, c *client, clock *dbtest.Clock) (string, []string) {
	t.Helper()
	r := c.get("/profile/2fa")
	wantBody(t, r, http.StatusOK, `src="data:image/png;base64,`)
	m := totpKeyRe.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no key on the enrolment page:\n%s", r.Body)
	}
	key := strings.ReplaceAll(html.UnescapeString(m[1]), " ", "")
	r = c.post("/profile/2fa/confirm", url.Values{"code": {"000000"}})
	wantBody(t, r, http.StatusUnprocessableEntity, "does not match")
	code, err := totp.GenerateCode(key, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	r = c.post("/profile/2fa/confirm", url.Values{"code": {code}})
	wantBody(t, r, http.StatusOK, "shown only once", `download="kadra-recovery-codes.txt"`)
	var codes []string
	for _, m := range recoveryCodeRe.FindAllStringSubmatch(r.Body, -1) {
		codes = append(codes, m[1])
	}
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes on the page, want 10", len(codes))
	}
	clock.Advance(30 * time.Second) // the enrolment's step is used
	return key, codes
}

// R-MFA-1: enrol on the profile; sign-in then asks for a code in a second
// step, with no session before it; a recovery code works once.
func TestSecondFactorSignIn(t *testing.T) {
	clock := dbtest.NewClock()
	d, _ := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	a := serve(t, d)
	c := a.ownerClient()
	key, codes := enrolTOTP(t, c, clock)
	wantBody(t, c.get("/profile"), http.StatusOK, "10 recovery codes left")

	signIn := func(c *client, code string) response {
		t.Helper()
		c.get("/login")
		r := c.post("/login", url.Values{"email": {"owner@example.pl"}, "password": {dbtest.OwnerPassword}, "next": {"/users"}})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login/code") {
			t.Fatalf("password: %d %s, want the second step", r.Status, r.Header.Get("Location"))
		}
		if r := c.get("/users"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Fatalf("a page between the steps: %d %s, want the sign-in", r.Status, r.Header.Get("Location"))
		}
		wantBody(t, c.get(r.Header.Get("Location")), http.StatusOK, `autocomplete="one-time-code"`)
		clock.Advance(2 * time.Second) // typing the code; the back-off after failures needs it
		return c.post("/login/code", url.Values{"code": {code}, "next": {"/users"}})
	}
	t.Run("ErrWrongCode", func(t *testing.T) {
		wantBody(t, signIn(a.client(), "123456"), http.StatusUnauthorized, "not right")
	})
	t.Run("OKCode", func(t *testing.T) {
		clock.Advance(5 * time.Second)
		code, _ := totp.GenerateCode(key, clock.Now().Add(2*time.Second))
		c := a.client()
		if r := signIn(c, code); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/users" {
			t.Fatalf("right code: %d %s", r.Status, r.Header.Get("Location"))
		}
		wantBody(t, c.get("/users"), http.StatusOK)
	})
	t.Run("OKRecoveryCodeOnce", func(t *testing.T) {
		clock.Advance(5 * time.Second)
		if r := signIn(a.client(), codes[3]); r.Status != http.StatusSeeOther {
			t.Fatalf("recovery code: %d\n%s", r.Status, r.Body)
		}
		clock.Advance(5 * time.Second)
		wantBody(t, signIn(a.client(), codes[3]), http.StatusUnauthorized, "already used")
	})
	t.Run("ErrNoSecondStep", func(t *testing.T) {
		c := a.client()
		r := c.get("/login/code")
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
			t.Fatalf("the second step without the first: %d %s", r.Status, r.Header.Get("Location"))
		}
	})
}

// R-MFA-3: a user of a role that requires a second factor and has none
// reaches only the enrolment and sign-out; the owner's switch covers the
// owner and Administrators.
func TestRequiredSecondFactorGate(t *testing.T) {
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	ctx := context.Background()
	u := dbtest.NewUser(t, d, owner, db.UserInput{Email: "anna@example.pl"})
	staff, err := d.BuiltinRoleID(ctx, db.BuiltinStaff)
	if err != nil {
		t.Fatal(err)
	}
	a := serve(t, d)
	oc := a.ownerClient()
	oc.get("/roles/" + itoa(staff) + "/edit")
	if r := oc.post("/roles/"+itoa(staff), url.Values{"name": {"Pracownik"}, "require_mfa": {"true"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("marking the role: %d\n%s", r.Status, r.Body)
	}
	// An API token is no way around it: refused until the user enrols.
	tok := a.token(u.Email)
	if st, body := a.api("GET", "/api/v1/me", tok, nil); st != http.StatusForbidden ||
		!strings.Contains(fmt.Sprint(body), "second factor") {
		t.Errorf("API token before enrolling: %d %v, want 403 naming the second factor", st, body)
	}
	c := a.client()
	c.login(u.Email, dbtest.OwnerPassword)
	for _, p := range []string{"/", "/profile", "/users", "/audit"} {
		if r := c.get(p); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/profile/2fa" {
			t.Errorf("GET %s before enrolling: %d %s, want /profile/2fa", p, r.Status, r.Header.Get("Location"))
		}
	}
	wantBody(t, c.get("/profile/2fa"), http.StatusOK, "Your role requires a second factor")
	if r := c.post("/profile/details", url.Values{"full_name": {"X"}, "email": {u.Email}}); r.Status != http.StatusForbidden {
		t.Errorf("POST /profile/details before enrolling: %d, want 403", r.Status)
	}
	enrolTOTP(t, c, clock)
	wantBody(t, c.get("/profile"), http.StatusOK)
	if st, body := a.api("GET", "/api/v1/me", tok, nil); st != http.StatusOK {
		t.Errorf("API token after enrolling: %d %v", st, body)
	}

	// The owner's switch: the owner, with no second factor, is sent to enrol.
	if r := oc.post("/settings/mfa", url.Values{"require_admins": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("the switch: %d\n%s", r.Status, r.Body)
	}
	if r := oc.get("/users"); r.Header.Get("Location") != "/profile/2fa" {
		t.Errorf("the owner after the switch: %d %s, want /profile/2fa", r.Status, r.Header.Get("Location"))
	}
	if r := oc.post("/logout", nil); r.Status != http.StatusSeeOther {
		t.Errorf("sign-out before enrolling: %d", r.Status)
	}
}
