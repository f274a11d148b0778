package handlers_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
	"kadra/handlers"
	"kadra/sso/ssotest"
)

// BenchmarkOIDCSignIn measures kadra's part of one sign-in through the
// provider: the start (a redirect with state, nonce and PKCE) and the
// callback (code exchange, ID token verification, userinfo, the rules and
// the session), against zitadel's example OP in the same process. The
// browser's visit to the provider's login page is not timed.
func BenchmarkOIDCSignIn(b *testing.B) {
	ctx := context.Background()
	d, owner := dbtest.Setup(b)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	base := "http://" + l.Addr().String()
	op := ssotest.Start(b, []ssotest.User{{ID: "anna", Email: "anna@firma.pl", EmailVerified: true, Name: "Anna K"}},
		ssotest.Client{ID: "kadra", Secret: "s", RedirectURL: base + "/auth/oidc/callback"})
	srv, err := handlers.New(ctx, handlers.Config{DB: d, Logger: slog.New(slog.DiscardHandler), BaseURL: base})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Close)
	ts := &httptest.Server{Listener: l, Config: &http.Server{Handler: srv}}
	ts.Start()
	b.Cleanup(ts.Close)
	dbtest.AddUser(b, d, owner, "anna@firma.pl")
	if err := d.SetOIDCSettings(ctx, owner, db.OIDCSettingsInput{Enabled: true, Issuer: op.Issuer, ClientID: "kadra",
		ClientSecret: "s", Domains: "firma.pl"}); err != nil {
		b.Fatal(err)
	}
	get := func(hc *http.Client, u string) *http.Response {
		res, err := hc.Get(u)
		if err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	b.ResetTimer()
	for b.Loop() {
		jar, _ := cookiejar.New(nil)
		hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res := get(hc, base+"/auth/oidc/start")
		b.StopTimer()
		back := ssotest.Authorize(b, hc, res.Header.Get("Location"), "anna@firma.pl", ssotest.Password, base+"/auth/oidc/callback")
		b.StartTimer()
		if res := get(hc, back); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
			b.Fatalf("callback: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
	}
}
