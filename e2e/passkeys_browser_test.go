package e2e

import (
	"context"
	"log/slog"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"kadra/db"
	"kadra/db/dbtest"
	"kadra/handlers"
)

// R-MFA-2: in Chromium with a virtual authenticator (a platform passkey
// that verifies its user), the owner adds a passkey on the profile under a
// name, signs out, and signs in with "Zaloguj kluczem dostępu" alone; the
// password then leads to a second step that the passkey answers too.
// Passkeys need a name, not an address, so the panel is served as
// localhost here.
func TestBrowserPasskey(t *testing.T) {
	ts := httptest.NewUnstartedServer(nil)
	_, port, _ := net.SplitHostPort(ts.Listener.Addr().String())
	base := "http://localhost:" + port
	d, _ := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{BaseURL: base}))
	srv, err := handlers.New(context.Background(), handlers.Config{DB: d, BaseURL: base, Version: "e2e",
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv
	t.Cleanup(srv.Close)
	ts.Start()
	t.Cleanup(ts.Close)

	// addAuthenticator gives a browser a virtual platform authenticator
	// that verifies its user.
	addAuthenticator := func(b *browser) webauthn.AuthenticatorID {
		t.Helper()
		if _, err := chromedp.Call(b.ctx, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			t.Fatalf("WebAuthn.enable: %v", err)
		}
		auth, err := chromedp.Call(b.ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
			Options: &webauthn.VirtualAuthenticatorOptions{Protocol: webauthn.AuthenticatorProtocolCtap2,
				Transport: webauthn.AuthenticatorTransportInternal, HasResidentKey: true,
				HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true}})
		if err != nil {
			t.Fatalf("WebAuthn.addVirtualAuthenticator: %v", err)
		}
		return auth.AuthenticatorID
	}
	b := newBrowser(t, base)
	auth := addAuthenticator(b)

	b.signIn("owner@example.pl", dbtest.OwnerPassword)
	b.open("/profile")
	b.wantText("#passkeys", "You have no passkeys")
	b.fill("f-passkey_name", "Work laptop")
	b.click(`form[data-passkey-register] button[type=submit]`)
	b.waitText("#passkeys .passkey-list", "Work laptop") // the page reloads with it
	b.wantText("#passkeys", "never")
	b.wantText("main", "The passkey was added")
	b.shot("passkey-profile")
	creds, err := chromedp.Call(b.ctx, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: auth})
	if err != nil || len(creds.Credentials) != 1 || !creds.Credentials[0].IsResidentCredential {
		t.Fatalf("the authenticator holds %+v (%v), want one discoverable passkey", creds, err)
	}

	// The same name again is refused in words, before the browser is asked.
	b.fill("f-passkey_name", "Work laptop")
	b.click(`form[data-passkey-register] button[type=submit]`)
	b.waitText(`#passkeys [data-passkey-status]`, "already have a passkey with this name")

	b.click("details.user-menu summary")
	b.submit(`form[action="/logout"] button[type=submit]`)
	b.wantPath("/login")
	b.wantText("main", "Sign in with a passkey")
	// (No screenshot here: while the sign-in page's autofill request waits
	// on an authenticator that holds a passkey, headless Chromium answers
	// no other DevTools call.)
	b.click(`[data-passkey-login] button`)
	b.waitPath("/")
	b.open("/profile")
	if last := b.text("#passkeys .passkey-list"); strings.Contains(last, "never") {
		t.Errorf("last use not recorded: %q", last)
	}

	// With a passkey, the password leads to a second step it answers: in a
	// second browser, whose authenticator gets the passkey only then.
	b2 := newBrowser(t, base)
	auth2 := addAuthenticator(b2)
	b2.open("/login")
	b2.shot("passkey-login")
	b2.signIn("owner@example.pl", dbtest.OwnerPassword)
	b2.wantPath("/login/code")
	b2.wantText("main", "Confirm with it to go on")
	b2.shot("passkey-second-step")
	creds, err = chromedp.Call(b.ctx, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: auth})
	if err != nil || len(creds.Credentials) != 1 {
		t.Fatalf("credentials: %v", err)
	}
	cred := creds.Credentials[0]
	cred.RpID = "localhost"
	if _, err := chromedp.Call(b2.ctx, webauthn.AddCredential, webauthn.AddCredentialParams{AuthenticatorID: auth2,
		Credential: cred}); err != nil {
		t.Fatalf("WebAuthn.addCredential: %v", err)
	}
	b2.click(`[data-passkey-login] button`)
	b2.waitPath("/")
}

// waitPath waits (up to ten seconds) until the page is at path: for
// navigations a script starts.
func (b *browser) waitPath(path string) {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := b.path()
		if i := strings.IndexByte(got, '?'); i >= 0 {
			got = got[:i]
		}
		if got == path {
			b.do("wait for "+path, chromedp.WaitReady(chromedp.CSS("body")))
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("on %s, want %s", got, path)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
