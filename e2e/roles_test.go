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

// groupID finds a group of the owner's account by its path.
func groupID(t *testing.T, d *db.DB, owner db.Actor, path string) int64 {
	t.Helper()
	tree, err := d.GroupTree(context.Background(), owner, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range tree {
		if g.Path == path {
			return g.ID
		}
	}
	t.Fatalf("no group %q", path)
	return 0
}

// R-ROLE-2, R-ROLE-5, R-GROUP-1, R-GROUP-5: the owner creates a role with
// the wizard (a refused step keeps what was typed), sees it in the list,
// creates a group and a subgroup, and deletes the empty subgroup after a
// confirmation, which Cancel stops.
func TestBrowserRolesAndGroups(t *testing.T) {
	d, owner := dbtest.Setup(t)
	anna := dbtest.AddUser(t, d, owner, "anna@example.pl")
	b := signedIn(t, d, "owner@example.pl")

	// The wizard: name, then permissions, then users.
	b.open("/roles")
	b.submit(`a[href="/roles/new"]`)
	b.wantPath("/roles/new")
	// An empty textarea has no text node for fill's Clear: type into it.
	b.do("type the description", chromedp.SendKeys(chromedp.ID("f-description"), "Front desk"))
	b.submit(`button[value="next"]`)
	b.wantText("#e-name", "This field is required.")
	if b.value("f-description") != "Front desk" {
		t.Fatal("the description was lost when step 1 was refused")
	}
	b.fill("f-name", "Sales")
	b.submit(`button[value="next"].primary`)
	b.wantText(".steps [aria-current=step]", "Permissions")
	b.click(`input[value="users.view"]`)
	b.click(`input[value="groups.manage"]`)
	b.docScreenshot("role-wizard")
	b.submit(`button[value="next"].primary`)
	b.wantText("main table", "moves from “Staff member”")
	b.click(fmt.Sprintf("#u-%d", anna.ID))
	b.wantText("p.count", "1 user") // the count follows the ticks (issue 11)
	b.submit(`button[value="create"]`)
	b.wantText(".flash", "Role “Sales” created.")
	b.wantText("main", "anna@example.pl")
	b.wantText("main", "Manage groups")
	b.open("/roles")
	b.wantText("main table", "Sales")
	b.wantText("main table", "2 of 12")

	// Groups: one at the top, one under it.
	b.open("/groups")
	b.fill("f-name", "Foreign branches")
	b.submit(`#new button.primary`)
	b.wantText(".flash", "Group “Foreign branches” created.")
	foreign := groupID(t, d, owner, "Foreign branches")
	b.submit(fmt.Sprintf(`#g-%d > .gnode a.add`, foreign))
	if v := b.value("f-parent_id"); v != fmt.Sprint(foreign) {
		t.Fatalf("Add subgroup preselects %q", v)
	}
	b.fill("f-name", "France")
	b.submit(`#new button.primary`)
	b.wantText(".group-tree", "France")
	france := groupID(t, d, owner, "Foreign branches › France")
	b.docScreenshot("groups")

	// Delete France: Cancel keeps it, OK deletes it.
	b.open(fmt.Sprintf("/groups/%d", france))
	b.dismiss.Store(true)
	b.click(`form[action$="/delete"] button`)
	if m := b.dialog(); !strings.Contains(m, "France") {
		t.Fatalf("confirmation says %q", m)
	}
	b.wantPath(fmt.Sprintf("/groups/%d", france))
	b.dismiss.Store(false)
	b.submit(`form[action$="/delete"] button`)
	b.dialog()
	b.wantPath("/groups")
	b.wantText(".flash", "Group “Foreign branches › France” deleted.")
	if strings.Contains(b.text(".group-tree"), "France") {
		t.Fatal("France is still in the tree")
	}
}
