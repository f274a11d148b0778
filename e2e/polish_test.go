package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kadra/db/dbtest"
)

// R-I18N-1 in a browser: with Polish chosen, the built-in role and
// position read in Polish, and the bulk confirmation names the action and
// the number of users ticked, declined ("Zablokować 3 użytkowników?").
// Choosing the action must not reload the list (which unticked the rows).
func TestPolishInTheBrowser(t *testing.T) {
	requireProgram(t, "chromium", "/usr/bin/chromium")
	d, owner := dbtest.Setup(t)
	for _, e := range []string{"anna@example.pl", "jan@example.pl", "ewa@example.pl"} {
		dbtest.AddUser(t, d, owner, e)
	}
	b := signedIn(t, d, "owner@example.pl")
	b.do("choose Polish", chromedp.Evaluate[chromedp.Void](`document.cookie = "kadra_lang=pl; path=/"; undefined`))

	b.open("/users")
	b.wantText("table.users", "Pracownik")
	if txt := b.text("table.users"); strings.Contains(txt, "Staff member") || strings.Contains(txt, "Employee") {
		t.Errorf("English in the Polish user list: %q", txt)
	}
	b.shot("polish-users")

	b.click(`input[name="ids"][aria-label*="anna@"]`)
	b.click(`input[name="ids"][aria-label*="jan@"]`)
	b.click(`input[name="ids"][aria-label*="ewa@"]`)
	b.do("choose block", chromedp.SetValue(chromedp.ID("bulk-action"), "block"))
	b.dismiss.Store(true)
	b.click(`button[formaction="/users/bulk"]`)
	if m := b.dialog(); m != "Zablokować 3 użytkowników?" {
		t.Errorf("bulk confirmation = %q", m)
	}
	b.click(`input[name="ids"][aria-label*="jan@"]`) // two left
	b.do("choose delete", chromedp.SetValue(chromedp.ID("bulk-action"), "delete"))
	b.click(`button[formaction="/users/bulk"]`)
	if m := b.dialog(); m != "Usunąć 2 użytkowników? Tego nie można cofnąć." {
		t.Errorf("bulk confirmation = %q", m)
	}
	b.dismiss.Store(false)

	for _, p := range []struct{ path, css, want, shot string }{
		{"/groups", ".group-tree", "Stanowisko", "polish-groups"},
		{"/roles", "main", "Wszystkie uprawnienia.", "polish-roles"},
		{"/", "nav", "Grupy użytkowników", "polish-dashboard"},
	} {
		b.open(p.path)
		b.wantText(p.css, p.want)
		b.shot(p.shot)
	}
}
