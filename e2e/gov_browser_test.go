package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-GOV-1, R-GOV-3, R-GOV-5 in a browser, on a fake clock: the owner
// filters the inactive users, previews and turns on the dormancy rule,
// logs in as a user with a reason (the banner counts down; the user's
// profile lists it; when the time is up the session comes back by
// itself), and stamps the access review.
func TestBrowserGovernance(t *testing.T) {
	clock := dbtest.NewClock()
	d, owner := dbtest.SetupDB(t, dbtest.OpenWith(t, db.Options{Now: clock.Now}))
	dbtest.AddUser(t, d, owner, "stary@example.pl")
	ewa := dbtest.AddUser(t, d, owner, "ewa@example.pl")
	clock.Advance(40 * 24 * time.Hour)
	dbtest.Login(t, d, "ewa@example.pl", dbtest.OwnerPassword)
	b := signedIn(t, d, "owner@example.pl")

	// R-GOV-1: the list's filter, then the rule with its preview.
	b.open("/users?inactive_days=30")
	b.wantText("table.users tbody", "stary@example.pl")
	if b.count("table.users tbody tr") != 1 {
		t.Fatalf("inactive for 30 days: %s", b.text("table.users tbody"))
	}
	b.shot("gov-users-inactive")
	b.open("/settings/governance")
	b.fill("f-days", "30")
	b.fill("f-warn_days", "5")
	if st := b.submit("button[formaction='/settings/dormancy/preview']"); st != 200 {
		t.Fatalf("preview: %d", st)
	}
	b.wantText("#dormancy", "Today: 1 person")
	b.wantText("#dormancy", "stary@example.pl")
	b.shot("gov-dormancy-preview")
	b.click("input[name=enabled]")
	if st := b.submit("#dormancy button.primary"); st != 200 {
		t.Fatalf("save: %d", st)
	}
	b.wantText("#dormancy", "The rule is on.")
	if n, err := d.SweepDormant(t.Context()); err != nil || n != 1 {
		t.Fatalf("sweep: %d, %v", n, err)
	}

	// R-GOV-3: log in as Ewa with a reason and 15 minutes.
	b.open(fmt.Sprintf("/users/%d/impersonate", ewa.ID))
	b.do("type the reason", chromedp.SendKeys(chromedp.ID("f-reason"), "Ewa cannot see her caller ID"))
	b.pick("f-minutes", "15")
	if st := b.submit("form[action$='/impersonate'] button.primary"); st != 200 {
		t.Fatalf("log in as: %d", st)
	}
	b.wantText(".banner", "Back to your account in 15 min.")
	b.open("/profile")
	b.wantText("#impersonations table", "Ewa cannot see her caller ID")
	b.shot("gov-impersonation")
	clock.Advance(16 * time.Minute)
	b.open("/profile")
	b.wantPath("/users")
	b.wantText("html", "The time for acting as another user is up")

	// R-GOV-5: the review, stamped.
	b.open("/access-review")
	b.wantText("table.review", "stary@example.pl")
	b.shot("gov-access-review")
	if st := b.submit("form[action='/access-review/done'] button"); st != 200 {
		t.Fatalf("stamp: %d", st)
	}
	b.wantText("#stamp", "Last review:")
}
