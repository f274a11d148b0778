package e2e

import (
	"net/http"
	"strings"
	"testing"

	"kadra/db/dbtest"
)

// The first-run flow of the foundation issue, as an admin walks it:
// R-ACC-1 (the one-time setup URL creates the main account and its owner),
// then sign in, the dashboard with the account's name, and sign out.
func TestBrowserFirstRunSignInSignOut(t *testing.T) {
	s := serve(t, dbtest.Open(t))
	b := newBrowser(t, s.URL)
	setupURL := s.Srv.SetupURL()
	if setupURL == "" {
		t.Fatal("a fresh database has no setup URL")
	}

	// Without the one-time token there is no setup form.
	b.open("/login")
	b.wantText("main h1", "not set up")

	b.open(setupURL)
	b.wantPath("/setup")
	b.fill("f-account_name", "Biuro Rachunkowe Łódź")
	b.fill("f-full_name", "Ola Nowak")
	b.fill("f-email", "ola@example.pl")
	b.fill("f-password", "Zaq1@wsx-Edc")
	b.fill("f-password_confirm", "Zaq1@wsx-Edc")
	b.docScreenshot("setup")
	if st := b.submit(`form[action="/setup"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("setup answered %d", st)
	}
	b.wantPath("/login")
	b.wantText(".flash", "The account is ready")

	// The setup URL is spent.
	b.open(setupURL)
	b.wantPath("/login")
	b.wantText(".flash", "already set up")

	b.open("/login") // without the one-shot message, for the screenshot
	b.fill("f-email", "ola@example.pl")
	b.fill("f-password", "Zaq1@wsx-Edc")
	b.docScreenshot("login")
	b.submit(`form[action="/login"] button[type=submit]`)
	b.wantPath("/")
	b.wantText("header .account", "Biuro Rachunkowe Łódź")
	b.wantText("main h1", "Hello, Ola Nowak")
	b.wantText("main .lead", "Biuro Rachunkowe Łódź")
	b.docScreenshot("dashboard")

	if screenshotsWanted() {
		b.open("/audit")
		b.wantText("main h1", "Audit")
		b.docScreenshot("audit")
		b.open("/profile")
		b.docScreenshot("profile")
		b.open("/")
	}

	// Sign out from the user menu.
	b.click("details.user-menu summary")
	b.submit(`form[action="/logout"] button[type=submit]`)
	b.wantPath("/login")
	b.wantText(".flash", "signed out")

	// The session is gone: the dashboard sends us back to sign in.
	b.open("/")
	b.wantPath("/login")
	b.wantText("main h1", "Sign in")
}

// R-SEC-1, R-USER-4: a setup form refused for a weak password comes back
// with the unmet conditions named under the field and what was typed kept;
// fixing the password then completes setup.
func TestBrowserSetupRefusesWeakPassword(t *testing.T) {
	s := serve(t, dbtest.Open(t))
	b := newBrowser(t, s.URL)

	b.open(s.Srv.SetupURL())
	b.fill("f-account_name", "Biuro")
	b.fill("f-email", "ola@example.pl")
	b.fill("f-password", "password")
	b.fill("f-password_confirm", "password")
	if st := b.submit(`form[action="/setup"] button[type=submit]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("a weak password answered %d, want 422", st)
	}
	b.wantPath("/setup")
	msg := b.text("#e-password")
	for _, want := range []string{"uppercase", "digit", "special"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the password error %q does not name %q", msg, want)
		}
	}
	if strings.Contains(msg, "lowercase") || strings.Contains(msg, "8 characters") {
		t.Errorf("the password error %q names a condition the password meets", msg)
	}
	if got := b.value("f-email"); got != "ola@example.pl" {
		t.Errorf("the e-mail field holds %q after the refusal, want the typed ola@example.pl", got)
	}
	if got := b.value("f-account_name"); got != "Biuro" {
		t.Errorf("the account name field holds %q after the refusal, want Biuro", got)
	}
	if got := b.value("f-password"); got != "" {
		t.Errorf("the password field was sent back filled: %q", got)
	}
	if need, err := s.DB.NeedsSetup(t.Context()); err != nil || !need {
		t.Fatalf("a refused setup created the account (needs setup %v, %v)", need, err)
	}

	b.fill("f-password", "Zaq1@wsx-Edc")
	b.fill("f-password_confirm", "Zaq1@wsx-Edc")
	b.submit(`form[action="/setup"] button[type=submit]`)
	b.wantPath("/login")
	b.wantText(".flash", "The account is ready")
}

// "Sign out everywhere" asks first (app.js's data-confirm, which must run
// under the strict CSP): Cancel keeps the session, OK ends it.
func TestBrowserSignOutEverywhereAsksFirst(t *testing.T) {
	d, _ := dbtest.Setup(t)
	b := signedIn(t, d, "owner@example.pl")
	b.open("/profile")

	const button = `form[action="/profile/sign-out-everywhere"] button[type=submit]`
	b.dismiss.Store(true)
	b.click(button)
	if msg := b.dialog(); msg == "" {
		t.Fatal("the confirmation has no text")
	}
	b.open("/profile")
	b.wantPath("/profile")

	b.dismiss.Store(false)
	b.submit(button)
	b.dialog()
	b.wantPath("/login")
	b.open("/")
	b.wantPath("/login")
}
