package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kadra/db"
	"kadra/db/dbtest"
)

// choose picks the option of a select by its value.
func (b *browser) choose(id, value string) {
	b.t.Helper()
	b.do("choose #"+id, chromedp.SetValue(chromedp.ID(id), value))
}

// R-USER-1, R-SIP-3, R-SEC-1: the owner fills every section of the user
// form; a bad submit shows the field errors and keeps the values; the good
// one shows the new SIP password once.
func TestBrowserCreateUser(t *testing.T) {
	d, owner := dbtest.Setup(t)
	ctx := context.Background()
	num, err := d.CreatePresentation(ctx, owner, db.PhoneNumbers, db.PresentationInput{Value: "+48221234567", Label: "Office"})
	if err != nil {
		t.Fatal(err)
	}
	snd, err := d.CreatePresentation(ctx, owner, db.SMSSenders, db.PresentationInput{Value: "Biuro"})
	if err != nil {
		t.Fatal(err)
	}
	grp, err := d.CreateGroup(ctx, owner, db.GroupInput{Name: "Sales"})
	if err != nil {
		t.Fatal(err)
	}
	dbtest.AddUser(t, d, owner, "taken@example.pl")
	b := signedIn(t, d, "owner@example.pl")

	b.open("/users")
	b.submit(`a[href="/users/new"]`)
	b.wantPath("/users/new")
	b.fill("f-email", "taken@example.pl")
	b.fill("f-notify_email", "anna@home.example")
	b.fill("f-extension", "1001")
	b.choose("f-call_number_id", fmt.Sprint(num.ID))
	b.choose("f-sms_sender_id", fmt.Sprint(snd.ID))
	b.fill("f-password", "weak")
	b.fill("f-password_confirm", "weak")
	b.fill("f-full_name", "Anna Nowak")
	b.fill("f-work_phone", "+48 600 100 200")
	b.pickGroup("f-group_ids", "Sal", grp.ID)
	b.docScreenshot("user-form")
	b.submit(`form.user-form button.primary`)
	b.wantText("#e-email", "Another user already signs in with this e-mail.")
	b.wantText("#e-password", "The password needs")
	if b.value("f-full_name") != "Anna Nowak" || b.value("f-notify_email") != "anna@home.example" ||
		b.value("f-extension") != "1001" || b.value("f-call_number_id") != fmt.Sprint(num.ID) {
		t.Fatal("typed values lost after the refusal")
	}

	b.fill("f-email", "anna@example.pl")
	b.fill("f-password", "Secret-pass1")
	b.fill("f-password_confirm", "Secret-pass1")
	b.submit(`form.user-form button.primary`)
	b.wantText(".secret", "1001@")
	secret := b.text(".secret-value")
	if len(secret) < 12 {
		t.Fatalf("SIP password %q", secret)
	}
	b.wantText("main h1", "Anna Nowak")
	b.open(b.path()) // reload: the password is gone
	if strings.Contains(b.text("main"), secret) {
		t.Fatal("the SIP password was shown twice")
	}
	b.open("/users?q=anna")
	b.wantText("table.users tbody", "1001")
	b.docScreenshot("users")
}

// R-USER-8: blocking a signed-in user from the row menu ends their open
// session; R-USER-14: log in as someone and back.
func TestBrowserBlockAndLogInAs(t *testing.T) {
	d, owner := dbtest.Setup(t)
	u := dbtest.AddUser(t, d, owner, "anna@example.pl")
	s := serve(t, d)
	admin := newBrowser(t, s.URL)
	admin.signIn("owner@example.pl", dbtest.OwnerPassword)
	anna := newBrowser(t, s.URL)
	anna.signIn("anna@example.pl", dbtest.OwnerPassword)
	anna.wantText("main h1", "Hello")

	// Log in as Anna, see the banner, come back.
	admin.open("/users?q=anna")
	admin.click("details.row-menu summary")
	admin.submit(fmt.Sprintf(`a[href="/users/%d/impersonate"]`, u.ID))
	// R-GOV-3: the reason is asked first.
	admin.do("type the reason", chromedp.SendKeys(chromedp.ID("f-reason"), "Anna cannot see her phone"))
	admin.submit("form[action$='/impersonate'] button.primary")
	admin.wantText(".banner", "You are acting as anna@example.pl")
	admin.submit(`.banner button`)
	admin.wantPath("/users")
	admin.wantText(".flash", "You are yourself again.")

	// Block her: her next request lands on the sign-in page.
	admin.open("/users?q=anna")
	admin.click("details.row-menu summary")
	admin.submit(fmt.Sprintf(`button[formaction="/users/%d/block"]`, u.ID))
	if msg := admin.dialog(); !strings.Contains(msg, "Block anna@example.pl?") {
		t.Fatalf("confirmation %q", msg)
	}
	admin.wantText(".flash", "anna@example.pl is blocked")
	admin.wantText("table.users tbody", "blocked")
	anna.open("/profile")
	anna.wantPath("/login")
}
