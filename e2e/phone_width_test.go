package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"kadra/db"
	"kadra/db/dbtest"
)

// Issue 11, done when: every page of the manuals' flows fits a 390 px
// phone without sideways scrolling of the page (a wide table may scroll
// inside its own box). The owner opens each page of a seeded office.
func TestPagesFitAPhone(t *testing.T) {
	d, owner := dbtest.Setup(t)
	ctx := context.Background()
	u := dbtest.AddUser(t, d, owner, "anna.kowalska-wisniewska@example.pl", func(in *db.UserInput) {
		in.FullName, in.WorkPhone = "Anna Kowalska-Wiśniewska", "22 123 45 67"
	})
	dbtest.AddAdmin(t, d, owner, "admin@example.pl")
	g, err := d.CreateGroup(ctx, owner, db.GroupInput{Name: "Dział obsługi klienta i reklamacji"})
	if err != nil {
		t.Fatal(err)
	}
	l, err := d.CreateLicense(ctx, owner, db.LicenseInput{Product: "Microsoft 365 Business Standard", Seats: 5})
	if err != nil {
		t.Fatal(err)
	}
	acc := dbtest.AddAccount(t, d, owner, "Klient Zielona Góra")
	staff, _ := d.BuiltinRoleID(ctx, db.BuiltinStaff)
	b := signedIn(t, d, "owner@example.pl")
	b.do("phone width", chromedp.EmulateViewport(390, 800))
	pages := []string{"/", "/users", "/users/new", fmt.Sprintf("/users/%d", u.ID), fmt.Sprintf("/users/%d/edit", u.ID),
		fmt.Sprintf("/users/%d/licenses", u.ID), fmt.Sprintf("/users/%d/access", u.ID), fmt.Sprintf("/users/%d/grants", u.ID),
		fmt.Sprintf("/users/%d/impersonate", u.ID), fmt.Sprintf("/users/%d/offboarding", u.ID),
		"/users/import", "/groups", fmt.Sprintf("/groups/%d", g.ID), "/roles", "/roles/new", fmt.Sprintf("/roles/%d", staff),
		fmt.Sprintf("/roles/%d/edit", staff), "/sip", "/numbers", "/licenses", fmt.Sprintf("/licenses/%d", l.ID),
		"/accounts", "/accounts/new", fmt.Sprintf("/accounts/%d", acc.ID), "/accounts/switch", "/usage", "/audit",
		"/outbox", "/settings", "/settings/directory", "/settings/governance", "/access-review", "/offboardings",
		"/tokens", "/profile", "/profile/2fa"}
	for _, p := range pages {
		b.open(p)
		width, err := chromedp.Run(b.ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatalf("measure %s: %v", p, err)
		}
		if width > 391 {
			culprit, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](overflowingText))
			t.Errorf("%s scrolls sideways at 390 px: %v px wide: %s", p, width, culprit)
		}
	}
}

// overflowingText names the text that reaches past the viewport's right
// edge, for the message of a page that scrolls sideways.
const overflowingText = `(() => {
  let out = [];
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = w.nextNode()); ) {
    const r = document.createRange(); r.selectNodeContents(n);
    const b = r.getBoundingClientRect();
    if (b.right > window.innerWidth + 1 && b.width > 0) {
      out.push(n.parentElement.tagName.toLowerCase() + "." + n.parentElement.className + "[" + Math.round(b.right) + "] " + n.textContent.trim().slice(0, 30));
    }
  }
  return out.slice(0, 5).join(" | ");
})()`
