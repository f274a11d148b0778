package e2e

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"kadra/db"
	"kadra/db/dbtest"
	"kadra/handlers"
)

// R-MFA-1, R-SEC-5: in a browser, the owner enrols an authenticator app
// with the code computed from the key the page shows, signs out, signs in
// with a code, then with a recovery code; neither the key nor a recovery
// code appears in the server's log.
func TestBrowserSecondFactor(t *testing.T) {
	clock := dbtest.NewClock()
	d, _ := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	var logs syncBuffer
	ts := httptest.NewUnstartedServer(nil)
	srv, err := handlers.New(context.Background(), handlers.Config{DB: d, BaseURL: "http://" + ts.Listener.Addr().String(),
		Version: "e2e", Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv
	t.Cleanup(srv.Close)
	ts.Start()
	t.Cleanup(ts.Close)

	b := newBrowser(t, ts.URL)
	b.signIn("owner@example.pl", dbtest.OwnerPassword)
	b.open("/profile")
	b.wantText("#mfa", "Only your password protects this account")
	b.submit(`#mfa a[href="/profile/2fa"]`)
	b.wantPath("/profile/2fa")
	key := strings.ReplaceAll(b.text("#totp-key"), " ", "")
	b.shot("mfa-enrol")
	code, err := totp.GenerateCode(key, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	b.fill("f-code", code)
	if st := b.submit(`form[action="/profile/2fa/confirm"] button[type=submit]`); st != 200 {
		t.Fatalf("confirm: %d", st)
	}
	codes := strings.Fields(b.text("#recovery-codes"))
	if len(codes) != 10 {
		t.Fatalf("recovery codes %q, want 10", codes)
	}
	b.shot("mfa-codes")
	b.submit(`a[href="/profile#mfa"]`)
	b.wantText("#mfa", "10 recovery codes left")
	b.shot("mfa-profile")

	signOut := func() {
		t.Helper()
		b.click("details.user-menu summary")
		b.submit(`form[action="/logout"] button[type=submit]`)
		b.wantPath("/login")
	}
	signOut()
	clock.Advance(30 * time.Second) // the enrolment's step is used
	b.signIn("owner@example.pl", dbtest.OwnerPassword)
	b.wantPath("/login/code")
	b.shot("mfa-login-code")
	code, _ = totp.GenerateCode(key, clock.Now())
	b.fill("f-code", code)
	b.submit(`form[action="/login/code"] button[type=submit]`)
	b.wantPath("/")

	signOut()
	b.signIn("owner@example.pl", dbtest.OwnerPassword)
	b.wantPath("/login/code")
	b.fill("f-code", codes[0])
	b.submit(`form[action="/login/code"] button[type=submit]`)
	b.wantPath("/")
	b.open("/profile")
	b.wantText("#mfa", "9 recovery codes left")

	for _, secret := range append([]string{key}, codes...) {
		if strings.Contains(logs.String(), secret) {
			t.Fatalf("the log holds the secret %q", secret)
		}
	}
	if !strings.Contains(logs.String(), "/login/code") {
		t.Fatal("the log shows no request: the check above proves nothing")
	}
}
