package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-SEC-2, R-ROLE-7: the pages follow the policy. A helpdesk admin who
// opens the row menu of an Administrator is offered only "Open", and of a
// weaker user every act; the user page of the Administrator offers no
// edit; the server refuses the edit form anyway.
func TestBrowserMenuFollowsPolicy(t *testing.T) {
	d, owner := dbtest.Setup(t)
	ctx := context.Background()
	role, err := d.CreateRole(ctx, owner, db.RoleInput{Name: "Helpdesk", Permissions: []db.Permission{
		db.PermUsersView, db.PermUsersManage, db.PermUsersBlock, db.PermUsersDelete}})
	if err != nil {
		t.Fatal(err)
	}
	help := dbtest.AddUser(t, d, owner, "helpdesk@example.pl")
	if err := d.SetUserRole(ctx, owner, help.ID, role.ID); err != nil {
		t.Fatal(err)
	}
	admin := dbtest.AddAdmin(t, d, owner, "admin@example.pl")
	weak := dbtest.AddUser(t, d, owner, "weak@example.pl")
	b := signedIn(t, d, help.Email)

	b.open("/users?q=admin%40example.pl")
	b.openRowMenu(admin.ID)
	b.wantText(fmt.Sprintf("#row-menu-%d", admin.ID), "Open")
	if got := b.count(fmt.Sprintf("#row-menu-%d button, #row-menu-%d a[href$='/edit']", admin.ID, admin.ID)); got != 0 {
		t.Errorf("the Administrator's menu offers %d acts to helpdesk", got)
	}
	b.open("/users?q=weak%40example.pl")
	b.openRowMenu(weak.ID)
	if got := b.count(fmt.Sprintf("#row-menu-%d button", weak.ID)); got < 3 {
		t.Errorf("the weaker user's menu offers %d acts, want block, delete and reset", got)
	}
	b.shot("menu-weaker")
	b.open(fmt.Sprintf("/users/%d", admin.ID))
	if got := b.count(fmt.Sprintf(`a[href="/users/%d/edit"]`, admin.ID)); got != 0 {
		t.Error("the Administrator's page offers an edit to helpdesk")
	}
	if status := b.status(fmt.Sprintf("/users/%d/edit", admin.ID)); status != 403 {
		t.Errorf("the edit form of a stronger user: %d", status)
	}
	b.open("/profile")
	b.shot("profile")
}

// openRowMenu opens the "⋯" menu of a user's row and waits for its acts.
func (b *browser) openRowMenu(id int64) {
	b.t.Helper()
	sel := fmt.Sprintf(`details.row-menu[hx-get^="/users/%d/menu"]`, id)
	b.do("open the row menu", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`document.querySelector(%q).id = "row-menu-%d"`, sel, id)),
		chromedp.Click(chromedp.CSS(sel+" summary"), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#row-menu-%d ul.menu-acts`, id))))
}

// count is the number of elements a CSS selector finds.
func (b *browser) count(css string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, css)))
	if err != nil {
		b.t.Fatal(err)
	}
	return n
}

// status loads a path with fetch and returns its HTTP status.
func (b *browser) status(path string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](fmt.Sprintf(
		`fetch(%q, {redirect: "manual"}).then(r => r.status)`, path), chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatal(err)
	}
	return n
}

// shot writes the page at 1280 and 390 px wide to KADRA_SHOTS_DIR, for
// looking at what was built; nothing without it.
func (b *browser) shot(name string) {
	b.t.Helper()
	dir := os.Getenv("KADRA_SHOTS_DIR")
	if dir == "" {
		return
	}
	for _, w := range []int64{1280, 390} {
		b.do("resize", chromedp.EmulateViewport(w, 800))
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			b.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, w)), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.do("resize", chromedp.EmulateViewport(viewportW, viewportH))
}
