package e2e

import (
	"strings"
	"testing"

	"kadra/db/dbtest"
)

// R-MFA-5: in a browser, in Polish, the strength meter under a new
// password fills as one types, from the server's own check: a common
// password is named as such, the user's own name is caught on the user
// form, a strong password meets the rules.
func TestBrowserPasswordMeter(t *testing.T) {
	d, _ := dbtest.Setup(t)
	b := signedIn(t, d, "owner@example.pl")
	b.open("/profile")
	b.submit(`button[name="lang"][value="pl"]`)
	b.open("/profile")
	meter := func(id, want string) {
		b.t.Helper()
		b.waitFor(func() bool { return strings.Contains(b.text("#m-"+id), want) })
	}
	b.fill("f-new_password", "P@ssw0rd")
	meter("new_password", "najczęściej używanych haseł")
	b.shot("password-meter-common")
	b.open("/profile") // chromedp's Clear leaves a password field's value
	b.fill("f-new_password", "Kadra-Biuro-17!")
	meter("new_password", "Hasło spełnia zasady.")
	if got := b.text("#m-new_password"); !strings.Contains(got, "Silne") {
		t.Fatalf("strong password: %q", got)
	}
	b.shot("password-meter-strong")

	b.open("/users/new")
	b.fill("f-full_name", "Marek Zieliński")
	b.fill("f-email", "marek.zielinski@example.pl")
	b.fill("f-password", "Zielinski-Lato-2031!")
	meter("password", "zawiera Twoje imię, nazwisko lub adres e-mail")
	if got := b.text("#m-password"); !strings.Contains(got, "Słabe") {
		t.Fatalf("own name not shown as weak: %q", got)
	}
	b.shot("password-meter-user-form")
}
