package handlers_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"kadra/db/dbtest"
	"kadra/handlers"
)

// logBuffer is a server's log, safe to read while the server writes.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newLoggedApp serves a set-up database and keeps the server's JSON log.
func newLoggedApp(t *testing.T) (*app, *logBuffer) {
	t.Helper()
	d, _ := dbtest.Setup(t)
	var log logBuffer
	return serveWith(t, handlers.Config{DB: d, Logger: slog.New(slog.NewJSONHandler(&log, nil))}), &log
}

// raw sends one request and returns its status and body, whatever the
// status (unlike client.do, which fails the test on a 5xx).
func (a *app) raw(method, path string) (int, string) {
	a.t.Helper()
	req, err := http.NewRequest(method, a.ts.URL+path, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	res, err := a.ts.Client().Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// series counts the kadra_http_ lines of /metrics.
func (a *app) series() (int, string) {
	a.t.Helper()
	_, body := a.raw(http.MethodGet, "/metrics")
	n := 0
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "kadra_http_") {
			n++
		}
	}
	return n, body
}

// R-SEC-6: invented methods and random paths from an anonymous client
// leave the number of kadra_http_ series at a small constant: every label
// (route, method, code) has a bound.
func TestMetricsSeriesBounded(t *testing.T) {
	a := newSetupApp(t)
	rnd := func() string { return fmt.Sprintf("%x", rand.Uint64()) }
	paths := []func() string{
		func() string { return "/" + rnd() },
		func() string { return "/" + rnd() + "/" + rnd() },
		func() string { return "/users/" + rnd() },
		func() string { return "/api/v1/" + rnd() },
		func() string { return "/static/" + rnd() + "/" + rnd() },
		func() string { return "/healthz" },
	}
	for i := range 3000 {
		method := http.MethodGet
		if i%2 == 0 {
			method = "M" + rnd()
		}
		a.raw(method, paths[i%len(paths)]())
	}
	if n, body := a.series(); n > 150 {
		t.Fatalf("%d kadra_http_ series after 3000 invented requests:\n%.3000s", n, body)
	}
}

// R-SEC-1, R-SEC-6: a panic is answered 500 and, recovered inside the
// request's observer, still logged as a request and counted in the
// metrics; its stack is logged too.
func TestPanicLoggedAndCounted(t *testing.T) {
	a, log := newLoggedApp(t)
	a.srv.Echo().GET("/test/panic", func(echo.Context) error { panic("test boom") })
	if status, _ := a.raw(http.MethodGet, "/test/panic"); status != http.StatusInternalServerError {
		t.Fatalf("status %d", status)
	}
	var request, panicked bool
	for _, l := range strings.Split(log.String(), "\n") {
		if strings.Contains(l, `"msg":"request"`) && strings.Contains(l, `"route":"/test/panic"`) &&
			strings.Contains(l, `"status":500`) {
			request = true
		}
		if strings.Contains(l, `"msg":"panic"`) && strings.Contains(l, "test boom") && strings.Contains(l, "goroutine") {
			panicked = true
		}
	}
	if !request || !panicked {
		t.Errorf("request line %v, panic line with stack %v:\n%s", request, panicked, log)
	}
	if _, body := a.series(); !strings.Contains(body, `kadra_http_requests_total{route="/test/panic",method="GET",code="500"} 1`) {
		t.Errorf("the panic is not counted:\n%s", body)
	}
}

// R-SEC-5: the request log names the route and a path with the link's
// token replaced, never the token itself: activation, reset and import
// links, answered or refused, matched or mangled.
func TestRequestLogHidesTokens(t *testing.T) {
	a, log := newLoggedApp(t)
	c := a.ownerClient()
	tok := "kadraTOKEN_" + strings.Repeat("x9Y-", 10)
	for _, p := range []string{"/reset-password/" + tok, "/activate/" + tok, "/reset-password/" + tok + "/",
		"/activate/" + tok + "/more", "/users/import/" + tok, "/users/import/" + tok + "/progress",
		"/api/v1/" + tok, "/no-such-page/" + tok} {
		c.get(p)
	}
	c.post("/reset-password/"+tok, nil)
	c.post("/activate/"+tok, nil)
	out := log.String()
	if strings.Contains(out, tok) || strings.Contains(out, "kadraTOKEN") {
		t.Fatalf("a token is in the log:\n%s", out)
	}
	for _, want := range []string{`"route":"/reset-password/:token","path":"/reset-password/{token}"`,
		`"route":"/activate/:token","path":"/activate/{token}"`, `"path":"/no-such-page/{token}"`} {
		if !strings.Contains(out, want) {
			t.Errorf("no %s in the log:\n%s", want, out)
		}
	}
}
