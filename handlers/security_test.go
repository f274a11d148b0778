package handlers_test

import (
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"kadra/db"
	"kadra/db/dbtest"
)

// publicRoutes answer without a session by design.
var publicRoutes = map[string]bool{
	"GET /healthz": true, "GET /metrics": true, "GET /static/:hash/:name": true,
	"GET /favicon.ico": true, // browsers ask for it on every page, the sign-in page too
	"GET /setup":       true, "POST /setup": true, "GET /login": true, "POST /login": true, "POST /lang": true,
	"GET /login/code": true, "POST /login/code": true, // the second step (R-MFA-1), before any session
	"POST /login/passkey/begin": true, "POST /login/passkey/finish": true, // a passkey signs in (R-MFA-2)
	"GET /forgot-password": true, "POST /forgot-password": true, "GET /forgot-password/sent": true,
	"GET /activate/:token": true, "POST /activate/:token": true,
	"GET /reset-password/:token": true, "POST /reset-password/:token": true,
	"GET /confirm-email/:token": true, "POST /confirm-email/:token": true,
	"POST /password/strength": true, // the meter on setup and the links, which have no session (R-MFA-5)
	// Sign-in through the provider (issue 17), before any session.
	"GET /auth/oidc/start": true, "GET /auth/oidc/callback": true,
}

// R-ROLE-7: every page of the router, without a session, sends GETs to the
// sign-in page and refuses everything else; the list comes from the router,
// so a new route cannot escape.
func TestEveryRouteNeedsSession(t *testing.T) {
	a := newSetupApp(t)
	c := a.client()
	c.get("/login") // a CSRF token, so that refusals are about the session
	param := strings.NewReplacer(":id", "1", ":hash", "x", ":name", "x", ":token", "x", ":*", "x", "*", "x")
	n := 0
	for _, r := range a.srv.Echo().Routes() {
		key := r.Method + " " + r.Path
		// SCIM, like the API, takes a bearer token only (TestSCIMNeedsToken).
		if publicRoutes[key] || strings.HasPrefix(r.Path, "/api/") || strings.HasPrefix(r.Path, "/scim/") ||
			strings.HasPrefix(r.Method, "echo_") {
			continue
		}
		n++
		path := param.Replace(r.Path)
		var res response
		switch r.Method {
		case http.MethodGet:
			res = c.get(path)
			if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
				t.Errorf("%s without a session: %d %s", key, res.Status, res.Header.Get("Location"))
			}
		default:
			req, _ := http.NewRequest(r.Method, a.ts.URL+path, strings.NewReader("_csrf="+c.csrf))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res = c.do(req)
			if res.Status != http.StatusUnauthorized {
				t.Errorf("%s without a session: %d", key, res.Status)
			}
		}
	}
	if n < 5 {
		t.Fatalf("only %d routes checked", n)
	}
}

// Every /api/v1 route but the public ones answers 401 without a token, and
// the API never accepts a browser session's cookie.
func TestAPIRefusesCookies(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	req, _ := http.NewRequest(http.MethodGet, a.ts.URL+"/api/v1/me", nil)
	if r := c.do(req); r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, `"code":"unauthorized"`) {
		t.Fatalf("API with a session cookie: %d %s", r.Status, r.Body)
	}
	param := strings.NewReplacer(":id", "1")
	for _, r := range a.srv.Echo().Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") || strings.HasPrefix(r.Method, "echo_") ||
			strings.HasSuffix(r.Path, "/*") || r.Path == "/api/v1/openapi.json" || r.Path == "/api/v1/setup" {
			continue
		}
		req, _ := http.NewRequest(r.Method, a.ts.URL+param.Replace(r.Path), strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		if res := c.do(req); res.Status != http.StatusUnauthorized {
			t.Errorf("%s %s with cookies, no token: %d", r.Method, r.Path, res.Status)
		}
	}
	if status, _ := a.api("GET", "/api/v1/me", "kadra_not-a-token", nil); status != http.StatusUnauthorized {
		t.Errorf("bad token: %d", status)
	}
}

// CSRF: a state-changing request without the token, or with another, is
// refused and changes nothing; a cross-site one is refused even with it.
func TestCSRFRequired(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	c.get("/profile")
	for _, form := range []url.Values{{}, {"_csrf": {"forged"}}} {
		r := c.postRaw("/profile/sign-out-everywhere", form)
		if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "expired") {
			t.Fatalf("POST without a valid CSRF token: %d", r.Status)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, a.ts.URL+"/profile/sign-out-everywhere",
		strings.NewReader("_csrf="+c.csrf))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := c.do(req); r.Status != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d", r.Status)
	}
	if r := c.get("/"); r.Status != http.StatusOK {
		t.Fatalf("the session ended after refused requests: %d", r.Status)
	}
	// The sign-in form is protected too.
	anon := a.client()
	if r := anon.postRaw("/login", url.Values{"email": {"owner@example.pl"}, "password": {dbtest.OwnerPassword}}); r.Status != http.StatusForbidden {
		t.Fatalf("login without CSRF: %d", r.Status)
	}
}

// A session row deleted in the database ends the session on the next
// request (server-side sessions).
func TestDeletedSessionRow(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	if r := c.get("/"); r.Status != http.StatusOK {
		t.Fatal(r.Status)
	}
	raw, err := sql.Open("sqlite", "file:"+a.db.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec("DELETE FROM sessions"); err != nil {
		t.Fatal(err)
	}
	if r := c.get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("after the row was deleted: %d", r.Status)
	}
}

