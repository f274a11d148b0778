package e2e

import (
	"context"
	"net/http"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
	"kadra/sso/ssotest"
)

// Issue 17 in a real browser: the button on the sign-in page, the
// provider's own login page (zitadel/oidc's example OP on 127.0.0.1), and
// back to kadra signed in; a blocked user comes back refused, in words
// (R-USER-8). The owner's Katalog page checks the provider's discovery
// document.
func TestBrowserOIDCSignIn(t *testing.T) {
	d, owner := dbtest.Setup(t)
	srv := serve(t, d)
	op := ssotest.Start(t, []ssotest.User{
		{ID: "anna", Email: "anna@firma.pl", EmailVerified: true, Name: "Anna Kowalska"},
		{ID: "jan", Email: "jan@firma.pl", EmailVerified: true, Name: "Jan Nowak"},
	}, ssotest.Client{ID: "kadra", Secret: "kadra-client-secret", RedirectURL: srv.URL + "/auth/oidc/callback"})
	ctx := context.Background()
	dbtest.AddUser(t, d, owner, "anna@firma.pl")
	jan := dbtest.AddUser(t, d, owner, "jan@firma.pl")
	if _, err := d.BlockUser(ctx, owner, jan.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.SetOIDCSettings(ctx, owner, db.OIDCSettingsInput{Enabled: true, Issuer: op.Issuer, ClientID: "kadra",
		ClientSecret: "kadra-client-secret", Domains: "firma.pl", Label: "Microsoft"}); err != nil {
		t.Fatal(err)
	}

	signIn := func(b *browser, email string) {
		t.Helper()
		b.open("/login")
		b.wantText("a.oidc-button", "Sign in with Microsoft")
		if st := b.submit("a.oidc-button"); st != http.StatusOK {
			t.Fatalf("the provider's login page answered %d", st)
		}
		b.fill("username", email)
		b.fill("password", ssotest.Password)
		b.submit(`button[type=submit]`)
	}

	b := newBrowser(t, srv.URL)
	b.open("/login")
	b.shot("oidc-login")
	signIn(b, "anna@firma.pl")
	b.wantPath("/")
	b.open("/profile")
	if got := b.value("f-email"); got != "anna@firma.pl" {
		t.Fatalf("signed in as %q, want anna@firma.pl", got)
	}

	b = newBrowser(t, srv.URL)
	signIn(b, "jan@firma.pl")
	b.wantPath("/auth/oidc/callback")
	b.wantText(".alert", "Your account is blocked")
	b.shot("oidc-refused")

	o := signedIn(t, d, "owner@example.pl")
	o.open("/settings/directory")
	o.wantText("#oidc", "Sign-in through the provider is on")
	o.submit(`button[formaction^="/settings/directory/oidc/check"]`)
	o.wantText("#oidc-check", "Read the configuration document")
	o.shot("oidc-settings")
}
