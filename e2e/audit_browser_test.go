package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-AUDIT-2: in a browser, in Polish, the log reads as sentences with a
// change table; typing "usunięcie" narrows it to deletions as one types;
// the person filter suggests the account's users; a user's page shows
// their entries.
func TestBrowserAuditLog(t *testing.T) {
	d, owner := dbtest.Setup(t)
	ctx := context.Background()
	jan := dbtest.NewUser(t, d, owner, db.UserInput{Email: "jan@example.pl", FullName: "Jan Nowak"})
	ewa := dbtest.NewUser(t, d, owner, db.UserInput{Email: "ewa@example.pl", FullName: "Ewa Zielińska"})
	g, err := d.CreateGroup(ctx, owner, db.GroupInput{Name: "Magazyn"})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetUserGroups(ctx, owner, ewa.ID, []int64{g.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.BlockUser(ctx, owner, ewa.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.DeleteUser(ctx, owner, jan.ID); err != nil {
		t.Fatal(err)
	}
	b := signedIn(t, d, "owner@example.pl")
	b.open("/audit")
	b.submit(`button[name="lang"][value="pl"]`)
	b.open("/audit")
	b.wantText("h1", "Dziennik zmian")
	if body := b.text("#results"); !strings.Contains(body, "Ola Owner: zablokowano użytkownika Ewa Zielińska") ||
		!strings.Contains(body, "Magazyn") {
		t.Fatalf("sentences: %s", body)
	}
	b.shot("audit")

	b.fill("f-words", "usunięcie")
	b.waitFor(func() bool {
		return strings.Count(b.text("#results"), "usunięto") == 1 &&
			!strings.Contains(b.text("#results"), "zablokowano")
	})
	if !strings.Contains(b.path(), "words=") {
		t.Errorf("the filter is not in the address: %s", b.path())
	}
	b.shot("audit-words")

	b.fill("f-words", "")
	b.fill("f-actor", "ziel")
	b.waitFor(func() bool {
		n, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#audit-people option").length`))
		return n == 1
	})

	b.open("/users/" + strconv.FormatInt(ewa.ID, 10))
	b.wantText("#audit h2", "Ostatnie zmiany")
	if body := b.text("#audit"); !strings.Contains(body, "zmieniono grupy użytkownika Ewa Zielińska") {
		t.Errorf("user page entries: %s", body)
	}
	b.shot("audit-user")
}

// waitFor polls ok until it holds, failing the test after five seconds.
func (b *browser) waitFor(ok func() bool) {
	b.t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if ok() {
			return
		}
	}
	b.t.Fatalf("waited in vain on %s", b.path())
}