// Idle and absolute timeouts end a session.
func TestSessionTimeouts(t *testing.T) {
	clock := dbtest.NewClock()
	d, _ := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now, SessionIdle: time.Hour, SessionMax: 3 * time.Hour}))
	a := serve(t, d)
	c := a.ownerClient()
	clock.Advance(59 * time.Minute)
	if r := c.get("/"); r.Status != http.StatusOK {
		t.Fatalf("within idle time: %d", r.Status)
	}
	clock.Advance(59 * time.Minute)
	if r := c.get("/"); r.Status != http.StatusOK {
		t.Fatalf("active session within idle time: %d", r.Status)
	}
	clock.Advance(61 * time.Minute)
	if r := c.get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("after idle timeout: %d", r.Status)
	}
	c = a.ownerClient()
	for i := 0; i < 4; i++ {
		clock.Advance(50 * time.Minute)
		c.get("/")
	}
	if r := c.get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("after the absolute timeout: %d", r.Status)
	}
}

// Back-off, then a temporary lock, with the same messages for an existing
// and a missing e-mail; the lock lifts after the window.
func TestLoginLock(t *testing.T) {
	clock := dbtest.NewClock()
	d, _ := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	a := serve(t, d)
	c := a.client()
	c.get("/login")
	attempt := func(email string) response {
		return c.post("/login", url.Values{"email": {email}, "password": {"wrong"}})
	}
	var owner, ghost []string
	for i := 0; i < 12; i++ {
		ro, rg := attempt("owner@example.pl"), attempt("ghost@example.pl")
		if ro.Status != rg.Status {
			t.Fatalf("attempt %d: statuses differ: %d vs %d", i, ro.Status, rg.Status)
		}
		owner, ghost = append(owner, alertText(ro.Body)), append(ghost, alertText(rg.Body))
		clock.Advance(61 * time.Second) // past each back-off
	}
	for i := range owner {
		if owner[i] != ghost[i] {
			t.Fatalf("attempt %d: %q vs %q", i, owner[i], ghost[i])
		}
	}
	if !strings.Contains(owner[len(owner)-1], "Too many failed attempts. Try again in") {
		t.Fatalf("no lock after 12 failures: %q", owner[len(owner)-1])
	}
	// Locked: even the right password is refused.
	r := c.post("/login", url.Values{"email": {"owner@example.pl"}, "password": {dbtest.OwnerPassword}})
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("right password while locked: %d", r.Status)
	}
	// Back-off: right after a failure, the next try must wait.
	clock.Advance(16 * time.Minute)
	for i := 0; i < 4; i++ {
		attempt("owner@example.pl")
	}
	if r := attempt("owner@example.pl"); !strings.Contains(alertText(r.Body), "Wait") {
		t.Fatalf("no back-off: %q", alertText(r.Body))
	}
	clock.Advance(16 * time.Minute)
	c.login("owner@example.pl", dbtest.OwnerPassword)
}

func alertText(body string) string {
	i := strings.Index(body, `role="alert">`)
	if i < 0 {
		return ""
	}
	rest := body[i+len(`role="alert">`):]
	return rest[:strings.Index(rest, "<")]
}

// Security headers on every page; ?next= never leaves the site.
func TestHeadersAndRedirects(t *testing.T) {
	a := newSetupApp(t)
	c := a.client()
	r := c.get("/login")
	for h, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'", "X-Content-Type-Options": "nosniff",
		"X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
	} {
		if !strings.Contains(r.Header.Get(h), want) {
			t.Errorf("%s = %q", h, r.Header.Get(h))
		}
	}
	c.get("/login")
	r = c.post("/login", url.Values{"email": {"owner@example.pl"}, "password": {dbtest.OwnerPassword},
		"next": {"//evil.example/x"}})
	if r.Header.Get("Location") != "/" {
		t.Fatalf("open redirect: %q", r.Header.Get("Location"))
	}
}

// Every state-changing page route, from the router, refuses a signed-in
// browser's request without the CSRF token, and changes nothing.
func TestEveryPostNeedsCSRF(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	param := strings.NewReplacer(":id", "1", ":hash", "x", ":name", "x", ":token", "x", ":*", "x", "*", "x")
	n := 0
	for _, r := range a.srv.Echo().Routes() {
		if r.Method == http.MethodGet || r.Method == http.MethodHead || strings.HasPrefix(r.Path, "/api/") ||
			strings.HasPrefix(r.Path, "/scim/") || strings.HasPrefix(r.Method, "echo_") { // bearer tokens, no cookies
			continue
		}
		n++
		req, _ := http.NewRequest(r.Method, a.ts.URL+param.Replace(r.Path), strings.NewReader("x=1"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if res := c.do(req); res.Status != http.StatusForbidden {
			t.Errorf("%s %s without a CSRF token: %d", r.Method, r.Path, res.Status)
		}
	}
	if n < 20 {
		t.Fatalf("only %d routes checked", n)
	}
	if r := c.get("/"); r.Status != http.StatusOK {
		t.Fatalf("the session did not survive: %d", r.Status)
	}
	page, err := a.db.SearchAudit(t.Context(), ownerActor(t, a), db.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range page.Items {
		if e.Action != "setup" && e.Action != "user.login" {
			t.Errorf("a refused request changed something: %s", e.Action)
		}
	}
}
