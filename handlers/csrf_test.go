package handlers_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kadra/db/dbtest"
	"kadra/handlers"
)

// A browser without Fetch Metadata (no Sec-Fetch-Site) still sends Origin
// on a POST: a state-changing request with a valid CSRF token is refused
// when that origin is another site's or "null", and accepted from kadra's
// own origin (the base URL's, or the host the request went to) or with no
// Origin at all.
func TestCSRFOriginWithoutFetchMetadata(t *testing.T) {
	a := newSetupApp(t)
	c := a.client()
	c.get("/login")
	host := strings.TrimPrefix(a.ts.URL, "http://")
	for origin, want := range map[string]int{
		"https://evil.example": http.StatusForbidden, "null": http.StatusForbidden,
		"http://" + host + ".evil.example": http.StatusForbidden, "file://": http.StatusForbidden,
		a.ts.URL: http.StatusSeeOther, "http://localhost:8080": http.StatusSeeOther, "": http.StatusSeeOther,
	} {
		form := url.Values{"lang": {"en"}, "_csrf": {c.csrf}}
		req, _ := http.NewRequest(http.MethodPost, a.ts.URL+"/lang", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if r := c.do(req); r.Status != want {
			t.Errorf("Origin %q: %d, want %d", origin, r.Status, want)
		}
	}
}

// Sign-in rotates the CSRF token: the token a page showed before sign-in
// (which anyone on the sign-in page could have read or planted) is refused
// after it, and the next page carries a new one.
func TestCSRFRotatesAtSignIn(t *testing.T) {
	a := newSetupApp(t)
	c := a.client()
	c.get("/login")
	before := c.csrf
	c.login("owner@example.pl", dbtest.OwnerPassword)
	if c.csrf == "" || c.csrf == before {
		t.Fatalf("token before sign-in %q, after %q", before, c.csrf)
	}
	if r := c.postRaw("/lang", url.Values{"lang": {"en"}, "_csrf": {before}}); r.Status != http.StatusForbidden {
		t.Fatalf("the token from before sign-in still works: %d", r.Status)
	}
	if r := c.post("/lang", url.Values{"lang": {"en"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("the new token is refused: %d", r.Status)
	}
}

// Starting and ending "log in as" rotate the CSRF token too: who acts
// changes, so a token of the other identity's pages is refused.
func TestCSRFRotatesAtImpersonation(t *testing.T) {
	a := newSetupApp(t)
	u := dbtest.AddUser(t, a.db, ownerActor(t, a), "anna@example.pl")
	c := a.ownerClient()
	c.get("/users")
	owner := c.csrf
	if r := c.post(fmt.Sprintf("/users/%d/impersonate", u.ID), impersonateForm()); r.Status != http.StatusSeeOther {
		t.Fatalf("impersonate: %d", r.Status)
	}
	c.get("/")
	acting := c.csrf
	if acting == owner {
		t.Fatal("the token did not change when impersonation started")
	}
	if r := c.post("/impersonation/stop", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("stop: %d", r.Status)
	}
	c.get("/")
	if c.csrf == acting || c.csrf == owner {
		t.Fatal("the token did not change when impersonation ended")
	}
}

// On https the CSRF, session and flash cookies carry the __Host- prefix
// (Secure, Path=/, no Domain), so that no subdomain or plain-http page can
// plant them; on http they keep their plain names.
func TestHostPrefixedCookies(t *testing.T) {
	d, _ := dbtest.Setup(t)
	a := serveWith(t, handlers.Config{DB: d, Logger: slog.New(slog.DiscardHandler), BaseURL: "https://panel.example.pl"})
	res, err := http.Get(a.ts.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	csrf := hostCookie(t, res, "__Host-kadra_csrf")
	token := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(body)
	if csrf == nil || token == nil {
		t.Fatalf("no __Host-kadra_csrf cookie or no token: %v", res.Header["Set-Cookie"])
	}
	form := url.Values{"email": {"owner@example.pl"}, "password": {dbtest.OwnerPassword}, "_csrf": {string(token[1])}}
	req, _ := http.NewRequest(http.MethodPost, a.ts.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(csrf)
	res, err = a.client().http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || hostCookie(t, res, "__Host-kadra_session") == nil {
		t.Fatalf("sign-in on https: %d %v", res.StatusCode, res.Header["Set-Cookie"])
	}

	plain := newSetupApp(t).client()
	plain.get("/login")
	u, _ := url.Parse(plain.a.ts.URL)
	if ck := plain.http.Jar.Cookies(u); len(ck) != 1 || ck[0].Name != "kadra_csrf" {
		t.Fatalf("cookies on http: %v", ck)
	}
}

// hostCookie is the response's cookie of that name, checked against the
// rules browsers hold a __Host- cookie to.
func hostCookie(t *testing.T, res *http.Response, name string) *http.Cookie {
	t.Helper()
	for _, ck := range res.Cookies() {
		if ck.Name != name {
			continue
		}
		if !ck.Secure || ck.Path != "/" || ck.Domain != "" {
			t.Errorf("%s: Secure %v, Path %q, Domain %q", name, ck.Secure, ck.Path, ck.Domain)
		}
		return ck
	}
	return nil
}
