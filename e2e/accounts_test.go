package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"kadra/db/dbtest"
)

// R-ACC-2, R-ACC-4, R-ACC-5, R-ACC-6: the owner adds a sub-account in two
// steps and grants a main user access; that user switches into it from the
// title bar, sees only its users, and switches back.
func TestBrowserSubAccountSwitch(t *testing.T) {
	d, owner := dbtest.Setup(t)
	ctx := context.Background()
	manager := dbtest.AddAdmin(t, d, owner, "manager@example.pl")
	dbtest.AddUser(t, d, owner, "clerk@example.pl")
	b := signedIn(t, d, "owner@example.pl")

	b.open("/accounts")
	b.submit(`a[href="/accounts/new"]`)
	b.wantPath("/accounts/new")
	b.fill("f-name", "Oddział Kraków")
	b.fill("f-external_id", "KRK-01")
	b.submit(`form[action="/accounts/new"] button[type=submit]`)
	b.wantText("main h1", "Confirm the new account")
	b.wantText("main .facts", "oddzial-krakow.localhost")
	b.docScreenshot("account-confirm")
	b.submit(`form[action="/accounts"] button.primary`)
	b.wantText(".flash", "Account Oddział Kraków was added.")
	path, _, _ := strings.Cut(b.path(), "?") // ?created=1: the page offers the next steps
	id, err := strconv.ParseInt(strings.TrimPrefix(path, "/accounts/"), 10, 64)
	if err != nil {
		t.Fatalf("not on the account's page: %s", path)
	}
	// The new account gets a user of its own.
	dbtest.AddUser(t, d, dbtest.In(t, d, owner, id), "jan@krakow.example.pl")

	// Grant the manager access from the account's page.
	b.open(path)
	b.wantText("#access", "the owner, always")
	b.click(fmt.Sprintf("#g-%d", manager.ID))
	b.submit(`form[action$="/access"] button[type=submit]`)
	b.wantText(".flash", "Access was saved.")
	b.click("details.user-menu summary")
	b.submit(`form[action="/logout"] button[type=submit]`)

	// The manager switches into the sub-account from the title bar.
	b.signIn(manager.Email, dbtest.OwnerPassword)
	b.wantText("header .account", "Biuro")
	b.submit(`header a.switch`)
	b.wantPath("/accounts/switch")
	b.docScreenshot("account-switch")
	b.submit(fmt.Sprintf("#switch-%d", id))
	b.wantText(".flash", "You now act in Oddział Kraków.")
	b.wantText("header .account.away", "Oddział Kraków")
	b.open("/users")
	b.wantText("#results", "jan@krakow.example.pl")
	if txt := b.text("#results"); strings.Contains(txt, "clerk@example.pl") || strings.Contains(txt, "owner@example.pl") {
		t.Fatalf("the sub-account's user list shows main-account users:\n%s", txt)
	}
	b.wantText("#results .count", "1 user")

	// And back.
	b.submit(`header a.switch`)
	main, err := d.CurrentAccount(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	b.submit(fmt.Sprintf("#switch-%d", main.ID))
	b.wantText("header .account", "Biuro")
	b.open("/users")
	b.wantText("#results", "clerk@example.pl")
	if strings.Contains(b.text("#results"), "jan@krakow.example.pl") {
		t.Fatal("the main account's list shows the sub-account's user")
	}
}
