package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
	"kadra/handlers"
)

// app is a real kadra server on a fresh database, reached through
// httptest.
type app struct {
	t      *testing.T
	tokens int
	db     *db.DB
	srv    *handlers.Server
	ts     *httptest.Server
}

// newApp serves a fresh database that has not been set up.
func newApp(t *testing.T) *app {
	t.Helper()
	return serve(t, dbtest.Open(t))
}

// newSetupApp serves a database with the main account and its owner
// (owner@example.pl / dbtest.OwnerPassword).
func newSetupApp(t *testing.T) *app {
	t.Helper()
	d, _ := dbtest.Setup(t)
	return serve(t, d)
}

func serve(t *testing.T, d *db.DB) *app {
	t.Helper()
	return serveWith(t, handlers.Config{DB: d, Logger: slog.New(slog.DiscardHandler)})
}

// serveWith serves cfg.DB with the rest of cfg (a logger to read, trusted
// proxies, a base URL).
func serveWith(t *testing.T, cfg handlers.Config) *app {
	t.Helper()
	d := cfg.DB
	cfg.Version = "test"
	srv, err := handlers.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close) // after the HTTP server, before the database
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &app{t: t, db: d, srv: srv, ts: ts}
}

// client is one browser: a cookie jar, no automatic redirects, and the
// CSRF token of the last page it read.
type client struct {
	a    *app
	http *http.Client
	csrf string
}

func (a *app) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{a: a, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// ownerClient is a client signed in as the owner.
func (a *app) ownerClient() *client {
	c := a.client()
	c.login("owner@example.pl", dbtest.OwnerPassword)
	return c
}

type response struct {
	Status int
	Header http.Header
	Body   string
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (c *client) do(req *http.Request) response {
	c.a.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	// R-SEC-1: no input produces a 500, anywhere in the suite.
	if res.StatusCode >= 500 {
		c.a.t.Fatalf("%s %s: status %d\n%s", req.Method, req.URL, res.StatusCode, b)
	}
	if m := csrfRe.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

func (c *client) get(path string) response {
	c.a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.a.ts.URL+path, nil)
	return c.do(req)
}

// post sends a form with the CSRF token read from the last page; when no
// page was read yet, it reads /login first.
func (c *client) post(path string, form url.Values) response {
	c.a.t.Helper()
	if c.csrf == "" {
		c.get("/login")
	}
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("_csrf", c.csrf)
	return c.postRaw(path, f)
}

// postJSON sends a JSON body with the CSRF header, as passkey.js does.
func (c *client) postJSON(path string, body any) response {
	c.a.t.Helper()
	if c.csrf == "" {
		c.get("/login")
	}
	b, err := json.Marshal(body)
	if err != nil {
		c.a.t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, c.a.ts.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf)
	return c.do(req)
}

// postRaw sends a form as is, without adding a CSRF token.
func (c *client) postRaw(path string, form url.Values) response {
	c.a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.a.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) login(email, password string) response {
	c.a.t.Helper()
	c.get("/login")
	r := c.post("/login", url.Values{"email": {email}, "password": {password}})
	if r.Status != http.StatusSeeOther {
		c.a.t.Fatalf("login %s: status %d\n%s", email, r.Status, r.Body)
	}
	// Sign-in rotates the CSRF token: read it from the page the browser
	// goes to next, as a browser would.
	c.csrf = ""
	c.get(r.Header.Get("Location"))
	return r
}

// api calls the JSON API with a bearer token (empty for none).
func (a *app) api(method, path, token string, body any) (int, map[string]any) {
	a.t.Helper()
	return a.apiIn(method, path, token, "", body)
}

// apiIn is app.api with X-Kadra-Account naming the account to act in
// (none when account is empty).
func (a *app) apiIn(method, path, token, account string, body any) (int, map[string]any) {
	a.t.Helper()
	var headers map[string]string
	if account != "" {
		headers = map[string]string{"X-Kadra-Account": account}
	}
	status, _, out := a.apiHeaders(method, path, token, headers, body)
	return status, out
}

// apiHeaders is the one API client of the tests: api with request headers,
// answering the response's too.
func (a *app) apiHeaders(method, path, token string, headers map[string]string, body any) (int, http.Header, map[string]any) {
	a.t.Helper()
	var rd io.Reader
	var sent []byte
	if body != nil {
		sent, _ = json.Marshal(body)
		rd = strings.NewReader(string(sent))
	}
	req, _ := http.NewRequest(method, a.ts.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 500 {
		a.t.Fatalf("%s %s: status %d\n%s", method, path, res.StatusCode, b)
	}
	a.checkContract(req, sent, res, b)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return res.StatusCode, res.Header, out
}

// token creates an API token for the user with the given e-mail.
func (a *app) token(email string) string {
	a.t.Helper()
	a.tokens++ // token names are unique per user
	tok, err := a.db.CreateAPIToken(context.Background(), db.System(), email, db.TokenInput{Name: fmt.Sprintf("test %d", a.tokens)})
	if err != nil {
		a.t.Fatal(err)
	}
	return tok
}

// apiFields returns the per-field messages of an API error body.
func apiFields(body map[string]any) map[string]any {
	e, _ := body["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	return f
}

// mustContain fails the test unless the page (HTML entities read as text)
// holds every one of want.
func mustContain(t *testing.T, what, body string, want ...string) {
	t.Helper()
	text := html.UnescapeString(body)
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Fatalf("%s: no %q in\n%s", what, w, body)
		}
	}
}
