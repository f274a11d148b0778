package e2e

import (
	"context"
	"fmt"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-MFA-4, R-MFA-6 in a browser: the profile lists sessions (this one and
// a phone) and ends the phone's; a token is made for 30 days; the owner
// sees a user's sessions on their page and every token on /tokens.
func TestBrowserSessionsAndTokens(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	ewa := dbtest.AddUser(t, d, owner, "ewa@example.pl")
	phone := "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
	for _, email := range []string{"owner@example.pl", ewa.Email} {
		if _, err := d.Login(ctx, db.LoginInput{Email: email, Password: dbtest.OwnerPassword, IP: "203.0.113.24", UserAgent: phone}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.CreateAPIToken(ctx, db.System(), ewa.Email, db.TokenInput{Name: "phone book sync", ExpiresDays: 365}); err != nil {
		t.Fatal(err)
	}
	b := signedIn(t, d, "owner@example.pl")

	b.open("/profile")
	b.wantText("#sessions", "this one")
	b.wantText("#sessions", "Safari · iOS")
	b.fill("f-name", "backup script")
	b.pick("expires_days", "30")
	if status := b.submit("#tokens form[action='/profile/tokens'] button[type=submit]"); status != 200 {
		t.Fatalf("token: %d", status)
	}
	b.wantText("#tokens", "backup script")
	b.shot("profile-sessions")
	rows := b.count("#sessions tbody tr")
	// The phone's session: not this one (both may share a second, so their
	// order alone does not tell them apart).
	if status := b.submit("#sessions tbody tr:not(.current) button"); status != 200 {
		t.Fatalf("end the phone's session: %d", status)
	}
	b.wantText("html", "The session was ended.")
	if b.count("#sessions tbody tr") != rows-1 || b.text("#sessions tbody") == "" {
		t.Fatal("the phone's session is still listed")
	}

	b.open(fmt.Sprintf("/users/%d", ewa.ID))
	b.wantText("#sessions", "203.0.113.24")
	b.shot("user-sessions")

	b.open("/tokens")
	b.wantText("table", "phone book sync")
	b.wantText("table", ewa.Email)
	b.shot("tokens")
}
