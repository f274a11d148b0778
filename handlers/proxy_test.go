package handlers_test

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"kadra/db/dbtest"
	"kadra/handlers"
)

// peerRoute adds a test-only route that answers with what the server
// believes of the request: the client address, the scheme and the
// X-Forwarded-For handlers would see.
func peerRoute(a *app) {
	a.srv.Echo().GET("/test/peer", func(c echo.Context) error {
		return c.String(http.StatusOK, c.RealIP()+" "+c.Scheme()+" "+c.Request().Header.Get("X-Forwarded-For")+
			" "+c.Request().Header.Get("X-Real-IP"))
	})
}

// peerSeen asks /test/peer with forwarding headers.
func peerSeen(t *testing.T, a *app, h http.Header) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.ts.URL+"/test/peer", nil)
	req.Header = h
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// signIn is one sign-in attempt from a client behind the proxy, named by
// its X-Forwarded-For.
func signIn(c *client, xff, email, password string) response {
	c.a.t.Helper()
	if c.csrf == "" {
		c.get("/login")
	}
	form := url.Values{"email": {email}, "password": {password}, "_csrf": {c.csrf}}
	req, _ := http.NewRequest(http.MethodPost, c.a.ts.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	return c.do(req)
}

// R-SEC-4: without trusted proxies, forwarding headers are the client's
// own words: the address and scheme stay the connection's, the headers are
// removed, and rotating a spoofed X-Forwarded-For does not escape the lock
// on the real address.
func TestSpoofedForwardedForIgnored(t *testing.T) {
	a := newSetupApp(t)
	peerRoute(a)
	h := http.Header{"X-Forwarded-For": {"203.0.113.9"}, "X-Real-Ip": {"203.0.113.8"},
		"X-Forwarded-Proto": {"https"}}
	if got := peerSeen(t, a, h); got != "127.0.0.1 http  " {
		t.Fatalf("spoofed headers were believed: %q", got)
	}
	c := a.client()
	for i := range 50 {
		signIn(c, "198.51.100."+strconv.Itoa(i), "ghost"+strconv.Itoa(i)+"@example.pl", "wrong")
	}
	if r := signIn(c, "198.51.100.200", "owner@example.pl", dbtest.OwnerPassword); r.Status != http.StatusTooManyRequests {
		t.Fatalf("a new spoofed address escaped the lock on the real one: %d", r.Status)
	}
}

// R-SEC-4: behind a trusted proxy, the client is the last address before
// it in X-Forwarded-For: 50 failed sign-ins lock client X, while client Y
// through the same proxy still signs in; the scheme is the proxy's word.
func TestTrustedProxyLocksOneClient(t *testing.T) {
	d, _ := dbtest.Setup(t)
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
	a := serveWith(t, handlers.Config{DB: d, Logger: slog.New(slog.DiscardHandler), TrustedProxies: []*net.IPNet{loopback}})
	peerRoute(a)
	// The proxy appends the address it saw to what the client sent.
	h := http.Header{"X-Forwarded-For": {"192.0.2.66, 203.0.113.5"}, "X-Forwarded-Proto": {"https"}}
	if got := peerSeen(t, a, h); got != "203.0.113.5 https 192.0.2.66, 203.0.113.5 " {
		t.Fatalf("behind the proxy: %q", got)
	}
	x, y := a.client(), a.client()
	for i := range 55 {
		signIn(x, "203.0.113.5", "ghost"+strconv.Itoa(i)+"@example.pl", "wrong")
	}
	if r := signIn(x, "203.0.113.5", "owner@example.pl", dbtest.OwnerPassword); r.Status != http.StatusTooManyRequests {
		t.Fatalf("client X after 55 failures: %d", r.Status)
	}
	// A spoofed address before X's real one does not free X either.
	if r := signIn(x, "203.0.113.77, 203.0.113.5", "owner@example.pl", dbtest.OwnerPassword); r.Status != http.StatusTooManyRequests {
		t.Fatalf("client X with a spoofed address in front: %d", r.Status)
	}
	if r := signIn(y, "203.0.113.6", "owner@example.pl", dbtest.OwnerPassword); r.Status != http.StatusSeeOther {
		t.Fatalf("client Y through the same proxy: %d", r.Status)
	}
}
